"""Private files: what casecell writes only its owner reads, whatever the umask, and a
document is never written over a file of the vault, a device, a pipe or a folder."""

from __future__ import annotations

import logging
import os

import pytest

from casecell.app import PrivateFileHandler
from casecell.errors import KnownError
from casecell.fileio import (
    atomic_writer,
    check_output,
    ensure_private_dir,
    private_open,
    remove_unfinished_writes,
    unfinished_writes_dir,
    write_atomically,
)
from casecell.paths import VaultPaths


def mode(path) -> int:
    return os.stat(path).st_mode & 0o777


@pytest.fixture(params=[0o000, 0o022], ids=["umask-000", "umask-022"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


@pytest.fixture
def vault(tmp_path) -> VaultPaths:
    """The files of a vault, as they lie in its folder (their content does not matter here)."""
    paths = VaultPaths(tmp_path / "cellule" / "casecell.vault")
    paths.folder.mkdir()
    for own in (paths.vault, paths.keys, paths.lock):
        own.write_bytes(b"secret")
    return paths


def test_an_atomic_write_is_private_and_tightens_a_file_it_replaces(umask, tmp_path):
    fresh, existing = tmp_path / "neuf.pdf", tmp_path / "ancien.pdf"
    existing.write_bytes(b"old")
    os.chmod(existing, 0o644)
    for target in (fresh, existing):
        write_atomically(target, b"new")
        assert mode(target) == 0o600 and target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ancien.pdf", "neuf.pdf"]


def test_private_open_appends_and_refuses_an_existing_file_when_asked_for_a_new_one(
    umask, tmp_path
):
    target = tmp_path / "journal.log"
    target.write_bytes(b"")
    os.chmod(target, 0o644)  # left by an older version: tightened at the first write
    for line in (b"one\n", b"two\n"):
        with private_open(target, append=True) as handle:
            handle.write(line)
    assert target.read_bytes() == b"one\ntwo\n" and mode(target) == 0o600
    with pytest.raises(FileExistsError):
        private_open(target, new=True)
    assert target.read_bytes() == b"one\ntwo\n"


def test_private_folders_and_their_missing_parents_are_0700(umask, tmp_path):
    folder = tmp_path / "a" / "b" / "c"
    ensure_private_dir(folder)
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", folder)] == [0o700] * 3
    os.chmod(folder, 0o755)  # noqa: S103 - what an older version left
    ensure_private_dir(folder)  # a folder of ours made by an older version is tightened
    assert mode(folder) == 0o700
    with pytest.raises(FileExistsError):
        ensure_private_dir(folder, exist_ok=False)


def test_the_log_file_is_private(umask, tmp_path):
    handler = PrivateFileHandler(tmp_path / "casecell.log", encoding="utf-8", delay=True)
    try:
        handler.emit(logging.makeLogRecord({"msg": "un avertissement", "levelno": 30}))
    finally:
        handler.close()
    assert mode(tmp_path / "casecell.log") == 0o600
    assert "un avertissement" in (tmp_path / "casecell.log").read_text("utf-8")


def refused(target, vault: VaultPaths, match: str) -> None:
    before = {p: p.read_bytes() for p in vault.own_files() if p.exists()}
    with pytest.raises(KnownError, match=match):
        check_output(target, vault)
    assert {p: p.read_bytes() for p in vault.own_files() if p.exists()} == before


def test_every_file_of_the_vault_is_refused_however_it_is_named(vault, tmp_path, monkeypatch):
    for own in vault.own_files():  # the -wal, -shm and -journal even before SQLite makes them
        refused(own, vault, "fichier du coffre")
    monkeypatch.chdir(vault.folder)
    for spelling in ("casecell.vault", "./casecell.keys", "../cellule/casecell.vault"):
        refused(spelling, vault, "fichier du coffre")
    (tmp_path / "lien").symlink_to(vault.keys)
    (tmp_path / "lien-wal").symlink_to(vault.companions()[0])  # dangling: no -wal yet
    os.link(vault.vault, tmp_path / "copie-dure")
    for link in ("lien", "lien-wal", "copie-dure"):
        refused(tmp_path / link, vault, "fichier du coffre")


def test_what_is_not_an_ordinary_file_is_refused(vault, tmp_path):
    refused(tmp_path, vault, "est un dossier")
    refused("/dev/null", vault, "pas un fichier ordinaire")
    os.mkfifo(tmp_path / "tube")
    refused(tmp_path / "tube", vault, "pas un fichier ordinaire")
    (tmp_path / "vers-null").symlink_to("/dev/null")
    refused(tmp_path / "vers-null", vault, "pas un fichier ordinaire")
    refused("", vault, "Aucun fichier de sortie")


def test_the_restore_folders_are_refused(vault):
    for folder in (vault.restore_staging("ab12cd34"), vault.restore_aside("20270101T000000Z")):
        folder.mkdir()
        refused(folder / "export.json", vault, "restaurer le coffre")


def test_an_ordinary_file_is_allowed(vault, tmp_path):
    existing = tmp_path / "ancien.json"
    existing.write_bytes(b"{}")
    (tmp_path / "lien").symlink_to(existing)
    for allowed in (existing, tmp_path / "nouveau.json", vault.folder / "export.json"):
        assert check_output(allowed, vault) == allowed
    assert check_output(tmp_path / "lien", vault) == tmp_path / "lien"


def test_a_write_under_way_is_noted_and_left_alone_by_the_start_up_clean_up(tmp_path):
    target = tmp_path / "export.json"
    with atomic_writer(target) as handle:
        handle.write(b'{"nom": "Dupont"}')
        handle.flush()
        (temporary,) = [p for p in tmp_path.iterdir() if p.name.startswith(".export.json.")]
        (note,) = unfinished_writes_dir().glob("*.path")
        assert os.fsdecode(note.read_bytes()) == str(temporary)
        assert mode(note) == 0o600 and mode(unfinished_writes_dir()) == 0o700
        assert remove_unfinished_writes() == 0  # its writer is alive: not touched
        assert temporary.exists()
    assert target.read_bytes() == b'{"nom": "Dupont"}'
    assert list(unfinished_writes_dir().iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]


def test_a_note_deletes_only_a_file_named_as_our_temporary_files(tmp_path):
    ensure_private_dir(unfinished_writes_dir())
    precious = tmp_path / "rapport.pdf"
    precious.write_bytes(b"%PDF")
    left = tmp_path / ".rapport.pdf.0123abcd.tmp"
    left.write_bytes(b"%PDF half")
    for token, path in (("a" * 16, precious), ("b" * 16, left)):
        (unfinished_writes_dir() / f"{token}.path").write_bytes(os.fsencode(path))
    assert remove_unfinished_writes() == 1
    assert precious.exists() and not left.exists()
    assert list(unfinished_writes_dir().iterdir()) == []
    assert remove_unfinished_writes() == 0


def test_a_vault_file_is_written_without_a_note(tmp_path):
    write_atomically(tmp_path / "casecell.keys", b"{}", tracked=False)
    assert not unfinished_writes_dir().exists()
