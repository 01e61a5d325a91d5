"""Start-up, kept linear and testable: ``main(argv)`` → ``run(args)``.

``main`` sets the language and logging, parses the command line and hands over to the CLI or
the desktop application. Known errors print one translated line and no traceback; anything
else is a bug: logged with its traceback in the log folder and reported as unexpected.
"""

from __future__ import annotations

import argparse
import gc
import io
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from casecell import cli, i18n, paths
from casecell.bootstrap import Bootstrap
from casecell.errors import (
    EXIT_BROKEN_PIPE,
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    KnownError,
    technical_report,
)
from casecell.fileio import ensure_private_dir, private_fd, remove_unfinished_writes
from casecell.i18n import _
from casecell.paths import demo_vault

log = logging.getLogger("casecell")


def _language_from(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


class PrivateFileHandler(logging.FileHandler):
    """A log file only its owner may read (``0600``), whatever the umask."""

    def _open(self) -> io.TextIOWrapper:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        fd = private_fd(Path(self.baseFilename), flags)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


def setup_logging() -> None:
    """Warnings and bugs go to ``casecell.log`` in the user log folder (never personal data)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "casecell", False)]:
        root.removeHandler(old)
        old.close()
    try:
        folder = paths.log_dir()
        ensure_private_dir(folder)
        handler: logging.Handler = PrivateFileHandler(
            folder / "casecell.log", encoding="utf-8", delay=True
        )
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    handler.casecell = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    # Python looks for reference cycles every 700 new objects by default: a command that
    # imports SQLAlchemy and ReportLab then creates millions spends ~6 % of its time there.
    gc.set_threshold(50_000, 10, 10)
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.install(_language_from(argv))
    setup_logging()
    try:
        args = cli.parse(argv)
    except cli.UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    code = run(args)
    try:  # what is still buffered goes now, while a closed pipe can still be answered
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        return _reader_went_away()
    return code


def entry() -> NoReturn:
    """The ``casecell`` command (and ``python -m casecell``, and the bundle): :func:`main`,
    then the process ends without Python's last walk through every object it holds to
    look for cycles (~0.13 s of a one-shot command). Nothing relies on it: the vault is
    closed and the key wiped by ``sign_out``, files are written and closed explicitly, and
    what is left the system frees with the process."""
    code = main()
    gc.freeze()
    sys.exit(code)


def _interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` was caused by Ctrl+C (an error raised while handling it)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _reader_went_away() -> int:
    """The reader of our output stopped (``casecell search x | head -1``): end quietly, as
    Unix tools killed by SIGPIPE do, with the shell's code for that (128 + 13).

    Standard output is pointed at /dev/null so that Python's own flush at exit finds nothing
    to complain about.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_BROKEN_PIPE


def _window(args: argparse.Namespace, boot: Bootstrap) -> int:
    """The desktop application, once we know Qt will find a display and its libraries (it
    aborts the process otherwise, with nothing the user can act on)."""
    from casecell.desktop import check_display_libraries, qt_import_error

    check_display_libraries(screenshot=getattr(args, "screenshot", None))
    try:
        from casecell.ui.application import run_gui
    except ImportError as exc:
        known = qt_import_error(exc)
        if known is None:
            raise
        raise known from exc
    return run_gui(args, boot)


def run(args: argparse.Namespace, console: cli.Console | None = None) -> int:
    console = console or cli.Console()
    try:
        if remove_unfinished_writes():  # documents a killed casecell left half-written
            log.warning("removed temporary files of interrupted writes")
        window = args.command in (None, "gui")
        demo = window and getattr(args, "demo", False)
        boot = Bootstrap.for_vault(demo_vault() if demo else getattr(args, "vault", None))
        if window:
            return _window(args, boot)
        if console.out is None:  # started with standard output closed (``>&-``)
            raise KnownError(
                _("Standard output is closed: the answer could not be shown. Nothing was done.")
            )
        return cli.run_command(args, console, boot)
    except KnownError as exc:
        print(f"casecell: {exc.message}", file=console.err)
        return exc.exit_code
    except BrokenPipeError:
        return _reader_went_away()
    except cli.UsageError as exc:
        print(exc, file=console.err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(_("Interrupted."), file=console.err)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if _interrupted(exc):  # Ctrl+C inside SQLite: it answers with its own error
            print(_("Interrupted."), file=console.err)
            return EXIT_INTERRUPTED
        log.error("unexpected error\n%s", technical_report(exc))
        print(
            _(
                "casecell: unexpected error. A technical report without personal data was "
                "written to {path}."
            ).format(path=paths.log_dir() / "casecell.log"),
            file=console.err,
        )
        return EXIT_BUG
