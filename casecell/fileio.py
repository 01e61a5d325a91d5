"""Writing files so that a crash or a full disk leaves the old content or the new, never half,
and so that only their owner can read them.

Every file casecell creates is ``0600`` and every folder ``0700``, whatever the umask: the
vault, its key slots and lock, backups, exports, PDFs, CSVs, .ics files, logs and temporary
files all go through :func:`private_fd` / :func:`private_open` / :func:`ensure_private_dir`.
A document is written only where :func:`check_output` allows it: never over a file of the
vault, a device, a pipe or a folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock, Timeout

from casecell.errors import KnownError, from_os_error
from casecell.i18n import _
from casecell.paths import VaultPaths, state_dir

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_fd(path: Path, flags: int) -> int:
    """``os.open`` for a file only its owner may read or write, even a pre-existing one.

    The mode is set again on the open descriptor, before anything is written: the umask
    cannot loosen it, and a file that already existed with wider rights is tightened.
    """
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def private_open(path: Path, *, new: bool = False, append: bool = False) -> BinaryIO:
    """A file opened for binary writing (truncated, or ``append``), only its owner may read.

    ``new=True`` refuses a file that already exists (``O_EXCL``: temporary files).
    """
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    flags |= os.O_APPEND if append else os.O_TRUNC
    if new:
        flags |= os.O_EXCL
    return open(private_fd(path, flags), "ab" if append else "wb")


def touch_private(path: Path) -> None:
    """Create ``path`` empty and ``0600``, refusing one that exists.

    SQLite then opens it as a new database, and its side files (``-wal``, ``-shm``,
    ``-journal``) take the database file's mode.
    """
    os.close(private_fd(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL))


def ensure_private_dir(folder: Path, *, exist_ok: bool = True) -> None:
    """Create ``folder`` (and any missing parent) ``0700``; tighten it if it exists already.

    Only for folders casecell owns (its data, log and restore folders), never a user's.
    ``exist_ok=False`` is for a fresh folder: one already there raises ``FileExistsError``.
    """
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    if folder not in missing and not exist_ok:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(folder))
    for created in reversed(missing):
        created.mkdir(PRIVATE_DIR, exist_ok=exist_ok or created != folder)
    for ours in {folder, *missing}:
        os.chmod(ours, PRIVATE_DIR)  # mkdir's mode went through the umask


@contextlib.contextmanager
def atomic_writer(path: Path, *, durable: bool = True, tracked: bool = True) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` only once fully written and flushed to disk.

    The temporary file is created ``0600`` and exclusively; the renamed file keeps that mode.
    If the block raises (disk full, a bug), the temporary file goes and ``path`` is untouched.
    ``durable=False`` skips the fsyncs: still all-or-nothing if the program dies, but a power
    cut may bring back the previous content (for frequent, monotonic updates).

    A document's temporary file may hold personal data in clear: while it exists, its name is
    noted in the user's state folder, so that if the process is killed the next start of
    casecell deletes it (:func:`remove_unfinished_writes`). ``tracked=False`` is for the
    vault's own (encrypted) files beside it, which are tidied when the vault opens.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        note = _UnfinishedWrite(tmp) if tracked else None
    except OSError as exc:
        raise from_os_error(exc, unfinished_writes_dir()) from exc
    try:
        with private_open(tmp, new=True) as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
        if durable:
            fsync_dir(path.parent)
    except OSError as exc:
        raise from_os_error(exc, path) from exc
    finally:
        with contextlib.suppress(OSError):  # a read-only folder refuses even this
            tmp.unlink(missing_ok=True)
        if note is not None:
            note.done()


def write_atomically(
    path: Path, data: bytes, *, durable: bool = True, tracked: bool = True
) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it."""
    with atomic_writer(path, durable=durable, tracked=tracked) as handle:
        handle.write(data)


TEMP_SUFFIX = ".tmp"
_TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")


def unfinished_writes_dir() -> Path:
    return state_dir() / "unfinished-writes"


class _UnfinishedWrite:
    """A note ``TOKEN.path`` naming one temporary file, and ``TOKEN.lock`` held while it is
    written: a note whose lock can be taken is one a killed process left."""

    def __init__(self, tmp: Path) -> None:
        folder = unfinished_writes_dir()
        ensure_private_dir(folder)
        token = secrets.token_hex(8)
        self.note = folder / f"{token}.path"
        self.lock = FileLock(str(folder / f"{token}.lock"), timeout=0, mode=PRIVATE_FILE)
        self.lock.acquire()
        try:
            with private_open(self.note, new=True) as handle:
                handle.write(os.fsencode(tmp.absolute()))
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            self.done()
            raise

    def done(self) -> None:
        self.note.unlink(missing_ok=True)  # before the lock goes: see remove_unfinished_writes
        self.lock.release()
        Path(self.lock.lock_file).unlink(missing_ok=True)


