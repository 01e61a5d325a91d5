"""Each indicator against a small register built by hand; the expected values are worked out
in the comments (2024 is a leap year: 29 February counts)."""

from __future__ import annotations

from datetime import date

import pytest

from casecell.domain.indicators import (
    ActionFacts,
    AttendanceFacts,
    CarryOverFacts,
    CaseFacts,
    Figure,
    MeetingFacts,
    Period,
    ReportData,
    Unit,
    compute,
    headline,
    median,
    parts,
    percentile,
)
from casecell.errors import ValidationError

D = date
YEAR = Period(D(2024, 1, 1), D(2024, 12, 31))


def case(referred, status="accepted", areas=("housing_hoarding",), kind="ccas", commune="75056",
         decided=None, review=None, closed=None, outcome=None, reason="", redirected="",
         consent="agreed"):  # fmt: skip
    return CaseFacts(referred, status, areas, kind, commune, decided, review, closed, outcome,
                     reason, redirected, consent)  # fmt: skip


CASES = (
    # A: accepted 16 days after referral, first review after 31 days, closed after 71 days
    # (20 Dec → 29 Feb: 11 + 31 + 29).
    case(D(2023, 12, 20), "closed", ("housing_hoarding", "mental_health"), decided=D(2024, 1, 5),
         review=D(2024, 1, 20), closed=D(2024, 2, 29), outcome="resolved"),
    # B: received on the leap day, declined 10 days later, redirected.
    case(D(2024, 2, 29), "declined", ("rights_precarity",), "caf", decided=D(2024, 3, 10),
         reason="Hors critères", redirected="CCAS de Villebourg", consent="not_asked"),
    # C: received, accepted after 10 days, first review after 30, still open.
    case(D(2024, 6, 1), "in_review", decided=D(2024, 6, 11), review=D(2024, 7, 1),
         consent="refused", commune=""),
    # D: received on the last day of the period, not decided yet.
    case(D(2024, 12, 31), "received", ("child_protection",), "cmp_hospital"),
    # E: after the period. F, G: finished before it. H: open since 2023.
    case(D(2025, 1, 1), "received"),
    case(D(2022, 5, 1), "closed", decided=D(2022, 5, 10), closed=D(2023, 6, 1),
         outcome="moved_away"),
    case(D(2023, 11, 1), "declined", decided=D(2023, 11, 15), reason="Hors critères"),
    case(D(2023, 3, 1), "monitoring", decided=D(2023, 3, 10)),
)  # fmt: skip
ACTIONS = (
    ActionFacts("CCAS", D(2024, 1, 10), D(2024, 2, 1), D(2024, 1, 30), "done"),  # on time
    ActionFacts("CMP", D(2024, 3, 1), D(2024, 3, 15), D(2024, 4, 1), "done"),  # late
    ActionFacts("CMP", D(2024, 5, 1), D(2024, 6, 1), None, "todo"),  # still late
    ActionFacts("CCAS", D(2023, 12, 1), D(2024, 12, 31), None, "todo"),  # due on the last day
    ActionFacts("CCAS", D(2024, 11, 1), None, None, "doing"),  # no due date
    ActionFacts("Bailleur", D(2024, 2, 1), D(2024, 3, 1), None, "dropped"),  # dropped
    ActionFacts("CCAS", D(2024, 10, 1), D(2024, 10, 15), D(2025, 1, 10), "done"),  # late at end
)
DATA = ReportData(
    CASES,
    ACTIONS,
    (
        CarryOverFacts(D(2024, 3, 20), "partner_did_not_act"),
        CarryOverFacts(D(2024, 9, 1), "situation_changed"),
        CarryOverFacts(D(2023, 12, 1), "other"),
    ),
    (
        MeetingFacts(D(2024, 1, 9), True, 4),
        MeetingFacts(D(2024, 2, 13), True, 2),
        MeetingFacts(D(2024, 12, 10), False, 3),  # planned, not held
        MeetingFacts(D(2023, 12, 12), True, 5),
    ),
    (
        AttendanceFacts(D(2024, 1, 9), "CCAS", "present"),
        AttendanceFacts(D(2024, 2, 13), "CCAS", "present"),
        AttendanceFacts(D(2024, 1, 9), "CMP", "excused"),
        AttendanceFacts(D(2024, 2, 13), "CMP", "represented"),
        AttendanceFacts(D(2024, 1, 9), "Bailleur", "absent"),
        AttendanceFacts(D(2024, 2, 13), "Bailleur", None),  # not recorded: not counted
        AttendanceFacts(D(2023, 12, 12), "Bailleur", "present"),  # before the period
    ),
)


def values(figures: list[Figure], indicator: str, breakdown: str) -> dict[str, float | None]:
    return {f.category: f.value for f in parts(figures, indicator, breakdown)}


@pytest.fixture(scope="module")
def year() -> list[Figure]:
    return compute(DATA, YEAR, other="autres")


