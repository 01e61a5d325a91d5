"""Command-line face: each subcommand asks ``bootstrap`` for a context, calls a service,
prints, and returns an exit code (0 ok, 1 known error, 2 usage, 3 wrong passphrase or user).

Passphrases come from a prompt or from ``CASECELL_PASSPHRASE`` / ``CASECELL_NEW_PASSPHRASE``
(for scripts and CI); the login from ``--user`` or ``CASECELL_USER``.

One module per command group; the grammar (:mod:`.parser`) imports nothing heavy, and a
command's module (with the services, SQLAlchemy and the rest) is imported only when that
command runs, so ``casecell --help`` answers at once.
"""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING

from casecell.cli.console import Console, UsageError
from casecell.cli.parser import build_parser, parse

if TYPE_CHECKING:
    from casecell.bootstrap import Bootstrap

__all__ = ["COMMANDS", "Console", "UsageError", "build_parser", "parse", "run_command"]

# command → module of casecell.cli that holds ``cmd_<command>``
COMMANDS: dict[str, str] = {
    "init": "admin",
    "user": "admin",
    "passwd": "admin",
    "backup": "admin",
    "restore": "admin",
    "rekey": "admin",
    "check": "admin",
    "audit": "admin",
    "settings": "admin",
    "retention": "admin",
    "demo": "data",
    "export": "data",
    "import": "data",
    "partners": "data",
    "search": "register",
    "case": "register",
    "person": "register",
    "aipd": "register",
    "meetings": "meetings",
    "ics": "meetings",
    "agenda": "meetings",
    "minutes": "meetings",
    "report": "reports",
}


def run_command(args: argparse.Namespace, console: Console, boot: Bootstrap | None = None) -> int:
    from casecell.bootstrap import Bootstrap
    from casecell.fileio import check_output

    boot = boot or Bootstrap.for_vault(getattr(args, "vault", None))
    for name in ("output", "csv"):  # before signing in: a refused file name changes nothing
        if getattr(args, name, None) is not None:
            check_output(getattr(args, name), boot.paths)
    module = importlib.import_module(f"casecell.cli.{COMMANDS[args.command]}")
    command = getattr(module, f"cmd_{args.command}")
    try:
        return int(command(args, console, boot))
    finally:
        for notice in boot.notices:  # an interrupted init or restore, finished or undone
            print(f"casecell: {notice}", file=console.err)
