"""What every use case of the planner shares: the input and view types, checks, the audit line, and
a meeting read with everything about it (filtered to what the reader may see).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from casecell.compat import UTC
from casecell.domain.access import EVERYTHING, Scope
from casecell.domain.audit import AuditAction
from casecell.domain.cases import SharingBlock
from casecell.domain.meetings import (
    Busy,
    Invitation,
    ItemPurpose,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    PersonParticipation,
    check_agenda,
    check_meeting,
    conflicts,
    in_paris,
    invitations,
    parse_local,
    time_slots,
    to_utc,
)
from casecell.domain.nomenclatures import CaseStatus
from casecell.domain.register import Contact, Organisation, clean_line
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services import settings
from casecell.services.context import Context
from casecell.services.minutes import check_editable, scrubber_for_cases
from casecell.services.minutes import load_meeting as _load
from casecell.storage import access as visible
from casecell.storage import meetings as queries
from casecell.storage.uow import UnitOfWork

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


def now_in_paris(ctx: Context) -> datetime:
    return in_paris(ctx.clock().astimezone(UTC))


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


def _day_start(day: date) -> datetime:
    return to_utc(datetime(day.year, day.month, day.day))


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
