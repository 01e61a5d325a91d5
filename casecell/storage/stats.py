"""The indicator store: a name-free copy of the vault, the only file a manager's key opens.

``casecell.stats`` is a second SQLCipher file with the vault's own tables, so that the same
queries (reports, the partner directory) run on it unchanged. Only the columns listed in
:data:`PROJECTION` are copied; every other column is left blank (``''``, 0 or NULL), and
tables that are not listed stay empty. No name, birth date, summary, note, typed reason,
meeting title or place, contact or minutes ever reaches it — by construction: a column is
blank unless someone adds it here.

Its key is derived one way from the database key (``keyslots.stats_key``): whoever opens the
vault can rebuild the store; a manager, who holds only the derived key, cannot go back. It
is rebuilt by :func:`refresh` from an unlocked vault (at sign-out, after an import, after a
crash), and carries its own audit table, where the managers' sessions are recorded and from
which :func:`take_manager_entries` moves them into the vault's trail.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import Column, CreateIndex, CreateTable, Table

from casecell.compat import UTC
from casecell.domain.audit import AuditAction, AuditEntry, first_broken
from casecell.storage.orm import Base

ALIAS = "stats"

# table → {column: SQL over the vault's row (None: the column as it is)}.
PROJECTION: dict[str, dict[str, str | None]] = {
    "vault_meta": {"key": None, "value": None},
    "users": {
        "id": None,
        # A manager signs in here by login; other accounts' logins (often names) stay behind.
        "login": "CASE WHEN role = 'manager' THEN login ELSE '#' || id END",
        "display_name": "CASE WHEN role = 'manager' THEN login ELSE '#' || id END",
        "role": None,
        "slot_id": None,
        "organisation_id": None,
        "active": None,
        "created_at": None,
    },
    "organisations": {  # institutions, not people (their details stay in the vault)
        "id": None,
        "name": None,
        "kind": None,
        "commune": None,
        "charter_signed_on": None,
        "permanent_member": None,
    },
    "persons": {"id": None, "pseudonym": "'P' || id", "commune": None},
    "cases": {
        "id": None,
        "reference": "'#' || id",
        "person_id": None,
        "referred_on": None,
        "referrer_org_id": None,
        "urgency": None,
        "legal_basis": None,
        "consent": None,
        "lead_org_id": None,
        "next_review_on": None,
        "status": None,
        "eligibility_decided_on": None,
        "first_review_on": None,
        # Typed words are never copied: only whether the referral was redirected.
        "redirected_to": "CASE WHEN trim(redirected_to) <> '' THEN '…' ELSE '' END",
        "closed_on": None,
        "outcome": None,
        "created_at": None,
        "updated_at": None,
        "anonymised_on": None,
    },
    "case_problem_areas": {"case_id": None, "area": None},
    "case_participants": {"case_id": None, "organisation_id": None},
    "actions": {
        "id": None,
        "case_id": None,
        "owner_org_id": None,
        "due_on": None,
        "status": None,
        "done_on": None,
        "meeting_id": None,
        "carried_over": None,
        "created_at": None,
    },
    "case_events": {"id": None, "case_id": None, "at": None, "kind": None, "code": None},
    "meetings": {
        "id": None,
        "starts_at": None,
        "duration_minutes": None,
        "kind": None,
        "status": None,
    },
    "meeting_items": {
        "meeting_id": None,
        "case_id": None,
        "position": None,
        "purpose": None,
        "slot_minutes": None,
    },
    "meeting_participants": {
        "id": None,
        "meeting_id": None,
        "organisation_id": None,
        "observer": None,
        "attendance": None,
        "information_sent": None,
        "undertaking_signed": None,
    },
}
# Settings a report may print; everything else in vault_meta (the audit key!) stays behind.
META_KEYS = ("cell_name", "idle_lock_minutes", "created_at")
# Rows copied, where not all of them: the timeline's events reports count (carried-over
# actions), not the hundreds of thousands of others.
ROWS = {
    "vault_meta": "key IN (" + ", ".join(f"'{k}'" for k in META_KEYS) + ")",
    "case_events": "kind = 'action_updated'",
}
# In the vault's meta: "1" while the store may lag behind the vault.
DIRTY_KEY = "stats_dirty"
# Written in the store itself.
GENERATION_KEY = "stats_generation"
REVISION_KEY = "stats_schema_revision"
REFRESHED_KEY = "stats_refreshed_at"


def tables() -> list[Table]:
    """The store's tables: the vault's mapped tables (no full-text index, no history)."""
    return list(Base.metadata.sorted_tables)


def schema_statements() -> Iterator[str]:
    """``CREATE TABLE`` for each of the store's tables (indexes come after the copy)."""
    dialect = sqlite.dialect()
    for table in tables():
        yield str(CreateTable(table).compile(dialect=dialect))