def remove_unfinished_writes() -> int:
    """Delete the temporary files that killed casecell processes left; how many there were.

    Cheap when there are none (one folder listing). Only files named as our temporary files
    are deleted, whatever a note says; a write still under way (its lock held) is left alone.
    """
    folder = unfinished_writes_dir()
    try:
        notes = sorted(folder.glob("*.path"))
    except OSError:
        return 0
    removed = 0
    for note in notes:
        lock = FileLock(str(note.with_suffix(".lock")), timeout=0, mode=PRIVATE_FILE)
        try:
            lock.acquire()
        except (Timeout, OSError):
            continue  # still being written by a live process
        try:
            tmp = Path(os.fsdecode(note.read_bytes()))
        except OSError:
            tmp = None  # finished meanwhile
        try:
            if tmp is not None and _TEMP_NAME.fullmatch(tmp.name):
                with contextlib.suppress(OSError):
                    if tmp.is_file():
                        tmp.unlink()
                        removed += 1
            note.unlink(missing_ok=True)
        finally:
            lock.release()
            Path(lock.lock_file).unlink(missing_ok=True)
    return removed


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX; a no-op elsewhere)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


MAX_INPUT = 1 << 30  # 1 GiB: far above a 100,000-situation export


def _size_text(size: int) -> str:
    return f"{size / (1 << 20):.0f} Mo" if size >= 1 << 20 else f"{size / 1024:.0f} ko"


def _refuse(found: os.stat_result, path: Path, limit: int | None) -> None:
    """Only an ordinary file of a bounded size is read: a device (/dev/zero), a pipe or a
    folder would never end, or is not a document."""
    if stat.S_ISDIR(found.st_mode):
        raise KnownError(_("“{path}” is a folder, not a file.").format(path=path))
    if not stat.S_ISREG(found.st_mode):
        raise KnownError(
            _("“{path}” is not an ordinary file (a device or a pipe): it cannot be read.").format(
                path=path
            )
        )
    if limit is not None and found.st_size > limit:
        raise _too_large(path, found.st_size, limit)


def _too_large(path: Path, size: int, limit: int) -> KnownError:
    return KnownError(
        _("“{path}” is too large ({size}; at most {limit}). Nothing was read.").format(
            path=path, size=_size_text(size), limit=_size_text(limit)
        )
    )


def check_input(path: Path, limit: int | None = None) -> Path:
    """``path`` if it names an ordinary file (of at most ``limit`` bytes) that exists."""
    try:
        _refuse(path.stat(), path, limit)
    except FileNotFoundError:
        raise KnownError(_("The file “{path}” does not exist.").format(path=path)) from None
    except OSError as exc:
        raise from_os_error(exc, path, reading=True) from exc
    return path


def read_input(path: Path, limit: int | None = None) -> bytes:
    """A file the user gave us to read, or a sentence saying why it cannot be read.

    Opened without waiting (a pipe with no writer would block), checked on the open file
    (what was checked is what is read), and never read beyond ``limit`` (default
    :data:`MAX_INPUT`).
    """
    limit = MAX_INPUT if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            _refuse(os.fstat(fd), path, limit)
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise KnownError(_("The file “{path}” does not exist.").format(path=path)) from None
    except IsADirectoryError:
        raise KnownError(_("“{path}” is a folder, not a file.").format(path=path)) from None
    except OSError as exc:
        raise from_os_error(exc, path, reading=True) from exc
    if len(data) > limit:  # it grew while we read
        raise _too_large(path, len(data), limit)
    return data


def open_input(path: Path, limit: int | None = None) -> BinaryIO:
    """A file the user gave us to read, open, to be read a piece at a time: checked as
    :func:`read_input` checks it (an ordinary file of at most ``limit`` bytes, default
    :data:`MAX_INPUT`), or a sentence saying why it cannot be read."""
    limit = MAX_INPUT if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        handle = open(fd, "rb")  # noqa: SIM115 - the caller closes it
        try:
            _refuse(os.fstat(fd), path, limit)
        except BaseException:
            handle.close()
            raise
    except FileNotFoundError:
        raise KnownError(_("The file “{path}” does not exist.").format(path=path)) from None
    except IsADirectoryError:
        raise KnownError(_("“{path}” is a folder, not a file.").format(path=path)) from None
    except OSError as exc:
        raise from_os_error(exc, path, reading=True) from exc
    return handle


def check_output(target: Path | str, vault: VaultPaths) -> Path:
    """``target`` if a document may be written there; else a :class:`KnownError` saying why.

    Refused, whatever the spelling (relative, ``./``, a symbolic or a hard link): a file of
    the vault (the database, its key slots, lock and SQLite side files), anything that exists
    and is not an ordinary file (a folder, a device, a pipe), and the restore folders.
    """
    if not str(target).strip():
        raise KnownError(_("No output file was given."))
    target = Path(target)
    try:
        found = target.stat()  # through a symbolic link, to what it points at
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise from_os_error(exc, target) from exc
    resolved = target.resolve()
    for own in vault.own_files():
        if resolved == own.resolve() or (found is not None and _same_file(found, own)):
            raise KnownError(
                _(
                    "“{path}” is a file of the vault: choose another file name. "
                    "Nothing was written."
                ).format(path=target)
            )
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise KnownError(_("“{path}” is a folder, not a file.").format(path=target))
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise KnownError(
            _(
                "“{path}” is not an ordinary file (a device or a pipe): choose another file "
                "name. Nothing was written."
            ).format(path=target)
        )
    if any(vault.is_restore_folder(folder) for folder in resolved.parents):
        raise KnownError(
            _(
                "“{path}” is inside a folder used to restore the vault: choose another folder. "
                "Nothing was written."
            ).format(path=target)
        )
    return target


def _same_file(found: os.stat_result, own: Path) -> bool:
    """A hard link has another name but the same device and inode."""
    try:
        other = own.stat()
    except OSError:
        return False
    return (found.st_dev, found.st_ino) == (other.st_dev, other.st_ino)
