"""Activity indicators for managers, elected officials and funders: pure functions over read
models that hold no name, no pseudonym and no case reference.

Every indicator has a stable id (the CSV's first column); docs/indicateurs.md gives each exact
definition. A period is a range of days, both ends included.
"""

from __future__ import annotations

import math
import statistics
from calendar import monthrange
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from casecell.compat import StrEnum
from casecell.domain.nomenclatures import ProblemArea
from casecell.errors import ValidationError
from casecell.i18n import _

MASK_BELOW = 3  # counts of 1 or 2 are shown as "< 3" in a report meant to leave the cell
FREE_TEXT_MINIMUM = 3  # a typed reason is shown (internal copy only) when given this many times
# What the indicator store (storage/stats.py) holds instead of a typed "redirected to": the
# fact that something was typed, never the words. Counted, never shown as a category.
WITHHELD_TEXT = "…"
# Breakdowns whose categories are words typed by a person (they may hold a name): never in the
# copy that leaves the cell.
TYPED_BREAKDOWNS = frozenset({"reason", "redirected_to"})


class Unit(StrEnum):
    COUNT = "count"
    DAYS = "days"
    PERCENT = "percent"
    RATIO = "ratio"


def _year_before(day: date) -> date:
    return date(day.year - 1, day.month, min(day.day, monthrange(day.year - 1, day.month)[1]))


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(_("The period ends before it starts."))
        if (self.end - self.start).days > 3660:
            raise ValidationError(_("A report covers at most ten years."))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The same dates one year earlier (2024 → 2023, March 2025 → March 2024, a
        quarter → the same quarter): what a steering committee compares with, seasons alike.
        A period ending on the last day of a month keeps that whole month (29 February →
        28 February); a 29 February start becomes the 28th."""
        start = _year_before(self.start)
        end = _year_before(self.end)
        if (self.end + timedelta(days=1)).day == 1:
            end = date(end.year, end.month, monthrange(end.year, end.month)[1])
        return Period(start, end)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def months(self) -> list[str]:
        """ "2026-01", "2026-02"… every month the period touches."""
        found, day = [], self.start.replace(day=1)
        while day <= self.end:
            found.append(f"{day:%Y-%m}")
            day = (day + timedelta(days=32)).replace(day=1)
        return found


# -- read models: what the vault gives, with no name ---------------------------------------
@dataclass(frozen=True)
class CaseFacts:
    referred_on: date
    status: str  # a ``CaseStatus`` value
    areas: tuple[str, ...]
    referrer_kind: str  # an ``OrganisationKind`` value
    commune: str  # the person's commune (INSEE code), "" when unknown
    decided_on: date | None  # eligibility decision
    first_review_on: date | None
    closed_on: date | None
    outcome: str | None
    decline_reason: str
    redirected_to: str
    consent: str  # a ``ConsentStatus`` value

    @property
    def declined(self) -> bool:
        return self.status == "declined"


@dataclass(frozen=True)
class ActionFacts:
    owner: str  # the owner partner's name
    created_on: date
    due_on: date | None
    done_on: date | None
    status: str  # an ``ActionStatus`` value


@dataclass(frozen=True)
class CarryOverFacts:
    on: date
    reason: str  # a ``CarryOverReason`` value


@dataclass(frozen=True)
class MeetingFacts:
    day: date
    held: bool
    items: int


@dataclass(frozen=True)
class AttendanceFacts:
    day: date
    organisation: str
    attendance: str | None  # an ``Attendance`` value; None when not recorded


@dataclass(frozen=True)
class ReportData:
    """The read models of a report, one per fact: the reference the tallies are checked
    against (the vault's report counts in SQL instead)."""

    cases: tuple[CaseFacts, ...]
    actions: tuple[ActionFacts, ...]
    carried: tuple[CarryOverFacts, ...]
    meetings: tuple[MeetingFacts, ...]
    attendance: tuple[AttendanceFacts, ...]


@dataclass(frozen=True)
class Figure:
    """One line of the report (and of the CSV): an indicator, or one part of its breakdown."""

    id: str
    value: float | None  # None when there was nothing to compute it from
    unit: Unit
    breakdown: str = ""  # "area", "referrer_kind", "commune", "month", "owner"…
    category: str = ""  # a code, a month, an INSEE code or a partner's name
    basis: int = 0  # how many situations, actions or participants it was computed from
    hidden: bool = False  # masked so that a small figure cannot be worked out (disclosure.py)

    @property
    def small(self) -> bool:
        """Too few to leave the cell: a count of 1 or 2, or a delay, rate or mean computed from
        fewer than 3 (it would tell about one or two persons)."""
        if self.unit is Unit.COUNT:
            return self.value is not None and 0 < self.value < MASK_BELOW
        return 0 < self.basis < MASK_BELOW

    @property
    def masked(self) -> bool:
        """Not printed in the copy that leaves the cell: too small itself, or hidden because
        it would give a small figure away (by subtraction from a total, for instance)."""
        return self.small or self.hidden


def masked_text(figure: Figure) -> str:
    """How the copy that leaves the cell prints a masked figure: "< 3" when it is small
    itself, "masked" when it is hidden to protect another."""
    return f"< {MASK_BELOW}" if figure.small else _("masked")


# -- statistics, defined once ----------------------------------------------------------------
def median(values: list[int]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count)."""
    return float(statistics.median(values)) if values else None


def percentile(values: list[int], p: float) -> float | None:
    """Nearest rank: the smallest value with at least ``p`` % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1])


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# -- the indicators --------------------------------------------------------------------------
INDICATORS: dict[str, Callable[[], str]] = {
    "referrals_received": lambda: _("Referrals received"),
    "referrals_accepted": lambda: _("Referrals accepted"),
    "referrals_declined": lambda: _("Referrals declined"),
    "referrals_redirected": lambda: _("Declined referrals redirected"),
    "referrals_decided": lambda: _("Eligibility decisions"),
    "first_reviews": lambda: _("Situations reviewed for the first time"),
    "delay_referral_to_decision_median": lambda: _("Referral → eligibility decision, median"),
    "delay_referral_to_decision_p90": lambda: _("Referral → eligibility decision, 90th percentile"),
    "delay_referral_to_first_review_median": lambda: _("Referral → first review, median"),
    "delay_referral_to_first_review_p90": lambda: _("Referral → first review, 90th percentile"),
    "delay_referral_to_closure_median": lambda: _("Referral → closure, median"),
    "delay_referral_to_closure_p90": lambda: _("Referral → closure, 90th percentile"),
    "open_at_end": lambda: _("Situations open at the end of the period"),
    "closures": lambda: _("Situations closed"),
    "actions_decided": lambda: _("Actions decided"),
    "actions_done_on_time": lambda: _("Actions done on time"),
    "actions_done_late": lambda: _("Actions done late"),
    "actions_still_late": lambda: _("Actions still late at the end of the period"),
    "actions_carried_over": lambda: _("Actions carried over"),
    "meetings_held": lambda: _("Meetings held"),
    "situations_reviewed": lambda: _("Situations reviewed in meetings"),
    "situations_per_meeting": lambda: _("Situations reviewed per meeting"),
    "attendance_rate": lambda: _("Attendance rate of partners"),
    "person_informed_share": lambda: _("Referrals where the person was asked (informed)"),
    "person_consenting_share": lambda: _("Referrals where the person consented"),
}  # fmt: skip

