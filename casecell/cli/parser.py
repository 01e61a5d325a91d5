"""The command line's grammar. Imports nothing heavy: ``casecell --help`` must be quick."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from casecell.cli.console import UsageError
from casecell.domain.dates import FIRST_YEAR, LAST_YEAR, in_range, out_of_range_message
from casecell.domain.meetings import MeetingKind, PersonParticipation
from casecell.domain.nomenclatures import Relation
from casecell.domain.text import unsafe_character
from casecell.domain.users import Role
from casecell.i18n import _


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


def _output(text: str) -> Path:
    """A file to write (argparse shows the error); where it may go is the services' call."""
    if not text.strip():
        raise argparse.ArgumentTypeError(_("no file name given"))
    return Path(text)


class _Version(argparse.Action):
    """``--version``: the installed version is looked up only when asked for (reading the
    package metadata is a noticeable part of a start-up)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from casecell import __version__

        # on stdout, as argparse's own version action
        print(_("casecell version {version}").format(version=__version__))
        parser.exit()


def _day(text: str) -> date:
    """A date typed as 2027-01-12 or 12/01/2027, between 1900 and 2100 (argparse shows the
    error). Every date of the command line goes through here."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        if not in_range(day):
            raise argparse.ArgumentTypeError(out_of_range_message(text.strip()))
        return day
    raise argparse.ArgumentTypeError(_("unreadable date “{text}”").format(text=text[:40]))


def _birth(text: str) -> date | int:
    """A birth date (as :func:`_day`) or a year alone."""
    text = text.strip()
    return _year(text) if text.isdigit() and len(text) == 4 else _day(text)


def _bounded(low: int, high: int) -> Callable[[str], int]:
    """An integer argument between ``low`` and ``high``: none reaches SQLite beyond its 64
    bits, nor asks for a million meetings."""

    def number(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("“{text}” is not a whole number").format(text=text[:40])
            ) from None
        if high == MAX_ID and value > high:
            raise argparse.ArgumentTypeError(_("{value} is too large").format(value=value))
        if not low <= value <= high:
            message = (
                _("{value} is out of range: at least {low}")
                if high == MAX_ID
                else _("{value} is out of range: between {low} and {high}")
            )
            raise argparse.ArgumentTypeError(message.format(value=value, low=low, high=high))
        return value

    return number


MAX_ID = 2**63 - 1  # SQLite's largest integer
MAX_COUNT = 520  # ten years of weekly meetings
_id = _bounded(1, MAX_ID)
_limit = _bounded(1, 1_000_000)
_count = _bounded(1, MAX_COUNT)
_number = _bounded(0, MAX_ID)  # the service checks its own range (a duration, months...)


