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
import secrets
from collections.abc import Iterator
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

from casecell.domain.text import fold
from casecell.errors import (
    KnownError,
    UnknownUser,
    VaultDamaged,
    VaultError,
    VaultLocked,
    WrongPassphrase,
    from_os_error,
)
from casecell.fileio import PRIVATE_FILE, touch_private
from casecell.i18n import _
from casecell.paths import VaultPaths
from casecell.storage import migrate
from casecell.storage.keyslots import (
    DEFAULT_KDF,
    KEY_BYTES,
    KdfParams,
    KeyFile,
    read_keyfile,
    write_keyfile,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10


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
    return exc


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

        Refuses to overwrite anything; on failure removes what it created.
        """
        if not paths.folder.is_dir():
            raise KnownError(_("The folder “{folder}” does not exist.").format(folder=paths.folder))
        if paths.vault.exists() or paths.keys.exists():
            raise VaultError(
                _("A vault already exists at “{path}”: it was not overwritten.").format(
                    path=paths.vault
                )
            )
        lock = cls.acquire_lock(paths)
        try:
            touch_private(paths.vault)  # 0600 before SQLCipher writes a page (and its -wal/-shm)
        except OSError as exc:
            lock.release()
            raise from_os_error(exc, paths.vault) from exc
        vault = cls(paths, lock, KeyFile.new())
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

    @classmethod
    def open(cls, paths: VaultPaths, *, exclusive: bool = True) -> Vault:
        """Open (not yet unlock) an existing vault. ``exclusive=False`` is for backups/checks."""
        if not paths.vault.exists():
            raise VaultError(
                _(
                    "No vault at “{path}”. Create one with “casecell init” or choose another "
                    "file with --vault."
                ).format(path=paths.vault)
            )
        lock = cls.acquire_lock(paths) if exclusive else None
        try:
            keyfile = read_keyfile(paths.keys)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return cls(paths, lock, keyfile)

    def unlock(self, login: str, passphrase: str) -> str:
        """Unwrap the database key with ``login``'s slot; return that slot's id.

        A failure is noted in the key file (no login, no passphrase) for the audit trail.
        """
        slot = self._keyfile.find(login)
        if slot is None:
            # Spend the same time as a real attempt so the answer does not reveal accounts.
            cost = self._keyfile.slots[0].kdf if self._keyfile.slots else DEFAULT_KDF
            cost.derive(passphrase, b"casecell-no-slot")
            self._note_failure(None)
            raise UnknownUser(_("Unknown user “{login}” in this vault.").format(login=login[:64]))
        try:
            key = self._keyfile.unwrap(slot, passphrase)
        except WrongPassphrase:
            self._note_failure(slot.slot_id)
            raise
        self._key = bytearray(key)
        try:
            self._start_engine()
            self._verify_readable()
            state = migrate.state(self.engine)
            if state.current is None:
                # An empty or foreign file would otherwise become a brand-new vault.
                raise damaged(self.paths.vault)
            if not state.up_to_date:
                migrate.upgrade(self.engine)
        except SADatabaseError as exc:
            self.close()
            reraise_known(exc, self.paths.vault)
        except BaseException:
            self.close()
            raise
        return slot.slot_id

    def _start_engine(self) -> None:
        assert self._key is not None
        self._engine = make_engine(self.paths.vault, self._key)
        self._sessions = sessionmaker(bind=self._engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            bind=self._engine.execution_options(casecell_write=True), expire_on_commit=False
        )
        self._audit_sessions = sessionmaker(
            bind=self._engine.execution_options(casecell_write=True, casecell_durable=False),
            expire_on_commit=False,
        )

    def _verify_readable(self) -> None:
        if self.paths.vault.stat().st_size == 0:
            raise damaged(self.paths.vault)
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
        except SADatabaseError as exc:
            raise damaged(self.paths.vault) from exc

    def _note_failure(self, slot_id: str | None) -> None:
        try:
            fresh = read_keyfile(self.paths.keys)
            self._keyfile = fresh.with_failure(slot_id)
            write_keyfile(self.paths.keys, self._keyfile)
        except KnownError:
            log.warning("could not note a failed unlock in the key file")

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
    def vault_id(self) -> str:
        return self._keyfile.vault_id

    def migration_state(self) -> migrate.MigrationState:
        return migrate.state(self.engine)

    # -- key slots --------------------------------------------------------------------------
    def add_slot(self, login: str, passphrase: str, kdf: KdfParams = DEFAULT_KDF) -> str:
        """Wrap the database key for ``login``; write the key file; return the slot id."""
        if self._key is None:
            raise VaultError(_("The vault is locked."))
        fresh = read_keyfile(self.paths.keys) if self.paths.keys.exists() else self._keyfile
        if fresh.find(login) is not None:
            raise VaultError(_("A key slot already exists for this login."))
        slot = fresh.make_slot(login, passphrase, bytes(self._key), kdf)
        self._keyfile = fresh.with_slot(slot)
        write_keyfile(self.paths.keys, self._keyfile)
        return slot.slot_id

    def check_passphrase(self, login: str, passphrase: str) -> str:
        """The id of ``login``'s slot if ``passphrase`` opens it; else :class:`WrongPassphrase`."""
        keyfile = read_keyfile(self.paths.keys)
        slot = keyfile.find(login)
        if slot is None:
            raise WrongPassphrase(_("Wrong passphrase."))
        keyfile.unwrap(slot, passphrase)
        return slot.slot_id

    def rewrap_slot(
        self, slot_id: str, login: str, passphrase: str, kdf: KdfParams = DEFAULT_KDF
    ) -> None:
        """Wrap the key under a new passphrase in the same slot (the account keeps its id)."""
        if self._key is None:
            raise VaultError(_("The vault is locked."))
        fresh = read_keyfile(self.paths.keys)
        slot = fresh.make_slot(login, passphrase, bytes(self._key), kdf, slot_id=slot_id)
        self._keyfile = fresh.with_slot(slot, replacing=slot_id)
        write_keyfile(self.paths.keys, self._keyfile)

    def keyfile_snapshot(self) -> KeyFile:
        return read_keyfile(self.paths.keys)

    def restore_keyfile(self, snapshot: KeyFile) -> None:
        self._keyfile = snapshot
        write_keyfile(self.paths.keys, snapshot)

    def remove_slot(self, slot_id: str) -> None:
        fresh = read_keyfile(self.paths.keys)
        self._keyfile = fresh.without_slot(slot_id)
        write_keyfile(self.paths.keys, self._keyfile)

    def pending_failures(self) -> list[dict[str, str | None]]:
        return list(read_keyfile(self.paths.keys).failed_attempts)

    def clear_failures(self, count: int) -> None:
        """Forget the first ``count`` noted failures (they are now in the audit trail)."""
        fresh = read_keyfile(self.paths.keys)
        fresh.failed_attempts = fresh.failed_attempts[count:]
        self._keyfile = fresh
        write_keyfile(self.paths.keys, fresh)

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
        assert self._key is not None
        destination = raw_connect(target, self._key)
        try:
            with self.raw_connection() as source:
                source.backup(destination)
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()

    def close(self) -> None:
        """Lock: dispose of the engine, forget the key, release the file lock."""
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        self._sessions = None
        self._write_sessions = None
        self._audit_sessions = None
        if self._key is not None:
            for i in range(len(self._key)):
                self._key[i] = 0
        self._key = None
        if self._lock is not None and self._lock.is_locked:
            self._lock.release()
        self._lock = None

    def discard(self) -> None:
        """Close and delete a vault whose creation did not finish."""
        self.close()
        for leftover in [self.paths.vault, self.paths.keys, *self.paths.companions()]:
            leftover.unlink(missing_ok=True)

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
