"""Backups: one file holding an encrypted copy of the database and the key slots.

The file is a ZIP (stored, not compressed: the content is already encrypted) with three
members: ``manifest.json`` (format, version, schema revision, SHA-256 of the others; no
personal data), ``casecell.vault`` (made with SQLite's online backup API, so it can be taken
while the vault is in use) and ``casecell.keys``.

Writing goes to a temporary file beside the destination, renamed only when complete. Restoring
extracts to a staging folder beside the vault, verifies checksums, then — once the caller has
opened and checked the staged copy — swaps it in, keeping the previous files aside.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlcipher3

from casecell import __version__
from casecell.compat import UTC
from casecell.errors import KnownError, VaultDamaged, VaultTooNew, from_os_error
from casecell.fileio import (
    atomic_writer,
    check_input,
    check_output,
    ensure_private_dir,
    fsync_dir,
    private_open,
    touch_private,
)
from casecell.i18n import _
from casecell.paths import VAULT_FILENAME, VaultPaths
from casecell.storage import recovery
from casecell.storage.recovery import step
from casecell.storage.vault import Vault

FORMAT = "casecell-backup"
VERSION = 1
MANIFEST = "manifest.json"
KEYS_MEMBER = "casecell.keys"
CHUNK = 1024 * 1024
MAX_MANIFEST_BYTES = 1024 * 1024


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    schema_revision: str | None
    created_at: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _temp_beside(path: Path, suffix: str) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{suffix}")


def write_backup(vault: Vault, destination: Path) -> BackupInfo:
    """Write a complete backup to ``destination`` or leave nothing behind."""
    destination = check_output(destination, vault.paths).absolute()
    if not destination.parent.is_dir():
        raise KnownError(
            _("The folder “{folder}” does not exist.").format(folder=destination.parent)
        )
    db_copy = _temp_beside(destination, ".db.tmp")
    revision = vault.migration_state().current
    anchor = vault.audit_head()
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        touch_private(db_copy)
        vault.backup_database_to(db_copy)
        keys = vault.paths.keys.read_bytes()
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": created_at,
            "app_version": __version__,
            "schema_revision": revision,
            "vault_id": vault.vault_id,
            # The trail's head when the copy was made: a later cut or rewrite of the live
            # trail shows against it (casecell check --backup).
            "audit_anchor": {"count": anchor[0], "head": anchor[1]},
            "sha256": {
                VAULT_FILENAME: _sha256(db_copy),
                KEYS_MEMBER: hashlib.sha256(keys).hexdigest(),
            },
        }
        with (
            atomic_writer(destination) as handle,
            zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as zipped,
        ):
            zipped.writestr(MANIFEST, json.dumps(manifest, indent=2))
            zipped.write(db_copy, VAULT_FILENAME)
            zipped.writestr(KEYS_MEMBER, keys)
    except OSError as exc:
        raise from_os_error(exc, destination) from exc
    except sqlcipher3.OperationalError as exc:
        if "full" in str(exc).lower():
            raise from_os_error(OSError(errno.ENOSPC, "disk full"), destination) from exc
        raise
    finally:
        with contextlib.suppress(OSError):  # a read-only folder refuses even to look
            db_copy.unlink(missing_ok=True)
    return BackupInfo(destination, destination.stat().st_size, revision, created_at)


def read_manifest(source: Path) -> dict[str, Any]:
    """The manifest of the backup ``source`` (checked for its format only)."""
    check_input(source)
    try:
        with zipfile.ZipFile(source) as zipped:
            info = zipped.getinfo(MANIFEST)
            if info.file_size > MAX_MANIFEST_BYTES:
                raise not_a_backup(source)
            manifest = json.loads(zipped.read(MANIFEST))
    except FileNotFoundError:
        raise KnownError(_("The file “{path}” does not exist.").format(path=source)) from None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RecursionError) as exc:
        raise not_a_backup(source) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise not_a_backup(source)
    return manifest


def read_anchor(source: Path) -> tuple[int, str] | None:
    """The audit anchor a backup's manifest recorded (None for a backup made before them)."""
    anchor = read_manifest(source).get("audit_anchor")
    if anchor is None:
        return None
    try:
        return int(anchor["count"]), str(anchor["head"])
    except (KeyError, TypeError, ValueError) as exc:
        raise not_a_backup(source) from exc


