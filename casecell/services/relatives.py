"""The relatives and household members of a situation's person: persons of the vault linked
to the situation with their relation (so pseudonymised copies withhold them too).

Adding or removing one is written on the situation's timeline (the relation, never the name)
and audited (``relative+ID`` / ``relative-ID``). A relative no situation names any more is
deleted from the register.
"""

from __future__ import annotations

from casecell.domain.audit import AuditAction
from casecell.domain.cases import EventKind
from casecell.domain.nomenclatures import Relation
from casecell.domain.persons import Relative
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services.access import refusals_audited, visible_case
from casecell.services.cases import CASE, new_person, record_event
from casecell.services.context import Context
from casecell.services.persons import PersonInput, check_person_seen, person_fields

__all__ = ["Relative", "add_relative", "relatives_of", "remove_relative"]


@refusals_audited
def relatives_of(ctx: Context, case_id: int) -> list[Relative]:
    """The relatives of a situation, in the order they were recorded (audited: names)."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.auditing_read() as uow:
        visible_case(uow, ctx, case_id)
        found = uow.persons.relatives(case_id)
        uow.audit.append(
            ctx.clock(), ctx.user.id, AuditAction.READ, CASE, str(case_id), "relatives"
        )
        uow.commit()
    return found


@refusals_audited
def add_relative(
    ctx: Context,
    case_id: int,
    person: PersonInput,
    relation: Relation,
    person_id: int | None = None,
) -> Relative:
    """Link a relative to the situation: a new person, or ``person_id`` already known (whose
    details are then updated with ``person``)."""
    require(ctx.user, Permission.WRITE_CASES)
    fields = person_fields(person, ctx.today())
    with ctx.writing() as uow:
        case = visible_case(uow, ctx, case_id)
        if person_id is None:
            person_id = new_person(uow, ctx, fields)
        else:
            check_person_seen(uow, ctx, person_id)
            if person_id == case.person.id or any(
                r.person.id == person_id for r in uow.persons.relatives(case_id)
            ):
                raise ValidationError(_("This person is already part of this situation."))
            uow.persons.update(person_id, **fields)
        uow.persons.link_relative(case_id, person_id, relation)
        record_event(
            uow,
            ctx,
            case_id,
            EventKind.RELATIVE_ADDED,
            code=relation.value,
            audit=f"relative+{person_id}",
        )
        added = next(r for r in uow.persons.relatives(case_id) if r.person.id == person_id)
        uow.commit()
    return added


@refusals_audited
def remove_relative(ctx: Context, case_id: int, person_id: int) -> None:
    """Take a relative off the situation (and out of the register if nothing else names them)."""
    require(ctx.user, Permission.WRITE_CASES)
    with ctx.writing() as uow:
        visible_case(uow, ctx, case_id)
        linked = {r.person.id: r for r in uow.persons.relatives(case_id)}
        if person_id not in linked:
            raise ValidationError(_("This person is not a relative in this situation."))
        uow.persons.unlink_relative(case_id, person_id)
        uow.persons.delete_if_unlinked(person_id)
        record_event(
            uow,
            ctx,
            case_id,
            EventKind.RELATIVE_REMOVED,
            code=linked[person_id].relation.value,
            audit=f"relative-{person_id}",
        )
        uow.commit()
