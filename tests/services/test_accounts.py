"""Accounts through the services: roles, key slots and the audit trail stay in step."""

from __future__ import annotations

import json

import pytest

from casecell.domain.users import Role
from casecell.errors import PermissionDenied, UnknownUser, ValidationError, WrongPassphrase
from casecell.services import accounts
from casecell.storage.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, OTHER_PASS, tricky_strings


def audit_actions(ctx) -> list[tuple[str, str]]:
    with ctx.reading() as uow:
        return [(e.action.value, e.detail) for e in uow.audit.entries()]


def test_an_admin_adds_a_member_who_can_then_sign_in(admin_ctx, vault_paths):
    user = accounts.add_user(
        admin_ctx, "b.martin", "Bruno Martin", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF
    )
    assert user.role is Role.MEMBER
    assert audit_actions(admin_ctx)[-1] == ("write", "create")
    slots = json.loads(vault_paths.keys.read_text())["slots"]
    assert len(slots) == 2
    accounts.sign_out(admin_ctx)

    ctx = accounts.sign_in(Vault.open(vault_paths), "B.Martin", OTHER_PASS)
    assert ctx.user.login == "b.martin"
    with pytest.raises(PermissionDenied, match="membre"):
        accounts.add_user(ctx, "c.petit", "", Role.ADMIN, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(ctx)


def test_a_refused_account_leaves_no_slot_and_no_row(admin_ctx, vault_paths):
    before = vault_paths.keys.read_bytes()
    with pytest.raises(ValidationError, match="trop courte"):
        accounts.add_user(admin_ctx, "d.short", "", Role.MEMBER, "court", kdf=FAST_KDF)
    with pytest.raises(ValidationError, match="existe déjà"):
        accounts.add_user(admin_ctx, ADMIN.upper(), "", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
    assert vault_paths.keys.read_bytes() == before
    assert [u.login for u in accounts.list_users(admin_ctx)] == [ADMIN]


def test_a_failed_commit_removes_the_new_slot(admin_ctx, vault_paths, monkeypatch):
    before = json.loads(vault_paths.keys.read_text())["slots"]

    def broken_commit(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("casecell.storage.uow.UnitOfWork.commit", broken_commit)
    with pytest.raises(OSError):
        accounts.add_user(admin_ctx, "e.full", "", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
    assert json.loads(vault_paths.keys.read_text())["slots"] == before


def test_changing_the_passphrase(admin_ctx, vault_paths):
    with pytest.raises(WrongPassphrase):
        accounts.change_passphrase(admin_ctx, "pas la phrase actuelle", OTHER_PASS, kdf=FAST_KDF)
    with pytest.raises(ValidationError, match="trop courte"):
        accounts.change_passphrase(admin_ctx, ADMIN_PASS, "court", kdf=FAST_KDF)
    with pytest.raises(ValidationError, match="identique"):
        accounts.change_passphrase(admin_ctx, ADMIN_PASS, ADMIN_PASS, kdf=FAST_KDF)
    accounts.change_passphrase(admin_ctx, ADMIN_PASS, OTHER_PASS, kdf=FAST_KDF)
    assert audit_actions(admin_ctx)[-1] == ("write", "passphrase")
    accounts.sign_out(admin_ctx)

    with pytest.raises(WrongPassphrase):
        accounts.sign_in(Vault.open(vault_paths), ADMIN, ADMIN_PASS)
    ctx = accounts.sign_in(Vault.open(vault_paths), ADMIN, OTHER_PASS)
    accounts.sign_out(ctx)


def test_a_disabled_account_can_no_longer_unlock(admin_ctx, vault_paths):
    accounts.add_user(admin_ctx, "f.leroy", "", Role.COORDINATOR, OTHER_PASS, kdf=FAST_KDF)
    with pytest.raises(ValidationError, match="propre compte"):
        accounts.disable_user(admin_ctx, ADMIN)
    accounts.disable_user(admin_ctx, "f.leroy")
    assert audit_actions(admin_ctx)[-2:] == [("write", "disable"), ("write", "key-rotated")]
    assert len(json.loads(vault_paths.keys.read_text())["slots"]) == 1
    accounts.sign_out(admin_ctx)
    with pytest.raises(UnknownUser):
        accounts.sign_in(Vault.open(vault_paths), "f.leroy", OTHER_PASS)


def test_a_manager_cannot_list_accounts(admin_ctx, vault_paths):
    accounts.add_user(admin_ctx, "g.manager", "", Role.MANAGER, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)
    ctx = accounts.sign_in(Vault.open(vault_paths), "g.manager", OTHER_PASS)
    try:
        with pytest.raises(PermissionDenied, match="gestionnaire"):
            accounts.list_users(ctx)
    finally:
        accounts.sign_out(ctx)


@pytest.mark.parametrize("name", tricky_strings())
def test_display_names_are_kept_as_typed(admin_ctx, name):
    expected = " ".join(name.split())  # one line: newlines and runs of spaces fold
    if len(expected) > 200:
        with pytest.raises(ValidationError, match="trop long"):
            accounts.add_user(admin_ctx, "h.tricky", name, Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
        return
    accounts.add_user(admin_ctx, "h.tricky", name, Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
    stored = {u.login: u.display_name for u in accounts.list_users(admin_ctx)}
    assert stored["h.tricky"] == expected


def test_reading_the_accounts_is_audited(admin_ctx):
    accounts.list_users(admin_ctx)
    assert audit_actions(admin_ctx)[-1] == ("read", "")


def test_sign_out_is_audited_and_locks(admin_ctx, boot):
    vault = admin_ctx.vault
    accounts.sign_out(admin_ctx)
    assert not vault.unlocked
    ctx = boot.sign_in(ADMIN, ADMIN_PASS)
    try:
        assert [a for a, _ in audit_actions(ctx)][-2:] == ["logout", "login"]
    finally:
        ctx.vault.close()


def test_a_sign_out_that_fails_still_locks_the_vault(admin_ctx, monkeypatch, vault_paths):
    """The indicator store cannot be written (disk full): the error is reported, and the
    key and the connections are gone all the same (no WAL left open)."""
    accounts.add_user(admin_ctx, "b.coord", "", Role.COORDINATOR, OTHER_PASS, kdf=FAST_KDF)

    def full(_vault: Vault) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Vault, "refresh_stats", full)
    with pytest.raises(OSError):
        accounts.sign_out(admin_ctx)
    assert not admin_ctx.vault.unlocked
    assert not vault_paths.vault.with_name(vault_paths.vault.name + "-wal").exists()


def test_a_full_disk_at_sign_out_says_the_changes_are_saved(admin_ctx, monkeypatch, boot):
    """Only the managers' store could not be rebuilt: the message does not say that nothing
    was saved, and the next sign-in rebuilds the store."""
    import errno

    from casecell.errors import KnownError, from_os_error

    accounts.add_user(admin_ctx, "b.coord", "", Role.COORDINATOR, OTHER_PASS, kdf=FAST_KDF)
    real = Vault.refresh_stats

    def full(vault: Vault) -> None:
        raise from_os_error(OSError(errno.ENOSPC, "No space left"), vault.paths.stats)

    monkeypatch.setattr(Vault, "refresh_stats", full)
    with pytest.raises(KnownError) as raised:
        accounts.sign_out(admin_ctx)
    assert "enregistrées" in raised.value.message and "Rien n" not in raised.value.message
    rebuilt: list[bool] = []
    monkeypatch.setattr(Vault, "refresh_stats", lambda v: rebuilt.append(True) or real(v))
    ctx = boot.sign_in(ADMIN, ADMIN_PASS)
    accounts.sign_out(ctx)
    assert rebuilt  # the store, marked stale, was rebuilt
