"""Vault-wide settings an administrator chooses (stored encrypted, in the vault).

:func:`update` changes any of them at once, all or nothing: every value is checked before
any is written, in one unit of work, each changed setting audited. The ``set_…`` functions
are :func:`update` for one setting.
"""

from __future__ import annotations

from dataclasses import dataclass

from casecell.domain import retention as retention_rules
from casecell.domain.audit import AuditAction
from casecell.domain.meetings import HOLIDAY_REGIONS
from casecell.domain.meetings import holiday_region as parse_region
from casecell.domain.register import check_email, clean_line
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services import retention
from casecell.services.context import Context
from casecell.storage.uow import UnitOfWork

IDLE_LOCK_KEY = "idle_lock_minutes"
CELL_NAME_KEY = "cell_name"
DEFAULT_IDLE_LOCK_MINUTES = 10
MAX_IDLE_LOCK_MINUTES = 120


def idle_lock_minutes(ctx: Context) -> int:
    """After how many idle minutes the desktop application locks itself."""
    with ctx.reading() as uow:
        return idle_lock_minutes_in(uow)


def idle_lock_minutes_in(uow: UnitOfWork) -> int:
    stored = uow.meta.get(IDLE_LOCK_KEY)
    return int(stored) if stored and stored.isdigit() else DEFAULT_IDLE_LOCK_MINUTES


def check_idle_lock_minutes(minutes: int) -> int:
    if not 1 <= minutes <= MAX_IDLE_LOCK_MINUTES:
        raise ValidationError(
            _("The idle delay must be between 1 and {maximum} minutes.").format(
                maximum=MAX_IDLE_LOCK_MINUTES
            )
        )
    return minutes


def set_idle_lock_minutes(ctx: Context, minutes: int) -> int:
    return update(ctx, SettingsInput(idle_lock_minutes=minutes)).idle_lock_minutes


def cell_name_in(uow: UnitOfWork) -> str:
    """The cell's name, as documents print it."""
    return uow.meta.get(CELL_NAME_KEY) or _("Complex cases cell")


def cell_name(ctx: Context) -> str:
    with ctx.reading() as uow:
        return cell_name_in(uow)


def check_cell_name(name: str) -> str:
    cleaned = clean_line(name, _("The cell's name"), limit=200)
    if not cleaned:
        raise ValidationError(_("The cell's name is empty."))
    return cleaned


def set_cell_name(ctx: Context, name: str) -> str:
    return update(ctx, SettingsInput(cell_name=name)).cell_name


ORGANISER_EMAIL_KEY = "organiser_email"
HOLIDAY_REGION_KEY = "holiday_region"
# Domains reserved never to exist (RFC 2606, RFC 6761): an invitation from them bounces.
_RESERVED_DOMAINS = (".invalid", ".example", ".test", ".localhost", ".local")


def organiser_email_in(uow: UnitOfWork) -> str:
    """The cell's address, the organiser of its invitations ("" : not set)."""
    return uow.meta.get(ORGANISER_EMAIL_KEY) or ""


def organiser_email(ctx: Context) -> str:
    with ctx.reading() as uow:
        return organiser_email_in(uow)


def check_organiser_email(email: str) -> str:
    """The address partners answer invitations to ("" removes it: the .ics files are then
    plain events to add to a calendar, without organiser nor guests)."""
    cleaned = check_email(clean_line(email, _("The organiser's address"), limit=254))
    domain = cleaned.rpartition("@")[2].lower()
    if cleaned and (domain.endswith(_RESERVED_DOMAINS) or domain in {"example.com", "example.org"}):
        raise ValidationError(
            _("{email} cannot receive mail: give the cell's real address.").format(email=cleaned)
        )
    return cleaned


def set_organiser_email(ctx: Context, email: str) -> str:
    return update(ctx, SettingsInput(organiser_email=email)).organiser_email


