"""What the activity report reads: set-based SQL that returns facts without any name,
pseudonym or reference (STYLE.md 5), for a period and optionally a commune or a partner.

The service counts through :func:`report_tallies` (one read of each table, no object per
row); :func:`report_data`, a read model per fact, is the reference it is tested against."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
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
    Period,
    ReportData,
    Tallies,
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
    """Facts of the situations, actions and meetings that matter from ``start`` to ``end``,
    one read model each: the reference :func:`report_tallies` is checked against (tests)."""
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


# -- the report as the service runs it: counted in SQL, both periods in each query ---------
def _within(column: str, periods: Sequence[Period], moments: bool = False) -> str:
    """SQL giving the index in ``periods`` of the period ``column`` falls in (NULL: none),
    with the named parameters ``:s0``, ``:e0``… (``:m0``, ``:n0``… for ``moments``: the
    column holds UTC moments, compared with the instants the periods' Paris days start,
    worked out once by :func:`_bounds`, never per row)."""
    low, high = ("m", "n") if moments else ("s", "e")
    if moments:
        cases = (
            f" WHEN {column} >= :{low}{i} AND {column} < :{high}{i} THEN {i}"
            for i in range(len(periods))
        )
    else:
        cases = (
            f" WHEN {column} BETWEEN :{low}{i} AND :{high}{i} THEN {i}" for i in range(len(periods))
        )
    return "CASE" + "".join(cases) + " END"


def _bounds(periods: Sequence[Period]) -> dict[str, str]:
    """The named parameters of :func:`_within`, and the whole span: ``:first`` … ``:last``
    (days), ``:since`` … ``:until`` (moments)."""
    found: dict[str, str] = {}
    for i, p in enumerate(periods):
        found[f"s{i}"], found[f"e{i}"] = p.start.isoformat(), p.end.isoformat()
        found[f"m{i}"], found[f"n{i}"] = _moment(p.start), _moment(p.end + timedelta(days=1))
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    found["first"], found["last"] = first.isoformat(), last.isoformat()
    found["since"], found["until"] = _moment(first), _moment(last + timedelta(days=1))
    return found


def _named(where: str, params: list[Any]) -> tuple[str, dict[str, Any]]:
    """A filter of :func:`_case_filter` with named parameters (``:f0``, ``:f1``…)."""
    parts = where.split("?")
    named = parts[0] + "".join(f":f{i}{rest}" for i, rest in enumerate(parts[1:]))
    return named, {f"f{i}": value for i, value in enumerate(params)}


def _delay(column: str) -> str:
    return f"CAST(julianday({column}) - julianday(c.referred_on) AS INTEGER)"


SEPARATOR = "\x1f"  # between a situation's problem areas (codes never hold it)


def tally_queries(
    periods: Sequence[Period], commune: str | None = None, partner_id: int | None = None
) -> dict[str, tuple[str, dict[str, Any]]]:
    """The report's queries for ``periods`` (with a filter), each with its parameters: the
    service reads them (:func:`report_tallies`); the benchmark runs the same ones raw.

    Each table is read once: the situations in the order they are stored (``NOT INDEXED``:
    looking rows up through the date indexes costs more than reading them all), the actions
    and the carry-overs from covering indexes (``ix_actions_report``, ``ix_case_events_kind_at``:
    narrow pages, fewer to decrypt than the rows with their texts). SQL works out, per row,
    the period each fact falls in (its index in ``periods``, NULL for none), the days
    waited and the categories; the tallying is left to Python's C ``Counter`` on those
    columns, which costs less than SQLite's ``GROUP BY`` sorting as many rows."""
    bounds = _bounds(periods)
    where, params = _named(*_case_filter(commune, partner_id))
    persons = " JOIN persons p ON p.id = c.person_id" if commune else ""
    queries: dict[str, tuple[str, dict[str, Any]]] = {}

    declined = "c.status = 'declined'"
    still_open = " + ".join(
        f"{1 << i} * (c.referred_on <= :e{i} AND coalesce(c.closed_on > :e{i}, 1)"
        f" AND NOT ({declined} AND coalesce(c.eligibility_decided_on <= :e{i}, 0)))"
        for i in range(len(periods))
    )
    columns = (
        "c.referred_on",
        "c.referrer_org_id",
        "CASE WHEN c.referred_on >= :first THEN"
        " (SELECT commune FROM persons WHERE id = c.person_id) END",
        "c.consent",
        "CASE WHEN c.referred_on >= :first THEN (SELECT group_concat(area, char(31))"
        " FROM case_problem_areas WHERE case_id = c.id) END",
        "c.eligibility_decided_on",
        "c.status",
        f"CASE WHEN {declined} THEN c.decline_reason END",
        f"CASE WHEN {declined} THEN c.redirected_to END",
        f"CASE WHEN c.eligibility_decided_on >= :first THEN"
        f" {_delay('c.eligibility_decided_on')} END",
        "c.first_review_on",
        f"CASE WHEN c.first_review_on >= :first THEN {_delay('c.first_review_on')} END",
        "c.closed_on",
        "c.outcome",
        f"CASE WHEN c.closed_on >= :first THEN {_delay('c.closed_on')} END",
        still_open,
    )
    queries["situations"] = (
        f"SELECT {', '.join(columns)} FROM cases c NOT INDEXED"  # noqa: S608
        + persons
        + SITUATIONS.replace("?", ":last", 1).replace("?", ":first")
        + where,
        {**bounds, **params},
    )

    # Actions: per action, the period it was decided in, the one it was done in (and
    # whether late), and the periods at whose end it was still late (one bit each).
    owner_where, owner_params = _named(*_case_filter(commune, partner_id, owner=True))
    cases = " JOIN cases c ON c.id = x.case_id" + persons if commune else ""
    done = _within("x.done_on", periods)
    still_late = " + ".join(
        f"{1 << i} * coalesce(x.created_at < :n{i} AND x.status != 'dropped'"
        f" AND x.due_on < :e{i} AND (x.done_on IS NULL OR x.done_on > :e{i}), 0)"
        for i in range(len(periods))
    )
    queries["actions"] = (
        f"SELECT x.owner_org_id, {_within('x.created_at', periods, moments=True)},"  # noqa: S608
        f" CASE WHEN x.status = 'done' THEN {done} END,"
        " coalesce(x.done_on > x.due_on, 0), "
        + still_late
        + " FROM actions x"
        + cases
        + " WHERE x.created_at < :until AND (x.done_on IS NULL OR x.done_on >= :first)"
        + owner_where,
        {**bounds, **owner_params},
    )

    cases = " JOIN cases c ON c.id = e.case_id" + persons if where else ""
    queries["carried"] = (
        f"SELECT {_within('e.at', periods, moments=True)}, substr(e.code, 14), count(*)"  # noqa: S608
        " FROM case_events e"
        + cases
        + " WHERE e.kind = 'action_updated' AND e.code LIKE 'carried\\_over:%' ESCAPE '\\'"
        " AND e.at >= :since AND e.at < :until" + where + " GROUP BY 1, 2",
        {**bounds, **params},
    )
    meeting = _within("m.starts_at", periods, moments=True)
    cases = " JOIN cases c ON c.id = i.case_id" + persons if where else ""
    queries["meetings"] = (
        f"SELECT {meeting}, count(*), sum((SELECT count(*) FROM meeting_items i"  # noqa: S608
        + cases
        + " WHERE i.meeting_id = m.id"
        + where
        + ")) FROM meetings m"
        " WHERE m.status = 'held' AND m.starts_at >= :since AND m.starts_at < :until GROUP BY 1",
        {**bounds, **params},
    )
    queries["attendance"] = (
        f"SELECT {meeting}, mp.organisation_id, mp.attendance IN ('present', 'represented'),"  # noqa: S608
        " count(*) FROM meeting_participants mp JOIN meetings m ON m.id = mp.meeting_id"
        " WHERE m.status = 'held' AND NOT mp.observer AND mp.attendance IS NOT NULL"
        " AND mp.organisation_id IS NOT NULL AND m.starts_at >= :since AND m.starts_at < :until"
        + (" AND mp.organisation_id = :partner" if partner_id is not None else "")
        + " GROUP BY 1, 2, 3",
        {**bounds, "partner": partner_id},
    )
    return queries


