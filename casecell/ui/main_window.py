"""The main window: the first-run, sign-in and signed-in screens, the actions and shortcuts.

Its parts do the work: :class:`~casecell.ui.session.VaultSession` opens, locks and closes the
vault, :class:`~casecell.ui.workspace.Workspace` holds the signed-in pages (built when first
needed), :class:`~casecell.ui.admin_actions.AdminActions` runs the home page's administrative
tasks. The window shows what they say and wires them together.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QStackedWidget, QWidget

from casecell.bootstrap import Bootstrap
from casecell.domain.users import Permission
from casecell.i18n import _
from casecell.ui import operations
from casecell.ui.admin_actions import AdminActions
from casecell.ui.dialogs.bug import BugDialog
from casecell.ui.dialogs.help import HelpDialog
from casecell.ui.pages import HomePage, LoginPage, WelcomePage, plain_label
from casecell.ui.session import VaultSession
from casecell.ui.workspace import Place, Workspace, import_workspace

if TYPE_CHECKING:
    from casecell.services.context import Context


class MainWindow(QMainWindow):
    """The screens of the session's vault; every vault access goes through ``operations``."""

    operation_done = Signal()

    def __init__(self, boot: Bootstrap) -> None:
        super().__init__()
        self.setWindowTitle("casecell")
        self.resize(1000, 680)
        self.session = VaultSession(
            boot, self, place=lambda: self.workspace.place(), prepare=import_workspace
        )
        path = str(boot.paths.vault)
        self.welcome = WelcomePage(path)
        self.login = LoginPage(path)
        self.home = HomePage()
        self._waiting: QWidget = self.login  # the screen waiting for the session's work
        # Every operation announces its changes here: made now (a bare QObject), not with
        # the pages, so that no click builds them on the UI thread.
        self.changes = operations.ChangeBus(self)
        self.stack = QStackedWidget()
        for page in (self.welcome, self.login):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)

        self.user_label = plain_label(wrap=False)
        self.user_label.setAccessibleName(_("Signed-in user"))
        self.statusBar().addPermanentWidget(self.user_label)

        session, key, signed_in = self.session, QKeySequence.StandardKey, self._signed_in
        self.lock_action = self._action(_("&Lock"), "Ctrl+L", lambda: session.lock())
        self.new_action = self._action(
            _("&New referral…"), key.New, signed_in(Workspace.new_referral)
        )
        self.help_action = self._action(_("&Help"), key.HelpContents, lambda: self.show_help())
        self.print_action = self._action(
            _("&Print / export"), key.Print, signed_in(Workspace.print_current)
        )
        self.find_action = self._action(
            _("&Find a situation"), key.Find, signed_in(Workspace.find_situation)
        )
        self.settings_action = self._action(
            _("Cell &settings…"), "Ctrl+,", lambda: self.admin.open_settings()
        )
        for action in (self.lock_action, self.new_action, self.settings_action):
            action.setEnabled(False)  # once signed in (settings: administrators only)
        toolbar = self.addToolBar(_("Vault"))
        toolbar.setObjectName("vault-toolbar")
        toolbar.addActions([self.lock_action, self.new_action])

        session.entered.connect(self._entered)
        session.leaving.connect(self._leaving)
        session.locked.connect(self._locked)
        session.vault_changed.connect(self._vault_changed)
        session.demo_ready.connect(self._demo_ready)
        session.busy.connect(self._busy)
        session.failed.connect(self._failed)
        session.operation_done.connect(self.operation_done)
        self.welcome.create_requested.connect(session.create)
        self.welcome.open_requested.connect(lambda: self.open_vault())
        self.welcome.demo_requested.connect(session.open_demo)
        self.login.open_requested.connect(lambda: self.open_vault())
        self.login.login_requested.connect(session.sign_in)
        self.home.lock_requested.connect(lambda: session.lock())
        self.admin = AdminActions(self, session, self.home, self.changes)
        self.admin.bug.connect(self.show_bug)
        self.admin.operation_done.connect(self.operation_done)

        self._show(self.login if boot.vault_exists() else self.welcome)

    def _action(
        self, text: str, keys: str | QKeySequence.StandardKey, then: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(keys)
        action.triggered.connect(lambda: then())
        self.addAction(action)
        return action

    def _signed_in(self, then: Callable[[Workspace], object]) -> Callable[[], object]:
        """A workspace action for a shortcut: nothing before signing in (and no page built)."""
        return lambda: then(self.workspace) if self.session.ctx is not None else None

    @cached_property
    def workspace(self) -> Workspace:
        """The signed-in pages, built at the first sign-in (or when first asked for)."""
        workspace = Workspace(self.home, self.changes)
        workspace.bug.connect(self.show_bug)
        workspace.operation_done.connect(self.operation_done)
        workspace.home_opened.connect(self.admin.remind)
        self.stack.addWidget(workspace)
        return workspace

    # -- what the session says --------------------------------------------------------------
    def _entered(self, ctx: Context, place: Place | None) -> None:
        user = ctx.user
        self.workspace.load(ctx, str(self.session.boot.paths.vault))
        self.user_label.setText(f"{user.display_name} — {user.role.label}")
        self.lock_action.setEnabled(True)
        self.new_action.setEnabled(user.can(Permission.WRITE_CASES))
        self.settings_action.setEnabled(user.can(Permission.MANAGE_USERS))
        self._show(self.workspace)
        notices = self.session.boot.notices
        if notices:  # an interrupted init or restore, finished or undone on opening
            self.statusBar().showMessage(" ".join(notices))
            notices.clear()
        if place is not None:
            self.workspace.restore(place)

    def _leaving(self) -> None:
        for action in (self.lock_action, self.new_action, self.settings_action):
            action.setEnabled(False)
        self.user_label.setText("")
        self.workspace.clear()
        self._show(self.login)  # nothing of the vault stays on screen while the key goes

    def _locked(self, message: str) -> None:
        self._show(self.login)
        self.login.reset(message)

    def _vault_changed(self, hint: str) -> None:
        boot = self.session.boot
        self.welcome.set_vault_path(str(boot.paths.vault))
        self.login.set_vault_path(str(boot.paths.vault), hint)
        self._show(self.login if boot.vault_exists() else self.welcome)

    def _demo_ready(self, login: str) -> None:
        self.login.login.setText(login)
        self.login.passphrase.setFocus()

    def _busy(self, waiting: bool) -> None:
        screen = self.stack.currentWidget()
        if waiting and screen is not None:
            self._waiting = screen
        self._waiting.setEnabled(not waiting)

    def _failed(self, message: str, report: str) -> None:
        if self.stack.currentWidget() is self.login:
            self.login.reset(message)
        else:
            self.welcome.show_error(message)
        if report:
            self.show_bug(report)

    # -- the window's own ------------------------------------------------------------------
    def open_vault(self, path: str | None = None) -> None:
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self,
                _("Open a vault"),
                str(self.session.boot.paths.folder),
                _("casecell vaults (*.vault)"),
            )
            if not path:
                return
        self.session.open_vault(path)

    def show_help(self, dialog: HelpDialog | None = None) -> None:
        dialog = dialog or HelpDialog(self)
        dialog.exec()
        dialog.deleteLater()

    def show_bug(self, report: str) -> None:
        """A bug, not a known error: offer the technical report (no personal data) to copy."""
        dialog = BugDialog(self)
        dialog.load(report)
        dialog.run()
        dialog.deleteLater()

    def _show(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        if page is self.welcome:
            self.welcome.login.setFocus()
        elif page is self.login:
            self.login.reset()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.close()
        super().closeEvent(event)
