"""The planner's rules: Paris wall-clock recurrences, holidays, agenda, invitations, clashes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from casecell.compat import UTC
from casecell.domain.meetings import (
    AgendaItem,
    Busy,
    Candidate,
    ItemPurpose,
    MeetingKind,
    check_agenda,
    conflicts,
    describe_rule,
    invitations,
    monthly_rule,
    occurrences,
    parse_local,
    propose,
    public_holiday,
    time_slots,
    to_utc,
    weekly_rule,
)
from casecell.domain.nomenclatures import Urgency
from casecell.errors import ValidationError


def test_second_tuesday_at_14_stays_14_in_paris_across_clock_changes():
    starts = occurrences(monthly_rule(1, 2), "2027-01-12T14:00", count=12)
    assert [s.day for s in starts[:4]] == [12, 9, 9, 13]  # Jan, Feb, Mar, Apr 2027
    assert all(s.hour == 14 and s.minute == 0 and s.weekday() == 1 for s in starts)
    march, april = to_utc(starts[2]), to_utc(starts[3])  # winter then summer time
    assert march == datetime(2027, 3, 9, 13, 0, tzinfo=UTC)
    assert april == datetime(2027, 4, 13, 12, 0, tzinfo=UTC)
    assert describe_rule(monthly_rule(1, 2)) == "le 2e mardi de chaque mois"
    assert describe_rule(monthly_rule(3, 1, 3)) == "le 1er jeudi et 3e jeudi de chaque mois"


def test_the_skipped_hour_in_march_is_refused_and_the_repeated_one_is_the_first():
    with pytest.raises(ValidationError, match="n’existe pas"):
        to_utc(parse_local("28/03/2027 02:30"))
    assert to_utc(parse_local("31/10/2027 02:30")) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_holidays_are_named_and_can_be_skipped():
    assert public_holiday(date(2027, 5, 1)) == "Fête du Travail"
    assert public_holiday(date(2027, 7, 14)) == "Fête nationale"
    assert public_holiday(date(2027, 7, 13)) is None
    thursdays = occurrences(weekly_rule(), "2027-05-06T10:00", until=date(2027, 5, 31))
    holidays_off = [d.date() for d in thursdays if public_holiday(d.date())]
    assert date(2027, 5, 6) in holidays_off or date(2027, 5, 13) in holidays_off  # Ascension
    kept = occurrences(
        weekly_rule(), "2027-05-06T10:00", until=date(2027, 5, 31), skip=holidays_off
    )
    assert not any(public_holiday(d.date()) for d in kept) and len(kept) == len(thursdays) - 1


@pytest.mark.parametrize(
    "rule", ["", "FREQ=SECONDLY", "FREQ=MONTHLY;BYDAY=+9TU", "DROP TABLE", "FREQ=YEARLY;X=1"]
)
def test_bad_rules_and_dates_are_refused_in_words(rule):
    with pytest.raises(ValidationError):
        occurrences(rule, "2027-01-12T14:00", count=3)


def test_unreadable_dates_are_refused():
    for text in ("", "31/02/2027 14:00", "demain", "2027-13-01T10:00"):
        with pytest.raises(ValidationError, match="illisible"):
            parse_local(text)
    with pytest.raises(ValidationError):
        monthly_rule(7, 2)


def test_an_open_ended_rule_stops_at_the_cap():
    assert len(occurrences(weekly_rule(), "2027-01-04T09:00")) == 120


def candidate(case_id, purpose, since, urgency=Urgency.NORMAL, shareable=True, reasons=()):
    return Candidate(
        case_id, f"2027-{case_id:03d}", f"P-AAAA{case_id:02d}", purpose, urgency,
        since, shareable, reasons,
    )  # fmt: skip


def test_proposal_puts_urgent_then_new_then_follow_ups_then_reviews_and_fits_the_time():
    day = date(2027, 1, 1)
    proposal = propose(
        [
            candidate(1, ItemPurpose.REVIEW, day),
            candidate(2, ItemPurpose.NEW_REFERRAL, day + timedelta(days=3)),
            candidate(3, ItemPurpose.FOLLOW_UP, day, reasons=("Visite — reportée",)),
            candidate(4, ItemPurpose.REVIEW, day, Urgency.URGENT),
            candidate(5, ItemPurpose.NEW_REFERRAL, day, shareable=False),
            candidate(6, ItemPurpose.NEW_REFERRAL, day),
            candidate(3, ItemPurpose.REVIEW, day, reasons=("examen dû",)),  # same case again
            candidate(7, ItemPurpose.REVIEW, day + timedelta(days=1)),
        ],
        duration_minutes=65,
        already=[AgendaItem(9, 1, ItemPurpose.REVIEW, 5)],
    )
    assert [c.case_id for c in proposal.items] == [4, 6, 2, 3, 1]  # 5 + 10+15+15+10+10 = 65
    follow_up = next(c for c in proposal.items if c.case_id == 3)
    assert follow_up.purpose is ItemPurpose.FOLLOW_UP
    assert follow_up.reasons == ("Visite — reportée", "examen dû")
    assert [c.case_id for c in proposal.refused] == [5]
    assert [c.case_id for c in proposal.left_out] == [7]


def test_slots_follow_each_other_and_an_overrun_is_said():
    start = datetime(2027, 1, 12, 14, 0)
    slots = time_slots(start, [15, 10, 5])
    assert [s[0].strftime("%H:%M") for s in slots] == ["14:00", "14:15", "14:25"]
    assert slots[-1][1].strftime("%H:%M") == "14:30"
    assert (
        check_agenda([60, 70], 120)
        == "L’ordre du jour dure 130 min, plus que les 120 min de la réunion."
    )
    assert check_agenda([60, 60], 120) is None
    with pytest.raises(ValidationError):
        check_agenda([0], 120)


def test_invitations_whole_meeting_for_permanent_members_slots_for_the_others():
    start = datetime(2027, 1, 12, 13, 0, tzinfo=UTC)
    window = (start, start + timedelta(hours=2))
    slots = time_slots(start, [15, 15, 15])
    found = invitations(
        MeetingKind.PLENARY,
        window,
        permanent=[1],
        involved=[
            (10, frozenset({1, 2}), slots[0]),
            (11, frozenset({3}), slots[1]),
            (12, frozenset({2}), slots[2]),
        ],
    )
    by_org = {i.organisation_id: i for i in found}
    assert by_org[1].whole_meeting and by_org[1].windows == (window,)
    assert not by_org[2].whole_meeting and by_org[2].case_ids == (10, 12)
    assert by_org[2].windows == (slots[0], slots[2])  # two separate parts of the afternoon
    assert by_org[3].windows == (slots[1],)
    restricted = invitations(MeetingKind.RESTRICTED, window, [1], [(10, frozenset({2}), slots[0])])
    assert [i.organisation_id for i in restricted] == [2]  # no permanent members


def test_conflicts_holiday_place_and_contacts():
    start = datetime(2027, 7, 14, 12, 0, tzinfo=UTC)
    meeting = Busy(
        1,
        "Plénière",
        start,
        start + timedelta(hours=2),
        "Mairie, salle du Conseil",
        frozenset({5, 6}),
    )
    other = Busy(
        2,
        "Restreinte",
        start + timedelta(hours=1),
        start + timedelta(hours=3),
        "mairie  salle du conseil",
        frozenset({6}),
    )
    later = Busy(
        3,
        "Après",
        start + timedelta(hours=2),
        start + timedelta(hours=3),
        "Mairie, salle du Conseil",
        frozenset({5}),
    )
    warnings = conflicts(meeting, [meeting, other, later])
    assert warnings[0] == "14/07/2027 est un jour férié (Fête nationale)."
    assert any("lieu est déjà pris par « Restreinte »" in w for w in warnings)
    assert any("1 contact invité l’est aussi" in w for w in warnings)
    assert len(warnings) == 3  # the meeting right after does not overlap


def test_a_rule_that_never_matches_gives_nothing_quickly():
    assert occurrences("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "2027-01-12T14:00") == []
    with pytest.raises(ValidationError):
        occurrences("FREQ=WEEKLY;COUNT=3", "2027-01-12T14:00")


def test_holiday_regions_are_those_the_holidays_library_offers():
    import holidays

    from casecell.domain.meetings import HOLIDAY_REGIONS

    assert set(HOLIDAY_REGIONS) <= set(holidays.France.subdivisions)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("57", "57"), ("67", "6AE"), ("68", "6AE"), ("Alsace", "6AE"), ("GP", "971"),
     ("MQ", "972"), ("GY", "973"), ("RE", "974"), ("La Réunion", "974"), ("YT", "976"),
     ("974", "974"), ("fr", ""), ("", ""), ("Saint-Barthélemy", "BL")],
)  # fmt: skip
def test_a_holiday_region_is_typed_as_a_coordinator_knows_it(typed, code):
    from casecell.domain.meetings import holiday_region

    assert holiday_region(typed) == code


def test_an_unknown_holiday_region_is_refused_in_french():
    from casecell.domain.meetings import holiday_region

    with pytest.raises(ValidationError, match="Région « 75 » inconnue"):
        holiday_region("75")


def test_regional_holidays_come_on_top_of_the_national_ones():
    good_friday, saint_stephen = date(2027, 3, 26), date(2027, 12, 26)
    assert public_holiday(good_friday) is None
    assert public_holiday(good_friday, "57") == "Vendredi saint"
    assert public_holiday(saint_stephen, "6AE") == "Saint-Étienne"
    assert public_holiday(date(2027, 12, 20), "974") == "Abolition de l'esclavage"
    assert public_holiday(date(2027, 7, 14), "974") == "Fête nationale"


def test_a_meeting_in_the_past_on_a_regional_holiday_at_a_taken_place_is_warned():
    from casecell.domain.meetings import warnings_for_plan

    start = datetime(2027, 3, 26, 13, tzinfo=UTC)  # Good Friday, 14:00 in Paris
    taken = Busy(7, "Réunion du CLSM", start, start + timedelta(hours=2), "Mairie, salle A")
    now = datetime(2027, 4, 1, tzinfo=UTC)
    found = warnings_for_plan([start], 60, "mairie salle a", [taken], now, "57")
    assert found == [
        "26/03/2027 14:00 est déjà passé.",
        "26/03/2027 est un jour férié (Vendredi saint).",
        "Le lieu est déjà pris par « Réunion du CLSM » (26/03/2027 14:00).",
    ]
    assert warnings_for_plan([start], 60, "Ailleurs", [taken], start, "") == []
