"""The one range of dates casecell accepts, wherever a date is typed or imported.

A register of people followed today has no use for the year 1 or 9999, and such dates break
arithmetic further on (a horizon ten years later, a time zone near the calendar's edges,
SQLite's date functions). They are refused where they are read, with one sentence.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from casecell.errors import ValidationError
from casecell.i18n import _

FIRST_YEAR = 1900
LAST_YEAR = 2100

D = TypeVar("D", date, datetime)


def in_range(day: date | datetime) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def out_of_range_message(text: str) -> str:
    return _("“{text}”: date outside {first}–{last}.").format(
        text=text[:40], first=FIRST_YEAR, last=LAST_YEAR
    )


def check_in_range(day: D, text: str = "") -> D:
    """``day`` itself, or a :class:`ValidationError` naming what was typed."""
    if not in_range(day):
        raise ValidationError(out_of_range_message(text or day.isoformat()))
    return day
