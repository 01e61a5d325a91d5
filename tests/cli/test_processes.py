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
