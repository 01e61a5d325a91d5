"""Unit of work (cosmicpython, chapter 6): one transaction, its repositories, one commit."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import DatabaseError as SADatabaseError

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
from casecell.storage.vault import Vault, reraise_known


class UnitOfWork:
    """``with UnitOfWork(vault, write=True) as uow: ...; uow.commit()``.

    Leaving the block without :meth:`commit` rolls everything back. Database failures the user
    can act on (disk full, vault busy, damaged file) come out as :class:`KnownError`.
    """

    def __init__(self, vault: Vault, *, write: bool, durable: bool = True) -> None:
        self._vault = vault
        self._write = write
        self._durable = durable

    def __enter__(self) -> UnitOfWork:
        self.session = self._vault.session(write=self._write, durable=self._durable)
        self.users = UserRepository(self.session)
        self.audit = AuditRepository(self.session)
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
            reraise_known(exc, self._vault.paths.vault)
