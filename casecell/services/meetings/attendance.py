"""Invitations and attendance: who is invited, who came, who was represented."""

from __future__ import annotations

from dataclasses import dataclass

from casecell.domain.meetings import (
    Attendance,
    MeetingStatus,
    Participant,
    check_attendance,
)
from casecell.domain.register import clean_line
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services.context import Context
from casecell.services.meetings.common import (
    _audit,
    _details,
    _editable,
)
from casecell.services.minutes import check_editable


def invite(ctx: Context, meeting_id: int) -> list[Participant]:
    """Turn the derived invitations into participants: every contact of each invited
    organisation (or the organisation itself when it has none). Those already there stay."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    with ctx.writing() as uow:
        meeting = _editable(uow, meeting_id)
        details = _details(uow, meeting)
        present = {(p.organisation_id, p.contact_id) for p in details.participants}
        for invitation in details.invitations:
            org_id = invitation.organisation_id
            contact_ids: list[int | None] = [
                c.id for c in details.contacts.values() if c.organisation_id == org_id
            ]
            for contact_id in contact_ids or [None]:
                key = (org_id, contact_id)
                if key not in present:
                    uow.meetings.add_participant(
                        meeting_id=meeting_id, organisation_id=org_id, contact_id=key[1]
                    )
                    present.add(key)
        _audit(uow, ctx, meeting_id, "invited")
        participants = uow.meetings.participants(meeting_id)
        uow.commit()
    return participants


@dataclass(frozen=True)
class ParticipantInput:
    organisation_id: int | None = None
    contact_id: int | None = None
    name: str = ""
    observer: bool = False


def add_participant(ctx: Context, meeting_id: int, data: ParticipantInput) -> Participant:
    """Someone more: a contact, or a named person (an observer, a trainee…)."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    name = clean_line(data.name, _("The name"), limit=200)
    with ctx.writing() as uow:
        _editable(uow, meeting_id)
        org_id = data.organisation_id
        if data.contact_id is not None:
            contact = uow.contacts.get(data.contact_id)
            if contact is None:
                raise ValidationError(_("Unknown contact."))
            org_id = contact.organisation_id
        elif org_id is not None and uow.organisations.get(org_id) is None:
            raise ValidationError(_("Unknown organisation."))
        if org_id is None and not name:
            raise ValidationError(_("Choose a contact or give the person's name."))
        participant = uow.meetings.add_participant(
            meeting_id=meeting_id,
            organisation_id=org_id,
            contact_id=data.contact_id,
            name=name,
            observer=data.observer,
        )
        _audit(uow, ctx, meeting_id, f"participant:{participant.id}")
        uow.commit()
    return participant


@dataclass(frozen=True)
class AttendanceInput:
    attendance: Attendance | None
    information_sent: bool = False
    represented_by: str = ""
    undertaking_signed: bool = False


def record_attendance(ctx: Context, participant_id: int, data: AttendanceInput) -> Participant:
    """Present, excused (information sent or not), absent, represented by; the undertaking."""
    require(ctx.user, Permission.WRITE_CASES)
    represented_by = clean_line(data.represented_by, _("Represented by"), limit=200)
    check_attendance(data.attendance, represented_by)
    with ctx.writing() as uow:
        participant = uow.meetings.participant(participant_id)
        if participant is None:
            raise ValidationError(_("Unknown participant."))
        meeting = _editable(uow, participant.meeting_id)
        if meeting.status is MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting is cancelled."))
        updated = uow.meetings.update_participant(
            participant_id,
            attendance=data.attendance.value if data.attendance else None,
            information_sent=data.information_sent and data.attendance is Attendance.EXCUSED,
            represented_by=represented_by,
            undertaking_signed=data.undertaking_signed,
        )
        _audit(uow, ctx, meeting.id, f"attendance:{participant_id}")
        uow.commit()
    return updated


def remove_participant(ctx: Context, participant_id: int) -> None:
    require(ctx.user, Permission.PLAN_MEETINGS)
    with ctx.writing() as uow:
        participant = uow.meetings.participant(participant_id)
        if participant is None:
            raise ValidationError(_("Unknown participant."))
        check_editable(uow, participant.meeting_id)
        uow.meetings.remove_participant(participant_id)
        _audit(uow, ctx, participant.meeting_id, f"removed:{participant_id}")
        uow.commit()
