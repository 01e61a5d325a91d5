"""Planning meetings: once, in a series, in an emergency; changing, cancelling, listing; warnings
before planning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from casecell.domain.cases import EventKind
from casecell.domain.meetings import (
    EMERGENCY_WITHIN_DAYS,
    AgendaItem,
    Busy,
    ItemPurpose,
    Meeting,
    MeetingKind,
    MeetingStatus,
    occurrences,
    parse_local,
    public_holiday,
    to_utc,
    warnings_for_plan,
)
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services import settings
from casecell.services.context import Context
from casecell.services.meetings.common import (
    MeetingInput,
    _audit,
    _check_contacts,
    _check_discussable,
    _day_start,
    _fields,
    _only_visible,
    _revised,
)
from casecell.services.minutes import load_meeting as _load


@dataclass(frozen=True)
class SeriesResult:
    meetings: list[Meeting]
    skipped: list[tuple[date, str]]  # public holidays left out, with their names


def plan_meeting(ctx: Context, data: MeetingInput) -> Meeting:
    require(ctx.user, Permission.PLAN_MEETINGS)
    fields = _fields(data)
    with ctx.writing() as uow:
        _check_contacts(uow, data.chair_contact_id, data.secretary_contact_id)
        meeting = uow.meetings.add(status=MeetingStatus.PLANNED.value, **fields)
        _audit(uow, ctx, meeting.id, "planned")
        uow.commit()
    return meeting


def plan_series(
    ctx: Context,
    data: MeetingInput,
    rule: str,
    count: int | None = None,
    until: date | None = None,
    skip_holidays: bool = True,
) -> SeriesResult:
    """A year of meetings in one go, e.g. ``monthly_rule(1, 2)`` (2nd Tuesday) at 14:00;
    public holidays are left out (and listed) unless ``skip_holidays`` is False."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    first = parse_local(data.start)
    first_local = first.strftime("%Y-%m-%dT%H:%M")
    starts = occurrences(rule, first_local, count=count, until=until)
    if not starts:
        raise ValidationError(_("This recurrence gives no meeting."))
    base = _fields(data)
    created: list[Meeting] = []
    with ctx.writing() as uow:
        region = settings.holiday_region_in(uow)
        skipped = [(s.date(), public_holiday(s.date(), region) or "") for s in starts]
        skipped = [(day, name) for day, name in skipped if name] if skip_holidays else []
        off = {day for day, _name in skipped}
        _check_contacts(uow, data.chair_contact_id, data.secretary_contact_id)
        series = uow.meetings.add_series(rule.strip().upper().removeprefix("RRULE:"), first_local)
        for start in starts:
            if start.date() in off:
                continue
            fields = {**base, "starts_at": to_utc(start), "series_id": series.id}
            created.append(uow.meetings.add(status=MeetingStatus.PLANNED.value, **fields))
        _audit(uow, ctx, created[0].id if created else 0, f"series:{series.id}:{len(created)}")
        uow.commit()
    return SeriesResult(created, skipped)


@dataclass(frozen=True)
class PlanningContext:
    """What the planning dialog checks a meeting against as it is typed: the meetings of
    the years around, the cell's holiday region, the time it is."""

    busy: list[Busy]
    region: str
    now: datetime


def planning_context(ctx: Context) -> PlanningContext:
    require(ctx.user, Permission.PLAN_MEETINGS)
    now = ctx.clock()
    with ctx.reading() as uow:
        busy = uow.meetings.busy(now - timedelta(days=366), now + timedelta(days=3 * 366))
        return PlanningContext(busy, settings.holiday_region_in(uow), now)


