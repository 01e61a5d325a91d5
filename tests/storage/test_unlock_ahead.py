"""The key derived ahead (in a thread, while a command imports the vault's code) is used only
by the sign-in it was started for: same account, passphrase and key file."""

from __future__ import annotations

import threading

import pytest

from casecell.domain.users import Role
from casecell.errors import UnknownUser, VaultLocked, WrongPassphrase
from casecell.services import accounts
from casecell.storage import keyslots
from casecell.storage.keyslots import KdfParams
from tests.conftest import ADMIN, ADMIN_PASS, OTHER_PASS


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The thread of every Argon2id run, in order: "ahead" for the one started ahead."""
    done: list[str] = []
    real = KdfParams._argon2

    def counted(self: KdfParams, passphrase: str, salt: bytes) -> bytes:
        ahead = threading.current_thread().name == "casecell-kdf"
        done.append("ahead" if ahead else "at sign-in")
        return real(self, passphrase, salt)

    monkeypatch.setattr(KdfParams, "_argon2", counted)
    yield done
    keyslots._Ahead._pending = None  # nothing started here outlives the test


@pytest.fixture
def vault(admin_ctx, boot):
    accounts.add_user(admin_ctx, "bruno.test", "Bruno Test", Role.COORDINATOR, OTHER_PASS)
    accounts.sign_out(admin_ctx)
    return boot


def test_the_sign_in_takes_the_key_derived_ahead(vault, derivations):
    vault.unlock_ahead(f"  {ADMIN.upper()} ", ADMIN_PASS)  # as typed: normalised as sign-in does
    ctx = vault.sign_in(ADMIN, ADMIN_PASS)
    try:
        assert ctx.user.login == ADMIN
    finally:
        accounts.sign_out(ctx)
    assert derivations == ["ahead"]  # derived once, ahead; not again


@pytest.mark.parametrize(
    ("login", "passphrase"),
    [(ADMIN, "une phrase de passe fausse"), ("bruno.test", OTHER_PASS)],
    ids=["wrong passphrase", "another account"],
)
def test_a_key_derived_for_something_else_is_not_used(vault, derivations, login, passphrase):
    vault.unlock_ahead(login, passphrase)
    ctx = vault.sign_in(ADMIN, ADMIN_PASS)
    accounts.sign_out(ctx)
    assert derivations == ["ahead", "at sign-in"]  # the one ahead was dropped
    vault.unlock_ahead(ADMIN, ADMIN_PASS)
    with pytest.raises(WrongPassphrase):  # nor does a right one open with a wrong passphrase
        vault.sign_in(ADMIN, "une phrase de passe fausse")


def test_an_unknown_login_spends_the_same_time_ahead(vault, derivations):
    """The sign-in of an unknown login spends a decoy derivation (no account is revealed by
    the time it takes): started ahead like a real one, and taken by it."""
    vault.unlock_ahead("personne.test", ADMIN_PASS)
    with pytest.raises(UnknownUser):
        vault.sign_in("personne.test", ADMIN_PASS)
    assert derivations == ["ahead"]


def test_nothing_starts_without_a_valid_login_or_a_readable_key_file(
    vault, vault_paths, derivations
):
    vault.unlock_ahead("Nom invalide !", ADMIN_PASS)
    vault_paths.keys.write_text("{abîmé", encoding="utf-8")
    vault.unlock_ahead(ADMIN, ADMIN_PASS)
    assert derivations == [] and keyslots._Ahead._pending is None


def test_without_a_thread_to_be_had_the_key_is_derived_at_sign_in(vault, derivations, monkeypatch):
    def refused(_thread: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refused)
    vault.unlock_ahead(ADMIN, ADMIN_PASS)
    ctx = vault.sign_in(ADMIN, ADMIN_PASS)
    accounts.sign_out(ctx)
    assert derivations == ["at sign-in"]


def test_a_command_with_its_passphrase_in_the_environment_derives_it_once(vault, cli, derivations):
    result = cli("search", "x", CASECELL_USER=ADMIN, CASECELL_PASSPHRASE=ADMIN_PASS)
    assert result.code == 0, result.err
    assert derivations == ["ahead"]
    wrong = cli("search", "x", CASECELL_USER=ADMIN, CASECELL_PASSPHRASE="pas la bonne phrase")
    assert wrong.code == 3 and "Phrase de passe incorrecte" in wrong.err


def test_a_sign_in_that_fails_first_leaves_no_key_waiting(admin_ctx, boot, derivations):
    """The vault is in use: the sign-in fails before any derivation; the key started ahead
    does not stay in memory for a later one."""
    boot.unlock_ahead(ADMIN, ADMIN_PASS)
    assert keyslots._Ahead._pending is not None
    with pytest.raises(VaultLocked):
        boot.sign_in(ADMIN, ADMIN_PASS)
    assert keyslots._Ahead._pending is None


def test_a_key_file_that_is_a_pipe_is_damaged_not_waited_for(tmp_path, derivations):
    """Read before the vault's lock is taken, the key file must not block: a pipe in its
    place (no writer) is refused at once."""
    import os

    from casecell.errors import VaultDamaged

    pipe = tmp_path / "casecell.keys"
    os.mkfifo(pipe)
    with pytest.raises(VaultDamaged):
        keyslots.read_keyfile(pipe)
    assert keyslots.derive_ahead(pipe, ADMIN, ADMIN_PASS) is False
