"""Read models for lists: small rows from one SQL query (STYLE.md 5), never object graphs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from casecell.domain.access import EVERYTHING, Scope
from casecell.domain.text import fold
from casecell.storage.access import also, visible, visible_set
from casecell.storage.search import RANK, words_seen_by

SORTS = {
    "next_review": "c.next_review_on IS NULL, c.next_review_on, c.id",
    "referred": "c.referred_on DESC, c.id DESC",
    "reference": "c.id",
}


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    problem_area: str | None = None
    lead_org_id: int | None = None
    urgency: str | None = None
    review_due_by: date | None = None
    late_actions_on: date | None = None  # only cases with an open action due before this day


@dataclass(frozen=True)
class CaseListRow:
    id: int
    reference: str
    first_name: str
    last_name: str
    pseudonym: str
    status: str
    urgency: str
    referred_on: date
    next_review_on: date | None
    lead: str


def _where(filters: CaseFilter, scope: Scope, whole: bool = False) -> tuple[str, list[object]]:
    """A WHERE clause with ``?`` placeholders and its values, in order (need-to-know first:
    checked row by row, or as a set when ``whole`` lists are read)."""
    clauses: list[str] = []
    params: list[object] = []
    condition, values = visible_set(scope) if whole else visible(scope)
    if condition:
        clauses.append(condition)
        params += values
    if filters.status:
        clauses.append("c.status = ?")
        params.append(filters.status)
    if filters.urgency:
        clauses.append("c.urgency = ?")
        params.append(filters.urgency)
    if filters.lead_org_id is not None:
        clauses.append("c.lead_org_id = ?")
        params.append(filters.lead_org_id)
    if filters.problem_area:
        clauses.append(
            "EXISTS (SELECT 1 FROM case_problem_areas a WHERE a.case_id = c.id AND a.area = ?)"
        )
        params.append(filters.problem_area)
    if filters.review_due_by is not None:
        clauses.append("c.next_review_on <= ?")
        params.append(filters.review_due_by.isoformat())
    if filters.late_actions_on is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM actions x WHERE x.case_id = c.id "
            "AND x.status IN ('todo', 'doing') AND x.due_on < ?)"
        )
        params.append(filters.late_actions_on.isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_PAGE = (
    "SELECT c.id, c.reference, p.first_name, p.last_name, p.pseudonym, c.status, c.urgency, "
    "c.referred_on, c.next_review_on, coalesce(o.name, '') FROM cases c "
    "JOIN persons p ON p.id = c.person_id LEFT JOIN organisations o ON o.id = c.lead_org_id"
)


def case_page(
    session: Session, filters: CaseFilter, sort: str, offset: int, limit: int, scope: Scope
) -> list[CaseListRow]:
    """One page, as driver-level SQL: this runs on every scroll of a 100,000-row list."""
    where, params = _where(filters, scope)
    sql = f"{_PAGE}{where} ORDER BY {SORTS[sort]} LIMIT ? OFFSET ?"
    return _rows(session.connection().exec_driver_sql(sql, (*params, limit, offset)))


def case_count(session: Session, filters: CaseFilter, scope: Scope) -> int:
    where, params = _where(filters, scope, whole=True)
    sql = f"SELECT count(*) FROM cases c{where}"  # noqa: S608 - fixed SQL, bound values
    return int(session.connection().exec_driver_sql(sql, tuple(params)).scalar() or 0)


def case_ids(
    session: Session, filters: CaseFilter, sort: str, limit: int | None, scope: Scope
) -> list[int]:
    """Every matching id in list order (or the first ``limit``): what a lazy table model
    holds (100k ints ≈ 1 MB).

    Read through the driver's cursor: SQLAlchemy's result rows cost 3× more on 100k.
    """
    where, params = _where(filters, scope, whole=True)
    sql = f"SELECT c.id FROM cases c{where} ORDER BY {SORTS[sort]}"  # noqa: S608 - fixed SQL
    if limit is not None:
        sql, params = f"{sql} LIMIT ?", [*params, limit]
    return [row[0] for row in _driver(session).execute(sql, params)]


def search_ids(
    session: Session, match: str, filters: CaseFilter, limit: int, scope: Scope
) -> list[int]:
    """The best ``limit`` full-text matches the scope sees, filtered, best first."""
    wanted = words_seen_by(match, scope)
    if wanted is None:
        return []
    where, params = _where(filters, EVERYTHING)
    mine, seen = visible(scope, "v_c")
    sql = (
        "SELECT c.id FROM (SELECT s.rowid AS id, "  # noqa: S608 - fixed SQL
        f"{RANK} AS score FROM case_search s{_JOIN_SEEN if mine else ''} "
        f"WHERE case_search MATCH ?{also(mine)} "
        f"ORDER BY score LIMIT ?) m JOIN cases c ON c.id = m.id{where} ORDER BY m.score"
    )
    return [row[0] for row in _driver(session).execute(sql, (wanted, *seen, limit, *params))]


# The cases a search's matches are checked against (need-to-know), inside the ranking query.
_JOIN_SEEN = " JOIN cases v_c ON v_c.id = s.rowid"


def _driver(session: Session) -> Any:
    return session.connection().connection.dbapi_connection


def rows_for(session: Session, ids: list[int], scope: Scope) -> list[CaseListRow]:
    """The rows of ``ids`` the scope sees, in the order given (a page of the lazy model)."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    mine, seen = visible(scope)
    sql = f"{_PAGE} WHERE c.id IN ({marks}){also(mine)}"
    result = session.connection().exec_driver_sql(sql, (*ids, *seen))
    found = {r.id: r for r in _rows(result)}
    return [found[i] for i in ids if i in found]


