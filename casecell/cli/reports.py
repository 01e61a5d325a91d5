"""Activity reports."""

from __future__ import annotations

import argparse
from pathlib import Path

from casecell.bootstrap import Bootstrap
from casecell.cli.console import (
    Console,
    UsageError,
    organisation_id,
    session,
)
from casecell.errors import EXIT_OK
from casecell.i18n import _, ngettext
from casecell.services import (
    reports,
)


def cmd_report(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    if not (args.output or args.csv):
        raise UsageError(_("casecell report: give -o FILE.pdf and/or --csv FILE.csv."))
    with session(args, console, boot) as ctx:
        partner = organisation_id(ctx, args.partner) if args.partner else None
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
        ngettext(
            "Report {period}: {n} referral received.",
            "Report {period}: {n} referrals received.",
            int(received.value or 0),
        ).format(period=reports.period_text(report.period), n=int(received.value or 0))
    )
    for path in (args.output, args.csv):
        if path:
            console.print(_("Written: {path}").format(path=path))
    return EXIT_OK
