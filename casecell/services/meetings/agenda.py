"""The agenda: proposed from what is due, set by hand, notes on each item, the person's
participation, and situations taken off future agendas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from casecell.domain.cases import EventKind, SharingBlock
from casecell.domain.meetings import (
    ITEM_MINUTES,
    AgendaItem,
    Candidate,
    ItemPurpose,
    Meeting,
    MeetingStatus,
    PersonParticipation,
    Proposal,
    check_agenda,
    check_participation,
    propose,
)
from casecell.domain.register import clean_line, clean_text
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services.access import refusals_audited, visible_case
from casecell.services.context import Context
from casecell.services.meetings.common import (
    _audit,
    _check_discussable,
    _editable,
    _revised,
)
from casecell.services.minutes import check_editable
from casecell.services.minutes import load_meeting as _load
from casecell.storage import meetings as queries
from casecell.storage.uow import UnitOfWork


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
