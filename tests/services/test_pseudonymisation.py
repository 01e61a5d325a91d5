"""A DPO's hunt through the copies that leave the cell: a person concerned hidden in every text
of a meeting — title, place, video link, attendance, notes, decisions, actions, a version's
reason — by name, typo, nickname, relatives, phones, NIR, e-mails, addresses, dates and ages
(tests/data/hidden-names.json, fictitious people). Nothing of it may survive in the
pseudonymised minutes, the agenda or the .ics, once the review step's words are masked."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from casecell.domain.meetings import Attendance, ItemPurpose, MeetingStatus
from casecell.domain.minutes import Variant
from casecell.domain.text import fold
from casecell.services import accounts, cases, meetings, minutes
from casecell.services.cases import ActionInput
from casecell.services.meetings import AttendanceInput, ItemInput, MeetingInput, ParticipantInput
from casecell.storage import minutes as minutes_queries
from tests.services.test_cases import orgs  # noqa: F401  (fixture)
from tests.services.test_meetings import cell  # noqa: F401  (fixture)
from tests.services.test_minutes import AUTH, pdf_text, person_case

CORPUS = json.loads((Path(__file__).parent.parent / "data" / "hidden-names.json").read_text())


def survivors(text: str, words=CORPUS["secrets"]["words"], digits=CORPUS["secrets"]["digits"]):
    """The secrets still in ``text``: words folded and whole, digits however separated."""
    folded = fold(text)
    found = [w for w in words if re.search(rf"(?<!\w){re.escape(fold(w))}(?!\w)", folded)]
    runs = {re.sub(r"[\s.\-]", "", r) for r in re.findall(r"\d[\d .\-]*\d", text)}
    found += [d for d in digits if any(d in run for run in runs)]
    return found


@pytest.fixture
def hidden(admin_ctx, cell, monkeypatch):  # noqa: F811
    """Yesterday's meeting, held, hiding the person everywhere; their stored identifiers as
    the corpus spells them (some deliberately unlike the form's normalised spelling)."""
    monkeypatch.setattr(
        minutes_queries,
        "identifiers_of",
        lambda _session, pseudonyms: {p: tuple(CORPUS["identifiers"]) for p in pseudonyms},
    )
    p, b = CORPUS["person"], CORPUS["bystander"]
    case = person_case(
        admin_ctx, cell, p["first_name"], p["last_name"], date.fromisoformat(p["birth_date"])
    )
    person_case(
        admin_ctx, cell, b["first_name"], b["last_name"], date.fromisoformat(b["birth_date"])
    )
    yesterday = (datetime.now() - timedelta(days=1)).strftime("%d/%m/%Y 14:00")
    meeting = meetings.plan_meeting(
        admin_ctx,
        MeetingInput(yesterday, 120, CORPUS["place"], title=CORPUS["title"],
                     video_link=CORPUS["video_link"], chair_contact_id=1),
    )  # fmt: skip
    meetings.set_agenda(admin_ctx, meeting.id, [ItemInput(case.id, ItemPurpose.NEW_REFERRAL)])
    meetings.set_item_notes(
        admin_ctx, meeting.id, case.id, "\n".join(CORPUS["notes"]), CORPUS["decisions"]
    )
    cases.add_action(
        admin_ctx, case.id, ActionInput(CORPUS["action"], cell[0].id, meeting_id=meeting.id)
    )
    meetings.invite(admin_ctx, meeting.id)
    first = meetings.get_meeting(admin_ctx, meeting.id).participants[0]
    meetings.record_attendance(
        admin_ctx,
        first.id,
        AttendanceInput(Attendance.REPRESENTED, represented_by=CORPUS["represented_by"]),
    )
    observer = meetings.add_participant(
        admin_ctx, meeting.id, ParticipantInput(name=CORPUS["observer"], observer=True)
    )
    meetings.record_attendance(admin_ctx, observer.id, AttendanceInput(Attendance.PRESENT))
    meetings.set_status(admin_ctx, meeting.id, MeetingStatus.HELD)
    minutes.validate_minutes(admin_ctx, meeting.id)
    minutes.new_version(admin_ctx, meeting.id, "Numéro de Kévyn : 06 99 88 77 66")
    return meeting


def test_the_corpus_is_there_in_the_nominative_copy(admin_ctx, hidden):
    _view, data = minutes.render_minutes(admin_ctx, hidden.id, Variant.NOMINATIVE, version=2)
    text = pdf_text(data)
    assert {"Ysaline", "Kévyn", "Bérangère"} <= set(survivors(text))  # the test can fail


def test_nothing_of_the_corpus_survives_the_pseudonymised_minutes(admin_ctx, hidden, tmp_path):
    view, data = minutes.render_minutes(admin_ctx, hidden.id, Variant.PSEUDONYMISED, version=2)
    # Relatives not in the vault, a typo and a nickname: only the review step can see them.
    assert set(survivors(pdf_text(data))) <= set(CORPUS["review"])
    assert set(CORPUS["review"]) <= set(view.to_confirm)
    assert not {"Mme", "CAF", "Plénière", "Domicile", "Dossier"} & set(view.to_confirm)
    target = tmp_path / "cr.pdf"
    minutes.write_minutes(
        admin_ctx, hidden.id, target, Variant.PSEUDONYMISED, 2, masked=view.to_confirm
    )
    text = pdf_text(str(target))
    assert survivors(text) == []
    flat = " ".join(text.split())
    for kept in CORPUS["kept"]:  # reference numbers, amounts, times, durations, postal codes
        assert kept in flat, kept
    for mark in ("[téléphone masqué]", "[courriel masqué]", "[NIR masqué]", "[adresse masquée]",
                 "[date masquée]", "[âge masqué]"):  # fmt: skip
        assert mark in flat, mark
    assert "[…]" in flat and "Version pseudonymisée" in flat


def test_nothing_of_the_corpus_survives_the_agenda_and_the_ics(admin_ctx, hidden, tmp_path):
    agenda, ics = tmp_path / "odj.pdf", tmp_path / "invitation.ics"
    meetings.write_agenda_pdf(admin_ctx, hidden.id, agenda)
    meetings.write_calendar(admin_ctx, hidden.id, ics)
    assert survivors(pdf_text(str(agenda))) == []
    calendar = Calendar.from_ical(ics.read_bytes())
    texts = [
        str(event.get(field, ""))
        for event in calendar.walk("VEVENT")
        for field in ("summary", "location", "description", "url")
    ]
    # The whole file too, but for digits (its time zone lists every clock change since 1970).
    assert survivors("\n".join(texts)) == [] and survivors(ics.read_text(), digits=()) == []
    assert "[téléphone masqué]" in texts[0]  # the title, scrubbed
    both = meetings.export_invitations(admin_ctx, hidden.id, tmp_path)
    assert (
        survivors(both[0].read_text(), digits=()) == [] and survivors(pdf_text(str(both[1]))) == []
    )


def test_the_cli_counts_the_words_to_confirm_and_shows_them_only_when_asked(
    cli, admin_ctx, hidden, tmp_path
):
    accounts.sign_out(admin_ctx)
    target = tmp_path / "cr.pdf"
    args = ("minutes", str(hidden.id), "-o", str(target), "--pseudonymised")
    counted = cli(*args, **AUTH)
    assert counted.code == 0, counted.err
    assert re.search(r"\b\d+ mots à confirmer", counted.out) and "--show-words" in counted.out
    assert "Bérangère" not in counted.out  # the words may be names: not unless asked
    shown = cli(*args, "--show-words", **AUTH)
    assert all(word in shown.out for word in CORPUS["review"])
    masked = cli(*args, *(f"--mask={w}" for w in CORPUS["review"]), **AUTH)
    assert masked.code == 0 and survivors(pdf_text(str(target))) == []
    assert "Bérangère" not in masked.out
    nominative = cli("minutes", str(hidden.id), "-o", str(target), **AUTH)
    assert "confirmer" not in nominative.out
