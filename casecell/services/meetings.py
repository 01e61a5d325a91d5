"""The meeting planner: plan (once, in a series, or in an emergency), build the agenda from
what is due, derive the invitations, warn of clashes, record attendance and notes live.

Times come in and go out as Paris wall-clock times; the vault stores UTC moments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from casecell.compat import UTC
from casecell.domain.access import EVERYTHING, Scope
from casecell.domain.audit import AuditAction
from casecell.domain.cases import EventKind, SharingBlock
from casecell.domain.meetings import (
    EMERGENCY_WITHIN_DAYS,
    ITEM_MINUTES,
    AgendaItem,
    Attendance,
    Busy,
    Candidate,
    Invitation,
    ItemPurpose,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    PersonParticipation,
    Proposal,
    check_agenda,
    check_attendance,
    check_meeting,
    check_participation,
    conflicts,
    in_paris,
    invitations,
    occurrences,
    parse_local,
    propose,
    public_holiday,
    time_slots,
    to_utc,
    warnings_for_plan,
)
from casecell.domain.nomenclatures import CaseStatus
from casecell.domain.register import Contact, Organisation, clean_line, clean_text
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.fileio import check_output, write_atomically
from casecell.i18n import _, date_in_words
from casecell.services import settings
from casecell.services.access import copy_for, refusals_audited, visible_case
from casecell.services.context import Context
from casecell.services.minutes import check_editable, scrubber_for_cases
from casecell.services.minutes import load_meeting as _load
from casecell.storage import access as visible
from casecell.storage import meetings as queries
from casecell.storage.uow import UnitOfWork

if TYPE_CHECKING:
    from casecell.documents.agenda_pdf import AgendaSheet
    from casecell.documents.calendar_ics import CalendarEvent

MEETING = "meeting"


@dataclass(frozen=True)
class MeetingInput:
    start: str  # Paris wall-clock time, "12/01/2027 14:00" or "2027-01-12T14:00"
    duration_minutes: int = 120
    place: str = ""
    kind: MeetingKind = MeetingKind.PLENARY
    title: str = ""
    video_link: str = ""
    chair_contact_id: int | None = None
    secretary_contact_id: int | None = None


@dataclass(frozen=True)
class SeriesResult:
    meetings: list[Meeting]
    skipped: list[tuple[date, str]]  # public holidays left out, with their names


@dataclass(frozen=True)
class ItemView:
    """An agenda item as the coordinator and the partners see it (no name: a pseudonym)."""

    case_id: int
    reference: str
    pseudonym: str
    purpose: ItemPurpose
    slot_minutes: int
    starts: datetime  # Paris wall-clock
    ends: datetime
    notes: str
    organisation_ids: frozenset[int]
    decisions: str = ""
    participation: PersonParticipation | None = None
    represented_by: str = ""
    person_words: str = ""
    block: SharingBlock | None = None  # nothing may be shared about it now (left out of minutes)


@dataclass(frozen=True)
class MeetingDetails:
    meeting: Meeting
    items: list[ItemView]
    participants: list[Participant]
    invitations: list[Invitation]
    organisations: dict[int, Organisation]
    contacts: dict[int, Contact]
    warnings: list[str]
    series_rule: str = ""
    decided: dict[int, int] = field(default_factory=dict)  # case id → actions decided here
    cell: str = ""  # the cell's name, as documents print it
    organiser: str = ""  # the cell's address, organiser of the invitations ("" : not set)
    # What the agenda and the .ics pass every text through (names and identifiers withheld).
    scrub: Callable[[str], str] = field(default=str, compare=False)

    @property
    def local_start(self) -> datetime:
        return self.meeting.local_start

    @property
    def local_end(self) -> datetime:
        return in_paris(self.meeting.ends_at)


def _fields(data: MeetingInput) -> dict[str, object]:
    start = to_utc(parse_local(data.start))
    place = clean_line(data.place, _("The place"), limit=500)
    link = clean_line(data.video_link, _("The video link"), limit=500)
    check_meeting(data.duration_minutes, place, link)
    return {
        "starts_at": start,
        "duration_minutes": data.duration_minutes,
        "place": place,
        "kind": MeetingKind(data.kind).value,
        "title": clean_line(data.title, _("The title"), limit=200),
        "video_link": link,
        "chair_contact_id": data.chair_contact_id,
        "secretary_contact_id": data.secretary_contact_id,
    }


def _check_contacts(uow: UnitOfWork, *contact_ids: int | None) -> None:
    for contact_id in contact_ids:
        if contact_id is not None and uow.contacts.get(contact_id) is None:
            raise ValidationError(_("Unknown contact."))


def _editable(uow: UnitOfWork, meeting_id: int) -> Meeting:
    """The meeting, if what it records may still change (its minutes are not validated)."""
    meeting = _load(uow, meeting_id)
    check_editable(uow, meeting_id)
    return meeting


def _revised(uow: UnitOfWork, meeting: Meeting) -> None:
    """Raise the meeting's revision number: calendar clients replace the event they hold by
    an invitation of a higher SEQUENCE (RFC 5545 3.8.7.4), and ignore one that is not."""
    uow.meetings.update(meeting.id, sequence=meeting.sequence + 1)


def _audit(uow: UnitOfWork, ctx: Context, meeting_id: int, detail: str) -> None:
    uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.WRITE, MEETING, str(meeting_id), detail)


# -- planning ------------------------------------------------------------------------------------
def plan_meeting(ctx: Context, data: MeetingInput) -> Meeting:
    require(ctx.user, Permission.PLAN_MEETINGS)
    fields = _fields(data)
    with ctx.writing() as uow:
        _check_contacts(uow, data.chair_contact_id, data.secretary_contact_id)
        meeting = uow.meetings.add(status=MeetingStatus.PLANNED.value, **fields)
        _audit(uow, ctx, meeting.id, "planned")
        uow.commit()
    return meeting


def plan_series(
    ctx: Context,
    data: MeetingInput,
    rule: str,
    count: int | None = None,
    until: date | None = None,
    skip_holidays: bool = True,
) -> SeriesResult:
    """A year of meetings in one go, e.g. ``monthly_rule(1, 2)`` (2nd Tuesday) at 14:00;
    public holidays are left out (and listed) unless ``skip_holidays`` is False."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    first = parse_local(data.start)
    first_local = first.strftime("%Y-%m-%dT%H:%M")
    starts = occurrences(rule, first_local, count=count, until=until)
    if not starts:
        raise ValidationError(_("This recurrence gives no meeting."))
    base = _fields(data)
    created: list[Meeting] = []
    with ctx.writing() as uow:
        region = settings.holiday_region_in(uow)
        skipped = [(s.date(), public_holiday(s.date(), region) or "") for s in starts]
        skipped = [(day, name) for day, name in skipped if name] if skip_holidays else []
        off = {day for day, _name in skipped}
        _check_contacts(uow, data.chair_contact_id, data.secretary_contact_id)
        series = uow.meetings.add_series(rule.strip().upper().removeprefix("RRULE:"), first_local)
        for start in starts:
            if start.date() in off:
                continue
            fields = {**base, "starts_at": to_utc(start), "series_id": series.id}
            created.append(uow.meetings.add(status=MeetingStatus.PLANNED.value, **fields))
        _audit(uow, ctx, created[0].id if created else 0, f"series:{series.id}:{len(created)}")
        uow.commit()
    return SeriesResult(created, skipped)


