"""Meetings of the cell: when (Paris wall-clock time, recurrences), the agenda and its time
slots, who is invited for which part, who came, and what clashes. Pure rules, no I/O."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from casecell.compat import UTC, StrEnum
from casecell.domain.dates import check_in_range
from casecell.domain.nomenclatures import Urgency
from casecell.domain.text import fold
from casecell.errors import ValidationError
from casecell.i18n import _, current_language, ngettext

PARIS = ZoneInfo("Europe/Paris")
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
MAX_OCCURRENCES = 120  # ten years of monthly meetings
HORIZON_YEARS = 10  # a rule that never matches stops looking here
EMERGENCY_WITHIN_DAYS = 7


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


class PersonParticipation(StrEnum):
    """How the person concerned took part in the review of their situation (DOMAIN.md: in a
    CLSM cell the person is informed beforehand and may attend)."""

    NOT_INFORMED = "not_informed"
    INFORMED = "informed"
    ATTENDED = "attended"
    HEARD_THROUGH_PROFESSIONAL = "heard_through_professional"
    REPRESENTED = "represented"

    @property
    def label(self) -> str:
        return {
            PersonParticipation.NOT_INFORMED: _("not informed of the review"),
            PersonParticipation.INFORMED: _("informed of the review, did not attend"),
            PersonParticipation.ATTENDED: _("attended the review"),
            PersonParticipation.HEARD_THROUGH_PROFESSIONAL: _("heard through a professional"),
            PersonParticipation.REPRESENTED: _("represented"),
        }[self]


ITEM_MINUTES = {ItemPurpose.NEW_REFERRAL: 15, ItemPurpose.FOLLOW_UP: 10, ItemPurpose.REVIEW: 10}
_PURPOSE_ORDER = {ItemPurpose.NEW_REFERRAL: 0, ItemPurpose.FOLLOW_UP: 1, ItemPurpose.REVIEW: 2}


# -- time --------------------------------------------------------------------------------------
def parse_local(text: str) -> datetime:
    """A Paris wall-clock time typed as ``2027-01-12T14:00`` or ``12/01/2027 14:00``."""
    cleaned = " ".join(text.strip().replace("T", " ").split())
    for pattern in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y %Hh"):
        try:
            parsed = datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
        return check_in_range(parsed, text.strip())
    raise ValidationError(
        _("Unreadable date and time “{text}”: write it as 12/01/2027 14:00.").format(text=text[:40])
    )


def to_utc(local: datetime) -> datetime:
    """The moment a Paris wall-clock time names; refuses the hour skipped in March."""
    aware = local.replace(tzinfo=PARIS)
    moment = aware.astimezone(UTC)
    if moment.astimezone(PARIS).replace(tzinfo=None) != local:
        raise ValidationError(
            _("{time} does not exist in Paris that day (clocks go forward).").format(
                time=local.strftime("%d/%m/%Y %H:%M")
            )
        )
    return moment


def in_paris(moment: datetime) -> datetime:
    """The Paris wall-clock time of an aware moment (naive)."""
    return moment.astimezone(PARIS).replace(tzinfo=None)


# -- recurrence ----------------------------------------------------------------------------------
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def monthly_rule(weekday: int, *nths: int) -> str:
    """``monthly_rule(1, 2)``: the 2nd Tuesday of each month (weekday 0 = Monday, -1 = last)."""
    if not nths or not 0 <= weekday <= 6 or any(n == 0 or not -1 <= n <= 4 for n in nths):
        raise ValidationError(
            _("Choose the weekday and which ones of the month (1st to 4th, or last).")
        )
    return "FREQ=MONTHLY;BYDAY=" + ",".join(f"{n:+d}{_WEEKDAYS[weekday]}" for n in nths)


def weekly_rule(interval: int = 1) -> str:
    if not 1 <= interval <= 8:
        raise ValidationError(_("Every 1 to 8 weeks."))
    return f"FREQ=WEEKLY;INTERVAL={interval}"


def occurrences(
    rule: str,
    first_local: str,
    count: int | None = None,
    until: date | None = None,
    skip: Iterable[date] = (),
) -> list[datetime]:
    """The Paris wall-clock starts of an RFC 5545 ``rule`` from ``first_local`` (same time of
    day every time, whatever the clock change), at most ``count`` or up to ``until``."""
    first = parse_local(first_local)
    text = rule.strip().upper().removeprefix("RRULE:")
    if not text.startswith("FREQ=") or any(f in text for f in ("SECONDLY", "MINUTELY", "HOURLY")):
        raise ValidationError(_("Unknown recurrence “{rule}”.").format(rule=rule[:80]))
    if "COUNT=" in text or "UNTIL=" in text:  # given apart, so the horizon below holds
        raise ValidationError(_("Unknown recurrence “{rule}”.").format(rule=rule[:80]))
    horizon = first.replace(year=first.year + HORIZON_YEARS, day=min(first.day, 28))
    if until is not None:
        horizon = min(horizon, datetime.combine(until, first.time()))
    skipped = set(skip)
    found: list[datetime] = []
    try:
        parsed = rrulestr(f"RRULE:{text}", dtstart=first)
        if not isinstance(parsed, rrule):
            raise ValueError("not a single rule")
        recurrence = parsed.replace(until=horizon)
        for start in recurrence:
            if start.date() not in skipped:
                found.append(start)
            if len(found) >= min(count or MAX_OCCURRENCES, MAX_OCCURRENCES):
                break
    except (ValueError, TypeError, IndexError, KeyError) as exc:  # dateutil's parse errors
        raise ValidationError(_("Unknown recurrence “{rule}”.").format(rule=rule[:80])) from exc
    return found


def describe_rule(rule: str) -> str:
    """A rule made by :func:`monthly_rule` or :func:`weekly_rule`, in words."""
    parts = dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)
    names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
             _("Saturday"), _("Sunday")]  # fmt: skip
    if parts.get("FREQ") == "MONTHLY" and "BYDAY" in parts:
        days = []
        for day in parts["BYDAY"].split(","):
            nth, code = int(day[:-2] or "1"), day[-2:]
            rank = (
                _("last")
                if nth == -1
                else {1: _("1st"), 2: _("2nd"), 3: _("3rd")}.get(nth, _("{n}th").format(n=nth))
            )
            days.append(f"{rank} {names[_WEEKDAYS.index(code)].lower()}")
        return _("the {days} of each month").format(days=_(" and ").join(days))
    if parts.get("FREQ") == "WEEKLY":
        interval = int(parts.get("INTERVAL", "1"))
        return _("every week") if interval == 1 else _("every {n} weeks").format(n=interval)
    return rule


# -- public holidays ---------------------------------------------------------------------------
# The parts of France with public holidays of their own, by the code of the ``holidays``
# library (``holidays.France.subdivisions``), with their names and the other ways of writing
# them a coordinator may type. "" is the rest of France: national holidays only.
HOLIDAY_REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "57": ("Moselle (57)", ("moselle",)),
    "6AE": ("Alsace — Bas-Rhin (67) et Haut-Rhin (68)", ("67", "68", "alsace")),
    "971": ("Guadeloupe (971)", ("gp", "gua", "guadeloupe")),
    "972": ("Martinique (972)", ("mq", "martinique")),
    "973": ("Guyane (973)", ("gy", "gf", "guyane")),
    "974": ("La Réunion (974)", ("re", "lre", "reunion", "la reunion")),
    "976": ("Mayotte (976)", ("yt", "may", "mayotte")),
    "BL": ("Saint-Barthélemy", ("saint-barthelemy",)),
    "MF": ("Saint-Martin", ("saint-martin",)),
    "NC": ("Nouvelle-Calédonie", ("nouvelle-caledonie",)),
    "PF": ("Polynésie française", ("polynesie francaise",)),
    "PM": ("Saint-Pierre-et-Miquelon", ("saint-pierre-et-miquelon",)),
    "TF": ("Terres australes et antarctiques françaises", ("taaf",)),
    "WF": ("Wallis-et-Futuna", ("wallis-et-futuna",)),
}


def region_label(code: str) -> str:
    """A holiday region in words ("" : metropolitan France)."""
    if not code:
        return _("metropolitan France (national public holidays only)")
    return HOLIDAY_REGIONS[code][0]


def holiday_region(text: str) -> str:
    """The code of the region a coordinator typed: a code ("57", "974"), a département of
    Alsace ("67"), a usual abbreviation ("RE") or a name ("La Réunion"); "" or "FR" for
    metropolitan France."""
    key = fold(text).strip().replace("’", "'")
    if key in ("", "fr", "france", "metropole"):
        return ""
    for code, (_label, aliases) in HOLIDAY_REGIONS.items():
        if key == code.lower() or key in aliases:
            return code
    raise ValidationError(
        _("Unknown holiday region “{text}”: give one of {codes}, or FR.").format(
            text=text[:40], codes=", ".join(HOLIDAY_REGIONS)
        )
    )


@functools.lru_cache(maxsize=64)
def _holidays(year: int, language: str, region: str) -> dict[date, str]:
    import holidays  # on first use: its country tables cost ~25 ms of start-up

    calendar = holidays.country_holidays("FR", subdiv=region or None, years=year, language=language)
    return dict(calendar.items())


def holidays_between(start: date, end: date, region: str = "") -> dict[date, str]:
    """French public holidays from ``start`` to ``end`` included, with their names (those of
    ``region`` too: Good Friday in Alsace-Moselle, the abolition of slavery overseas…)."""
    language = "fr" if current_language() == "fr" else "en_US"
    found: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        found.update(
            (day, name)
            for day, name in _holidays(year, language, region).items()
            if start <= day <= end
        )
    return found


def public_holiday(day: date, region: str = "") -> str | None:
    """The public holiday on ``day`` in France (and in ``region``), its name, if any."""
    language = "fr" if current_language() == "fr" else "en_US"
    return _holidays(day.year, language, region).get(day)


# -- the meeting ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgendaItem:
    case_id: int
    position: int
    purpose: ItemPurpose
    slot_minutes: int = 10
    notes: str = ""  # what was said (the summary in the minutes)
    decisions: str = ""
    participation: PersonParticipation | None = None  # None until recorded
    represented_by: str = ""  # who represented the person (with ``REPRESENTED``)
    person_words: str = ""  # the person's own words on the decisions, as reported


@dataclass(frozen=True)
class Meeting:
    id: int
    starts_at: datetime  # aware (UTC in the vault)
    duration_minutes: int
    place: str
    kind: MeetingKind
    status: MeetingStatus
    title: str = ""
    video_link: str = ""
    chair_contact_id: int | None = None
    secretary_contact_id: int | None = None
    series_id: int | None = None
    items: tuple[AgendaItem, ...] = ()
    uid: str = ""  # the iCalendar UID of its invitations, stable across changes
    sequence: int = 0  # raised at each change of date, time, place, title, agenda or status

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def local_start(self) -> datetime:
        return in_paris(self.starts_at)

    @property
    def heading(self) -> str:
        return self.title or self.kind.label.capitalize()


@dataclass(frozen=True)
class Participant:
    id: int
    meeting_id: int
    organisation_id: int | None
    contact_id: int | None
    name: str = ""
    observer: bool = False
    attendance: Attendance | None = None
    information_sent: bool = False
    represented_by: str = ""
    undertaking_signed: bool = False


def check_meeting(duration_minutes: int, place: str, video_link: str) -> None:
    if not 15 <= duration_minutes <= 600:
        raise ValidationError(_("A meeting lasts between 15 minutes and 10 hours."))
    if not place.strip() and not video_link.strip():
        raise ValidationError(_("Give the place or the video link."))
    link = video_link.strip()
    if link and not link.lower().startswith(("https://", "http://")):
        raise ValidationError(_("The video link must start with https://."))


def check_attendance(attendance: Attendance | None, represented_by: str) -> None:
    if attendance is Attendance.REPRESENTED and not represented_by.strip():
        raise ValidationError(_("Say who represented the participant."))
    if attendance is not Attendance.REPRESENTED and represented_by.strip():
        raise ValidationError(_("“Represented by” only goes with the “represented” status."))


def check_participation(participation: PersonParticipation | None, represented_by: str) -> None:
    if participation is PersonParticipation.REPRESENTED and not represented_by.strip():
        raise ValidationError(_("Say who represented the person concerned."))
    if participation is not PersonParticipation.REPRESENTED and represented_by.strip():
        raise ValidationError(_("“Represented by” only goes with the “represented” status."))


# -- agenda --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """A situation that could be on the agenda, and why."""

    case_id: int
    reference: str
    pseudonym: str
    purpose: ItemPurpose
    urgency: Urgency
    since: date  # referral, review or due date: the oldest goes first
    shareable: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposal:
    items: tuple[Candidate, ...]
    left_out: tuple[Candidate, ...]  # did not fit in the meeting's time
    refused: tuple[Candidate, ...]  # sharing not allowed: cannot be discussed


def merge_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per situation: the strongest purpose, all the reasons."""
    best: dict[int, Candidate] = {}
    for candidate in candidates:
        known = best.get(candidate.case_id)
        if known is None:
            best[candidate.case_id] = candidate
            continue
        first, second = sorted((known, candidate), key=lambda c: _PURPOSE_ORDER[c.purpose])
        reasons = tuple(dict.fromkeys((*first.reasons, *second.reasons)))
        best[candidate.case_id] = Candidate(
            first.case_id, first.reference, first.pseudonym, first.purpose, first.urgency,
            min(first.since, second.since), first.shareable, reasons,
        )  # fmt: skip
    return list(best.values())