def not_a_backup(source: Path) -> VaultDamaged:
    return VaultDamaged(
        _("“{path}” is not a casecell backup, or it is damaged. Nothing was replaced.").format(
            path=source
        )
    )


def extract_backup(source: Path, staging: Path) -> VaultPaths:
    """Unpack and verify ``source`` into the empty folder ``staging``."""
    check_input(source)
    try:
        zipped = zipfile.ZipFile(source)
    except FileNotFoundError:
        raise KnownError(_("The file “{path}” does not exist.").format(path=source)) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise not_a_backup(source) from exc
    with zipped:
        try:
            if zipped.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
                raise not_a_backup(source)
            manifest = json.loads(zipped.read(MANIFEST))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise not_a_backup(source)
            if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
                raise VaultTooNew(
                    _("This backup was made by a newer version of casecell. Update casecell.")
                )
            expected = manifest["sha256"]
            staged = VaultPaths(staging / VAULT_FILENAME)
            for member, target in ((VAULT_FILENAME, staged.vault), (KEYS_MEMBER, staged.keys)):
                with zipped.open(member) as src, private_open(target, new=True) as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
                if _sha256(target) != expected[member]:
                    raise not_a_backup(source)
        except (
            KeyError,
            TypeError,
            ValueError,
            zipfile.BadZipFile,
            EOFError,
            RecursionError,
        ) as exc:
            raise not_a_backup(source) from exc
        except OSError as exc:
            raise from_os_error(exc, staging) from exc
    return staged


@contextlib.contextmanager
def staging_folder(beside: Path):  # type: ignore[no-untyped-def]
    """A private temporary folder on the vault's file system (so the final rename is atomic)."""
    folder = VaultPaths(beside).restore_staging(secrets.token_hex(4))
    try:
        ensure_private_dir(folder, exist_ok=False)
    except OSError as exc:
        raise from_os_error(exc, folder) from exc
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def swap_in(
    target: VaultPaths, staged: VaultPaths, fault: Callable[[str], None] | None = None
) -> Path | None:
    """Put the verified staged files in place of the vault; keep the previous ones aside.

    Returns the folder holding the previous (still encrypted) files, or None if there were none.
    The caller holds the target's lock. A journal names both folders before anything moves:
    if the process dies on the way, the next open finishes the swap or undoes it
    (storage/recovery.py).
    """
    previous = [p for p in (target.vault, target.keys, *target.companions()) if p.exists()]
    aside: Path | None = None
    moved: list[Path] = []
    try:
        if previous:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = target.restore_aside(stamp)
            for again in range(2, 100):  # two restores in the same second
                if not aside.exists():
                    break
                aside = target.restore_aside(f"{stamp}-{again}")
        recovery.begin_restore(target, staged.folder, aside)
        step(fault, "journal")
        if aside is not None:
            ensure_private_dir(aside, exist_ok=False)
            for path in previous:
                os.replace(path, aside / path.name)
                moved.append(path)
                step(fault, f"aside-{len(moved)}")
        for path in target.derived():  # the indicator store of the replaced vault
            path.unlink(missing_ok=True)
        step(fault, "stats-dropped")
        os.replace(staged.vault, target.vault)
        step(fault, "vault-in")
        os.replace(staged.keys, target.keys)
        step(fault, "keys-in")
        if staged.stats.exists():
            os.replace(staged.stats, target.stats)
        fsync_dir(target.folder)
        step(fault, "stats-in")
        recovery.end_restore(target)
        step(fault, "done")
    except (OSError, KnownError) as exc:
        # Put back what was there: the vault stays as it was.
        for path in (target.vault, target.keys):
            if path not in previous or path in moved:
                path.unlink(missing_ok=True)
        for path in moved:
            os.replace(aside / path.name, path)  # type: ignore[operator]
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
        target.restore_journal.unlink(missing_ok=True)
        if isinstance(exc, KnownError):
            raise
        raise from_os_error(exc, target.vault) from exc
    return aside
