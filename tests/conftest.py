"""Shared fixtures: every test runs in its own home, with a cheap KDF and French messages."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from casecell import app, bootstrap, i18n
from casecell.bootstrap import Bootstrap
from casecell.paths import VaultPaths
from casecell.services.context import Context
from casecell.storage.keyslots import KdfParams

# Argon2id at its smallest: the slot records its own cost, so vaults made here open fast
# everywhere, subprocesses included. The real cost is measured in benchmarks/.
FAST_KDF = KdfParams(time_cost=1, memory_cost=8 * 1024, parallelism=1)
ADMIN = "admin.test"
ADMIN_PASS = "phrase de passe du test"
OTHER_PASS = "une autre phrase secrète"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path_factory.mktemp("home")
    for var in ("HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    for var in (
        "CASECELL_VAULT",
        "CASECELL_USER",
        "CASECELL_PASSPHRASE",
        "CASECELL_NEW_PASSPHRASE",
        "CASECELL_LANG",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(bootstrap, "DEFAULT_KDF", FAST_KDF)
    i18n.install("fr")
    yield home
    i18n.install("fr")


@pytest.fixture
def vault_paths(tmp_path: Path) -> VaultPaths:
    return VaultPaths(tmp_path / "cellule" / "casecell.vault")


@pytest.fixture
def boot(vault_paths: VaultPaths) -> Bootstrap:
    vault_paths.folder.mkdir(parents=True, exist_ok=True)
    return Bootstrap(vault_paths, kdf=FAST_KDF)


@pytest.fixture
def admin_ctx(boot: Bootstrap):
    """A freshly created vault with its administrator signed in."""
    ctx: Context = boot.init(ADMIN, "Alice Administratrice", ADMIN_PASS)
    yield ctx
    ctx.vault.close()


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, vault_paths):
    """Run ``casecell ARGS`` in-process, on the test vault, with the given environment."""
    vault_paths.folder.mkdir(parents=True, exist_ok=True)

    def run(*args: str, **env: str) -> CliResult:
        with monkeypatch.context() as m:
            m.setenv("CASECELL_VAULT", str(vault_paths.vault))
            for name, value in env.items():
                m.setenv(name, value)
            capsys.readouterr()
            code = app.main(list(args))
            captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def tricky_strings() -> list[str]:
    """The user input that breaks naive code (tests/data/tricky-strings.txt), as typed.

    On the line that says so, a literal ``\\n`` stands for a real newline (elsewhere, as in
    ``C:\\Users\\public\\notes.txt``, it is a backslash and an n).
    """
    text = (Path(__file__).parent / "data" / "tricky-strings.txt").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return [line.replace("\\n", "\n") if "real newline" in line else line for line in lines]


def subprocess_env(vault_paths: VaultPaths, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASECELL_")}
    env.update(CASECELL_VAULT=str(vault_paths.vault), **extra)
    return env
