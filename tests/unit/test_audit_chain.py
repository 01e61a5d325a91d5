from dataclasses import replace
from datetime import datetime, timedelta

from casecell.compat import UTC
from casecell.domain.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditEntry,
    anchor_problem,
    entry_hash,
    first_broken,
)

KEY = bytes(range(32))


def chain(n: int, key: bytes = KEY) -> list[AuditEntry]:
    entries = []
    prev = GENESIS_HASH
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    for seq in range(1, n + 1):
        at = start + timedelta(minutes=seq)
        digest = entry_hash(key, prev, seq, at, 1, AuditAction.WRITE, "user", str(seq), "")
        entries.append(
            AuditEntry(seq, at, 1, AuditAction.WRITE, "user", str(seq), "", prev, digest)
        )
        prev = digest
    return entries


def test_an_intact_chain_has_no_broken_entry():
    assert first_broken(chain(5), KEY) is None
    assert first_broken([], KEY) is None


def test_an_edited_entry_is_named():
    entries = chain(5)
    entries[2] = replace(entries[2], action=AuditAction.READ)
    assert first_broken(entries, KEY) == 3


def test_a_deleted_entry_breaks_the_chain_at_the_next_one():
    entries = chain(5)
    del entries[1]
    assert first_broken(entries, KEY) == 3


def test_rehashing_one_entry_still_breaks_the_following_one():
    entries = chain(4)
    forged = replace(entries[1], record_id="999")
    forged = replace(
        forged,
        hash=entry_hash(
            KEY, forged.prev_hash, 2, forged.at, 1, forged.action, "user", "999", forged.detail
        ),
    )
    entries[1] = forged
    assert first_broken(entries, KEY) == 3


def test_a_chain_made_without_the_key_is_refused_from_its_first_entry():
    forged = chain(5, key=b"someone else's key guess".ljust(32, b"!"))
    assert first_broken(forged, KEY) == 1


def test_the_anchor_catches_a_cut_tail_and_a_rechained_trail():
    entries = chain(6)
    anchor = (5, entries[4].hash)

    def hash_at(trail: list[AuditEntry]):
        return lambda seq: trail[seq - 1].hash if seq <= len(trail) else None

    assert anchor_problem(6, hash_at(entries), anchor) == ""
    assert anchor_problem(5, hash_at(entries[:5]), anchor) == ""
    assert anchor_problem(3, hash_at(entries[:3]), anchor) == "cut"
    rechained = chain(6)
    rechained[1] = replace(rechained[1], record_id="999")
    rechained = [*rechained[:1], *_rechain(rechained[1:], rechained[0].hash)]
    assert first_broken(rechained, KEY) is None  # the chain alone cannot tell
    assert anchor_problem(6, hash_at(rechained), anchor) == "rechained"
    assert anchor_problem(4, hash_at(entries[:4]), (0, GENESIS_HASH)) == ""


def _rechain(entries: list[AuditEntry], prev: str) -> list[AuditEntry]:
    out = []
    for e in entries:
        digest = entry_hash(
            KEY, prev, e.seq, e.at, e.actor_id, e.action, e.record_type, e.record_id, e.detail
        )
        out.append(replace(e, prev_hash=prev, hash=digest))
        prev = digest
    return out
