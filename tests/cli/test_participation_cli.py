"""``casecell meetings participation``, ``casecell case oppose`` / ``rectify``, and what
``casecell minutes`` says it left out."""

from __future__ import annotations

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.test_cases import orgs  # noqa: F401  (fixture)
from tests.services.test_meetings import cell  # noqa: F401  (fixture)
from tests.services.test_minutes import pdf_text
from tests.services.test_participation import calendar, clocked  # noqa: F401  (fixture)

AUTH = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}


def test_participation_objection_and_minutes_at_the_command_line(cli, calendar, clocked, tmp_path):  # noqa: F811
    helene, _other, held, *_rest = calendar
    clocked.vault.close()
    ref = helene.reference

    done = cli(
        "meetings", "participation", str(held.id), ref, "--status", "heard_through_professional",
        "--words", "Je refuse « l’EHPAD » <b>", **AUTH,
    )  # fmt: skip
    assert done.code == 0, done.err
    assert done.out.strip() == f"Participation de la personne notée pour {ref} (réunion {held.id})."
    bad = cli("meetings", "participation", str(held.id), ref, "--status", "represented", **AUTH)
    assert bad.code == 1 and "qui a représenté la personne" in bad.err
    assert "Traceback" not in bad.err
    usage = cli("meetings", "participation", str(held.id), ref, "--status", "maybe", **AUTH)
    assert usage.code == 2

    target = tmp_path / "cr.pdf"
    printed = cli("minutes", str(held.id), "-o", str(target), **AUTH)
    assert printed.code == 0, printed.err
    text = " ".join(pdf_text(str(target)).split())
    assert "Entendue par l’intermédiaire d’un professionnel." in text
    assert "Je refuse « l’EHPAD » <b>" in text

    missing = cli("case", "oppose", ref, **AUTH)
    assert missing.code == 2
    opposed = cli("case", "oppose", ref, "--reason", "Appel du 30/11", **AUTH)
    assert opposed.code == 0, opposed.err
    assert opposed.out.startswith(f"⛔ {ref} : la personne s’est opposée au partage")
    assert "Retirée de l’ordre du jour de la réunion" in opposed.out
    again = cli("case", "oppose", ref, "--reason", "Encore", **AUTH)
    assert again.code == 1 and "déjà notée" in again.err
    shown = cli("case", "show", ref, **AUTH)
    assert "Rien n’en est partagé" in shown.out
    assert "opposition au partage — notée — Appel du 30/11" in shown.out

    printed = cli("minutes", str(held.id), "-o", str(target), **AUTH)
    assert printed.code == 0, printed.err
    assert printed.err.strip() == (
        f"⚠ {ref} omise de cet exemplaire : la personne s’est opposée au partage de sa situation."
    )
    text = " ".join(pdf_text(str(target)).split())
    assert "Je refuse" not in text and "Lefèvre" not in text

    withdrawn = cli("case", "oppose", ref, "--withdraw", "--reason", "Lettre", **AUTH)
    assert withdrawn.code == 0 and withdrawn.out.strip() == f"Opposition retirée pour {ref}."

    fixed = cli(
        "case", "rectify", ref, "--last-name", "Lefèvre-Martin", "--reason", "Erreur", **AUTH
    )
    assert fixed.code == 0, fixed.err
    same = cli(
        "case", "rectify", ref, "--last-name", "Lefèvre-Martin", "--reason", "Erreur", **AUTH
    )
    assert same.code == 1 and "Rien ne diffère" in same.err
    shown = cli("case", "show", ref, **AUTH)
    assert "Hélène Lefèvre-Martin" in shown.out
    assert "données de la personne rectifiées — nom — Erreur" in shown.out
