"""Retention in SQL: the facts the rule needs for every situation, and anonymisation itself.

Anonymising keeps each situation's row, dates, statuses, problem areas, organisations,
actions' owners and dates, meetings and attendance — what reports count — and blanks every
name, birth date and typed word: the person (once none of their situations is still kept),
the situation's texts, its timeline's words, its actions' titles, its notes and decisions in
meetings, and its part of validated minutes.
"""

# ruff: noqa: S608 - the only values inlined in SQL here are integer ids (see _marks)
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from casecell.domain import minutes as minutes_rules
from casecell.domain.nomenclatures import CaseStatus
from casecell.domain.retention import SituationFacts

ANONYMISED_KEY = "retention_reviewed_on"  # vault_meta: the last review of what is due
CHUNK = 500

_FACTS = """
    SELECT c.id, c.reference, c.status, c.referred_on, c.eligibility_decided_on, c.closed_on,
           (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id),
           (SELECT max(m.starts_at) FROM meeting_items i JOIN meetings m ON m.id = i.meeting_id
             WHERE i.case_id = c.id AND m.status != 'cancelled')
    FROM cases c
    WHERE c.status IN ({finished}) AND c.anonymised_on IS NULL
""".format(finished=", ".join(f"'{s.value}'" for s in CaseStatus if s.finished))


def _driver(session: Session) -> Any:
    return session.connection().connection.dbapi_connection


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value[:10])


def _moment_day(value: str | None) -> date | None:
    """A stored UTC moment as a calendar day (a day's margin is nothing against two years)."""
    return None if value is None else datetime.fromisoformat(value).date()


def situation_facts(session: Session) -> list[SituationFacts]:
    """Every closed or declined situation not yet anonymised, with its last contact."""
    return [
        SituationFacts(
            r[0], r[1], r[2], date.fromisoformat(r[3]), _day(r[4]), _day(r[5]),
            _moment_day(r[6]), _moment_day(r[7]),
        )
        for r in _driver(session).execute(_FACTS)
    ]  # fmt: skip


def _marks(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)  # integers only: safe to inline


def anonymise(
    session: Session,
    case_ids: Sequence[int],
    today: date,
    mark: str,
    progress: Callable[[int, int], None] | None = None,
) -> list[int]:
    """Blank the personal data of ``case_ids`` (see the module); the persons anonymised."""
    driver = _driver(session)
    persons: set[int] = set()
    relatives: set[int] = set()
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), CHUNK):
        marks = _marks(ids[start : start + CHUNK])
        statements = [
            "UPDATE cases SET summary = '', tried_before = '', person_wishes = '',"
            " consent_by = '', consent_not_possible_reason = '', decline_reason = '',"
            " opposition_reason = '',"
            " redirected_to = CASE WHEN trim(redirected_to) <> '' THEN ? ELSE '' END,"
            f" anonymised_on = ? WHERE id IN ({marks})",
            f"UPDATE case_events SET text = '', author_name = '' WHERE case_id IN ({marks})",
            f"UPDATE actions SET title = ? WHERE case_id IN ({marks})",
            "UPDATE meeting_items SET notes = '', decisions = '', person_words = '',"
            f" represented_by = '' WHERE case_id IN ({marks})",
        ]
        params: list[tuple[Any, ...]] = [(mark, today.isoformat()), (), (mark,), ()]
        for sql, values in zip(statements, params, strict=True):
            driver.execute(sql, values)
        persons.update(
            r[0] for r in driver.execute(f"SELECT person_id FROM cases WHERE id IN ({marks})")
        )
        # Relatives: the link goes; the relative goes below once nothing names them.
        relatives.update(
            r[0]
            for r in driver.execute(
                f"SELECT person_id FROM case_relatives WHERE case_id IN ({marks})"
            )
        )
        driver.execute(f"DELETE FROM case_relatives WHERE case_id IN ({marks})")
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    # A person goes once none of their situations is still kept.
    gone = [
        p
        for p in sorted(persons | relatives)
        if not driver.execute(
            "SELECT 1 FROM cases WHERE person_id = ? AND anonymised_on IS NULL"
            " UNION ALL SELECT 1 FROM case_relatives WHERE person_id = ? LIMIT 1",
            (p, p),
        ).fetchone()
    ]
    for start in range(0, len(gone), CHUNK):
        driver.execute(
            "UPDATE persons SET first_name = '', last_name = '', birth_date = NULL,"
            " birth_year = NULL, address = '', postcode = '', phone = '', email = '',"
            f" nir = '' WHERE id IN ({_marks(gone[start : start + CHUNK])})"
        )
    _forget_in_minutes(driver, ids, mark)
    return gone


