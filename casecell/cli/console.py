"""What every command shares: where text goes, passphrases, the signed-in session."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from casecell.domain.users import strength_hint
from casecell.errors import InputInterrupted, KnownError, ValidationError
from casecell.i18n import _

if TYPE_CHECKING:
    from casecell.bootstrap import Bootstrap
    from casecell.services.context import Context


PASSPHRASE_ENV = "CASECELL_PASSPHRASE"  # noqa: S105 - a variable name, not a secret


NEW_PASSPHRASE_ENV = "CASECELL_NEW_PASSPHRASE"  # noqa: S105 - a variable name


USER_ENV = "CASECELL_USER"


class UsageError(Exception):
    """A command line that cannot run as given (exit code 2)."""


class Console:
    """Where the CLI reads secrets and writes text; tests give their own streams."""

    def __init__(
        self,
        out: TextIO | None = None,
        err: TextIO | None = None,
        environ: dict[str, str] | None = None,
        prompt: Callable[[str], str] | None = None,
        interactive: bool | None = None,
    ) -> None:
        self.out: TextIO | None = out or sys.stdout  # None: started with it closed
        self.err = err or sys.stderr
        self.environ = os.environ if environ is None else environ
        self._prompt = prompt or getpass.getpass
        self._ask = input if prompt is None else prompt
        if interactive is None:  # stdin may be closed (``<&-``): then Python gives None
            interactive = sys.stdin is not None and sys.stdin.isatty()
        self.interactive = interactive

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def secret(self, env: str, prompt: str) -> str:
        value = self.environ.get(env)
        if value is not None:
            return _encodable(value, env)
        if not self.interactive:
            raise KnownError(
                _("A passphrase is needed: type it at a terminal or set {variable}.").format(
                    variable=env
                )
            )
        return self.ask(prompt, secret=True)

    def ask(self, prompt: str, *, secret: bool = False) -> str:
        """A line typed at the terminal; Ctrl+D (end of input) stops the command cleanly."""
        try:
            return _encodable((self._prompt if secret else self._ask)(prompt), "")
        except UnicodeDecodeError:
            raise ValidationError(_("What was typed is not UTF-8 text.")) from None
        except EOFError:
            print(file=self.err)  # the terminal's cursor is still after the prompt
            raise InputInterrupted(_("Input interrupted: nothing was changed.")) from None

    def new_secret(self, env: str, *fallback_envs: str) -> str:
        for name in (env, *fallback_envs):
            value = self.environ.get(name)
            if value is not None:
                return _encodable(value, name)
        if not self.interactive:
            raise KnownError(
                _("A new passphrase is needed: type it at a terminal or set {variable}.").format(
                    variable=env
                )
            )
        first = self.ask(_("New passphrase (at least 12 characters): "), secret=True)
        print(strength_hint(first), file=self.err)
        second = self.ask(_("Type it again: "), secret=True)
        if first != second:
            raise ValidationError(_("The two passphrases differ. Nothing was changed."))
        return first


def _encodable(value: str, variable: str) -> str:
    """``value``, unless it cannot be written as UTF-8 (bytes the terminal or the environment
    held that are not UTF-8 reach Python as lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        if variable:
            raise ValidationError(
                _("{variable} holds bytes that are not UTF-8 text.").format(variable=variable)
            ) from None
        raise ValidationError(_("What was typed is not UTF-8 text.")) from None
    return value


class TerminalProgress:
    """Progress on stderr: one updating line on a terminal, a line per stage elsewhere."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if self._tty:
            end = "\n" if done >= total else ""
            print(f"\r{stage} : {percent:3d} %", end=end, file=self._stream, flush=True)
        elif stage != self._stage:
            print(f"{stage}…", file=self._stream, flush=True)
        self._stage = stage


def login_of(args: argparse.Namespace, console: Console) -> str:
    login = getattr(args, "user", None) or console.environ.get(USER_ENV)
    if login:
        return str(login)
    if console.interactive:
        return console.ask(_("Login: "))
    raise UsageError(
        _("casecell: give your login with --user LOGIN or {variable}.").format(variable=USER_ENV)
    )


# Commands whose ``-o`` is a PDF.
PDF_COMMANDS = frozenset({"agenda", "minutes", "report", "aipd", "person"})


def signed_in(
    args: argparse.Namespace, console: Console, boot: Bootstrap, *, exclusive: bool = True
) -> Context:
    login = login_of(args, console)
    typed = console.environ.get(PASSPHRASE_ENV) is None and console.interactive
    if (
        typed
        and getattr(args, "command", None) in PDF_COMMANDS
        and getattr(args, "output", None) is not None
    ):
        # While the passphrase is typed, ReportLab is imported and the fonts read in a
        # thread (the prompt waits in C): ~0.1 s less to wait once Enter is pressed.
        with contextlib.suppress(RuntimeError):  # no thread to be had: prepared when needed
            threading.Thread(target=_prepare_pdf, name="casecell-pdf", daemon=True).start()
    passphrase = console.secret(PASSPHRASE_ENV, _("Passphrase for {login}: ").format(login=login))
    return boot.sign_in(login, passphrase, exclusive=exclusive)


def _prepare_pdf() -> None:
    try:
        from casecell.documents.pdf import styles

        styles()
    except Exception:  # noqa: S110 - the command's own call says what is wrong
        pass


@contextmanager
def session(
    args: argparse.Namespace, console: Console, boot: Bootstrap, *, exclusive: bool = True
) -> Iterator[Context]:
    """Signed in for the block, signed out (key dropped) whatever happens."""
    from casecell.services import accounts

    ctx = signed_in(args, console, boot, exclusive=exclusive)
    try:
        yield ctx
    finally:
        accounts.sign_out(ctx)


def organisation_id(ctx: Context, wanted: str) -> int:
    """An organisation by its number or its exact name (case ignored)."""
    from casecell.services import partners

    organisations = partners.list_organisations(ctx)
    key = wanted.strip()
    by_number = [o.id for o in organisations if str(o.id) == key]
    found = by_number or [o.id for o in organisations if o.name.casefold() == key.casefold()]
    if len(found) > 1:
        raise ValidationError(
            _("Several organisations are named “{name}”: give its number.").format(name=key)
        )
    if not found:
        raise ValidationError(_("Unknown organisation: {name}.").format(name=wanted))
    return found[0]


def counts_text(counts: dict[str, int]) -> str:
    labels = {
        "organisations": _("organisations"),
        "contacts": _("contacts"),
        "persons": _("persons"),
        "cases": _("situations"),
        "actions": _("actions"),
        "meetings": _("meetings"),
    }
    return ", ".join(f"{counts[name]} {label}" for name, label in labels.items())
