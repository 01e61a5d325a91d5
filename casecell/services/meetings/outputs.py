"""Outputs sent to every partner: references and pseudonyms, never names (agenda PDF, .ics)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from casecell.domain.audit import AuditAction
from casecell.domain.meetings import (
    MeetingStatus,
    to_utc,
)
from casecell.fileio import check_output, write_atomically
from casecell.i18n import _, date_in_words
from casecell.services.access import copy_for, refusals_audited
from casecell.services.context import Context

if TYPE_CHECKING:
    from casecell.documents.agenda_pdf import AgendaSheet
    from casecell.documents.calendar_ics import CalendarEvent

from casecell.services.meetings.common import (
    MEETING,
    MeetingDetails,
    get_meeting,
)

if TYPE_CHECKING:
    from casecell.documents.agenda_pdf import AgendaSheet
    from casecell.documents.calendar_ics import CalendarEvent


def _when(start: datetime, end: datetime) -> str:
    day = date_in_words(start.date(), "full")
    return f"{day}, {start:%H:%M}–{end:%H:%M}"


def _slots_text(windows: Sequence[tuple[datetime, datetime]]) -> str:
    return ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in windows)


def agenda_sheet(details: MeetingDetails) -> AgendaSheet:
    """What the convocation shows; built from the details, with no name of a person concerned."""
    # ReportLab and icalendar are imported when a document is made, not when the window opens
    # (together they cost ~200 ms of start-up).
    from casecell.documents.agenda_pdf import AgendaLine, AgendaSheet

    meeting, names, scrub = details.meeting, details.organisations, details.scrub
    contact = details.contacts.get

    def who(contact_id: int | None) -> str:
        found = contact(contact_id) if contact_id else None
        if found is None:
            return ""
        org = names.get(found.organisation_id)
        return f"{scrub(found.name)} ({org.name})" if org else scrub(found.name)

    by_case: dict[int, list[str]] = {}
    for invitation in details.invitations:
        for case_id in invitation.case_ids:
            by_case.setdefault(case_id, []).append(names[invitation.organisation_id].name)
    invited = tuple(
        (
            names[i.organisation_id].name,
            _("the whole meeting") if i.whole_meeting else _slots_text(i.windows),
        )
        for i in details.invitations
    )
    lines = tuple(
        AgendaLine(
            f"{item.starts:%H:%M}–{item.ends:%H:%M}",
            item.reference,
            item.pseudonym,
            item.purpose.label,
            ", ".join(sorted(by_case.get(item.case_id, []))),
        )
        for item in details.items
    )
    return AgendaSheet(
        cell=details.cell,
        heading=scrub(meeting.heading),
        when=_when(details.local_start, details.local_end),
        place=scrub(meeting.place),
        video_link=scrub(meeting.video_link),
        chair=who(meeting.chair_contact_id),
        secretary=who(meeting.secretary_contact_id),
        invited=invited,
        lines=lines,
        warnings=tuple(details.warnings),
        day=details.local_start.date(),
    )


@refusals_audited
def write_agenda_pdf(
    ctx: Context, meeting_id: int, target: Path, recipient_org_id: int | None = None
) -> MeetingDetails:
    """``casecell agenda``: the convocation PDF (audited as a print). The copy for an
    organisation, and any copy a member prints, lists that organisation's situations only."""
    check_output(target, ctx.vault.paths)
    scope = copy_for(ctx, recipient_org_id, MEETING, meeting_id)
    detail = "agenda" if recipient_org_id is None else f"agenda:org{recipient_org_id}"
    details = get_meeting(ctx, meeting_id, AuditAction.PRINT, detail, scope)
    _agenda_pdf(details, target)
    return details


def _agenda_pdf(details: MeetingDetails, target: Path) -> None:
    from casecell.documents.agenda_pdf import write_agenda

    write_agenda(agenda_sheet(details), target)


def _emails(details: MeetingDetails) -> dict[int, list[tuple[str, str]]]:
    """The addresses of the invited organisations' contacts, and of those added by hand."""
    emails: dict[int, list[tuple[str, str]]] = {}
    for c in details.contacts.values():
        if c.email:
            emails.setdefault(c.organisation_id, []).append((c.name, c.email))
    for participant in details.participants:  # people added by hand come too
        found = details.contacts.get(participant.contact_id or 0)
        if (
            found
            and found.email
            and (found.name, found.email) not in emails.get(found.organisation_id, [])
        ):
            emails.setdefault(found.organisation_id, []).append((found.name, found.email))
    return emails


def _agenda_lines(details: MeetingDetails) -> list[str]:
    return [
        f"{i.starts:%H:%M}–{i.ends:%H:%M} {i.reference} ({i.pseudonym}) — {i.purpose.label}"
        for i in details.items
    ]


