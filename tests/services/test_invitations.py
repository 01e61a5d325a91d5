"""Invitations that real calendar clients take in (issue 14): a stable UID per meeting and a
SEQUENCE raised at each change, a cancellation as RFC 5546 says, one file per partner, Paris
time read right by icalendar and by Mozilla's ical.js, the cell's address as organiser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import icalendar
import pytest

from casecell.compat import UTC
from casecell.domain.meetings import ItemPurpose, MeetingStatus
from casecell.errors import ValidationError
from casecell.services import meetings, settings
from casecell.services.meetings import ItemInput, MeetingInput
from tests.services.test_cases import draft, orgs  # noqa: F401  (fixture)
from tests.services.test_meetings import PLACE, accepted, cell  # noqa: F401  (fixture)

ICAL_SCRIPT = Path(__file__).parent.parent / "data" / "ical_starts.cjs"
CELL_ADDRESS = "cellule.cas-complexes@villebourg.fr"


def attendees(event: icalendar.Event) -> set[str]:
    found = event.get("ATTENDEE", [])
    return {str(a) for a in (found if isinstance(found, list) else [found])}


def events_of(path: Path) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")


@pytest.fixture
def with_address(admin_ctx):
    settings.set_organiser_email(admin_ctx, CELL_ADDRESS)


def test_the_uid_stays_and_the_sequence_rises_at_each_change(admin_ctx, with_address, tmp_path):
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput("12/01/2027 14:00", 120, PLACE))
    other = meetings.plan_meeting(admin_ctx, MeetingInput("09/02/2027 14:00", 120, PLACE))
    assert meeting.uid and other.uid and meeting.uid != other.uid and meeting.sequence == 0
    target = tmp_path / "a.ics"

    def sent() -> icalendar.Event:
        meetings.write_calendar(admin_ctx, meeting.id, target)
        (event,) = events_of(target)
        return event

    assert str(sent()["UID"]) == meeting.uid and sent()["SEQUENCE"] == 0
    same = meetings.update_meeting(
        admin_ctx, meeting.id, MeetingInput("12/01/2027 14:00", 120, PLACE)
    )
    assert same.sequence == 0  # nothing changed: nothing for clients to replace
    for n, data in enumerate(
        [
            MeetingInput("19/01/2027 14:00", 120, PLACE),  # the date
            MeetingInput("19/01/2027 15:30", 120, PLACE),  # the time
            MeetingInput("19/01/2027 15:30", 120, "CCAS, salle 2"),  # the place
            MeetingInput("19/01/2027 15:30", 120, "CCAS, salle 2", title="Plénière"),  # title
        ],
        start=1,
    ):
        changed = meetings.update_meeting(admin_ctx, meeting.id, data)
        assert (changed.uid, changed.sequence) == (meeting.uid, n)
    event = sent()
    assert str(event["UID"]) == meeting.uid and event["SEQUENCE"] == 4
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 1, 19, 14, 30, tzinfo=UTC)
    cancelled = meetings.set_status(admin_ctx, meeting.id, MeetingStatus.CANCELLED)
    assert cancelled.sequence == 5
    calendar = icalendar.Calendar.from_ical(
        (meetings.write_calendar(admin_ctx, meeting.id, target), target.read_bytes())[1]
    )
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 5
    assert str(event["UID"]) == meeting.uid
    assert meetings.get_meeting(admin_ctx, other.id).meeting.sequence == 0  # the other untouched


def test_an_agenda_change_moves_the_partners_slots_and_raises_the_sequence(admin_ctx, cell):  # noqa: F811
    ids = [accepted(admin_ctx, cell, first=f"P{n}").id for n in range(2)]
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput("12/01/2027 14:00", 120, PLACE))
    meetings.set_agenda(admin_ctx, meeting.id, [ItemInput(i, ItemPurpose.REVIEW) for i in ids])
    assert meetings.get_meeting(admin_ctx, meeting.id).meeting.sequence == 1
    items = [ItemInput(i, ItemPurpose.REVIEW, notes="Dit en séance") for i in ids]
    meetings.set_agenda(admin_ctx, meeting.id, items)  # notes only: the times did not move
    assert meetings.get_meeting(admin_ctx, meeting.id).meeting.sequence == 1
    meetings.set_agenda(admin_ctx, meeting.id, items[::-1])
    assert meetings.get_meeting(admin_ctx, meeting.id).meeting.sequence == 2


def test_without_the_cells_address_the_file_holds_plain_events(admin_ctx, cell, tmp_path):  # noqa: F811
    case = accepted(admin_ctx, cell)
    meeting = meetings.plan_meeting(
        admin_ctx, MeetingInput("12/01/2027 14:00", 120, PLACE, chair_contact_id=1)
    )
    meetings.set_agenda(admin_ctx, meeting.id, [ItemInput(case.id, ItemPurpose.REVIEW)])
    target = tmp_path / "a.ics"
    meetings.write_calendar(admin_ctx, meeting.id, target)
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    (event,) = calendar.walk("VEVENT")
    # No invented organiser (a .invalid address bounces) and, RFC 5545 3.8.4.3, no guests
    # without one: a plain event to add to a calendar.
    assert "METHOD" not in calendar and "ORGANIZER" not in event and "ATTENDEE" not in event
    assert b".invalid" not in target.read_bytes().replace(b"exemple.invalid", b"")
    settings.set_organiser_email(admin_ctx, f"  {CELL_ADDRESS} ")
    meetings.write_calendar(admin_ctx, meeting.id, target)
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["ORGANIZER"]) == f"mailto:{CELL_ADDRESS}"
    assert event["ORGANIZER"].params["CN"] == settings.cell_name(admin_ctx)
    assert attendees(event) == {f"mailto:c{o.id}@exemple.invalid" for o in cell}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("noreply@casecell.invalid", "ne peut pas recevoir"),
        ("cellule@example.com", "ne peut pas recevoir"),
        ("pas une adresse", "invalide"),
    ],
)
def test_an_organiser_address_that_cannot_receive_mail_is_refused(admin_ctx, typed, message):
    settings.set_organiser_email(admin_ctx, CELL_ADDRESS)
    with pytest.raises(ValidationError, match=message):
        settings.set_organiser_email(admin_ctx, typed)
    assert settings.organiser_email(admin_ctx) == CELL_ADDRESS  # nothing changed
    assert settings.set_organiser_email(admin_ctx, "") == ""  # removed on purpose


def test_per_partner_one_file_each_with_its_own_slots_only(admin_ctx, cell, with_address, tmp_path):  # noqa: F811
    ccas, cmp_, landlord = cell
    one = accepted(admin_ctx, cell, first="Un", participant_org_ids=(cmp_.id,))
    two = accepted(admin_ctx, cell, first="Deux", participant_org_ids=(landlord.id,))
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput("12/01/2027 14:00", 120, PLACE))
    meetings.set_agenda(
        admin_ctx,
        meeting.id,
        [ItemInput(one.id, ItemPurpose.NEW_REFERRAL), ItemInput(two.id, ItemPurpose.NEW_REFERRAL)],
    )
    target = tmp_path / "invitations.ics"
    details, written = meetings.write_partner_calendars(admin_ctx, meeting.id, target)
    assert not target.exists()
    assert [p.name for p, _name in written] == [
        f"invitations-org{o.id}.ics" for o in (ccas, cmp_, landlord)
    ]
    refs = {i.case_id: i.reference for i in details.items}
    by_org = {}
    for path, _name in written:
        (event,) = events_of(path)  # one window each here
        by_org[path.name] = event
        assert str(event["UID"]) == meeting.uid  # the same meeting, whoever it is sent to
        assert len(attendees(event)) == 1  # that partner's contact only
    whole = by_org[f"invitations-org{ccas.id}.ics"]
    assert str(whole["ATTENDEE"]) == f"mailto:c{ccas.id}@exemple.invalid"
    assert refs[one.id] in str(whole["DESCRIPTION"]) and refs[two.id] in str(whole["DESCRIPTION"])
    mine = by_org[f"invitations-org{landlord.id}.ics"]
    assert str(mine["ATTENDEE"]) == f"mailto:c{landlord.id}@exemple.invalid"
    assert refs[two.id] in str(mine["DESCRIPTION"]) and refs[one.id] not in str(mine["DESCRIPTION"])
    assert mine.decoded("DTSTART").astimezone(UTC) == datetime(2027, 1, 12, 13, 15, tzinfo=UTC)


def test_the_paris_timezone_is_written_as_yearly_rules(admin_ctx, with_address, tmp_path):
    target = tmp_path / "a.ics"
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput("06/07/2027 14:00", 120, PLACE))
    meetings.write_calendar(admin_ctx, meeting.id, target)
    text = target.read_text("utf-8")
    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    (zone,) = icalendar.Calendar.from_ical(target.read_bytes()).walk("VTIMEZONE")
    paris = zone.to_tz()  # icalendar's own reading of the VTIMEZONE, as a client does
    for moment, hour in (
        (datetime(2027, 7, 6, 12, tzinfo=UTC), 14),
        (datetime(2027, 1, 12, 13, tzinfo=UTC), 14),
        (datetime(2027, 3, 28, 1, tzinfo=UTC), 3),  # just after the clocks go forward
        (datetime(2027, 10, 31, 1, tzinfo=UTC), 2),  # just after they go back
    ):
        assert moment.astimezone(paris).hour == hour


def _ical_js() -> str | None:
    """Mozilla's ical.js, if installed (``npm install ical.js`` in /tmp, or ICALJS)."""
    candidates = [os.environ.get("ICALJS", ""), "/tmp/node_modules/ical.js/dist/ical.es5.cjs"]
    found = [c for c in candidates if c and Path(c).is_file()]
    return found[0] if shutil.which("node") and found else None