def _forget_in_minutes(driver: Any, case_ids: Sequence[int], mark: str) -> None:
    """Validated minutes keep their frozen content: take the anonymised situations out of it."""
    references: set[str] = set()
    meetings: set[int] = set()
    for start in range(0, len(case_ids), CHUNK):
        marks = _marks(case_ids[start : start + CHUNK])
        references.update(
            r[0] for r in driver.execute(f"SELECT reference FROM cases WHERE id IN ({marks})")
        )
        meetings.update(
            r[0]
            for r in driver.execute(
                f"SELECT meeting_id FROM meeting_items WHERE case_id IN ({marks})"
            )
        )
    for meeting_id in sorted(meetings):
        rows = driver.execute(
            "SELECT id, content FROM minutes WHERE meeting_id = ? AND content IS NOT NULL",
            (meeting_id,),
        ).fetchall()
        for minutes_id, text in rows:
            content = minutes_rules.from_json(text)
            forgotten = minutes_rules.forget(content, references, mark)
            if forgotten != content:
                driver.execute(
                    "UPDATE minutes SET content = ? WHERE id = ?",
                    (minutes_rules.to_json(forgotten), minutes_id),
                )


def audit_purge(session: Session, before: str) -> tuple[int, int, str] | None:
    """Delete the audit entries older than the UTC moment ``before``; keep the chain's base.

    Entries are cut at the first one written at or after ``before`` (a failed login moved
    into the trail late carries an older time: it is kept with its neighbours). The head is
    always kept. Returns (entries deleted, first kept seq, the hash it chains onto), or None
    when nothing is old enough; the caller records the base in the vault.
    """
    driver = _driver(session)
    first_kept = driver.execute(
        "SELECT min(seq) FROM audit_log WHERE at >= ?", (before,)
    ).fetchone()[0]
    if first_kept is None:  # everything is old: keep the head, the anchor needs it
        first_kept = driver.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
    if first_kept is None:
        return None
    if not driver.execute(
        "SELECT 1 FROM audit_log WHERE seq < ? LIMIT 1", (first_kept,)
    ).fetchone():
        return None
    prev_hash = driver.execute(
        "SELECT prev_hash FROM audit_log WHERE seq = ?", (first_kept,)
    ).fetchone()[0]
    deleted = driver.execute("DELETE FROM audit_log WHERE seq < ?", (first_kept,)).rowcount
    return int(deleted), int(first_kept), str(prev_hash)


def erase_person(session: Session, person_id: int, today: date, mark: str) -> list[int]:
    """Right to erasure: every situation of the person anonymised, their links as a relative
    of other situations removed, their identity blanked. Returns their situations' ids."""
    driver = _driver(session)
    case_ids = [
        r[0] for r in driver.execute("SELECT id FROM cases WHERE person_id = ?", (person_id,))
    ]
    anonymise(session, case_ids, today, mark)
    driver.execute("DELETE FROM case_relatives WHERE person_id = ?", (person_id,))
    driver.execute(
        "UPDATE persons SET first_name = '', last_name = '', birth_date = NULL,"
        " birth_year = NULL, address = '', postcode = '', phone = '', email = '', nir = ''"
        " WHERE id = ?",
        (person_id,),
    )
    return case_ids
