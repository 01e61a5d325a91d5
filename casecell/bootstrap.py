"""The one composition root: paths → vault → signed-in service context.

Nothing else constructs a :class:`Vault`; the CLI and the UI ask this module for a context and
then call services with it. There are no module-level singletons.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from casecell.domain.users import Permission, normalise_login, normalise_passphrase
from casecell.errors import KnownError, PermissionDenied, from_os_error
from casecell.fileio import ensure_private_dir
from casecell.i18n import _
from casecell.paths import VaultPaths, data_dir, resolve_vault
from casecell.storage import recovery
from casecell.storage.recovery import step

if TYPE_CHECKING:
    from casecell.services import demo
    from casecell.services.context import Context
    from casecell.storage.keyslots import KdfParams

# Every start pays for what is imported here: the sign-in screen needs only the vault's
# path. The accounts and the vault (SQLAlchemy, SQLCipher, the ORM), the key slots
# (cryptography, Argon2), the demo (with the JSON schema validator), backups and their
# checks are imported by the methods that use them — signing in runs in a worker thread,
# so the window paints without them. (Crash recovery is plain file work: imported here.)

# The KDF of new key slots when none is given; None: the key slots' own default (tests set
# a cheap one here).
DEFAULT_KDF: KdfParams | None = None


class Bootstrap:
    """Knows where the vault is and how to open it; hands out signed-in contexts."""

    def __init__(self, paths: VaultPaths, kdf: KdfParams | None = None) -> None:
        self.paths = paths
        self._kdf = kdf
        self.notices: list[str] = []  # what opening the vault finished or undid, to tell

    @classmethod
    def for_vault(cls, vault: str | os.PathLike[str] | None) -> Bootstrap:
        """The one bootstrap of a run, for the vault given on the command line (or the
        environment's, or the default one): ``app.run`` builds it, both faces use it."""
        return cls(resolve_vault(vault))

    def elsewhere(self, paths: VaultPaths) -> Bootstrap:
        """The same settings for another vault (the window opening another file, the demo)."""
        return Bootstrap(paths, self._kdf)

    @property
    def kdf(self) -> KdfParams:
        """The KDF of the key slots this bootstrap creates (casecell's default if not given)."""
        if self._kdf is not None:
            return self._kdf
        if DEFAULT_KDF is not None:
            return DEFAULT_KDF
        from casecell.storage import keyslots

        return keyslots.DEFAULT_KDF

    def vault_exists(self) -> bool:
        """A vault, or one that an interrupted init or restore left to finish at opening."""
        return self.paths.vault.exists() or recovery.unfinished(self.paths)

    def init(
        self,
        login: str,
        display_name: str,
        passphrase: str,
        fault: Callable[[str], None] | None = None,
    ) -> Context:
        """Create the vault and its first administrator: all of it, or nothing on disk.

        Everything is built in a staging folder and moved into place last (``fault`` is for
        tests: it is called with each step's name)."""
        from casecell.services import accounts

        ctx = self._create(login, display_name, passphrase, fault)
        try:
            accounts.publish_new_vault(ctx, fault)
        except BaseException:
            ctx.vault.discard()
            raise
        return ctx

    def _create(
        self,
        login: str,
        display_name: str,
        passphrase: str,
        fault: Callable[[str], None] | None = None,
    ) -> Context:
        """A new vault with its administrator signed in, still in its staging folder."""
        from casecell.services import accounts
        from casecell.storage.vault import Vault

        if self.paths.folder.is_relative_to(data_dir()):  # our own folder: make it
            try:
                ensure_private_dir(self.paths.folder)
            except OSError as exc:
                raise from_os_error(exc, self.paths.folder) from exc
        vault = Vault.create(self.paths)
        self.notices.extend(vault.notices)
        try:
            step(fault, "created")
            ctx = accounts.create_first_admin(vault, login, display_name, passphrase, kdf=self.kdf)
            step(fault, "admin")
        except BaseException:
            vault.discard()
            raise
        return ctx

    def create_demo(
        self,
        login: str,
        passphrase: str,
        cases: int,
        seed: int,
        as_of: date | None = None,
        progress: demo.Progress | None = None,
        fault: Callable[[str], None] | None = None,
    ) -> dict[str, int]:
        """A new vault full of fictitious data; nothing is left behind if it fails."""
        from casecell.services import accounts, demo

        ctx = self._create(login, _("Demo administrator"), passphrase, fault)
        try:
            counts = demo.fill(ctx, cases, seed, as_of or ctx.today(), progress)
            step(fault, "filled")
            accounts.publish_new_vault(ctx, fault)
        except BaseException:
            ctx.vault.discard()
            raise
        accounts.sign_out(ctx)
        return counts

    def unlock_ahead(self, login: str, passphrase: str) -> None:
        """Start deriving ``login``'s key in a thread, so that the import of the vault's code
        (the sign-in's, a command's) runs meanwhile; :meth:`sign_in` then takes it. Nothing
        is checked or reported here: the sign-in does that."""
        from casecell.storage.keyslots import derive_ahead

        try:
            login = normalise_login(login)
        except KnownError:
            return
        derive_ahead(self.paths.keys, login, normalise_passphrase(passphrase))

    def forget_ahead(self) -> None:
        """Drop the key :meth:`unlock_ahead` started, if the sign-in will not happen."""
        from casecell.storage.keyslots import forget_ahead

        forget_ahead()

    def sign_in(self, login: str, passphrase: str, *, exclusive: bool = True) -> Context:
        from casecell.services import accounts
        from casecell.storage.keyslots import forget_ahead
        from casecell.storage.vault import Vault

        try:
            vault = Vault.open(self.paths, exclusive=exclusive)
            self.notices.extend(vault.notices)
            return accounts.sign_in(vault, login, passphrase)
        finally:
            forget_ahead()  # taken by now, or not for this sign-in: no key waits in memory

    def restore(
        self,
        source: Path,
        login: str,
        passphrase: str,
        fault: Callable[[str], None] | None = None,
    ) -> Path | None:
        """Replace the vault by a verified backup; return where the previous files were put."""
        from casecell.services import accounts
        from casecell.storage.vault import Vault

        if not self.paths.folder.is_dir():
            raise KnownError(
                _("The folder “{folder}” does not exist.").format(folder=self.paths.folder)
            )
        from casecell.services import maintenance
        from casecell.storage import backup as backups

        lock_holder = Vault.acquire_lock(self.paths)
        try:
            self.notices.extend(recovery.recover(self.paths))
            with backups.staging_folder(self.paths.vault) as staging:
                staged = backups.extract_backup(source, staging)
                retired = self._retired_since(staged, login, passphrase)
                ctx = accounts.sign_in(Vault.open(staged), login, passphrase)
                try:
                    problems = ctx.vault.integrity()
                    if problems:
                        raise backups.not_a_backup(source)
                    maintenance.verify_backup_trail(ctx, source)
                    maintenance.record_restore(ctx)
                    accounts.retire_slots(ctx, retired)
                    accounts.rotate_after_restore(ctx)
                finally:
                    accounts.sign_out(ctx)
                return backups.swap_in(self.paths, staged, fault)
        finally:
            lock_holder.release()

    def _retired_since(self, staged: VaultPaths, login: str, passphrase: str) -> list[str]:
        """The slots of the backup whose accounts the live vault has since disabled.

        Over a live vault, a backup is restored only by an active administrator of that
        vault (checked by signing in to it, not by reading its key file), and only if it is a
        backup of that vault: a former colleague's old — or relabelled — backup does not
        bring their access back. With no live vault, or one whose key file is lost or
        damaged (it cannot be opened anyway), the backup is all there is.
        """
        from casecell.services import accounts
        from casecell.storage.keyslots import read_keyfile
        from casecell.storage.vault import Vault

        if not self.paths.vault.exists():
            return []
        try:
            live = read_keyfile(self.paths.keys)
        except KnownError:
            return []
        backup = read_keyfile(staged.keys)
        if live.vault_id != backup.vault_id:
            raise KnownError(
                _(
                    "This backup is of another vault: it was not restored over this one. Move "
                    "the current vault elsewhere first if you mean to replace it."
                )
            )
        if live.find(login) is None:
            raise PermissionDenied(
                _(
                    "This account is no longer active in the current vault: ask an active "
                    "administrator of the current vault to restore this backup."
                )
            )
        current = accounts.sign_in(Vault.open(self.paths, exclusive=False), login, passphrase)
        try:
            if not current.user.can(Permission.RESTORE):
                raise PermissionDenied(
                    _("Only an administrator of the current vault can restore over it.")
                )
        finally:
            accounts.sign_out(current)
        return [s.slot_id for s in backup.slots if live.get(s.slot_id) is None]
