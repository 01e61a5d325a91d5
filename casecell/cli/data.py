"""Data in and out: demo, export, import, partners."""

from __future__ import annotations

import argparse
from pathlib import Path

from casecell.bootstrap import Bootstrap
from casecell.cli.console import (
    NEW_PASSPHRASE_ENV,
    USER_ENV,
    Console,
    TerminalProgress,
    counts_text,
    session,
)
from casecell.errors import EXIT_OK, KnownError
from casecell.i18n import _
from casecell.paths import VaultPaths, demo_vault
from casecell.services import (
    interchange,
    partners,
)
from casecell.services.demo import DEMO_CASES, DEMO_LOGIN, DEMO_PASSPHRASE


def cmd_demo(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    if getattr(args, "vault", None) is None and not console.environ.get("CASECELL_VAULT"):
        boot = boot.elsewhere(VaultPaths(demo_vault()))
    if boot.vault_exists():
        raise KnownError(
            _("A vault already exists at “{path}”: it was not overwritten.").format(
                path=boot.paths.vault
            )
        )
    login = getattr(args, "user", None) or console.environ.get(USER_ENV) or DEMO_LOGIN
    passphrase = console.environ.get(NEW_PASSPHRASE_ENV) or DEMO_PASSPHRASE
    counts = boot.create_demo(
        login,
        passphrase,
        DEMO_CASES if args.cases is None else args.cases,
        args.seed,
        args.as_of,
        TerminalProgress(console.err),
    )
    console.print(
        _("Demo vault created at {path}: {counts}.").format(
            path=boot.paths.vault, counts=counts_text(counts)
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
    with session(args, console, boot) as ctx:
        counts = interchange.export_to(ctx, Path(args.output))
    console.print(
        _("Exported to {path}: {counts}.").format(path=args.output, counts=counts_text(counts))
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
    with session(args, console, boot) as ctx:
        counts = interchange.import_from(ctx, Path(args.file))
    console.print(_("Imported: {counts}.").format(counts=counts_text(counts)))
    return EXIT_OK


def cmd_partners(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with session(args, console, boot) as ctx:
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