@pytest.mark.skipif(
    _ical_js() is None, reason="node or Mozilla's ical.js is absent (npm install ical.js)"
)
def test_mozillas_ical_js_reads_a_july_and_a_january_meeting_at_their_paris_hour(
    admin_ctx, with_address, tmp_path
):
    target = tmp_path / "a.ics"
    expected = {}
    for start, utc in (("06/07/2027 14:00", "2027-07-06T12:00"), ("12/01/2027 14:00",
                                                                 "2027-01-12T13:00")):  # fmt: skip
        meeting = meetings.plan_meeting(admin_ctx, MeetingInput(start, 120, PLACE))
        meetings.write_calendar(admin_ctx, meeting.id, target)
        found = subprocess.run(
            ["node", str(ICAL_SCRIPT), str(_ical_js()), str(target)],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        parsed = json.loads(found.stdout)
        assert parsed["method"] == "REQUEST"
        (event,) = parsed["events"]
        expected[start] = (event["paris"], event["utc"])
        assert event["uid"] == meeting.uid and event["sequence"] == 0
        assert event["utc"] == utc
    assert expected["06/07/2027 14:00"][0] == "2027-07-06T14:00"
    assert expected["12/01/2027 14:00"][0] == "2027-01-12T14:00"


def test_the_cells_holiday_region_is_avoided_by_the_planner(admin_ctx):
    assert settings.holiday_region(admin_ctx) == ""
    assert settings.set_holiday_region(admin_ctx, "67") == "6AE"
    with pytest.raises(ValidationError, match="inconnue"):
        settings.set_holiday_region(admin_ctx, "Bretagne")
    assert settings.holiday_region(admin_ctx) == "6AE"  # nothing changed
    result = meetings.plan_series(  # every Friday of March and April 2027
        admin_ctx, MeetingInput("05/03/2027 14:00", 60, PLACE), "FREQ=WEEKLY;BYDAY=FR", count=8
    )
    assert (date(2027, 3, 26), "Vendredi saint") in result.skipped
    kept = meetings.plan_meeting(admin_ctx, MeetingInput("26/03/2027 10:00", 60, "Ailleurs"))
    warnings = meetings.get_meeting(admin_ctx, kept.id).warnings
    assert warnings == ["26/03/2027 est un jour férié (Vendredi saint)."]


def test_planning_warns_of_the_past_a_holiday_and_a_taken_place(admin_ctx):
    meetings.plan_meeting(admin_ctx, MeetingInput("15/03/2027 14:00", 120, PLACE))
    settings.set_holiday_region(admin_ctx, "974")
    found = meetings.plan_warnings(admin_ctx, MeetingInput("15/03/2027 15:00", 60, PLACE.upper()))
    assert found == ["Le lieu est déjà pris par « Réunion plénière » (15/03/2027 14:00)."]
    assert meetings.plan_warnings(admin_ctx, MeetingInput("20/12/2027 14:00", 60, "X")) == [
        "20/12/2027 est un jour férié (Abolition de l'esclavage)."
    ]
    assert meetings.plan_warnings(admin_ctx, MeetingInput("02/03/2020 14:00", 60, "X")) == [
        "02/03/2020 14:00 est déjà passé."
    ]
    series = MeetingInput("01/03/2027 15:00", 60, PLACE)  # Mondays: the 15th is taken
    assert meetings.plan_warnings(admin_ctx, series, "FREQ=WEEKLY", count=4) == found
    with pytest.raises(ValidationError, match="illisible"):
        meetings.plan_warnings(admin_ctx, MeetingInput("demain", 60, "X"))


def test_cli_settings_plan_warnings_and_per_partner_files(cli, admin_ctx, cell, tmp_path):  # noqa: F811
    from casecell.services import accounts
    from tests.services.test_meeting_outputs import AUTH

    one = accepted(admin_ctx, cell, first="Un", participant_org_ids=(cell[1].id,))
    sent = meetings.plan_meeting(admin_ctx, MeetingInput("12/01/2027 14:00", 120, "Mairie"))
    meetings.set_agenda(admin_ctx, sent.id, [ItemInput(one.id, ItemPurpose.REVIEW)])
    accounts.sign_out(admin_ctx)
    shown = cli("settings", "--organiser-email", CELL_ADDRESS, "--holiday-region", "57", **AUTH)
    assert shown.code == 0, shown.err
    assert f"Organisateur des invitations : {CELL_ADDRESS}" in shown.out
    assert "Jours fériés : Moselle (57)" in shown.out
    bad = cli("settings", "--holiday-region", "Bretagne", **AUTH)
    assert bad.code == 1 and "inconnue" in bad.err and "Traceback" not in bad.err
    bad = cli("settings", "--organiser-email", "x@casecell.invalid", **AUTH)
    assert bad.code == 1 and "ne peut pas recevoir" in bad.err
    first = cli("meetings", "plan", "--start", "26/03/2027 14:00", "--place", "CCAS", **AUTH)
    assert first.code == 0 and "Réunion 2 planifiée." in first.out
    assert "⚠ 26/03/2027 est un jour férié (Vendredi saint)." in first.err
    second = cli("meetings", "plan", "--start", "26/03/2027 15:00", "--place", "ccas", **AUTH)
    assert second.code == 0 and "Réunion 3 planifiée." in second.out
    assert "⚠ Le lieu est déjà pris par « Réunion plénière » (26/03/2027 14:00)." in second.err
    past = cli("meetings", "plan", "--start", "02/03/2020 14:00", "--place", "X", **AUTH)
    assert past.code == 0 and "⚠ 02/03/2020 14:00 est déjà passé." in past.err
    target = tmp_path / "invitations.ics"
    files = cli("ics", str(sent.id), "-o", str(target), "--per-partner", **AUTH)
    assert files.code == 0, files.err
    lines = files.out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        str(tmp_path / f"invitations-org{o.id}.ics") for o in (cell[0], cell[1])
    ]
    assert not target.exists() and "organisateur" not in files.err
