"""What may leave the cell, on figures built by hand: no masked count can be worked out from
the printed ones, typed text is dropped, small filters are refused."""

from __future__ import annotations

import pytest

from casecell.domain.disclosure import (
    MINIMUM_FILTERED,
    cell,
    check_filter,
    equations,
    exposed,
    outside,
    protect,
)
from casecell.domain.indicators import Figure, Unit, masked_text
from casecell.errors import ValidationError

R = "referrals_received"


def count(indicator, n, breakdown="", category=""):
    return Figure(indicator, float(n), Unit.COUNT, breakdown, category, n)


def by(figures, indicator, breakdown=""):
    return {f.category: f for f in figures if f.id == indicator and f.breakdown == breakdown}


def safe(figures, before=()):
    """No masked count is pinned down by the printed figures (the auditor's own check)."""
    cells = {cell(0, f): f for f in figures} | {cell(1, f): f for f in before}
    masked = {k for k, f in cells.items() if f.masked}
    return exposed(cells, masked, equations(cells)) == []


def test_a_lone_small_part_takes_the_next_smallest_with_it():
    # total 20 printed: 2 = 20 − 10 − 5 − 3 would give the small commune away.
    figures = [count(R, 20), *(count(R, n, "commune", c) for c, n in
                               (("A", 10), ("B", 5), ("C", 3), ("D", 2), ("E", 0)))]  # fmt: skip
    cells = {cell(0, f): f for f in figures}
    assert exposed(cells, {cell(0, figures[4])}, equations(cells)) == [cell(0, figures[4])]
    shown, _before = protect(figures, [])
    parts = by(shown, R, "commune")
    assert parts["D"].small and parts["C"].hidden  # the next smallest, 3
    assert not parts["A"].masked and not parts["B"].masked and not by(shown, R)[""].masked
    assert not parts["E"].masked  # 0 says nothing: printed
    assert masked_text(parts["D"]) == "< 3" and masked_text(parts["C"]) == "masqué"
    assert safe(shown)


def test_two_small_parts_that_add_up_to_what_is_missing_are_still_pinned_down():
    # 1 + 1 masked, total 12 = 10 + 2: each "< 3" is at least 1, so both are exactly 1.
    figures = [count(R, 12), count(R, 10, "month", "2024-01"), count(R, 1, "month", "2024-02"),
               count(R, 1, "month", "2024-03")]  # fmt: skip
    shown, _ = protect(figures, [])
    assert by(shown, R, "month")["2024-01"].hidden and safe(shown)


def test_a_small_part_beside_a_masked_one_of_3_is_pinned_down_by_the_bounds():
    # "< 3" (1 or 2) and "masqué" (3 or more) adding up to 4 can only be 1 and 3.
    figures = [count(R, 28), count(R, 20, "month", "a"), count(R, 1, "month", "b"),
               count(R, 3, "month", "c"), count(R, 4, "month", "d")]  # fmt: skip
    cells = {cell(0, f): f for f in figures}
    masked = {cell(0, figures[2]), cell(0, figures[3])}
    assert exposed(cells, masked, equations(cells)) == sorted(masked)
    shown, _ = protect(figures, [])
    assert by(shown, R, "month")["d"].hidden and safe(shown)


def test_two_breakdowns_of_one_total_cannot_be_played_against_each_other():
    # A hidden total (30) is given back by its months, all printed; with it, the communes
    # would give their masked part away.
    figures = [
        count(R, 30),
        *(count(R, n, "month", m) for m, n in (("01", 12), ("02", 10), ("03", 8))),
        *(count(R, n, "commune", c) for c, n in (("A", 20), ("B", 10))),
    ]
    cells = {cell(0, f): f for f in figures}
    total, commune_b = cell(0, figures[0]), cell(0, figures[-1])
    assert exposed(cells, {total, commune_b}, equations(cells)) == sorted([commune_b, total])
    assert exposed(cells, {commune_b}, equations(cells)) == [commune_b]
    # Two communes "< 3" of a total "< 3": each "< 3" could only be 1 when the total is 2:
    # nothing else to mask, so the breakdown by commune is left out; the months stay.
    tiny = [count(R, 2), count(R, 2, "month", "01"), count(R, 0, "month", "02"),
            count(R, 1, "commune", "A"), count(R, 1, "commune", "B")]  # fmt: skip
    shown, _ = protect(tiny, [])
    assert by(shown, R, "commune") == {} and set(by(shown, R, "month")) == {"01", "02"}
    assert safe(shown)


