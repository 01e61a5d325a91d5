"""Files are private: everything casecell writes is 0600 and every folder it makes 0700,
whatever the umask; and no ``-o`` may name the vault, its companions or what is not a file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from casecell import app
from casecell.bootstrap import Bootstrap
from casecell.paths import VaultPaths
from casecell.services import accounts, maintenance
from tests.conftest import ADMIN, ADMIN_PASS

AUTH = {"CASECELL_USER": ADMIN, "CASECELL_PASSPHRASE": ADMIN_PASS}


def mode(path: Path) -> int:
    return path.lstat().st_mode & 0o777


@pytest.fixture(params=[0o000, 0o022], ids=["umask-000", "umask-022"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = app.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_file_and_folder_casecell_makes_is_private(
    umask, isolated_home, monkeypatch, capsys, tmp_path
):
    monkeypatch.delenv("CASECELL_VAULT", raising=False)
    for name, value in {**AUTH, "CASECELL_NEW_PASSPHRASE": ADMIN_PASS}.items():
        monkeypatch.setenv(name, value)
    assert run(capsys, "demo", "--cases", "20", "--as-of", "2026-03-31")[0] == 0
    (vault,) = isolated_home.rglob("casecell.vault")
    monkeypatch.setenv("CASECELL_VAULT", str(vault))
    paths = VaultPaths(vault)

    ctx = Bootstrap(paths).sign_in(ADMIN, ADMIN_PASS)  # the vault open: its -wal and -shm
    try:
        companions = [p for p in paths.companions() if p.exists()]
        assert {p.name for p in companions} >= {"casecell.vault-wal", "casecell.vault-shm"}
        assert [mode(p) for p in companions] == [0o600] * len(companions)
        assert [mode(p) for p in (paths.vault, paths.keys, paths.lock)] == [0o600] * 3
    finally:
        accounts.sign_out(ctx)

    out = tmp_path / "sorties"
    out.mkdir()
    (out / "registre.json").write_bytes(b"an older export")
    os.chmod(out / "registre.json", 0o644)
    _code, listed, _err = run(
        capsys, "meetings", "list", "--from", "2025-01-01", "--to", "2026-03-31"
    )
    meeting = listed.splitlines()[-1].split("\t")[0]
    for command in (
        ["export", "-o", str(out / "registre.json")],
        ["backup", "-o", str(out / "sauvegarde.zip")],
        ["report", "--from", "2025-01-01", "--to", "2025-12-31",
         "-o", str(out / "rapport.pdf"), "--csv", str(out / "rapport.csv")],
        ["ics", meeting, "-o", str(out / "reunion.ics")],
        ["agenda", meeting, "-o", str(out / "ordre-du-jour.pdf")],
        ["minutes", meeting, "-o", str(out / "compte-rendu.pdf"), "--pseudonymised"],
        ["restore", str(out / "sauvegarde.zip")],
    ):  # fmt: skip
        code, _out, err = run(capsys, *command)
        assert code == 0, (command, err)
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 7, written  # no temporary file left behind
    assert {p.name: mode(p) for p in out.iterdir()} == dict.fromkeys(written, 0o600)

    def boom(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(maintenance, "check", boom)
    assert run(capsys, "check")[0] == 70  # a technical report in the log
    (log,) = isolated_home.rglob("casecell.log")
    aside = list(paths.folder.glob("casecell-before-restore-*"))
    assert aside and list(aside[0].iterdir())
    for root in (isolated_home / "xdg_data_home", log.parent):  # every folder made, and below
        made = [root, *root.rglob("*")]
        assert {str(p): mode(p) for p in made} == {
            str(p): 0o700 if p.is_dir() else 0o600 for p in made
        }


def vault_bytes(paths: VaultPaths) -> tuple[bytes, bytes]:
    return paths.vault.read_bytes(), paths.keys.read_bytes()


@pytest.fixture
def initialised(cli, vault_paths):
    result = cli("init", "--user", ADMIN, CASECELL_NEW_PASSPHRASE=ADMIN_PASS)
    assert result.code == 0, result.err
    return cli


def forbidden(paths: VaultPaths, tmp_path: Path) -> dict[str, str]:
    """Each target an output must never be, built for real."""
    fifo, folder = tmp_path / "tube", tmp_path / "dossier"
    os.mkfifo(fifo)
    folder.mkdir()
    (tmp_path / "lien-cles").symlink_to(paths.keys)
    os.link(paths.vault, tmp_path / "lien-dur")
    staging = paths.restore_staging("0123abcd")
    staging.mkdir()
    return {
        "vault": str(paths.vault),
        "keys": str(paths.keys),
        "wal": str(paths.companions()[0]),
        "lock": str(paths.lock),
        "relative": os.path.relpath(paths.vault),
        "dev-null": "/dev/null",
        "fifo": str(fifo),
        "folder": str(folder),
        "symlink-to-keys": str(tmp_path / "lien-cles"),
        "hard-link-to-vault": str(tmp_path / "lien-dur"),
        "restore-staging": str(staging / "export.json"),
    }


TARGETS = [
    "vault", "keys", "wal", "lock", "relative", "dev-null", "fifo", "folder", "symlink-to-keys",
    "hard-link-to-vault", "restore-staging",
]  # fmt: skip


@pytest.mark.parametrize("target", TARGETS)
def test_export_refuses_what_is_not_a_new_or_ordinary_file_and_the_vault_survives(
    initialised, vault_paths, tmp_path, target
):
    where = forbidden(vault_paths, tmp_path)[target]
    before = vault_bytes(vault_paths)
    result = initialised("export", "-o", where, **AUTH)
    assert result.code == 1, result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "Rien n’a été écrit" in result.err or "est un dossier" in result.err
    assert vault_bytes(vault_paths) == before
    assert stat.S_ISFIFO(os.stat(tmp_path / "tube").st_mode)
    assert initialised("check", **AUTH).code == 0  # the vault still opens


COMMANDS = [
    ["backup"],
    ["minutes", "1"],
    ["agenda", "1"],
    ["ics", "1"],
    ["ics", "1", "--per-partner"],
    ["report", "--from", "2025-01-01", "--to", "2025-12-31"],
    ["report", "--from", "2025-01-01", "--to", "2025-12-31", "-o", "{ok}", "--csv"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:1] + c[-1:]))
def test_every_command_that_writes_refuses_the_vault(initialised, vault_paths, tmp_path, command):
    before = vault_bytes(vault_paths)
    ok = str(tmp_path / "rapport.pdf")
    args = [a.replace("{ok}", ok) for a in command]
    if args[-1] != "--csv":
        args.append("-o")
    for target in (vault_paths.vault, vault_paths.keys):
        result = initialised(*args, str(target), **AUTH)
        assert result.code == 1, result.err
        assert "fichier du coffre" in result.err and result.err.count("\n") == 1
        assert vault_bytes(vault_paths) == before
    assert not (tmp_path / "rapport.pdf").exists()  # neither file of the pair was written
    assert initialised("check", **AUTH).code == 0


def test_an_empty_output_name_is_a_usage_error(initialised, vault_paths):
    before = vault_bytes(vault_paths)
    result = initialised("export", "-o", "", **AUTH)
    assert result.code == 2 and "aucun nom de fichier" in result.err
    assert vault_bytes(vault_paths) == before
