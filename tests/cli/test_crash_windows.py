"""A process killed (``os._exit``, as ``kill -9``) at each step of a change that spans several
files: the next start finishes it or undoes it, and says so; nothing is left half-done.

The child is tests/cli/vault_child.py; each step is named where the code calls ``fault``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from casecell.bootstrap import Bootstrap
from casecell.fileio import unfinished_writes_dir
from casecell.services import accounts, maintenance
from tests.conftest import ADMIN, ADMIN_PASS, OTHER_PASS, subprocess_env

CHILD = Path(__file__).with_name("vault_child.py")
ROOT = Path(__file__).resolve().parents[2]
AUTH = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}

pytestmark = pytest.mark.slow


def die(vault_paths, *args: str, **extra: str) -> None:
    env = subprocess_env(vault_paths, PYTHONPATH=str(ROOT), **AUTH, **extra)
    child = subprocess.run(
        [sys.executable, str(CHILD), "die", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert child.returncode == 137, child.stdout + child.stderr


def leftovers(vault_paths) -> list[str]:
    """Whatever is beside the vault that is not one of its files."""
    own = {p.name for p in vault_paths.own_files()}
    return sorted(
        p.name
        for p in vault_paths.folder.iterdir()
        if p.name not in own and not p.name.startswith("casecell-before-restore-")
    )


def check_opens(vault_paths, passphrase: str = ADMIN_PASS):
    ctx = Bootstrap(vault_paths).sign_in(ADMIN, passphrase)
    try:
        report = maintenance.check(ctx)
        assert report.ok, report.summary()
        with ctx.reading() as uow:
            return uow.meta.get("state")
    finally:
        accounts.sign_out(ctx)


# -- init and demo ---------------------------------------------------------------------------
@pytest.mark.parametrize("step", ["created", "admin", "marked", "keys-moved", "vault-moved"])
def test_init_killed_at_each_step(cli, vault_paths, step):
    die(vault_paths, "init", step)
    complete = step != "created" and step != "admin"
    if not complete:  # nothing in place: init starts afresh and removes the half-built folder
        assert not vault_paths.vault.exists() and not vault_paths.keys.exists()
        assert any(name.startswith(".casecell-init-") for name in leftovers(vault_paths))
        opened = cli("check", **AUTH)
        assert opened.code == 1 and "casecell init" in opened.err
        made = cli("init", "--user", ADMIN, CASECELL_NEW_PASSPHRASE=ADMIN_PASS)
        assert made.code == 0, made.err
    else:  # the vault was complete: its move into place is finished at the next start
        opened = cli("check", **AUTH)
        assert opened.code == 0, opened.err
        if step != "vault-moved":
            assert "création de ce coffre a été interrompue" in opened.err
        again = cli("init", "--user", ADMIN, CASECELL_NEW_PASSPHRASE=ADMIN_PASS)
        assert again.code == 1 and "existe déjà" in again.err
    check_opens(vault_paths)  # (an exclusive open: a reader such as check leaves the tidying)
    assert leftovers(vault_paths) == []


@pytest.mark.parametrize("step", ["filling", "filled", "marked", "keys-moved"])
def test_demo_killed_midway(cli, vault_paths, step):
    die(vault_paths, "demo", step)
    opened = cli("check", **AUTH)
    if step in ("filling", "filled"):
        assert opened.code == 1 and "casecell init" in opened.err
        made = cli("demo", "--cases", "2", CASECELL_USER=ADMIN, CASECELL_NEW_PASSPHRASE=ADMIN_PASS)
        assert made.code == 0, made.err
    else:
        assert opened.code == 0, opened.err
    check_opens(vault_paths)
    assert leftovers(vault_paths) == []
    listed = cli("search", "a", **AUTH)
    assert listed.code == 0 and listed.out.strip()  # the demo's situations are there


# -- restore ---------------------------------------------------------------------------------
RESTORE_STEPS = [
    ("journal", "before"),
    ("aside-1", "before"),
    ("aside-2", "before"),
    ("stats-dropped", "before"),
    ("vault-in", "after"),
    ("keys-in", "after"),
    ("stats-in", "after"),
    ("done", "done"),
]


@pytest.fixture
def backed_up(admin_ctx, vault_paths, tmp_path):
    """A backup taken when ``state`` was "sauvegardé"; the live vault then says "modifié"."""
    with admin_ctx.writing() as uow:
        uow.meta.set("state", "sauvegardé")
        uow.commit()
    backup = tmp_path / "copie.zip"
    maintenance.backup(admin_ctx, backup)
    with admin_ctx.writing() as uow:
        uow.meta.set("state", "modifié")
        uow.commit()
    accounts.sign_out(admin_ctx)
    return backup


@pytest.mark.parametrize(("step", "outcome"), RESTORE_STEPS)
def test_restore_killed_at_each_step_of_the_swap(cli, vault_paths, backed_up, step, outcome):
    die(vault_paths, "restore", step, CASECELL_BACKUP=str(backed_up))
    assert vault_paths.restore_journal.exists() == (outcome != "done")

    opened = cli("check", **AUTH)
    assert opened.code == 0, opened.out + opened.err
    if outcome == "before":
        assert "avant que la sauvegarde" in opened.err and "comme avant" in opened.err
        assert check_opens(vault_paths) == "modifié"
    else:
        assert check_opens(vault_paths) == "sauvegardé"
        if outcome == "after":
            assert "a été terminée" in opened.err and "casecell-before-restore-" in opened.err
    assert not vault_paths.restore_journal.exists()
    assert leftovers(vault_paths) == []

    again = cli("restore", str(backed_up), **AUTH)  # and the restore can be done (again)
    assert again.code == 0, again.err
    assert check_opens(vault_paths) == "sauvegardé"


def test_a_restore_finishes_a_killed_one_first(cli, vault_paths, backed_up):
    die(vault_paths, "restore", "aside-1", CASECELL_BACKUP=str(backed_up))
    assert not vault_paths.vault.exists()  # before: "no vault, create one with init"
    restored = cli("restore", str(backed_up), **AUTH)
    assert restored.code == 0, restored.err
    assert "comme avant" in restored.err
    assert check_opens(vault_paths) == "sauvegardé"
    assert leftovers(vault_paths) == []


# -- passwd ----------------------------------------------------------------------------------
def test_passwd_killed_before_its_audit_entry_is_recorded_at_the_next_sign_in(
    admin_ctx, vault_paths
):
    accounts.sign_out(admin_ctx)
    die(vault_paths, "passwd", "rewrapped", CASECELL_NEW_PASSPHRASE=OTHER_PASS)
    check_opens(vault_paths, OTHER_PASS)
    assert passphrase_entries(vault_paths, OTHER_PASS) == 1
    assert passphrase_entries(vault_paths, OTHER_PASS) == 1  # recorded once, not each time


def passphrase_entries(vault_paths, passphrase: str) -> int:
    ctx = Bootstrap(vault_paths).sign_in(ADMIN, passphrase)
    try:
        with ctx.reading() as uow:
            return sum(e.detail == "passphrase" for e in uow.audit.entries())
    finally:
        accounts.sign_out(ctx)


def test_passwd_through_the_cli_is_audited(cli, admin_ctx, vault_paths):
    accounts.sign_out(admin_ctx)
    changed = cli("passwd", CASECELL_NEW_PASSPHRASE=OTHER_PASS, **AUTH)
    assert changed.code == 0, changed.err
    assert passphrase_entries(vault_paths, OTHER_PASS) == 1


# -- documents written when the process dies -------------------------------------------------
@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("export.json", ["export", "-o"]),
        ("rapport.pdf", ["report", "--from", "2026-01-01", "--to", "2026-12-31", "-o"]),
        ("rapport.csv", ["report", "--from", "2026-01-01", "--to", "2026-12-31", "--csv"]),
    ],
)
def test_a_document_half_written_when_killed_is_deleted_at_the_next_start(
    cli, admin_ctx, vault_paths, tmp_path, name, command
):
    accounts.sign_out(admin_ctx)
    out = tmp_path / "documents"
    out.mkdir()
    die(vault_paths, "write", name, *command, str(out / name))
    temporary = [p for p in out.iterdir() if p.name.startswith(f".{name}.")]
    assert len(temporary) == 1 and temporary[0].stat().st_size > 0  # in clear, complete
    assert not (out / name).exists()

    assert cli("--help").code == 0  # not a start: nothing is run
    assert temporary[0].exists()
    started = cli("user", "list", **AUTH)
    assert started.code == 0, started.err
    assert list(out.iterdir()) == []
    assert list(unfinished_writes_dir().iterdir()) == []
