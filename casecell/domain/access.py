"""Need-to-know: which situations a user, or a printed copy, may show.

A situation's access list is its lead organisation, the organisations taking part and the
referring organisation (``Case.access_list``). Coordinators and administrators see every
situation; a member sees those whose access list holds their organisation, and none without
an organisation; a manager sees none (aggregates only). A copy printed for an organisation
holds that organisation's situations only. The SQL form of the rule is ``storage/access.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from casecell.domain.users import User


@dataclass(frozen=True)
class Scope:
    """Every situation, or those shared with ``organisation_id`` (none when it is None)."""

    everything: bool = False
    organisation_id: int | None = None

    @property
    def restricted(self) -> bool:
        return not self.everything

    def sees(self, access_list: Iterable[int | None]) -> bool:
        if self.everything:
            return True
        return self.organisation_id is not None and self.organisation_id in set(access_list)


EVERYTHING = Scope(everything=True)
NOTHING = Scope()


def of_organisation(organisation_id: int) -> Scope:
    return Scope(organisation_id=organisation_id)


def scope_of(user: User) -> Scope:
    """What ``user`` sees on screen, in lists, searches and documents."""
    if not user.sees_names:
        return NOTHING
    if user.sees_all_cases:
        return EVERYTHING
    return Scope(organisation_id=user.organisation_id)


def copy_scope(user: User, recipient_org_id: int | None) -> Scope | None:
    """What a copy printed by ``user`` for ``recipient_org_id`` (None: no recipient named) may
    hold; None when ``user`` may not print that copy (a member, for another organisation)."""
    mine = scope_of(user)
    if recipient_org_id is None:
        return mine
    if mine.everything or mine.organisation_id == recipient_org_id:
        return of_organisation(recipient_org_id)
    return None