def _year(text: str) -> int:
    """A year alone, in the same range as every date."""
    year = _number(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(out_of_range_message(text.strip()))
    return year


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
    parser.add_argument(
        "--version", action=_Version, nargs=0, help=_("show program's version number and exit")
    )
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=_Parser)

    p = sub.add_parser(
        "init", parents=[common], help=_("create a vault and its first administrator")
    )
    p.add_argument(
        "--name", default="", metavar=_("NAME"), help=_("the administrator's display name")
    )

    user = sub.add_parser("user", parents=[common], help=_("manage accounts"))
    user_sub = user.add_subparsers(dest="user_command", metavar=_("ACTION"), required=True)
    p = user_sub.add_parser("add", parents=[common], help=_("add an account"))
    p.add_argument("login", metavar=_("LOGIN"), help=_("login of the new account"))
    p.add_argument(
        "--role",
        required=True,
        metavar="|".join(r.value for r in Role),
        help=_("role of the new account"),
    )
    p.add_argument("--name", default="", metavar=_("NAME"), help=_("display name"))
    p.add_argument(
        "--organisation",
        metavar=_("ORGANISATION"),
        help=_("the account's organisation (number or name): required for a member"),
    )
    user_sub.add_parser("list", parents=[common], help=_("list the accounts"))
    p = user_sub.add_parser("disable", parents=[common], help=_("disable an account"))
    p.add_argument("login", metavar=_("LOGIN"))

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
    p.add_argument(
        "--cases", type=_number, default=None, metavar=_("COUNT"), help=_("number of situations")
    )
    p.add_argument(
        "--seed", type=_number, default=1, metavar=_("SEED"), help=_("same seed, same data")
    )
    p.add_argument(
        "--as-of",
        type=_day,
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
    p.add_argument("--limit", type=_limit, default=50, metavar=_("COUNT"))
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
    p.add_argument("--birth-year", type=_year, metavar=_("YEAR"))
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
    p.add_argument("--person", required=True, type=_id, metavar=_("NUMBER"))

    p = sub.add_parser("search", parents=[common], help=_("find situations, best match first"))
    p.add_argument("query", nargs="+", metavar=_("WORDS"))
    p.add_argument("--limit", type=_limit, default=50, metavar=_("COUNT"))

    p = sub.add_parser("settings", parents=[common], help=_("vault settings (administrators)"))
    p.add_argument(
        "--idle-lock",
        type=_number,
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
        type=_number,
        metavar=_("MONTHS"),
        help=_("keep a closed situation this long after the last contact (default 24)"),
    )
    p.add_argument(
        "--declined-retention-months",
        type=_number,
        metavar=_("MONTHS"),
        help=_("keep a declined referral this long (default 12)"),
    )
    p.add_argument(
        "--audit-retention-months",
        type=_number,
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
    p.add_argument("--limit", type=_limit, default=50, metavar=_("COUNT"))

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
    p.add_argument("--duration", type=_number, default=120, metavar=_("MINUTES"))
    p.add_argument("--place", default="", metavar=_("PLACE"))
    p.add_argument("--video", default="", metavar=_("URL"))
    p.add_argument("--title", default="", metavar=_("TITLE"))
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
    p.add_argument(
        "--count", type=_count, default=None, metavar=_("COUNT"), help=_("number of meetings")
    )
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
    p.add_argument("meeting", type=_id, metavar=_("MEETING_ID"))
    p.add_argument("--apply", action="store_true", help=_("add the proposal to the agenda"))
    p = meetings_sub.add_parser(
        "participation",
        parents=[common],
        help=_("how the person concerned took part in the review of their situation"),
    )
    p.add_argument("meeting", type=_id, metavar=_("MEETING_ID"))
    p.add_argument("reference", metavar=_("REFERENCE"))
    p.add_argument(
        "--status",
        required=True,
        choices=[*(s.value for s in PersonParticipation), "none"],
        help=_("none: not recorded"),
    )
    p.add_argument("--represented-by", default="", metavar=_("NAME"))
    p.add_argument("--words", default="", metavar=_("TEXT"), help=_("their own words"))

    p = meetings_sub.add_parser(
        "held", parents=[common], help=_("mark a meeting held (once it has started)")
    )
    p.add_argument("meeting", type=int, metavar=_("MEETING_ID"))
    p = meetings_sub.add_parser(
        "attendance", parents=[common], help=_("record who came: present, excused, absent")
    )
    p.add_argument("meeting", type=int, metavar=_("MEETING_ID"))
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--organisation", metavar=_("ORGANISATION"), help=_("number or name"))
    who.add_argument(
        "--participant", type=int, metavar=_("NUMBER"), help=_("when an organisation sent several")
    )
    status = p.add_mutually_exclusive_group(required=True)
    for option, code in (
        ("--present", "present"),
        ("--absent", "absent"),
        ("--excused", "excused"),
    ):
        status.add_argument(option, dest="attendance", action="store_const", const=code)
    status.add_argument("--represented-by", metavar=_("NAME"), help=_("represented by this person"))
    p.add_argument(
        "--information-sent", action="store_true", help=_("with --excused: information was sent")
    )
    p.add_argument(
        "--undertaking-signed",
        action="store_true",
        help=_("the confidentiality undertaking is signed"),
    )
    p = meetings_sub.add_parser(
        "notes", parents=[common], help=_("what was said about a situation and what was decided")
    )
    p.add_argument("meeting", type=int, metavar=_("MEETING_ID"))
    p.add_argument("reference", metavar=_("REFERENCE"))
    p.add_argument("--text", metavar=_("TEXT"), help=_("the discussion summary (replaces it)"))
    p.add_argument("--decisions", metavar=_("TEXT"), help=_("the decisions (replace them)"))

    p = sub.add_parser("ics", parents=[common], help=_("write the invitations as .ics"))
    p.add_argument("meeting", type=_id, metavar=_("MEETING_ID"))
    p.add_argument("-o", "--output", required=True, type=_output, metavar=_("FILE.ics"))
    p.add_argument(
        "--per-partner",
        action="store_true",
        help=_("one file per partner (FILE-orgN.ics) with its own time slots"),
    )
    p = sub.add_parser("agenda", parents=[common], help=_("write the agenda / invitation PDF"))
    p.add_argument("meeting", type=_id, metavar=_("MEETING_ID"))
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
    p.add_argument("meeting", type=_id, metavar=_("MEETING_ID"))
    p.add_argument("-o", "--output", type=_output, metavar=_("FILE.pdf"))
    p.add_argument(
        "--pseudonymised",
        action="store_true",
        help=_("the copy with pseudonyms only (steering committee, partners without a charter)"),
    )
    p.add_argument("--version", type=_id, dest="minutes_version", metavar="N",
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


def parse(argv: Sequence[str]) -> argparse.Namespace:
    for number, arg in enumerate(argv, start=1):
        # The one text rule (casecell.domain.text), for every argument at once; bytes that are
        # not UTF-8 reach Python as lone surrogates, which it also refuses.
        code = unsafe_character(arg)
        if code is not None:
            raise UsageError(
                _(
                    "casecell: argument {number} is not plain text: it holds an invisible "
                    "control character ({code}) or bytes that are not UTF-8."
                ).format(number=number, code=code)
            )
    return build_parser().parse_args(list(argv))
