"""The need-to-know rule, in the domain: who sees which situations, and which copies."""

from __future__ import annotations

from casecell.domain.access import EVERYTHING, NOTHING, Scope, copy_scope, scope_of
from casecell.domain.users import Role, User


def test_the_rule_in_the_domain():
    member = User(1, "m", "M", Role.MEMBER, organisation_id=7)
    assert scope_of(User(1, "a", "A", Role.ADMIN)) == EVERYTHING
    assert scope_of(User(1, "c", "C", Role.COORDINATOR)) == EVERYTHING
    assert scope_of(User(1, "g", "G", Role.MANAGER, organisation_id=7)) == NOTHING
    assert scope_of(member).sees({7, 9}) and not scope_of(member).sees({8, None})
    assert not scope_of(User(1, "n", "N", Role.MEMBER)).sees({7})
    assert copy_scope(member, 7) == Scope(organisation_id=7)
    assert copy_scope(member, 8) is None
    assert copy_scope(User(1, "c", "C", Role.COORDINATOR), 8) == Scope(organisation_id=8)
