"""The person's objection to sharing (RGPD art. 21; DOMAIN.md: « if they object nothing is
shared »), and its withdrawal.

An objection takes effect at once, whatever the legal basis recorded: the situation leaves the
agenda of every planned meeting to come (timeline + audit per meeting), cannot be put on an
agenda again, and every copy of the minutes printed from then on leaves it out with a line
saying so (services/minutes.py). The reason is the user's words: it goes on the timeline,
never in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casecell.domain.cases import (
    OPPOSITION_RECORDED,
    OPPOSITION_WITHDRAWN,
    Case,
    EventKind,
    SharingBlock,
)
from casecell.domain.meetings import Meeting
from casecell.domain.register import clean_line
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services.access import refusals_audited, visible_case
from casecell.services.cases import _record
from casecell.services.context import Context
from casecell.services.meetings import take_off_future_agendas


@dataclass(frozen=True)
class OppositionResult:
    case: Case
    unplanned: list[Meeting]  # the meetings the situation was taken off, as they were


def _reason(reason: str) -> str:
    return clean_line(reason, _("The reason"), required=True, limit=500)


@refusals_audited
def record_opposition(
    ctx: Context, case_id: int, reason: str, on: date | None = None
) -> OppositionResult:
    """The person objects to their situation being shared: recorded with the day and the
    reason, and the situation taken off every agenda still to come."""
    require(ctx.user, Permission.WRITE_CASES)
    why = _reason(reason)
    day = on or ctx.today()
    if day > ctx.today():
        raise ValidationError(_("The objection cannot be dated in the future."))
    with ctx.writing() as uow:
        case = visible_case(uow, ctx, case_id)
        if case.sharing.opposed_on is not None:
            raise ValidationError(
                _("The person's objection is already recorded (since {day}).").format(
                    day=case.sharing.opposed_on.strftime("%d/%m/%Y")
                )
            )
        if day < case.referred_on:
            raise ValidationError(_("The objection cannot come before the referral."))
        row = uow.cases.row(case_id)
        assert row is not None
        row.opposed_on = day
        row.opposition_reason = why
        row.updated_at = ctx.clock()
        _record(
            uow, ctx, case_id, EventKind.OPPOSITION, code=OPPOSITION_RECORDED, text=why,
            audit="opposition",
        )  # fmt: skip
        unplanned = take_off_future_agendas(uow, ctx, case_id, SharingBlock.OPPOSED)
        case = visible_case(uow, ctx, case_id)
        uow.commit()
    return OppositionResult(case, unplanned)


@refusals_audited
def withdraw_opposition(ctx: Context, case_id: int, reason: str) -> Case:
    """The person withdraws their objection: sharing follows the legal basis and consent
    recorded again (nothing is put back on an agenda by itself)."""
    require(ctx.user, Permission.WRITE_CASES)
    why = _reason(reason)
    with ctx.writing() as uow:
        case = visible_case(uow, ctx, case_id)
        if case.sharing.opposed_on is None:
            raise ValidationError(_("No objection of the person is recorded."))
        row = uow.cases.row(case_id)
        assert row is not None
        row.opposed_on = None
        row.opposition_reason = ""
        row.updated_at = ctx.clock()
        _record(
            uow, ctx, case_id, EventKind.OPPOSITION, code=OPPOSITION_WITHDRAWN, text=why,
            audit="opposition-withdrawn",
        )  # fmt: skip
        case = visible_case(uow, ctx, case_id)
        uow.commit()
    return case
