"""The first screens: create the cell's vault, sign in, and the signed-in home page.

Pages hold no rule: they collect input, and the main window hands it to services through
``operations``. User text is always shown as plain text, never as rich text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casecell.domain.users import Permission, User, strength_hint
from casecell.i18n import _, date_in_words, ngettext
from casecell.ui.operations import Change, ChangeBus

if TYPE_CHECKING:  # the sign-in screen is painted before the vault's code is imported
    from casecell.services.context import Context
    from casecell.services.dashboard import Dashboard


def plain_label(text: str = "", *, wrap: bool = True) -> QLabel:
    """A label that shows user text exactly as typed (``<b>`` stays ``<b>``)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class _Follower(QObject):
    """Refreshes one page when the bus announces a change it shows: at once if the page is
    visible, when it is next shown otherwise (a hidden page does not read the vault)."""

    def __init__(self, page: QWidget, watches: Change, refresh: Callable[[], None]) -> None:
        super().__init__(page)
        self._page, self._watches, self._refresh = page, watches, refresh
        self._stale = False
        page.installEventFilter(self)

    def changed(self, change: object, origin: object) -> None:
        if origin is self._page or not isinstance(change, Change) or not change & self._watches:
            return
        if self._page.isVisible():
            self._stale = False
            self._refresh()
        else:
            self._stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._page and event.type() == QEvent.Type.Show and self._stale:
            self._stale = False
            self._refresh()
        return False


def follow(bus: ChangeBus, watches: Change, page: QWidget, refresh: Callable[[], None]) -> None:
    """Keep ``page`` true to the vault: ``refresh`` runs after any operation that changed
    what ``watches`` names (the page never needs another page to refresh it by hand)."""
    bus.changed.connect(_Follower(page, watches, refresh).changed)


class LazyPage(QWidget):
    """A page that reads the vault when it is first shown after signing in, so that the
    situations list, which comes first, does not wait behind it. Subclasses define
    :meth:`refresh` and may extend :meth:`prepare` (what depends on the role only)."""

    def __init__(self) -> None:
        super().__init__()
        self.ctx: Context | None = None
        self._stale = False

    def load(self, ctx: Context) -> None:
        self.ctx = ctx
        self._stale = True
        self.prepare(ctx)
        if self.isVisible():
            self.refresh()

    def prepare(self, ctx: Context) -> None:
        """Set up what depends on who signed in (buttons shown...), without reading."""

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.ctx is not None:
            self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError


def data_table(headers: list[str], name: str, widths: tuple[int, ...]) -> QTableWidget:
    """A read-only table of rows, selected whole, with an accessible name."""
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    for column, width in enumerate(widths):
        table.horizontalHeader().resizeSection(column, width)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    """Plain text, never markup; a cell too narrow ends in "…" and its tooltip shows it all."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)


def page_header(page: QWidget, back_text: str, back: SignalInstance) -> tuple[QPushButton, QLabel]:
    """A back button (Escape does the same) and the page's large title."""
    button = QPushButton(back_text)
    button.clicked.connect(back)
    QShortcut(QKeySequence(Qt.Key.Key_Escape), page, back.emit)
    title = plain_label(wrap=False)
    font = title.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    title.setFont(font)
    return button, title


