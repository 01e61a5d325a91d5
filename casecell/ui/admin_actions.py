"""The home page's administrative tasks: check the vault, the retention review, the cell's
settings, the impact assessment, back up, export and import the register.

Each runs its service off the UI thread and reports on the home page; long ones show their
progress with a Cancel button. Services are imported where they run (signed in by then).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from casecell.domain.users import Permission
from casecell.i18n import _, ngettext
from casecell.ui import operations
from casecell.ui.pages import HomePage
from casecell.ui.session import VaultSession

if TYPE_CHECKING:
    from casecell.services import maintenance, settings
    from casecell.services.context import Context
    from casecell.ui.dialogs.retention import RetentionDialog
    from casecell.ui.dialogs.settings import SettingsDialog


class AdminActions(QObject):
    """What the home page's buttons ask for, on behalf of ``window`` (the dialogs' parent)."""

    bug = Signal(str)  # a technical report, for the window to offer
    operation_done = Signal()

    def __init__(
        self,
        window: QWidget,
        session: VaultSession,
        home: HomePage,
        bus: operations.ChangeBus,
    ) -> None:
        super().__init__(window)
        self._window = window
        self.session = session
        self.home = home
        self.changes = bus
        self._failed = operations.shown_on(home.error, self.bug)  # on the home page
        home.check_requested.connect(self.check)
        home.retention_requested.connect(lambda: self.open_retention())
        home.aipd_requested.connect(lambda: self.write_aipd())
        home.settings_requested.connect(lambda: self.open_settings())
        home.backup_requested.connect(self.backup)
        home.export_requested.connect(lambda: self.export_register())
        home.import_requested.connect(lambda: self.import_register())

    def remind(self, ctx: Context) -> None:
        """An administrator's home page, first shown since signing in: whether the yearly
        retention review is due."""
        from casecell.services import retention

        if ctx.user.can(Permission.MANAGE_USERS):
            operations.run(
                self,
                lambda: retention.reminder_due(ctx),
                lambda count: (
                    self.home.remind_retention(int(count)) if self.session.ctx is ctx else None
                ),
                lambda _message, _report: None,
            )

    def check(self) -> None:
        from casecell.services import maintenance

        ctx = self._require_ctx()

        def shown(report: maintenance.CheckReport) -> None:
            self.home.report.setText("\n".join(report.summary()))

        self._run(lambda: maintenance.check(ctx), shown)

    def open_retention(self, dialog: RetentionDialog | None = None) -> None:
        """The retention review (administrators): read what is due, show it, apply on OK."""
        from casecell.services import retention
        from casecell.ui.dialogs.retention import RetentionDialog

        ctx = self._require_ctx()
        dialog = dialog or RetentionDialog(self._window)

        def shown(review: object) -> None:
            assert isinstance(review, retention.Review)
            dialog.load(review)
            if dialog.exec() != RetentionDialog.DialogCode.Accepted:
                return
            self._long(
                _("Anonymising…"),
                lambda progress: retention.apply(
                    ctx, lambda done, total: progress(_("Anonymising"), done, total)
                ),
                applied,
                operations.Change.EVERYTHING,
            )

        def applied(done: object) -> None:
            assert isinstance(done, retention.Applied)
            self.home.remind_retention(0)
            self.home.report.setText("\n".join(done.summary()))

        self._run(lambda: retention.review(ctx), shown)

    def open_settings(self, dialog: SettingsDialog | None = None) -> None:
        """The cell's settings (administrators): read off the UI thread, shown, saved all or
        nothing on OK; a new idle delay guards the window at once."""
        from casecell.services import settings
        from casecell.ui.dialogs.settings import SettingsDialog

        ctx = self.session.ctx
        if ctx is None or not ctx.user.can(Permission.MANAGE_USERS):
            return

        def saved(now: settings.Settings) -> None:
            if self.session.ctx is ctx:
                self.session.guard(now.idle_lock_minutes)
                self.home.report.setText(_("Settings saved."))
            self.changes.announce(operations.Change.SETTINGS, self)

        def shown(now: object) -> None:
            assert isinstance(now, settings.Settings)
            form = dialog or SettingsDialog(self._window)
            if dialog is None:
                form.finished.connect(form.deleteLater)
            form.bug.connect(self.bug)
            form.load(now, lambda changes: settings.update(ctx, changes))
            form.saved.connect(saved)
            form.open()  # window-modal; OK saves off the UI thread and closes once saved

        self._run(lambda: settings.current(ctx), shown)

    def write_aipd(self, target: str | None = None) -> None:
        """A draft of the impact assessment (administrators), from the vault's settings."""
        from casecell.services import rights

        ctx = self._require_ctx()
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self._window, _("Impact assessment"), str(Path.home() / "aipd.pdf"), "PDF (*.pdf)"
            )
            if not target:
                return
        path = Path(target)
        self._run(
            lambda: rights.write_aipd(ctx, path),
            lambda count: self.home.report.setText(
                ngettext(
                    "Draft written to {path}: {count} point for the DPO to complete.",
                    "Draft written to {path}: {count} points for the DPO to complete.",
                    int(count),
                ).format(path=path.name, count=int(count))
            ),
        )

    def backup(self) -> None:
        from casecell.services import maintenance

        ctx = self._require_ctx()
        target, _filter = QFileDialog.getSaveFileName(
            self._window,
            _("Back up the vault"),
            str(Path.home() / "casecell-sauvegarde.zip"),
            _("casecell backups (*.zip)"),
        )
        if not target:
            return
        self._run(
            lambda: maintenance.backup(ctx, Path(target)),
            lambda info: self.home.report.setText(
                _("Backup written to {path} ({size} bytes).").format(path=info.path, size=info.size)
            ),
        )

    def export_register(self, target: str | None = None) -> None:
        from casecell.services import interchange

        ctx = self._require_ctx()
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self._window,
                _("Export the register"),
                str(Path.home() / "registre.json"),
                "JSON (*.json)",
            )
            if not target:
                return
        path = Path(target)
        self._long(
            _("Exporting the register…"),
            lambda progress: interchange.export_to(ctx, path, progress),
            lambda _counts: self.home.report.setText(
                _(
                    "Exported to {path}. This file holds nominative data in clear: keep it on an "
                    "encrypted medium and delete it when it is no longer needed."
                ).format(path=path)
            ),
        )

    def import_register(self, source: str | None = None) -> None:
        from casecell.services import interchange

        ctx = self._require_ctx()
        if source is None:
            source, _filter = QFileDialog.getOpenFileName(
                self._window, _("Import an export"), str(Path.home()), "JSON (*.json)"
            )
            if not source:
                return
        path = Path(source)

        def imported(_counts: object) -> None:
            self.home.report.setText(_("Imported from {path}.").format(path=path))

        self._long(
            _("Importing…"),
            lambda progress: interchange.import_from(ctx, path, progress),
            imported,
            operations.Change.EVERYTHING,
        )

    # -- helpers --------------------------------------------------------------------------
    def _require_ctx(self) -> Context:
        assert self.session.ctx is not None, "no signed-in user"
        return self.session.ctx

    def _run(self, work: Callable[[], Any], on_success: Callable[[Any], None]) -> None:
        """``work`` off the UI thread, the home page waiting and showing any error."""
        operation = operations.run(
            self._window, work, on_success, self._failed, [self.home], bus=self.changes
        )
        operation.done.connect(self.operation_done)

    def _long(
        self,
        title: str,
        work: Callable[[operations.Progress], Any],
        done: Callable[[Any], None],
        changes: operations.Change = operations.Change.NONE,
    ) -> operations.Operation:
        """Long work with a progress dialog and Cancel; errors shown on the home page."""
        operation = operations.run_long(
            self._window, title, work, done, self._failed, changes=changes, bus=self.changes
        )
        operation.done.connect(self.operation_done)
        return operation
