"""Audit trail chained with an HMAC under a key kept in the vault (no longer plain SHA-256).

The existing entries are checked against their SHA-256 chain, then chained again under the
new key; a chain that was already broken is remembered (``audit_legacy_broken_at``) so that
``casecell check`` keeps reporting it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from datetime import datetime

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
KEY = "audit_hmac_key"
LEGACY_BROKEN = "audit_legacy_broken_at"


def _payload(prev: str, row: tuple) -> bytes:  # type: ignore[type-arg]
    seq, at, actor_id, action, record_type, record_id, detail = row[:7]
    fields = [prev, seq, datetime.fromisoformat(at).isoformat(), actor_id, action]
    fields += [record_type, record_id, detail]
    return json.dumps(fields, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _rechain(sign: Callable[[bytes], str], check: Callable[[bytes], str] | None) -> int | None:
    """Chain every entry again with ``sign``; return the first entry ``check`` refused."""
    connection = op.get_bind()
    rows = connection.exec_driver_sql(
        "SELECT seq, at, actor_id, action, record_type, record_id, detail, prev_hash, hash"
        " FROM audit_log ORDER BY seq"
    ).fetchall()
    broken = None
    old_prev, new_prev, expected = GENESIS, GENESIS, 1
    for row in rows:
        intact = row[0] == expected and row[7] == old_prev
        if (
            check is not None
            and broken is None
            and not (intact and row[8] == check(_payload(old_prev, row)))
        ):
            broken = row[0]
        old_prev, expected = row[8], expected + 1
        digest = sign(_payload(new_prev, row))
        connection.exec_driver_sql(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (new_prev, digest, row[0])
        )
        new_prev = digest
    return broken


def upgrade() -> None:
    key = secrets.token_bytes(32)
    broken = _rechain(lambda p: hmac.new(key, p, hashlib.sha256).hexdigest(), _sha256)
    connection = op.get_bind()
    connection.exec_driver_sql(
        "INSERT INTO vault_meta (key, value) VALUES (?, ?)", (KEY, key.hex())
    )
    if broken is not None:
        connection.exec_driver_sql(
            "INSERT INTO vault_meta (key, value) VALUES (?, ?)", (LEGACY_BROKEN, str(broken))
        )


def downgrade() -> None:
    _rechain(_sha256, None)
    op.get_bind().exec_driver_sql(
        "DELETE FROM vault_meta WHERE key IN (?, ?)", (KEY, LEGACY_BROKEN)
    )
