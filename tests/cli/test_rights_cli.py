"""Data-subject rights at the command line: ``person export`` and ``aipd``."""

from __future__ import annotations

import os
import stat

from tests.conftest import ADMIN, ADMIN_PASS, OTHER_PASS
from tests.services.test_cases import orgs  # noqa: F401  (fixture)
from tests.services.test_minutes import pdf_text
from tests.services.test_rights import BRUNO_MARKERS, register  # noqa: F401  (fixture)

AUTH = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}
COORD = {"CASECELL_USER": "c.coord", "CASECELL_PASSPHRASE": OTHER_PASS}
MEMBER = {"CASECELL_USER": "m.cmp", "CASECELL_PASSPHRASE": OTHER_PASS}


def test_person_export_by_reference_or_pseudonym(cli, register, tmp_path):  # noqa: F811
    target = tmp_path / "acces.pdf"
    done = cli("person", "export", register.alice_pseudonym, "-o", str(target), **COORD)
    assert done.code == 0, done.err
    assert register.alice_pseudonym in done.out and "1 situation," in done.out
    assert "données nominatives en clair" in done.err
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    text = pdf_text(str(target))
    assert register.alice_ref in text and not any(m in text for m in BRUNO_MARKERS)
    again = cli("person", "export", register.bruno_ref, "-o", str(target), **AUTH)
    assert again.code == 0 and register.bruno_ref in pdf_text(str(target))


def test_person_export_refusals_are_french_and_write_nothing(cli, register, tmp_path):  # noqa: F811
    target = tmp_path / "refus.pdf"
    unknown = cli("person", "export", "2031-404", "-o", str(target), **AUTH)
    assert unknown.code == 1
    assert unknown.err.strip() == (
        "casecell: Aucune personne ni situation ne correspond à « 2031-404 » : indiquez une "
        "référence de situation (AAAA-NNN) ou un pseudonyme (P-XXXXXX)."
    )
    member = cli("person", "export", register.alice_ref, "-o", str(target), **MEMBER)
    assert member.code == 1 and "Votre rôle (membre) ne permet pas" in member.err
    assert cli("person", "export", register.alice_ref, **AUTH).code == 2  # -o missing
    assert "Traceback" not in unknown.err + member.err and not target.exists()


def test_aipd_for_administrators_only(cli, register, tmp_path):  # noqa: F811
    target = tmp_path / "aipd.pdf"
    refused = cli("aipd", "-o", str(target), **COORD)
    assert refused.code == 1 and "Votre rôle (coordinateur) ne permet pas" in refused.err
    assert not target.exists()
    done = cli("aipd", "-o", str(target), **AUTH)
    assert done.code == 0, done.err
    assert "à compléter à la main" in done.out
    assert "À compléter" in pdf_text(str(target))
