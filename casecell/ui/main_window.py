"""The main window: first run, unlock, and the signed-in pages; Ctrl+L locks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from casecell.bootstrap import Bootstrap
from casecell.domain.register import Organisation
from casecell.domain.users import Permission
from casecell.i18n import _, ngettext
from casecell.paths import VaultPaths, demo_vault, resolve_vault
from casecell.ui import operations
from casecell.ui.dialogs.bug import BugDialog
from casecell.ui.dialogs.help import HelpDialog
from casecell.ui.idle import IdleWatcher
from casecell.ui.pages import HomePage, LoginPage, WelcomePage, follow, plain_label

# The sign-in screen is painted without the services, the vault's code (SQLAlchemy, the
# ORM) and the signed-in pages: they are imported by the worker that signs in, and the
# pages are built by _build_workspace when first needed. Methods that call a service
# import it where they run (it is already loaded by then).
if TYPE_CHECKING:
    from casecell.services import maintenance, settings
    from casecell.services.context import Context
    from casecell.services.persons import PersonInput
    from casecell.ui.dialogs.referral import ReferralDialog
    from casecell.ui.dialogs.retention import RetentionDialog
    from casecell.ui.dialogs.settings import SettingsDialog
    from casecell.ui.persons_page import PersonsPage
    from casecell.ui.situations import SituationsPage

# What _build_workspace makes; reading any of them before builds it.
_WORKSPACE = frozenset(
    {
        *("workspace", "nav", "pages", "_nav_pages", "_case_origin"),
        *("situations", "case_page", "partners", "persons", "meetings", "meeting_page", "reports"),
    }
)


def import_workspace() -> None:
    """Import the signed-in pages and, through them, the services (in a worker thread)."""
    import casecell.ui.case_page
    import casecell.ui.dialogs.settings
    import casecell.ui.meeting_page
    import casecell.ui.meetings_page
    import casecell.ui.partners_page
    import casecell.ui.persons_page
    import casecell.ui.reports_page
    import casecell.ui.situations  # noqa: F401


class MainWindow(QMainWindow):
    """Holds the signed-in context, if any; every vault access goes through ``operations``."""

    signed_in = Signal()
    locked = Signal()
    demo_ready = Signal()
    operation_done = Signal()

    def __init__(self, boot: Bootstrap) -> None:
        super().__init__()
        self.boot = boot
        self.ctx: Context | None = None
        self.setWindowTitle("casecell")
        self.resize(1000, 680)
        path = str(boot.paths.vault)

        self.welcome = WelcomePage(path)
        self.login = LoginPage(path)
        self.home = HomePage()
        self._building = False
        # Every operation announces its changes here, the sign-in too: made now (a bare
        # QObject), not with the pages, so that no click builds them on the UI thread.
        self.changes = operations.ChangeBus(self)
        self.stack = QStackedWidget()
        for page in (self.welcome, self.login):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)

        self.user_label = plain_label(wrap=False)
        self.user_label.setAccessibleName(_("Signed-in user"))
        self.statusBar().addPermanentWidget(self.user_label)

        self.lock_action = QAction(_("&Lock"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setEnabled(False)
        self.lock_action.triggered.connect(lambda: self.lock())
        toolbar = self.addToolBar(_("Vault"))
        toolbar.setObjectName("vault-toolbar")
        toolbar.addAction(self.lock_action)

        self.new_action = QAction(_("&New referral…"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setEnabled(False)
        self.new_action.triggered.connect(lambda: self.new_referral())
        toolbar.addAction(self.new_action)

        self.help_action = QAction(_("&Help"), self)
        self.help_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.help_action.triggered.connect(lambda: self.show_help())
        self.addAction(self.help_action)

        self.print_action = QAction(_("&Print / export"), self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(lambda: self.print_current())
        self.addAction(self.print_action)

        self.find_action = QAction(_("&Find a situation"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.find_situation)
        self.addAction(self.find_action)

        self.settings_action = QAction(_("Cell &settings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setEnabled(False)  # administrators, once signed in
        self.settings_action.triggered.connect(lambda: self.open_settings())
        self.addAction(self.settings_action)

        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.auto_lock)
        self._parked: dict[str, object] | None = None  # where the user was, in memory only

        self.welcome.create_requested.connect(self._create)
        self.welcome.open_requested.connect(lambda: self.open_vault())
        self.welcome.demo_requested.connect(self.open_demo)
        self.login.open_requested.connect(lambda: self.open_vault())
        self.login.login_requested.connect(self._sign_in)
        self.home.check_requested.connect(self._check)
        self.home.retention_requested.connect(self.open_retention)
        self.home.aipd_requested.connect(self.write_aipd)
        self.home.settings_requested.connect(lambda: self.open_settings())
        self.home.backup_requested.connect(self._backup)
        self.home.lock_requested.connect(self.lock)
        self.home.export_requested.connect(lambda: self.export_register())
        self.home.import_requested.connect(lambda: self.import_register())

        self._show(self.login if boot.vault_exists() else self.welcome)

    if not TYPE_CHECKING:  # mypy keeps checking attribute names

        def __getattr__(self, name: str) -> Any:
            """Python asks only for a missing attribute: the signed-in pages, not built yet."""
            if name in _WORKSPACE and not self._building:
                self._build_workspace()
                return getattr(self, name)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _build_workspace(self) -> None:
        """The signed-in pages, built at the first sign-in (or when first asked for)."""
        from casecell.ui.case_page import CasePage
        from casecell.ui.meeting_page import MeetingPage
        from casecell.ui.meetings_page import MeetingsPage
        from casecell.ui.partners_page import PartnersPage
        from casecell.ui.persons_page import PersonsPage
        from casecell.ui.reports_page import ReportsPage
        from casecell.ui.situations import SituationsPage

        self._building = True
        try:
            self.situations = SituationsPage()
            self.case_page = CasePage()
            self.partners = PartnersPage()
            self.persons = PersonsPage()
            self.meetings = MeetingsPage()
            self.meeting_page = MeetingPage()
            self.reports = ReportsPage()
            # where "back" goes
            self._case_origin: SituationsPage | PersonsPage | HomePage = self.situations
            self.workspace = self._workspace()
            self.stack.addWidget(self.workspace)
            self.home.case_requested.connect(self._open_from_home)
        finally:
            self._building = False

    def _workspace(self) -> QWidget:
        """Navigation on the left, the signed-in pages on the right."""
        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Navigation"))
        self.nav.setFixedWidth(180)
        self.pages = QStackedWidget()
        self._nav_pages: list[QWidget] = []
        self.nav.currentRowChanged.connect(self._nav_changed)
        for page in (
            self.home,
            self.situations,
            self.case_page,
            self.partners,
            self.persons,
            self.meetings,
            self.meeting_page,
            self.reports,
        ):
            self.pages.addWidget(page)
        self.situations.case_activated.connect(self.open_case)
        self.situations.bug.connect(self.show_bug)
        self.case_page.bug.connect(self.show_bug)
        self.partners.bug.connect(self.show_bug)
        self.persons.bug.connect(self.show_bug)
        self.persons.case_activated.connect(self.open_case)
        self.meetings.bug.connect(self.show_bug)
        self.meeting_page.bug.connect(self.show_bug)
        self.reports.bug.connect(self.show_bug)
        self.meetings.meeting_activated.connect(self.open_meeting)
        self.case_page.meeting_planned.connect(self.open_meeting)
        self.meeting_page.back_requested.connect(self._back_to_meetings)
        self.case_page.back_requested.connect(self._back_to_list)
        # What an operation changed reaches every page that shows it (ui/operations.py).
        change = operations.Change
        for page, watches, refresh in (
            (self.situations, change.CASES | change.PARTNERS, self.situations.refresh),
            (self.persons, change.CASES, self.persons.refresh),
            (self.meetings, change.MEETINGS | change.SETTINGS, self.meetings.refresh),
            (self.partners, change.PARTNERS, self.partners.refresh),
            (self.reports, change.CASES | change.MEETINGS | change.PARTNERS, self.reports.refresh),
            (self.home, change.CASES | change.MEETINGS, self.refresh_dashboard),
        ):
            follow(self.changes, watches, page, refresh)
        for writer in (self.case_page, self.meeting_page, self.partners, self.meetings):
            writer.bus = self.changes
        area = QWidget()
        layout = QHBoxLayout(area)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        return area

    def _navigation(self, sees_names: bool, sees_reports: bool) -> None:
        self.nav.clear()
        self._nav_pages = [self.home]
        self.nav.addItem(QListWidgetItem(_("Home")))
        if sees_names:  # a manager sees aggregates only: no list of situations
            self._nav_pages.append(self.situations)
            self.nav.addItem(QListWidgetItem(_("Situations")))
        self._nav_pages.append(self.partners)
        self.nav.addItem(QListWidgetItem(_("Partners")))
        if sees_names:
            self._nav_pages.append(self.persons)
            self.nav.addItem(QListWidgetItem(_("Persons")))
            self._nav_pages.append(self.meetings)
            self.nav.addItem(QListWidgetItem(_("Meetings")))
        if sees_reports:  # aggregates only: managers too
            self._nav_pages.append(self.reports)
            self.nav.addItem(QListWidgetItem(_("Reports")))
        self.nav.setCurrentRow(0)

    def _open_from_home(self, case_id: int) -> None:
        """A line of the home page's lists: "back" comes home again."""
        self.open_case(case_id)
        if self.pages.currentWidget() is self.case_page:
            self._case_origin = self.home

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self._nav_pages[row]
        if page is self.home and self.pages.currentWidget() is not self.home:
            self.refresh_dashboard()  # back home: what needs doing may have changed
        self.pages.setCurrentWidget(page)

    def refresh_dashboard(self) -> None:
        """Reviews due, late actions and the next meeting on the home page (for those who
        read situations; a manager's home has none)."""
        from casecell.services import dashboard

        ctx = self.ctx
        if ctx is None or not ctx.user.sees_names:
            return
        operations.run(
            self,
            lambda: dashboard.dashboard(ctx),
            lambda board: self.home.show_dashboard(board) if self.ctx is ctx else None,
            lambda message, report: self._dashboard_failed(ctx, message, report),
        )

    def _dashboard_failed(self, ctx: Context, message: str, report: str) -> None:
        if self.ctx is ctx:
            self.home.show_error(message)
            if report:
                self.show_bug(report)

    def show_page(self, page: QWidget) -> None:
        if page in self._nav_pages:
            self.nav.setCurrentRow(self._nav_pages.index(page))

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

    def open_case(self, case_id: int) -> None:
        if self.ctx is None:
            return
        if self.pages.currentWidget() is self.persons:
            self._case_origin = self.persons
        elif self.pages.currentWidget() is not self.case_page:
            self._case_origin = self.situations
        self.pages.setCurrentWidget(self.case_page)
        self.case_page.load(self.ctx, case_id)

    def new_referral(self, dialog: ReferralDialog | None = None) -> None:
        """Ctrl+N: record a referral, then show it."""
        from casecell.services import cases, partners
        from casecell.ui.dialogs.referral import ReferralDialog

        ctx = self.ctx
        if ctx is None or not ctx.user.can(Permission.WRITE_CASES):
            return

        def ask(organisations: object) -> None:
            form = dialog or ReferralDialog(self)
            names = {o.id: o.name for o in cast(list[Organisation], organisations)}
            form.load(names, ctx.today())
            form.lookup_requested.connect(lambda typed: self._look_up(form, typed))
            if form.exec() != ReferralDialog.DialogCode.Accepted or not form.validate():
                return
            person, draft, sharing = form.person(), form.draft(), form.sharing()
            known = form.chosen_person_id()
            self._run(
                lambda: cases.register_referral(ctx, person, draft, sharing, known),
                lambda case: self.open_case(case.id),
                self.home,
                [self.workspace],
                operations.Change.CASES,
            )

        self._run(lambda: partners.list_organisations(ctx), ask, self.home, [self.workspace])

    def _look_up(self, form: ReferralDialog, typed: PersonInput) -> None:
        """Persons already known whom the referral may be about (need-to-know applied)."""
        from casecell.services import persons

        ctx = self.ctx
        if ctx is None:
            return

        def failed(message: str, report: str) -> None:
            form.known_note.setText(f"⚠ {message}")
            if report:
                self.show_bug(report)

        operations.run(form, lambda: persons.known_persons(ctx, typed), form.show_known, failed)

    def open_meeting(self, meeting_id: int) -> None:
        if self.ctx is None:
            return
        self.pages.setCurrentWidget(self.meeting_page)
        self.meeting_page.load(self.ctx, meeting_id)

    def _back_to_meetings(self) -> None:
        self.pages.setCurrentWidget(self.meetings)
        self.meetings.refresh()
        self.meetings.table.setFocus()

    def print_current(self) -> None:
        """Ctrl+P: on a meeting, its minutes (preview, print, save, validate)."""
        if self.ctx is not None and self.pages.currentWidget() is self.meeting_page:
            self.meeting_page.open_minutes()

    def _back_to_list(self) -> None:
        """Back to the list the situation was opened from, showing what the case page changed."""
        origin = self._case_origin
        self.pages.setCurrentWidget(origin)
        if isinstance(origin, HomePage):
            self.refresh_dashboard()
            origin.reviews.setFocus()
            return
        origin.refresh()
        origin.table.setFocus()

    def find_situation(self) -> None:
        if self.ctx is not None and self.situations in self._nav_pages:
            self.show_page(self.situations)
            self.situations.search.setFocus()
            self.situations.search.selectAll()

    # -- helpers ----------------------------------------------------------------------------
    def _show(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        if page is self.welcome:
            self.welcome.login.setFocus()
        elif page is self.login:
            self.login.reset()

    def _run(
        self,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        page: WelcomePage | LoginPage | HomePage,
        busy: list[QWidget],
        changes: operations.Change = operations.Change.NONE,
    ) -> None:
        def failed(message: str, report: str) -> None:
            if page is self.login:
                self.login.reset(message)
            else:
                page.show_error(message)
            if report:
                self.show_bug(report)

        operation = operations.run(
            self, work, on_success, failed, busy, changes=changes, bus=self.changes
        )
        operation.done.connect(self.operation_done)

    # -- actions ----------------------------------------------------------------------------
    def _create(self, login: str, name: str, passphrase: str, confirmation: str) -> None:
        if passphrase != confirmation:
            self.welcome.show_error(_("The two passphrases differ. Nothing was changed."))
            return
        self._run(
            lambda: self.boot.init(login, name, passphrase),
            self._enter,
            self.welcome,
            [self.welcome],
        )

    def _sign_in(self, login: str, passphrase: str) -> None:
        def work() -> Context:
            import_workspace()  # here, not on the UI thread; _enter builds the pages
            return self.boot.sign_in(login, passphrase)

        self._run(work, self._enter, self.login, [self.login])

    def _enter(self, ctx: Context) -> None:
        from casecell.services import retention, settings

        self.ctx = ctx
        user = ctx.user
        self.home.load(
            user,
            str(self.boot.paths.vault),
            user.can(Permission.BACKUP),
            user.can(Permission.EXPORT),
            user.can(Permission.IMPORT),
        )
        self._navigation(user.sees_names, user.can(Permission.VIEW_REPORTS))
        if user.sees_names:
            self.situations.load(ctx)
            self.persons.load(ctx)
            self.meetings.load(ctx)
        self.partners.load(ctx)
        if user.can(Permission.VIEW_REPORTS):
            self.reports.load(ctx)
        self.refresh_dashboard()
        self.user_label.setText(f"{user.display_name} — {user.role.label}")
        self.lock_action.setEnabled(True)
        self.new_action.setEnabled(user.can(Permission.WRITE_CASES))
        self.settings_action.setEnabled(user.can(Permission.MANAGE_USERS))
        self._show(self.workspace)
        if self.boot.notices:  # an interrupted init or restore, finished or undone on opening
            self.statusBar().showMessage(" ".join(self.boot.notices))
            self.boot.notices.clear()
        parked, self._parked = self._parked, None
        if parked is not None and parked["login"] == user.login:
            self._restore(parked)  # another account never sees what the last one left
        # Guard at once with the default delay; the vault's own setting follows.
        self.idle.start(settings.DEFAULT_IDLE_LOCK_MINUTES * 60_000)
        operations.run(
            self,
            lambda: settings.idle_lock_minutes(ctx),
            lambda minutes: self.idle.start(int(minutes) * 60_000) if self.ctx is ctx else None,
            lambda _message, _report: None,
        )
        if user.can(Permission.MANAGE_USERS):
            operations.run(
                self,
                lambda: retention.reminder_due(ctx),
                lambda count: self.home.remind_retention(int(count)) if self.ctx is ctx else None,
                lambda _message, _report: None,
            )
        self.signed_in.emit()

    # -- choosing the vault ----------------------------------------------------------------
    def switch_vault(self, paths: VaultPaths, hint: str = "") -> None:
        """Point the window at another vault file (only while nobody is signed in)."""
        if self.ctx is not None:
            return
        self.boot = self.boot.elsewhere(paths)
        self._parked = None  # a place in another vault means nothing here
        self.welcome.set_vault_path(str(paths.vault))
        self.login.set_vault_path(str(paths.vault), hint)
        self._show(self.login if self.boot.vault_exists() else self.welcome)

    def open_vault(self, path: str | None = None) -> None:
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self,
                _("Open a vault"),
                str(self.boot.paths.folder),
                _("casecell vaults (*.vault)"),
            )
            if not path:
                return
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
            self.login.login.setText(DEMO_LOGIN)
            self.login.passphrase.setFocus()
            self.demo_ready.emit()

        demo_boot = self.boot.elsewhere(paths)
        if demo_boot.vault_exists():
            ready(None)
            return
        self.welcome.setEnabled(False)

        def created(result: object) -> None:
            self.welcome.setEnabled(True)
            ready(result)

        def failed(message: str, report: str) -> None:
            self.welcome.setEnabled(True)
            self.welcome.show_error(message)
            if report:
                self.show_bug(report)

        operations.run_long(
            self,
            _("Creating the demo vault with fictitious people…"),
            lambda progress: demo_boot.create_demo(
                DEMO_LOGIN, DEMO_PASSPHRASE, DEMO_CASES, seed=1, progress=progress
            ),
            created,
            failed,
        )

    # -- locking and coming back -----------------------------------------------------------
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

    def _park(self) -> dict[str, object]:
        assert self.ctx is not None
        page = self.pages.currentWidget()
        details = self.case_page.details
        return {
            "login": self.ctx.user.login,
            "page": "case"
            if page is self.case_page
            else "cases"
            if page is self.situations
            else "persons"
            if page is self.persons
            else "partners"
            if page is self.partners
            else "meetings"
            if page in (self.meetings, self.meeting_page)
            else "reports"
            if page is self.reports
            else "home",
            "case_id": details.case.id if details is not None else None,
            "note": self.case_page.note.toPlainText(),
            "search": self.situations.search.text(),
            "person_search": self.persons.search.text(),
            "filters": [
                w.currentData() if isinstance(w, QComboBox) else w.isChecked()
                for w in self.situations.filter_widgets
            ],
        }

    def _restore(self, parked: dict[str, object]) -> None:
        page = self.situations
        if self.situations in self._nav_pages:
            widgets = (page.search, *page.filter_widgets)
            for widget in widgets:
                widget.blockSignals(True)
            page.search.setText(str(parked["search"]))
            for widget, value in zip(
                page.filter_widgets, cast(list[object], parked["filters"]), strict=True
            ):
                if isinstance(widget, QComboBox):
                    if widget is page.lead and widget.findData(value) < 0 and value is not None:
                        widget.addItem("…", value)  # the partners' names are on their way
                    widget.setCurrentIndex(max(0, widget.findData(value)))
                else:
                    widget.setChecked(bool(value))
            for widget in widgets:
                widget.blockSignals(False)
            page.refresh()
        if parked["page"] == "cases":
            self.show_page(self.situations)
        elif parked["page"] == "partners":
            self.show_page(self.partners)
        elif parked["page"] == "meetings" and self.meetings in self._nav_pages:
            self.show_page(self.meetings)
        elif parked["page"] == "reports" and self.reports in self._nav_pages:
            self.show_page(self.reports)
        elif parked["page"] == "persons" and self.persons in self._nav_pages:
            self.persons.search.setText(str(parked["person_search"]))  # the search follows
            self.show_page(self.persons)
        elif parked["page"] == "case" and parked["case_id"] is not None:
            self.show_page(self.situations)
            self.case_page.note.setPlainText(str(parked["note"]))
            self.open_case(int(str(parked["case_id"])))

    def _check(self) -> None:
        from casecell.services import maintenance

        ctx = self._require_ctx()

        def shown(report: maintenance.CheckReport) -> None:
            self.home.report.setText("\n".join(report.summary()))

        self._run(lambda: maintenance.check(ctx), shown, self.home, [self.home])

    def open_retention(self, dialog: RetentionDialog | None = None) -> None:
        """The retention review (administrators): read what is due, show it, apply on OK."""
        from casecell.services import retention
        from casecell.ui.dialogs.retention import RetentionDialog

        ctx = self._require_ctx()
        dialog = dialog or RetentionDialog(self)

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

        self._run(lambda: retention.review(ctx), shown, self.home, [self.home])

    def open_settings(self, dialog: SettingsDialog | None = None) -> None:
        """The cell's settings (administrators): read off the UI thread, shown, saved all or
        nothing on OK; a new idle delay guards the window at once."""
        from casecell.services import settings
        from casecell.ui.dialogs.settings import SettingsDialog

        ctx = self.ctx
        if ctx is None or not ctx.user.can(Permission.MANAGE_USERS):
            return

        def saved(now: settings.Settings) -> None:
            if self.ctx is ctx:
                self.idle.start(now.idle_lock_minutes * 60_000)
                self.home.report.setText(_("Settings saved."))
            self.changes.announce(operations.Change.SETTINGS, self)

        def shown(now: object) -> None:
            assert isinstance(now, settings.Settings)
            form = dialog or SettingsDialog(self)
            if dialog is None:
                form.finished.connect(form.deleteLater)
            form.bug.connect(self.show_bug)
            form.load(now, lambda changes: settings.update(ctx, changes))
            form.saved.connect(saved)
            form.open()  # window-modal; OK saves off the UI thread and closes once saved

        self._run(lambda: settings.current(ctx), shown, self.home, [self.home])

    def write_aipd(self, target: str | None = None) -> None:
        """A draft of the impact assessment (administrators), from the vault's settings."""
        from casecell.services import rights

        ctx = self._require_ctx()
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self, _("Impact assessment"), str(Path.home() / "aipd.pdf"), "PDF (*.pdf)"
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
            self.home,
            [self.home],
        )

    def _backup(self) -> None:
        from casecell.services import maintenance

        ctx = self._require_ctx()
        target, _filter = QFileDialog.getSaveFileName(
            self,
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
            self.home,
            [self.home],
        )

    def _long(
        self,
        title: str,
        work: Callable[[operations.Progress], Any],
        done: Callable[[Any], None],
        changes: operations.Change = operations.Change.NONE,
    ) -> operations.Operation:
        """Long work with a progress dialog and Cancel; errors shown on the home page."""

        def failed(message: str, report: str) -> None:
            self.home.show_error(message)
            if report:
                self.show_bug(report)

        operation = operations.run_long(
            self, title, work, done, failed, changes=changes, bus=self.changes
        )
        operation.done.connect(self.operation_done)
        return operation

    def export_register(self, target: str | None = None) -> None:
        from casecell.services import interchange

        ctx = self._require_ctx()
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self, _("Export the register"), str(Path.home() / "registre.json"), "JSON (*.json)"
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
                self, _("Import an export"), str(Path.home()), "JSON (*.json)"
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

    def _require_ctx(self) -> Context:
        assert self.ctx is not None, "no signed-in user"
        return self.ctx

    def lock(self, message: str = "") -> None:
        """Sign out: the key leaves memory and the login page comes back (with ``message``)."""
        from casecell.services import accounts

        if self.ctx is None:
            return
        self._parked = self._park()
        ctx, self.ctx = self.ctx, None
        self.idle.stop()
        self.lock_action.setEnabled(False)
        self.new_action.setEnabled(False)
        self.settings_action.setEnabled(False)
        self.user_label.setText("")
        self.situations.clear()
        self.case_page.clear()
        self.partners.clear()
        self.persons.clear()
        self.meetings.clear()
        self.meeting_page.clear()
        self.reports.clear()
        self._show(self.login)  # nothing of the vault stays on screen while the key goes

        def back_to_login(_result: object) -> None:
            self._show(self.login)
            self.login.reset(message)
            self.locked.emit()

        self._run(lambda: accounts.sign_out(ctx), back_to_login, self.login, [self.login])

    def closeEvent(self, event: QCloseEvent) -> None:
        from casecell.services import accounts

        self.idle.stop()
        if self.ctx is not None:
            ctx, self.ctx = self.ctx, None
            accounts.sign_out(ctx)
        super().closeEvent(event)
