"""The meeting planner: plan (once, in a series, or in an emergency), build the agenda from
what is due, derive the invitations, warn of clashes, record attendance and notes live.

Times come in and go out as Paris wall-clock times; the vault stores UTC moments.
"""

from __future__ import annotations

from casecell.services.meetings.agenda import (
    ItemInput,
    ParticipationInput,
    add_proposal,
    propose_agenda,
    set_agenda,
    set_item_notes,
    set_participation,
    take_off_future_agendas,
)
from casecell.services.meetings.attendance import (
    AttendanceInput,
    ParticipantInput,
    add_participant,
    invite,
    record_attendance,
    remove_participant,
)
from casecell.services.meetings.common import (
    MEETING,
    ItemView,
    MeetingDetails,
    MeetingInput,
    get_meeting,
    now_in_paris,
)
from casecell.services.meetings.outputs import (
    PartnerCalendar,
    agenda_sheet,
    calendar_events,
    export_invitations,
    partner_calendars,
    partner_file,
    write_agenda_pdf,
    write_calendar,
    write_partner_calendars,
)
from casecell.services.meetings.planning import (
    PlanningContext,
    SeriesResult,
    list_meetings,
    plan_emergency,
    plan_meeting,
    plan_series,
    plan_warnings,
    planning_context,
    set_status,
    update_meeting,
)

__all__ = [
    "MEETING",
    "AttendanceInput",
    "ItemInput",
    "ItemView",
    "MeetingDetails",
    "MeetingInput",
    "ParticipantInput",
    "ParticipationInput",
    "PartnerCalendar",
    "PlanningContext",
    "SeriesResult",
    "add_participant",
    "add_proposal",
    "agenda_sheet",
    "calendar_events",
    "export_invitations",
    "get_meeting",
    "invite",
    "list_meetings",
    "now_in_paris",
    "partner_calendars",
    "partner_file",
    "plan_emergency",
    "plan_meeting",
    "plan_series",
    "plan_warnings",
    "planning_context",
    "propose_agenda",
    "record_attendance",
    "remove_participant",
    "set_agenda",
    "set_item_notes",
    "set_participation",
    "set_status",
    "take_off_future_agendas",
    "update_meeting",
    "write_agenda_pdf",
    "write_calendar",
    "write_partner_calendars",
]