@dataclass(frozen=True)
class PlanningContext:
    """What the planning dialog checks a meeting against as it is typed: the meetings of
    the years around, the cell's holiday region, the time it is."""

    busy: list[Busy]
    region: str
    now: datetime


def planning_context(ctx: Context) -> PlanningContext:
    require(ctx.user, Permission.PLAN_MEETINGS)
    now = ctx.clock()
    with ctx.reading() as uow:
        busy = uow.meetings.busy(now - timedelta(days=366), now + timedelta(days=3 * 366))
        return PlanningContext(busy, settings.holiday_region_in(uow), now)


def plan_warnings(
    ctx: Context,
    data: MeetingInput,
    rule: str | None = None,
    count: int | None = None,
    until: date | None = None,
    skip_holidays: bool = True,
) -> list[str]:
    """What to tell before planning ``data`` (once, or as ``rule`` says): a date in the past,
    a public holiday (the cell's region's too) not left out, the place already taken."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    fields = _fields(data)
    with ctx.reading() as uow:
        region = settings.holiday_region_in(uow)
        if rule:
            local = occurrences(rule, parse_local(data.start).strftime("%Y-%m-%dT%H:%M"),
                                count=count, until=until)  # fmt: skip
            if skip_holidays:
                local = [s for s in local if not public_holiday(s.date(), region)]
            starts = [to_utc(s) for s in local]
        else:
            start = fields["starts_at"]
            assert isinstance(start, datetime)
            starts = [start]
        if not starts:
            return []
        length = timedelta(minutes=data.duration_minutes)
        busy = uow.meetings.busy(min(starts), max(starts) + length)
        place = fields["place"]
        assert isinstance(place, str)
        return warnings_for_plan(starts, data.duration_minutes, place, busy, ctx.clock(), region)


def plan_emergency(ctx: Context, case_id: int, data: MeetingInput) -> Meeting:
    """A restricted meeting on one urgent situation, within a few days."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    fields = _fields(data)
    fields["kind"] = MeetingKind.EMERGENCY.value
    start = fields["starts_at"]
    assert isinstance(start, datetime)
    now = ctx.clock()
    if not now - timedelta(hours=1) <= start <= now + timedelta(days=EMERGENCY_WITHIN_DAYS):
        raise ValidationError(
            _("An emergency meeting takes place within {days} days.").format(
                days=EMERGENCY_WITHIN_DAYS
            )
        )
    with ctx.writing() as uow:
        _check_contacts(uow, data.chair_contact_id, data.secretary_contact_id)
        case = uow.cases.get(case_id)
        if case is None:
            raise ValidationError(_("Unknown situation."))
        _check_discussable(case.reference, case.sharing.block, case.status)
        meeting = uow.meetings.add(status=MeetingStatus.PLANNED.value, **fields)
        uow.meetings.set_items(
            meeting.id, [AgendaItem(case_id, 1, ItemPurpose.REVIEW, data.duration_minutes)]
        )
        _audit(uow, ctx, meeting.id, f"emergency:{case_id}")
        meeting = _load(uow, meeting.id)  # with its one item
        uow.commit()
    return meeting


