"""The audit trail: who did what to which record, each entry chained to the previous one.

An entry's hash covers its own fields and the previous entry's hash, so editing or deleting
any entry breaks every hash after it; :func:`first_broken` names the first entry that does
not match. Entries hold identifiers, never names or free text about people.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

GENESIS_HASH = "0" * 64


class AuditAction(StrEnum):
    LOGIN = "login"
    FAILED_LOGIN = "failed_login"
    LOGOUT = "logout"
    READ = "read"
    WRITE = "write"
    EXPORT = "export"
    PRINT = "print"
    BACKUP = "backup"
    RESTORE = "restore"
    CHECK = "check"


@dataclass(frozen=True)
class AuditEntry:
    """One line of the trail. ``actor_id`` is None for a failed login by an unknown account."""

    seq: int
    at: datetime
    actor_id: int | None
    action: AuditAction
    record_type: str
    record_id: str
    detail: str
    prev_hash: str
    hash: str


def entry_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: AuditAction | str,
    record_type: str,
    record_id: str,
    detail: str,
) -> str:
    """SHA-256 over a canonical JSON of the fields and the previous hash."""
    payload = json.dumps(
        [prev_hash, seq, at.isoformat(), actor_id, str(action), record_type, record_id, detail],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def first_broken(entries: Iterable[AuditEntry]) -> int | None:
    """The ``seq`` of the first entry whose chain does not hold, or None if all hold.

    ``entries`` must come in ``seq`` order. A gap in ``seq`` (a deleted entry) breaks the chain
    at the entry after the gap.
    """
    previous = GENESIS_HASH
    expected_seq = 1
    for entry in entries:
        recomputed = entry_hash(
            previous,
            entry.seq,
            entry.at,
            entry.actor_id,
            entry.action,
            entry.record_type,
            entry.record_id,
            entry.detail,
        )
        if entry.seq != expected_seq or entry.prev_hash != previous or entry.hash != recomputed:
            return entry.seq
        previous = entry.hash
        expected_seq += 1
    return None
