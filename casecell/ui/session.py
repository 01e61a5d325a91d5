"""The vault's lifecycle in the window: create, sign in, lock (by hand or when idle), open
another vault or the demo, sign out on closing.

:class:`VaultSession` holds the bootstrap, the signed-in context and the idle watcher, and
says what happens through signals; it knows no page: the window shows the screens, the
workspace the vault's data. Like the sign-in screen, it imports no service until it runs one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from casecell.bootstrap import Bootstrap
from casecell.i18n import _
from casecell.paths import VaultPaths, demo_vault, resolve_vault
from casecell.ui import operations
from casecell.ui.idle import IdleWatcher

if TYPE_CHECKING:
    from casecell.services.context import Context


@dataclass(frozen=True)
class _Parked:
    login: str  # only this user gets the place back
    place: object


class VaultSession(QObject):
    """The signed-in context, if any, from signing in (or creating the vault) to locking."""

    entered = Signal(object, object)  # the Context; where this user was at locking, or None
    leaving = Signal()  # the key goes: nothing of the vault may stay on screen
    locked = Signal(str)  # signed out; the sentence for the login page ("" if none)
    vault_changed = Signal(str)  # another vault file; a hint for the login page
    demo_ready = Signal(str)  # the demo vault chosen; the login to sign in with
    busy = Signal(bool)  # the screen the work was asked from waits (True) or is back (False)
    failed = Signal(str, str)  # a sentence for the current screen; a bug's report, or ""
    operation_done = Signal()

    def __init__(
        self,
        boot: Bootstrap,
        window: QWidget,
        *,
        place: Callable[[], object] = lambda: None,
        prepare: Callable[[], object] = lambda: None,
    ) -> None:
        """``place`` says where the user is, asked at locking (given back at the next
        sign-in of the same user); ``prepare`` runs in the sign-in worker (the window
        imports its pages there, off the UI thread)."""
        super().__init__(window)
        self.boot = boot
        self.ctx: Context | None = None
        self._window = window  # the parent of the progress dialog
        self._place = place
        self._prepare = prepare
        self._parked: _Parked | None = None  # in memory only
        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.auto_lock)

    # -- signing in -----------------------------------------------------------------------
    def create(self, login: str, name: str, passphrase: str, confirmation: str) -> None:
        """A new vault and its first administrator, signed in."""
        if passphrase != confirmation:
            self.failed.emit(_("The two passphrases differ. Nothing was changed."), "")
            return
        self._run(lambda: self.boot.init(login, name, passphrase), self.enter)

    def sign_in(self, login: str, passphrase: str) -> None:
        def work() -> Context:
            self.boot.unlock_ahead(login, passphrase)  # the key, while the pages are imported
            try:
                self._prepare()  # here, not on the UI thread
            except BaseException:
                self.boot.forget_ahead()  # no key waits in memory behind an error
                raise
            return self.boot.sign_in(login, passphrase)

        self._run(work, self.enter)

    def enter(self, ctx: Context) -> None:
        """``ctx`` signed in: the window shows it, the idle watcher guards it."""
        from casecell.services import settings

        self.ctx = ctx
        parked, self._parked = self._parked, None
        # another account never sees what the last one left
        place = parked.place if parked is not None and parked.login == ctx.user.login else None
        self.entered.emit(ctx, place)
        # Guard at once with the default delay; the vault's own setting follows.
        self.guard(settings.DEFAULT_IDLE_LOCK_MINUTES)
        operations.run(
            self,
            lambda: settings.idle_lock_minutes(ctx),
            lambda minutes: self.guard(int(minutes)) if self.ctx is ctx else None,
            lambda _message, _report: None,
        )

    def guard(self, minutes: int) -> None:
        """Lock after ``minutes`` without a key pressed or the mouse moved."""
        self.idle.start(minutes * 60_000)

    # -- locking --------------------------------------------------------------------------
    def auto_lock(self) -> None:
        """Idle too long: hide everything, drop the key, keep the user's place in memory."""
        if self.ctx is None:
            return
        minutes = max(1, round(self.idle.interval_ms / 60_000))
        self.lock(
            _("Locked after {minutes} min without activity. Unlock to carry on.").format(
                minutes=minutes
            )
        )

    def lock(self, message: str = "") -> None:
        """Sign out: the key leaves memory and the login page comes back (with ``message``)."""
        from casecell.services import accounts

        if self.ctx is None:
            return
        self._parked = _Parked(self.ctx.user.login, self._place())
        ctx, self.ctx = self.ctx, None
        self.idle.stop()
        self.leaving.emit()
        self._run(lambda: accounts.sign_out(ctx), lambda _result: self.locked.emit(message))

    def close(self) -> None:
        """The window closes: sign out now, on this thread."""
        from casecell.services import accounts

        self.idle.stop()
        if self.ctx is not None:
            ctx, self.ctx = self.ctx, None
            accounts.sign_out(ctx)

    # -- choosing the vault ---------------------------------------------------------------
    def switch_vault(self, paths: VaultPaths, hint: str = "") -> None:
        """Another vault file (only while nobody is signed in)."""
        if self.ctx is not None:
            return
        self.boot = self.boot.elsewhere(paths)
        self._parked = None  # a place in another vault means nothing here
        self.vault_changed.emit(hint)

    def open_vault(self, path: str) -> None:
        self.switch_vault(resolve_vault(path))

    def open_demo(self) -> None:
        """The demo vault, kept apart from real data; created with fictitious people if new."""
        from casecell.services.demo import DEMO_CASES, DEMO_LOGIN, DEMO_PASSPHRASE

        paths = VaultPaths(demo_vault())
        hint = _("Demo vault: sign in as {login} with the passphrase “{passphrase}”.").format(
            login=DEMO_LOGIN, passphrase=DEMO_PASSPHRASE
        )

        def ready(_result: object) -> None:
            self.switch_vault(paths, hint)
            self.demo_ready.emit(DEMO_LOGIN)

        demo_boot = self.boot.elsewhere(paths)
        if demo_boot.vault_exists():
            ready(None)
            return
        self.busy.emit(True)
        operations.run_long(
            self._window,
            _("Creating the demo vault with fictitious people…"),
            lambda progress: demo_boot.create_demo(
                DEMO_LOGIN, DEMO_PASSPHRASE, DEMO_CASES, seed=1, progress=progress
            ),
            self._back(ready),
            self._back(self.failed.emit),
        )

    # -- helpers --------------------------------------------------------------------------
    def _back(self, then: Callable[..., None]) -> Callable[..., None]:
        """``then``, once the waiting screen is back (it may take the focus)."""

        def back(*args: Any) -> None:
            self.busy.emit(False)
            then(*args)

        return back

    def _run(self, work: Callable[[], Any], on_success: Callable[[Any], None]) -> None:
        """``work`` off the UI thread while the screen that asked for it waits."""
        self.busy.emit(True)
        operation = operations.run(self, work, self._back(on_success), self._back(self.failed.emit))
        operation.done.connect(self.operation_done)
