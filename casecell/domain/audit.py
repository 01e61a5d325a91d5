"""The audit trail: who did what to which record, each entry chained to the previous one.

An entry's hash is an HMAC-SHA256, under a key only the vault's key reveals, over its own
fields and the previous entry's hash: editing or deleting any entry breaks every hash after
it (:func:`first_broken` names the first that does not match), and nobody without the key can
forge a chain. A cut tail or a re-chained trail is caught by comparing with an *anchor*
(count and head hash) kept outside the database (:func:`anchor_problem`). Entries hold
identifiers, never names or free text about people.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
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
    key: bytes,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: AuditAction | str,
    record_type: str,
    record_id: str,
    detail: str,
) -> str:
    """HMAC-SHA256 under ``key`` over a canonical JSON of the fields and the previous hash."""
    payload = json.dumps(
        [prev_hash, seq, at.isoformat(), actor_id, str(action), record_type, record_id, detail],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hmac.new(key, payload.encode("ascii"), hashlib.sha256).hexdigest()


def first_broken(entries: Iterable[AuditEntry], key: bytes) -> int | None:
    """The ``seq`` of the first entry whose chain does not hold, or None if all hold.

    ``entries`` must come in ``seq`` order. A gap in ``seq`` (a deleted entry) breaks the chain
    at the entry after the gap.
    """
    previous = GENESIS_HASH
    expected_seq = 1
    for entry in entries:
        recomputed = entry_hash(
            key,
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


def anchor_problem(
    count: int, hash_at: Callable[[int], str | None], anchor: tuple[int, str]
) -> str:
    """What is wrong with a trail of ``count`` entries against an anchor (count, head hash):
    ``"cut"`` when entries the anchor counted are gone, ``"rechained"`` when the anchored
    entry now has another hash, ``""`` when the trail extends the anchor."""
    anchored_count, anchored_head = anchor
    if anchored_count == 0:
        return ""
    if count < anchored_count:
        return "cut"
    if hash_at(anchored_count) != anchored_head:
        return "rechained"
    return ""
