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

from casecell.cli.console import PASSPHRASE_ENV, USER_ENV, Console, UsageError
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


# Commands that do not sign in to the vault as it is (they create one, or read a backup's).
OWN_SIGN_IN = frozenset({"init", "demo", "restore"})


def _unlock_ahead(args: argparse.Namespace, console: Console, boot: Bootstrap) -> None:
    """With the login and passphrase in the environment (scripts), the key is derived while
    the command's module and the vault's code are imported; a prompt stays where it is (a
    command line refused by the command itself is refused before the passphrase is asked)."""
    login = getattr(args, "user", None) or console.environ.get(USER_ENV)
    passphrase = console.environ.get(PASSPHRASE_ENV)
    if login and passphrase is not None:
        boot.unlock_ahead(str(login), passphrase)


def run_command(args: argparse.Namespace, console: Console, boot: Bootstrap | None = None) -> int:
    from casecell.bootstrap import Bootstrap
    from casecell.fileio import check_output

    boot = boot or Bootstrap.for_vault(getattr(args, "vault", None))
    for name in ("output", "csv"):  # before signing in: a refused file name changes nothing
        if getattr(args, name, None) is not None:
            check_output(getattr(args, name), boot.paths)
    if args.command not in OWN_SIGN_IN:
        _unlock_ahead(args, console, boot)
    module = importlib.import_module(f"casecell.cli.{COMMANDS[args.command]}")
    command = getattr(module, f"cmd_{args.command}")
    try:
        return int(command(args, console, boot))
    finally:
        for notice in boot.notices:  # an interrupted init or restore, finished or undone
            print(f"casecell: {notice}", file=console.err)
