"""Signing in and out, accounts and passphrases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from casecell.domain.audit import AuditAction
from casecell.domain.register import check_characters
from casecell.domain.users import (
    Permission,
    Role,
    User,
    normalise_login,
    normalise_passphrase,
    require,
    validate_new_passphrase,
)
from casecell.errors import (
    KnownError,
    PermissionDenied,
    StorageFull,
    UnknownUser,
    ValidationError,
    WrongPassphrase,
)
from casecell.i18n import _
from casecell.services.context import Context, utc_now
from casecell.storage import stats
from casecell.storage.keyslots import DEFAULT_KDF, KdfParams, SlotKind
from casecell.storage.recovery import step
from casecell.storage.uow import UnitOfWork
from casecell.storage.vault import LegacySlots, Vault

USER_RECORD = "user"


def _display_name(raw: str, login: str) -> str:
    name = " ".join(check_characters(raw, _("The display name")).split())
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
        slot = vault.add_slot(login, passphrase, kdf)
        user = uow.users.add(login, name, Role.ADMIN, (slot.slot_id, slot.public), clock())
        uow.audit.append(clock(), user.id, AuditAction.WRITE, USER_RECORD, str(user.id), "create")
        uow.audit.append(clock(), user.id, AuditAction.LOGIN)
        uow.meta.set("created_at", clock().isoformat())
        uow.search.ensure_current()
        uow.commit()
    return Context(vault, user, clock)


def publish_new_vault(ctx: Context, fault: Callable[[str], None] | None = None) -> None:
    """Build the indicator store of a new vault, then move the vault into place."""
    _refresh_stats(ctx.vault)
    ctx.vault.publish(fault)


class KeyNotChanged(KnownError):
    """An account was disabled, but the vault's key could not be changed yet."""


ROTATION_DUE = "key_rotation_due"  # vault_meta: set before a rotation, cleared once done
MANAGER_TRAIL = "manager_trail_taken"  # vault_meta: "generation:seq" already moved in


def _slot_kind(role: Role) -> SlotKind:
    """Managers get a slot to the name-free indicator store only."""
    return SlotKind.STATS if role is Role.MANAGER else SlotKind.FULL


def sign_in(
    vault: Vault, login: str, passphrase: str, *, clock: Callable[[], datetime] = utc_now
) -> Context:
    """Unlock ``vault`` with ``login``'s key slot and record the login in the audit trail.

    With the vault's key (every role but manager), this is also when the vault tidies what
    an interrupted session left: slots of no active account go, a key rotation that was due
    is done, the managers' entries are moved into the trail, failed attempts noted in the
    key file are recorded, and a stale indicator store is rebuilt.
    """
    try:
        login = normalise_login(login)
    except ValidationError:
        raise UnknownUser(
            _("Unknown user “{login}” in this vault.").format(login=login[:64])
        ) from None
    passphrase = normalise_passphrase(passphrase)
    slot_id = vault.unlock(login, passphrase)
    try:
        if not vault.nominative:
            return _sign_in_manager(vault, login, slot_id, clock)
        pending = vault.pending_failures()
        exclusive = vault.exclusive
        with UnitOfWork(vault, write=True, changes_data=False) as uow:
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
            opened = vault.opened_slot
            if opened is not None and opened.public is not None:
                # The passphrase just opened this key pair (bound to it): record it. A key
                # pair other than the recorded one is a passphrase change whose process
                # died before it wrote its audit entry: written now.
                recorded = uow.users.public_of(user.id)
                if recorded is not None and recorded != opened.public:
                    uow.audit.append(
                        clock(),
                        user.id,
                        AuditAction.WRITE,
                        USER_RECORD,
                        str(user.id),
                        "passphrase",
                    )
                uow.users.set_slot_public(user.id, opened.public)
            refused = exclusive and _take_manager_trail(vault, uow, clock())
            uow.audit.append(clock(), user.id, AuditAction.LOGIN)
            uow.search.ensure_current()
            converting = exclusive and user.role is Role.MANAGER
            if converting:
                # A manager's slot from before the indicator store granted the vault's key:
                # the key will change (recorded first, so a crash cannot forget it).
                uow.meta.set(ROTATION_DUE, "1")
            stale = exclusive and (
                refused or uow.meta.get(stats.DIRTY_KEY) != "0" or not vault.stats_current()
            )
            uow.commit()
        if pending:
            vault.clear_failures(len(pending))
        if exclusive:
            with UnitOfWork(vault, write=False) as uow:
                kept = {s for u in uow.users.list() if u.active and (s := uow.users.slot_of(u.id))}
            vault.remove_slots_except(kept)  # a crash left them: they never held a key alone
            vault.remove_stale_builds()
            if converting:
                slot = vault.rewrap_slot(slot_id, login, passphrase, kind=SlotKind.STATS)
                with UnitOfWork(vault, write=True, changes_data=False) as uow:
                    uow.users.set_slot_public(user.id, slot.public)
                    uow.commit()
            _rotate_if_due(vault, user.id, clock)
            if stale:  # a rotation just done rebuilt it already
                _refresh_stats(vault)
            if converting:
                vault.close()
                return sign_in(Vault.open(vault.paths), login, passphrase, clock=clock)
        elif user.role is Role.MANAGER:
            raise PermissionDenied(
                _("Your role ({role}) does not allow this action.").format(role=user.role.label)
            )
    except BaseException:
        vault.close()
        raise
    return Context(vault, user, clock)


