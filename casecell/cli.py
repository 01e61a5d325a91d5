"""Command-line face: each subcommand asks ``bootstrap`` for a context, calls a service,
prints, and returns an exit code (0 ok, 1 known error, 2 usage, 3 wrong passphrase or user).

Passphrases come from a prompt or from ``CASECELL_PASSPHRASE`` / ``CASECELL_NEW_PASSPHRASE``
(for scripts and CI); the login from ``--user`` or ``CASECELL_USER``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from casecell import __version__
from casecell.bootstrap import Bootstrap
from casecell.domain.cases import SharingBlock, sharing_notice
from casecell.domain.meetings import Meeting, MeetingKind, PersonParticipation, region_label
from casecell.domain.minutes import Variant
from casecell.domain.nomenclatures import Relation
from casecell.domain.users import Role, parse_role, strength_hint
from casecell.errors import EXIT_OK, KnownError, ValidationError
from casecell.fileio import check_output
from casecell.i18n import _, ngettext
from casecell.paths import VaultPaths, demo_vault, resolve_vault
from casecell.services import (
    accounts,
    cases,
    interchange,
    maintenance,
    meetings,
    minutes,
    opposition,
    partners,
    relatives,
    reports,
    retention,
    rights,
    settings,
)
from casecell.services.context import Context
from casecell.services.demo import DEMO_CASES, DEMO_LOGIN, DEMO_PASSPHRASE
from casecell.services.meetings import MeetingInput
from casecell.services.persons import PersonInput

PASSPHRASE_ENV = "CASECELL_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
NEW_PASSPHRASE_ENV = "CASECELL_NEW_PASSPHRASE"  # noqa: S105 - a variable name
USER_ENV = "CASECELL_USER"


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it here."""
    return message


# argparse's own words, so that ``--help`` and usage errors read in French too. argparse looks
# its ``_`` up at call time; :func:`build_parser` points it at casecell's catalogue.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("expected one argument"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


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
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.environ = os.environ if environ is None else environ
        self._prompt = prompt or getpass.getpass
        self.interactive = sys.stdin.isatty() if interactive is None else interactive

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def secret(self, env: str, prompt: str) -> str:
        value = self.environ.get(env)
        if value is not None:
            return value
        if not self.interactive:
            raise KnownError(
                _("A passphrase is needed: type it at a terminal or set {variable}.").format(
                    variable=env
                )
            )
        return self._prompt(prompt)

    def new_secret(self, env: str, *fallback_envs: str) -> str:
        for name in (env, *fallback_envs):
            value = self.environ.get(name)
            if value is not None:
                return value
        if not self.interactive:
            raise KnownError(
                _("A new passphrase is needed: type it at a terminal or set {variable}.").format(
                    variable=env
                )
            )
        first = self._prompt(_("New passphrase (at least 12 characters): "))
        print(strength_hint(first), file=self.err)
        second = self._prompt(_("Type it again: "))
        if first != second:
            raise ValidationError(_("The two passphrases differ. Nothing was changed."))
        return first


# -- parser ---------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _common() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--vault", metavar=_("PATH"), default=argparse.SUPPRESS, help=_("vault file to use")
    )
    common.add_argument(
        "--user", metavar=_("LOGIN"), default=argparse.SUPPRESS, help=_("your login")
    )
    common.add_argument(
        "--lang", choices=("fr", "en"), default=argparse.SUPPRESS, help=_("language")
    )
    return common