def _rows(result: object) -> list[CaseListRow]:
    return [
        CaseListRow(
            r[0], r[1], r[2], r[3], r[4], r[5], r[6],
            date.fromisoformat(r[7]),
            date.fromisoformat(r[8]) if r[8] else None,
            r[9],
        )
        for r in result  # type: ignore[attr-defined]
    ]  # fmt: skip


@dataclass(frozen=True)
class PersonListRow:
    id: int
    pseudonym: str
    first_name: str
    last_name: str
    birth_date: date | None
    birth_year: int | None
    commune: str
    cases: tuple[tuple[int, str, str], ...]  # (case id, reference, status), newest first


PERSON_MATCH_LIMIT = 5000  # beyond this, a search is too vague to list: the user refines it


def person_page(
    session: Session, match: str | None, limit: int, scope: Scope
) -> tuple[list[PersonListRow], int]:
    """Persons whose names or pseudonym match the FTS5 query ``match`` (sorted by folded name),
    or the most recently registered ones when ``match`` is None; only persons with at least
    one situation the scope sees, and only those situations (relatives, persons of the vault
    through ``case_relatives`` only, are shown by their situations, not here).

    Uses the situations' full-text index (its ``names`` column), so “lefevre” finds “Lefèvre”
    as in the situations search. Returns at most ``limit`` rows and how many matched in all.
    """
    driver = _driver(session)
    mine, seen = visible(scope)
    if match is None and not mine:
        total = driver.execute("SELECT count(DISTINCT person_id) FROM cases").fetchone()[0]
        ids = [
            r[0]
            for r in driver.execute(
                "SELECT p.id FROM persons p WHERE EXISTS (SELECT 1 FROM cases c"
                " WHERE c.person_id = p.id) ORDER BY p.id DESC LIMIT ?",
                (limit,),
            )
        ]
    elif match is None:
        among, among_seen = visible_set(scope)
        total = driver.execute(
            f"SELECT count(DISTINCT c.person_id) FROM cases c WHERE {among}",  # noqa: S608
            among_seen,
        ).fetchone()[0]
        ids = [
            r[0]
            for r in driver.execute(
                "SELECT p.id FROM persons p WHERE EXISTS (SELECT 1 FROM cases c"  # noqa: S608
                f" WHERE c.person_id = p.id AND {mine}) ORDER BY p.id DESC LIMIT ?",
                (*seen, limit),
            )
        ]
    else:
        ids = [
            r[0]
            for r in driver.execute(
                "SELECT DISTINCT c.person_id FROM case_search s JOIN cases c ON c.id = s.rowid"  # noqa: S608
                f" WHERE case_search MATCH ?{also(mine)} LIMIT ?",
                (f"names : ({match})", *seen, PERSON_MATCH_LIMIT),
            )
        ]
        total = len(ids)
    rows = _persons(driver, ids, scope)
    if match is not None:
        rows.sort(key=lambda r: (fold(r.last_name), fold(r.first_name), r.id))
    return rows[:limit], total


