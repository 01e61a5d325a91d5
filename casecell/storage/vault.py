"""The encrypted vault: one SQLCipher file, its key slots, its lock.

* The database key is 32 random bytes used as a raw SQLCipher key (``x'…'``): opening a
  connection costs no KDF. Users' passphrases only unwrap it (``keyslots``).
* The key is held in memory only while the vault is unlocked; :meth:`Vault.close` disposes of
  the engine and forgets it. The SQLAlchemy URL is built with ``URL.create`` and never
  rendered to a string (that would drop or leak the key).
* One process at a time opens a vault for work (a lock file beside it). Backups and checks may
  read it while another process has it open.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import sqlcipher3
from filelock import FileLock, Timeout
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from casecell.compat import UTC
from casecell.domain.audit import GENESIS_HASH
from casecell.domain.text import fold
from casecell.errors import (
    KnownError,
    UnknownUser,
    VaultDamaged,
    VaultError,
    VaultLocked,
    VaultReadOnly,
    WrongPassphrase,
    from_os_error,
)
from casecell.fileio import PRIVATE_FILE, ensure_private_dir, fsync_dir, touch_private
from casecell.i18n import _
from casecell.paths import VaultPaths
from casecell.storage import migrate, recovery, stats
from casecell.storage.keyslots import (
    DEFAULT_KDF,
    KEY_BYTES,
    NO_SLOT_SALT,
    AuditAnchor,
    KdfParams,
    KeyFile,
    KeySlot,
    OpenedSlot,
    SlotKind,
    manager_audit_key,
    read_keyfile,
    stats_key,
    write_keyfile,
)

log = logging.getLogger(__name__)

AUDIT_KEY = "audit_hmac_key"  # in vault_meta: never copied to the indicator store


class StatsNotReady(KnownError):
    """A manager's slot opened, but the indicator store is missing or out of date."""


class LegacySlots(VaultError):
    """Slots from before key pairs existed cannot be granted a new key without their owner."""

    def __init__(self, slot_ids: list[str]) -> None:
        self.slot_ids = slot_ids
        super().__init__(
            _(
                "Some accounts have not signed in since casecell was updated ({count}); "
                "they must sign in once before the keys can be changed."
            ).format(count=len(slot_ids))
        )


def _step(fault: Callable[[str], None] | None, name: str) -> None:
    if fault is not None:
        fault(name)


BUSY_TIMEOUT_S = 10
READ_ANCHOR_EVERY_S = 1.0


def _key_literal(key: bytes | bytearray) -> str:
    return f"x'{bytes(key).hex()}'"


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling skips BEGIN for DDL; we issue BEGIN ourselves.
    dbapi_connection.isolation_level = None
    dbapi_connection.create_function("casecell_fold", 1, _fold_or_none, deterministic=True)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA cipher_log_level = NONE")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA cache_size = -16384")  # 16 MB of decrypted pages per connection
    finally:
        cursor.close()


def _fold_or_none(value: str | None) -> str | None:
    return None if value is None else fold(value)


