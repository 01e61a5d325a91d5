"""The meeting planner through its services, as a coordinator plans a year and runs a meeting."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from casecell.compat import UTC
from casecell.domain.cases import Sharing, Transition
from casecell.domain.meetings import (
    Attendance,
    ItemPurpose,
    MeetingKind,
    MeetingStatus,
    monthly_rule,
)
from casecell.domain.nomenclatures import (
    CarryOverReason,
    CaseStatus,
    ConsentStatus,
    LegalBasis,
    OrganisationKind,
)
from casecell.domain.users import Role
from casecell.errors import PermissionDenied, ValidationError
from casecell.services import accounts, cases, meetings, partners
from casecell.services.cases import ActionInput
from casecell.services.meetings import (
    AttendanceInput,
    ItemInput,
    MeetingInput,
    ParticipantInput,
)
from casecell.services.partners import ContactInput, OrganisationInput
from tests.conftest import FAST_KDF, OTHER_PASS
from tests.services.test_cases import draft, orgs, refer  # noqa: F401  (fixture)

PLACE = "Mairie de Villebourg, salle « Conseil » & annexe"


@pytest.fixture
def cell(admin_ctx, orgs):  # noqa: F811
    """Three partners (the CCAS a permanent member), one contact each."""
    ccas = orgs[0]
    partners.update_organisation(
        admin_ctx,
        ccas.id,
        OrganisationInput(ccas.name, OrganisationKind.CCAS, "75056", permanent_member=True),
    )
    for org in orgs:
        partners.add_contact(
            admin_ctx, ContactInput(org.id, f"Contact {org.id}", email=f"c{org.id}@exemple.invalid")
        )
    return orgs


def accepted(ctx, orgs, **overrides):  # noqa: F811
    case = refer(ctx, orgs, **overrides)
    cases.change_status(ctx, case.id, Transition(CaseStatus.ELIGIBILITY))
    return cases.change_status(ctx, case.id, Transition(CaseStatus.ACCEPTED))


def test_a_year_on_the_second_tuesday_at_14_skips_holidays_and_keeps_paris_time(admin_ctx):
    result = meetings.plan_series(
        admin_ctx,
        MeetingInput("12/01/2027 14:00", 120, PLACE, title="Plénière <mensuelle>"),
        monthly_rule(1, 2),
        count=12,
    )
    assert len(result.meetings) == 12 and result.skipped == []
    local = [m.local_start for m in result.meetings]
    assert all(s.hour == 14 and s.weekday() == 1 and 8 <= s.day <= 14 for s in local)
    utc_hours = {m.starts_at.astimezone(UTC).hour for m in result.meetings}
    assert utc_hours == {12, 13}  # summer and winter time
    listed = meetings.list_meetings(admin_ctx, date(2027, 1, 1), date(2027, 12, 31))
    assert [m.id for m in listed] == [m.id for m in result.meetings]
    assert listed[0].title == "Plénière <mensuelle>" and listed[0].place == PLACE

    # The 1st of each month in 2027: 1 January, 1 May and 1 November are public holidays.
    firsts = meetings.plan_series(
        admin_ctx,
        MeetingInput("01/01/2027 10:00", 60, PLACE),
        "FREQ=MONTHLY;BYMONTHDAY=1",
        until=date(2027, 12, 31),
    )
    assert [d for d, _n in firsts.skipped] == [
        date(2027, 1, 1),
        date(2027, 5, 1),
        date(2027, 11, 1),
    ]
    assert firsts.skipped[0][1] == "Jour de l'an" and len(firsts.meetings) == 9


def test_bad_meeting_input_is_refused_in_french_and_nothing_is_written(admin_ctx):
    bad = [
        (MeetingInput("32/01/2027 14:00", 120, PLACE), "illisible"),
        (MeetingInput("28/03/2027 02:30", 120, PLACE), "n’existe pas"),
        (MeetingInput("12/01/2027 14:00", 5, PLACE), "entre 15 minutes"),
        (MeetingInput("12/01/2027 14:00", 120, "  "), "lieu ou le lien"),
        (MeetingInput("12/01/2027 14:00", 120, "", video_link="javascript:x"), "https://"),
        (MeetingInput("12/01/2027 14:00", 120, PLACE, chair_contact_id=999), "Contact inconnu"),
    ]
    for data, message in bad:
        with pytest.raises(ValidationError, match=message):
            meetings.plan_meeting(admin_ctx, data)
    assert meetings.list_meetings(admin_ctx, date(2027, 1, 1), date(2027, 12, 31)) == []
    with pytest.raises(ValidationError, match="Réunion 42 inconnue"):
        meetings.get_meeting(admin_ctx, 42)


def test_the_proposal_brings_what_is_due_and_refuses_what_cannot_be_shared(admin_ctx, cell):
    _ccas, cmp_, _landlord = cell
    today = admin_ctx.today()
    new = accepted(admin_ctx, cell, first="Nouvelle")
    review = refer(admin_ctx, cell, first="Revue", next_review_on=today + timedelta(days=5))
    for target in (CaseStatus.ELIGIBILITY, CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW):
        cases.change_status(admin_ctx, review.id, Transition(target))
    secret = accepted(admin_ctx, cell, first="Secret")
    cases.set_sharing(admin_ctx, secret.id, Sharing(LegalBasis.CONSENT, ConsentStatus.NOT_ASKED))
    not_due = refer(admin_ctx, cell, first="Plus tard", next_review_on=today + timedelta(days=60))

    previous = meetings.plan_meeting(
        admin_ctx,
        MeetingInput((datetime.now() - timedelta(days=14)).strftime("%d/%m/%Y 14:00"), 120, PLACE),
    )
    followed = accepted(admin_ctx, cell, first="Suivie")
    visit = cases.add_action(
        admin_ctx,
        followed.id,
        ActionInput("Visite conjointe", cmp_.id, None, today + timedelta(days=30), previous.id),
    )
    cases.carry_over(admin_ctx, visit.id, CarryOverReason.PARTNER_DID_NOT_ACT)

    meeting = meetings.plan_meeting(
        admin_ctx, MeetingInput((today + timedelta(days=7)).strftime("%d/%m/%Y 14:00"), 120, PLACE)
    )
    proposal = meetings.propose_agenda(admin_ctx, meeting.id)
    by_case = {c.case_id: c for c in proposal.items}
    assert by_case[new.id].purpose is ItemPurpose.NEW_REFERRAL
    assert by_case[review.id].purpose is ItemPurpose.REVIEW
    assert by_case[followed.id].purpose is ItemPurpose.NEW_REFERRAL  # new comes first…
    assert any("Visite conjointe" in r and "reportée" in r for r in by_case[followed.id].reasons)
    assert not_due.id not in by_case
    assert [c.case_id for c in proposal.refused] == [secret.id]
    assert all(c.pseudonym.startswith("P-") for c in proposal.items)

    with pytest.raises(ValidationError, match="pas accepté que sa situation soit partagée"):
        meetings.set_agenda(admin_ctx, meeting.id, [ItemInput(secret.id, ItemPurpose.REVIEW)])
    assert meetings.get_meeting(admin_ctx, meeting.id).items == []

    assert meetings.add_proposal(admin_ctx, meeting.id, proposal.items) is None
    details = meetings.get_meeting(admin_ctx, meeting.id)
    assert [i.case_id for i in details.items] == [c.case_id for c in proposal.items]
    assert details.items[0].starts.strftime("%H:%M") == "14:00"
    assert details.items[1].starts == details.items[0].ends
    again = meetings.propose_agenda(admin_ctx, meeting.id)
    assert not {c.case_id for c in again.items} & {i.case_id for i in details.items}


def test_reordering_and_an_overrun_warning(admin_ctx, cell):
    ids = [accepted(admin_ctx, cell, first=f"P{n}").id for n in range(3)]
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput("12/01/2027 14:00", 30, PLACE))
    items = [ItemInput(i, ItemPurpose.NEW_REFERRAL) for i in ids]
    warning = meetings.set_agenda(admin_ctx, meeting.id, items)
    assert warning == "L’ordre du jour dure 45 min, plus que les 30 min de la réunion."
    meetings.set_agenda(admin_ctx, meeting.id, list(reversed(items[:2])))
    details = meetings.get_meeting(admin_ctx, meeting.id)
    assert [i.case_id for i in details.items] == [ids[1], ids[0]]
    with pytest.raises(ValidationError, match="qu’une fois"):
        meetings.set_agenda(admin_ctx, meeting.id, [items[0], items[0]])


def test_invitations_partial_for_partners_whole_for_permanent_members(admin_ctx, cell):
    ccas, cmp_, landlord = cell
    one = accepted(admin_ctx, cell, first="Un", participant_org_ids=(cmp_.id,))
    two = accepted(admin_ctx, cell, first="Deux", participant_org_ids=(landlord.id,))
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput("12/01/2027 14:00", 120, PLACE))
    meetings.set_agenda(
        admin_ctx,
        meeting.id,
        [ItemInput(one.id, ItemPurpose.NEW_REFERRAL), ItemInput(two.id, ItemPurpose.NEW_REFERRAL)],
    )
    details = meetings.get_meeting(admin_ctx, meeting.id)
    by_org = {i.organisation_id: i for i in details.invitations}
    assert by_org[ccas.id].whole_meeting  # permanent member (and lead of both)
    assert not by_org[cmp_.id].whole_meeting and by_org[cmp_.id].case_ids == (one.id,)
    assert [(s.strftime("%H:%M"), e.strftime("%H:%M")) for s, e in by_org[landlord.id].windows] == [
        ("14:15", "14:30")
    ]
    participants = meetings.invite(admin_ctx, meeting.id)
    assert {p.organisation_id for p in participants} == {ccas.id, cmp_.id, landlord.id}
    assert len(meetings.invite(admin_ctx, meeting.id)) == len(participants)  # no duplicates


def test_clashes_are_warned(admin_ctx, cell):
    first = meetings.plan_meeting(admin_ctx, MeetingInput("14/07/2027 14:00", 120, PLACE))
    other = meetings.plan_meeting(
        admin_ctx,
        MeetingInput("14/07/2027 15:00", 60, "mairie de villebourg, SALLE « conseil » & annexe"),
    )
    meetings.add_participant(admin_ctx, first.id, ParticipantInput(contact_id=1))
    meetings.add_participant(admin_ctx, other.id, ParticipantInput(contact_id=1))
    warnings = meetings.get_meeting(admin_ctx, first.id).warnings
    assert warnings[0] == "14/07/2027 est un jour férié (Fête nationale)."
    assert any("lieu est déjà pris" in w for w in warnings)
    assert any("1 contact invité l’est aussi" in w for w in warnings)
    meetings.set_status(admin_ctx, other.id, MeetingStatus.CANCELLED)
    assert len(meetings.get_meeting(admin_ctx, first.id).warnings) == 1  # the holiday only


def test_attendance_observers_and_undertakings(admin_ctx, cell):
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput("12/01/2027 14:00", 120, PLACE))
    contact = meetings.add_participant(admin_ctx, meeting.id, ParticipantInput(contact_id=1))
    observer = meetings.add_participant(
        admin_ctx, meeting.id, ParticipantInput(name="Élève <stagiaire> Ōsaka", observer=True)
    )
    assert observer.organisation_id is None and observer.observer
    with pytest.raises(ValidationError, match="qui a représenté"):
        meetings.record_attendance(admin_ctx, contact.id, AttendanceInput(Attendance.REPRESENTED))
    with pytest.raises(ValidationError, match="contact ou donnez le nom"):
        meetings.add_participant(admin_ctx, meeting.id, ParticipantInput(name="  "))
    updated = meetings.record_attendance(
        admin_ctx, contact.id, AttendanceInput(Attendance.EXCUSED, information_sent=True)
    )
    assert updated.attendance is Attendance.EXCUSED and updated.information_sent
    signed = meetings.record_attendance(
        admin_ctx, observer.id, AttendanceInput(Attendance.PRESENT, undertaking_signed=True)
    )
    assert signed.undertaking_signed and not signed.information_sent
    names = [p.name for p in meetings.get_meeting(admin_ctx, meeting.id).participants]
    assert "Élève <stagiaire> Ōsaka" in names


def test_emergency_meeting_within_days_on_one_shareable_situation(admin_ctx, cell):
    case = accepted(admin_ctx, cell)
    soon = (datetime.now() + timedelta(days=2)).strftime("%d/%m/%Y 09:00")
    emergency = meetings.plan_emergency(admin_ctx, case.id, MeetingInput(soon, 60, PLACE))
    assert emergency.kind is MeetingKind.EMERGENCY
    details = meetings.get_meeting(admin_ctx, emergency.id)
    assert [i.case_id for i in details.items] == [case.id]
    far = (datetime.now() + timedelta(days=30)).strftime("%d/%m/%Y 09:00")
    with pytest.raises(ValidationError, match="dans les 7 jours"):
        meetings.plan_emergency(admin_ctx, case.id, MeetingInput(far, 60, PLACE))


def test_held_meetings_go_on_the_timeline_and_members_cannot_plan(admin_ctx, cell, boot):
    case = accepted(admin_ctx, cell)
    past = (datetime.now() - timedelta(days=1)).strftime("%d/%m/%Y 14:00")
    meeting = meetings.plan_meeting(admin_ctx, MeetingInput(past, 120, PLACE))
    meetings.set_agenda(admin_ctx, meeting.id, [ItemInput(case.id, ItemPurpose.NEW_REFERRAL)])
    meetings.set_item_notes(admin_ctx, meeting.id, case.id, "Avis partagé <b>favorable</b>")
    held = meetings.set_status(admin_ctx, meeting.id, MeetingStatus.HELD)
    assert held.status is MeetingStatus.HELD and held.items[0].notes.startswith("Avis partagé")
    assert cases.timeline(admin_ctx, case.id)[-1].kind.value == "meeting_review"
    with pytest.raises(ValidationError, match="déjà tenue"):
        meetings.set_status(admin_ctx, meeting.id, MeetingStatus.CANCELLED)

    accounts.add_user(admin_ctx, "m.membre", "", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)
    member = boot.sign_in("m.membre", OTHER_PASS)
    try:
        with pytest.raises(PermissionDenied):
            meetings.plan_meeting(member, MeetingInput("12/01/2027 14:00", 120, PLACE))
        assert meetings.get_meeting(member, meeting.id).meeting.id == meeting.id
    finally:
        accounts.sign_out(member)
