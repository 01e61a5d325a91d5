"""Vault-wide settings an administrator chooses (stored encrypted, in the vault)."""

from __future__ import annotations

from casecell.domain.audit import AuditAction
from casecell.domain.meetings import HOLIDAY_REGIONS
from casecell.domain.meetings import holiday_region as parse_region
from casecell.domain.register import check_email, clean_line
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.i18n import _
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


def set_idle_lock_minutes(ctx: Context, minutes: int) -> int:
    require(ctx.user, Permission.MANAGE_USERS)
    if not 1 <= minutes <= MAX_IDLE_LOCK_MINUTES:
        raise ValidationError(
            _("The idle delay must be between 1 and {maximum} minutes.").format(
                maximum=MAX_IDLE_LOCK_MINUTES
            )
        )
    with ctx.writing() as uow:
        uow.meta.set(IDLE_LOCK_KEY, str(minutes))
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.WRITE, "setting", IDLE_LOCK_KEY)
        uow.commit()
    return minutes


def cell_name_in(uow: UnitOfWork) -> str:
    """The cell's name, as documents print it."""
    return uow.meta.get(CELL_NAME_KEY) or _("Complex cases cell")


def cell_name(ctx: Context) -> str:
    with ctx.reading() as uow:
        return cell_name_in(uow)


def set_cell_name(ctx: Context, name: str) -> str:
    require(ctx.user, Permission.MANAGE_USERS)
    cleaned = clean_line(name, _("The cell's name"), limit=200)
    if not cleaned:
        raise ValidationError(_("The cell's name is empty."))
    with ctx.writing() as uow:
        uow.meta.set(CELL_NAME_KEY, cleaned)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.WRITE, "setting", CELL_NAME_KEY)
        uow.commit()
    return cleaned


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


def set_organiser_email(ctx: Context, email: str) -> str:
    """The address partners answer invitations to ("" removes it: the .ics files are then
    plain events to add to a calendar, without organiser nor guests)."""
    require(ctx.user, Permission.MANAGE_USERS)
    cleaned = check_email(clean_line(email, _("The organiser's address"), limit=254))
    domain = cleaned.rpartition("@")[2].lower()
    if cleaned and (domain.endswith(_RESERVED_DOMAINS) or domain in {"example.com", "example.org"}):
        raise ValidationError(
            _("{email} cannot receive mail: give the cell's real address.").format(email=cleaned)
        )
    with ctx.writing() as uow:
        uow.meta.set(ORGANISER_EMAIL_KEY, cleaned)
        uow.audit.append(
            ctx.clock(), ctx.user.id, AuditAction.WRITE, "setting", ORGANISER_EMAIL_KEY
        )
        uow.commit()
    return cleaned


def holiday_region_in(uow: UnitOfWork) -> str:
    """The part of France whose own public holidays the planner also avoids ("" : none)."""
    stored = uow.meta.get(HOLIDAY_REGION_KEY) or ""
    return stored if stored in HOLIDAY_REGIONS else ""


def holiday_region(ctx: Context) -> str:
    with ctx.reading() as uow:
        return holiday_region_in(uow)


def set_holiday_region(ctx: Context, region: str) -> str:
    """``region`` as typed ("57", "67", "RE", "La Réunion", "FR"…); returns its code."""
    require(ctx.user, Permission.MANAGE_USERS)
    code = parse_region(region)
    with ctx.writing() as uow:
        uow.meta.set(HOLIDAY_REGION_KEY, code)
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.WRITE, "setting", HOLIDAY_REGION_KEY)
        uow.commit()
    return code
