"""What of a report may leave the cell: small figures masked (primary suppression), and
enough other figures masked that none of them can be worked out again (secondary
suppression), a refusal for a commune or partner too small to be told apart, and no typed
text. Pure functions over :class:`~casecell.domain.indicators.Figure`; docs/indicateurs.md
states the rules for readers.

How a masked figure could be worked out, and what stops it:

* a total and its breakdown (referrals by commune, by month…): total = sum of the parts.
  Several breakdowns of the same total (commune and month) are several such equations;
* the flow of situations: open at the end = open at the end of the previous period
  + received − closed − declined; eligibility decisions = accepted + declined;
* a mean and its two counts (situations reviewed per meeting).

A reader knows that a figure marked "< 3" is 1 or 2, that a figure masked for protection
is at least 3 (every figure of 1 or 2 is already "< 3"), and that 0 is printed. From the
equations and those bounds :func:`exposed` narrows every masked figure as far as it can
(interval propagation); :func:`protect` masks the smallest other part of an equation that
pins a figure down, until none is pinned down.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from casecell.domain.indicators import (
    MASK_BELOW,
    TYPED_BREAKDOWNS,
    Figure,
    Unit,
)
from casecell.errors import ValidationError
from casecell.i18n import _

# An external report filtered on one commune or one partner is refused when the situations it
# covers, or the cell's other situations (what the unfiltered report would add), number fewer
# than this (but more than none) in the period or in the previous one: subtracting one report
# from the other would otherwise tell about a handful of persons.
MINIMUM_FILTERED = 11

Cell = tuple[
    int, str, str, str
]  # period (0 this one, 1 the previous), indicator, breakdown, category
Equation = tuple[tuple[Cell, int], ...]  # sum of coefficient × value = 0

# Breakdowns whose parts do not add up to their total (a referral may have several areas):
# no equation, but a masked part never stays alone.
NOT_ADDITIVE = frozenset({"area"})
# open at the end = open before + received − closures − declined (this period only: the
# previous period's own "open before" is not printed).
FLOW: tuple[tuple[str, int, int], ...] = (
    ("open_at_end", 0, 1),
    ("open_at_end", 1, -1),
    ("referrals_received", 0, -1),
    ("closures", 0, 1),
    ("referrals_declined", 0, 1),
)
DECISIONS = (("referrals_decided", 1), ("referrals_accepted", -1), ("referrals_declined", -1))
# a mean printed beside the two counts it divides: masked with either of them
MEANS = {"situations_per_meeting": ("situations_reviewed", "meetings_held")}


def cell(period: int, figure: Figure) -> Cell:
    return (period, figure.id, figure.breakdown, figure.category)


def equations(cells: dict[Cell, Figure]) -> list[Equation]:
    """Every linear relation a reader can write between the printed counts."""
    found: list[Equation] = []
    groups: dict[tuple[int, str, str], list[Cell]] = {}
    for key, figure in cells.items():
        if figure.unit is Unit.COUNT and figure.breakdown and figure.breakdown not in NOT_ADDITIVE:
            groups.setdefault(key[:3], []).append(key)
    for (period, indicator, _breakdown), members in groups.items():
        total = (period, indicator, "", "")
        if total in cells:
            found.append(((total, 1), *((m, -1) for m in members)))
    for period in (0, 1):
        decisions = tuple(((period, i, "", ""), k) for i, k in DECISIONS)
        if all(key in cells for key, _k in decisions):
            found.append(decisions)
    flow = tuple(((p, i, "", ""), k) for i, p, k in FLOW)
    if all(key in cells for key, _k in flow):
        found.append(flow)
    # Only what is true of these figures (a situation closed then reopened breaks the flow):
    # a reader cannot work anything out exactly from an equation that does not hold.
    return [e for e in found if sum(k * (cells[key].value or 0.0) for key, k in e) == 0]


def _bounds(cells: dict[Cell, Figure], masked: set[Cell]) -> dict[Cell, tuple[float, float]]:
    """What a reader can tell of each masked count: 1–2 for "< 3", at least 3 otherwise."""
    return {
        key: (1.0, MASK_BELOW - 1.0) if cells[key].small else (float(MASK_BELOW), math.inf)
        for key in masked
        if cells[key].unit is Unit.COUNT
    }


def _whole(bound: float, rounding: Callable[[float], int]) -> float:
    """A bound on a count, rounded inwards to a whole number (infinity stays)."""
    if math.isinf(bound):
        return bound
    return float(rounding(round(bound, 6)))


def exposed(
    cells: dict[Cell, Figure], masked: set[Cell], relations: Sequence[Equation]
) -> list[Cell]:
    """The masked counts a reader could work out exactly from the printed ones, the bounds
    above and ``relations`` (sorted, for a stable choice)."""
    bounds = _bounds(cells, masked)

    def value(key: Cell) -> tuple[float, float]:
        if key in bounds:
            return bounds[key]
        known = cells[key].value or 0.0
        return known, known

    for _round in range(100):  # narrowing converges in a few rounds; the cap is a safeguard
        changed = False
        for relation in relations:
            for key, coefficient in relation:
                if key not in bounds:
                    continue
                # coefficient × key = −(sum of the others)
                low = high = 0.0
                for other, k in relation:
                    if other == key:
                        continue
                    lo, hi = value(other)
                    low -= max(k * lo, k * hi)
                    high -= min(k * lo, k * hi)
                low, high = sorted((low / coefficient, high / coefficient))
                old_low, old_high = bounds[key]
                new = (
                    max(old_low, _whole(low, math.ceil)),
                    min(old_high, _whole(high, math.floor)),
                )
                if new != (old_low, old_high):
                    bounds[key] = new
                    changed = True
        if not changed:
            break
    return sorted(key for key, (low, high) in bounds.items() if low >= high)


def _alone(cells: dict[Cell, Figure], masked: set[Cell]) -> list[list[Cell]]:
    """Parts of a non-additive breakdown when exactly one of them is masked."""
    groups: dict[tuple[int, str, str], list[Cell]] = {}
    for key, figure in cells.items():
        if figure.breakdown in NOT_ADDITIVE and figure.unit is Unit.COUNT:
            groups.setdefault(key[:3], []).append(key)
    return [members for members in groups.values() if len(masked.intersection(members)) == 1]


def _next_smallest(
    cells: dict[Cell, Figure], masked: set[Cell], members: Iterable[Cell]
) -> Cell | None:
    """The part to mask with another: the smallest count printed (not 0, which says nothing),
    a breakdown's part before a total."""
    candidates = [
        key
        for key in members
        if key not in masked and cells[key].unit is Unit.COUNT and (cells[key].value or 0) > 0
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda key: (key[2] == "", cells[key].value or 0.0, key))


