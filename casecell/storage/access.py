"""Need-to-know in SQL: the situations a scope sees (the rule is ``domain/access.py``).

Every query that returns situations or their data adds :func:`visible` to its WHERE clause,
so a member's lists, searches and documents never hold another organisation's situation.
The access list is read through three indexes (0008): cases by lead, cases by referrer and
case_participants by (organisation_id, case_id).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from casecell.domain.access import Scope

# The ids an organisation sees. ``UNION ALL``: ``IN`` does not mind duplicates, and SQLite
# builds the set once per statement.
VISIBLE_IDS = (
    "SELECT id FROM cases WHERE lead_org_id = ? UNION ALL "
    "SELECT id FROM cases WHERE referrer_org_id = ? UNION ALL "
    "SELECT case_id FROM case_participants WHERE organisation_id = ?"
)


def visible(scope: Scope, alias: str = "c") -> tuple[str, list[object]]:
    """A condition on each row of ``cases`` (as ``alias``), with its ``?`` values; "" for
    everything. Checked row by row: best where a query walks an index and stops early (a page
    of the list, the best search matches, a few ids)."""
    if scope.everything:
        return "", []
    if scope.organisation_id is None:
        return "0", []
    org = scope.organisation_id
    return (
        f"({alias}.lead_org_id = ? OR {alias}.referrer_org_id = ? OR EXISTS (SELECT 1 FROM "  # noqa: S608 - an alias of ours
        f"case_participants taking_part WHERE taking_part.case_id = {alias}.id "
        "AND taking_part.organisation_id = ?))"
    ), [org, org, org]


def visible_set(scope: Scope, column: str = "c.id") -> tuple[str, list[object]]:
    """The same rule as a set of ids ``column`` must be in: best where most rows are read
    (every id of the list in order, a count). The unary ``+`` keeps SQLite from driving the
    query from the set, so the list's order still comes from its index."""
    if scope.everything:
        return "", []
    if scope.organisation_id is None:
        return "0", []
    org = scope.organisation_id
    return f"+{column} IN ({VISIBLE_IDS})", [org, org, org]


def also(condition: str) -> str:
    """``condition`` to append to a WHERE clause ("" stays "")."""
    return f" AND {condition}" if condition else ""


def _among(session: Session, scope: Scope, column: str, values: Iterable[Any]) -> set[Any]:
    """Which of ``values`` (of the cases' ``column``) are situations the scope sees."""
    wanted = sorted(set(values))
    if scope.everything or not wanted:
        return set(wanted)
    if scope.organisation_id is None:
        return set()
    condition, params = visible(scope, "cases")
    found: set[Any] = set()
    driver: Any = session.connection().connection.dbapi_connection
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT {column} FROM cases WHERE {column} IN ({marks}) AND {condition}"  # noqa: S608
        found.update(row[0] for row in driver.execute(sql, (*chunk, *params)))
    return found


def visible_among(session: Session, scope: Scope, case_ids: Iterable[int]) -> set[int]:
    """Which of ``case_ids`` the scope sees."""
    return _among(session, scope, "id", case_ids)


def visible_references(session: Session, scope: Scope, references: Iterable[str]) -> set[str]:
    """Which of ``references`` are situations the scope sees."""
    return _among(session, scope, "reference", references)
