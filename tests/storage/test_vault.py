"""The vault file, its key slots and its lock, as a coordinator's laptop would see them."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import text

from casecell.errors import UnknownUser, VaultDamaged, VaultLocked, VaultTooNew, WrongPassphrase
from casecell.services import accounts
from casecell.storage.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASS


def test_the_vault_file_is_encrypted_and_the_key_file_names_nobody(admin_ctx, vault_paths):
    admin_ctx.vault.close()
    raw = vault_paths.vault.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for clear in (b"Alice", b"Administratrice", ADMIN.encode(), b"audit_log", b"CREATE TABLE"):
        assert clear not in raw
    keys_text = vault_paths.keys.read_text("utf-8")
    assert ADMIN not in keys_text and "Alice" not in keys_text
    assert ADMIN_PASS not in keys_text
    slot = json.loads(keys_text)["slots"][0]
    assert slot["kdf"]["alg"] == "argon2id" and slot["wrap"]["alg"] == "aes-256-gcm"


def test_connection_settings(admin_ctx):
    with admin_ctx.vault.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_the_engine_url_never_shows_the_key(admin_ctx):
    url = admin_ctx.vault.engine.url
    with admin_ctx.vault.raw_connection() as raw:
        key_hex = raw.execute("PRAGMA cipher_version").fetchone()  # a query works: key is set
    assert key_hex
    assert "x'" not in str(url) and "x'" not in repr(url)
    assert "x'" not in repr(admin_ctx.vault.engine)


def test_a_second_thread_gets_its_own_working_connection(admin_ctx):
    results: list[int] = []

    def count_users() -> None:
        with admin_ctx.reading() as uow:
            results.append(len(uow.users.list()))

    worker = threading.Thread(target=count_users)
    worker.start()
    worker.join()
    assert results == [1]


def test_wrong_passphrase_and_unknown_user_are_noted_then_audited(admin_ctx, vault_paths):
    accounts.sign_out(admin_ctx)
    with pytest.raises(WrongPassphrase, match="Phrase de passe incorrecte"):
        accounts.sign_in(Vault.open(vault_paths), ADMIN, "pas la bonne phrase")
    with pytest.raises(UnknownUser, match="inconnu"):
        accounts.sign_in(Vault.open(vault_paths), "personne", "pas la bonne phrase")
    pending = json.loads(vault_paths.keys.read_text())["failed_attempts"]
    assert len(pending) == 2 and pending[1]["slot"] is None

    ctx = accounts.sign_in(Vault.open(vault_paths), ADMIN, ADMIN_PASS)
    try:
        with ctx.reading() as uow:
            actions = [(e.action.value, e.actor_id) for e in uow.audit.entries()]
        assert actions[-3:] == [("failed_login", 1), ("failed_login", None), ("login", 1)]
        assert json.loads(vault_paths.keys.read_text())["failed_attempts"] == []
    finally:
        ctx.vault.close()


def test_a_second_opener_is_told_the_vault_is_in_use(admin_ctx, vault_paths):
    with pytest.raises(VaultLocked, match="déjà ouvert"):
        Vault.open(vault_paths)
    admin_ctx.vault.close()
    Vault.open(vault_paths).close()  # free again once closed


def test_locking_forgets_the_key(admin_ctx):
    vault = admin_ctx.vault
    accounts.sign_out(admin_ctx)
    assert not vault.unlocked
    with pytest.raises(Exception, match="verrouillé"):
        vault.session(write=False)


@pytest.mark.parametrize("keep", [0, 100, 4096, None])
def test_a_truncated_vault_file_is_reported_as_damaged(admin_ctx, vault_paths, keep):
    accounts.sign_out(admin_ctx)
    data = vault_paths.vault.read_bytes()
    keep = len(data) // 2 if keep is None else keep
    vault_paths.vault.write_bytes(data[:keep])
    for companion in vault_paths.companions():
        companion.unlink(missing_ok=True)
    with pytest.raises(VaultDamaged, match="endommagé"):
        accounts.sign_in(Vault.open(vault_paths), ADMIN, ADMIN_PASS)
    Vault.open(vault_paths).close()  # the failed attempt released the lock


def test_a_damaged_key_file_is_reported(admin_ctx, vault_paths):
    accounts.sign_out(admin_ctx)
    vault_paths.keys.write_text("{not json", encoding="utf-8")
    with pytest.raises(VaultDamaged, match="endommagé"):
        Vault.open(vault_paths)


def test_a_newer_key_file_format_asks_for_an_update(admin_ctx, vault_paths):
    accounts.sign_out(admin_ctx)
    data = json.loads(vault_paths.keys.read_text())
    data["version"] = 99
    vault_paths.keys.write_text(json.dumps(data))
    with pytest.raises(VaultTooNew, match="plus récente"):
        Vault.open(vault_paths)


def test_committed_data_is_readable_after_reopening(admin_ctx, vault_paths):
    with admin_ctx.writing() as uow:
        uow.meta.set("cell_name", "Cellule <test> & Cie")
        uow.commit()
    accounts.sign_out(admin_ctx)
    ctx = accounts.sign_in(Vault.open(vault_paths), ADMIN, ADMIN_PASS)
    try:
        with ctx.reading() as uow:
            assert uow.meta.get("cell_name") == "Cellule <test> & Cie"
        with ctx.vault.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        ctx.vault.close()


def test_no_key_or_passphrase_in_errors_of_a_damaged_vault(admin_ctx, vault_paths):
    import traceback

    key_hex = bytes(admin_ctx.vault._key).hex()
    accounts.sign_out(admin_ctx)
    data = vault_paths.vault.read_bytes()
    vault_paths.vault.write_bytes(data[:4096] + b"\0" * (len(data) - 4096))
    with pytest.raises(VaultDamaged) as caught:
        accounts.sign_in(Vault.open(vault_paths), ADMIN, ADMIN_PASS)
    text = "".join(traceback.format_exception(caught.value))
    assert key_hex not in text.lower()
    assert ADMIN_PASS not in text


def test_only_read_audit_commits_skip_the_fsync(admin_ctx):
    def synchronous(uow) -> int:
        return uow.session.connection().exec_driver_sql("PRAGMA synchronous").scalar()

    with admin_ctx.writing() as uow:
        assert synchronous(uow) == 2  # FULL: user data and every other write
    with admin_ctx.auditing_read() as uow:
        assert synchronous(uow) == 1  # NORMAL: WAL keeps it across a crash of the program
    with admin_ctx.writing() as uow:
        assert synchronous(uow) == 2  # back to FULL on the same pooled connection


def test_a_new_vault_is_built_aside_and_moved_in_only_when_complete(boot, vault_paths):
    seen: list[list[str]] = []

    def look(step: str) -> None:
        seen.append(sorted(p.name for p in vault_paths.folder.iterdir()))

    ctx = boot.init(ADMIN, "Alice Administratrice", ADMIN_PASS, fault=look)
    accounts.sign_out(ctx)
    assert all("casecell.vault" not in names for names in seen[:-1])  # in place last
    assert "casecell.vault" in seen[-1]
    assert sorted(p.name for p in vault_paths.folder.iterdir() if not p.name.endswith(".lock")) == [
        "casecell.keys",
        "casecell.stats",
        "casecell.vault",
    ]


def test_an_init_that_fails_while_moving_in_is_finished_at_the_next_open(
    boot, vault_paths, monkeypatch
):
    import errno
    import os
    from pathlib import Path

    from casecell.errors import KnownError

    real = os.replace

    def refuse(source, destination):
        if Path(destination) == vault_paths.vault:
            raise OSError(errno.EIO, "input/output error")
        real(source, destination)

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(KnownError):
        boot.init(ADMIN, "Alice Administratrice", ADMIN_PASS)
    monkeypatch.undo()
    assert vault_paths.keys.exists() and not vault_paths.vault.exists()
    assert boot.vault_exists()
    ctx = boot.sign_in(ADMIN, ADMIN_PASS)
    accounts.sign_out(ctx)
    assert [n for n in boot.notices if "création de ce coffre" in n]
    assert not [p for p in vault_paths.folder.iterdir() if p.name.startswith(".casecell-init-")]
