"""Situations: referral, edits, sharing and consent, status workflow, notes, actions, timeline.

Every write lands on the case timeline, refreshes the search index in the same transaction,
and appends an audit entry. Every read of a situation is audited too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from casecell.domain.audit import AuditAction
from casecell.domain.cases import (
    ACTION_EDITED,
    CARRIED_OVER,
    PERSON_FIELDS,
    TRANSITIONS,
    Action,
    Case,
    CaseDraft,
    EventKind,
    Sharing,
    TimelineEvent,
    Transition,
    check_draft,
    check_transition,
    new_pseudonym,
)
from casecell.domain.meetings import Meeting
from casecell.domain.nomenclatures import ActionStatus, CarryOverReason, CaseStatus
from casecell.domain.persons import Relative
from casecell.domain.register import clean_line, clean_text
from casecell.domain.text import fts_query
from casecell.domain.users import Permission, require
from casecell.errors import NotShared, ValidationError
from casecell.i18n import _
from casecell.services.access import refusals_audited, visible_case
from casecell.services.context import Context
from casecell.services.meetings import take_off_future_agendas
from casecell.services.minutes import check_editable
from casecell.services.persons import PersonInput as PersonInput  # re-exported for the faces
from casecell.services.persons import check_nir_free, check_person_seen
from casecell.services.persons import person_fields as _person_fields
from casecell.storage import access as visible
from casecell.storage import listing
from casecell.storage.listing import CaseFilter as CaseFilter  # re-exported for the faces
from casecell.storage.listing import CaseListRow as CaseListRow
from casecell.storage.uow import UnitOfWork

CASE = "case"
SEARCH_LIST_LIMIT = 2000  # a search in the list shows at most this many, best first


def _draft_fields(draft: CaseDraft) -> dict[str, object]:
    return {
        "referred_on": draft.referred_on,
        "referrer_org_id": draft.referrer_org_id,
        "referrer_contact_id": draft.referrer_contact_id,
        "urgency": draft.urgency.value,
        "summary": clean_text(draft.summary, _("The summary")),
        "tried_before": clean_text(draft.tried_before, _("What was tried")),
        "person_wishes": clean_text(draft.person_wishes, _("The person's wishes")),
        "lead_org_id": draft.lead_org_id,
        "next_review_on": draft.next_review_on,
    }


def _sharing_fields(sharing: Sharing) -> dict[str, object]:
    sharing.check()
    return {
        "legal_basis": sharing.basis.value,
        "consent": sharing.consent.value,
        "consent_on": sharing.consent_on,
        "consent_by": clean_line(sharing.consent_by, _("Who informed the person")),
        "consent_not_possible_reason": clean_line(
            sharing.not_possible_reason, _("The reason"), limit=500
        ),
    }


def _check_partners(
    uow: UnitOfWork, org_ids: set[int | None], org_id: int, contact_id: int | None
) -> None:
    """Every organisation exists, and the contact (if any) works at ``org_id``."""
    for known in org_ids | {org_id}:
        if known is not None and uow.organisations.get(known) is None:
            raise ValidationError(_("Unknown organisation."))
    if contact_id is not None:
        contact = uow.contacts.get(contact_id)
        if contact is None or contact.organisation_id != org_id:
            raise ValidationError(_("The contact does not belong to that organisation."))


def _check_references(uow: UnitOfWork, draft: CaseDraft) -> None:
    _check_partners(
        uow,
        {draft.lead_org_id, *draft.participant_org_ids},
        draft.referrer_org_id,
        draft.referrer_contact_id,
    )


def _record(
    uow: UnitOfWork,
    ctx: Context,
    case_id: int,
    kind: EventKind,
    *,
    code: str = "",
    text: str = "",
    audit: str = "",
) -> None:
    uow.events.add(case_id, ctx.clock(), ctx.user.id, kind, code, text)
    uow.session.flush()
    uow.search.refresh([case_id])
    uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.WRITE, CASE, str(case_id), audit)


record_event = _record  # for the services of a situation's parts (services/relatives.py)
REPEAT = "repeat"  # the code of a referral's CREATED event when the person was already known


def _still_seen(uow: UnitOfWork, ctx: Context, case_id: int) -> Case:
    """The situation after a change of its access list: a member may not take their own
    organisation off a situation (they would no longer see it)."""
    case = uow.cases.get(case_id)
    assert case is not None
    if not ctx.scope.sees(case.access_list):
        raise ValidationError(
            _(
                "Your organisation must stay the referrer, the lead or a participant of "
                "this situation, or you would no longer see it."
            )
        )
    return case


def new_person(uow: UnitOfWork, ctx: Context, fields: dict[str, object]) -> int:
    """Add a person with a fresh pseudonym (no other person the user sees has their NIR)."""
    check_nir_free(uow, ctx, fields.get("nir"), None)
    pseudonym = new_pseudonym()
    while uow.persons.pseudonym_taken(pseudonym):
        pseudonym = new_pseudonym()
    return uow.persons.add(pseudonym=pseudonym, **fields).id


@refusals_audited
def register_referral(
    ctx: Context,
    person: PersonInput,
    draft: CaseDraft,
    sharing: Sharing | None = None,
    person_id: int | None = None,
) -> Case:
    """Record a referral (saisine): the person, the situation, its reference ``YYYY-NNN``.

    ``person_id`` names a person already known (see ``persons.known_persons``): the new
    situation is theirs, and their details are updated with ``person``, instead of
    recording them twice."""
    require(ctx.user, Permission.WRITE_CASES)
    today = ctx.today()
    check_draft(draft, today)
    person_fields = _person_fields(person, today)
    sharing = sharing or Sharing()
    sharing_fields = _sharing_fields(sharing)
    with ctx.writing() as uow:
        _check_references(uow, draft)
        if person_id is None:
            concerned = new_person(uow, ctx, person_fields)
        else:
            check_person_seen(uow, ctx, person_id)
            check_nir_free(uow, ctx, person_fields["nir"], person_id)
            uow.persons.update(person_id, **person_fields)
            concerned = person_id
        now = ctx.clock()
        row = uow.cases.add(
            draft.problem_areas,
            draft.participant_org_ids,
            reference=uow.cases.next_reference(draft.referred_on.year),
            person_id=concerned,
            status=CaseStatus.RECEIVED.value,
            created_at=now,
            updated_at=now,
            **_draft_fields(draft),
            **sharing_fields,
        )
        if person_id is None:
            _record(uow, ctx, row.id, EventKind.CREATED, audit="create")
        else:
            uow.session.flush()
            uow.search.refresh(uow.search.cases_of_person(person_id))
            _record(uow, ctx, row.id, EventKind.CREATED, code=REPEAT, audit=f"create:{REPEAT}")
        case = _still_seen(uow, ctx, row.id)
        uow.commit()
    return case


@refusals_audited
def get_case(ctx: Context, case_id: int) -> Case:
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.auditing_read() as uow:
        case = visible_case(uow, ctx, case_id)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.READ, CASE, str(case_id))
        uow.commit()
    return case


@dataclass(frozen=True)
class CaseDetails:
    """Everything the situation screen shows, read in one audited transaction."""

    case: Case
    timeline: list[TimelineEvent]
    actions: list[Action]
    organisations: dict[int, str]  # id → name, for the partners the screen names
    next_steps: tuple[CaseStatus, ...]
    relatives: tuple[Relative, ...] = ()


@refusals_audited
def case_details(ctx: Context, case_id: int) -> CaseDetails:
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.auditing_read() as uow:
        case = visible_case(uow, ctx, case_id)
        details = CaseDetails(
            case=case,
            timeline=uow.events.of_case(case_id),
            actions=uow.actions.of_case(case_id),
            organisations={o.id: o.name for o in uow.organisations.list()},
            next_steps=tuple(sorted(TRANSITIONS[case.status], key=list(CaseStatus).index)),
            relatives=tuple(uow.persons.relatives(case_id)),
        )
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.READ, CASE, str(case_id), "screen")
        uow.commit()
    return details


@refusals_audited
def edit_case(
    ctx: Context, case_id: int, draft: CaseDraft, person: PersonInput | None = None
) -> Case:
    """Change what the referral recorded (and the person's details): one transaction."""
    require(ctx.user, Permission.WRITE_CASES)
    check_draft(draft, ctx.today())
    person_fields = None if person is None else _person_fields(person, ctx.today())
    with ctx.writing() as uow:
        before = visible_case(uow, ctx, case_id)
        if before.referred_on.year != draft.referred_on.year:
            raise ValidationError(
                _("The referral year is part of the reference and cannot change.")
            )
        _check_references(uow, draft)
        row = uow.cases.row(case_id)
        assert row is not None
        for name, value in _draft_fields(draft).items():
            setattr(row, name, value)
        row.updated_at = ctx.clock()
        uow.cases.set_problem_areas(case_id, draft.problem_areas)
        uow.cases.set_participants(case_id, draft.participant_org_ids)
        if person_fields is not None:
            _change_person(uow, ctx, case_id, before.person.id, person_fields)
        _record(uow, ctx, case_id, EventKind.EDITED, audit="edit")
        was, now = set(before.participant_org_ids), set(draft.participant_org_ids)
        for org_id in sorted(now - was):
            _record(
                uow, ctx, case_id, EventKind.SHARED, code=str(org_id), audit=f"participant+{org_id}"
            )
        for org_id in sorted(was - now):
            _record(
                uow,
                ctx,
                case_id,
                EventKind.UNSHARED,
                code=str(org_id),
                audit=f"participant-{org_id}",
            )
        case = _still_seen(uow, ctx, case_id)
        uow.commit()
    return case


@refusals_audited
def update_person(ctx: Context, case_id: int, person: PersonInput) -> Case:
    require(ctx.user, Permission.WRITE_CASES)
    fields = _person_fields(person, ctx.today())
    with ctx.writing() as uow:
        case = visible_case(uow, ctx, case_id)
        _change_person(uow, ctx, case_id, case.person.id, fields)
        case = visible_case(uow, ctx, case_id)
        uow.commit()
    return case


def _change_person(
    uow: UnitOfWork, ctx: Context, case_id: int, person_id: int, fields: dict[str, object]
) -> None:
    check_nir_free(uow, ctx, fields["nir"], person_id)
    uow.persons.update(person_id, **fields)
    uow.session.flush()
    uow.search.refresh(uow.search.cases_of_person(person_id))
    _record(uow, ctx, case_id, EventKind.EDITED, code="person", audit="person")


@refusals_audited
def rectify_person(ctx: Context, case_id: int, person: PersonInput, reason: str) -> Case:
    """Correct the person's details at their request or on an error found (RGPD art. 16):
    the fields that changed (never their values) and the reason go on the timeline."""
    require(ctx.user, Permission.WRITE_CASES)
    why = clean_line(reason, _("The reason"), required=True, limit=500)
    fields = _person_fields(person, ctx.today())
    with ctx.writing() as uow:
        case = visible_case(uow, ctx, case_id)
        before = case.person
        changed = [name for name in PERSON_FIELDS if getattr(before, name) != fields[name]]
        if not changed:
            raise ValidationError(_("Nothing differs from the details recorded."))
        uow.persons.update(before.id, **fields)
        uow.session.flush()
        uow.search.refresh(uow.search.cases_of_person(before.id))
        code = ",".join(changed)
        _record(uow, ctx, case_id, EventKind.RECTIFIED, code=code, text=why, audit="rectified")
        case = visible_case(uow, ctx, case_id)
        uow.commit()
    return case


@dataclass(frozen=True)
class SharingResult:
    case: Case
    unplanned: list[Meeting]  # the meetings it was taken off (nothing may be shared any more)


def set_sharing(ctx: Context, case_id: int, sharing: Sharing) -> Case:
    """Record the legal basis and the person's information and consent."""
    return record_sharing(ctx, case_id, sharing).case


@refusals_audited
def record_sharing(ctx: Context, case_id: int, sharing: Sharing) -> SharingResult:
    """Record the legal basis and the person's information and consent; when nothing may be
    shared any more (consent refused with no other legal basis), the situation is taken off
    the agenda of every planned meeting to come."""
    require(ctx.user, Permission.WRITE_CASES)
    fields = _sharing_fields(sharing)
    if sharing.consent_on is not None and sharing.consent_on > ctx.today():
        raise ValidationError(_("The consent date cannot be in the future."))
    with ctx.writing() as uow:
        visible_case(uow, ctx, case_id)
        row = uow.cases.row(case_id)
        assert row is not None
        for name, value in fields.items():
            setattr(row, name, value)
        row.updated_at = ctx.clock()
        code = f"{sharing.basis.value}:{sharing.consent.value}"
        _record(uow, ctx, case_id, EventKind.SHARING, code=code, audit="sharing")
        case = visible_case(uow, ctx, case_id)
        block = case.sharing.block
        unplanned = take_off_future_agendas(uow, ctx, case_id, block) if block else []
        uow.commit()
    return SharingResult(case, unplanned)


@refusals_audited
def change_status(ctx: Context, case_id: int, change: Transition) -> Case:
    """Move a situation along its workflow; the domain says what is allowed."""
    require(ctx.user, Permission.WRITE_CASES)
    on = change.on or ctx.today()
    with ctx.writing() as uow:
        case = visible_case(uow, ctx, case_id)
        check_transition(case.status, case.sharing, change)
        if on < case.referred_on:
            raise ValidationError(_("A decision cannot come before the referral."))
        row = uow.cases.row(case_id)
        assert row is not None
        row.status = change.target.value
        row.updated_at = ctx.clock()
        code, text = change.target.value, ""
        if change.target in (CaseStatus.ACCEPTED, CaseStatus.DECLINED):
            row.eligibility_decided_on = on
        if change.target is CaseStatus.DECLINED:
            row.decline_reason = clean_line(change.decline_reason, _("The reason"), limit=500)
            row.redirected_to = clean_line(change.redirected_to, _("The redirection"))
            text = " — ".join(t for t in (row.decline_reason, row.redirected_to) if t)
        if change.target is CaseStatus.IN_REVIEW and row.first_review_on is None:
            row.first_review_on = on
        if change.target is CaseStatus.CLOSED:
            assert change.outcome is not None
            row.closed_on = on
            row.outcome = change.outcome.value
            code = f"{code}:{change.outcome.value}"
        _record(uow, ctx, case_id, EventKind.STATUS, code=code, text=text, audit=code)
        case = visible_case(uow, ctx, case_id)
        uow.commit()
    return case


@refusals_audited
def add_note(ctx: Context, case_id: int, text: str, *, decision: bool = False) -> None:
    require(ctx.user, Permission.WRITE_CASES)
    body = clean_text(text, _("The note"))
    if not body:
        raise ValidationError(_("The note is empty."))
    with ctx.writing() as uow:
        visible_case(uow, ctx, case_id)
        kind = EventKind.DECISION if decision else EventKind.NOTE
        _record(uow, ctx, case_id, kind, text=body, audit=kind.value)
        uow.commit()


@refusals_audited
def timeline(ctx: Context, case_id: int) -> list[TimelineEvent]:
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.auditing_read() as uow:
        visible_case(uow, ctx, case_id)
        events = uow.events.of_case(case_id)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.READ, CASE, str(case_id), "timeline")
        uow.commit()
    return events


