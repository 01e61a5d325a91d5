"""Every path casecell uses, and nothing else computes one (qutebrowser's ``standarddir``).

The vault lives in the user data directory unless ``--vault PATH`` or ``CASECELL_VAULT`` says
otherwise. The key-slot file and the lock file sit beside it and take its name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

from casecell.errors import from_os_error

APP_NAME = "casecell"
VAULT_ENV = "CASECELL_VAULT"
VAULT_FILENAME = "casecell.vault"
RESTORE_STAGING_PREFIX = ".casecell-restore-"
RESTORE_ASIDE_PREFIX = "casecell-before-restore-"
INIT_STAGING_PREFIX = ".casecell-init-"


@dataclass(frozen=True)
class VaultPaths:
    """The files that make one vault."""

    vault: Path

    @property
    def keys(self) -> Path:
        return self.vault.with_suffix(".keys")

    @property
    def lock(self) -> Path:
        return self.vault.with_name(self.vault.name + ".lock")

    @property
    def folder(self) -> Path:
        return self.vault.parent

    @property
    def keys_lock(self) -> Path:
        """Held while the key file is read, changed and written (by any process)."""
        return self.keys.with_name(self.keys.name + ".lock")

    @property
    def stats(self) -> Path:
        """The name-free indicator store (the only file a manager's key opens)."""
        return self.vault.with_suffix(".stats")

    @property
    def restore_journal(self) -> Path:
        """Written before a restore moves any file, removed once it is done: a killed restore
        is finished or undone at the next open (storage/recovery.py)."""
        return self.vault.with_name(self.vault.name + ".restoring")

    def companions(self) -> list[Path]:
        """SQLite's own side files, which belong to the vault file."""
        return [self.vault.with_name(self.vault.name + s) for s in ("-wal", "-shm", "-journal")]

    def derived(self) -> list[Path]:
        """The indicator store and its side files: rebuilt from the vault, never backed up."""
        stats = self.stats
        return [stats, *(stats.with_name(stats.name + s) for s in ("-wal", "-shm", "-journal"))]

    def own_files(self) -> list[Path]:
        """Every file that is part of this vault: no document may be written over one."""
        return [
            self.vault,
            self.keys,
            self.lock,
            self.keys_lock,
            self.restore_journal,
            *self.companions(),
            *self.derived(),
        ]

    def restore_staging(self, token: str) -> Path:
        """The private folder beside the vault where a backup is unpacked and checked."""
        return self.folder / f"{RESTORE_STAGING_PREFIX}{self.vault.name}.{token}"

    def init_staging(self, token: str) -> Path:
        """The private folder beside the vault where a new vault is built, then moved in."""
        return self.folder / f"{INIT_STAGING_PREFIX}{self.vault.name}.{token}"

    def staging_folders(self) -> list[Path]:
        """The staging folders of this vault's creations and restores (none of another
        vault in the same folder: its name is part of theirs)."""
        found: list[Path] = []
        for prefix in (INIT_STAGING_PREFIX, RESTORE_STAGING_PREFIX):
            stem = f"{prefix}{self.vault.name}."
            found.extend(p for p in self.folder.glob(f"{stem}*") if p.name[len(stem) :].isalnum())
        return sorted(found)

    def restore_aside(self, stamp: str) -> Path:
        """Where a restore keeps the files it replaced."""
        return self.folder / f"{RESTORE_ASIDE_PREFIX}{stamp}"

    def is_restore_folder(self, folder: Path) -> bool:
        """Whether ``folder`` is one of the restore folders beside this vault."""
        return folder.parent == self.folder.resolve() and folder.name.startswith(
            (RESTORE_STAGING_PREFIX, RESTORE_ASIDE_PREFIX, INIT_STAGING_PREFIX)
        )


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Small files of the user's own sessions (never personal data), e.g. unfinished writes."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_vault() -> Path:
    return data_dir() / VAULT_FILENAME


def demo_vault() -> Path:
    """The demo vault is kept apart so demo data never mixes with a real cell's."""
    return data_dir() / "demo" / VAULT_FILENAME


def resolve_vault(cli_value: str | os.PathLike[str] | None) -> VaultPaths:
    """``--vault`` first, then ``CASECELL_VAULT``, then the user data directory."""
    chosen = cli_value or os.environ.get(VAULT_ENV) or default_vault()
    path = Path(chosen).expanduser()
    try:
        if path.is_dir():
            path = path / VAULT_FILENAME
    except OSError as exc:  # a name too long for the file system, a loop of links
        raise from_os_error(exc, path, reading=True) from exc
    return VaultPaths(path.absolute())


def resource_dir() -> Path:
    """``resources/`` from a source tree, or ``casecell/resources`` inside an installed wheel."""
    packaged = Path(str(resources.files("casecell"))) / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "resources"