def _title(text: str) -> QLabel:
    label = plain_label(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(text)
    return label


def _subtitle(text: str) -> QLabel:
    label = plain_label(text, wrap=True)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _field(label: str, *, secret: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(label.rstrip(" :"))
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class _Page(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.error = plain_label()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #a40000;")
        self.error.setAccessibleName(_("Error"))

    def show_error(self, message: str) -> None:
        # Shown as text with a “⚠” sign, not by colour alone.
        self.error.setText(f"⚠ {message}" if message else "")

    def _framed(
        self, *widgets: QWidget | QLayout, width: int = 620, margins: int = 1
    ) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(14)
        for item in widgets:
            if isinstance(item, QWidget):
                column.addWidget(item)
            else:
                column.addLayout(item)
        column.addWidget(self.error)
        column.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addStretch(margins)
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(width)
        outer.addWidget(holder, 4)
        outer.addStretch(margins)
        return column


class WelcomePage(_Page):
    """First run: create the cell's vault and its first administrator."""

    create_requested = Signal(str, str, str, str)  # login, name, passphrase, confirmation
    open_requested = Signal()
    demo_requested = Signal()

    def __init__(self, vault_path: str) -> None:
        super().__init__()
        self.open_other = QPushButton(_("&Open an existing vault…"))
        self.open_other.clicked.connect(self.open_requested)
        self.demo = QPushButton(_("E&xplore the demo (fictitious people)"))
        self.demo.clicked.connect(self.demo_requested)
        self.where = plain_label(
            _("The vault will be created here: {path}").format(path=vault_path)
        )
        self.login = _field(_("Login"))
        self.name = _field(_("Display name"))
        self.passphrase = _field(_("Passphrase"), secret=True)
        self.confirmation = _field(_("Passphrase again"), secret=True)
        self.hint = plain_label(strength_hint(""))
        self.hint.setAccessibleName(_("Passphrase strength"))
        self.create_button = QPushButton(_("Create the vault"))
        self.create_button.setDefault(True)
        self.passphrase.textChanged.connect(lambda text: self.hint.setText(strength_hint(text)))

        form = QFormLayout()
        form.addRow(_("&Login:"), self.login)
        form.addRow(_("&Display name:"), self.name)
        form.addRow(_("&Passphrase:"), self.passphrase)
        form.addRow("", self.hint)
        form.addRow(_("Passphrase &again:"), self.confirmation)
        for edit in (self.login, self.name, self.passphrase, self.confirmation):
            edit.returnPressed.connect(self._submit)
        self.create_button.clicked.connect(self._submit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        others = QHBoxLayout()  # the alternatives, on their own line
        others.addWidget(self.open_other)
        others.addWidget(self.demo)
        others.addStretch(1)
        self._framed(
            _title(_("Welcome to casecell")),
            plain_label(
                _(
                    "casecell keeps the cell's situations in one encrypted file that you can "
                    "carry offline. Each colleague opens it with their own passphrase; every "
                    "reading and change is recorded."
                )
            ),
            self.where,
            form,
            buttons,
            others,
        )
        self.setTabOrder(self.login, self.name)
        self.setTabOrder(self.name, self.passphrase)
        self.setTabOrder(self.passphrase, self.confirmation)
        self.setTabOrder(self.confirmation, self.create_button)

    def set_vault_path(self, path: str) -> None:
        self.where.setText(_("The vault will be created here: {path}").format(path=path))

    def _submit(self) -> None:
        self.show_error("")
        self.create_requested.emit(
            self.login.text(), self.name.text(), self.passphrase.text(), self.confirmation.text()
        )


class LoginPage(_Page):
    login_requested = Signal(str, str)
    open_requested = Signal()

    def __init__(self, vault_path: str) -> None:
        super().__init__()
        self.where = plain_label(_("Vault: {path}").format(path=vault_path))
        self.hint = plain_label()
        self.open_other = QPushButton(_("Open &another vault…"))
        self.open_other.clicked.connect(self.open_requested)
        self.login = _field(_("Login"))
        self.passphrase = _field(_("Passphrase"), secret=True)
        self.open = QPushButton(_("Unlock"))
        self.open.setDefault(True)
        form = QFormLayout()
        form.addRow(_("&Login:"), self.login)
        form.addRow(_("&Passphrase:"), self.passphrase)
        self.login.returnPressed.connect(self.passphrase.setFocus)
        self.passphrase.returnPressed.connect(self._submit)
        self.open.clicked.connect(self._submit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_other)
        buttons.addStretch(1)
        buttons.addWidget(self.open)
        self._framed(_title(_("Unlock the vault")), self.where, self.hint, form, buttons)

    def _submit(self) -> None:
        self.show_error("")
        self.login_requested.emit(self.login.text(), self.passphrase.text())

    def set_vault_path(self, path: str, hint: str = "") -> None:
        self.where.setText(_("Vault: {path}").format(path=path))
        self.hint.setText(hint)

    def reset(self, message: str = "") -> None:
        self.passphrase.clear()
        self.show_error(message)
        (self.passphrase if self.login.text() else self.login).setFocus()


class HomePage(_Page):
    """What a signed-in user sees first: what needs doing (reviews due, late actions, the next
    meeting) for those who read situations, then the vault's tools."""

    check_requested = Signal()
    backup_requested = Signal()
    export_requested = Signal()
    import_requested = Signal()
    lock_requested = Signal()
    retention_requested = Signal()
    aipd_requested = Signal()
    settings_requested = Signal()
    case_requested = Signal(int)  # a situation of the lists, opened by double-click or Enter
    dashboard_loaded = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.greeting = _title("")
        self.details = plain_label()
        self.next_meeting = plain_label()
        self.next_meeting.setAccessibleName(_("Next meeting"))
        self.reviews = self._case_list(_("Reviews due within two weeks"))
        self.late_actions = self._case_list(_("Late actions"))
        self.reviews_title = _subtitle(_("Reviews due"))
        self.late_title = _subtitle(_("Late actions"))
        self.dashboard = QWidget()
        lists = QGridLayout(self.dashboard)
        lists.setContentsMargins(0, 0, 0, 0)
        lists.addWidget(self.next_meeting, 0, 0, 1, 2)
        lists.addWidget(self.reviews_title, 1, 0)
        lists.addWidget(self.late_title, 1, 1)
        lists.addWidget(self.reviews, 2, 0)
        lists.addWidget(self.late_actions, 2, 1)
        self.dashboard.setVisible(False)
        self.report = plain_label()
        self.report.setAccessibleName(_("Result"))
        self.check = QPushButton(_("&Check the vault"))
        self.backup = QPushButton(_("&Back up…"))
        self.lock = QPushButton(_("&Lock"))
        self.export = QPushButton(_("&Export the register…"))
        self.import_ = QPushButton(_("&Import an export…"))
        self.retention = QPushButton(_("Data &retention…"))
        self.retention_notice = plain_label()
        self.retention_notice.setAccessibleName(_("Yearly retention review"))
        self.retention_notice.setVisible(False)
        self.retention.clicked.connect(self.retention_requested)
        self.aipd = QPushButton(_("Impact &assessment…"))
        self.aipd.setToolTip(
            _("A draft of the CNIL impact assessment (AIPD), filled from the vault")
        )
        self.aipd.clicked.connect(self.aipd_requested)
        self.settings = QPushButton(_("Cell &settings…"))
        self.settings.clicked.connect(self.settings_requested)
        self.check.clicked.connect(self.check_requested)
        self.backup.clicked.connect(self.backup_requested)
        self.export.clicked.connect(self.export_requested)
        self.import_.clicked.connect(self.import_requested)
        self.lock.clicked.connect(self.lock_requested)
        # Three to a row: six buttons in one row would cut their labels in the column.
        buttons = QGridLayout()
        for n, button in enumerate(
            (
                self.check,
                self.backup,
                self.lock,
                self.export,
                self.import_,
                self.retention,
                self.aipd,
                self.settings,
            )
        ):
            buttons.addWidget(button, n // 3, n % 3)
        column = self._framed(
            self.greeting,
            self.details,
            self.dashboard,
            self.retention_notice,
            buttons,
            self.report,
            width=1100,
            margins=0,
        )
        column.setStretchFactor(self.dashboard, 4)  # the lists take the height, not a blank

    def _case_list(self, name: str) -> QListWidget:
        found = QListWidget()
        found.setAccessibleName(name)
        found.setMinimumHeight(150)
        found.setWordWrap(True)
        found.setTextElideMode(Qt.TextElideMode.ElideRight)
        found.itemActivated.connect(self._activated)
        return found

    def _activated(self, item: QListWidgetItem) -> None:
        case_id = item.data(Qt.ItemDataRole.UserRole)
        if case_id is not None:
            self.case_requested.emit(int(case_id))

    def show_dashboard(self, board: Dashboard) -> None:
        """Reviews due, late actions (marked late in words, not by colour alone) and the
        next meeting; references and pseudonyms only, never a name."""
        self.reviews.clear()
        for row in board.reviews:
            day = row.next_review_on.strftime("%d/%m/%Y") if row.next_review_on else ""
            if board.review_late(row):
                text = _("⚠ LATE — review was due {day} — {reference} ({pseudonym})")
            else:
                text = _("Review on {day} — {reference} ({pseudonym})")
            self._add(
                self.reviews,
                text.format(day=day, reference=row.reference, pseudonym=row.pseudonym),
                row.id,
            )
        self._more(self.reviews, board.reviews_count - len(board.reviews))
        if not board.reviews:
            self._add(self.reviews, _("No review due within two weeks."), None)
        self.late_actions.clear()
        for action in board.late_actions:
            self._add(
                self.late_actions,
                _("⚠ LATE — due {day} — {reference}: {title} ({owner})").format(
                    day=action.due_on.strftime("%d/%m/%Y"),
                    reference=action.reference,
                    title=action.title,
                    owner=action.owner,
                ),
                action.case_id,
            )
        self._more(self.late_actions, board.late_count - len(board.late_actions))
        if not board.late_actions:
            self._add(self.late_actions, _("No late action."), None)
        self.reviews_title.setText(
            ngettext("{n} review due", "{n} reviews due", board.reviews_count).format(
                n=board.reviews_count
            )
        )
        self.late_title.setText(
            ngettext("{n} late action", "{n} late actions", board.late_count).format(
                n=board.late_count
            )
        )
        meeting = board.next_meeting
        if meeting is None:
            self.next_meeting.setText(_("Next meeting: none planned."))
        else:
            start = meeting.local_start
            items = len(meeting.items)
            self.next_meeting.setText(
                _("Next meeting: {day} at {time} — {place} — {items}").format(
                    day=date_in_words(start.date(), "full"),
                    time=f"{start:%H:%M}",
                    place=meeting.place or meeting.video_link,
                    items=ngettext("{n} item", "{n} items", items).format(n=items),
                )
            )
        self.dashboard.setVisible(True)
        self.dashboard_loaded.emit()

    @staticmethod
    def _add(target: QListWidget, text: str, case_id: int | None) -> None:
        item = QListWidgetItem(text)  # plain text: a title is shown as typed
        item.setToolTip(text)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
        if case_id is not None:
            item.setData(Qt.ItemDataRole.UserRole, case_id)
        target.addItem(item)

    @staticmethod
    def _more(target: QListWidget, more: int) -> None:
        if more > 0:
            HomePage._add(
                target,
                ngettext("… and {n} other", "… and {n} others", more).format(n=more),
                None,
            )

    def load(
        self, user: User, vault_path: str, can_backup: bool, can_export: bool, can_import: bool
    ) -> None:
        self.export.setVisible(can_export)
        self.import_.setVisible(can_import)
        self.greeting.setText(_("Hello, {name}").format(name=user.display_name))
        self.details.setText(
            _("Signed in as {login} ({role}).\nVault: {path}").format(
                login=user.login, role=user.role.label, path=vault_path
            )
        )
        self.backup.setVisible(can_backup)
        self.retention.setVisible(user.can(Permission.MANAGE_USERS))
        self.aipd.setVisible(user.can(Permission.IMPACT_ASSESSMENT))
        self.settings.setVisible(user.can(Permission.MANAGE_USERS))
        self.retention_notice.setVisible(False)
        self.dashboard.setVisible(False)  # until show_dashboard: another user's never shows
        self.reviews.clear()
        self.late_actions.clear()
        self.report.setText("")
        self.show_error("")

    def remind_retention(self, count: int) -> None:
        """The yearly reminder (administrators): situations past their retention period."""
        self.retention_notice.setText(
            ngettext(
                "Yearly retention review: {count} situation is past its retention period "
                "(Data retention…).",
                "Yearly retention review: {count} situations are past their retention period "
                "(Data retention…).",
                count,
            ).format(count=count)
        )
        self.retention_notice.setVisible(count > 0)