def test_the_flow_of_situations_and_the_previous_period():
    # open at the end 40 = 38 before + 10 received − 6 closed − 2 declined: declined (2) would
    # be given away by the other four, one of them from the previous period.
    now = [count("open_at_end", 40), count(R, 10), count("closures", 6),
           count("referrals_declined", 2), count("referrals_accepted", 7),
           count("referrals_decided", 9)]  # fmt: skip
    before = [count("open_at_end", 38)]
    shown, was = protect(now, before)
    top = by(shown, "open_at_end") | {f.id: f for f in shown if f.id != "open_at_end"}
    assert top["referrals_declined"].small
    # decided = accepted + declined: one of those is hidden, and one of the flow's counts too
    assert top["referrals_accepted"].hidden or top["referrals_decided"].hidden
    assert any(f.hidden for f in shown if f.id in ("closures", R)) or was[0].hidden
    assert safe(shown, was)


def test_an_equation_that_does_not_hold_is_not_one_a_reader_can_use():
    # a situation closed then reopened: the flow does not add up, so it pins nothing
    now = [count("open_at_end", 40), count(R, 10), count("closures", 6),
           count("referrals_declined", 2)]  # fmt: skip
    shown, _ = protect(now, [count("open_at_end", 39)])
    assert [f.id for f in shown if f.hidden] == []


def test_a_mean_is_masked_with_either_of_its_counts_and_delays_by_their_basis():
    figures = [count("meetings_held", 2), count("situations_reviewed", 9),
               Figure("situations_per_meeting", 4.5, Unit.RATIO, basis=9),
               Figure("delay_referral_to_decision_median", 12.0, Unit.DAYS, basis=2)]  # fmt: skip
    shown, _ = protect(figures, [])
    assert shown[2].hidden and shown[3].small and not shown[1].masked


def test_a_lone_masked_area_takes_another_with_it():
    # areas do not add up to the total (a referral may have several), but never one alone
    figures = [count(R, 9), *(count(R, n, "area", a) for a, n in
                              (("a", 6), ("b", 5), ("c", 1), ("d", 0)))]  # fmt: skip
    shown, _ = protect(figures, [])
    areas = by(shown, R, "area")
    assert areas["c"].small and areas["b"].hidden and not areas["a"].masked
    assert not areas["d"].masked


def test_nothing_small_nothing_masked_and_the_internal_figures_are_untouched():
    figures = [count(R, 12), count(R, 7, "month", "a"), count(R, 5, "month", "b")]
    shown, _ = protect(figures, [])
    assert shown == figures and not any(f.masked for f in shown)


def test_the_copy_that_leaves_the_cell_has_no_typed_text():
    figures = [count("referrals_declined", 5), count("referrals_declined", 4, "reason", "Hors"),
               count("referrals_declined", 1, "reason", "autres"),
               count("referrals_redirected", 3),
               count("referrals_redirected", 3, "redirected_to", "CCAS de Villebourg")]  # fmt: skip
    shown, was = outside(figures, figures)
    assert {f.breakdown for f in shown + was} == {""}
    assert [f.value for f in shown] == [5, 3]


def test_a_filter_too_small_or_too_close_to_the_whole_is_refused():
    check_filter("commune 75056", [(MINIMUM_FILTERED, 100), (0, 40)])  # none before: fine
    check_filter("commune 75056", [(30, 30), (20, 20)])  # the whole cell: nothing to subtract
    with pytest.raises(ValidationError, match="moins de 11 situations"):
        check_filter("commune 75056", [(MINIMUM_FILTERED - 1, 100), (20, 50)])
    with pytest.raises(ValidationError, match="moins de 11 autres situations"):
        check_filter("commune 75056", [(40, 45), (20, 50)])
    with pytest.raises(ValidationError, match="commune 75056"):
        check_filter("commune 75056", [(40, 100), (5, 50)])  # the previous period counts too
