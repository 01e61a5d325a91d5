"""Writing files so that a crash or a full disk leaves the old content or the new, never half."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from casecell.errors import KnownError, from_os_error
from casecell.i18n import _


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` only once fully written and flushed to disk.

    If the block raises (disk full, a bug), the temporary file goes and ``path`` is untouched.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        raise from_os_error(exc, path) from exc
    finally:
        tmp.unlink(missing_ok=True)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it."""
    with atomic_writer(path) as handle:
        handle.write(data)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX; a no-op elsewhere)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_input(path: Path) -> bytes:
    """A file the user gave us to read, or a sentence saying why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise KnownError(_("The file “{path}” does not exist.").format(path=path)) from None
    except IsADirectoryError:
        raise KnownError(_("“{path}” is a folder, not a file.").format(path=path)) from None
    except OSError as exc:
        raise from_os_error(exc, path) from exc
