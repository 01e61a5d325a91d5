"""Invitations as iCalendar (RFC 5545, iTIP RFC 5546) that Outlook, Thunderbird and the
web calendars built on Mozilla's ical.js take in.

* Each meeting keeps one UID whatever its date becomes, and a SEQUENCE raised at each change:
  a client replaces the event it holds by the invitation of a higher sequence. A cancelled
  meeting goes out as ``METHOD:CANCEL`` with ``STATUS:CANCELLED``.
* Times are written in Europe/Paris with its VTIMEZONE as two yearly rules (last Sunday of
  March and of October): ical.js reads the one-date-per-change form one hour off in summer.
* With the cell's address as organiser the file is an invitation (``METHOD:REQUEST``) the
  guests can answer. Without it, it is a plain event to add to a calendar: RFC 5545 wants an
  organiser wherever there are guests, so neither is written (an invented address bounces).

Events carry references and pseudonyms only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
    vText,
)

from casecell.domain.meetings import PARIS


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: datetime  # aware
    end: datetime
    summary: str
    location: str
    description: str
    attendees: tuple[tuple[str, str], ...]  # (name, e-mail)
    url: str = ""
    sequence: int = 0
    cancelled: bool = False


def _address(name: str, email: str, **params: str) -> vCalAddress:
    address: vCalAddress = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def paris_timezone() -> Timezone:
    """Europe/Paris since 1996: CEST from the last Sunday of March at 02:00, CET from the
    last Sunday of October at 03:00."""
    zone = Timezone()
    zone.add("tzid", "Europe/Paris")
    for part, month, start, before, after, name in (
        (TimezoneDaylight(), 3, datetime(1970, 3, 29, 2), 1, 2, "CEST"),
        (TimezoneStandard(), 10, datetime(1970, 10, 25, 3), 2, 1, "CET"),
    ):
        part.add("dtstart", start)
        part.add("rrule", vRecur({"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": "-1SU"}))
        part.add("tzoffsetfrom", timedelta(hours=before))
        part.add("tzoffsetto", timedelta(hours=after))
        part.add("tzname", name)
        zone.add_component(part)
    return zone


def calendar_bytes(
    events: list[CalendarEvent], organizer: tuple[str, str] | None, stamp: datetime
) -> bytes:
    """``organizer``: (name, e-mail) of the cell, or None to write plain events."""
    calendar = Calendar()
    calendar.add("prodid", "-//casecell//planificateur de réunions//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if organizer is not None:
        cancelled = bool(events) and all(e.cancelled for e in events)
        calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(paris_timezone())
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start.astimezone(PARIS))
        event.add("dtend", item.end.astimezone(PARIS))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        if organizer is not None:
            event.add("organizer", _address(*organizer))
            for name, email in item.attendees:
                event.add(
                    "attendee",
                    _address(
                        name, email, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="TRUE"
                    ),
                )
        calendar.add_component(event)
    return bytes(calendar.to_ical())
