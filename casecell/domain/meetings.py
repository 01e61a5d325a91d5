"""Meetings of the cell, as far as the register needs them: when, what was on the agenda, who
came. The meeting planner builds recurrence, invitations and minutes on top of this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from casecell.i18n import _


class MeetingKind(StrEnum):
    PLENARY = "plenary"
    RESTRICTED = "restricted"
    EMERGENCY = "emergency"

    @property
    def label(self) -> str:
        return {
            MeetingKind.PLENARY: _("plenary meeting"),
            MeetingKind.RESTRICTED: _("restricted meeting"),
            MeetingKind.EMERGENCY: _("emergency meeting"),
        }[self]


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            MeetingStatus.PLANNED: _("planned"),
            MeetingStatus.HELD: _("held"),
            MeetingStatus.CANCELLED: _("cancelled"),
        }[self]


class ItemPurpose(StrEnum):
    NEW_REFERRAL = "new_referral"
    REVIEW = "review"
    FOLLOW_UP = "follow_up"

    @property
    def label(self) -> str:
        return {
            ItemPurpose.NEW_REFERRAL: _("new referral"),
            ItemPurpose.REVIEW: _("review"),
            ItemPurpose.FOLLOW_UP: _("follow-up"),
        }[self]


class Attendance(StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"
    REPRESENTED = "represented"

    @property
    def label(self) -> str:
        return {
            Attendance.PRESENT: _("present"),
            Attendance.EXCUSED: _("excused"),
            Attendance.ABSENT: _("absent"),
            Attendance.REPRESENTED: _("represented"),
        }[self]


@dataclass(frozen=True)
class AgendaItem:
    case_id: int
    position: int
    purpose: ItemPurpose


@dataclass(frozen=True)
class Meeting:
    id: int
    starts_at: datetime
    duration_minutes: int
    place: str
    kind: MeetingKind
    status: MeetingStatus
    items: tuple[AgendaItem, ...] = ()