# -- actions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    title: str
    owner_org_id: int
    owner_contact_id: int | None = None
    due_on: date | None = None
    meeting_id: int | None = None


@refusals_audited
def add_action(ctx: Context, case_id: int, data: ActionInput) -> Action:
    require(ctx.user, Permission.WRITE_CASES)
    title = clean_line(data.title, _("What is to be done"), required=True, limit=500)
    with ctx.writing() as uow:
        case = visible_case(uow, ctx, case_id)
        if case.status.finished:
            raise ValidationError(_("No action can be added to a finished situation."))
        _check_partners(uow, set(), data.owner_org_id, data.owner_contact_id)
        if data.meeting_id is not None:
            if uow.meetings.get(data.meeting_id) is None:
                raise ValidationError(_("Unknown meeting {id}.").format(id=data.meeting_id))
            check_editable(uow, data.meeting_id)
        action = uow.actions.add(
            case_id=case_id,
            title=title,
            owner_org_id=data.owner_org_id,
            owner_contact_id=data.owner_contact_id,
            due_on=data.due_on,
            status=ActionStatus.TODO.value,
            meeting_id=data.meeting_id,
            created_at=ctx.clock(),
        )
        _record(uow, ctx, case_id, EventKind.ACTION_ADDED, text=title, audit=f"action:{action.id}")
        uow.commit()
    return action


