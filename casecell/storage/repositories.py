"""Repositories: the only code that queries the mapped tables for services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casecell.compat import UTC
from casecell.domain.audit import GENESIS_HASH, AuditAction, AuditEntry, entry_hash, first_broken
from casecell.domain.users import Role, User
from casecell.storage.orm import AuditRow, MetaRow, UserRow, utc_text


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        login=row.login,
        display_name=row.display_name,
        role=Role(row.role),
        active=row.active,
        created_at=row.created_at,
        organisation_id=row.organisation_id,
    )


class UserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        login: str,
        display_name: str,
        role: Role,
        slot: tuple[str, bytes | None],
        created_at: datetime,
        organisation_id: int | None = None,
    ) -> User:
        slot_id, public = slot
        row = UserRow(
            login=login,
            display_name=display_name,
            role=role.value,
            slot_id=slot_id,
            slot_public=None if public is None else public.hex(),
            active=True,
            created_at=created_at,
            organisation_id=organisation_id,
        )
        self._session.add(row)
        self._session.flush()
        return _user(row)

    def by_login(self, login: str) -> User | None:
        row = self._session.scalar(select(UserRow).where(UserRow.login == login))
        return None if row is None else _user(row)

    def get(self, user_id: int) -> User | None:
        row = self._session.get(UserRow, user_id)
        return None if row is None else _user(row)

    def slot_of(self, user_id: int) -> str | None:
        return self._session.scalar(select(UserRow.slot_id).where(UserRow.id == user_id))

    def public_of(self, user_id: int) -> bytes | None:
        """The public key recorded for the account's slot (None before key pairs)."""
        public = self._session.scalar(select(UserRow.slot_public).where(UserRow.id == user_id))
        return bytes.fromhex(public) if public else None

    def set_slot_public(self, user_id: int, public: bytes | None) -> None:
        """After a new key pair (passphrase change, upgrade of an old slot)."""
        row = self._session.get_one(UserRow, user_id)
        row.slot_public = None if public is None else public.hex()

    def grantees(self) -> dict[str, tuple[Role, bytes | None]]:
        """Each active account's slot id → (role, public key as recorded)."""
        rows = self._session.execute(
            select(UserRow.slot_id, UserRow.role, UserRow.slot_public).where(
                UserRow.active.is_(True), UserRow.slot_id.is_not(None)
            )
        )
        return {
            str(slot_id): (Role(role), bytes.fromhex(public) if public else None)
            for slot_id, role, public in rows
        }

    def deactivate(self, user_id: int) -> None:
        row = self._session.get_one(UserRow, user_id)
        row.active = False
        row.slot_id = None
        row.slot_public = None

    def list(self) -> list[User]:
        rows = self._session.scalars(select(UserRow).order_by(UserRow.login))
        return [_user(r) for r in rows]

    def id_for_slot(self, slot_id: str) -> int | None:
        return self._session.scalar(select(UserRow.id).where(UserRow.slot_id == slot_id))


AUDIT_BASE_KEY = "audit_base"  # vault_meta: "seq:prev_hash" of the first entry kept by a purge


class AuditRepository:
    """Append-only, HMAC-chained under ``key``. Appends happen inside the caller's write
    transaction, so two writers cannot both extend the same head (the vault begins writes
    IMMEDIATE). :attr:`appended` is the head after this unit of work's last append."""

    def __init__(self, session: Session, key: Callable[[], bytes]) -> None:
        self._session = session
        self._key = key
        self.appended: tuple[int, str] | None = None

    def _head(self) -> tuple[int, str]:
        row = (
            self._session.connection()
            .exec_driver_sql("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .first()
        )
        return (0, GENESIS_HASH) if row is None else (row[0], row[1])

    def append(
        self,
        at: datetime,
        actor_id: int | None,
        action: AuditAction,
        record_type: str = "",
        record_id: str = "",
        detail: str = "",
    ) -> None:
        """Chain one entry onto the trail (driver-level SQL: every read pays for this)."""
        self._session.flush()  # entries follow the writes they describe
        at = at.astimezone(UTC)  # hashed exactly as stored and read back
        last_seq, prev = self._head()
        seq = last_seq + 1
        digest = entry_hash(
            self._key(), prev, seq, at, actor_id, action, record_type, record_id, detail
        )
        self._session.connection().exec_driver_sql(
            "INSERT INTO audit_log (seq, at, actor_id, action, record_type, record_id, detail, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                utc_text(at),
                actor_id,
                action.value,
                record_type,
                record_id,
                detail,
                prev,
                digest,
            ),
        )
        self.appended = (seq, digest)

    def entries(self, batch: int = 2000) -> Iterator[AuditEntry]:
        """Every entry in ``seq`` order, read in batches (the trail can be long)."""
        after = 0
        while True:
            rows = self._session.scalars(
                select(AuditRow).where(AuditRow.seq > after).order_by(AuditRow.seq).limit(batch)
            ).all()
            if not rows:
                return
            for row in rows:
                yield _entry(row)
            after = rows[-1].seq

    def latest(self, limit: int) -> list[AuditEntry]:
        rows = self._session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit))
        return [_entry(r) for r in rows]

    def count(self) -> int:
        return int(self._session.scalar(select(func.count()).select_from(AuditRow)) or 0)

    def head(self) -> tuple[int, str]:
        """The last entry's ``seq`` and hash (``0`` and the genesis hash for an empty trail)."""
        return self._head()

    def hash_at(self, seq: int) -> str | None:
        return self._session.scalar(select(AuditRow.hash).where(AuditRow.seq == seq))

    def base(self) -> tuple[int, str]:
        """Where the trail starts: (1, genesis), or what the last purge recorded."""
        stored = self._session.scalar(select(MetaRow.value).where(MetaRow.key == AUDIT_BASE_KEY))
        if stored is None:
            return 1, GENESIS_HASH
        seq, _sep, prev = stored.partition(":")
        return int(seq), prev

    def set_base(self, seq: int, prev_hash: str) -> None:
        row = self._session.get(MetaRow, AUDIT_BASE_KEY)
        value = f"{seq}:{prev_hash}"
        if row is None:
            self._session.add(MetaRow(key=AUDIT_BASE_KEY, value=value))
        else:
            row.value = value

    def verify(self) -> int | None:
        """The ``seq`` of the first entry whose chain does not hold, or None."""
        return first_broken(self.entries(), self._key(), self.base())


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor_id=row.actor_id,
        action=AuditAction(row.action),
        record_type=row.record_type,
        record_id=row.record_id,
        detail=row.detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class MetaRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, key: str) -> str | None:
        row = self._session.get(MetaRow, key)
        return None if row is None else row.value

    def set(self, key: str, value: str) -> None:
        row = self._session.get(MetaRow, key)
        if row is None:
            self._session.add(MetaRow(key=key, value=value))
        else:
            row.value = value
