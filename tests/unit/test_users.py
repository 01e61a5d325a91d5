import unicodedata

import pytest

from casecell.domain.users import (
    Permission,
    Role,
    User,
    normalise_login,
    normalise_passphrase,
    parse_role,
    require,
    validate_new_passphrase,
)
from casecell.errors import PermissionDenied, ValidationError


def user(role: Role, active: bool = True) -> User:
    return User(id=1, login="x", display_name="X", role=role, active=active)


def test_managers_never_see_names_and_cannot_manage_accounts():
    manager = user(Role.MANAGER)
    assert not manager.sees_names
    assert manager.can(Permission.VIEW_REPORTS)
    with pytest.raises(PermissionDenied, match="gestionnaire"):
        require(manager, Permission.READ_NOMINATIVE)


@pytest.mark.parametrize(
    ("role", "manage_users", "names"),
    [
        (Role.ADMIN, True, True),
        (Role.COORDINATOR, False, True),
        (Role.MEMBER, False, True),
        (Role.MANAGER, False, False),
    ],
)
def test_permissions_by_role(role, manage_users, names):
    assert user(role).can(Permission.MANAGE_USERS) is manage_users
    assert user(role).sees_names is names


def test_a_disabled_account_can_do_nothing():
    assert not any(user(Role.ADMIN, active=False).can(p) for p in Permission)


def test_logins_are_normalised_and_checked():
    assert normalise_login("  Marie.Curie ") == "marie.curie"
    for bad in ["", "a", "é.dupont", "x y", "-start", "a" * 65]:
        with pytest.raises(ValidationError, match="Identifiant invalide"):
            normalise_login(bad)


def test_unknown_role_lists_the_choices():
    assert parse_role("Coordinator") is Role.COORDINATOR
    with pytest.raises(ValidationError, match="admin, coordinator, member, manager"):
        parse_role("chef")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "vide"),
        ("   ", "vide"),
        ("court", "trop courte"),
        ("aaaaaaaaaaaaaaaa", "trop peu de caractères différents"),
        ("x" * 2000 + "abcd", "trop longue"),
    ],
)
def test_weak_passphrases_are_refused_in_french(raw, message):
    with pytest.raises(ValidationError, match=message):
        validate_new_passphrase(raw)


def test_composed_and_decomposed_accents_give_the_same_passphrase():
    composed = "café crème au lait"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert normalise_passphrase(decomposed) == validate_new_passphrase(composed)