@refusals_audited
def _update_action(
    ctx: Context,
    action_id: int,
    change: Callable[[UnitOfWork, Action], dict[str, object]],
    code: Callable[[Action], str],
) -> Action:
    """Load, check (``change`` raises), update, and put the change on the case timeline."""
    require(ctx.user, Permission.WRITE_CASES)
    with ctx.writing() as uow:
        action = uow.actions.get(action_id)
        if action is None:
            if ctx.scope.restricted:
                raise NotShared()
            raise ValidationError(_("Unknown action."))
        visible_case(uow, ctx, action.case_id)
        updated = uow.actions.update(action_id, **change(uow, action))
        _record(
            uow,
            ctx,
            action.case_id,
            EventKind.ACTION_UPDATED,
            code=code(action),
            text=updated.title,
            audit=f"action:{action_id}",
        )
        uow.commit()
    return updated


def set_action_status(
    ctx: Context, action_id: int, status: ActionStatus, done_on: date | None = None
) -> Action:
    today = ctx.today()

    def change(_uow: UnitOfWork, _action: Action) -> dict[str, object]:
        if status is not ActionStatus.DONE:
            return {"status": status.value, "done_on": None}
        day = done_on or today
        if day > today:
            raise ValidationError(_("An action cannot be done in the future."))
        return {"status": status.value, "done_on": day}

    return _update_action(ctx, action_id, change, lambda _action: status.value)