def _priority(candidate: Candidate) -> tuple[int, int, date, str]:
    urgent = 0 if candidate.urgency is Urgency.URGENT else 1
    return (urgent, _PURPOSE_ORDER[candidate.purpose], candidate.since, candidate.reference)


def propose(
    candidates: Iterable[Candidate], duration_minutes: int, already: Sequence[AgendaItem] = ()
) -> Proposal:
    """What fits in the meeting after the items already there: urgent situations first, then
    new referrals, follow-ups of undone actions, reviews — the oldest first in each group."""
    on_agenda = {item.case_id for item in already}
    used = sum(item.slot_minutes for item in already)
    fitted: list[Candidate] = []
    left_out: list[Candidate] = []
    refused: list[Candidate] = []
    for candidate in sorted(merge_candidates(candidates), key=_priority):
        if candidate.case_id in on_agenda:
            continue
        if not candidate.shareable:
            refused.append(candidate)
        elif used + ITEM_MINUTES[candidate.purpose] <= duration_minutes:
            fitted.append(candidate)
            used += ITEM_MINUTES[candidate.purpose]
        else:
            left_out.append(candidate)
    return Proposal(tuple(fitted), tuple(left_out), tuple(refused))


def time_slots(start: datetime, minutes: Sequence[int]) -> list[tuple[datetime, datetime]]:
    """Back-to-back slots from ``start``, one per item."""
    slots: list[tuple[datetime, datetime]] = []
    for length in minutes:
        end = start + timedelta(minutes=length)
        slots.append((start, end))
        start = end
    return slots


