"""The signed-in workspace: navigation on the left, the pages on the right.

The window builds it when first needed (at the first sign-in, or in the background while the
user types the passphrase): the sign-in screen imports none of the pages, nor through them the
services, SQLAlchemy and the ORM. Methods that call a service import it where they run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QWidget,
)

from casecell.domain.register import Organisation
from casecell.domain.users import Permission
from casecell.i18n import _
from casecell.ui import operations
from casecell.ui.pages import HomePage, follow

if TYPE_CHECKING:
    from collections.abc import Callable

    from casecell.services.context import Context
    from casecell.services.persons import PersonInput
    from casecell.ui.dialogs.referral import ReferralDialog
    from casecell.ui.persons_page import PersonsPage
    from casecell.ui.situations import SituationsPage


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


@dataclass(frozen=True)
class Place:
    """Where the user was when the vault locked (kept in memory only, never written)."""

    page: str  # home, cases, case, persons, partners, meetings, reports
    case_id: int | None
    note: str  # the case page's unsaved note
    search: str
    person_search: str
    filters: list[object]


class Workspace(QWidget):
    """The signed-in pages, what the navigation shows of them by role, and the moves between
    them; holds the signed-in context from :meth:`load` to :meth:`clear`."""

    bug = Signal(str)  # a page's technical report, for the window to offer
    operation_done = Signal()
    home_opened = Signal(object)  # the Context: its home page shown for the first time

    def __init__(self, home: HomePage, bus: operations.ChangeBus) -> None:
        from casecell.ui.case_page import CasePage
        from casecell.ui.meeting_page import MeetingPage
        from casecell.ui.meetings_page import MeetingsPage
        from casecell.ui.partners_page import PartnersPage
        from casecell.ui.persons_page import PersonsPage
        from casecell.ui.reports_page import ReportsPage
        from casecell.ui.situations import SituationsPage

        super().__init__()
        self.ctx: Context | None = None
        self._home_pending = False  # signed in, the home page not shown yet
        self.home = home
        self.changes = bus
        self.situations = SituationsPage()
        self.case_page = CasePage()
        self.partners = PartnersPage()
        self.persons = PersonsPage()
        self.meetings = MeetingsPage()
        self.meeting_page = MeetingPage()
        self.reports = ReportsPage()
        # where "back" goes
        self._case_origin: SituationsPage | PersonsPage | HomePage = self.situations

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
        self.situations.bug.connect(self.bug)
        self.case_page.bug.connect(self.bug)
        self.partners.bug.connect(self.bug)
        self.persons.bug.connect(self.bug)
        self.persons.case_activated.connect(self.open_case)
        self.meetings.bug.connect(self.bug)
        self.meeting_page.bug.connect(self.bug)
        self.reports.bug.connect(self.bug)
        self.meetings.meeting_activated.connect(self.open_meeting)
        self.case_page.meeting_planned.connect(self.open_meeting)
        self.meeting_page.back_requested.connect(self._back_to_meetings)
        self.case_page.back_requested.connect(self._back_to_list)
        self.home.case_requested.connect(self._open_from_home)
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
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)

    # -- signing in and out ---------------------------------------------------------------
    def load(self, ctx: Context, vault: str) -> None:
        """The pages this user may see, each told who signed in; the home page first."""
        user = ctx.user
        self.home.load(
            user,
            vault,
            user.can(Permission.BACKUP),
            user.can(Permission.EXPORT),
            user.can(Permission.IMPORT),
        )
        self._navigation(user.sees_names, user.can(Permission.VIEW_REPORTS))  # reads nothing
        self.ctx = ctx
        self._home_pending = True
        if user.sees_names:
            self.situations.load(ctx)
            self.persons.load(ctx)
            self.meetings.load(ctx)
        self.partners.load(ctx)
        if user.can(Permission.VIEW_REPORTS):
            self.reports.load(ctx)
        # The home page is read once the sign-in has settled, if it is still what the user
        # sees: taken straight to a situation (the place kept at locking) or to the list,
        # they do not share the machine with it; it is read when they come home.
        QTimer.singleShot(0, self._open_home)

    def clear(self) -> None:
        """Signed out: the context dropped, nothing of the vault left in the pages."""
        self.ctx = None
        self._home_pending = False
        self.situations.clear()
        self.case_page.clear()
        self.partners.clear()
        self.persons.clear()
        self.meetings.clear()
        self.meeting_page.clear()
        self.reports.clear()

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

    # -- where the user was ---------------------------------------------------------------
    def place(self) -> Place:
        """Where the user is: the page, the open situation, an unsaved note, the searches."""
        page = self.pages.currentWidget()
        details = self.case_page.details
        return Place(
            page="case"
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
            case_id=details.case.id if details is not None else None,
            note=self.case_page.note.toPlainText(),
            search=self.situations.search.text(),
            person_search=self.persons.search.text(),
            filters=[
                w.currentData() if isinstance(w, QComboBox) else w.isChecked()
                for w in self.situations.filter_widgets
            ],
        )

    def restore(self, parked: Place) -> None:
        """Back where :meth:`place` was taken (for the same user, right after :meth:`load`)."""
        page = self.situations
        if self.situations in self._nav_pages:
            widgets = (page.search, *page.filter_widgets)
            for widget in widgets:
                widget.blockSignals(True)
            page.search.setText(parked.search)
            for widget, value in zip(page.filter_widgets, parked.filters, strict=True):
                if isinstance(widget, QComboBox):
                    if widget is page.lead and widget.findData(value) < 0 and value is not None:
                        widget.addItem("…", value)  # the partners' names are on their way
                    widget.setCurrentIndex(max(0, widget.findData(value)))
                else:
                    widget.setChecked(bool(value))
            for widget in widgets:
                widget.blockSignals(False)
            page.refresh()
        if parked.page == "cases":
            self.show_page(self.situations)
        elif parked.page == "partners":
            self.show_page(self.partners)
        elif parked.page == "meetings" and self.meetings in self._nav_pages:
            self.show_page(self.meetings)
        elif parked.page == "reports" and self.reports in self._nav_pages:
            self.show_page(self.reports)
        elif parked.page == "persons" and self.persons in self._nav_pages:
            self.persons.search.setText(parked.person_search)  # the search follows
            self.show_page(self.persons)
        elif parked.page == "case" and parked.case_id is not None:
            self.show_page(self.situations)
            self.case_page.note.setPlainText(parked.note)
            self.open_case(parked.case_id)

    # -- moving between pages -------------------------------------------------------------
    def show_page(self, page: QWidget) -> None:
        if page in self._nav_pages:
            self.nav.setCurrentRow(self._nav_pages.index(page))

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self._nav_pages[row]
        coming_home = page is self.home and self.pages.currentWidget() is not self.home
        self.pages.setCurrentWidget(page)
        if coming_home:
            self._home_shown()  # what needs doing may have changed

    def _open_home(self) -> None:
        if self._home_pending and self.pages.currentWidget() is self.home:
            self._home_shown()

    def _home_shown(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        self.refresh_dashboard()
        if self._home_pending:
            self._home_pending = False
            self.home_opened.emit(ctx)

    def open_case(self, case_id: int) -> None:
        if self.ctx is None:
            return
        if self.pages.currentWidget() is self.persons:
            self._case_origin = self.persons
        elif self.pages.currentWidget() is not self.case_page:
            self._case_origin = self.situations
        self.pages.setCurrentWidget(self.case_page)
        self.case_page.load(self.ctx, case_id)

    def _open_from_home(self, case_id: int) -> None:
        """A line of the home page's lists: "back" comes home again."""
        self.open_case(case_id)
        if self.pages.currentWidget() is self.case_page:
            self._case_origin = self.home

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

    def open_meeting(self, meeting_id: int) -> None:
        if self.ctx is None:
            return
        self.pages.setCurrentWidget(self.meeting_page)
        self.meeting_page.load(self.ctx, meeting_id)

    def _back_to_meetings(self) -> None:
        self.pages.setCurrentWidget(self.meetings)
        self.meetings.refresh()
        self.meetings.table.setFocus()

    def find_situation(self) -> None:
        """Ctrl+F: the situations list, its search field ready to type in."""
        if self.ctx is not None and self.situations in self._nav_pages:
            self.show_page(self.situations)
            self.situations.search.setFocus()
            self.situations.search.selectAll()

    def print_current(self) -> None:
        """Ctrl+P: on a meeting, its minutes (preview, print, save, validate)."""
        if self.ctx is not None and self.pages.currentWidget() is self.meeting_page:
            self.meeting_page.open_minutes()

    # -- the home page's dashboard and a new referral -------------------------------------
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
            operations.shown_on(self.home.error, self.bug)(message, report)

    def new_referral(self, dialog: ReferralDialog | None = None) -> None:
        """Ctrl+N: record a referral, then show it."""
        from casecell.services import cases, partners
        from casecell.ui.dialogs.referral import ReferralDialog

        ctx = self.ctx
        if ctx is None or not ctx.user.can(Permission.WRITE_CASES):
            return

        def ask(organisations: object) -> None:
            form = dialog or ReferralDialog(self.window())
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
                operations.Change.CASES,
            )

        self._run(lambda: partners.list_organisations(ctx), ask)

    def _look_up(self, form: ReferralDialog, typed: PersonInput) -> None:
        """Persons already known whom the referral may be about (need-to-know applied)."""
        from casecell.services import persons

        ctx = self.ctx
        if ctx is None:
            return
        failed = operations.shown_on(form.known_note, self.bug)
        operations.run(form, lambda: persons.known_persons(ctx, typed), form.show_known, failed)

    def _run(
        self,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        changes: operations.Change = operations.Change.NONE,
    ) -> None:
        """``work`` off the UI thread, the workspace waiting; errors shown on the home page."""
        failed = operations.shown_on(self.home.error, self.bug)
        operation = operations.run(
            self, work, on_success, failed, [self], changes=changes, bus=self.changes
        )
        operation.done.connect(self.operation_done)