def update_meeting(ctx: Context, meeting_id: int, data: MeetingInput) -> Meeting:
    require(ctx.user, Permission.PLAN_MEETINGS)
    fields = _fields(data)
    with ctx.writing() as uow:
        meeting = _load(uow, meeting_id)
        if meeting.status is not MeetingStatus.PLANNED:
            raise ValidationError(_("Only a planned meeting can be changed."))
        _check_contacts(uow, data.chair_contact_id, data.secretary_contact_id)
        if any(getattr(meeting, k) != v for k, v in fields.items()):
            _revised(uow, meeting)
        uow.meetings.update(meeting_id, **fields)
        _audit(uow, ctx, meeting_id, "edited")
        meeting = _load(uow, meeting_id)
        uow.commit()
    return meeting


def set_status(ctx: Context, meeting_id: int, status: MeetingStatus) -> Meeting:
    """Held (once it has started) or cancelled (while planned)."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    with ctx.writing() as uow:
        meeting = _load(uow, meeting_id)
        if meeting.status is not MeetingStatus.PLANNED:
            raise ValidationError(
                _("This meeting is already {status}.").format(status=meeting.status.label)
            )
        if status is MeetingStatus.HELD and meeting.starts_at > ctx.clock():
            raise ValidationError(_("A meeting can be marked held once it has started."))
        uow.meetings.update(meeting_id, status=status.value)
        if status is MeetingStatus.CANCELLED:
            _revised(uow, meeting)
        if status is MeetingStatus.HELD:
            for item in meeting.items:
                uow.events.add(
                    item.case_id, ctx.clock(), ctx.user.id, EventKind.MEETING_REVIEW, "", ""
                )
            uow.session.flush()
        _audit(uow, ctx, meeting_id, status.value)
        meeting = _load(uow, meeting_id)
        uow.commit()
    return meeting


def list_meetings(ctx: Context, start: date, end: date) -> list[Meeting]:
    """Meetings from ``start`` to ``end`` included (Paris days), with their agendas' ids."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.reading() as uow:
        found = uow.meetings.between(_day_start(start), _day_start(end + timedelta(days=1)))
        if ctx.scope.restricted:
            found = [_only_visible(uow, m, ctx.scope) for m in found]
        return found


def _day_start(day: date) -> datetime:
    return to_utc(datetime(day.year, day.month, day.day))


# -- agenda --------------------------------------------------------------------------------------
def _check_discussable(reference: str, block: SharingBlock | None, status: CaseStatus) -> None:
    if block is SharingBlock.OPPOSED:
        raise ValidationError(
            _(
                "{reference} cannot be on an agenda: the person objected to the sharing of "
                "their situation (see “Sharing and consent”)."
            ).format(reference=reference)
        )
    if block is not None:
        raise ValidationError(
            _(
                "{reference} cannot be on an agenda: the person has not agreed to their situation "
                "being shared and no other legal basis was recorded (see “Sharing and consent”)."
            ).format(reference=reference)
        )
    if status.finished:
        raise ValidationError(
            _("{reference} is {status}: it is no longer discussed.").format(
                reference=reference, status=status.label
            )
        )