def carry_over(
    ctx: Context, action_id: int, reason: CarryOverReason, new_due_on: date | None = None
) -> Action:
    """An undone action comes back to the next meeting, with why it was not done."""

    def change(_uow: UnitOfWork, action: Action) -> dict[str, object]:
        if not action.status.open:
            raise ValidationError(_("Only an action still to do can be carried over."))
        return {"carried_over": reason.value, "due_on": new_due_on or action.due_on}

    return _update_action(ctx, action_id, change, lambda _action: f"{CARRIED_OVER}:{reason.value}")


def edit_action(ctx: Context, action_id: int, data: ActionInput) -> Action:
    """Correct what is to be done, who owns it and by when (an action still to do)."""
    title = clean_line(data.title, _("What is to be done"), required=True, limit=500)

    def change(uow: UnitOfWork, action: Action) -> dict[str, object]:
        if not action.status.open:
            raise ValidationError(_("Only an action still to do can be changed."))
        _check_partners(uow, set(), data.owner_org_id, data.owner_contact_id)
        return {
            "title": title,
            "owner_org_id": data.owner_org_id,
            "owner_contact_id": data.owner_contact_id,
            "due_on": data.due_on,
        }

    return _update_action(ctx, action_id, change, lambda _action: ACTION_EDITED)


