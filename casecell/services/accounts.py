"""Signing in and out, accounts and passphrases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from casecell.domain.audit import AuditAction
from casecell.domain.users import (
    Permission,
    Role,
    User,
    normalise_login,
    normalise_passphrase,
    require,
    validate_new_passphrase,
)
from casecell.errors import KnownError, UnknownUser, ValidationError, WrongPassphrase
from casecell.i18n import _
from casecell.services.context import Context, utc_now
from casecell.storage.keyslots import DEFAULT_KDF, KdfParams
from casecell.storage.uow import UnitOfWork
from casecell.storage.vault import Vault

USER_RECORD = "user"


def _display_name(raw: str, login: str) -> str:
    name = " ".join(raw.split())
    if len(name) > 200:
        raise ValidationError(_("The display name is too long (at most 200 characters)."))
    return name or login


def create_first_admin(
    vault: Vault,
    login: str,
    display_name: str,
    passphrase: str,
    *,
    kdf: KdfParams = DEFAULT_KDF,
    clock: Callable[[], datetime] = utc_now,
) -> Context:
    """The account that creates the vault; returns a signed-in context for it."""
    login = normalise_login(login)
    passphrase = validate_new_passphrase(passphrase)
    name = _display_name(display_name, login)
    with UnitOfWork(vault, write=True) as uow:
        if uow.users.list():
            raise KnownError(_("This vault already has accounts."))
        slot_id = vault.add_slot(login, passphrase, kdf)
        user = uow.users.add(login, name, Role.ADMIN, slot_id, clock())
        uow.audit.append(clock(), user.id, AuditAction.WRITE, USER_RECORD, str(user.id), "create")
        uow.audit.append(clock(), user.id, AuditAction.LOGIN)
        uow.meta.set("created_at", clock().isoformat())
        uow.search.ensure_current()
        uow.commit()
    return Context(vault, user, clock)


def sign_in(
    vault: Vault, login: str, passphrase: str, *, clock: Callable[[], datetime] = utc_now
) -> Context:
    """Unlock ``vault`` with ``login``'s key slot and record the login in the audit trail.

    Failed attempts noted in the key file since the last login are moved into the trail.
    """
    try:
        login = normalise_login(login)
    except ValidationError:
        raise UnknownUser(
            _("Unknown user “{login}” in this vault.").format(login=login[:64])
        ) from None
    slot_id = vault.unlock(login, normalise_passphrase(passphrase))
    try:
        pending = vault.pending_failures()
        with UnitOfWork(vault, write=True) as uow:
            user = uow.users.by_login(login)
            if user is None or not user.active or uow.users.slot_of(user.id) != slot_id:
                raise UnknownUser(
                    _("The account “{login}” is disabled in this vault.").format(login=login)
                )
            for failure in pending:
                at = datetime.fromisoformat(str(failure["at"]))
                target = failure.get("slot")
                actor = uow.users.id_for_slot(target) if target else None
                uow.audit.append(at, actor, AuditAction.FAILED_LOGIN)
            uow.audit.append(clock(), user.id, AuditAction.LOGIN)
            uow.search.ensure_current()
            uow.commit()
        if pending:
            vault.clear_failures(len(pending))
    except BaseException:
        vault.close()
        raise
    return Context(vault, user, clock)


def sign_out(ctx: Context) -> None:
    """Record the logout, then lock: the key leaves memory."""
    if ctx.vault.unlocked:
        with ctx.writing() as uow:
            uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.LOGOUT)
            uow.commit()
    ctx.vault.close()


def add_user(
    ctx: Context,
    login: str,
    display_name: str,
    role: Role,
    passphrase: str,
    *,
    kdf: KdfParams = DEFAULT_KDF,
    organisation_id: int | None = None,
) -> User:
    """A new account; a member sees only the situations shared with ``organisation_id``."""
    require(ctx.user, Permission.MANAGE_USERS)
    login = normalise_login(login)
    passphrase = validate_new_passphrase(passphrase)
    name = _display_name(display_name, login)
    with ctx.writing() as uow:
        if uow.users.by_login(login) is not None:
            raise ValidationError(
                _("An account “{login}” already exists (possibly disabled).").format(login=login)
            )
        if organisation_id is not None and uow.organisations.get(organisation_id) is None:
            raise ValidationError(_("Unknown organisation."))
        slot_id = ctx.vault.add_slot(login, passphrase, kdf)
        try:
            user = uow.users.add(login, name, role, slot_id, ctx.clock(), organisation_id)
            uow.audit.append(
                ctx.clock(), ctx.user.id, AuditAction.WRITE, USER_RECORD, str(user.id), "create"
            )
            uow.commit()
        except BaseException:
            ctx.vault.remove_slot(slot_id)
            raise
    return user


def change_passphrase(
    ctx: Context, current: str, new: str, *, kdf: KdfParams = DEFAULT_KDF
) -> None:
    """Re-wrap the vault key under a new passphrase after checking the current one."""
    new = validate_new_passphrase(new)
    current = normalise_passphrase(current)
    if current == new:
        raise ValidationError(_("The new passphrase is the same as the current one."))
    with ctx.writing() as uow:
        slot_id = uow.users.slot_of(ctx.user.id)
        if slot_id is None or ctx.vault.check_passphrase(ctx.user.login, current) != slot_id:
            raise WrongPassphrase(_("Wrong passphrase."))
        previous = ctx.vault.keyfile_snapshot()
        ctx.vault.rewrap_slot(slot_id, ctx.user.login, new, kdf)
        try:
            uow.audit.append(
                ctx.clock(),
                ctx.user.id,
                AuditAction.WRITE,
                USER_RECORD,
                str(ctx.user.id),
                "passphrase",
            )
            uow.commit()
        except BaseException:
            ctx.vault.restore_keyfile(previous)
            raise


def list_users(ctx: Context) -> list[User]:
    require(ctx.user, Permission.MANAGE_USERS)
    with ctx.auditing_read() as uow:
        users = uow.users.list()
        uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.READ, USER_RECORD, "*")
        uow.commit()
    return users


def disable_user(ctx: Context, login: str) -> User:
    """Disable an account and remove its key slot (it can no longer unlock the vault)."""
    require(ctx.user, Permission.MANAGE_USERS)
    login = normalise_login(login)
    with ctx.writing() as uow:
        user = uow.users.by_login(login)
        if user is None or not user.active:
            raise ValidationError(_("No active account “{login}”.").format(login=login))
        if user.id == ctx.user.id:
            raise ValidationError(_("You cannot disable your own account."))
        slot_id = uow.users.slot_of(user.id)
        uow.users.deactivate(user.id)
        uow.audit.append(
            ctx.clock(), ctx.user.id, AuditAction.WRITE, USER_RECORD, str(user.id), "disable"
        )
        uow.session.flush()
        if slot_id is not None:
            ctx.vault.remove_slot(slot_id)
        uow.commit()
    return user