def holiday_region_in(uow: UnitOfWork) -> str:
    """The part of France whose own public holidays the planner also avoids ("" : none)."""
    stored = uow.meta.get(HOLIDAY_REGION_KEY) or ""
    return stored if stored in HOLIDAY_REGIONS else ""


def holiday_region(ctx: Context) -> str:
    with ctx.reading() as uow:
        return holiday_region_in(uow)


def set_holiday_region(ctx: Context, region: str) -> str:
    """``region`` as typed ("57", "67", "RE", "La Réunion", "FR"…); returns its code."""
    return update(ctx, SettingsInput(holiday_region=region)).holiday_region


@dataclass(frozen=True)
class Settings:
    """Every setting of the cell, as stored (what the settings dialog shows)."""

    cell_name: str
    idle_lock_minutes: int
    organiser_email: str
    holiday_region: str  # a code of HOLIDAY_REGIONS, "" for metropolitan France
    retention: retention_rules.RetentionPolicy


@dataclass(frozen=True)
class SettingsInput:
    """What an administrator asks to change; ``None`` keeps the current value. The holiday
    region as typed ("57", "67", "RE", "La Réunion", "FR"…) or a code."""

    cell_name: str | None = None
    idle_lock_minutes: int | None = None
    organiser_email: str | None = None
    holiday_region: str | None = None
    months_after_last_contact: int | None = None
    months_after_declined: int | None = None
    audit_months: int | None = None


def current_in(uow: UnitOfWork) -> Settings:
    return Settings(
        cell_name_in(uow),
        idle_lock_minutes_in(uow),
        organiser_email_in(uow),
        holiday_region_in(uow),
        retention.policy_in(uow),
    )


def current(ctx: Context) -> Settings:
    """Every setting (anyone signed in may read them; administrators change them)."""
    with ctx.reading() as uow:
        return current_in(uow)


def checked(changes: SettingsInput, now: Settings) -> Settings:
    """``now`` with ``changes`` applied, every value checked (a French ValidationError for
    the first wrong one); pure: nothing is read or written."""
    c, kept = changes, now.retention
    return Settings(
        now.cell_name if c.cell_name is None else check_cell_name(c.cell_name),
        now.idle_lock_minutes
        if c.idle_lock_minutes is None
        else check_idle_lock_minutes(c.idle_lock_minutes),
        now.organiser_email
        if c.organiser_email is None
        else check_organiser_email(c.organiser_email),
        now.holiday_region if c.holiday_region is None else parse_region(c.holiday_region),
        retention_rules.RetentionPolicy(  # checks the three periods together
            kept.months_after_last_contact
            if c.months_after_last_contact is None
            else c.months_after_last_contact,
            kept.months_after_declined
            if c.months_after_declined is None
            else c.months_after_declined,
            kept.audit_months if c.audit_months is None else c.audit_months,
        ),
    )


def update(ctx: Context, changes: SettingsInput) -> Settings:
    """Change any settings at once (administrators): all are checked before any is written,
    in one unit of work; each setting that changed is audited. Returns them all."""
    require(ctx.user, Permission.MANAGE_USERS)
    with ctx.writing() as uow:
        now = current_in(uow)
        chosen = checked(changes, now)
        at = ctx.clock()
        for key, old, new in (
            (CELL_NAME_KEY, now.cell_name, chosen.cell_name),
            (IDLE_LOCK_KEY, now.idle_lock_minutes, chosen.idle_lock_minutes),
            (ORGANISER_EMAIL_KEY, now.organiser_email, chosen.organiser_email),
            (HOLIDAY_REGION_KEY, now.holiday_region, chosen.holiday_region),
        ):
            if new != old:
                uow.meta.set(key, str(new))
                uow.audit.append(at, ctx.user.id, AuditAction.WRITE, "setting", key)
        if chosen.retention != now.retention:
            retention.write_policy(uow, chosen.retention)
            uow.audit.append(at, ctx.user.id, AuditAction.WRITE, "setting", retention.RECORD)
        uow.commit()
    return chosen