def _persons(driver: Any, ids: list[int], scope: Scope) -> list[PersonListRow]:
    """The persons ``ids`` in that order, each with the situations the scope sees (newest
    first)."""
    mine, seen = visible(scope)
    found: dict[int, tuple[Any, ...]] = {}
    cases: dict[int, list[tuple[int, str, str]]] = {}
    for start in range(0, len(ids), 500):
        chunk = tuple(ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        persons_sql = (
            "SELECT id, pseudonym, first_name, last_name, birth_date, birth_year, commune"  # noqa: S608
            f" FROM persons WHERE id IN ({marks})"
        )
        found.update((r[0], r) for r in driver.execute(persons_sql, chunk))
        cases_sql = (
            "SELECT c.person_id, c.id, c.reference, c.status FROM cases c"  # noqa: S608 - fixed SQL
            f" WHERE c.person_id IN ({marks}){also(mine)} ORDER BY c.id DESC"
        )
        for person_id, case_id, reference, status in driver.execute(cases_sql, (*chunk, *seen)):
            cases.setdefault(person_id, []).append((case_id, reference, status))
    return [
        PersonListRow(
            r[0], r[1], r[2], r[3],
            date.fromisoformat(r[4]) if r[4] else None,
            r[5], r[6], tuple(cases.get(r[0], ())),
        )
        for r in (found[i] for i in ids if i in found)
    ]  # fmt: skip


# -- the home page: what needs doing ------------------------------------------------------------
_STILL_OPEN = "c.status NOT IN ('closed', 'declined')"


def reviews_due(
    session: Session, by: date, limit: int, scope: Scope
) -> tuple[list[CaseListRow], int]:
    """The open situations whose next review falls on or before ``by`` (earliest first, at
    most ``limit``) and how many there are in all."""
    where, params = _where(CaseFilter(review_due_by=by), scope)
    where = f"{where} AND {_STILL_OPEN}"
    sql = f"{_PAGE}{where} ORDER BY {SORTS['next_review']} LIMIT ?"
    rows = _rows(session.connection().exec_driver_sql(sql, (*params, limit)))
    count = session.connection().exec_driver_sql(
        f"SELECT count(*) FROM cases c{where}",  # noqa: S608 - fixed SQL, bound values
        tuple(params),
    )
    return rows, int(count.scalar() or 0)


@dataclass(frozen=True)
class LateActionRow:
    case_id: int
    reference: str
    title: str
    owner: str
    due_on: date


def late_actions(
    session: Session, today: date, limit: int, scope: Scope
) -> tuple[list[LateActionRow], int]:
    """Open actions past their due date in the situations ``scope`` sees (oldest first, at
    most ``limit``) and how many there are in all."""
    mine, seen = visible(scope)
    base = (
        " FROM actions x JOIN cases c ON c.id = x.case_id "
        "LEFT JOIN organisations o ON o.id = x.owner_org_id "
        f"WHERE x.status IN ('todo', 'doing') AND x.due_on < ?{also(mine)}"
    )
    params = (today.isoformat(), *seen)
    connection = session.connection()
    result = connection.exec_driver_sql(
        f"SELECT c.id, c.reference, x.title, coalesce(o.name, ''), x.due_on{base} "
        "ORDER BY x.due_on, x.id LIMIT ?",
        (*params, limit),
    )
    rows = [LateActionRow(r[0], r[1], r[2], r[3], date.fromisoformat(r[4])) for r in result]
    count = connection.exec_driver_sql(f"SELECT count(*){base}", params)
    return rows, int(count.scalar() or 0)