def propose_agenda(ctx: Context, meeting_id: int) -> Proposal:
    """What is due for this meeting, fitted to its time after the items already there."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    with ctx.reading() as uow:
        meeting = _load(uow, meeting_id)
        previous = uow.meetings.previous(meeting)
        candidates = queries.agenda_candidates(
            uow.session, meeting.local_start.date(), previous.id if previous else None
        )
    return propose(candidates, meeting.duration_minutes, meeting.items)


@dataclass(frozen=True)
class ItemInput:
    case_id: int
    purpose: ItemPurpose
    slot_minutes: int | None = None  # None: the purpose's usual time
    notes: str = ""
    decisions: str = ""


def set_agenda(ctx: Context, meeting_id: int, items: Sequence[ItemInput]) -> str | None:
    """Replace the agenda with ``items`` in that order. Returns a warning when it overruns."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    seen: set[int] = set()
    for item in items:
        if item.case_id in seen:
            raise ValidationError(_("A situation is only once on the agenda."))
        seen.add(item.case_id)
    minutes = [item.slot_minutes or ITEM_MINUTES[item.purpose] for item in items]
    with ctx.writing() as uow:
        meeting = _load(uow, meeting_id)
        if meeting.status is MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting is cancelled."))
        check_editable(uow, meeting_id)
        warning = check_agenda(minutes, meeting.duration_minutes)
        kept = {i.case_id: i for i in meeting.items}
        for item in items:
            case = uow.cases.get(item.case_id)
            if case is None:
                raise ValidationError(_("Unknown situation."))
            if item.case_id not in kept:  # one already there may be reordered, not re-added
                _check_discussable(case.reference, case.sharing.block, case.status)
        uow.meetings.set_items(
            meeting_id,
            [
                replace(
                    _kept(kept, item.case_id),
                    position=position,
                    purpose=item.purpose,
                    slot_minutes=length,
                    notes=clean_text(item.notes, _("The notes")) or _kept(kept, item.case_id).notes,
                    decisions=clean_text(item.decisions, _("The decisions"))
                    or _kept(kept, item.case_id).decisions,
                )
                for position, (item, length) in enumerate(zip(items, minutes, strict=True), 1)
            ],
        )
        before = [(i.case_id, i.slot_minutes) for i in meeting.items]
        if before != [(i.case_id, m) for i, m in zip(items, minutes, strict=True)]:
            _revised(uow, meeting)  # the partners' time slots moved
        _audit(uow, ctx, meeting_id, f"agenda:{len(items)}")
        uow.commit()
    return warning


def _kept(items: dict[int, AgendaItem], case_id: int) -> AgendaItem:
    """What the agenda held for a situation (its notes survive a reordering)."""
    return items.get(case_id) or AgendaItem(case_id, 0, ItemPurpose.REVIEW)


def add_proposal(ctx: Context, meeting_id: int, chosen: Sequence[Candidate]) -> str | None:
    """Append the chosen candidates to the agenda (after what is there)."""
    with ctx.reading() as uow:
        meeting = _load(uow, meeting_id)
    current = [
        ItemInput(i.case_id, i.purpose, i.slot_minutes, i.notes, i.decisions) for i in meeting.items
    ]
    on_agenda = {i.case_id for i in current}
    added = [ItemInput(c.case_id, c.purpose) for c in chosen if c.case_id not in on_agenda]
    return set_agenda(ctx, meeting_id, [*current, *added])


@refusals_audited
def set_item_notes(
    ctx: Context, meeting_id: int, case_id: int, notes: str, decisions: str | None = None
) -> None:
    """What was said about a situation and what the cell decided, typed live during the
    meeting (``decisions`` None leaves them as they are)."""
    require(ctx.user, Permission.WRITE_CASES)
    text = clean_text(notes, _("The notes"))
    decided = None if decisions is None else clean_text(decisions, _("The decisions"))
    with ctx.writing() as uow:
        _editable(uow, meeting_id)
        visible_case(uow, ctx, case_id)
        if not uow.meetings.set_item_notes(meeting_id, case_id, text, decided):
            raise ValidationError(_("This situation is not on the agenda."))
        _audit(uow, ctx, meeting_id, f"notes:{case_id}")
        uow.commit()


@dataclass(frozen=True)
class ParticipationInput:
    """How the person concerned took part in the review, and their own words."""

    participation: PersonParticipation | None
    represented_by: str = ""
    words: str = ""


@refusals_audited
def set_participation(
    ctx: Context, meeting_id: int, case_id: int, data: ParticipationInput
) -> None:
    """Whether the person concerned (or their representative) was informed of the review,
    attended or was heard, and what they said of the decisions (audited, words never
    logged)."""
    require(ctx.user, Permission.WRITE_CASES)
    represented_by = clean_line(data.represented_by, _("Represented by"), limit=200)
    check_participation(data.participation, represented_by)
    words = clean_text(data.words, _("The person's own words"))
    with ctx.writing() as uow:
        meeting = _editable(uow, meeting_id)
        if meeting.status is MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting is cancelled."))
        visible_case(uow, ctx, case_id)
        if not uow.meetings.set_item_participation(
            meeting_id, case_id, data.participation, represented_by, words
        ):
            raise ValidationError(_("This situation is not on the agenda."))
        code = data.participation.value if data.participation else "none"
        _audit(uow, ctx, meeting_id, f"participation:{case_id}:{code}")
        uow.commit()