def check_agenda(minutes: Sequence[int], duration_minutes: int) -> str | None:
    """A warning when the items overrun the meeting (allowed, but said)."""
    if any(not 1 <= m <= 240 for m in minutes):
        raise ValidationError(_("An item lasts between 1 and 240 minutes."))
    total = sum(minutes)
    if total > duration_minutes:
        return _("The agenda lasts {total} min, more than the meeting's {duration} min.").format(
            total=total, duration=duration_minutes
        )
    return None


# -- invitations ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Invitation:
    """An organisation invited to the whole meeting, or only for its situations' slots."""

    organisation_id: int
    whole_meeting: bool
    case_ids: tuple[int, ...] = ()
    windows: tuple[tuple[datetime, datetime], ...] = ()


def invitations(
    kind: MeetingKind,
    meeting_window: tuple[datetime, datetime],
    permanent: Iterable[int],
    involved: Sequence[tuple[int, frozenset[int], tuple[datetime, datetime]]],
) -> list[Invitation]:
    """``involved``: per agenda item, in order, the case id, the organisations concerned
    (participating partners and owners of open actions) and its time slot. Permanent members
    come to the whole of a plenary meeting; the others for their situations' slots only."""
    whole = set(permanent) if kind is MeetingKind.PLENARY else set()
    cases: dict[int, list[int]] = {}
    slots: dict[int, list[tuple[datetime, datetime]]] = {}
    for case_id, organisations, slot in involved:
        for org_id in organisations:
            cases.setdefault(org_id, []).append(case_id)
            slots.setdefault(org_id, []).append(slot)
    found = [
        Invitation(org_id, True, tuple(cases.get(org_id, ())), (meeting_window,))
        for org_id in sorted(whole)
    ]
    for org_id in sorted(set(cases) - whole):
        found.append(Invitation(org_id, False, tuple(cases[org_id]), _merged(slots[org_id])))
    return found