def plan_warnings(
    ctx: Context,
    data: MeetingInput,
    rule: str | None = None,
    count: int | None = None,
    until: date | None = None,
    skip_holidays: bool = True,
) -> list[str]:
    """What to tell before planning ``data`` (once, or as ``rule`` says): a date in the past,
    a public holiday (the cell's region's too) not left out, the place already taken."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    fields = _fields(data)
    with ctx.reading() as uow:
        region = settings.holiday_region_in(uow)
        if rule:
            local = occurrences(rule, parse_local(data.start).strftime("%Y-%m-%dT%H:%M"),
                                count=count, until=until)  # fmt: skip
            if skip_holidays:
                local = [s for s in local if not public_holiday(s.date(), region)]
            starts = [to_utc(s) for s in local]
        else:
            start = fields["starts_at"]
            assert isinstance(start, datetime)
            starts = [start]
        if not starts:
            return []
        length = timedelta(minutes=data.duration_minutes)
        busy = uow.meetings.busy(min(starts), max(starts) + length)
        place = fields["place"]
        assert isinstance(place, str)
        return warnings_for_plan(starts, data.duration_minutes, place, busy, ctx.clock(), region)


def plan_emergency(ctx: Context, case_id: int, data: MeetingInput) -> Meeting:
    """A restricted meeting on one urgent situation, within a few days."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    fields = _fields(data)
    fields["kind"] = MeetingKind.EMERGENCY.value
    start = fields["starts_at"]
    assert isinstance(start, datetime)
    now = ctx.clock()
    if not now - timedelta(hours=1) <= start <= now + timedelta(days=EMERGENCY_WITHIN_DAYS):
        raise ValidationError(
            _("An emergency meeting takes place within {days} days.").format(
                days=EMERGENCY_WITHIN_DAYS
            )
        )
    with ctx.writing() as uow:
        _check_contacts(uow, data.chair_contact_id, data.secretary_contact_id)
        case = uow.cases.get(case_id)
        if case is None:
            raise ValidationError(_("Unknown situation."))
        _check_discussable(case.reference, case.sharing.block, case.status)
        meeting = uow.meetings.add(status=MeetingStatus.PLANNED.value, **fields)
        uow.meetings.set_items(
            meeting.id, [AgendaItem(case_id, 1, ItemPurpose.REVIEW, data.duration_minutes)]
        )
        _audit(uow, ctx, meeting.id, f"emergency:{case_id}")
        meeting = _load(uow, meeting.id)  # with its one item
        uow.commit()
    return meeting


def update_meeting(ctx: Context, meeting_id: int, data: MeetingInput) -> Meeting:
    require(ctx.user, Permission.PLAN_MEETINGS)
    fields = _fields(data)
    with ctx.writing() as uow:
        meeting = _load(uow, meeting_id)
        if meeting.status is not MeetingStatus.PLANNED:
            raise ValidationError(_("Only a planned meeting can be changed."))
        _check_contacts(uow, data.chair_contact_id, data.secretary_contact_id)
        if any(getattr(meeting, k) != v for k, v in fields.items()):
            _revised(uow, meeting)
        uow.meetings.update(meeting_id, **fields)
        _audit(uow, ctx, meeting_id, "edited")
        meeting = _load(uow, meeting_id)
        uow.commit()
    return meeting


def set_status(ctx: Context, meeting_id: int, status: MeetingStatus) -> Meeting:
    """Held (once it has started) or cancelled (while planned)."""
    require(ctx.user, Permission.PLAN_MEETINGS)
    with ctx.writing() as uow:
        meeting = _load(uow, meeting_id)
        if meeting.status is not MeetingStatus.PLANNED:
            raise ValidationError(
                _("This meeting is already {status}.").format(status=meeting.status.label)
            )
        if status is MeetingStatus.HELD and meeting.starts_at > ctx.clock():
            raise ValidationError(_("A meeting can be marked held once it has started."))
        uow.meetings.update(meeting_id, status=status.value)
        if status is MeetingStatus.CANCELLED:
            _revised(uow, meeting)
        if status is MeetingStatus.HELD:
            for item in meeting.items:
                uow.events.add(
                    item.case_id, ctx.clock(), ctx.user.id, EventKind.MEETING_REVIEW, "", ""
                )
            uow.session.flush()
        _audit(uow, ctx, meeting_id, status.value)
        meeting = _load(uow, meeting_id)
        uow.commit()
    return meeting


def list_meetings(ctx: Context, start: date, end: date) -> list[Meeting]:
    """Meetings from ``start`` to ``end`` included (Paris days), with their agendas' ids."""
    require(ctx.user, Permission.READ_NOMINATIVE)
    with ctx.reading() as uow:
        found = uow.meetings.between(_day_start(start), _day_start(end + timedelta(days=1)))
        if ctx.scope.restricted:
            found = [_only_visible(uow, m, ctx.scope) for m in found]
        return found
