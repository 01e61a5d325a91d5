"""Unit of work (cosmicpython, chapter 6): one transaction, its repositories, one commit."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import DatabaseError as SADatabaseError

from casecell.storage.keyslots import AuditAnchor
from casecell.storage.meetings import MeetingRepository
from casecell.storage.minutes import MinutesRepository
from casecell.storage.register import (
    ActionRepository,
    CaseRepository,
    ContactRepository,
    EventRepository,
    OrganisationRepository,
    PersonRepository,
)
from casecell.storage.repositories import AuditRepository, MetaRepository, UserRepository
from casecell.storage.search import SearchIndex
from casecell.storage.stats import DIRTY_KEY as STATS_DIRTY_KEY
from casecell.storage.vault import Vault, reraise_known


class UnitOfWork:
    """``with UnitOfWork(vault, write=True) as uow: ...; uow.commit()``.

    Leaving the block without :meth:`commit` rolls everything back. Database failures the user
    can act on (disk full, vault busy, damaged file) come out as :class:`KnownError`.
    """

    def __init__(
        self, vault: Vault, *, write: bool, durable: bool = True, changes_data: bool = True
    ) -> None:
        self._vault = vault
        self._write = write
        self._durable = durable
        # A durable write is taken to change the register: the indicator store is then
        # marked stale in the same transaction, so that a crash cannot leave it behind.
        self._changes_data = changes_data and durable

    def __enter__(self) -> UnitOfWork:
        self.session = self._vault.session(write=self._write, durable=self._durable)
        self.users = UserRepository(self.session)
        self.audit = AuditRepository(self.session, lambda: self._vault.audit_key)
        self.meta = MetaRepository(self.session)
        self.organisations = OrganisationRepository(self.session)
        self.contacts = ContactRepository(self.session)
        self.persons = PersonRepository(self.session)
        self.cases = CaseRepository(self.session)
        self.actions = ActionRepository(self.session)
        self.events = EventRepository(self.session)
        self.meetings = MeetingRepository(self.session)
        self.minutes = MinutesRepository(self.session)
        self.search = SearchIndex(self.session)
        return self

    def commit(self) -> None:
        if not self._write:
            raise RuntimeError("commit on a read-only unit of work")
        mark = self._changes_data and self._vault.nominative and not self._vault.data_changed
        if mark:
            self.meta.set(STATS_DIRTY_KEY, "1")
        self.session.commit()
        if mark:
            self._vault.data_changed = True
        if self.audit.appended is not None:
            # Outside the database, so that a trail cut or re-chained inside it shows — reads
            # included (written without waiting for the disk, like their entries).
            count, head = self.audit.appended
            self._vault.set_anchor(AuditAnchor(count, head), durable=self._durable)

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
            reraise_known(exc, self._vault.paths.vault)