SCREENSHOT_PAGES = (
    "welcome", "login", "home", "cases", "case", "partners", "persons", "meetings", "meeting",
    "reports",
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    argparse._ = _  # type: ignore[attr-defined]
    common = _common()
    parser = _Parser(
        prog="casecell",
        description=_(
            "casecell: the encrypted register of a multi-agency complex-case cell. "
            "Without a command, the desktop application starts."
        ),
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"casecell {__version__}")
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=_Parser)

    p = sub.add_parser(
        "init", parents=[common], help=_("create a vault and its first administrator")
    )
    p.add_argument("--name", default="", help=_("the administrator's display name"))

    user = sub.add_parser("user", parents=[common], help=_("manage accounts"))
    user_sub = user.add_subparsers(dest="user_command", metavar=_("ACTION"), required=True)
    p = user_sub.add_parser("add", parents=[common], help=_("add an account"))
    p.add_argument("login", help=_("login of the new account"))
    p.add_argument(
        "--role",
        required=True,
        metavar="|".join(r.value for r in Role),
        help=_("role of the new account"),
    )
    p.add_argument("--name", default="", help=_("display name"))
    p.add_argument(
        "--organisation",
        metavar=_("ORGANISATION"),
        help=_("the account's organisation (number or name): required for a member"),
    )
    user_sub.add_parser("list", parents=[common], help=_("list the accounts"))
    p = user_sub.add_parser("disable", parents=[common], help=_("disable an account"))
    p.add_argument("login")

    sub.add_parser("passwd", parents=[common], help=_("change your passphrase"))

    p = sub.add_parser("backup", parents=[common], help=_("write an encrypted backup"))
    p.add_argument("-o", "--output", required=True, type=_output, metavar=_("FILE"))
    p = sub.add_parser("restore", parents=[common], help=_("replace the vault by a backup"))
    p.add_argument("file", metavar=_("FILE"))

    partners_parser = sub.add_parser("partners", parents=[common], help=_("partner directory"))
    partners_sub = partners_parser.add_subparsers(
        dest="partners_command", metavar=_("ACTION"), required=True
    )
    partners_sub.add_parser("list", parents=[common], help=_("list the partner organisations"))
    p = partners_sub.add_parser(
        "import", parents=[common], help=_("create or update partners from a CSV directory")
    )
    p.add_argument("file", metavar=_("FILE.csv"))
    p.add_argument(
        "--dry-run", action="store_true", help=_("show what would change, change nothing")
    )

    p = sub.add_parser(
        "demo", parents=[common], help=_("create a vault filled with fictitious data")
    )
    p.add_argument("--cases", type=int, default=DEMO_CASES, help=_("number of situations"))
    p.add_argument("--seed", type=int, default=1, help=_("same seed, same data"))
    p.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        metavar=_("DATE"),
        help=_("the demo's today (default: today)"),
    )

    p = sub.add_parser("export", parents=[common], help=_("write the whole register as JSON"))
    p.add_argument("-o", "--output", required=True, type=_output, metavar=_("FILE.json"))
    p = sub.add_parser("import", parents=[common], help=_("load a JSON export (all or nothing)"))
    p.add_argument("file", metavar=_("FILE.json"))

    case = sub.add_parser("case", parents=[common], help=_("situations"))
    case_sub = case.add_subparsers(dest="case_command", metavar=_("ACTION"), required=True)
    p = case_sub.add_parser("list", parents=[common], help=_("list the situations you see"))
    p.add_argument("--limit", type=int, default=50)
    p = case_sub.add_parser("show", parents=[common], help=_("show a situation"))
    p.add_argument("reference", metavar=_("REFERENCE"))
    for action, text in (
        ("share", _("add an organisation to a situation, saying why")),
        ("unshare", _("remove a participating organisation, saying why")),
    ):
        p = case_sub.add_parser(action, parents=[common], help=text)
        p.add_argument("reference", metavar=_("REFERENCE"))
        p.add_argument("--organisation", required=True, metavar=_("ORGANISATION"))
        p.add_argument("--reason", required=True, metavar=_("REASON"))
    p = case_sub.add_parser(
        "oppose",
        parents=[common],
        help=_("record the person's objection to sharing: nothing about the situation is shared"),
    )
    p.add_argument("reference", metavar=_("REFERENCE"))
    p.add_argument("--reason", required=True, metavar=_("REASON"))
    p.add_argument("--on", type=_day, default=None, metavar=_("DATE"), help=_("default: today"))
    p.add_argument("--withdraw", action="store_true", help=_("the person withdraws it"))
    p = case_sub.add_parser(
        "rectify", parents=[common], help=_("correct the person's details, saying why")
    )
    p.add_argument("reference", metavar=_("REFERENCE"))
    p.add_argument("--reason", required=True, metavar=_("REASON"))
    p.add_argument("--first-name", metavar=_("NAME"))
    p.add_argument("--last-name", metavar=_("NAME"))
    p.add_argument("--birth-date", type=_day, metavar=_("DATE"))
    p.add_argument("--birth-year", type=int, metavar=_("YEAR"))
    p.add_argument("--commune", metavar="INSEE")

    person = sub.add_parser("person", parents=[common], help=_("a person's rights"))
    person_sub = person.add_subparsers(dest="person_command", metavar=_("ACTION"), required=True)
    p = person_sub.add_parser(
        "export",
        parents=[common],
        help=_("everything held about one person, for their access request (RGPD art. 15)"),
    )
    p.add_argument(
        "ref",
        metavar=_("REFERENCE|PSEUDONYM"),
        help=_("one of their situations, or their pseudonym"),
    )
    p.add_argument("-o", "--output", required=True, type=_output, metavar=_("FILE.pdf"))
    p = person_sub.add_parser(
        "erase",
        parents=[common],
        help=_("right to erasure (RGPD art. 17): anonymise the person and their situations"),
    )
    p.add_argument(
        "ref",
        metavar=_("REFERENCE|PSEUDONYM"),
        help=_("one of their situations, or their pseudonym"),
    )
    p.add_argument(
        "--reason",
        required=True,
        metavar=_("REASON"),
        help=_("why (kept on the timeline: do not name the person)"),
    )
    p = sub.add_parser(
        "aipd", parents=[common], help=_("draft the impact assessment (AIPD) from the vault")
    )
    p.add_argument("-o", "--output", required=True, type=_output, metavar=_("FILE.pdf"))

    p = case_sub.add_parser(
        "relatives", parents=[common], help=_("list the relatives linked to a situation")
    )
    p.add_argument("reference", metavar=_("REFERENCE"))
    p = case_sub.add_parser(
        "relative-add", parents=[common], help=_("link a relative or household member")
    )
    p.add_argument("reference", metavar=_("REFERENCE"))
    p.add_argument("--first-name", default="", metavar=_("FIRST_NAME"))
    p.add_argument("--last-name", default="", metavar=_("LAST_NAME"))
    p.add_argument(
        "--relation",
        required=True,
        choices=[r.value for r in Relation],
        help=", ".join(f"{r.value}: {r.label}" for r in Relation),
    )
    p.add_argument("--birth", type=_birth, metavar=_("DATE_OR_YEAR"))
    for option, metavar in (
        ("--address", _("STREET")),
        ("--postcode", _("POSTCODE")),
        ("--commune", _("INSEE_CODE")),
        ("--phone", _("PHONE")),
        ("--email", _("EMAIL")),
        ("--nir", _("NIR")),
    ):
        p.add_argument(option, default="", metavar=metavar)
    p = case_sub.add_parser(
        "relative-remove", parents=[common], help=_("unlink a relative from a situation")
    )
    p.add_argument("reference", metavar=_("REFERENCE"))
    p.add_argument("--person", required=True, type=int, metavar=_("NUMBER"))

    p = sub.add_parser("search", parents=[common], help=_("find situations, best match first"))
    p.add_argument("query", nargs="+", metavar=_("WORDS"))
    p.add_argument("--limit", type=int, default=50)

    p = sub.add_parser("settings", parents=[common], help=_("vault settings (administrators)"))
    p.add_argument(
        "--idle-lock",
        type=int,
        metavar=_("MINUTES"),
        help=_("lock the window after this idle time"),
    )
    p.add_argument(
        "--cell-name", metavar=_("NAME"), help=_("the cell's name, as documents print it")
    )
    p.add_argument(
        "--organiser-email",
        metavar=_("ADDRESS"),
        help=_('the cell\'s address, organiser of the .ics invitations ("" to remove it)'),
    )
    p.add_argument(
        "--holiday-region",
        metavar=_("REGION"),
        help=_(
            "also avoid this region's public holidays: 57, 67, 68 (Alsace-Moselle), 971, 972, "
            "973, 974, 976 (overseas)…; FR for national holidays only"
        ),
    )
    p.add_argument(
        "--retention-months",
        type=int,
        metavar=_("MONTHS"),
        help=_("keep a closed situation this long after the last contact (default 24)"),
    )
    p.add_argument(
        "--declined-retention-months",
        type=int,
        metavar=_("MONTHS"),
        help=_("keep a declined referral this long (default 12)"),
    )
    p.add_argument(
        "--audit-retention-months",
        type=int,
        metavar=_("MONTHS"),
        help=_("keep audit entries this long, 6 to 12 (default 12)"),
    )

    p = sub.add_parser(
        "retention",
        parents=[common],
        help=_("situations due for anonymisation and old audit entries (administrators)"),
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--dry-run", action="store_true", help=_("only list what is due (the default)")
    )
    mode.add_argument(
        "--apply", action="store_true", help=_("anonymise what is due and purge old audit entries")
    )

    p = sub.add_parser("check", parents=[common], help=_("check integrity, migrations and audit"))
    p.add_argument(
        "--backup",
        metavar=_("FILE"),
        help=_("also check that the audit trail still extends the one this backup recorded"),
    )
    sub.add_parser(
        "rekey", parents=[common], help=_("re-encrypt the vault under a new key (administrators)")
    )
    p = sub.add_parser("audit", parents=[common], help=_("show the latest audit entries"))
    p.add_argument("--limit", type=int, default=50)

    meetings_parser = sub.add_parser("meetings", parents=[common], help=_("plan meetings"))
    meetings_sub = meetings_parser.add_subparsers(
        dest="meetings_command", metavar=_("ACTION"), required=True
    )
    p = meetings_sub.add_parser("list", parents=[common], help=_("list meetings"))
    p.add_argument("--from", dest="start", type=_day, default=None, metavar=_("DATE"))
    p.add_argument("--to", dest="end", type=_day, default=None, metavar=_("DATE"))
    p = meetings_sub.add_parser("plan", parents=[common], help=_("plan a meeting or a series"))
    p.add_argument(
        "--start", required=True, metavar=_("DATE_TIME"), help=_("Paris time: 12/01/2027 14:00")
    )
    p.add_argument("--duration", type=int, default=120, metavar=_("MINUTES"))
    p.add_argument("--place", default="")
    p.add_argument("--video", default="", metavar=_("URL"))
    p.add_argument("--title", default="")
    p.add_argument(
        "--kind",
        choices=[k.value for k in MeetingKind if k is not MeetingKind.EMERGENCY],
        default=MeetingKind.PLENARY.value,
    )
    p.add_argument(
        "--repeat",
        metavar="RRULE",
        help=_("recurrence, e.g. FREQ=MONTHLY;BYDAY=+2TU (2nd Tuesday of each month)"),
    )
    p.add_argument("--count", type=int, default=None, help=_("number of meetings"))
    p.add_argument("--until", type=_day, default=None, metavar=_("DATE"))
    p.add_argument(
        "--keep-holidays", action="store_true", help=_("do not leave out public holidays")
    )
    p.add_argument(
        "--emergency",
        metavar=_("REFERENCE"),
        help=_("an emergency meeting on this situation alone, within days"),
    )
    p = meetings_sub.add_parser(
        "propose", parents=[common], help=_("propose an agenda from what is due")
    )
    p.add_argument("meeting", type=int, metavar=_("MEETING_ID"))
    p.add_argument("--apply", action="store_true", help=_("add the proposal to the agenda"))
    p = meetings_sub.add_parser(
        "participation",
        parents=[common],
        help=_("how the person concerned took part in the review of their situation"),
    )
    p.add_argument("meeting", type=int, metavar=_("MEETING_ID"))
    p.add_argument("reference", metavar=_("REFERENCE"))
    p.add_argument(
        "--status",
        required=True,
        choices=[*(s.value for s in PersonParticipation), "none"],
        help=_("none: not recorded"),
    )
    p.add_argument("--represented-by", default="", metavar=_("NAME"))
    p.add_argument("--words", default="", metavar=_("TEXT"), help=_("their own words"))

    p = sub.add_parser("ics", parents=[common], help=_("write the invitations as .ics"))
    p.add_argument("meeting", type=int, metavar=_("MEETING_ID"))
    p.add_argument("-o", "--output", required=True, type=_output, metavar=_("FILE.ics"))
    p.add_argument(
        "--per-partner",
        action="store_true",
        help=_("one file per partner (FILE-orgN.ics) with its own time slots"),
    )
    p = sub.add_parser("agenda", parents=[common], help=_("write the agenda / invitation PDF"))
    p.add_argument("meeting", type=int, metavar=_("MEETING_ID"))
    p.add_argument("-o", "--output", required=True, type=_output, metavar=_("FILE.pdf"))
    p.add_argument(
        "--for",
        dest="recipient",
        metavar=_("ORGANISATION"),
        help=_("the organisation the copy is for (number or name): its situations only"),
    )

    p = sub.add_parser(
        "minutes", parents=[common], help=_("write the minutes PDF, or validate them")
    )
    p.add_argument("meeting", type=int, metavar=_("MEETING_ID"))
    p.add_argument("-o", "--output", type=_output, metavar=_("FILE.pdf"))
    p.add_argument(
        "--pseudonymised",
        action="store_true",
        help=_("the copy with pseudonyms only (steering committee, partners without a charter)"),
    )
    p.add_argument("--version", type=int, dest="minutes_version", metavar="N",
                   help=_("print version N (default: the latest)"))  # fmt: skip
    p.add_argument(
        "--for",
        dest="recipient",
        metavar=_("ORGANISATION"),
        help=_("the organisation the copy is for (number or name): checks its charter"),
    )
    p.add_argument(
        "--show-words",
        action="store_true",
        help=_("with --pseudonymised: list the words to confirm (they may be names)"),
    )
    p.add_argument(
        "--mask",
        action="append",
        default=[],
        metavar=_("WORD"),
        help=_("with --pseudonymised: withhold this word too (repeat for several)"),
    )
    p.add_argument("--validate", action="store_true", help=_("validate the draft minutes"))
    p.add_argument(
        "--new-version",
        metavar=_("REASON"),
        help=_("reopen validated minutes for a correction, saying why"),
    )

    p = sub.add_parser(
        "report", parents=[common], help=_("activity report: PDF with charts, CSV for Excel")
    )
    p.add_argument("--from", dest="start", type=_day, required=True, metavar=_("DATE"))
    p.add_argument("--to", dest="end", type=_day, required=True, metavar=_("DATE"))
    p.add_argument("-o", "--output", type=_output, metavar=_("FILE.pdf"))
    p.add_argument("--csv", type=_output, metavar=_("FILE.csv"))
    p.add_argument("--commune", default="", metavar="INSEE", help=_("only this commune"))
    p.add_argument("--partner", metavar=_("ORGANISATION"), help=_("only this partner's situations"))
    p.add_argument(
        "--external",
        action="store_true",
        help=_("the version meant to leave the cell: counts below 3 shown as “< 3”"),
    )

    p = sub.add_parser("gui", parents=[common], help=_("start the desktop application"))
    p.add_argument("--screenshot", type=_output, metavar=_("FILE.png"), help=_("render and exit"))
    p.add_argument(
        "--page",
        choices=SCREENSHOT_PAGES,
        default="home",
        help=_("page to render with --screenshot"),
    )
    p.add_argument("--demo", action="store_true", help=_("use the demo vault"))
    return parser