def _sign_in_manager(
    vault: Vault, login: str, slot_id: str, clock: Callable[[], datetime]
) -> Context:
    """A manager's session runs on the indicator store; its entries are kept there until
    the next session with the vault's key moves them into the trail."""
    with UnitOfWork(vault, write=True) as uow:
        user = uow.users.by_login(login)
        if user is None or not user.active or uow.users.slot_of(user.id) != slot_id:
            raise UnknownUser(
                _("The account “{login}” is disabled in this vault.").format(login=login)
            )
        uow.audit.append(clock(), user.id, AuditAction.LOGIN)
        uow.commit()
    return Context(vault, user, clock)


def _take_manager_trail(vault: Vault, uow: UnitOfWork, at: datetime) -> bool:
    """Move what managers' sessions wrote in the indicator store into the vault: their audit
    entries, and the public keys of their new passphrases. A manager holds that store's key:
    entries of anyone but a manager, or anything malformed, refuse the whole of it (recorded
    in the trail; the store is then rebuilt). Returns whether it was refused."""
    trail = vault.take_manager_entries()
    managers = {u.id for u in uow.users.list() if u.role is Role.MANAGER}
    problem = trail.problem or (
        "actor" if any(e.actor_id not in managers for e in trail.entries) else ""
    )
    if problem:
        uow.audit.append(at, None, AuditAction.CHECK, "manager_trail", "", f"rejected:{problem}")
        return True
    taken_gen, _sep, taken_seq = (uow.meta.get(MANAGER_TRAIL) or "").partition(":")
    after = int(taken_seq) if taken_gen == trail.generation and taken_seq.isdigit() else 0
    for entry in trail.entries:
        if entry.seq > after:
            uow.audit.append(
                entry.at,
                entry.actor_id,
                entry.action,
                entry.record_type,
                entry.record_id,
                entry.detail,
            )
    if trail.broken is not None:
        uow.audit.append(at, None, AuditAction.CHECK, "manager_trail", str(trail.broken), "broken")
    for user_id, public in trail.public_keys:
        if user_id in managers:  # a manager's own new key pair: it can only get them K_stats
            uow.users.set_slot_public(user_id, public)
    if trail.entries:
        uow.meta.set(MANAGER_TRAIL, f"{trail.generation}:{trail.entries[-1].seq}")
    return False


def _rotate_if_due(
    vault: Vault,
    actor_id: int,
    clock: Callable[[], datetime],
    fault: Callable[[str], None] | None = None,
) -> bool:
    """Do the key rotation recorded as due; False if some slot cannot be re-granted yet."""
    with UnitOfWork(vault, write=False) as uow:
        if uow.meta.get(ROTATION_DUE) != "1":
            return True
        grantees = uow.users.grantees()
    if any(public is None for _role, public in grantees.values()):
        return False  # an account that has not signed in since its slot got a key pair
    try:
        vault.rotate_key(
            {
                slot_id: (_slot_kind(role), public)
                for slot_id, (role, public) in grantees.items()
                if public is not None
            },
            fault,
        )
    except LegacySlots:
        return False
    with UnitOfWork(vault, write=True) as uow:
        uow.meta.set(ROTATION_DUE, "0")
        uow.audit.append(clock(), actor_id, AuditAction.WRITE, "vault", "", "key-rotated")
        uow.commit()
    if vault.exclusive:
        _refresh_stats(vault)
    return True


def _stats_not_refreshed(exc: KnownError) -> str:
    """The session's changes are in the vault: only the store lags (marked so, and rebuilt
    at the next sign-in)."""
    cause = _("not enough disk space") if isinstance(exc, StorageFull) else exc.message
    return _(
        "Your changes are saved in the vault, but the managers' indicator store could not be "
        "brought up to date ({cause}); it will be at the next sign-in."
    ).format(cause=cause)


def _refresh_stats(vault: Vault) -> None:
    """Rebuild the indicator store and record that it is up to date."""
    vault.refresh_stats()
    with UnitOfWork(vault, write=True, changes_data=False) as uow:
        uow.meta.set(stats.DIRTY_KEY, "0")
        uow.commit()
    vault.data_changed = False


def rotate_keys(ctx: Context, fault: Callable[[str], None] | None = None) -> bool:
    """Re-encrypt the vault under a new key now (an administrator's explicit request)."""
    require(ctx.user, Permission.MANAGE_USERS)
    with ctx.writing() as uow:
        uow.meta.set(ROTATION_DUE, "1")
        uow.commit()
    return _rotate_if_due(ctx.vault, ctx.user.id, ctx.clock, fault)


