"""What is sent to every partner: the .ics invitations and the agenda PDF. Parsed back with
icalendar and pypdf; they carry references and pseudonyms, never a name or a birth date."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import icalendar
import pytest
from pypdf import PdfReader

from casecell.compat import UTC
from casecell.domain.meetings import ItemPurpose
from casecell.domain.nomenclatures import OrganisationKind
from casecell.errors import ValidationError
from casecell.services import cases, meetings, partners, settings
from casecell.services.meetings import ItemInput, MeetingInput
from casecell.services.partners import ContactInput, OrganisationInput
from tests.conftest import ADMIN, ADMIN_PASS, tricky_strings
from tests.services.test_cases import AGREED, draft, orgs  # noqa: F401  (fixture)
from tests.services.test_meetings import accepted, cell  # noqa: F401  (fixture)

AUTH = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}
TRICKY_PLACE = "Salle « Ōsaka » <b>&amp; 1er étage; \\ DROP TABLE meetings;--"


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def planned(admin_ctx, cell):  # noqa: F811
    ids = []
    for n in range(3):
        case = accepted(admin_ctx, cell, first=f"Prénom{n}", last=f"Nomdefamille{n}")
        ids.append(case.id)
    meeting = meetings.plan_meeting(
        admin_ctx,
        MeetingInput(
            "09/03/2027 14:00", 120, TRICKY_PLACE, title="Plénière", chair_contact_id=1,
            video_link="https://visio.exemple.invalid/cellule?x=1&y=2",
        ),
    )  # fmt: skip
    meetings.set_agenda(
        admin_ctx, meeting.id, [ItemInput(i, ItemPurpose.NEW_REFERRAL) for i in ids]
    )
    settings.set_organiser_email(admin_ctx, "cellule@villebourg.fr")
    return meetings.get_meeting(admin_ctx, meeting.id).meeting, ids


def test_the_ics_parses_back_with_its_timezone_and_attendees(admin_ctx, planned, tmp_path):
    meeting, _ids = planned
    target = tmp_path / "réunion.ics"
    meetings.write_calendar(admin_ctx, meeting.id, target)
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and start.astimezone(UTC) == datetime(
        2027, 3, 9, 13, tzinfo=UTC
    )
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTEND") - start == (meeting.ends_at - meeting.starts_at)
    assert str(event["UID"]) == meeting.uid and str(event["LOCATION"]) == TRICKY_PLACE
    assert str(event["ORGANIZER"]) == "mailto:cellule@villebourg.fr"
    attendees = {str(a) for a in event.get("ATTENDEE")}
    assert attendees == {f"mailto:c{i}@exemple.invalid" for i in (1, 2, 3)}
    text = target.read_text("utf-8")
    assert "Nomdefamille" not in text and "Prénom" not in text and "1950" not in text
    description = str(event["DESCRIPTION"])
    assert description.count("P-") == 3 and "14:00–14:15" in description


def test_one_file_per_partner(admin_ctx, planned, tmp_path):
    meeting, _ids = planned
    _details, written = meetings.write_partner_calendars(admin_ctx, meeting.id, tmp_path / "p.ics")
    assert len(written) == 3  # one per organisation (each one window)
    events = [icalendar.Calendar.from_ical(p.read_bytes()).walk("VEVENT") for p, _org in written]
    assert [len(found) for found in events] == [1, 1, 1]
    starts = sorted(e[0].decoded("DTSTART").astimezone(UTC) for e in events)
    assert starts[0] == datetime(2027, 3, 9, 13, tzinfo=UTC)


def test_the_agenda_pdf_names_every_situation_by_reference_only(admin_ctx, planned, tmp_path):
    meeting, _ids = planned
    target = tmp_path / "ordre du jour.pdf"
    details = meetings.write_agenda_pdf(admin_ctx, meeting.id, target)
    text = pdf_text(target)
    for item in details.items:
        assert item.reference in text and item.pseudonym in text
    assert "Nomdefamille" not in text and "Prénom" not in text
    assert "Ordre du jour et convocation" in text and "mardi 9 mars 2027" in text
    assert "Ōsaka" in text and "<b>&amp;" in text  # typed markup shown as typed
    assert "toute la réunion" in text  # the permanent member


def test_tricky_organisation_names_survive_into_both(admin_ctx, tmp_path):
    org_ids = []
    for n, text in enumerate(tricky_strings()[:25]):
        name = " ".join(text.split())[:200] or f"Organisation {n}"
        try:
            org = partners.add_organisation(
                admin_ctx,
                OrganisationInput(name, OrganisationKind.ASSOCIATION, permanent_member=True),
            )
        except ValidationError:  # a string the organisation form refuses is not the point here
            continue
        partners.add_contact(
            admin_ctx, ContactInput(org.id, name[:200], email=f"o{n}@exemple.invalid")
        )
        org_ids.append((org.id, name))
    assert len(org_ids) >= 15
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput("12/01/2027 14:00", 60, "Mairie"))
    settings.set_organiser_email(admin_ctx, "cellule@villebourg.fr")
    ics, pdf = meetings.export_invitations(admin_ctx, meeting.id, tmp_path)
    assert ics.name.endswith(".ics") and pdf.name.endswith(".pdf")
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    names = {a.params["CN"] for a in calendar.walk("VEVENT")[0].get("ATTENDEE")}
    text = re.sub(r"\s+", "", pdf_text(pdf))  # long names wrap across lines
    for _id, name in org_ids:
        assert name in names
        if name.isprintable() and not any(ord(ch) > 0xFFFF for ch in name):  # no emoji glyphs
            shown = "".join(name.split())
            rtl = any("\u0590" <= ch <= "\u08ff" for ch in shown)
            assert (shown[::-1] if rtl else shown) in text, name  # RTL laid out right to left


def test_cli_ics_and_agenda_and_an_unknown_meeting(cli, admin_ctx, planned, tmp_path):
    from casecell.services import accounts

    meeting, ids = planned
    reference = cases.get_case(admin_ctx, ids[0]).reference
    accounts.sign_out(admin_ctx)
    ok = cli("ics", str(meeting.id), "-o", str(tmp_path / "a.ics"), **AUTH)
    assert ok.code == 0, ok.err
    assert "⚠" not in ok.err
    ok = cli("agenda", str(meeting.id), "-o", str(tmp_path / "a.pdf"), **AUTH)
    assert ok.code == 0 and "3 points" in ok.out
    missing = cli("agenda", "999", "-o", str(tmp_path / "b.pdf"), **AUTH)
    assert missing.code == 1 and "Réunion 999 inconnue" in missing.err
    assert "Traceback" not in missing.err and not (tmp_path / "b.pdf").exists()
    assert cli("ics", "abc", "-o", str(tmp_path / "c.ics"), **AUTH).code == 2
    planned_series = cli(
        "meetings", "plan", "--start", "01/01/2027 10:00", "--place", "Mairie",
        "--repeat", "FREQ=MONTHLY;BYMONTHDAY=1", "--until", "30/06/2027", **AUTH,
    )  # fmt: skip
    assert planned_series.code == 0, planned_series.err
    assert "01/01/2027 : jour férié (Jour de l'an)" in planned_series.err
    assert "4 réunions planifiées." in planned_series.out  # Feb, Mar, Apr, Jun (1 May off)
    listed = cli("meetings", "list", "--from", "2027-01-01", "--to", "2027-12-31", **AUTH)
    assert listed.out.count("\n") == 5  # the four and the one of the fixture
    soon = (datetime.now() + timedelta(days=1)).strftime("%d/%m/%Y 09:00")
    urgent = cli(
        "meetings", "plan", "--start", soon, "--place", "CCAS", "--emergency", reference, **AUTH
    )
    assert urgent.code == 0 and "réunion d’urgence" in urgent.out and "1 point" in urgent.out
    unknown = cli(
        "meetings", "plan", "--start", soon, "--place", "CCAS", "--emergency", "1999-999", **AUTH
    )
    assert unknown.code == 1 and "Aucune situation n’a la référence « 1999-999 »" in unknown.err
    bad = cli("meetings", "plan", "--start", "demain", "--place", "X", **AUTH)
    assert bad.code == 1 and "illisible" in bad.err
