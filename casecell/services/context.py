"""What every service call needs: the unlocked vault, who is acting, and the time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from casecell.compat import UTC
from casecell.domain.access import Scope, scope_of
from casecell.domain.users import User
from casecell.storage.uow import UnitOfWork
from casecell.storage.vault import Vault


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    vault: Vault
    user: User
    clock: Callable[[], datetime] = field(default=utc_now)

    @property
    def scope(self) -> Scope:
        """The situations this user sees (need-to-know: ``domain/access.py``)."""
        return scope_of(self.user)

    def today(self) -> date:
        """The local calendar day (due dates and referrals are local days)."""
        return self.clock().astimezone().date()

    def reading(self) -> UnitOfWork:
        return UnitOfWork(self.vault, write=False)

    def writing(self) -> UnitOfWork:
        return UnitOfWork(self.vault, write=True)

    def auditing(self) -> UnitOfWork:
        """A print or an export: its only write is its audit entry, committed durably, and the
        register is unchanged (the indicator store is not rebuilt for it)."""
        return UnitOfWork(self.vault, write=True, changes_data=False)

    def auditing_read(self) -> UnitOfWork:
        """A read whose only write is its audit entry (committed without waiting for fsync)."""
        return UnitOfWork(self.vault, write=True, durable=False)
