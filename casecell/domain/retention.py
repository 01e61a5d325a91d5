"""How long a situation's personal data is kept (CNIL référentiel, 2023), and the audit trail's.

A situation still followed is never due. A closed one is due ``months_after_last_contact``
(24 by default: « 2 ans après le dernier contact ») after its last contact; a declined referral
sooner, ``months_after_declined`` after the decision or its last contact. The last contact is
the latest of: the referral, the eligibility decision, the closure, any entry of its timeline,
any meeting where it was on the agenda. Applying the rule *anonymises* the situation: the
name-free facts reports count stay (dates, statuses, problem areas, organisations, outcome),
every name, birth date and typed word goes. Audit entries are kept ``audit_months`` (CNIL
recommendation on logging: 6 months to 1 year).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from casecell.compat import StrEnum
from casecell.errors import ValidationError
from casecell.i18n import _

DEFAULT_MONTHS_AFTER_LAST_CONTACT = 24
DEFAULT_MONTHS_AFTER_DECLINED = 12
DEFAULT_AUDIT_MONTHS = 12
MIN_AUDIT_MONTHS, MAX_AUDIT_MONTHS = 6, 12
MAX_MONTHS = 120
REMINDER_DAYS = 365  # administrators are reminded once a year


class DueReason(StrEnum):
    CLOSED = "closed"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {DueReason.CLOSED: _("closed"), DueReason.DECLINED: _("declined referral")}[self]


@dataclass(frozen=True)
class RetentionPolicy:
    months_after_last_contact: int = DEFAULT_MONTHS_AFTER_LAST_CONTACT
    months_after_declined: int = DEFAULT_MONTHS_AFTER_DECLINED
    audit_months: int = DEFAULT_AUDIT_MONTHS

    def __post_init__(self) -> None:
        for months in (self.months_after_last_contact, self.months_after_declined):
            if not 1 <= months <= MAX_MONTHS:
                raise ValidationError(
                    _("A retention period must be between 1 and {maximum} months.").format(
                        maximum=MAX_MONTHS
                    )
                )
        if self.months_after_declined > self.months_after_last_contact:
            raise ValidationError(
                _("Declined referrals cannot be kept longer than followed situations.")
            )
        if not MIN_AUDIT_MONTHS <= self.audit_months <= MAX_AUDIT_MONTHS:
            raise ValidationError(
                _("The audit trail is kept between {low} and {high} months.").format(
                    low=MIN_AUDIT_MONTHS, high=MAX_AUDIT_MONTHS
                )
            )


@dataclass(frozen=True)
class SituationFacts:
    """What the rule needs of one situation (read in one query for the whole register)."""

    case_id: int
    reference: str
    status: str
    referred_on: date
    decided_on: date | None
    closed_on: date | None
    last_event_on: date | None
    last_meeting_on: date | None

    @property
    def last_contact(self) -> date:
        days = [self.referred_on, self.decided_on, self.closed_on]
        days += [self.last_event_on, self.last_meeting_on]
        return max(d for d in days if d is not None)


@dataclass(frozen=True)
class Due:
    case_id: int
    reference: str
    reason: DueReason
    last_contact: date
    due_on: date


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` later (the 31st becomes the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(facts: SituationFacts, policy: RetentionPolicy) -> tuple[DueReason, date] | None:
    """When ``facts``' personal data must go, and why; None while the situation is followed."""
    if facts.status == "declined":
        return DueReason.DECLINED, add_months(facts.last_contact, policy.months_after_declined)
    if facts.status == "closed":
        return DueReason.CLOSED, add_months(facts.last_contact, policy.months_after_last_contact)
    return None


def due(facts: Iterable[SituationFacts], policy: RetentionPolicy, today: date) -> list[Due]:
    """The situations whose personal data is due on or before ``today``, oldest first."""
    found = []
    for one in facts:
        rule = due_on(one, policy)
        if rule is not None and rule[1] <= today:
            found.append(Due(one.case_id, one.reference, rule[0], one.last_contact, rule[1]))
    return sorted(found, key=lambda d: (d.due_on, d.reference))


def audit_cutoff(policy: RetentionPolicy, today: date) -> date:
    """Audit entries before this day are purged."""
    return add_months(today, -policy.audit_months)
