"""Invitations as iCalendar (RFC 5545) that Outlook and Thunderbird import.

Times are written in Europe/Paris with the VTIMEZONE included, so a client anywhere shows the
meeting at the right hour across clock changes. Events carry references and pseudonyms only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

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


def calendar_bytes(
    events: list[CalendarEvent], organizer: tuple[str, str], stamp: datetime
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//casecell//planificateur de réunions//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if events and all(e.cancelled for e in events) else "REQUEST")
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
        event.add("organizer", _address(*organizer))
        for name, email in item.attendees:
            event.add(
                "attendee",
                _address(name, email, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="TRUE"),
            )
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