def index_statements(target: str) -> Iterator[str]:
    """``CREATE INDEX`` for each of the store's tables, in the database attached as
    ``target`` (made after the copy: faster than keeping them up to date row by row); none
    over a column of a copied table that the store leaves blank (persons' NIR, birth year)."""
    dialect = sqlite.dialect()
    for table in tables():
        copied = PROJECTION.get(table.name)
        for index in table.indexes:
            if copied is not None and any(c.name not in copied for c in index.columns):
                continue
            statement = str(CreateIndex(index).compile(dialect=dialect))
            yield statement.replace(f" INDEX {index.name} ", f" INDEX {target}.{index.name} ", 1)


def _blank(column: Column[Any]) -> str:
    if column.nullable:
        return "NULL"
    if isinstance(column.type, Boolean | Integer):
        return "0"
    if isinstance(column.type, String | Text):
        return "''"
    raise ValueError(f"{column.table.name}.{column.name} needs a value in PROJECTION")


def copy_statements(source: str = "main", target: str = ALIAS) -> Iterator[str]:
    """``DELETE`` then ``INSERT … SELECT`` for each table, allowed columns only."""
    for table in reversed(tables()):
        yield f"DELETE FROM {target}.{table.name}"  # noqa: S608 (our own table names)
    for table in tables():
        allowed = PROJECTION.get(table.name)
        if allowed is None:
            continue
        names = [c.name for c in table.columns]
        values = [
            (allowed[c.name] or c.name) if c.name in allowed else _blank(c) for c in table.columns
        ]
        where = f" WHERE {ROWS[table.name]}" if table.name in ROWS else ""
        yield (
            f"INSERT INTO {target}.{table.name} ({', '.join(names)})"  # noqa: S608
            f" SELECT {', '.join(values)} FROM {source}.{table.name}{where}"
        )


def new_generation() -> str:
    return f"{datetime.now(UTC).isoformat(timespec='seconds')}/{secrets.token_hex(4)}"


MAX_MANAGER_ENTRIES = 100_000  # more than years of a manager's sessions


@dataclass(frozen=True)
class ManagerTrail:
    """What managers' sessions left in the store, once checked. ``problem`` says why it was
    refused whole (then ``entries`` is empty); ``broken`` is the first entry whose chain
    does not hold."""

    generation: str = ""
    entries: tuple[AuditEntry, ...] = ()
    broken: int | None = None
    public_keys: tuple[tuple[int, bytes], ...] = ()
    problem: str = ""


def plain_tables(store: Any, names: tuple[str, ...]) -> bool:
    """Whether each of ``names`` is an ordinary table (not a view, not a virtual table)."""
    marks = ", ".join("?" * len(names))
    found = {
        row[0]: (row[1], row[2] or "")
        for row in store.execute(
            f"SELECT name, type, sql FROM sqlite_master WHERE name IN ({marks})",  # noqa: S608
            names,
        )
    }
    return all(
        name in found
        and found[name][0] == "table"
        and found[name][1].lstrip().upper().startswith("CREATE TABLE")
        for name in names
    )


def _hex(value: Any, size: int) -> str:
    if not isinstance(value, str) or len(value) != 2 * size:
        raise ValueError("not a hash")
    bytes.fromhex(value)
    return value


def _short(value: Any, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError("not a short text")
    return value


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    seq, at, actor_id, action, record_type, record_id, detail, prev_hash, digest = row
    if not isinstance(seq, int) or not 0 < seq <= MAX_MANAGER_ENTRIES:
        raise ValueError("bad seq")
    if not isinstance(actor_id, int):
        raise ValueError("no actor")
    moment = datetime.fromisoformat(_short(at, 40))
    if moment.tzinfo is None:
        raise ValueError("naive moment")
    return AuditEntry(
        seq,
        moment,
        actor_id,
        AuditAction(_short(action, 16)),
        _short(record_type, 32),
        _short(record_id, 64),
        _short(detail, 200),
        _hex(prev_hash, 32),
        _hex(digest, 32),
    )


def read_manager_trail(store: Any, key: bytes) -> ManagerTrail:
    """Read and check the managers' entries and keys from an opened store (raises on a
    malformed value; the caller refuses the whole trail then)."""
    if not plain_tables(store, ("audit_log", "vault_meta", "users")):
        return ManagerTrail(problem="tables")
    rows = store.execute(
        "SELECT seq, at, actor_id, action, record_type, record_id, detail, prev_hash, hash"
        " FROM audit_log ORDER BY seq LIMIT ?",
        (MAX_MANAGER_ENTRIES + 1,),
    ).fetchall()
    if len(rows) > MAX_MANAGER_ENTRIES:
        return ManagerTrail(problem="too-many")
    entries = tuple(_entry(tuple(row)) for row in rows)
    found = store.execute(
        "SELECT value FROM vault_meta WHERE key = ? LIMIT 1", (GENERATION_KEY,)
    ).fetchone()
    generation = _short(found[0], 64) if found else ""
    keys = tuple(
        (int(user_id), bytes.fromhex(_hex(public, 32)))
        for user_id, public in store.execute(
            "SELECT id, slot_public FROM users WHERE slot_public IS NOT NULL LIMIT 1000"
        )
    )
    return ManagerTrail(generation, entries, first_broken(entries, key), keys)
