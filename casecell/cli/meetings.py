"""Meetings and their documents: meetings, ics, agenda, minutes."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

from casecell.bootstrap import Bootstrap
from casecell.cli.console import (
    Console,
    UsageError,
    organisation_id,
    session,
)
from casecell.domain.cases import SharingBlock
from casecell.domain.meetings import (
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    PersonParticipation,
)
from casecell.domain.minutes import Variant
from casecell.errors import EXIT_OK, ValidationError
from casecell.i18n import _, ngettext
from casecell.services import (
    cases,
    meetings,
    minutes,
)
from casecell.services.context import Context
from casecell.services.meetings import MeetingInput


def cmd_meetings(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with session(args, console, boot) as ctx:
        if args.meetings_command == "list":
            start = args.start or ctx.today()
            end = args.end or start + timedelta(days=92)
            for meeting in meetings.list_meetings(ctx, start, end):
                console.print(_meeting_line(meeting))
            return EXIT_OK
        if args.meetings_command == "plan":
            return _plan(args, console, ctx)
        if args.meetings_command == "participation":
            return _participation(args, console, ctx)
        if args.meetings_command == "held":
            meeting = meetings.set_status(ctx, args.meeting, MeetingStatus.HELD)
            console.print(_("Meeting {id} marked held.").format(id=meeting.id))
            console.print(_meeting_line(meeting))
            return EXIT_OK
        if args.meetings_command == "attendance":
            return _attendance(args, console, ctx)
        if args.meetings_command == "notes":
            return _notes(args, console, ctx)
        proposal = meetings.propose_agenda(ctx, args.meeting)
        for candidate in proposal.items:
            console.print(
                f"{candidate.reference}\t{candidate.pseudonym}\t{candidate.purpose.label}\t"
                + " ; ".join(candidate.reasons)
            )
        if proposal.left_out:
            print(
                ngettext(
                    "{count} more situation due did not fit in the meeting's time.",
                    "{count} more situations due did not fit in the meeting's time.",
                    len(proposal.left_out),
                ).format(count=len(proposal.left_out)),
                file=console.err,
            )
        for candidate in proposal.refused:
            print(
                _("{reference}: sharing not allowed, left out.").format(
                    reference=candidate.reference
                ),
                file=console.err,
            )
        if args.apply:
            warning = meetings.add_proposal(ctx, args.meeting, proposal.items)
            console.print(
                ngettext(
                    "{count} item added to the agenda.",
                    "{count} items added to the agenda.",
                    len(proposal.items),
                ).format(count=len(proposal.items))
            )
            if warning:
                print(warning, file=console.err)
    return EXIT_OK


def _participation(args: argparse.Namespace, console: Console, ctx: Context) -> int:
    case_id = cases.case_id_of(ctx, args.reference)
    status = None if args.status == "none" else PersonParticipation(args.status)
    data = meetings.ParticipationInput(status, args.represented_by, args.words)
    meetings.set_participation(ctx, args.meeting, case_id, data)
    console.print(
        _("Participation of the person recorded for {reference} (meeting {id}).").format(
            reference=args.reference.strip(), id=args.meeting
        )
    )
    return EXIT_OK


def _attendance(args: argparse.Namespace, console: Console, ctx: Context) -> int:
    details = meetings.get_meeting(ctx, args.meeting)
    if args.participant is not None:
        found = [p for p in details.participants if p.id == args.participant]
        if not found:
            raise ValidationError(_("Unknown participant."))
        participant = found[0]
    else:
        org_id = organisation_id(ctx, args.organisation)
        found = [p for p in details.participants if p.organisation_id == org_id]
        if len(found) > 1:
            names = ", ".join(f"{p.id} ({_participant_name(details, p)})" for p in found)
            raise ValidationError(
                _(
                    "Several participants of this organisation: give --participant, one of {list}."
                ).format(list=names)
            )
        participant = (
            found[0]
            if found
            else meetings.add_participant(
                ctx, args.meeting, meetings.ParticipantInput(organisation_id=org_id)
            )
        )
    status = Attendance.REPRESENTED if args.represented_by else Attendance(args.attendance)
    data = meetings.AttendanceInput(
        status,
        information_sent=args.information_sent or participant.information_sent,
        represented_by=args.represented_by or "",
        undertaking_signed=args.undertaking_signed or participant.undertaking_signed,
    )
    meetings.record_attendance(ctx, participant.id, data)
    console.print(
        _("{name}: {attendance} (meeting {id}).").format(
            name=_participant_name(details, participant), attendance=status.label, id=args.meeting
        )
    )
    return EXIT_OK


def _participant_name(details: meetings.MeetingDetails, participant: Participant) -> str:
    organisation = details.organisations.get(participant.organisation_id or 0)
    contact = details.contacts.get(participant.contact_id or 0)
    parts = [
        organisation.name if organisation else "",
        contact.name if contact else participant.name,
    ]
    return " — ".join(p for p in parts if p) or str(participant.id)


def _notes(args: argparse.Namespace, console: Console, ctx: Context) -> int:
    if args.text is None and args.decisions is None:
        raise UsageError(_("casecell meetings notes: give --text and/or --decisions."))
    case_id = cases.case_id_of(ctx, args.reference)
    text = args.text
    if text is None:  # the decisions alone: the summary stays as it is
        details = meetings.get_meeting(ctx, args.meeting)
        text = next((i.notes for i in details.items if i.case_id == case_id), "")
    meetings.set_item_notes(ctx, args.meeting, case_id, text, args.decisions)
    console.print(
        _("Notes recorded for {reference} (meeting {id}).").format(
            reference=args.reference.strip(), id=args.meeting
        )
    )
    return EXIT_OK


def _meeting_line(meeting: Meeting) -> str:
    start = meeting.local_start
    return "\t".join(
        [
            str(meeting.id),
            f"{start:%d/%m/%Y %H:%M}",
            meeting.kind.label,
            meeting.status.label,
            meeting.heading,
            meeting.place or meeting.video_link,
            ngettext("{n} item", "{n} items", len(meeting.items)).format(n=len(meeting.items)),
        ]
    )


def _plan(args: argparse.Namespace, console: Console, ctx: Context) -> int:
    data = MeetingInput(
        args.start, args.duration, args.place, MeetingKind(args.kind), args.title, args.video
    )
    # Told once it is planned, but checked before (the new meeting does not clash with itself).
    warnings = meetings.plan_warnings(
        ctx, data, args.repeat, args.count, args.until, not args.keep_holidays
    )
    code = _plan_checked(args, console, ctx, data)
    for warning in warnings:
        print(f"⚠ {warning}", file=console.err)
    return code


def _plan_checked(
    args: argparse.Namespace, console: Console, ctx: Context, data: MeetingInput
) -> int:
    if args.emergency:
        meeting = meetings.plan_emergency(ctx, cases.case_id_of(ctx, args.emergency), data)
        console.print(_("Meeting {id} planned.").format(id=meeting.id))
        console.print(_meeting_line(meeting))
        return EXIT_OK
    if not args.repeat:
        meeting = meetings.plan_meeting(ctx, data)
        console.print(_("Meeting {id} planned.").format(id=meeting.id))
        console.print(_meeting_line(meeting))
        return EXIT_OK
    result = meetings.plan_series(
        ctx, data, args.repeat, args.count, args.until, skip_holidays=not args.keep_holidays
    )
    for meeting in result.meetings:
        console.print(_meeting_line(meeting))
    for day, name in result.skipped:
        print(
            _("{day}: public holiday ({name}), no meeting.").format(
                day=day.strftime("%d/%m/%Y"), name=name
            ),
            file=console.err,
        )
    console.print(
        ngettext("{n} meeting planned.", "{n} meetings planned.", len(result.meetings)).format(
            n=len(result.meetings)
        )
    )
    return EXIT_OK


def cmd_ics(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with session(args, console, boot) as ctx:
        if args.per_partner:
            details, written = meetings.write_partner_calendars(
                ctx, args.meeting, Path(args.output)
            )
            for path, organisation in written:
                console.print(f"{path}\t{organisation}")
            if not written:
                print(_("No partner is invited to this meeting."), file=console.err)
        else:
            details = meetings.write_calendar(ctx, args.meeting, Path(args.output))
            console.print(_("Invitations written to {path}.").format(path=args.output))
    if not details.organiser:
        print(
            _(
                "No organiser address is set (casecell settings --organiser-email): the file "
                "holds plain events, without guests, that partners cannot answer."
            ),
            file=console.err,
        )
    for warning in details.warnings:
        print(f"⚠ {warning}", file=console.err)
    return EXIT_OK


def cmd_agenda(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with session(args, console, boot) as ctx:
        recipient = organisation_id(ctx, args.recipient) if args.recipient else None
        details = meetings.write_agenda_pdf(ctx, args.meeting, Path(args.output), recipient)
    console.print(
        ngettext(
            "Agenda written to {path} ({count} item).",
            "Agenda written to {path} ({count} items).",
            len(details.items),
        ).format(path=args.output, count=len(details.items))
    )
    for warning in details.warnings:
        print(f"⚠ {warning}", file=console.err)
    return EXIT_OK


def cmd_minutes(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    if not (args.output or args.validate or args.new_version):
        raise UsageError(_("casecell minutes: give -o FILE.pdf, --validate or --new-version."))
    with session(args, console, boot) as ctx:
        if args.new_version:
            opened = minutes.new_version(ctx, args.meeting, args.new_version)
            console.print(_("Version {version} opened.").format(version=opened.version))
        if args.validate:
            done = minutes.validate_minutes(ctx, args.meeting)
            console.print(_("Minutes validated (version {version}).").format(version=done.version))
        if args.output:
            variant = Variant.PSEUDONYMISED if args.pseudonymised else Variant.NOMINATIVE
            recipient = organisation_id(ctx, args.recipient) if args.recipient else None
            view = minutes.write_minutes(
                ctx, args.meeting, Path(args.output), variant, args.minutes_version, recipient,
                args.mask,
            )  # fmt: skip
            console.print(
                _("Minutes written to {path} ({variant}, version {version}, {status}).").format(
                    path=args.output,
                    variant=variant.label,
                    version=view.version,
                    status=view.status.label,
                )
            )
            for reference, block in view.withheld:
                print(
                    _("⚠ {reference} left out of this copy: {reason}.").format(
                        reference=reference, reason=SharingBlock(block).label
                    ),
                    file=console.err,
                )
            if variant is Variant.PSEUDONYMISED:
                _words_to_confirm(console, view.to_confirm, args.show_words)
    return EXIT_OK


def _words_to_confirm(console: Console, words: tuple[str, ...], show: bool) -> None:
    """How many words of the pseudonymised copy may still be names (the words themselves
    only when asked: they may be names)."""
    console.print(
        ngettext(
            "{n} word to confirm before this copy leaves the cell (it may be a name).",
            "{n} words to confirm before this copy leaves the cell (they may be names).",
            len(words),
        ).format(n=len(words))
    )
    if words and show:
        for word in words:
            console.print(f"  {word}")
    elif words:
        console.print(
            _("See them with --show-words; withhold one with --mask WORD, or in the window.")
        )