def sign_out(ctx: Context) -> None:
    """Record the logout, refresh the indicator store, then lock: the keys leave memory."""
    vault = ctx.vault
    try:
        if vault.unlocked:
            with UnitOfWork(vault, write=True, changes_data=False) as uow:
                uow.audit.append(ctx.clock(), ctx.user.id, AuditAction.LOGOUT)
                uow.commit()
            if vault.nominative and vault.exclusive and vault.data_changed:
                try:
                    _refresh_stats(vault)
                except KnownError as exc:
                    raise KnownError(_stats_not_refreshed(exc)) from exc
    finally:
        vault.close()  # the key goes and the connections close whatever happened above


def add_user(
    ctx: Context,
    login: str,
    display_name: str,
    role: Role,
    passphrase: str,
    *,
    kdf: KdfParams = DEFAULT_KDF,
    organisation_id: int | None = None,
    fault: Callable[[str], None] | None = None,
) -> User:
    """A new account; a member sees only the situations shared with ``organisation_id``.

    The slot is written first, then the account is committed: if the process dies in
    between, the slot (of no account) is removed at the next sign-in with the vault's key.
    """
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
        slot = ctx.vault.add_slot(login, passphrase, kdf, kind=_slot_kind(role))
        slot_id = slot.slot_id
        try:
            step(fault, "slot-written")
            user = uow.users.add(
                login, name, role, (slot_id, slot.public), ctx.clock(), organisation_id
            )
            uow.audit.append(
                ctx.clock(), ctx.user.id, AuditAction.WRITE, USER_RECORD, str(user.id), "create"
            )
            step(fault, "user-added")
            uow.commit()
        except BaseException:
            ctx.vault.remove_slot(slot_id)
            raise
    step(fault, "committed")
    return user


def change_passphrase(
    ctx: Context,
    current: str,
    new: str,
    *,
    kdf: KdfParams = DEFAULT_KDF,
    fault: Callable[[str], None] | None = None,
) -> None:
    """Re-wrap the vault key under a new passphrase after checking the current one.

    The key file changes first, then the audit entry is committed: if the process dies in
    between, the next sign-in with the new passphrase records the change (see sign_in).
    """
    new = validate_new_passphrase(new)
    current = normalise_passphrase(current)
    if current == new:
        raise ValidationError(_("The new passphrase is the same as the current one."))
    with ctx.writing() as uow:
        slot_id = uow.users.slot_of(ctx.user.id)
        if slot_id is None or ctx.vault.check_passphrase(ctx.user.login, current) != slot_id:
            raise WrongPassphrase(_("Wrong passphrase."))
        previous = ctx.vault.keyfile_snapshot()
        slot = ctx.vault.rewrap_slot(slot_id, ctx.user.login, new, kdf)
        try:
            step(fault, "rewrapped")
            # In a manager's session this lands in the indicator store, and is moved into
            # the vault at the next sign-in with its key (see _take_manager_trail).
            uow.users.set_slot_public(ctx.user.id, slot.public)
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


def disable_user(ctx: Context, login: str, fault: Callable[[str], None] | None = None) -> User:
    """Disable an account, remove its key slot and change the vault's key, so that neither
    the account nor an old copy of the key file opens the vault any more."""
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
        uow.meta.set(ROTATION_DUE, "1")
        uow.commit()
    if fault is not None:
        fault("disabled")
    if slot_id is not None:
        ctx.vault.remove_slot(slot_id)
    if fault is not None:
        fault("slot-removed")
    if not _rotate_if_due(ctx.vault, ctx.user.id, ctx.clock, fault):
        raise KeyNotChanged(
            _(
                "The account “{login}” is disabled, but the vault's key could not change yet: "
                "some accounts have not signed in since casecell was updated. It will change "
                "at the first sign-in after they have; until then an old copy of the key file "
                "still opens the vault."
            ).format(login=login)
        )
    return user


def retire_slots(ctx: Context, slot_ids: list[str]) -> None:
    """Disable the accounts owning ``slot_ids`` (disabled elsewhere since) and change the key."""
    if not slot_ids:
        return
    require(ctx.user, Permission.MANAGE_USERS)
    with ctx.writing() as uow:
        for user in uow.users.list():
            if user.active and uow.users.slot_of(user.id) in slot_ids:
                uow.users.deactivate(user.id)
                uow.audit.append(
                    ctx.clock(),
                    ctx.user.id,
                    AuditAction.WRITE,
                    USER_RECORD,
                    str(user.id),
                    "disable",
                )
        uow.meta.set(ROTATION_DUE, "1")
        uow.commit()
    for slot_id in slot_ids:
        ctx.vault.remove_slot(slot_id)
    _rotate_if_due(ctx.vault, ctx.user.id, ctx.clock)


def rotate_after_restore(ctx: Context) -> bool:
    """A restored vault always gets a new key: no copy of the backup's key file opens it."""
    with ctx.writing() as uow:
        uow.meta.set(ROTATION_DUE, "1")
        uow.commit()
    return _rotate_if_due(ctx.vault, ctx.user.id, ctx.clock)
