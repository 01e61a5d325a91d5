"""Need-to-know in the services: a member asking for a situation their organisation is not
part of is refused (:class:`NotShared`), the refusal is audited, and nothing of it is returned.

The refusal is raised inside the service's unit of work, which rolls back; :func:`refusals_audited`
then records it in a transaction of its own (a READ entry with detail ``denied``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from casecell.domain.access import Scope, copy_scope
from casecell.domain.audit import AuditAction
from casecell.domain.cases import Case
from casecell.errors import NotShared, ValidationError
from casecell.i18n import _
from casecell.services.context import Context
from casecell.storage.uow import UnitOfWork

P = ParamSpec("P")
R = TypeVar("R")
DENIED = "denied"


def refusals_audited(
    service: Callable[Concatenate[Context, P], R],
) -> Callable[Concatenate[Context, P], R]:
    """Wrap a service taking ``ctx`` first: a :class:`NotShared` leaving it is audited."""

    @functools.wraps(service)
    def audited(ctx: Context, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(ctx, *args, **kwargs)
        except NotShared as refused:
            record_refusal(ctx, refused)
            raise

    return audited


def record_refusal(ctx: Context, refused: NotShared) -> None:
    with ctx.auditing_read() as uow:
        uow.audit.append(
            ctx.clock(),
            ctx.user.id,
            AuditAction.READ,
            refused.record_type,
            refused.record_id,
            DENIED,
        )
        uow.commit()


def visible_case(uow: UnitOfWork, ctx: Context, case_id: int) -> Case:
    """The situation, if ``ctx``'s user sees it. A member gets the same refusal whether it is
    not shared with them or does not exist; others get « unknown situation »."""
    case = uow.cases.get(case_id)
    if case is not None and ctx.scope.sees(case.access_list):
        return case
    if ctx.scope.restricted:
        raise NotShared(case_id)
    raise ValidationError(_("Unknown situation."))


def copy_for(ctx: Context, recipient_org_id: int | None, record_type: str, record_id: int) -> Scope:
    """What a document printed for ``recipient_org_id`` may hold; a member may print only their
    own organisation's copy (the refusal names the document, not a situation)."""
    scope = copy_scope(ctx.user, recipient_org_id)
    if scope is None:
        raise NotShared(
            record_id,
            record_type,
            _("You may only print the copy for your own organisation."),
        )
    return scope