def test_referrals_received_accepted_declined_redirected(year):
    top = headline(year)
    assert top["referrals_received"].value == 3  # B, C, D
    assert top["referrals_accepted"].value == 2  # A and C were decided in 2024
    assert top["referrals_declined"].value == 1  # B (G was declined in 2023)
    assert top["referrals_redirected"].value == 1
    assert values(year, "referrals_declined", "reason") == {"autres": 1}  # typed once: grouped
    areas = values(year, "referrals_received", "area")
    assert areas["housing_hoarding"] == areas["rights_precarity"] == areas["child_protection"] == 1
    assert areas["mental_health"] == 0 and len(areas) == 11  # every area, even at zero
    assert values(year, "referrals_received", "referrer_kind") == {
        "ccas": 1, "caf": 1, "cmp_hospital": 1,
    }  # fmt: skip
    assert values(year, "referrals_received", "commune") == {"75056": 2, "?": 1}
    months = values(year, "referrals_received", "month")
    assert len(months) == 12 and months["2024-02"] == months["2024-06"] == 1
    assert months["2024-12"] == 1 and months["2024-01"] == 0


def test_delays_median_and_90th_percentile(year):
    top = headline(year)
    # Decisions: A 16 days, B 10 (29 Feb → 10 Mar), C 10 → median 10, nearest rank 3 of 3 → 16.
    assert top["delay_referral_to_decision_median"].value == 10
    assert top["delay_referral_to_decision_p90"].value == 16
    assert top["delay_referral_to_decision_median"].basis == 3
    # First reviews: A 31, C 30 → median 30.5; rank ceil(0.9 × 2) = 2 → 31.
    assert top["delay_referral_to_first_review_median"].value == 30.5
    assert top["delay_referral_to_first_review_p90"].value == 31
    assert top["delay_referral_to_closure_median"].value == 71


def test_open_at_end_and_outcomes(year):
    top = headline(year)
    assert top["open_at_end"].value == 3  # C, D and H
    assert top["closures"].value == 1
    assert values(year, "closures", "outcome") == {"resolved": 1}


def test_actions_on_time_late_still_late_carried_over(year):
    top = headline(year)
    assert top["actions_decided"].value == 6  # all but the one created in 2023
    assert values(year, "actions_decided", "owner") == {"CCAS": 3, "CMP": 2, "Bailleur": 1}
    assert top["actions_done_on_time"].value == 1
    assert top["actions_done_late"].value == 1
    assert top["actions_still_late"].value == 2  # the CMP one never done, the CCAS done in 2025
    assert top["actions_carried_over"].value == 2
    assert values(year, "actions_carried_over", "carry_over_reason") == {
        "partner_did_not_act": 1, "situation_changed": 1,
    }  # fmt: skip


def test_meetings_attendance_and_consent(year):
    top = headline(year)
    assert top["meetings_held"].value == 2 and top["situations_reviewed"].value == 6
    assert top["situations_per_meeting"].value == 3.0
    assert top["attendance_rate"].value == 60.0  # 3 came of 5 recorded
    assert values(year, "attendance_rate", "organisation") == {
        "CCAS": 100.0, "CMP": 50.0, "Bailleur": 0.0,
    }  # fmt: skip
    assert top["person_informed_share"].value == 66.7  # C refused, D agreed; B not asked
    assert top["person_consenting_share"].value == 33.3


def test_an_empty_period_has_zeros_and_no_delays():
    figures = compute(DATA, Period(D(2030, 1, 1), D(2030, 1, 31)))
    top = headline(figures)
    assert top["referrals_received"].value == 0 and top["meetings_held"].value == 0
    assert top["delay_referral_to_closure_median"].value is None
    assert top["attendance_rate"].value is None and top["person_consenting_share"].value is None
    assert top["open_at_end"].value == 4  # C, D, E and H are still open in 2030


def test_the_previous_period_is_the_same_months_a_year_earlier_and_bad_periods():
    assert YEAR.previous() == Period(D(2023, 1, 1), D(2023, 12, 31))
    # March is compared with March a year before, not with February
    assert Period(D(2024, 3, 1), D(2024, 3, 31)).previous() == Period(D(2023, 3, 1), D(2023, 3, 31))
    assert Period(D(2025, 4, 1), D(2025, 6, 30)).previous() == Period(D(2024, 4, 1), D(2024, 6, 30))
    assert Period(D(2024, 3, 10), D(2024, 3, 19)).previous() == Period(
        D(2023, 3, 10), D(2023, 3, 19)
    )
    # February of a leap year: the whole February before; a whole February after a leap year
    assert Period(D(2024, 2, 1), D(2024, 2, 29)).previous() == Period(D(2023, 2, 1), D(2023, 2, 28))
    assert Period(D(2025, 2, 1), D(2025, 2, 28)).previous() == Period(D(2024, 2, 1), D(2024, 2, 29))
    assert Period(D(2024, 2, 29), D(2024, 3, 5)).previous() == Period(D(2023, 2, 28), D(2023, 3, 5))
    with pytest.raises(ValidationError, match="avant"):
        Period(D(2024, 2, 1), D(2024, 1, 1))
    before = headline(compute(DATA, YEAR.previous()))
    assert before["referrals_received"].value == 3  # A, G, H
    assert before["referrals_declined"].value == 1  # G


def test_statistics_and_masking():
    assert median([]) is None and median([3, 1, 2, 10]) == 2.5
    assert percentile([5], 90) == 5 and percentile(list(range(1, 11)), 90) == 9
    assert Figure("x", 2, Unit.COUNT, basis=2).masked
    assert not Figure("x", 0, Unit.COUNT).masked and not Figure("x", 3, Unit.COUNT).masked
    assert Figure("x", 12.0, Unit.DAYS, basis=2).masked
    assert not Figure("x", 12.0, Unit.DAYS, basis=3).masked