def take_off_future_agendas(
    uow: UnitOfWork, ctx: Context, case_id: int, block: SharingBlock
) -> list[Meeting]:
    """Take a situation about which nothing may be shared any more off the agenda of every
    planned meeting still to come (a meeting under way or past keeps it: its minutes leave it
    out). Each removal lands on the situation's timeline and in the audit trail. Returns the
    meetings changed, as they were."""
    removed = uow.meetings.planned_with(case_id, ctx.clock())
    for meeting in removed:
        uow.meetings.set_items(meeting.id, [i for i in meeting.items if i.case_id != case_id])
        _revised(uow, meeting)
        day = meeting.local_start.date().isoformat()
        uow.events.add(
            case_id, ctx.clock(), ctx.user.id, EventKind.UNPLANNED,
            f"{meeting.id}:{day}:{block.value}", "",
        )  # fmt: skip
        _audit(uow, ctx, meeting.id, f"unplanned:{case_id}:{block.value}")
    uow.session.flush()
    return removed


# -- invitations and attendance ------------------------------------------------------------------
def _details(uow: UnitOfWork, meeting: Meeting, scope: Scope = EVERYTHING) -> MeetingDetails:
    """The meeting as planned; its agenda holds only the items ``scope`` sees (their time
    slots stay those of the whole agenda)."""
    case_ids = [i.case_id for i in meeting.items]
    labels = queries.case_labels(uow.session, case_ids)
    blocks = queries.sharing_blocks(uow.session, case_ids)
    orgs_of = queries.organisations_of_cases(uow.session, case_ids)
    slots = time_slots(meeting.local_start, [i.slot_minutes for i in meeting.items])
    items = []
    for item, (starts, ends) in zip(meeting.items, slots, strict=True):
        reference, pseudonym = labels[item.case_id]
        items.append(
            ItemView(
                item.case_id, reference, pseudonym, item.purpose,
                item.slot_minutes, starts, ends, item.notes, orgs_of.get(item.case_id, frozenset()),
                item.decisions, item.participation, item.represented_by, item.person_words,
                blocks.get(item.case_id),
            )
        )  # fmt: skip
    organisations = {o.id: o for o in uow.organisations.list()}
    window = (meeting.local_start, in_paris(meeting.ends_at))
    invited = invitations(
        meeting.kind,
        window,
        [o.id for o in organisations.values() if o.permanent_member],
        [(i.case_id, i.organisation_ids, (i.starts, i.ends)) for i in items],
    )
    participants = uow.meetings.participants(meeting.id)
    contact_ids = {p.contact_id for p in participants if p.contact_id is not None}
    contact_ids |= {c for c in (meeting.chair_contact_id, meeting.secretary_contact_id) if c}
    invited_orgs = {i.organisation_id for i in invited}
    contacts = {  # one read of the directory, by name: those invited and those named here
        c.id: c
        for c in uow.contacts.all()
        if c.id in contact_ids or c.organisation_id in invited_orgs
    }
    busy = Busy(
        meeting.id,
        meeting.heading,
        meeting.starts_at,
        meeting.ends_at,
        meeting.place,
        frozenset(contact_ids),
    )
    warnings = []
    if meeting.status is not MeetingStatus.CANCELLED:
        warnings = conflicts(
            busy,
            uow.meetings.busy(meeting.starts_at, meeting.ends_at),
            settings.holiday_region_in(uow),
        )
        overrun = check_agenda([i.slot_minutes for i in meeting.items], meeting.duration_minutes)
        if overrun:
            warnings.append(overrun)
    series = uow.meetings.series(meeting.series_id) if meeting.series_id else None
    decided = queries.actions_decided(uow.session, meeting.id)
    if scope.restricted:
        meeting = _only_visible(uow, meeting, scope)
        kept = {i.case_id for i in meeting.items}
        items = [i for i in items if i.case_id in kept]
    return MeetingDetails(
        meeting,
        items,
        participants,
        invited,
        organisations,
        contacts,
        warnings,
        series.rule if series else "",
        decided,
        settings.cell_name_in(uow),
        settings.organiser_email_in(uow),
    )


def _only_visible(uow: UnitOfWork, meeting: Meeting, scope: Scope) -> Meeting:
    """The meeting with the agenda items of the situations ``scope`` sees."""
    seen = visible.visible_among(uow.session, scope, [i.case_id for i in meeting.items])
    return replace(meeting, items=tuple(i for i in meeting.items if i.case_id in seen))


def _outgoing(uow: UnitOfWork, details: MeetingDetails) -> MeetingDetails:
    """The details with the scrubber every text of the agenda and the .ics goes through:
    the names of the persons on the agenda (by pseudonym), of anyone else of the vault, and
    every identifier or date typed in the title, place, video link or chair's name."""
    meeting = details.meeting
    named = [details.contacts.get(c or 0) for c in (meeting.chair_contact_id,
                                                    meeting.secretary_contact_id)]  # fmt: skip
    texts = [meeting.heading, meeting.place, meeting.video_link]
    texts += [c.name for c in named if c is not None]
    scrub = scrubber_for_cases(uow, [i.case_id for i in details.items], texts)
    return replace(details, scrub=scrub)


