"""Real processes: a second instance on the same vault, and a kill -9 in the middle of writes."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from casecell.services import accounts
from tests.conftest import ADMIN, ADMIN_PASS, subprocess_env

CHILD = Path(__file__).with_name("vault_child.py")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture
def env(admin_ctx, vault_paths):
    accounts.sign_out(admin_ctx)
    extra = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS, "PYTHONPATH": str(ROOT)}
    return subprocess_env(vault_paths, **extra)


def casecell(env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casecell", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def start_child(env, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), mode],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_process_is_told_clearly_but_can_still_back_up(env, tmp_path):
    with start_child(env, "hold") as holder:
        assert holder.stdout.readline().strip() == "ready"
        second = casecell(env, "user", "list")
        assert second.returncode == 1
        assert "déjà ouvert" in second.stderr and "Traceback" not in second.stderr

        backup = casecell(env, "backup", "-o", str(tmp_path / "pendant.zip"))
        assert backup.returncode == 0, backup.stderr
        assert (tmp_path / "pendant.zip").stat().st_size > 0
        holder.stdin.close()
        assert holder.wait(timeout=60) == 0
    assert casecell(env, "user", "list").returncode == 0


def test_kill_9_during_writes_loses_nothing_committed(env):
    last_reported = 0
    with start_child(env, "write") as writer:
        while last_reported < 40:
            line = writer.stdout.readline()
            assert line, writer.stderr.read()
            last_reported = int(line)
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=60)

    check = casecell(env, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Intégrité : correcte" in check.stdout

    from casecell.bootstrap import Bootstrap
    from casecell.paths import resolve_vault

    ctx = Bootstrap(resolve_vault(env["CASECELL_VAULT"])).sign_in(ADMIN, ADMIN_PASS)
    try:
        with ctx.reading() as uow:
            assert int(uow.meta.get("last") or 0) >= last_reported
            assert uow.meta.get(f"row-{last_reported}") == "x" * 500
    finally:
        accounts.sign_out(ctx)


KEEPER = "c.reste"
LEAVER = "d.depart"
MANAGER = "m.gestion"
KEEPER_PASS = "phrase du coordinateur qui reste"
LEAVER_PASS = "phrase de celle qui part"
MANAGER_PASS = "phrase du gestionnaire"


@pytest.fixture
def team(admin_ctx, vault_paths):
    """An administrator, a coordinator who stays, one who leaves and a manager."""
    from casecell.domain.users import Role
    from tests.conftest import FAST_KDF

    for login, role, passphrase in (
        (KEEPER, Role.COORDINATOR, KEEPER_PASS),
        (LEAVER, Role.COORDINATOR, LEAVER_PASS),
        (MANAGER, Role.MANAGER, MANAGER_PASS),
    ):
        accounts.add_user(admin_ctx, login, "", role, passphrase, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)
    extra = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS, "PYTHONPATH": str(ROOT)}
    return subprocess_env(vault_paths, CASECELL_TARGET=LEAVER, **extra)


def _die(env, operation: str, step: str) -> None:
    child = subprocess.run(
        [sys.executable, str(CHILD), "die", operation, step],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 137, child.stderr


def _opens(vault_paths, login: str, passphrase: str) -> bool:
    from casecell.errors import KnownError
    from casecell.storage.vault import Vault

    try:
        ctx = accounts.sign_in(Vault.open(vault_paths), login, passphrase)
    except KnownError:
        return False
    accounts.sign_out(ctx)
    return True


@pytest.mark.parametrize(
    ("operation", "step"),
    [
        ("disable", "disabled"),
        ("disable", "slot-removed"),
        ("disable", "pending"),
        ("disable", "rekeyed"),
        ("disable", "stats-dropped"),
        ("rekey", "pending"),
        ("rekey", "rekeyed"),
        ("add", "slot-written"),
        ("add", "user-added"),
        ("add", "committed"),
    ],
)
def test_killed_at_each_step_of_a_key_change_the_vault_still_opens(
    team, vault_paths, operation, step
):
    import json

    from casecell.storage.keyslots import read_keyfile

    old = read_keyfile(vault_paths.keys)
    old_secret = old.open_slot(old.find(LEAVER), LEAVER_PASS).secret
    _die(team, operation, step)

    # Whatever step it died at, the remaining accounts open (this finishes the change).
    assert _opens(vault_paths, ADMIN, ADMIN_PASS)
    assert _opens(vault_paths, KEEPER, KEEPER_PASS)
    assert _opens(vault_paths, MANAGER, MANAGER_PASS)
    if operation == "disable":
        assert not _opens(vault_paths, LEAVER, LEAVER_PASS)
    if operation != "add":  # the key changed: the old one opens nothing any more
        import sqlcipher3

        from casecell.storage.vault import raw_connect

        probe = raw_connect(vault_paths.vault, old_secret)
        with pytest.raises(sqlcipher3.DatabaseError):
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        probe.close()

    # No slot without an active account, none with a rotation left half-done.
    from casecell.storage.vault import Vault

    ctx = accounts.sign_in(Vault.open(vault_paths), ADMIN, ADMIN_PASS)
    try:
        with ctx.reading() as uow:
            active = {uow.users.slot_of(u.id) for u in uow.users.list() if u.active}
        keys = json.loads(vault_paths.keys.read_text())
        assert {s["id"] for s in keys["slots"]} == active
        assert not any("pending" in s for s in keys["slots"])
        from casecell.services import maintenance

        report = maintenance.check(ctx)
        assert report.ok, report.summary()
    finally:
        accounts.sign_out(ctx)


@pytest.mark.parametrize("step", ["slot-written", "user-added"])
def test_an_account_whose_creation_was_killed_can_be_added_again(team, vault_paths, step):
    from casecell.domain.users import Role
    from casecell.storage.vault import Vault
    from tests.conftest import FAST_KDF

    _die(team, "add", step)
    assert not _opens(vault_paths, "n.nouveau", "phrase du nouveau membre")
    ctx = accounts.sign_in(Vault.open(vault_paths), ADMIN, ADMIN_PASS)
    try:
        accounts.add_user(
            ctx, "n.nouveau", "", Role.MEMBER, "phrase du nouveau membre", kdf=FAST_KDF
        )
    finally:
        accounts.sign_out(ctx)
    assert _opens(vault_paths, "n.nouveau", "phrase du nouveau membre")
