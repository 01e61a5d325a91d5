"""The vault and its accounts: init, user, passwd, backup, restore, rekey, check, audit,
settings, retention."""

from __future__ import annotations

import argparse
from pathlib import Path

from casecell.bootstrap import Bootstrap
from casecell.cli.console import (
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    Console,
    login_of,
    organisation_id,
    session,
)
from casecell.domain.meetings import PARIS, region_label
from casecell.domain.users import Role, parse_role
from casecell.errors import EXIT_OK, KnownError, ValidationError
from casecell.i18n import _
from casecell.services import (
    accounts,
    maintenance,
    partners,
    retention,
    settings,
)


def cmd_init(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    if boot.vault_exists():
        raise KnownError(
            _("A vault already exists at “{path}”: it was not overwritten.").format(
                path=boot.paths.vault
            )
        )
    login = login_of(args, console)
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
    with session(args, console, boot) as ctx:
        if args.user_command == "add":
            assert role is not None
            if role is Role.MEMBER and not args.organisation:
                raise ValidationError(
                    _("A member belongs to an organisation: give --organisation ORGANISATION.")
                )
            org_id = organisation_id(ctx, args.organisation) if args.organisation else None
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
                    f"{user.login}\t{user.role.label}\t{state}\t{user.display_name}\t{org}"
                )
        else:
            user = accounts.disable_user(ctx, args.login)
            console.print(_("Account {login} disabled.").format(login=user.login))
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    login = login_of(args, console)
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
    with session(args, console, boot, exclusive=False) as ctx:
        info = maintenance.backup(ctx, Path(args.output))
    console.print(
        _("Backup written to {path} ({size} bytes).").format(path=info.path, size=info.size)
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    login = login_of(args, console)
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
    with session(args, console, boot) as ctx:
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
    with session(args, console, boot, exclusive=False) as ctx:
        report = maintenance.check(ctx, Path(args.backup) if args.backup else None)
    for line in report.summary():
        console.print(line)
    if not report.ok:
        raise KnownError(_("The check found problems (see above)."))
    return EXIT_OK


def cmd_audit(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    with session(args, console, boot) as ctx:
        lines = maintenance.audit_trail(ctx, max(1, min(args.limit, 10_000)))
    for line in lines:
        when = line.at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S")
        console.print(f"{line.seq}\t{when}\t{line.actor}\t{line.action.label}\t{line.record}")
    return EXIT_OK


def cmd_settings(args: argparse.Namespace, console: Console, boot: Bootstrap) -> int:
    changes = settings.SettingsInput(
        cell_name=args.cell_name,
        idle_lock_minutes=args.idle_lock,
        organiser_email=args.organiser_email,
        holiday_region=args.holiday_region,
        months_after_last_contact=args.retention_months,
        months_after_declined=args.declined_retention_months,
        audit_months=args.audit_retention_months,
    )
    with session(args, console, boot) as ctx:
        if changes != settings.SettingsInput():  # all checked before any is written
            settings.update(ctx, changes)
        now = settings.current(ctx)
    name, organiser, region = now.cell_name, now.organiser_email, now.holiday_region
    idle, kept = now.idle_lock_minutes, now.retention
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
    with session(args, console, boot) as ctx:
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