def get_meeting(
    ctx: Context,
    meeting_id: int,
    action: AuditAction = AuditAction.READ,
    detail: str = "",
    scope: Scope | None = None,
) -> MeetingDetails:
    """The meeting with its agenda (pseudonyms), invitations, participants and warnings;
    audited as ``action`` (a read, or the print / export it is read for: then every text
    goes out through a scrubber). The agenda holds the situations ``scope`` sees (by
    default, those the user sees)."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    # A print or an export is committed durably; a read need not wait.
    with ctx.auditing_read() if action is AuditAction.READ else ctx.auditing() as uow:
        details = _details(uow, _load(uow, meeting_id), scope or ctx.scope)
        if action is not AuditAction.READ:
            details = _outgoing(uow, details)
        uow.audit.append(ctx.clock(), ctx.user.id, action, MEETING, str(meeting_id), detail)
        uow.commit()
    return details


def invite(ctx: Context, meeting_id: int) -> list[Participant]:
    """Turn the derived invitations into participants: every contact of each invited
    organisation (or the organisation itself when it has none). Those already there stay."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    with ctx.writing() as uow:
        meeting = _editable(uow, meeting_id)
        details = _details(uow, meeting)
        present = {(p.organisation_id, p.contact_id) for p in details.participants}
        for invitation in details.invitations:
            org_id = invitation.organisation_id
            contact_ids: list[int | None] = [
                c.id for c in details.contacts.values() if c.organisation_id == org_id
            ]
            for contact_id in contact_ids or [None]:
                key = (org_id, contact_id)
                if key not in present:
                    uow.meetings.add_participant(
                        meeting_id=meeting_id, organisation_id=org_id, contact_id=key[1]
                    )
                    present.add(key)
        _audit(uow, ctx, meeting_id, "invited")
        participants = uow.meetings.participants(meeting_id)
        uow.commit()
    return participants


@dataclass(frozen=True)
class ParticipantInput:
    organisation_id: int | None = None
    contact_id: int | None = None
    name: str = ""
    observer: bool = False