# -- commands -------------------------------------------------------------------------------


def _login(args: argparse.Namespace, console: Console) -> str:
    login = getattr(args, "user", None) or console.environ.get(USER_ENV)
    if login:
        return str(login)
    if console.interactive:
        return input(_("Login: "))
    raise UsageError(
        _("casecell: give your login with --user LOGIN or {variable}.").format(variable=USER_ENV)
    )


def _signed_in(
    args: argparse.Namespace, console: Console, boot: Bootstrap, *, exclusive: bool = True
) -> Context:
    login = _login(args, console)
    passphrase = console.secret(PASSPHRASE_ENV, _("Passphrase for {login}: ").format(login=login))
    return boot.sign_in(login, passphrase, exclusive=exclusive)


@contextmanager
def _session(
    args: argparse.Namespace, console: Console, boot: Bootstrap, *, exclusive: bool = True
) -> Iterator[Context]:
    """Signed in for the block, signed out (key dropped) whatever happens."""
    ctx = _signed_in(args, console, boot, exclusive=exclusive)
    try:
        yield ctx
    finally:
        accounts.sign_out(ctx)


def _output(text: str) -> Path:
    """A file to write (argparse shows the error); where it may go is the services' call."""
    if not text.strip():
        raise argparse.ArgumentTypeError(_("no file name given"))
    return Path(text)


