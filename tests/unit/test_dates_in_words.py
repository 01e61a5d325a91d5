"""Dates written in words: French writes the first of the month as an ordinal."""

from __future__ import annotations

from datetime import date

from casecell import i18n


def test_the_first_of_the_month_is_1er_in_french_and_only_then():
    assert i18n.date_in_words(date(2027, 1, 1)) == "1er janvier 2027"
    assert i18n.date_in_words(date(2027, 1, 1), "full") == "vendredi 1er janvier 2027"
    assert i18n.date_in_words(date(2027, 1, 11)) == "11 janvier 2027"
    assert i18n.date_in_words(date(2027, 1, 21), "full") == "jeudi 21 janvier 2027"
    assert i18n.date_in_words(date(2031, 12, 1)) == "1er décembre 2031"


def test_english_keeps_its_own_form():
    try:
        i18n.install("en")
        assert i18n.date_in_words(date(2027, 1, 1), "full") == "Friday, January 1, 2027"
    finally:
        i18n.install("fr")