def _tally(*columns: Iterable[Any]) -> Counter[tuple[Any, ...]]:
    """How many times each combination of the columns' values occurs (in C)."""
    return Counter(zip(*columns, strict=True))


def report_tallies(
    session: Session,
    periods: Sequence[Period],
    commune: str | None = None,
    partner_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Tallies]:
    """The tallies of each of ``periods`` (a filter applied), counted by SQL in a few queries."""
    driver = _driver(session)
    queries = tally_queries(periods, commune, partner_id)
    found = [Tallies() for _p in periods]
    names: dict[int, str] = {}
    kinds: dict[int, str] = {}
    for org_id, name, kind in driver.execute("SELECT id, name, kind FROM organisations"):
        names[org_id], kinds[org_id] = name, kind

    def read(name: str) -> list[Any]:
        if progress is not None:
            progress(list(queries).index(name), len(queries))
        sql, params = queries[name]
        rows: list[Any] = driver.execute(sql, params).fetchall()
        return rows

    # A day's period and month by dictionary, in C (map), rather than a comparison per row.
    period_of: dict[str, int] = {}
    month_of: dict[str, str] = {}
    for i, p in enumerate(periods):
        for n in range(p.days):
            day = (p.start + timedelta(days=n)).isoformat()
            period_of.setdefault(day, i)
            month_of[day] = day[:7]
    rows = read("situations")
    (referred, org, commune_code, consent, areas, decided, status, reason, redirected,
     decision_days, reviewed, review_days, closed, outcome, closure_days,
     still_open) = zip(*rows, strict=True) if rows else ((),) * 16  # fmt: skip
    received = list(map(period_of.get, referred))
    for (at, org_id, code, ym, agreed), n in _tally(
        received, org, commune_code, map(month_of.get, referred), consent
    ).items():
        if at is not None:
            found[at].received[(kinds[org_id], code or "?", ym, agreed)] += n
    for (at, codes), n in _tally(received, areas).items():
        if at is not None and codes:
            for code in codes.split(SEPARATOR):
                found[at].areas[code] += n
    for (at, state, why, where_to, days), n in _tally(
        map(period_of.get, decided), status, reason, redirected, decision_days
    ).items():
        if at is not None:
            no = state == "declined"
            found[at].decisions[
                (no, why or "" if no else "", where_to or "" if no else "", days)
            ] += n
    for (at, days), n in _tally(map(period_of.get, reviewed), review_days).items():
        if at is not None:
            found[at].first_reviews[days] += n
    for (at, state, how, ym, days), n in _tally(
        map(period_of.get, closed), status, outcome, map(month_of.get, closed), closure_days
    ).items():
        if at is not None and state != "declined":
            found[at].closures[(how or "other", ym, days)] += n
    for bits, n in Counter(still_open).items():
        for i, counted in enumerate(found):
            if bits >> i & 1:
                counted.open_at_end += n

    # (owner, period decided, period done, late, still late): few combinations, counted
    # in one pass over the rows as they come, then spread over the indicators.
    for (org_id, decided_in, done_in, after_due, bits), n in Counter(read("actions")).items():
        name = names[org_id]
        if decided_in is not None:
            found[decided_in].actions["actions_decided"][name] += n
        if done_in is not None:
            indicator = "actions_done_late" if after_due else "actions_done_on_time"
            found[done_in].actions[indicator][name] += n
        for i, counted in enumerate(found):
            if bits >> i & 1:
                counted.actions["actions_still_late"][name] += n
    for i, reason, n in read("carried"):
        if i is not None:
            found[i].carried[reason] += n
    for i, held, reviewed in read("meetings"):
        if i is not None:
            found[i].meetings_held += held
            found[i].reviewed += reviewed or 0
    for i, org_id, came, n in read("attendance"):
        if i is not None:
            found[i].recorded[names[org_id]] += n
            if came:
                found[i].came[names[org_id]] += n
    if progress is not None:
        progress(len(queries), len(queries))
    return found