def add_participant(ctx: Context, meeting_id: int, data: ParticipantInput) -> Participant:
    """Someone more: a contact, or a named person (an observer, a trainee…)."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    name = clean_line(data.name, _("The name"), limit=200)
    with ctx.writing() as uow:
        _editable(uow, meeting_id)
        org_id = data.organisation_id
        if data.contact_id is not None:
            contact = uow.contacts.get(data.contact_id)
            if contact is None:
                raise ValidationError(_("Unknown contact."))
            org_id = contact.organisation_id
        elif org_id is not None and uow.organisations.get(org_id) is None:
            raise ValidationError(_("Unknown organisation."))
        if org_id is None and not name:
            raise ValidationError(_("Choose a contact or give the person's name."))
        participant = uow.meetings.add_participant(
            meeting_id=meeting_id,
            organisation_id=org_id,
            contact_id=data.contact_id,
            name=name,
            observer=data.observer,
        )
        _audit(uow, ctx, meeting_id, f"participant:{participant.id}")
        uow.commit()
    return participant


@dataclass(frozen=True)
class AttendanceInput:
    attendance: Attendance | None
    information_sent: bool = False
    represented_by: str = ""
    undertaking_signed: bool = False


def record_attendance(ctx: Context, participant_id: int, data: AttendanceInput) -> Participant:
    """Present, excused (information sent or not), absent, represented by; the undertaking."""
    require(ctx.user, Permission.WRITE_CASES)
    represented_by = clean_line(data.represented_by, _("Represented by"), limit=200)
    check_attendance(data.attendance, represented_by)
    with ctx.writing() as uow:
        participant = uow.meetings.participant(participant_id)
        if participant is None:
            raise ValidationError(_("Unknown participant."))
        meeting = _editable(uow, participant.meeting_id)
        if meeting.status is MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting is cancelled."))
        updated = uow.meetings.update_participant(
            participant_id,
            attendance=data.attendance.value if data.attendance else None,
            information_sent=data.information_sent and data.attendance is Attendance.EXCUSED,
            represented_by=represented_by,
            undertaking_signed=data.undertaking_signed,
        )
        _audit(uow, ctx, meeting.id, f"attendance:{participant_id}")
        uow.commit()
    return updated


def remove_participant(ctx: Context, participant_id: int) -> None:
    require(ctx.user, Permission.PLAN_MEETINGS)
    with ctx.writing() as uow:
        participant = uow.meetings.participant(participant_id)
        if participant is None:
            raise ValidationError(_("Unknown participant."))
        check_editable(uow, participant.meeting_id)
        uow.meetings.remove_participant(participant_id)
        _audit(uow, ctx, participant.meeting_id, f"removed:{participant_id}")
        uow.commit()


def now_in_paris(ctx: Context) -> datetime:
    return in_paris(ctx.clock().astimezone(UTC))


# -- outputs sent to every partner: references and pseudonyms, never names -----------------------


def _when(start: datetime, end: datetime) -> str:
    day = date_in_words(start.date(), "full")
    return f"{day}, {start:%H:%M}–{end:%H:%M}"


def _slots_text(windows: Sequence[tuple[datetime, datetime]]) -> str:
    return ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in windows)


def agenda_sheet(details: MeetingDetails) -> AgendaSheet:
    """What the convocation shows; built from the details, with no name of a person concerned."""
    # ReportLab and icalendar are imported when a document is made, not when the window opens
    # (together they cost ~200 ms of start-up).
    from casecell.documents.agenda_pdf import AgendaLine, AgendaSheet

    meeting, names, scrub = details.meeting, details.organisations, details.scrub
    contact = details.contacts.get

    def who(contact_id: int | None) -> str:
        found = contact(contact_id) if contact_id else None
        if found is None:
            return ""
        org = names.get(found.organisation_id)
        return f"{scrub(found.name)} ({org.name})" if org else scrub(found.name)

    by_case: dict[int, list[str]] = {}
    for invitation in details.invitations:
        for case_id in invitation.case_ids:
            by_case.setdefault(case_id, []).append(names[invitation.organisation_id].name)
    invited = tuple(
        (
            names[i.organisation_id].name,
            _("the whole meeting") if i.whole_meeting else _slots_text(i.windows),
        )
        for i in details.invitations
    )
    lines = tuple(
        AgendaLine(
            f"{item.starts:%H:%M}–{item.ends:%H:%M}",
            item.reference,
            item.pseudonym,
            item.purpose.label,
            ", ".join(sorted(by_case.get(item.case_id, []))),
        )
        for item in details.items
    )
    return AgendaSheet(
        cell=details.cell,
        heading=scrub(meeting.heading),
        when=_when(details.local_start, details.local_end),
        place=scrub(meeting.place),
        video_link=scrub(meeting.video_link),
        chair=who(meeting.chair_contact_id),
        secretary=who(meeting.secretary_contact_id),
        invited=invited,
        lines=lines,
        warnings=tuple(details.warnings),
        day=details.local_start.date(),
    )


@refusals_audited
def write_agenda_pdf(
    ctx: Context, meeting_id: int, target: Path, recipient_org_id: int | None = None
) -> MeetingDetails:
    """``casecell agenda``: the convocation PDF (audited as a print). The copy for an
    organisation, and any copy a member prints, lists that organisation's situations only."""
    check_output(target, ctx.vault.paths)
    scope = copy_for(ctx, recipient_org_id, MEETING, meeting_id)
    detail = "agenda" if recipient_org_id is None else f"agenda:org{recipient_org_id}"
    details = get_meeting(ctx, meeting_id, AuditAction.PRINT, detail, scope)
    _agenda_pdf(details, target)
    return details


def _agenda_pdf(details: MeetingDetails, target: Path) -> None:
    from casecell.documents.agenda_pdf import write_agenda

    write_agenda(agenda_sheet(details), target)


def _emails(details: MeetingDetails) -> dict[int, list[tuple[str, str]]]:
    """The addresses of the invited organisations' contacts, and of those added by hand."""
    emails: dict[int, list[tuple[str, str]]] = {}
    for c in details.contacts.values():
        if c.email:
            emails.setdefault(c.organisation_id, []).append((c.name, c.email))
    for participant in details.participants:  # people added by hand come too
        found = details.contacts.get(participant.contact_id or 0)
        if (
            found
            and found.email
            and (found.name, found.email) not in emails.get(found.organisation_id, [])
        ):
            emails.setdefault(found.organisation_id, []).append((found.name, found.email))
    return emails


def _agenda_lines(details: MeetingDetails) -> list[str]:
    return [
        f"{i.starts:%H:%M}–{i.ends:%H:%M} {i.reference} ({i.pseudonym}) — {i.purpose.label}"
        for i in details.items
    ]


def calendar_events(details: MeetingDetails) -> list[CalendarEvent]:
    """The meeting as one event, with every invited contact as a guest."""
    from casecell.documents.calendar_ics import CalendarEvent

    meeting, scrub = details.meeting, details.scrub
    url = scrub(meeting.video_link)
    lines = _agenda_lines(details)
    emails = _emails(details)
    attendees = tuple(a for i in details.invitations for a in emails.get(i.organisation_id, []))
    invited_contacts = {p.contact_id for p in details.participants if p.contact_id}
    attendees += tuple(
        (c.name, c.email)
        for c in details.contacts.values()
        if c.id in invited_contacts and c.email and (c.name, c.email) not in attendees
    )
    return [
        CalendarEvent(
            meeting.uid, meeting.starts_at, meeting.ends_at, scrub(meeting.heading),
            scrub(meeting.place) or url, "\n".join([_("Agenda:"), *lines]) if lines else "",
            tuple(dict.fromkeys(attendees)), url, meeting.sequence,
            meeting.status is MeetingStatus.CANCELLED,
        )
    ]  # fmt: skip