@refusals_audited
def case_id_of(ctx: Context, reference: str) -> int:
    """The situation whose reference is ``reference`` (as typed: spaces ignored)."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    wanted = "".join(reference.split())
    with ctx.reading() as uow:
        case_id = uow.cases.id_of(wanted)
        if ctx.scope.restricted and (
            case_id is None or not visible.visible_among(uow.session, ctx.scope, [case_id])
        ):
            raise NotShared(case_id)
    if case_id is None:
        raise ValidationError(
            _("No situation has the reference “{reference}”.").format(reference=wanted[:40])
        )
    return case_id


@refusals_audited
def actions_of(ctx: Context, case_id: int) -> list[Action]:
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.reading() as uow:
        visible_case(uow, ctx, case_id)
        return uow.actions.of_case(case_id)


def list_cases(
    ctx: Context,
    filters: CaseFilter | None = None,
    sort: str = "next_review",
    offset: int = 0,
    limit: int = 50,
) -> list[CaseListRow]:
    """One page of the situations list (names included: not for managers)."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    if sort not in listing.SORTS:
        raise ValidationError(_("Unknown sort order."))
    with ctx.auditing_read() as uow:
        rows = listing.case_page(
            uow.session, filters or CaseFilter(), sort, offset, limit, ctx.scope
        )
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.READ, "case_list", str(len(rows)))
        uow.commit()
    return rows