def _on_begin(connection: Connection) -> None:
    # Writers take the write lock at BEGIN, so a read never has to upgrade and fail with BUSY.
    options = connection.get_execution_options()
    if not options.get("casecell_write", False):
        connection.exec_driver_sql("BEGIN")
        return
    # A transaction whose only write is the audit entry of a read is committed without fsync:
    # in WAL mode it survives a crash of the program, and the next durable commit (every
    # other write) flushes it; only a power cut in between could lose it.
    durable = options.get("casecell_durable", True)
    connection.exec_driver_sql(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(database: Path, key: bytes | bytearray) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=_key_literal(key), database=str(database))
    engine = create_engine(
        url,
        poolclass=QueuePool,
        hide_parameters=True,  # SQL parameters may hold personal data: never in errors/logs
        pool_size=4,
        max_overflow=4,
        # The connection used last is taken again: its page cache is warm. SQLite empties a
        # connection's cache whenever another one has committed since (every audited read
        # commits its entry), so taking them in turn made every read start cold (a search
        # on 100,000 situations: 35 ms instead of 6).
        pool_use_lifo=True,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def raw_connect(database: Path, key: bytes | bytearray) -> Any:
    """A plain DB-API connection, for the backup API and verification of a copy."""
    connection = sqlcipher3.connect(str(database), timeout=BUSY_TIMEOUT_S)
    connection.execute(f'PRAGMA key = "{_key_literal(key)}"')
    connection.execute("PRAGMA cipher_log_level = NONE")
    return connection


def damaged(path: Path) -> VaultDamaged:
    return VaultDamaged(
        _(
            "The vault file “{path}” is damaged or is not a casecell vault. "
            "Restore a backup (casecell restore)."
        ).format(path=path)
    )


def translate_database_error(exc: SADatabaseError, database: Path) -> Exception:
    """A database failure the user can act on becomes a :class:`KnownError`; others stay."""
    message = str(exc.orig).lower()
    if "disk is full" in message or "disk i/o error" in message:
        return from_os_error(OSError(errno.ENOSPC, "disk full"), database)
    if isinstance(exc, OperationalError) and "locked" in message:
        return VaultLocked(_("The vault is busy; try again in a moment."))
    if "malformed" in message or "not a database" in message:
        return damaged(database)
    if any(hint in message for hint in READ_ONLY_HINTS):
        return read_only(database)
    return exc


# What SQLite says when the vault, or the folder its journal goes to, cannot be written: the
# file is intact, so it must not be called damaged.
READ_ONLY_HINTS = ("readonly database", "read-only", "unable to open database file")


def read_only(path: Path) -> VaultError:
    if path.exists() and not os.access(path, os.R_OK):
        return VaultReadOnly(
            _("Cannot read the vault “{path}”: permission denied. Check the file's rights.").format(
                path=path
            )
        )
    return VaultReadOnly(
        _(
            "The vault “{path}” cannot be written: the file or its folder is read-only "
            "(its rights, or a read-only medium). casecell needs to write beside it. "
            "Nothing was changed."
        ).format(path=path)
    )


def reraise_known(exc: SADatabaseError, database: Path) -> NoReturn:
    """Raise the :class:`KnownError` for ``exc`` if there is one, else ``exc`` itself."""
    translated = translate_database_error(exc, database)
    if translated is exc:
        raise exc
    raise translated from exc


def integrity_problems(connection: Any) -> list[str]:
    """SQLCipher page authentication, then SQLite's own structural check."""
    problems = [str(row[0]) for row in connection.execute("PRAGMA cipher_integrity_check")]
    rows = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        problems.extend(rows)
    return problems


class Vault:
    """An opened vault file: locked for this process, unlocked once a key slot opens."""

    def __init__(self, paths: VaultPaths, lock: FileLock | None, keyfile: KeyFile) -> None:
        self.paths = paths
        self._lock = lock
        self._keyfile = keyfile
        self._key: bytearray | None = None
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._write_sessions: sessionmaker[Session] | None = None
        self._audit_sessions: sessionmaker[Session] | None = None
        self._database = paths.vault  # the indicator store for a manager's slot
        self._audit_key: bytes | None = None
        self.nominative = True
        self.data_changed = False  # a write since unlocking marked the indicator store stale
        self.slot_id: str | None = None
        self.slot_kind = SlotKind.FULL
        self.opened_slot: KeySlot | None = None  # what the passphrase opened
        self._anchored_at = -READ_ANCHOR_EVERY_S
        self._target: VaultPaths | None = None  # where a new vault goes once complete
        self.notices: list[str] = []  # what the open finished or undid (storage/recovery.py)

    # -- opening ----------------------------------------------------------------------------
    @staticmethod
    def acquire_lock(paths: VaultPaths) -> FileLock:
        lock = FileLock(str(paths.lock), timeout=0, thread_local=False, mode=PRIVATE_FILE)
        try:
            lock.acquire()
        except Timeout:
            raise VaultLocked(
                _(
                    "This vault is already open in another casecell window or process. "
                    "Close it there first."
                )
            ) from None
        except OSError as exc:
            raise from_os_error(exc, paths.lock) from exc
        return lock

    @classmethod
    def create(cls, paths: VaultPaths) -> Vault:
        """A new, empty, migrated vault with no key slot yet (the caller adds the first one).

        It is built in a staging folder beside ``paths`` and moved into place by
        :meth:`publish` once complete: a process killed before leaves no vault, only a
        folder the next open removes. Refuses to overwrite anything; on failure removes
        what it created.
        """
        if not paths.folder.is_dir():
            raise KnownError(_("The folder “{folder}” does not exist.").format(folder=paths.folder))
        if paths.vault.exists():  # (a key file alone may be a creation to finish, below)
            cls._refuse_existing(paths)
        lock = cls.acquire_lock(paths)
        try:
            notices = recovery.recover(paths)
            cls._refuse_existing(paths)
            staging = paths.init_staging(secrets.token_hex(4))
            ensure_private_dir(staging, exist_ok=False)
            staged = VaultPaths(staging / paths.vault.name)
            touch_private(staged.vault)  # 0600 before SQLCipher writes a page (and -wal/-shm)
        except BaseException as exc:
            lock.release()
            if isinstance(exc, OSError):
                raise from_os_error(exc, paths.vault) from exc
            raise
        vault = cls(staged, lock, KeyFile.new())
        vault._target = paths
        vault.notices = notices
        try:
            vault._key = bytearray(secrets.token_bytes(KEY_BYTES))
            vault._start_engine()
            migrate.upgrade(vault.engine)
        except BaseException as exc:
            vault.discard()
            if isinstance(exc, OSError):
                raise from_os_error(exc, paths.vault) from exc
            if isinstance(exc, SADatabaseError):
                reraise_known(exc, paths.vault)
            raise
        return vault

    @staticmethod
    def _refuse_existing(paths: VaultPaths) -> None:
        if paths.vault.exists() or paths.keys.exists():
            raise VaultError(
                _("A vault already exists at “{path}”: it was not overwritten.").format(
                    path=paths.vault
                )
            )

    @property
    def staged(self) -> bool:
        """Whether this is a new vault still in its staging folder (see :meth:`publish`)."""
        return self._target is not None

    def publish(self, fault: Callable[[str], None] | None = None) -> None:
        """Move a new, complete vault from its staging folder into place, the database last,
        and carry on working on it there."""
        target = self._target
        if target is None:
            return
        self.close_engine()  # the last connection folds the WAL into the database
        recovery.publish(self.paths, target, fault)
        self.paths = target
        self._database = target.vault
        self._target = None
        self._start_engine()

    @classmethod
    def open(cls, paths: VaultPaths, *, exclusive: bool = True) -> Vault:
        """Open (not yet unlock) an existing vault. ``exclusive=False`` is for backups/checks.

        What a killed ``init`` or ``restore`` left is finished or undone first (under the
        lock; without it, only when nobody holds it): :attr:`notices` says what was done.
        """
        lock = cls.acquire_lock(paths) if exclusive else None
        try:
            notices = cls._recover(paths, lock)
            if not paths.vault.exists():
                raise VaultError(
                    _(
                        "No vault at “{path}”. Create one with “casecell init” or choose "
                        "another file with --vault."
                    ).format(path=paths.vault)
                )
            keyfile = read_keyfile(paths.keys)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        vault = cls(paths, lock, keyfile)
        vault.notices = notices
        return vault

    @classmethod
    def _recover(cls, paths: VaultPaths, lock: FileLock | None) -> list[str]:
        if lock is not None:
            return recovery.recover(paths)
        if paths.vault.exists() and not paths.restore_journal.exists():
            return []  # a reader leaves the tidying to the next exclusive open
        try:
            lock = cls.acquire_lock(paths)
        except VaultLocked:
            return []  # someone is at work on it
        try:
            return recovery.recover(paths)
        finally:
            lock.release()

    def unlock(self, login: str, passphrase: str) -> str:
        """Open ``login``'s slot and, with what it grants, the vault or the indicator store;
        return the slot's id.

        A full slot opens the vault (finishing a key rotation the database already went
        through); a manager's slot opens only the name-free indicator store. A failure is
        noted in the key file (no login, no passphrase) for the audit trail.
        """
        slot = self._keyfile.find(login)
        if slot is None:
            # Spend the same time as a real attempt so the answer does not reveal accounts.
            self._keyfile.decoy_kdf().derive(passphrase, NO_SLOT_SALT)
            self._note_failure(None)
            raise UnknownUser(_("Unknown user “{login}” in this vault.").format(login=login[:64]))
        try:
            opened = self._keyfile.open_slot(slot, passphrase)
        except WrongPassphrase:
            self._note_failure(slot.slot_id)
            raise
        self.opened_slot = slot
        try:
            if slot.kind is SlotKind.STATS:
                self._open_stats(opened)
            else:
                self._open_full(opened)
                if slot.legacy and self.exclusive:  # a version 1 slot: its key pair now
                    self.opened_slot = self.rewrap_slot(slot.slot_id, login, passphrase, slot.kdf)
        except SADatabaseError as exc:
            self.close()
            reraise_known(exc, self.paths.vault)
        except BaseException:
            self.close()
            raise
        self.slot_id = slot.slot_id
        self.slot_kind = slot.kind
        return slot.slot_id

    def _open_full(self, opened: OpenedSlot) -> None:
        self._key = bytearray(opened.secret)
        self._start_engine()
        if not self._readable():
            if opened.pending is None:
                raise damaged(self.paths.vault)
            # The database went through a rotation whose key file was not finished.
            self.close_engine()
            self._key = bytearray(opened.pending)
            self._start_engine()
            if not self._readable():
                raise damaged(self.paths.vault)
            if self.exclusive:  # only the process holding the vault finishes a rotation
                self._finish_rotation()
        elif self._keyfile.rotating and self.exclusive:
            # A rotation stopped before the database: the current key stays (the rotation
            # is recorded as due in the vault, and started again by the service).
            self._update_keys(lambda fresh: fresh.abandoned())
        state = migrate.state(self.engine)
        if state.current is None:
            # An empty or foreign file would otherwise become a brand-new vault.
            raise damaged(self.paths.vault)
        self.nominative = True
        if not state.up_to_date:
            migrate.upgrade(self.engine)
            # A migration may chain the trail anew (0007): anchor its new head.
            self.set_anchor(AuditAnchor(*self.audit_head()), first=True)

    def _open_stats(self, opened: OpenedSlot) -> None:
        not_ready = StatsNotReady(
            _(
                "The indicators of this vault are not ready yet: they are prepared each time "
                "a coordinator or an administrator closes the vault."
            )
        )
        if not self.paths.stats.exists():
            raise not_ready
        for key in (opened.secret, opened.pending):
            if key is None:
                continue
            self._key = bytearray(key)
            self._database = self.paths.stats
            self._start_engine()
            if self._readable(self.paths.stats):
                break
            self.close_engine()
        else:
            raise not_ready
        with self.engine.connect() as connection:
            built_for = connection.execute(
                text("SELECT value FROM vault_meta WHERE key = :k"), {"k": stats.REVISION_KEY}
            ).scalar()
        if built_for != migrate.head():
            raise not_ready
        self.nominative = False
        self._audit_key = manager_audit_key(bytes(self._key))

    def _start_engine(self) -> None:
        assert self._key is not None
        self._engine = make_engine(self._database, self._key)
        self._sessions = sessionmaker(bind=self._engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            bind=self._engine.execution_options(casecell_write=True), expire_on_commit=False
        )
        self._audit_sessions = sessionmaker(
            bind=self._engine.execution_options(casecell_write=True, casecell_durable=False),
            expire_on_commit=False,
        )

    def _readable(self, path: Path | None = None) -> bool:
        """Whether the engine's key opens the file (False for a wrong key or a foreign file)."""
        path = path or self.paths.vault
        if path.stat().st_size == 0:
            return False
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
        except SADatabaseError as exc:
            message = str(exc.orig).lower()
            if "not a database" in message or "malformed" in message:
                return False
            raise
        return True

    def _note_failure(self, slot_id: str | None) -> None:
        try:
            self._update_keys(lambda fresh: fresh.with_failure(slot_id))
        except KnownError:
            log.warning("could not note a failed unlock in the key file")

    def _update_keys(
        self, change: Callable[[KeyFile], KeyFile | None], *, durable: bool = True
    ) -> KeyFile:
        """Read the key file, change it, write it back — under ``casecell.keys.lock``, so that
        two processes (the window and a backup beside it) never lose each other's change."""
        lock = FileLock(str(self.paths.keys_lock), timeout=BUSY_TIMEOUT_S, mode=PRIVATE_FILE)
        try:
            lock.acquire()
        except Timeout:
            raise VaultLocked(_("The vault is busy; try again in a moment.")) from None
        except OSError as exc:
            raise from_os_error(exc, self.paths.keys_lock) from exc
        try:
            fresh = read_keyfile(self.paths.keys) if self.paths.keys.exists() else self._keyfile
            changed = change(fresh)
            if changed is not None:
                write_keyfile(self.paths.keys, changed, durable=durable)
                fresh = changed
            self._keyfile = fresh
            return fresh
        finally:
            lock.release()

    # -- state ------------------------------------------------------------------------------
    @property
    def unlocked(self) -> bool:
        return self._engine is not None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise VaultError(_("The vault is locked."))
        return self._engine

    def session(self, *, write: bool, durable: bool = True) -> Session:
        if not write:
            factory = self._sessions
        else:
            factory = self._write_sessions if durable else self._audit_sessions
        if factory is None:
            raise VaultError(_("The vault is locked."))
        return factory()

    @property
    def exclusive(self) -> bool:
        """Whether this process holds the vault's lock (not a backup beside the window)."""
        return self._lock is not None and self._lock.is_locked

    @property
    def vault_id(self) -> str:
        return self._keyfile.vault_id

    @property
    def audit_key(self) -> bytes:
        """The key chaining this database's audit entries (read once, after unlocking)."""
        if self._audit_key is None:
            with self.engine.connect() as connection:
                stored = connection.execute(
                    text("SELECT value FROM vault_meta WHERE key = :k"), {"k": AUDIT_KEY}
                ).scalar()
            if stored is None:
                raise damaged(self.paths.vault)
            self._audit_key = bytes.fromhex(stored)
        return self._audit_key

    def migration_state(self) -> migrate.MigrationState:
        if not self.nominative:
            with self.engine.connect() as connection:
                built_for = connection.execute(
                    text("SELECT value FROM vault_meta WHERE key = :k"), {"k": stats.REVISION_KEY}
                ).scalar()
            return migrate.MigrationState(current=built_for, head=migrate.head())
        return migrate.state(self.engine)

    def _require_full(self) -> bytearray:
        if self._key is None or not self.nominative:
            raise VaultError(_("The vault is locked."))
        return self._key

    # -- key slots --------------------------------------------------------------------------
    def _secret_for(self, kind: SlotKind) -> bytes:
        key = bytes(self._require_full())
        return key if kind is SlotKind.FULL else stats_key(key)

    def add_slot(
        self,
        login: str,
        passphrase: str,
        kdf: KdfParams = DEFAULT_KDF,
        kind: SlotKind = SlotKind.FULL,
    ) -> KeySlot:
        """A slot for ``login`` granting the key its ``kind`` opens."""
        secret = self._secret_for(kind)
        made: list[KeySlot] = []

        def add(fresh: KeyFile) -> KeyFile:
            if fresh.find(login) is not None:
                raise VaultError(_("A key slot already exists for this login."))
            made.append(fresh.make_slot(login, passphrase, secret, kdf, kind=kind))
            return fresh.with_slot(made[0])

        self._update_keys(add)
        return made[0]

    def check_passphrase(self, login: str, passphrase: str) -> str:
        """The id of ``login``'s slot if ``passphrase`` opens it; else :class:`WrongPassphrase`."""
        keyfile = read_keyfile(self.paths.keys)
        slot = keyfile.find(login)
        if slot is None:
            raise WrongPassphrase(_("Wrong passphrase."))
        keyfile.open_slot(slot, passphrase)
        return slot.slot_id

    def rewrap_slot(
        self,
        slot_id: str,
        login: str,
        passphrase: str,
        kdf: KdfParams = DEFAULT_KDF,
        kind: SlotKind | None = None,
    ) -> KeySlot:
        """A new key pair and passphrase for the same slot (the account keeps its id).

        Needs the key the slot grants: the vault's for any kind, or the indicator store's
        for a manager who changes their own passphrase.
        """
        made: list[KeySlot] = []

        def rewrap(fresh: KeyFile) -> KeyFile:
            current = fresh.get(slot_id)
            chosen = kind or (current.kind if current is not None else SlotKind.FULL)
            if self.nominative:
                secret = self._secret_for(chosen)
            elif chosen is SlotKind.STATS and self._key is not None:
                secret = bytes(self._key)
            else:
                raise VaultError(_("The vault is locked."))
            made.append(
                fresh.make_slot(login, passphrase, secret, kdf, slot_id=slot_id, kind=chosen)
            )
            return fresh.with_slot(made[0], replacing=slot_id)

        self._update_keys(rewrap)
        return made[0]

    def keyfile_snapshot(self) -> KeyFile:
        return read_keyfile(self.paths.keys)

    def restore_keyfile(self, snapshot: KeyFile) -> None:
        self._update_keys(lambda _fresh: snapshot)

    def remove_slot(self, slot_id: str) -> None:
        self._update_keys(lambda fresh: fresh.without_slot(slot_id))

    def remove_slots_except(self, kept: set[str]) -> list[str]:
        """Drop the slots of no active account (a crash between two steps); their ids."""
        orphans: list[str] = []

        def drop(fresh: KeyFile) -> KeyFile | None:
            orphans.extend(s.slot_id for s in fresh.slots if s.slot_id not in kept)
            if not orphans:
                return None
            return replace(fresh, slots=[s for s in fresh.slots if s.slot_id in kept])

        self._update_keys(drop)
        return orphans

    def slots(self) -> list[KeySlot]:
        return list(read_keyfile(self.paths.keys).slots)

    def pending_failures(self) -> list[dict[str, str | None]]:
        return list(read_keyfile(self.paths.keys).failed_attempts)

    def clear_failures(self, count: int) -> None:
        """Forget the first ``count`` noted failures (they are now in the audit trail)."""
        self._update_keys(
            lambda fresh: replace(fresh, failed_attempts=fresh.failed_attempts[count:])
        )

    # -- key rotation -----------------------------------------------------------------------
    def rotate_key(
        self,
        grantees: dict[str, tuple[SlotKind, bytes]],
        fault: Callable[[str], None] | None = None,
    ) -> None:
        """Re-encrypt the vault under a new key and grant it to every remaining account.

        ``grantees`` maps each active account's slot id to its kind and public key *as the
        vault's database records them* (the key file is not trusted for that: anyone may edit
        it). A slot not in ``grantees`` is dropped.

        Crash-safe: (1) every slot gets the new key as a *pending* grant beside its current
        one; (2) ``PRAGMA rekey`` re-encrypts the database in one transaction; (3) the
        indicator store, derived from the old key, is deleted (rebuilt later); (4) the
        pending grants become the grants. Killed anywhere, the vault opens with the old
        credentials (before 2) or the new ones (after 2), and the next opening by the
        process holding the vault finishes or forgets the rotation. Only that process may
        rotate. ``fault`` is for tests: it is called with each step's name.
        """
        if not self.exclusive:
            raise VaultError(_("The vault is open elsewhere: its key cannot change now."))
        old = bytes(self._require_full())
        new = secrets.token_bytes(KEY_BYTES)
        new_stats = stats_key(new)

        def grant(fresh: KeyFile) -> KeyFile:
            kept = [s for s in fresh.slots if s.slot_id in grantees]
            if any(s.legacy for s in kept):
                raise LegacySlots([s.slot_id for s in kept if s.legacy])
            slots = []
            for slot in kept:
                kind, public = grantees[slot.slot_id]
                secret = new if kind is SlotKind.FULL else new_stats
                slots.append(fresh.regranted(slot, secret, kind, public, pending=True))
            return replace(fresh, slots=slots)

        self._update_keys(grant)
        _step(fault, "pending")
        self.close_engine()
        connection = raw_connect(self.paths.vault, old)
        try:
            connection.execute(f'PRAGMA rekey = "{_key_literal(new)}"')
        finally:
            connection.close()
        self._key = bytearray(new)
        _step(fault, "rekeyed")
        self._start_engine()
        self._finish_rotation(fault)

    def _finish_rotation(self, fault: Callable[[str], None] | None = None) -> None:
        """Steps 3 and 4 of :meth:`rotate_key`, once the database has the new key."""
        for path in self.paths.derived():
            path.unlink(missing_ok=True)
        _step(fault, "stats-dropped")
        self._update_keys(lambda fresh: fresh.promoted())

    # -- the indicator store ----------------------------------------------------------------
    def refresh_stats(self) -> None:
        """Rebuild the name-free indicator store from the vault (atomically: a temporary file
        renamed over the old one)."""
        key = stats_key(self._require_full())
        with self.engine.connect() as connection:
            revision = connection.exec_driver_sql(
                "SELECT version_num FROM alembic_version"
            ).scalar()
        if revision != migrate.head():
            return  # a vault being migrated (tests, support): its next opening rebuilds it
        target = self.paths.stats
        building = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            touch_private(building)
            store = raw_connect(building, key)
            try:
                for statement in stats.schema_statements():
                    store.execute(statement)
                store.commit()
            finally:
                store.close()
            with self.raw_connection() as connection:
                connection.execute(
                    f'ATTACH DATABASE ? AS {stats.ALIAS} KEY "{_key_literal(key)}"',
                    (str(building),),
                )
                # A new file, renamed in only once complete (a failure deletes it): no
                # rollback journal; room for its pages, and index sorts kept in memory rather
                # than in temporary files (about 0.5 s of 3 on 100,000 situations).
                connection.execute(f"PRAGMA {stats.ALIAS}.journal_mode = OFF")
                connection.execute(f"PRAGMA {stats.ALIAS}.cache_size = -65536")
                connection.execute("PRAGMA temp_store = MEMORY")
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    for statement in stats.copy_statements():
                        connection.execute(statement)
                    for statement in stats.index_statements(stats.ALIAS):
                        connection.execute(statement)
                    for meta_key, value in (
                        (stats.REVISION_KEY, migrate.head()),
                        (stats.GENERATION_KEY, stats.new_generation()),
                        (stats.REFRESHED_KEY, datetime.now(UTC).isoformat(timespec="seconds")),
                    ):
                        connection.execute(
                            f"INSERT INTO {stats.ALIAS}.vault_meta (key, value) VALUES (?, ?)",  # noqa: S608
                            (meta_key, value),
                        )
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                finally:
                    connection.execute(f"DETACH DATABASE {stats.ALIAS}")
                    connection.execute("PRAGMA temp_store = DEFAULT")  # back to the pool as it was
            for path in self.paths.derived()[1:]:
                path.unlink(missing_ok=True)
            os.replace(building, target)
            fsync_dir(target.parent)
        except OSError as exc:
            raise from_os_error(exc, target) from exc
        finally:
            building.unlink(missing_ok=True)
            building.with_name(building.name + "-journal").unlink(missing_ok=True)

    def remove_stale_builds(self) -> None:
        """Indicator stores a killed rebuild left half-built beside the vault."""
        for leftover in self.paths.folder.glob(f".{self.paths.stats.name}.*.tmp*"):
            leftover.unlink(missing_ok=True)

    def stats_current(self) -> bool:
        """Whether the indicator store exists, opens with this vault's key and has the
        tables of this build (a store left by a rotation or an older casecell does not)."""
        key = stats_key(self._require_full())
        if not self.paths.stats.exists():
            return False
        store = raw_connect(self.paths.stats, key)
        try:
            if not stats.plain_tables(store, ("vault_meta",)):
                return False
            row = store.execute(
                "SELECT value FROM vault_meta WHERE key = ? LIMIT 1", (stats.REVISION_KEY,)
            ).fetchone()
        except sqlcipher3.DatabaseError:
            return False
        finally:
            store.close()
        return row is not None and row[0] == migrate.head()

    def take_manager_entries(self) -> stats.ManagerTrail:
        """What managers' sessions wrote in the indicator store: audit entries and new public
        keys, read defensively — a manager holds that store's key and may have written
        anything there (views, huge or malformed rows): nothing is trusted before checking."""
        key = stats_key(self._require_full())
        if not self.paths.stats.exists():
            return stats.ManagerTrail()
        store = raw_connect(self.paths.stats, key)
        try:
            return stats.read_manager_trail(store, manager_audit_key(key))
        except (sqlcipher3.DatabaseError, ValueError, TypeError, OverflowError):
            return stats.ManagerTrail(problem="unreadable")
        finally:
            store.close()

    # -- maintenance ------------------------------------------------------------------------
    @contextlib.contextmanager
    def raw_connection(self) -> Iterator[Any]:
        connection = self.engine.raw_connection()
        try:
            yield connection.dbapi_connection
        finally:
            connection.close()

    def integrity(self) -> list[str]:
        try:
            with self.raw_connection() as connection:
                return integrity_problems(connection)
        except SADatabaseError as exc:
            return [str(exc.orig)]
        except sqlcipher3.DatabaseError as exc:
            return [str(exc)]

    def backup_database_to(self, target: Path) -> None:
        """Copy the live database into ``target`` with SQLite's online backup API."""
        key = self._require_full()
        destination = raw_connect(target, key)
        try:
            with self.raw_connection() as source:
                source.backup(destination)
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()

    # -- the audit anchor -------------------------------------------------------------------
    def audit_head(self) -> tuple[int, str]:
        with self.engine.connect() as connection:
            row = connection.exec_driver_sql(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
            ).first()
        return (0, GENESIS_HASH) if row is None else (int(row[0]), str(row[1]))

    def anchor(self) -> AuditAnchor | None:
        return read_keyfile(self.paths.keys).anchor

    def set_anchor(self, anchor: AuditAnchor, *, first: bool = False, durable: bool = True) -> None:
        """Record the trail's head in the key file. It never moves backwards, nor onto a
        trail that no longer extends it (the old anchor stays, as evidence). ``first`` is for
        a vault whose key file has no anchor yet (an upgrade): it is never forced over one."""
        if not self.nominative:
            return
        if not durable:
            now = time.monotonic()
            if now - self._anchored_at < READ_ANCHOR_EVERY_S:
                return  # reads: at most once a second (writes and the sign-out: always)
            self._anchored_at = now

        def move(fresh: KeyFile) -> KeyFile | None:
            old = fresh.anchor
            if old is not None and old.count > 0:
                if first or old.count > anchor.count:
                    return None
                with self.engine.connect() as connection:
                    anchored = connection.exec_driver_sql(
                        "SELECT hash FROM audit_log WHERE seq = ?", (old.count,)
                    ).scalar()
                if anchored != old.head:
                    return None
            return replace(fresh, anchor=anchor)

        self._update_keys(move, durable=durable)

    def close_engine(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        self._sessions = None
        self._write_sessions = None
        self._audit_sessions = None

    def close(self) -> None:
        """Lock: dispose of the engine, forget the keys, release the file lock."""
        self.close_engine()
        if self._key is not None:
            for i in range(len(self._key)):
                self._key[i] = 0
        self._key = None
        self._audit_key = None
        self._database = self.paths.vault
        if self._lock is not None and self._lock.is_locked:
            self._lock.release()
        self._lock = None

    def discard(self) -> None:
        """Close and delete a vault whose creation did not finish."""
        staged = self._target is not None
        self.close()
        if staged:
            # Once marked complete, part of it may be in place already: the next open
            # finishes the move (storage/recovery.py) rather than leave a key file alone.
            if not (self.paths.folder / recovery.COMPLETE_MARKER).exists():
                shutil.rmtree(self.paths.folder, ignore_errors=True)
            return
        for leftover in [self.paths.vault, self.paths.keys, *self.paths.companions()]:
            leftover.unlink(missing_ok=True)

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
