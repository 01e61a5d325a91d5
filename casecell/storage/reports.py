"""What the activity report reads: set-based SQL that returns facts without any name,
pseudonym or reference (STYLE.md 5), for a period and optionally a commune or a partner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from casecell.compat import UTC
from casecell.domain.indicators import (
    ActionFacts,
    AttendanceFacts,
    CarryOverFacts,
    CaseFacts,
    MeetingFacts,
    ReportData,
)

PARIS = ZoneInfo("Europe/Paris")


def _driver(session: Session) -> Any:
    return session.connection().connection.dbapi_connection


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _moment(day: date) -> str:
    """The UTC instant a Paris day starts, as the vault stores moments."""
    return datetime.combine(day, time(0), PARIS).astimezone(UTC).isoformat()


def _paris_day(moment: str) -> date:
    return datetime.fromisoformat(moment).astimezone(PARIS).date()


def _case_filter(
    commune: str | None, partner_id: int | None, owner: bool = False
) -> tuple[str, list[Any]]:
    """SQL (on ``c`` cases and ``p`` persons) keeping the situations of a commune or a partner
    (referrer, lead or participant) — or, with ``owner``, the actions ``x`` a partner owns."""
    where, params = "", list[Any]()
    if commune:
        where += " AND p.commune = ?"
        params.append(commune)
    if partner_id is not None and owner:
        where += " AND x.owner_org_id = ?"
        params.append(partner_id)
    elif partner_id is not None:
        where += (
            " AND (c.referrer_org_id = ? OR c.lead_org_id = ? OR EXISTS (SELECT 1 FROM"
            " case_participants cp WHERE cp.case_id = c.id AND cp.organisation_id = ?))"
        )
        params += [partner_id] * 3
    return where, params


# The situations a report of a period draws on: referred by its end, neither closed nor
# declined before its start (parameters: end, start, start).
SITUATIONS = (
    " WHERE c.referred_on <= ? AND (c.closed_on IS NULL OR c.closed_on >= ?)"
    " AND NOT (c.status = 'declined' AND c.eligibility_decided_on < ?)"
)


def situations(
    session: Session, start: date, end: date, commune: str | None, partner_id: int | None
) -> int:
    """How many situations a report from ``start`` to ``end`` draws on, with the same filter."""
    where, params = _case_filter(commune, partner_id)
    sql = (
        "SELECT count(*) FROM cases c JOIN persons p ON p.id = c.person_id"  # noqa: S608
        + SITUATIONS
        + where
    )
    first = start.isoformat()
    row = _driver(session).execute(sql, (end.isoformat(), first, first, *params)).fetchone()
    return int(row[0])


def report_data(
    session: Session,
    start: date,
    end: date,
    commune: str | None = None,
    partner_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReportData:
    """Facts of the situations, actions and meetings that matter from ``start`` to ``end``."""
    driver = _driver(session)
    first, after = start.isoformat(), end.isoformat()
    since, until = _moment(start), _moment(end + timedelta(days=1))
    where, params = _case_filter(commune, partner_id)
    steps = 5

    def step(n: int) -> None:
        if progress is not None:
            progress(n, steps)

    cases_sql = (
        "SELECT c.id, c.referred_on, c.status, o.kind, p.commune,"  # noqa: S608
        " c.eligibility_decided_on, c.first_review_on, c.closed_on, c.outcome,"
        " c.decline_reason, c.redirected_to, c.consent"
        " FROM cases c JOIN persons p ON p.id = c.person_id"
        " JOIN organisations o ON o.id = c.referrer_org_id" + SITUATIONS + where
    )
    rows = driver.execute(cases_sql, (after, first, first, *params)).fetchall()
    areas: dict[int, list[str]] = {}
    for case_id, area in driver.execute("SELECT case_id, area FROM case_problem_areas"):
        areas.setdefault(case_id, []).append(area)
    cases = tuple(
        CaseFacts(
            date.fromisoformat(r[1]), r[2], tuple(sorted(areas.get(r[0], ()))), r[3], r[4] or "",
            _day(r[5]), _day(r[6]), _day(r[7]), r[8], r[9] or "", r[10] or "", r[11],
        )
        for r in rows
    )  # fmt: skip
    step(1)

    action_where, action_params = _case_filter(commune, partner_id, owner=True)
    actions_sql = (
        "SELECT o.name, x.created_at, x.due_on, x.done_on, x.status FROM actions x"  # noqa: S608
        " JOIN organisations o ON o.id = x.owner_org_id"
        " JOIN cases c ON c.id = x.case_id JOIN persons p ON p.id = c.person_id"
        " WHERE x.created_at < ? AND (x.done_on IS NULL OR x.done_on >= ?)" + action_where
    )
    actions = tuple(
        ActionFacts(r[0], _paris_day(r[1]), _day(r[2]), _day(r[3]), r[4])
        for r in driver.execute(actions_sql, (until, first, *action_params))
    )
    step(2)

    carried_sql = (
        "SELECT e.at, e.code FROM case_events e"  # noqa: S608
        " JOIN cases c ON c.id = e.case_id JOIN persons p ON p.id = c.person_id"
        " WHERE e.kind = 'action_updated' AND e.code LIKE 'carried\\_over:%' ESCAPE '\\'"
        " AND e.at >= ? AND e.at < ?" + where
    )
    carried = tuple(
        CarryOverFacts(_paris_day(r[0]), r[1].split(":", 1)[1])
        for r in driver.execute(carried_sql, (since, until, *params))
    )
    step(3)

    items_sql = (
        "SELECT m.starts_at, m.status, (SELECT count(*) FROM meeting_items i"  # noqa: S608
        " JOIN cases c ON c.id = i.case_id JOIN persons p ON p.id = c.person_id"
        " WHERE i.meeting_id = m.id" + where + ") FROM meetings m"
        " WHERE m.starts_at >= ? AND m.starts_at < ?"
    )
    meetings = tuple(
        MeetingFacts(_paris_day(r[0]), r[1] == "held", r[2])
        for r in driver.execute(items_sql, (*params, since, until))
    )
    step(4)

    attendance_sql = (
        "SELECT m.starts_at, o.name, mp.attendance FROM meeting_participants mp"  # noqa: S608
        " JOIN meetings m ON m.id = mp.meeting_id"
        " JOIN organisations o ON o.id = mp.organisation_id"
        " WHERE m.status = 'held' AND NOT mp.observer AND m.starts_at >= ? AND m.starts_at < ?"
        + (" AND mp.organisation_id = ?" if partner_id is not None else "")
    )
    attendance = tuple(
        AttendanceFacts(_paris_day(r[0]), r[1], r[2])
        for r in driver.execute(
            attendance_sql, (since, until, *([partner_id] if partner_id is not None else []))
        )
    )
    step(5)
    return ReportData(cases, actions, carried, meetings, attendance)


def raw_aggregates(session: Session, start: date, end: date) -> dict[str, int]:
    """A few of the same counts straight in SQL: the benchmark's baseline."""
    driver = _driver(session)
    first, last = start.isoformat(), end.isoformat()
    since, until = _moment(start), _moment(end + timedelta(days=1))
    queries = {
        "referrals_received": (
            "SELECT count(*) FROM cases WHERE referred_on BETWEEN ? AND ?",
            (first, last),
        ),
        "by_area": (
            "SELECT count(*) FROM (SELECT a.area, count(*) FROM cases c JOIN case_problem_areas a"
            " ON a.case_id = c.id WHERE c.referred_on BETWEEN ? AND ? GROUP BY a.area)",
            (first, last),
        ),
        "closures": (
            "SELECT count(*) FROM cases WHERE closed_on BETWEEN ? AND ?",
            (first, last),
        ),
        "actions_decided": (
            "SELECT count(*) FROM actions WHERE created_at >= ? AND created_at < ?",
            (since, until),
        ),
        "actions_done": (
            "SELECT o.name, count(*) FROM actions x JOIN organisations o"
            " ON o.id = x.owner_org_id WHERE x.done_on BETWEEN ? AND ? GROUP BY o.name",
            (first, last),
        ),
        "carried_over": (
            "SELECT count(*) FROM case_events WHERE kind = 'action_updated'"
            " AND code LIKE 'carried_over:%' AND at >= ? AND at < ?",
            (since, until),
        ),
        "meetings_held": (
            "SELECT count(*) FROM meetings WHERE status = 'held' AND starts_at >= ?"
            " AND starts_at < ?",
            (since, until),
        ),
    }
    return {
        name: len(driver.execute(sql, params).fetchall()) for name, (sql, params) in queries.items()
    }
