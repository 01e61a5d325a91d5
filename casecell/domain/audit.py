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

from casecell.compat import StrEnum
from casecell.i18n import _

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

    @property
    def label(self) -> str:
        return {
            AuditAction.LOGIN: _("login"),
            AuditAction.FAILED_LOGIN: _("failed login"),
            AuditAction.LOGOUT: _("logout"),
            AuditAction.READ: _("read"),
            AuditAction.WRITE: _("change"),
            AuditAction.EXPORT: _("export"),
            AuditAction.PRINT: _("print"),
            AuditAction.BACKUP: _("backup"),
            AuditAction.RESTORE: _("restore"),
            AuditAction.CHECK: _("check"),
        }[self]


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


def first_broken(
    entries: Iterable[AuditEntry], key: bytes, base: tuple[int, str] = (1, GENESIS_HASH)
) -> int | None:
    """The ``seq`` of the first entry whose chain does not hold, or None if all hold.

    ``entries`` must come in ``seq`` order. A gap in ``seq`` (a deleted entry) breaks the chain
    at the entry after the gap. ``base`` is where the trail starts: entry 1 on the genesis hash,
    or, once old entries were purged (retention), the first kept one and the hash it chains
    onto, as recorded by the purge.
    """
    expected_seq, previous = base  # after a purge, the first kept entry and what it chains on
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
    count: int,
    hash_at: Callable[[int], str | None],
    anchor: tuple[int, str],
    first_kept: int = 1,
) -> str:
    """What is wrong with a trail whose last entry is ``count`` against an anchor (count,
    head hash): ``"cut"`` when entries the anchor counted are gone, ``"rechained"`` when the
    anchored entry now has another hash, ``""`` when the trail extends the anchor (or when
    the anchored entry was purged by retention: before ``first_kept``, nothing to compare)."""
    anchored_count, anchored_head = anchor
    if anchored_count == 0 or anchored_count < first_kept:
        return ""
    if count < anchored_count:
        return "cut"
    if hash_at(anchored_count) != anchored_head:
        return "rechained"
    return ""
