"""Need-to-know at the command line: accounts with an organisation, ``case`` commands, and
copies printed ``--for`` an organisation."""

from __future__ import annotations

from casecell.domain.nomenclatures import OrganisationKind
from casecell.services import partners
from casecell.services.partners import OrganisationInput
from tests.conftest import ADMIN, ADMIN_PASS, OTHER_PASS
from tests.services.test_access import NOT_SHARED, world  # noqa: F401  (fixture)
from tests.services.test_minutes import pdf_text

AUTH = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}
CCAS = {"CASECELL_USER": "m.ccas", "CASECELL_PASSPHRASE": OTHER_PASS}
CMP = {"CASECELL_USER": "m.cmp", "CASECELL_PASSPHRASE": OTHER_PASS}
COORD = {"CASECELL_USER": "c.coord", "CASECELL_PASSPHRASE": OTHER_PASS}


def test_user_add_names_the_organisation_of_a_member(cli, admin_ctx):
    for name in ("CAF — accueil", "CAF — accueil"):
        partners.add_organisation(admin_ctx, OrganisationInput(name, OrganisationKind.CAF))
    partners.add_organisation(admin_ctx, OrganisationInput("MDPH", OrganisationKind.MDPH))
    admin_ctx.vault.close()
    new = {"CASECELL_NEW_PASSPHRASE": OTHER_PASS, **AUTH}

    missing = cli("user", "add", "m.one", "--role", "member", **new)
    assert missing.code == 1 and "--organisation" in missing.err
    unknown = cli("user", "add", "m.one", "--role", "member", "--organisation", "ARS", **new)
    assert unknown.code == 1 and "Organisation inconnue : ARS." in unknown.err
    twice = cli(
        "user", "add", "m.one", "--role", "member", "--organisation", "caf — ACCUEIL", **new
    )
    assert twice.code == 1 and "indiquez son numéro" in twice.err
    assert "Traceback" not in missing.err + unknown.err + twice.err

    by_name = cli("user", "add", "m.one", "--role", "member", "--organisation", "mdph", **new)
    assert by_name.code == 0, by_name.err
    by_number = cli("user", "add", "m.two", "--role", "member", "--organisation", "2", **new)
    assert by_number.code == 0, by_number.err
    coordinator = cli("user", "add", "c.three", "--role", "coordinator", **new)
    assert coordinator.code == 0, coordinator.err
    listed = cli("user", "list", **AUTH).out
    assert "m.one\tmembre\tactif\tm.one\tMDPH" in listed
    assert "m.two\tmembre\tactif\tm.two\tCAF — accueil" in listed
    assert "c.three\tcoordinateur\tactif\tc.three\t—" in listed


def test_a_member_lists_shows_and_searches_only_their_situations(cli, world):  # noqa: F811
    mine, theirs, shared = world.mine.reference, world.theirs.reference, world.shared.reference
    listed = cli("case", "list", **CCAS)
    assert listed.code == 0, listed.err
    assert {line.split("\t")[0] for line in listed.out.splitlines()} == {mine, shared}
    assert [line.split("\t")[0] for line in cli("search", "martin", **CCAS).out.splitlines()] == [
        shared
    ]
    shown = cli("case", "show", mine, **CCAS)
    assert shown.code == 0 and "LEFÈVRE" not in shown.out and "Hélène Lefèvre" in shown.out
    for reference in (theirs, "2031-404"):
        refused = cli("case", "show", reference, **CCAS)
        assert refused.code == 1 and refused.err.strip() == f"casecell: {NOT_SHARED}"


def test_sharing_a_situation_from_the_command_line(cli, world):  # noqa: F811
    theirs = world.theirs.reference
    usage = cli("case", "share", theirs, "--organisation", "CCAS de Villebourg", **CMP)
    assert usage.code == 2  # the reason is required
    shared = cli(
        "case", "share", theirs, "--organisation", "CCAS de Villebourg",
        "--reason", "Suivi commun « RSA »", **CMP,
    )  # fmt: skip
    assert shared.code == 0, shared.err
    shown = cli("case", "show", theirs, **CCAS)
    assert shown.code == 0, shown.err
    assert "organisation ajoutée à la situation — CCAS de Villebourg — Suivi commun « RSA »" in (
        shown.out
    )
    dropped = cli(
        "case", "unshare", theirs, "--organisation", "1", "--reason", "Fin du suivi", **CMP
    )
    assert dropped.code == 0, dropped.err
    assert cli("case", "show", theirs, **CCAS).code == 1


def test_minutes_and_agenda_for_an_organisation(cli, world, tmp_path):  # noqa: F811
    mine, theirs = world.mine.reference, world.theirs.reference
    meeting = str(world.meeting)
    for command in ("minutes", "agenda"):
        out = tmp_path / f"{command}.pdf"
        made = cli(command, meeting, "-o", str(out), "--for", "CMP Les Tilleuls", **COORD)
        assert made.code == 0, made.err
        text = pdf_text(str(out))
        assert theirs in text and mine not in text
        refused = cli(command, meeting, "-o", str(out), "--for", "2", **CCAS)
        assert refused.code == 1 and "votre organisation" in refused.err
        own = cli(command, meeting, "-o", str(out), **CCAS)
        assert own.code == 0, own.err
        text = pdf_text(str(out))
        assert mine in text and theirs not in text
