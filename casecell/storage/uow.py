"""Unit of work (cosmicpython, chapter 6): one transaction, its repositories, one commit."""

from __future__ import annotations

import errno
from types import TracebackType

from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from casecell.errors import KnownError, VaultLocked, from_os_error
from casecell.i18n import _
from casecell.storage.repositories import AuditRepository, MetaRepository, UserRepository
from casecell.storage.vault import Vault, damaged


class UnitOfWork:
    """``with UnitOfWork(vault, write=True) as uow: ...; uow.commit()``.

    Leaving the block without :meth:`commit` rolls everything back. Database failures the user
    can act on (disk full, vault busy, damaged file) come out as :class:`KnownError`.
    """

    def __init__(self, vault: Vault, *, write: bool) -> None:
        self._vault = vault
        self._write = write

    def __enter__(self) -> UnitOfWork:
        self.session = self._vault.session(write=self._write)
        self.users = UserRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.meta = MetaRepository(self.session)
        return self

    def commit(self) -> None:
        if not self._write:
            raise RuntimeError("commit on a read-only unit of work")
        self.session.commit()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, SADatabaseError):
            raise translate_database_error(exc, self._vault) from exc


def translate_database_error(exc: SADatabaseError, vault: Vault) -> KnownError | SADatabaseError:
    message = str(exc.orig).lower()
    if "disk is full" in message or "disk i/o error" in message:
        return from_os_error(OSError(errno.ENOSPC, "disk full"), vault.paths.vault)
    if isinstance(exc, OperationalError) and "locked" in message:
        return VaultLocked(_("The vault is busy; try again in a moment."))
    if "malformed" in message or "not a database" in message:
        return damaged(vault.paths.vault)
    return exc