@dataclass(frozen=True)
class PartnerCalendar:
    organisation_id: int
    organisation: str
    events: list[CalendarEvent]


def partner_calendars(details: MeetingDetails) -> list[PartnerCalendar]:
    """For each invited organisation, its own events: the whole meeting, or the time slots
    of its situations (with those situations only). A partner's first event keeps the
    meeting's UID (the same meeting sent to other guests); a second slot of the same
    partner is another event of its own, ``UID-2``."""
    from casecell.documents.calendar_ics import CalendarEvent

    meeting, scrub = details.meeting, details.scrub
    heading, url = scrub(meeting.heading), scrub(meeting.video_link)
    location = scrub(meeting.place) or url
    lines = _agenda_lines(details)
    whole = "\n".join([_("Agenda:"), *lines]) if lines else ""
    emails = _emails(details)
    cancelled = meeting.status is MeetingStatus.CANCELLED
    found = []
    for invitation in details.invitations:
        org = details.organisations[invitation.organisation_id]
        events = []
        for n, (start, end) in enumerate(invitation.windows, start=1):
            mine = [
                line
                for line, item in zip(lines, details.items, strict=True)
                if item.case_id in invitation.case_ids and start <= item.starts < end
            ]
            text = (
                "\n".join([_("Agenda:"), *mine]) if mine and not invitation.whole_meeting else whole
            )
            events.append(
                CalendarEvent(
                    meeting.uid if n == 1 else f"{meeting.uid}-{n}",
                    to_utc(start), to_utc(end), heading, location, text,
                    tuple(emails.get(org.id, [])), url, meeting.sequence, cancelled,
                )
            )  # fmt: skip
        found.append(PartnerCalendar(org.id, org.name, events))
    return found


def _organizer(details: MeetingDetails) -> tuple[str, str] | None:
    return (details.cell, details.organiser) if details.organiser else None


def write_calendar(ctx: Context, meeting_id: int, target: Path) -> MeetingDetails:
    """``casecell ics``: the RFC 5545 invitation of the whole meeting (audited as an export)."""
    check_output(target, ctx.vault.paths)
    details = get_meeting(ctx, meeting_id, AuditAction.EXPORT, "ics")
    _calendar_file(details, target, ctx.clock())
    return details


def partner_file(target: Path, organisation_id: int) -> Path:
    """Where a partner's own .ics goes: ``FILE-org12.ics`` beside ``FILE.ics`` (a number, not
    a name: no name goes into a file name)."""
    return target.with_name(f"{target.stem}-org{organisation_id}{target.suffix or '.ics'}")


def write_partner_calendars(
    ctx: Context, meeting_id: int, target: Path
) -> tuple[MeetingDetails, list[tuple[Path, str]]]:
    """``casecell ics --per-partner``: one file per invited organisation, holding its own
    slots only, named after ``target`` (see :func:`partner_file`). Returns the files with
    the organisation each is for."""
    from casecell.documents.calendar_ics import calendar_bytes

    check_output(target, ctx.vault.paths)
    details = get_meeting(ctx, meeting_id, AuditAction.EXPORT, "ics:per-partner")
    written = []
    for calendar in partner_calendars(details):
        path = partner_file(target, calendar.organisation_id)
        check_output(path, ctx.vault.paths)
        write_atomically(path, calendar_bytes(calendar.events, _organizer(details), ctx.clock()))
        written.append((path, calendar.organisation))
    return details, written


def _calendar_file(details: MeetingDetails, target: Path, stamp: datetime) -> None:
    from casecell.documents.calendar_ics import calendar_bytes

    write_atomically(target, calendar_bytes(calendar_events(details), _organizer(details), stamp))


def export_invitations(ctx: Context, meeting_id: int, folder: Path) -> tuple[Path, Path]:
    """The .ics and the agenda PDF, side by side in ``folder`` (the desktop's "export"), from
    one read of the meeting."""
    details = get_meeting(ctx, meeting_id, AuditAction.EXPORT, "ics+agenda")
    stem = f"reunion-{details.local_start:%Y-%m-%d-%Hh%M}"
    ics, pdf = folder / f"{stem}.ics", folder / f"{stem}-ordre-du-jour.pdf"
    for target in (ics, pdf):
        check_output(target, ctx.vault.paths)
    _calendar_file(details, ics, ctx.clock())
    _agenda_pdf(details, pdf)
    return ics, pdf