def case_ids(
    ctx: Context,
    filters: CaseFilter | None = None,
    sort: str = "next_review",
    query: str = "",
    limit: int | None = None,
) -> list[int]:
    """The ids a situations list shows, in order: by ``sort``, or by relevance for a search
    (at most ``limit``: the first screenful, while the rest is read).

    Ids alone say nothing of anyone; the rows are read (and audited) by :func:`case_rows`.
    """
    require(ctx.user, Permission.READ_NOMINATIVE)
    if sort not in listing.SORTS:
        raise ValidationError(_("Unknown sort order."))
    filters = filters or CaseFilter()
    match = fts_query(query)
    with ctx.reading() as uow:
        if match is None:
            return listing.case_ids(uow.session, filters, sort, limit, ctx.scope)
        return listing.search_ids(
            uow.session, match, filters, limit or SEARCH_LIST_LIMIT, ctx.scope
        )


def case_rows(ctx: Context, ids: list[int]) -> list[CaseListRow]:
    """The rows of a page of the list (names included: audited, not for managers)."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.auditing_read() as uow:
        rows = listing.rows_for(uow.session, ids, ctx.scope)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.READ, "case_list", str(len(rows)))
        uow.commit()
    return rows


def count_cases(ctx: Context, filters: CaseFilter | None = None) -> int:
    """How many situations match (a count is not nominative)."""
    with ctx.reading() as uow:
        return listing.case_count(uow.session, filters or CaseFilter(), ctx.scope)


def search(ctx: Context, query: str, limit: int = 50) -> list[str]:
    """Case references matching ``query``, best first. The query itself is never logged."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.auditing_read() as uow:
        found = uow.search.search(query, limit, ctx.scope)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.READ, "search", str(len(found)))
        uow.commit()
    return [reference for _id, reference in found]


def search_rows(ctx: Context, query: str, limit: int = 50) -> list[CaseListRow]:
    """The situations matching ``query``, best first, as list rows (names included: the
    search is for those who read names). The query itself is never logged."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.auditing_read() as uow:
        found = uow.search.search(query, limit, ctx.scope)
        rows = listing.rows_for(uow.session, [case_id for case_id, _ref in found], ctx.scope)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.READ, "search", str(len(rows)))
        uow.commit()
    return rows


# -- who takes part: the access list ---------------------------------------------------------
def _organisation_name(uow: UnitOfWork, organisation_id: int) -> str:
    org = uow.organisations.get(organisation_id)
    if org is None:
        raise ValidationError(_("Unknown organisation."))
    return org.name


def _reason(reason: str) -> str:
    return clean_line(reason, _("The reason"), required=True, limit=500)


@refusals_audited
def add_participant(ctx: Context, case_id: int, organisation_id: int, reason: str) -> Case:
    """Share a situation with one more organisation, saying why: the reason goes on the
    timeline as typed; the audit trail keeps identifiers only."""
    require(ctx.user, Permission.WRITE_CASES)
    why = _reason(reason)
    with ctx.writing() as uow:
        case = visible_case(uow, ctx, case_id)
        name = _organisation_name(uow, organisation_id)
        if organisation_id in case.participant_org_ids:
            raise ValidationError(
                _("{organisation} already takes part in this situation.").format(organisation=name)
            )
        uow.cases.set_participants(case_id, (*case.participant_org_ids, organisation_id))
        code = str(organisation_id)
        _record(
            uow, ctx, case_id, EventKind.SHARED, code=code, text=why, audit=f"participant+{code}"
        )
        case = visible_case(uow, ctx, case_id)
        uow.commit()
    return case


@refusals_audited
def remove_participant(ctx: Context, case_id: int, organisation_id: int, reason: str) -> Case:
    """Stop sharing a situation with a participating organisation, saying why."""
    require(ctx.user, Permission.WRITE_CASES)
    why = _reason(reason)
    with ctx.writing() as uow:
        case = visible_case(uow, ctx, case_id)
        name = _organisation_name(uow, organisation_id)
        if organisation_id not in case.participant_org_ids:
            raise ValidationError(
                _("{organisation} does not take part in this situation.").format(organisation=name)
            )
        kept = tuple(o for o in case.participant_org_ids if o != organisation_id)
        uow.cases.set_participants(case_id, kept)
        code = str(organisation_id)
        _record(
            uow, ctx, case_id, EventKind.UNSHARED, code=code, text=why, audit=f"participant-{code}"
        )
        case = _still_seen(uow, ctx, case_id)
        uow.commit()
    return case