def _one_more(
    cells: dict[Cell, Figure], masked: set[Cell], relations: Sequence[Equation]
) -> Cell | None:
    """The next figure to mask, or None when every masked one is safe: for the first masked
    count pinned down, the smallest part of one of its equations that frees it (else the
    smallest at all); then a lone masked part of a non-additive breakdown's neighbour. A
    pinned part with nothing left to mask beside it is returned itself (its breakdown is
    then left out: 2 referrals in two communes make two "< 3" that can only be 1 each)."""
    for key in exposed(cells, masked, relations):
        found = [
            chosen
            for relation in relations
            if any(k == key for k, _c in relation)
            and (chosen := _next_smallest(cells, masked, (k for k, _c in relation)))
        ]
        found.sort(key=lambda k: (cells[k].value or 0.0, k))
        for chosen in found:
            if key not in exposed(cells, masked | {chosen}, relations):
                return chosen
        if found:
            return found[0]
        if key[2]:
            return key
    for members in _alone(cells, masked):
        if (chosen := _next_smallest(cells, masked, members)) is not None:
            return chosen
    return None


def protect(
    figures: Sequence[Figure], before: Sequence[Figure]
) -> tuple[list[Figure], list[Figure]]:
    """The two periods' figures with every figure that must not be printed masked: small ones,
    then as few others as this greedy rule finds so that no masked count can be worked out
    from the printed ones (totals, breakdowns, the other period). A breakdown that cannot be
    protected so is left out."""
    cells = {cell(0, f): f for f in figures} | {cell(1, f): f for f in before}
    masked = {key for key, f in cells.items() if f.small}
    relations = equations(cells)
    while (chosen := _one_more(cells, masked, relations)) is not None:
        if chosen not in masked:
            masked.add(chosen)
            continue
        for key in [k for k in cells if k[:3] == chosen[:3]]:  # the whole breakdown
            del cells[key]
            masked.discard(key)
        relations = equations(cells)
    for period in (0, 1):
        for mean, counts in MEANS.items():
            if any((period, c, "", "") in masked for c in counts):
                masked.add((period, mean, "", ""))

    def mark(period: int, found: Sequence[Figure]) -> list[Figure]:
        return [
            replace(f, hidden=True) if cell(period, f) in masked and not f.small else f
            for f in found
            if cell(period, f) in cells
        ]

    return mark(0, figures), mark(1, before)


def outside(
    figures: Sequence[Figure], before: Sequence[Figure]
) -> tuple[list[Figure], list[Figure]]:
    """The copy that leaves the cell: no typed text (a decline reason or a "redirected to"
    may hold a name), then :func:`protect`."""

    def typed(found: Sequence[Figure]) -> list[Figure]:
        return [f for f in found if f.breakdown not in TYPED_BREAKDOWNS]

    return protect(typed(figures), typed(before))


def check_filter(what: str, counts: Sequence[tuple[int, int]]) -> None:
    """Refuse an external report of one commune or partner (``what``, in words) when, in a
    period, the situations it covers or the cell's other situations are fewer than
    MINIMUM_FILTERED but not none. ``counts``: (filtered, whole) for each period."""
    for filtered, whole in counts:
        rest = whole - filtered
        if 0 < filtered < MINIMUM_FILTERED:
            raise ValidationError(
                _(
                    "A report meant to leave the cell cannot be limited to {what}: fewer than "
                    "{n} situations in a period, which would tell about too few persons. "
                    "Make it for the whole cell, or keep it inside the cell."
                ).format(what=what, n=MINIMUM_FILTERED)
            )
        if 0 < rest < MINIMUM_FILTERED:
            raise ValidationError(
                _(
                    "A report meant to leave the cell cannot be limited to {what}: the cell "
                    "has fewer than {n} other situations in a period, so comparing it with the "
                    "whole cell's report would tell about too few persons. Make it for the "
                    "whole cell, or keep it inside the cell."
                ).format(what=what, n=MINIMUM_FILTERED)
            )
