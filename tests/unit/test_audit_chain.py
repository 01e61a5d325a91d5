from dataclasses import replace
from datetime import UTC, datetime, timedelta

from casecell.domain.audit import GENESIS_HASH, AuditAction, AuditEntry, entry_hash, first_broken


def chain(n: int) -> list[AuditEntry]:
    entries = []
    prev = GENESIS_HASH
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    for seq in range(1, n + 1):
        at = start + timedelta(minutes=seq)
        digest = entry_hash(prev, seq, at, 1, AuditAction.WRITE, "user", str(seq), "")
        entries.append(
            AuditEntry(seq, at, 1, AuditAction.WRITE, "user", str(seq), "", prev, digest)
        )
        prev = digest
    return entries


def test_an_intact_chain_has_no_broken_entry():
    assert first_broken(chain(5)) is None
    assert first_broken([]) is None


def test_an_edited_entry_is_named():
    entries = chain(5)
    entries[2] = replace(entries[2], action=AuditAction.READ)
    assert first_broken(entries) == 3


def test_a_deleted_entry_breaks_the_chain_at_the_next_one():
    entries = chain(5)
    del entries[1]
    assert first_broken(entries) == 3


def test_rehashing_one_entry_still_breaks_the_following_one():
    entries = chain(4)
    forged = replace(entries[1], record_id="999")
    forged = replace(
        forged,
        hash=entry_hash(
            forged.prev_hash, 2, forged.at, 1, forged.action, "user", "999", forged.detail
        ),
    )
    entries[1] = forged
    assert first_broken(entries) == 3
