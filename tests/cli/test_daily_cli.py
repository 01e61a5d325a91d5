"""Daily use at the command line: a situation's sheet, a search that says who and when, and a
meeting run from the terminal (held, who came, what was said), all in French."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta

import pytest

from casecell.domain.meetings import PARIS as ZONE
from casecell.domain.meetings import Attendance, ItemPurpose
from casecell.services import cases, meetings
from casecell.services.cases import ActionInput
from casecell.services.meetings import ItemInput, MeetingInput
from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.test_cases import draft, orgs, refer  # noqa: F401  (fixtures)
from tests.services.test_meetings import accepted, cell  # noqa: F401  (fixtures)

AUTH = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}


@pytest.fixture
def day(admin_ctx, cell):  # noqa: F811
    """A situation with one late action and one to come, and yesterday's meeting about it."""
    _ccas, cmp_, landlord = cell
    today = admin_ctx.today()
    helene = accepted(admin_ctx, cell, next_review_on=today - timedelta(days=3))
    other = accepted(admin_ctx, cell, first="Paul", last="Martin", next_review_on=date(2031, 1, 1))
    cases.add_action(
        admin_ctx,
        helene.id,
        ActionInput("Visite à domicile", cmp_.id, due_on=today - timedelta(days=2)),
    )
    cases.add_action(
        admin_ctx,
        helene.id,
        ActionInput("Demande de FSL", landlord.id, due_on=today + timedelta(days=20)),
    )
    start = (datetime.now() - timedelta(days=1)).strftime("%d/%m/%Y 14:00")
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput(start, 120, "Mairie"))
    meetings.set_agenda(admin_ctx, meeting.id, [ItemInput(helene.id, ItemPurpose.REVIEW)])
    admin_ctx.vault.close()
    return helene, other, meeting, cell


def test_case_show_prints_a_useful_sheet(cli, day):
    helene, _other, _meeting, (ccas, cmp_, landlord) = day
    shown = cli("case", "show", helene.reference, **AUTH)
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert lines[0].startswith(f"Situation {helene.reference} — ")
    assert f"Personne : Hélène Lefèvre (pseudonyme {helene.person.pseudonym})" in lines
    assert f"Référent : {ccas.name}" in lines
    review = next(line for line in lines if line.startswith("Prochain examen : "))
    assert review.endswith("— EN RETARD")
    assert "2 actions en cours :" in lines
    late = next(line for line in lines if "Visite à domicile" in line)
    assert late.split("\t")[1:] == [
        cmp_.name,
        f"échéance {(date.today() - timedelta(days=2)):%d/%m/%Y}",
        "à faire",
        "EN RETARD",
    ]
    coming = next(line for line in lines if "Demande de FSL" in line)
    assert "EN RETARD" not in coming and landlord.name in coming


def test_search_prints_reference_person_status_and_next_review(cli, day):
    _helene, other, _meeting, _cell = day
    found = cli("search", "martin", **AUTH)
    assert found.code == 0, found.err
    assert found.out.splitlines() == [f"{other.reference}\tMARTIN Paul\tretenue\t01/01/2031"]


def test_a_manager_cannot_search(cli, day):
    added = cli(
        "user", "add", "g.gestion", "--role", "manager",
        CASECELL_NEW_PASSPHRASE="une autre phrase longue", **AUTH,
    )  # fmt: skip
    assert added.code == 0, added.err
    refused = cli(
        "search", "martin", CASECELL_USER="g.gestion", CASECELL_PASSPHRASE="une autre phrase longue"
    )
    assert refused.code == 1 and "MARTIN" not in refused.out and "Traceback" not in refused.err


def test_a_meeting_run_from_the_terminal(cli, day, boot):
    helene, _other, meeting, (ccas, cmp_, landlord) = day
    mid = str(meeting.id)
    held = cli("meetings", "held", mid, **AUTH)
    assert held.code == 0, held.err
    assert held.out.splitlines()[0] == f"Réunion {meeting.id} marquée comme tenue."
    again = cli("meetings", "held", mid, **AUTH)
    assert again.code == 1 and "déjà tenue" in again.err

    present = cli("meetings", "attendance", mid, "--organisation", ccas.name, "--present", **AUTH)
    assert present.code == 0, present.err
    assert present.out.strip().endswith(f": présent (réunion {meeting.id}).")
    represented = cli(
        "meetings", "attendance", mid, "--organisation", str(cmp_.id),
        "--represented-by", "Dr O'Connor-Ndiaye", "--undertaking-signed", **AUTH,
    )  # fmt: skip
    assert represented.code == 0, represented.err
    excused = cli(
        "meetings", "attendance", mid, "--organisation", landlord.name, "--excused",
        "--information-sent", **AUTH,
    )  # fmt: skip
    assert excused.code == 0, excused.err
    unknown = cli("meetings", "attendance", mid, "--organisation", "ARS", "--absent", **AUTH)
    assert unknown.code == 1 and "Organisation inconnue" in unknown.err
    both = cli(
        "meetings", "attendance", mid, "--organisation", "1", "--absent", "--present", **AUTH
    )
    assert both.code == 2

    noted = cli(
        "meetings", "notes", mid, helene.reference, "--text", "Logement <b>encombré</b> & voisins",
        **AUTH,
    )  # fmt: skip
    assert noted.code == 0, noted.err
    decided = cli("meetings", "notes", mid, helene.reference, "--decisions", "Visite CMP", **AUTH)
    assert decided.code == 0, decided.err
    assert cli("meetings", "notes", mid, helene.reference, **AUTH).code == 2

    ctx = boot.sign_in(ADMIN, ADMIN_PASS)
    details = meetings.get_meeting(ctx, meeting.id)
    ctx.vault.close()
    attendance = {p.organisation_id: p for p in details.participants}
    assert attendance[ccas.id].attendance is Attendance.PRESENT
    assert attendance[cmp_.id].attendance is Attendance.REPRESENTED
    assert attendance[cmp_.id].represented_by == "Dr O'Connor-Ndiaye"
    assert attendance[cmp_.id].undertaking_signed
    assert attendance[landlord.id].attendance is Attendance.EXCUSED
    assert attendance[landlord.id].information_sent
    item = details.items[0]
    assert (item.notes, item.decisions) == ("Logement <b>encombré</b> & voisins", "Visite CMP")


@pytest.fixture
def new_york():
    """The machine's zone is not the cell's: times must still be told in Paris time."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_french_everywhere(cli, day, new_york):
    assert cli("--version").out.strip().startswith("casecell version ")
    assert "afficher la version et quitter" in cli("--help").out
    listed = cli("user", "list", **AUTH).out
    assert f"{ADMIN}\tadministrateur\tactif" in listed
    trail = cli("audit", "--limit", "3", **AUTH).out.splitlines()
    assert [line.split("\t")[3] for line in trail[:1]] == ["connexion"]
    when = datetime.strptime(trail[0].split("\t")[1], "%d/%m/%Y %H:%M:%S")
    assert abs(when - datetime.now(ZONE).replace(tzinfo=None)) < timedelta(minutes=5)


def test_every_option_that_takes_a_value_names_it_in_french():
    import argparse

    from casecell.cli.parser import build_parser

    def walk(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    yield from walk(child, [*path, name])
            elif action.nargs != 0 and action.choices is None:
                yield " ".join(path), action

    unnamed = [
        (path, action.dest) for path, action in walk(build_parser(), [])
        if action.metavar is None and action.help is not argparse.SUPPRESS
        and not isinstance(action, argparse._HelpAction | argparse._VersionAction)
    ]  # fmt: skip
    assert unnamed == []