def _merged(slots: list[tuple[datetime, datetime]]) -> tuple[tuple[datetime, datetime], ...]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(slots):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


# -- conflicts -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Busy:
    """Another meeting, as far as clashes go."""

    meeting_id: int
    heading: str
    starts_at: datetime
    ends_at: datetime
    place: str
    contact_ids: frozenset[int] = field(default_factory=frozenset)


def place_key(place: str) -> str:
    return " ".join(fold(place).replace(",", " ").split())


def conflicts(meeting: Busy, others: Iterable[Busy], region: str = "") -> list[str]:
    """Warnings, in words: a public holiday (of ``region`` too), the place taken, a contact
    invited twice."""
    warnings: list[str] = []
    day = in_paris(meeting.starts_at).date()
    holiday = public_holiday(day, region)
    if holiday:
        warnings.append(
            _("{day} is a public holiday ({name}).").format(
                day=day.strftime("%d/%m/%Y"), name=holiday
            )
        )
    for other in others:
        if other.meeting_id == meeting.meeting_id:
            continue
        if not (other.starts_at < meeting.ends_at and meeting.starts_at < other.ends_at):
            continue
        when = in_paris(other.starts_at).strftime("%d/%m/%Y %H:%M")
        if meeting.place.strip() and place_key(other.place) == place_key(meeting.place):
            warnings.append(
                _("The place is already taken by “{other}” ({when}).").format(
                    other=other.heading, when=when
                )
            )
        shared = len(meeting.contact_ids & other.contact_ids)
        if shared:
            warnings.append(
                ngettext(
                    "{count} invited contact is also invited to “{other}” ({when}).",
                    "{count} invited contacts are also invited to “{other}” ({when}).",
                    shared,
                ).format(count=shared, other=other.heading, when=when)
            )
    return warnings


def planning_warnings(
    meeting: Busy, others: Iterable[Busy], now: datetime, region: str = ""
) -> list[str]:
    """What a coordinator is told before planning a meeting (told, not refused): a date in
    the past, then :func:`conflicts`."""
    warnings: list[str] = []
    if meeting.starts_at < now:
        warnings.append(
            _("{when} is in the past.").format(
                when=in_paris(meeting.starts_at).strftime("%d/%m/%Y %H:%M")
            )
        )
    return warnings + conflicts(meeting, others, region)


def warnings_for_plan(
    starts: Sequence[datetime],
    duration_minutes: int,
    place: str,
    others: Iterable[Busy],
    now: datetime,
    region: str = "",
) -> list[str]:
    """:func:`planning_warnings` for each meeting about to be planned (aware ``starts``),
    each said once."""
    known = list(others)
    found: dict[str, None] = {}
    for start in starts:
        planned = Busy(0, "", start, start + timedelta(minutes=duration_minutes), place)
        found.update(dict.fromkeys(planning_warnings(planned, known, now, region)))
    return list(found)
