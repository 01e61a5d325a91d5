"""What a killed ``init``, ``demo`` or ``restore`` leaves beside a vault, finished or undone at
the next open.

* **Creation.** A new vault (database, key file, indicator store) is built in a private
  staging folder beside its target (``.casecell-init-NAME.TOKEN``). Once it is complete, a
  marker is written in that folder, then its files are renamed into place, the database
  last. A staging folder without the marker was a creation that did not finish: it is
  removed. One with the marker whose database is still there was complete: its renames are
  finished.
* **Restore.** Before a restore moves any file, a journal (``casecell.vault.restoring``)
  names its staging folder and the folder where the previous files go. If the backup's
  database had been moved in, the restore is finished; otherwise the previous files are put
  back. Either way the user is told, in one sentence.

Every function here runs with the vault's lock held: nothing else is at work on these files.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from casecell.errors import from_os_error
from casecell.fileio import fsync_dir, write_atomically
from casecell.i18n import _
from casecell.paths import INIT_STAGING_PREFIX, RESTORE_ASIDE_PREFIX, VaultPaths

log = logging.getLogger(__name__)

COMPLETE_MARKER = "complete"


def step(fault: Callable[[str], None] | None, name: str) -> None:
    """Tests kill the process at named steps (``os._exit``, as ``kill -9`` would)."""
    if fault is not None:
        fault(name)


def _move_into_place(staged: VaultPaths, target: VaultPaths) -> None:
    """Rename the staged files over the target's names, the database last."""
    pairs = [
        (staged.keys, target.keys),
        *zip(staged.derived(), target.derived(), strict=True),
        *zip(staged.companions(), target.companions(), strict=True),
        (staged.vault, target.vault),
    ]
    for source, destination in pairs:
        if source.exists():
            os.replace(source, destination)
    fsync_dir(target.folder)


def publish(
    staged: VaultPaths, target: VaultPaths, fault: Callable[[str], None] | None = None
) -> None:
    """Move a complete new vault from its staging folder into place (no database file is
    open: the caller closed its engine)."""
    try:
        for path in (staged.vault, *staged.derived()):
            if path.exists():
                _fsync_file(path)
        write_atomically(staged.folder / COMPLETE_MARKER, b"", tracked=False)
        step(fault, "marked")
        for source, destination in (
            (staged.keys, target.keys),
            *zip(staged.derived(), target.derived(), strict=True),
        ):
            if source.exists():
                os.replace(source, destination)
        step(fault, "keys-moved")
        _move_into_place(staged, target)
        step(fault, "vault-moved")
    except OSError as exc:
        raise from_os_error(exc, target.vault) from exc
    shutil.rmtree(staged.folder, ignore_errors=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def begin_restore(target: VaultPaths, staging: Path, aside: Path | None) -> None:
    """Note, durably, what the restore is about to move (before it moves anything)."""
    journal = {"staging": staging.name, "aside": aside.name if aside is not None else None}
    write_atomically(target.restore_journal, json.dumps(journal).encode("utf-8"), tracked=False)


def end_restore(target: VaultPaths) -> None:
    target.restore_journal.unlink(missing_ok=True)
    fsync_dir(target.folder)


def unfinished(paths: VaultPaths) -> bool:
    """Whether a restore, or a creation that was complete, waits to be finished here."""
    if paths.restore_journal.exists():
        return True
    return any(
        folder.name.startswith(INIT_STAGING_PREFIX) and (folder / COMPLETE_MARKER).exists()
        for folder in paths.staging_folders()
    )


def recover(paths: VaultPaths) -> list[str]:
    """Finish or undo what a killed process left; the sentences that tell the user so."""
    if not paths.folder.is_dir():
        return []
    try:
        notices = _finish_restore(paths)
        for folder in paths.staging_folders():
            staged = VaultPaths(folder / paths.vault.name)
            if (
                folder.name.startswith(INIT_STAGING_PREFIX)
                and (folder / COMPLETE_MARKER).exists()
                and staged.vault.exists()
                and not paths.vault.exists()
            ):
                _move_into_place(staged, paths)
                notices.append(
                    _(
                        "The creation of this vault was interrupted once it was complete: "
                        "it has been finished."
                    )
                )
            shutil.rmtree(folder, ignore_errors=True)
    except OSError as exc:
        raise from_os_error(exc, paths.vault) from exc
    if notices:
        log.warning("finished or undid %d interrupted operation(s)", len(notices))
    return notices


def _own_folder(paths: VaultPaths, name: object, prefix: str) -> Path | None:
    """A folder the journal names, if it is one of ours beside the vault."""
    if not isinstance(name, str) or not name.startswith(prefix) or Path(name).name != name:
        return None
    return paths.folder / name


def _finish_restore(paths: VaultPaths) -> list[str]:
    journal = paths.restore_journal
    if not journal.exists():
        return []
    try:
        noted = json.loads(journal.read_bytes())
    except ValueError:
        noted = {}
    if not isinstance(noted, dict):
        noted = {}
    staging = _own_folder(paths, noted.get("staging"), ".casecell-restore-")
    aside = _own_folder(paths, noted.get("aside"), RESTORE_ASIDE_PREFIX)
    staged = VaultPaths(staging / paths.vault.name) if staging is not None else None
    if paths.vault.exists() and (staged is None or not staged.vault.exists()):
        # The backup's database was moved in: the rest of its files follow.
        if staged is not None:
            _move_into_place(staged, paths)
        end_restore(paths)
        if aside is not None and aside.is_dir():
            return [
                _(
                    "A restore was interrupted after the backup had replaced the vault: it "
                    "has been finished. The previous files (still encrypted) are in {folder}."
                ).format(folder=aside)
            ]
        return [
            _(
                "A restore was interrupted after the backup had replaced the vault: it has "
                "been finished."
            )
        ]
    # The backup was not in place yet: the previous files go back.
    for path in (*paths.derived(), paths.keys, *paths.companions(), paths.vault):
        if aside is not None and (aside / path.name).exists():
            os.replace(aside / path.name, path)
    fsync_dir(paths.folder)
    if aside is not None and aside.is_dir() and not any(aside.iterdir()):
        aside.rmdir()
    end_restore(paths)
    return [
        _(
            "A restore was interrupted before the backup had replaced the vault: the vault "
            "is as it was before. Restore the backup again if you still wish to."
        )
    ]