def calendar_events(details: MeetingDetails) -> list[CalendarEvent]:
    """The meeting as one event, with every invited contact as a guest."""
    from casecell.documents.calendar_ics import CalendarEvent

    meeting, scrub = details.meeting, details.scrub
    url = scrub(meeting.video_link)
    lines = _agenda_lines(details)
    emails = _emails(details)
    attendees = tuple(a for i in details.invitations for a in emails.get(i.organisation_id, []))
    invited_contacts = {p.contact_id for p in details.participants if p.contact_id}
    attendees += tuple(
        (c.name, c.email)
        for c in details.contacts.values()
        if c.id in invited_contacts and c.email and (c.name, c.email) not in attendees
    )
    return [
        CalendarEvent(
            meeting.uid, meeting.starts_at, meeting.ends_at, scrub(meeting.heading),
            scrub(meeting.place) or url, "\n".join([_("Agenda:"), *lines]) if lines else "",
            tuple(dict.fromkeys(attendees)), url, meeting.sequence,
            meeting.status is MeetingStatus.CANCELLED,
        )
    ]  # fmt: skip


@dataclass(frozen=True)
class PartnerCalendar:
    organisation_id: int
    organisation: str
    events: list[CalendarEvent]


def partner_calendars(details: MeetingDetails) -> list[PartnerCalendar]:
    """For each invited organisation, its own events: the whole meeting, or the time slots
    of its situations (with those situations only). A partner's first event keeps the
    meeting's UID (the same meeting sent to other guests); a second slot of the same
    partner is another event of its own, ``UID-2``."""
    from casecell.documents.calendar_ics import CalendarEvent

    meeting, scrub = details.meeting, details.scrub
    heading, url = scrub(meeting.heading), scrub(meeting.video_link)
    location = scrub(meeting.place) or url
    lines = _agenda_lines(details)
    whole = "\n".join([_("Agenda:"), *lines]) if lines else ""
    emails = _emails(details)
    cancelled = meeting.status is MeetingStatus.CANCELLED
    found = []
    for invitation in details.invitations:
        org = details.organisations[invitation.organisation_id]
        events = []
        for n, (start, end) in enumerate(invitation.windows, start=1):
            mine = [
                line
                for line, item in zip(lines, details.items, strict=True)
                if item.case_id in invitation.case_ids and start <= item.starts < end
            ]
            text = (
                "\n".join([_("Agenda:"), *mine]) if mine and not invitation.whole_meeting else whole
            )
            events.append(
                CalendarEvent(
                    meeting.uid if n == 1 else f"{meeting.uid}-{n}",
                    to_utc(start), to_utc(end), heading, location, text,
                    tuple(emails.get(org.id, [])), url, meeting.sequence, cancelled,
                )
            )  # fmt: skip
        found.append(PartnerCalendar(org.id, org.name, events))
    return found


def _organizer(details: MeetingDetails) -> tuple[str, str] | None:
    return (details.cell, details.organiser) if details.organiser else None


def write_calendar(ctx: Context, meeting_id: int, target: Path) -> MeetingDetails:
    """``casecell ics``: the RFC 5545 invitation of the whole meeting (audited as an export)."""
    check_output(target, ctx.vault.paths)
    details = get_meeting(ctx, meeting_id, AuditAction.EXPORT, "ics")
    _calendar_file(details, target, ctx.clock())
    return details


def partner_file(target: Path, organisation_id: int) -> Path:
    """Where a partner's own .ics goes: ``FILE-org12.ics`` beside ``FILE.ics`` (a number, not
    a name: no name goes into a file name)."""
    return target.with_name(f"{target.stem}-org{organisation_id}{target.suffix or '.ics'}")


def write_partner_calendars(
    ctx: Context, meeting_id: int, target: Path
) -> tuple[MeetingDetails, list[tuple[Path, str]]]:
    """``casecell ics --per-partner``: one file per invited organisation, holding its own
    slots only, named after ``target`` (see :func:`partner_file`). Returns the files with
    the organisation each is for."""
    from casecell.documents.calendar_ics import calendar_bytes

    check_output(target, ctx.vault.paths)
    details = get_meeting(ctx, meeting_id, AuditAction.EXPORT, "ics:per-partner")
    written = []
    for calendar in partner_calendars(details):
        path = partner_file(target, calendar.organisation_id)
        check_output(path, ctx.vault.paths)
        write_atomically(path, calendar_bytes(calendar.events, _organizer(details), ctx.clock()))
        written.append((path, calendar.organisation))
    return details, written


def _calendar_file(details: MeetingDetails, target: Path, stamp: datetime) -> None:
    from casecell.documents.calendar_ics import calendar_bytes

    write_atomically(target, calendar_bytes(calendar_events(details), _organizer(details), stamp))


def export_invitations(ctx: Context, meeting_id: int, folder: Path) -> tuple[Path, Path]:
    """The .ics and the agenda PDF, side by side in ``folder`` (the desktop's "export"), from
    one read of the meeting."""
    details = get_meeting(ctx, meeting_id, AuditAction.EXPORT, "ics+agenda")
    stem = f"reunion-{details.local_start:%Y-%m-%d-%Hh%M}"
    ics, pdf = folder / f"{stem}.ics", folder / f"{stem}-ordre-du-jour.pdf"
    for target in (ics, pdf):
        check_output(target, ctx.vault.paths)
    _calendar_file(details, ics, ctx.clock())
    _agenda_pdf(details, pdf)
    return ics, pdf
