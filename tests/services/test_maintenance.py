"""check, backup and restore, as an administrator uses them."""

from __future__ import annotations

import errno
import zipfile

import pytest

from casecell.domain.users import Role
from casecell.errors import KnownError, PermissionDenied, StorageFull, VaultDamaged, WrongPassphrase
from casecell.services import accounts, maintenance
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, OTHER_PASS


def test_check_reports_a_healthy_vault_and_is_audited(admin_ctx):
    report = maintenance.check(admin_ctx)
    assert report.ok
    assert report.integrity_problems == []
    assert report.schema_current == report.schema_head
    assert report.audit_first_broken is None
    assert maintenance.audit_trail(admin_ctx, 1)[0].action.value == "check"


def test_check_names_the_first_tampered_audit_entry(admin_ctx):
    for _ in range(3):
        maintenance.check(admin_ctx)
    with admin_ctx.vault.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_log SET action = 'read' WHERE seq = 4")
    report = maintenance.check(admin_ctx)
    assert not report.ok
    assert report.audit_first_broken == 4


def test_backup_then_restore_brings_back_the_backed_up_state(admin_ctx, boot, tmp_path):
    target = tmp_path / "sauvegarde.ccbak"
    info = maintenance.backup(admin_ctx, target)
    assert info.size == target.stat().st_size > 0
    with zipfile.ZipFile(target) as zipped:
        assert sorted(zipped.namelist()) == ["casecell.keys", "casecell.vault", "manifest.json"]
        manifest = zipped.read("manifest.json").decode()
        assert "Alice" not in manifest and ADMIN not in manifest
        assert not zipped.read("casecell.vault").startswith(b"SQLite format 3")
    accounts.add_user(admin_ctx, "after.backup", "", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)

    aside = boot.restore(target, ADMIN, ADMIN_PASS)
    assert aside is not None and (aside / "casecell.vault").exists()

    ctx = boot.sign_in(ADMIN, ADMIN_PASS)
    try:
        assert [u.login for u in accounts.list_users(ctx)] == [ADMIN]
        trail = maintenance.audit_trail(ctx, 5)
        assert [(line.action.value, line.record) for line in trail] == [
            ("read", "user:*"),  # the account list just above
            ("login", ""),
            ("logout", ""),
            ("write", "vault:"),  # a restored vault always gets a new key
            ("restore", ""),
        ]
        assert maintenance.check(ctx).ok
    finally:
        accounts.sign_out(ctx)


def test_restore_onto_a_new_machine(admin_ctx, tmp_path):
    backup_file = tmp_path / "b.zip"
    maintenance.backup(admin_ctx, backup_file)
    accounts.sign_out(admin_ctx)
    from casecell.bootstrap import Bootstrap
    from casecell.paths import VaultPaths

    (tmp_path / "neuf").mkdir()
    fresh = Bootstrap(VaultPaths(tmp_path / "neuf" / "casecell.vault"), kdf=FAST_KDF)
    assert fresh.restore(backup_file, ADMIN, ADMIN_PASS) is None
    accounts.sign_out(fresh.sign_in(ADMIN, ADMIN_PASS))


@pytest.mark.parametrize(
    "content",
    [b"", b"not a zip at all", b"PK\x03\x04truncated"],
    ids=["empty", "text", "truncated-zip"],
)
def test_restoring_a_foreign_or_corrupt_file_replaces_nothing(admin_ctx, boot, tmp_path, content):
    accounts.sign_out(admin_ctx)
    before = boot.paths.vault.read_bytes(), boot.paths.keys.read_bytes()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(content)
    with pytest.raises(VaultDamaged, match="pas une sauvegarde casecell"):
        boot.restore(bad, ADMIN, ADMIN_PASS)
    assert (boot.paths.vault.read_bytes(), boot.paths.keys.read_bytes()) == before
    assert not list(boot.paths.folder.glob(".casecell-restore-*"))


def test_a_backup_with_a_tampered_member_is_refused(admin_ctx, boot, tmp_path):
    good = tmp_path / "good.zip"
    maintenance.backup(admin_ctx, good)
    accounts.sign_out(admin_ctx)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "casecell.vault":
                data = data[:-10] + b"\0" * 10
            dst.writestr(name, data)
    before = boot.paths.vault.read_bytes()
    with pytest.raises(VaultDamaged):
        boot.restore(tampered, ADMIN, ADMIN_PASS)
    assert boot.paths.vault.read_bytes() == before


def test_restore_needs_the_backup_passphrase_and_an_admin(admin_ctx, boot, tmp_path):
    accounts.add_user(admin_ctx, "m.member", "", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
    backup_file = tmp_path / "b.zip"
    maintenance.backup(admin_ctx, backup_file)
    accounts.sign_out(admin_ctx)
    with pytest.raises(WrongPassphrase):
        boot.restore(backup_file, ADMIN, "pas la bonne phrase")
    with pytest.raises(PermissionDenied, match="administrateur"):
        boot.restore(backup_file, "m.member", OTHER_PASS)
    # Nothing was restored: the attempts are only in the live vault's trail.
    ctx = boot.sign_in(ADMIN, ADMIN_PASS)
    try:
        actions = [line.action.value for line in maintenance.audit_trail(ctx, 100)]
        assert "restore" not in actions and "failed_login" in actions
        assert {u.login for u in accounts.list_users(ctx)} == {ADMIN, "m.member"}
    finally:
        accounts.sign_out(ctx)


def test_disk_full_during_backup_leaves_no_partial_file(admin_ctx, tmp_path, monkeypatch):
    target = tmp_path / "plein.zip"

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("zipfile.ZipFile.write", full)
    with pytest.raises(StorageFull, match="Espace disque insuffisant"):
        maintenance.backup(admin_ctx, target)
    assert list(tmp_path.iterdir()) == [admin_ctx.vault.paths.folder]
    assert maintenance.audit_trail(admin_ctx, 1)[0].action.value != "backup"


def test_a_backup_cannot_overwrite_the_vault(admin_ctx):
    with pytest.raises(KnownError, match="fichier du coffre"):
        maintenance.backup(admin_ctx, admin_ctx.vault.paths.vault)


def test_only_allowed_roles_back_up(admin_ctx, vault_paths, boot):
    accounts.add_user(admin_ctx, "n.member", "", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)
    ctx = boot.sign_in("n.member", OTHER_PASS)
    try:
        with pytest.raises(PermissionDenied):
            maintenance.backup(ctx, vault_paths.folder / "x.zip")
        with pytest.raises(PermissionDenied):
            maintenance.audit_trail(ctx)
    finally:
        accounts.sign_out(ctx)
