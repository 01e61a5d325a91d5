"""Known errors vs bugs (qutebrowser's ``misc/sql.py`` habit).

A :class:`KnownError` is an expected failure the user can act on: its message is translated,
has no traceback, and decides the CLI exit code. Anything else that escapes is a bug: it is
logged with its traceback and shown as an unexpected error, never swallowed.

Messages never contain a key or a passphrase; they may name a file path the user chose.
"""

from __future__ import annotations

import errno
import traceback
from pathlib import Path

from casecell.i18n import _

EXIT_OK = 0
EXIT_KNOWN_ERROR = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_INTERRUPTED = 130  # Ctrl+C, or Ctrl+D at a prompt (128 + SIGINT, as shells report)
EXIT_BROKEN_PIPE = 141  # the reader of the output went away (128 + SIGPIPE, as shells report)
EXIT_BUG = 70  # EX_SOFTWARE: an unexpected error, logged with its traceback


class KnownError(Exception):
    """An expected failure, shown to the user as one translated sentence."""

    exit_code = EXIT_KNOWN_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class AuthenticationError(KnownError):
    """Wrong passphrase or unknown user (exit code 3)."""

    exit_code = EXIT_AUTH


class WrongPassphrase(AuthenticationError):
    pass


class UnknownUser(AuthenticationError):
    pass


class PermissionDenied(KnownError):
    """The signed-in user's role does not allow the action."""


class NotShared(PermissionDenied):
    """A member asked for a situation their organisation is not part of (or a copy for another
    organisation). A situation that does not exist gets the same answer: nothing is revealed.
    The service audits the refusal with ``record_type`` and ``record_id``."""

    def __init__(
        self, record_id: int | None = None, record_type: str = "case", message: str = ""
    ) -> None:
        super().__init__(message or _("This situation is not shared with your organisation."))
        self.record_type = record_type
        self.record_id = "" if record_id is None else str(record_id)


class ValidationError(KnownError):
    """Input the user can correct (too short a passphrase, an unknown role...)."""


class VaultError(KnownError):
    """The vault file is missing, damaged, locked by another process or too new."""


class VaultLocked(VaultError):
    pass


class VaultDamaged(VaultError):
    pass


class VaultTooNew(VaultError):
    pass


class VaultReadOnly(VaultError):
    """The vault file or its folder cannot be written (rights, a read-only medium)."""


class StorageFull(KnownError):
    pass


class InputInterrupted(KnownError):
    """End of input (Ctrl+D) at a prompt: the command stops before changing anything."""

    exit_code = EXIT_INTERRUPTED


class Cancelled(KnownError):
    """The user stopped a long operation; everything it had started was rolled back."""


def from_os_error(exc: OSError, path: Path | str, *, reading: bool = False) -> KnownError:
    """Turn a file-system failure into a sentence the user can act on (``reading``: the
    failure came while reading ``path``, not writing it)."""
    where = str(path)
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return StorageFull(
            _("Not enough disk space to write “{path}”. Nothing was changed.").format(path=where)
        )
    if exc.errno == errno.EROFS:
        return KnownError(
            _("Cannot write to “{path}”: the medium is read-only. Choose another folder.").format(
                path=where
            )
        )
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        if reading:
            return KnownError(
                _("Cannot read “{path}”: permission denied. Check the file's rights.").format(
                    path=where
                )
            )
        return KnownError(
            _(
                "Cannot write to “{path}”: permission denied or read-only medium. "
                "Choose another folder."
            ).format(path=where)
        )
    if isinstance(exc, FileNotFoundError) or exc.errno == errno.ENOENT:
        return KnownError(_("The folder of “{path}” does not exist.").format(path=where))
    return KnownError(
        _("Cannot access “{path}”: {reason}.").format(path=where, reason=exc.strerror or exc)
    )


def technical_report(exc: BaseException) -> str:
    """What a bug report may carry: versions, the exception's type and where it was raised.

    The exception's message and the values of variables are left out: they may hold personal
    data (a name typed by the user, a row of the vault).
    """
    import platform

    from casecell import __version__

    lines = [
        f"casecell {__version__}",
        f"Python {platform.python_version()} on {platform.platform(terse=True)}",
        f"{type(exc).__module__}.{type(exc).__qualname__}",
    ]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for frame in traceback.extract_tb(current.__traceback__):
            name = frame.filename
            marker = name.rfind("casecell")
            short = name[marker:] if marker >= 0 else name.rsplit("/", 1)[-1]
            lines.append(f"  {short}:{frame.lineno} in {frame.name}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append(f"caused by {type(current).__module__}.{type(current).__qualname__}")
    return "\n".join(lines)