def _day(text: str) -> date:
    """A date typed as 2027-01-12 or 12/01/2027 (argparse shows the error)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(_("unreadable date “{text}”").format(text=text[:40]))


def _birth(text: str) -> date | int:
    """A birth date (as :func:`_day`) or a year alone."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) == 4 else _day(text)


def cmd_init(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    if boot.vault_exists():
        raise KnownError(
            _("A vault already exists at “{path}”: it was not overwritten.").format(
                path=boot.paths.vault
            )
        )
    login = _login(args, console)
    passphrase = console.new_secret(NEW_PASSPHRASE_ENV, PASSPHRASE_ENV)
    ctx = boot.init(login, args.name, passphrase)
    accounts.sign_out(ctx)
    console.print(
        _("Vault created at {path}; administrator: {login}.").format(
            path=boot.paths.vault, login=ctx.user.login
        )
    )
    return EXIT_OK


def cmd_user(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    role = parse_role(args.role) if args.user_command == "add" else None
    with _session(args, console, boot) as ctx:
        if args.user_command == "add":
            assert role is not None
            if role is Role.MEMBER and not args.organisation:
                raise ValidationError(
                    _("A member belongs to an organisation: give --organisation ORGANISATION.")
                )
            org_id = _organisation(ctx, args.organisation) if args.organisation else None
            passphrase = console.new_secret(NEW_PASSPHRASE_ENV)
            user = accounts.add_user(
                ctx, args.login, args.name, role, passphrase, kdf=boot.kdf, organisation_id=org_id
            )
            console.print(
                _("Account {login} added with the role {role}.").format(
                    login=user.login, role=user.role.label
                )
            )
        elif args.user_command == "list":
            names = {o.id: o.name for o in partners.list_organisations(ctx)}
            for user in accounts.list_users(ctx):
                state = _("active") if user.active else _("disabled")
                org = names.get(user.organisation_id or 0, "—")
                console.print(
                    f"{user.login}\t{user.role.value}\t{state}\t{user.display_name}\t{org}"
                )
        else:
            user = accounts.disable_user(ctx, args.login)
            console.print(_("Account {login} disabled.").format(login=user.login))
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    login = _login(args, console)
    current = console.secret(
        PASSPHRASE_ENV, _("Current passphrase for {login}: ").format(login=login)
    )
    ctx = boot.sign_in(login, current)
    try:
        new = console.new_secret(NEW_PASSPHRASE_ENV)
        accounts.change_passphrase(ctx, current, new, kdf=boot.kdf)
    finally:
        accounts.sign_out(ctx)
    console.print(_("Passphrase changed."))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot, exclusive=False) as ctx:
        info = maintenance.backup(ctx, Path(args.output))
    console.print(
        _("Backup written to {path} ({size} bytes).").format(path=info.path, size=info.size)
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    login = _login(args, console)
    passphrase = console.secret(
        PASSPHRASE_ENV, _("Passphrase for {login} in the backup: ").format(login=login)
    )
    aside = boot.restore(Path(args.file), login, passphrase)
    console.print(_("Vault restored at {path}.").format(path=boot.paths.vault))
    if aside is not None:
        console.print(
            _("The previous vault files (still encrypted) were kept in {folder}.").format(
                folder=aside
            )
        )
    return EXIT_OK


def cmd_rekey(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        done = accounts.rotate_keys(ctx)
    if not done:
        raise KnownError(
            _(
                "Some accounts have not signed in since casecell was updated; the key will be "
                "changed once they have."
            )
        )
    console.print(_("The vault is now encrypted under a new key; every account keeps access."))
    return EXIT_OK


def cmd_check(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot, exclusive=False) as ctx:
        report = maintenance.check(ctx, Path(args.backup) if args.backup else None)
    for line in report.summary():
        console.print(line)
    if not report.ok:
        raise KnownError(_("The check found problems (see above)."))
    return EXIT_OK


def cmd_audit(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        lines = maintenance.audit_trail(ctx, max(1, min(args.limit, 10_000)))
    for line in lines:
        when = line.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        console.print(f"{line.seq}\t{when}\t{line.actor}\t{line.action.value}\t{line.record}")
    return EXIT_OK


def _counts(counts: dict[str, int]) -> str:
    labels = {
        "organisations": _("organisations"),
        "contacts": _("contacts"),
        "persons": _("persons"),
        "cases": _("situations"),
        "actions": _("actions"),
        "meetings": _("meetings"),
    }
    return ", ".join(f"{counts[name]} {label}" for name, label in labels.items())


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


def cmd_demo(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    if getattr(args, "vault", None) is None and not console.environ.get("CASECELL_VAULT"):
        boot = Bootstrap(VaultPaths(demo_vault()), boot.kdf)
    if boot.vault_exists():
        raise KnownError(
            _("A vault already exists at “{path}”: it was not overwritten.").format(
                path=boot.paths.vault
            )
        )
    login = getattr(args, "user", None) or console.environ.get(USER_ENV) or DEMO_LOGIN
    passphrase = console.environ.get(NEW_PASSPHRASE_ENV) or DEMO_PASSPHRASE
    counts = boot.create_demo(
        login, passphrase, args.cases, args.seed, args.as_of, TerminalProgress(console.err)
    )
    console.print(
        _("Demo vault created at {path}: {counts}.").format(
            path=boot.paths.vault, counts=_counts(counts)
        )
    )
    console.print(
        _("Sign in as {login} with the passphrase “{passphrase}”.").format(
            login=login, passphrase=passphrase
        )
        if passphrase == DEMO_PASSPHRASE
        else _("Sign in as {login}.").format(login=login)
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        counts = interchange.export_to(ctx, Path(args.output))
    console.print(
        _("Exported to {path}: {counts}.").format(path=args.output, counts=_counts(counts))
    )
    print(
        _(
            "This file holds nominative data in clear: keep it on an encrypted medium and "
            "delete it when it is no longer needed."
        ),
        file=console.err,
    )
    return EXIT_OK


def cmd_import(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        counts = interchange.import_from(ctx, Path(args.file))
    console.print(_("Imported: {counts}.").format(counts=_counts(counts)))
    return EXIT_OK


def cmd_partners(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        if args.partners_command == "list":
            for org in partners.list_organisations(ctx):
                charter = org.charter_signed_on.isoformat() if org.charter_signed_on else "—"
                console.print(f"{org.id}\t{org.name}\t{org.kind.label}\t{org.commune}\t{charter}")
            return EXIT_OK
        report = partners.import_directory(ctx, Path(args.file), apply=not args.dry_run)
    title = _("Imported:") if report.applied else _("Dry run — nothing was changed. Would do:")
    console.print(title)
    for line in report.summary(max_names=1000):
        console.print(f"  {line}")
    return EXIT_OK


def cmd_settings(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        if args.idle_lock is not None:
            settings.set_idle_lock_minutes(ctx, args.idle_lock)
        if args.cell_name is not None:
            settings.set_cell_name(ctx, args.cell_name)
        if args.organiser_email is not None:
            settings.set_organiser_email(ctx, args.organiser_email)
        if args.holiday_region is not None:
            settings.set_holiday_region(ctx, args.holiday_region)
        months = (
            args.retention_months,
            args.declined_retention_months,
            args.audit_retention_months,
        )
        if any(m is not None for m in months):
            retention.set_policy(ctx, *months)
        idle = settings.idle_lock_minutes(ctx)
        name = settings.cell_name(ctx)
        organiser = settings.organiser_email(ctx)
        region = settings.holiday_region(ctx)
        kept = retention.policy(ctx)
    console.print(_("Cell: {name}").format(name=name))
    console.print(
        _("Organiser of the invitations: {email}").format(email=organiser or _("not set"))
    )
    console.print(_("Public holidays: {region}").format(region=region_label(region)))
    console.print(_("Idle lock: {minutes} min").format(minutes=idle))
    console.print(
        _(
            "Retention: {closed} months after the last contact, {declined} for a declined "
            "referral; audit trail: {audit} months"
        ).format(
            closed=kept.months_after_last_contact,
            declined=kept.months_after_declined,
            audit=kept.audit_months,
        )
    )
    return EXIT_OK


def cmd_retention(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        found = retention.review(ctx)
        for due in found.due:
            console.print(
                _(
                    "{reference}  {reason}, last contact {last:%d/%m/%Y}, due since {due:%d/%m/%Y}"
                ).format(
                    reference=due.reference,
                    reason=due.reason.label,
                    last=due.last_contact,
                    due=due.due_on,
                )
            )
        for line in found.summary():
            console.print(line)
        if not args.apply:
            if found.due or found.audit_entries_due:
                console.print(_("Nothing was changed: run with --apply to do it."))
            return EXIT_OK
        done = retention.apply(ctx)
    for line in done.summary():
        console.print(line)
    return EXIT_OK


def cmd_search(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        references = cases.search(ctx, " ".join(args.query), max(1, min(args.limit, 1000)))
    for reference in references:
        console.print(reference)
    if not references:
        print(_("No matching situation."), file=console.err)
    return EXIT_OK


def cmd_meetings(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        if args.meetings_command == "list":
            start = args.start or ctx.today()
            end = args.end or start + timedelta(days=92)
            for meeting in meetings.list_meetings(ctx, start, end):
                console.print(_meeting_line(meeting))
            return EXIT_OK
        if args.meetings_command == "plan":
            return _plan(args, console, ctx)
        if args.meetings_command == "participation":
            return _participation(args, console, ctx)
        proposal = meetings.propose_agenda(ctx, args.meeting)
        for candidate in proposal.items:
            console.print(
                f"{candidate.reference}\t{candidate.pseudonym}\t{candidate.purpose.label}\t"
                + " ; ".join(candidate.reasons)
            )
        if proposal.left_out:
            print(
                _("{count} more situation(s) due did not fit in the meeting's time.").format(
                    count=len(proposal.left_out)
                ),
                file=console.err,
            )
        for candidate in proposal.refused:
            print(
                _("{reference}: sharing not allowed, left out.").format(
                    reference=candidate.reference
                ),
                file=console.err,
            )
        if args.apply:
            warning = meetings.add_proposal(ctx, args.meeting, proposal.items)
            console.print(
                _("{count} item(s) added to the agenda.").format(count=len(proposal.items))
            )
            if warning:
                print(warning, file=console.err)
    return EXIT_OK


def _participation(args: argparse.Namespace, console: Console, ctx: Context) -> int:
    case_id = cases.case_id_of(ctx, args.reference)
    status = None if args.status == "none" else PersonParticipation(args.status)
    data = meetings.ParticipationInput(status, args.represented_by, args.words)
    meetings.set_participation(ctx, args.meeting, case_id, data)
    console.print(
        _("Participation of the person recorded for {reference} (meeting {id}).").format(
            reference=args.reference.strip(), id=args.meeting
        )
    )
    return EXIT_OK


def _meeting_line(meeting: Meeting) -> str:
    start = meeting.local_start
    return "\t".join(
        [
            str(meeting.id),
            f"{start:%d/%m/%Y %H:%M}",
            meeting.kind.label,
            meeting.status.label,
            meeting.heading,
            meeting.place or meeting.video_link,
            ngettext("{n} item", "{n} items", len(meeting.items)).format(n=len(meeting.items)),
        ]
    )


def _plan(args: argparse.Namespace, console: Console, ctx: Context) -> int:
    data = MeetingInput(
        args.start, args.duration, args.place, MeetingKind(args.kind), args.title, args.video
    )
    # Told once it is planned, but checked before (the new meeting does not clash with itself).
    warnings = meetings.plan_warnings(
        ctx, data, args.repeat, args.count, args.until, not args.keep_holidays
    )
    code = _plan_checked(args, console, ctx, data)
    for warning in warnings:
        print(f"⚠ {warning}", file=console.err)
    return code


def _plan_checked(
    args: argparse.Namespace, console: Console, ctx: Context, data: MeetingInput
) -> int:
    if args.emergency:
        meeting = meetings.plan_emergency(ctx, cases.case_id_of(ctx, args.emergency), data)
        console.print(_("Meeting {id} planned.").format(id=meeting.id))
        console.print(_meeting_line(meeting))
        return EXIT_OK
    if not args.repeat:
        meeting = meetings.plan_meeting(ctx, data)
        console.print(_("Meeting {id} planned.").format(id=meeting.id))
        console.print(_meeting_line(meeting))
        return EXIT_OK
    result = meetings.plan_series(
        ctx, data, args.repeat, args.count, args.until, skip_holidays=not args.keep_holidays
    )
    for meeting in result.meetings:
        console.print(_meeting_line(meeting))
    for day, name in result.skipped:
        print(
            _("{day}: public holiday ({name}), no meeting.").format(
                day=day.strftime("%d/%m/%Y"), name=name
            ),
            file=console.err,
        )
    console.print(
        ngettext("{n} meeting planned.", "{n} meetings planned.", len(result.meetings)).format(
            n=len(result.meetings)
        )
    )
    return EXIT_OK


def cmd_ics(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        if args.per_partner:
            details, written = meetings.write_partner_calendars(
                ctx, args.meeting, Path(args.output)
            )
            for path, organisation in written:
                console.print(f"{path}\t{organisation}")
            if not written:
                print(_("No partner is invited to this meeting."), file=console.err)
        else:
            details = meetings.write_calendar(ctx, args.meeting, Path(args.output))
            console.print(_("Invitations written to {path}.").format(path=args.output))
    if not details.organiser:
        print(
            _(
                "No organiser address is set (casecell settings --organiser-email): the file "
                "holds plain events, without guests, that partners cannot answer."
            ),
            file=console.err,
        )
    for warning in details.warnings:
        print(f"⚠ {warning}", file=console.err)
    return EXIT_OK


def cmd_agenda(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        recipient = _organisation(ctx, args.recipient) if args.recipient else None
        details = meetings.write_agenda_pdf(ctx, args.meeting, Path(args.output), recipient)
    console.print(
        _("Agenda written to {path} ({count} item(s)).").format(
            path=args.output, count=len(details.items)
        )
    )
    for warning in details.warnings:
        print(f"⚠ {warning}", file=console.err)
    return EXIT_OK


def _organisation(ctx: Context, wanted: str) -> int:
    """An organisation by its number or its exact name (case ignored)."""
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


def cmd_case(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        if args.case_command == "list":
            for row in cases.list_cases(ctx, limit=max(1, min(args.limit, 10_000))):
                name = f"{row.last_name.upper()} {row.first_name}".strip()
                console.print(f"{row.reference}\t{row.status}\t{name}\t{row.lead}")
            return EXIT_OK
        case_id = cases.case_id_of(ctx, args.reference)
        if args.case_command == "show":
            _show_case(console, cases.case_details(ctx, case_id))
            return EXIT_OK
        if args.case_command == "oppose":
            return _oppose(args, console, ctx, case_id)
        if args.case_command == "rectify":
            return _rectify(args, console, ctx, case_id)
        if args.case_command.startswith("relative"):
            return _relatives(args, console, ctx, case_id)
        org_id = _organisation(ctx, args.organisation)
        share = cases.add_participant if args.case_command == "share" else cases.remove_participant
        case = share(ctx, case_id, org_id, args.reason)
    done = _("{reference} shared with {organisation}.")
    if args.case_command == "unshare":
        done = _("{reference} no longer shared with {organisation}.")
    console.print(done.format(reference=case.reference, organisation=args.organisation))
    return EXIT_OK


def _oppose(args: argparse.Namespace, console: Console, ctx: Context, case_id: int) -> int:
    if args.withdraw:
        case = opposition.withdraw_opposition(ctx, case_id, args.reason)
        console.print(_("Objection withdrawn for {reference}.").format(reference=case.reference))
        if case.sharing.block is not None:
            print(sharing_notice(case), file=console.err)
        return EXIT_OK
    result = opposition.record_opposition(ctx, case_id, args.reason, args.on)
    console.print(sharing_notice(result.case))
    for meeting in result.unplanned:
        console.print(
            _("Taken off the agenda of meeting {id} ({day}).").format(
                id=meeting.id, day=f"{meeting.local_start:%d/%m/%Y %H:%M}"
            )
        )
    return EXIT_OK


def _rectify(args: argparse.Namespace, console: Console, ctx: Context, case_id: int) -> int:
    person = cases.get_case(ctx, case_id).person
    birth_date = person.birth_date if args.birth_date is None else args.birth_date
    birth_year = person.birth_year if args.birth_year is None else args.birth_year
    if args.birth_date is not None and args.birth_year is None:
        birth_year = None  # the year follows the date
    data = cases.PersonInput(
        person.first_name if args.first_name is None else args.first_name,
        person.last_name if args.last_name is None else args.last_name,
        birth_date,
        birth_year,
        person.commune if args.commune is None else args.commune,
    )
    case = cases.rectify_person(ctx, case_id, data, args.reason)
    console.print(
        _("The person's details are corrected for {reference}.").format(reference=case.reference)
    )
    return EXIT_OK


def _relatives(args: argparse.Namespace, console: Console, ctx: Context, case_id: int) -> int:
    if args.case_command == "relative-add":
        birth = args.birth
        person = PersonInput(
            args.first_name,
            args.last_name,
            birth if isinstance(birth, date) else None,
            birth if isinstance(birth, int) else None,
            args.commune,
            args.address,
            args.postcode,
            args.phone,
            args.email,
            args.nir,
        )
        added = relatives.add_relative(ctx, case_id, person, Relation(args.relation))
        console.print(
            _("Relative added to {reference}: {name} ({relation}), number {id}.").format(
                name=added.person.display_name,
                reference=args.reference,
                relation=added.relation.label,
                id=added.person.id,
            )
        )
    elif args.case_command == "relative-remove":
        relatives.remove_relative(ctx, case_id, args.person)
        console.print(
            _("Relative {id} unlinked from {reference}.").format(
                id=args.person, reference=args.reference
            )
        )
    else:
        for relative in relatives.relatives_of(ctx, case_id):
            console.print(_relative_line(relative))
    return EXIT_OK


def _relative_line(relative: relatives.Relative) -> str:
    person = relative.person
    born = (
        person.birth_date.strftime("%d/%m/%Y")
        if person.birth_date
        else str(person.birth_year or "")
    )
    fields = (
        f"{person.last_name.upper()} {person.first_name}".strip(),
        born,
        person.phone,
        person.email,
        person.nir,
    )
    return "\t".join((str(person.id), relative.relation.label, *fields))


def _show_case(console: Console, details: cases.CaseDetails) -> None:
    case, names = details.case, details.organisations
    console.print(
        f"{case.reference}\t{case.status.label}\t{case.person.first_name} {case.person.last_name}"
    )
    if case.sharing.block is not None:
        console.print(sharing_notice(case))
    console.print(
        _("Referred by: {organisation}").format(organisation=names.get(case.referrer_org_id, ""))
    )
    console.print(
        _("Lead partner: {organisation}").format(organisation=names.get(case.lead_org_id or 0, "—"))
    )
    taking_part = ", ".join(names.get(o, "") for o in case.participant_org_ids) or "—"
    console.print(_("Taking part: {organisations}").format(organisations=taking_part))
    for relative in details.relatives:
        console.print(_("Relative: {line}").format(line=_relative_line(relative)))
    for event in details.timeline:
        when = event.at.astimezone().strftime("%d/%m/%Y %H:%M")
        console.print(f"{when}\t{event.author}\t{event.describe(names)}")


def cmd_person(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    if args.person_command == "erase":
        with _session(args, console, boot) as ctx:
            count = rights.erase_person(ctx, args.ref, args.reason)
        console.print(
            ngettext(
                "Erased: the person and {count} situation anonymised.",
                "Erased: the person and {count} situations anonymised.",
                count,
            ).format(count=count)
        )
        return EXIT_OK
    with _session(args, console, boot) as ctx:
        answer = rights.write_access(ctx, args.ref, Path(args.output))
    console.print(
        _(
            "Access answer for {pseudonym} written to {path}: {situations} situation(s), "
            "{mentions} mention(s) in minutes, {readers} consultation(s)."
        ).format(
            pseudonym=answer.pseudonym,
            path=args.output,
            situations=answer.situations,
            mentions=answer.mentions,
            readers=answer.consultations,
        )
    )
    print(
        _(
            "This file holds nominative data in clear: hand it to the person only, and "
            "delete your copy once it is given."
        ),
        file=console.err,
    )
    return EXIT_OK


def cmd_aipd(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with _session(args, console, boot) as ctx:
        to_complete = rights.write_aipd(ctx, Path(args.output))
    console.print(
        _(
            "Impact assessment draft written to {path}: {count} point(s) to complete by hand."
        ).format(path=args.output, count=to_complete)
    )
    return EXIT_OK


def cmd_minutes(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    if not (args.output or args.validate or args.new_version):
        raise UsageError(_("casecell minutes: give -o FILE.pdf, --validate or --new-version."))
    with _session(args, console, boot) as ctx:
        if args.new_version:
            opened = minutes.new_version(ctx, args.meeting, args.new_version)
            console.print(_("Version {version} opened.").format(version=opened.version))
        if args.validate:
            done = minutes.validate_minutes(ctx, args.meeting)
            console.print(_("Minutes validated (version {version}).").format(version=done.version))
        if args.output:
            variant = Variant.PSEUDONYMISED if args.pseudonymised else Variant.NOMINATIVE
            recipient = _organisation(ctx, args.recipient) if args.recipient else None
            view = minutes.write_minutes(
                ctx, args.meeting, Path(args.output), variant, args.minutes_version, recipient,
                args.mask,
            )  # fmt: skip
            console.print(
                _("Minutes written to {path} ({variant}, version {version}, {status}).").format(
                    path=args.output,
                    variant=variant.label,
                    version=view.version,
                    status=view.status.label,
                )
            )
            for reference, block in view.withheld:
                print(
                    _("⚠ {reference} left out of this copy: {reason}.").format(
                        reference=reference, reason=SharingBlock(block).label
                    ),
                    file=console.err,
                )
            if variant is Variant.PSEUDONYMISED:
                _words_to_confirm(console, view.to_confirm, args.show_words)
    return EXIT_OK


def _words_to_confirm(console: Console, words: tuple[str, ...], show: bool) -> None:
    """How many words of the pseudonymised copy may still be names (the words themselves
    only when asked: they may be names)."""
    console.print(
        ngettext(
            "{n} word to confirm before this copy leaves the cell (it may be a name).",
            "{n} words to confirm before this copy leaves the cell (they may be names).",
            len(words),
        ).format(n=len(words))
    )
    if words and show:
        for word in words:
            console.print(f"  {word}")
    elif words:
        console.print(
            _("See them with --show-words; withhold one with --mask WORD, or in the window.")
        )


def cmd_report(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    if not (args.output or args.csv):
        raise UsageError(_("casecell report: give -o FILE.pdf and/or --csv FILE.csv."))
    with _session(args, console, boot) as ctx:
        partner = _organisation(ctx, args.partner) if args.partner else None
        report = reports.write_report(
            ctx,
            args.start,
            args.end,
            Path(args.output) if args.output else None,
            Path(args.csv) if args.csv else None,
            args.external,
            args.commune,
            partner,
        )
    received = next(f for f in report.figures if f.id == "referrals_received" and not f.breakdown)
    console.print(
        _("Report {period}: {n} referral(s) received.").format(
            period=reports.period_text(report.period), n=int(received.value or 0)
        )
    )
    for path in (args.output, args.csv):
        if path:
            console.print(_("Written: {path}").format(path=path))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Console, Bootstrap], int]] = {
    "meetings": cmd_meetings,
    "ics": cmd_ics,
    "agenda": cmd_agenda,
    "minutes": cmd_minutes,
    "report": cmd_report,
    "init": cmd_init,
    "user": cmd_user,
    "passwd": cmd_passwd,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "demo": cmd_demo,
    "export": cmd_export,
    "import": cmd_import,
    "partners": cmd_partners,
    "search": cmd_search,
    "case": cmd_case,
    "person": cmd_person,
    "aipd": cmd_aipd,
    "settings": cmd_settings,
    "check": cmd_check,
    "rekey": cmd_rekey,
    "retention": cmd_retention,
    "audit": cmd_audit,
}


def run_command(args: argparse.Namespace, console: Console, boot: Bootstrap | None = None) -> int:
    boot = boot or Bootstrap(resolve_vault(getattr(args, "vault", None)))
    for name in ("output", "csv"):  # before signing in: a refused file name changes nothing
        if getattr(args, name, None) is not None:
            check_output(getattr(args, name), boot.paths)
    return COMMANDS[args.command](args, console, boot)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))