BREAKDOWNS: dict[str, Callable[[], str]] = {
    "area": lambda: _("problem area"),
    "referrer_kind": lambda: _("referring organisation kind"),
    "commune": lambda: _("commune"),
    "month": lambda: _("month"),
    "reason": lambda: _("reason"),
    "carry_over_reason": lambda: _("reason"),
    "redirected_to": lambda: _("redirected to"),
    "outcome": lambda: _("outcome"),
    "owner": lambda: _("owner partner"),
    "organisation": lambda: _("organisation"),
}


def label(indicator: str) -> str:
    return INDICATORS[indicator]()


def _counts(
    indicator: str, breakdown: str, counted: Counter[str], keep_all: Iterable[str] = ()
) -> list[Figure]:
    counted = Counter(counted)
    for key in keep_all:  # categories shown even at zero (every month, every problem area)
        counted.setdefault(key, 0)
    return [
        Figure(indicator, float(n), Unit.COUNT, breakdown, key, n)
        for key, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _months(indicator: str, counted: Counter[str], period: Period) -> list[Figure]:
    return [
        Figure(indicator, float(counted[m]), Unit.COUNT, "month", m, counted[m])
        for m in period.months()
    ]


def _typed(indicator: str, breakdown: str, texts: Counter[str], other: str) -> list[Figure]:
    """Counts per typed text, only for texts given at least FREE_TEXT_MINIMUM times (a text
    given once may name someone); the rest together under ``other``. A blank text, or the
    indicator store's WITHHELD_TEXT, is no category at all (the count says it was given)."""
    counted: Counter[str] = Counter()
    for text, n in texts.items():
        words = " ".join(text.split())
        if words and words != WITHHELD_TEXT:
            counted[words] += n
    shown = {t: n for t, n in counted.items() if n >= FREE_TEXT_MINIMUM}
    rest = sum(n for t, n in counted.items() if t not in shown)
    figures = [
        Figure(indicator, float(n), Unit.COUNT, breakdown, t, n)
        for t, n in sorted(shown.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    if rest:
        figures.append(Figure(indicator, float(rest), Unit.COUNT, breakdown, other, rest))
    return figures


def _delays(indicator: str, counted: Counter[int]) -> list[Figure]:
    days = sorted(counted.elements())
    return [
        Figure(f"{indicator}_median", median(days), Unit.DAYS, basis=len(days)),
        Figure(f"{indicator}_p90", percentile(days, 90), Unit.DAYS, basis=len(days)),
    ]


def _count(indicator: str, n: int) -> Figure:
    return Figure(indicator, float(n), Unit.COUNT, basis=n)


ACTION_INDICATORS = (
    "actions_decided", "actions_done_on_time", "actions_done_late", "actions_still_late",
)  # fmt: skip


@dataclass
class Tallies:
    """What one period's indicators are computed from: counts per category, never a row per
    situation. The vault's SQL fills it (storage/reports.py); :func:`tally` fills it from
    read models, the reference it is tested against."""

    # referrals received, per (referrer kind, commune, "YYYY-MM", consent)
    received: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    areas: Counter[str] = field(default_factory=Counter)  # problem areas of those received
    # eligibility decisions, per (declined, decline reason, redirected to, days waited)
    decisions: Counter[tuple[bool, str, str, int]] = field(default_factory=Counter)
    first_reviews: Counter[int] = field(default_factory=Counter)  # per days waited
    closures: Counter[tuple[str, str, int]] = field(default_factory=Counter)  # outcome, month, days
    open_at_end: int = 0
    # ACTION_INDICATORS → owner partner's name → number of actions
    actions: dict[str, Counter[str]] = field(
        default_factory=lambda: {name: Counter() for name in ACTION_INDICATORS}
    )
    carried: Counter[str] = field(default_factory=Counter)  # per reason
    meetings_held: int = 0
    reviewed: int = 0
    recorded: Counter[str] = field(default_factory=Counter)  # attendance recorded, per partner
    came: Counter[str] = field(default_factory=Counter)  # present or represented, per partner


def tally(data: ReportData, period: Period) -> Tallies:
    """The tallies of ``period`` worked out from read models, one fact at a time."""
    found = Tallies()
    end = period.end
    for c in data.cases:
        if c.referred_on in period:
            month = f"{c.referred_on:%Y-%m}"
            found.received[(c.referrer_kind, c.commune or "?", month, c.consent)] += 1
            found.areas.update(c.areas)
        if c.decided_on in period and c.decided_on is not None:
            declined = c.declined
            found.decisions[
                (
                    declined,
                    c.decline_reason if declined else "",
                    c.redirected_to if declined else "",
                    (c.decided_on - c.referred_on).days,
                )
            ] += 1
        if c.first_review_on in period and c.first_review_on is not None:
            found.first_reviews[(c.first_review_on - c.referred_on).days] += 1
        if c.closed_on in period and c.closed_on is not None and not c.declined:
            found.closures[
                (c.outcome or "other", f"{c.closed_on:%Y-%m}", (c.closed_on - c.referred_on).days)
            ] += 1
        if (
            c.referred_on <= end
            and not (c.closed_on is not None and c.closed_on <= end)
            and not (c.declined and c.decided_on is not None and c.decided_on <= end)
        ):
            found.open_at_end += 1
    for a in data.actions:
        for indicator in _action_indicators(a, period):
            found.actions[indicator][a.owner] += 1
    found.carried.update(c.reason for c in data.carried if c.on in period)
    for m in data.meetings:
        if m.held and m.day in period:
            found.meetings_held += 1
            found.reviewed += m.items
    for line in data.attendance:
        if line.day in period and line.attendance is not None:
            found.recorded[line.organisation] += 1
            if line.attendance in ("present", "represented"):
                found.came[line.organisation] += 1
    return found


def _action_indicators(a: ActionFacts, period: Period) -> Iterator[str]:
    end = period.end
    if a.created_on in period:
        yield "actions_decided"
    if a.done_on in period and a.status == "done":
        if a.due_on is None or (a.done_on and a.done_on <= a.due_on):
            yield "actions_done_on_time"
        if a.due_on is not None and a.done_on and a.done_on > a.due_on:
            yield "actions_done_late"
    if (
        a.created_on <= end
        and a.status != "dropped"
        and a.due_on is not None
        and a.due_on < end
        and (a.done_on is None or a.done_on > end)
    ):
        yield "actions_still_late"


def compute(data: ReportData, period: Period, other: str = "…") -> list[Figure]:
    """Every indicator for ``period``; ``other`` names the typed reasons grouped together."""
    return figures_of(tally(data, period), period, other)


def _sum_by(counted: Counter[Any], index: int) -> Counter[Any]:
    found: Counter[Any] = Counter()
    for key, n in counted.items():
        found[key[index]] += n
    return found


def figures_of(t: Tallies, period: Period, other: str = "…") -> list[Figure]:
    """Every indicator of a period from its tallies, in the report's order."""
    received = sum(t.received.values())
    decided = sum(t.decisions.values())
    declined = Counter({k: n for k, n in t.decisions.items() if k[0]})
    redirected = Counter({k: n for k, n in declined.items() if k[2].strip()})
    first_reviews = sum(t.first_reviews.values())
    closed = sum(t.closures.values())
    figures = [_count("referrals_received", received)]
    figures += _counts("referrals_received", "area", t.areas, [a.value for a in ProblemArea])
    figures += _counts("referrals_received", "referrer_kind", _sum_by(t.received, 0))
    figures += _counts("referrals_received", "commune", _sum_by(t.received, 1))
    figures += _months("referrals_received", _sum_by(t.received, 2), period)
    figures.append(_count("referrals_accepted", decided - sum(declined.values())))
    figures.append(_count("referrals_declined", sum(declined.values())))
    figures += _typed("referrals_declined", "reason", _sum_by(declined, 1), other)
    figures.append(_count("referrals_redirected", sum(redirected.values())))
    figures += _typed("referrals_redirected", "redirected_to", _sum_by(redirected, 2), other)
    figures.append(_count("referrals_decided", decided))  # the basis of the next delays
    figures += _delays("delay_referral_to_decision", _sum_by(t.decisions, 3))
    figures.append(_count("first_reviews", first_reviews))
    figures += _delays("delay_referral_to_first_review", t.first_reviews)
    figures += _delays("delay_referral_to_closure", _sum_by(t.closures, 2))
    figures.append(_count("open_at_end", t.open_at_end))
    figures.append(_count("closures", closed))
    figures += _counts("closures", "outcome", _sum_by(t.closures, 0))
    figures += _months("closures", _sum_by(t.closures, 1), period)
    for indicator in ACTION_INDICATORS:
        owners = t.actions[indicator]
        figures.append(_count(indicator, sum(owners.values())))
        figures += _counts(indicator, "owner", owners)
    figures.append(_count("actions_carried_over", sum(t.carried.values())))
    figures += _counts("actions_carried_over", "carry_over_reason", t.carried)
    figures.append(_count("meetings_held", t.meetings_held))
    figures.append(_count("situations_reviewed", t.reviewed))
    figures.append(
        Figure(
            "situations_per_meeting",
            round(t.reviewed / t.meetings_held, 1) if t.meetings_held else None,
            Unit.RATIO,
            basis=t.reviewed,
        )
    )
    figures += _attendance(t.recorded, t.came)
    consent = _sum_by(t.received, 3)
    asked, agreed = consent["agreed"] + consent["refused"], consent["agreed"]
    figures.append(
        Figure("person_informed_share", _share(asked, received), Unit.PERCENT, basis=received)
    )
    figures.append(
        Figure("person_consenting_share", _share(agreed, received), Unit.PERCENT, basis=received)
    )
    return figures


def _attendance(by_org: Counter[str], came_by_org: Counter[str]) -> list[Figure]:
    """Present or represented, over those whose attendance was recorded (excused counts as
    absent)."""
    recorded, came = sum(by_org.values()), sum(came_by_org.values())
    figures = [Figure("attendance_rate", _share(came, recorded), Unit.PERCENT, basis=recorded)]
    for org in sorted(by_org, key=lambda o: (-came_by_org[o] / by_org[o], o)):
        figures.append(
            Figure("attendance_rate", _share(came_by_org[org], by_org[org]), Unit.PERCENT,
                   "organisation", org, by_org[org])
        )  # fmt: skip
    return figures


UNITS: dict[Unit, Callable[[], str]] = {
    Unit.COUNT: lambda: _("number"),
    Unit.DAYS: lambda: _("days"),
    Unit.PERCENT: lambda: "%",
    Unit.RATIO: lambda: _("mean"),
}


def category_label(figure: Figure) -> str:
    """A breakdown's category in words (codes through their nomenclature)."""
    from casecell.domain.nomenclatures import CarryOverReason, OrganisationKind, Outcome

    code = figure.category
    named: dict[str, Callable[[str], str]] = {
        "area": lambda c: ProblemArea(c).label,
        "referrer_kind": lambda c: OrganisationKind(c).label,
        "outcome": lambda c: Outcome(c).label,
        "carry_over_reason": lambda c: CarryOverReason(c).label,
        "commune": lambda c: _("unknown") if c == "?" else c,
    }
    render = named.get(figure.breakdown)
    try:
        return render(code) if render else code
    except ValueError:  # a code a later version removed: show it as stored
        return code


def headline(figures: Sequence[Figure]) -> dict[str, Figure]:
    """The indicators themselves (not their breakdowns), by id."""
    return {f.id: f for f in figures if not f.breakdown}


def parts(figures: Sequence[Figure], indicator: str, breakdown: str) -> list[Figure]:
    return [f for f in figures if f.id == indicator and f.breakdown == breakdown]
