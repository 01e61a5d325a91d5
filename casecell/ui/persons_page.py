"""The persons page: find a person by name or pseudonym and open one of their situations."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casecell.domain.nomenclatures import CaseStatus
from casecell.domain.users import Permission
from casecell.i18n import _, ngettext
from casecell.services import persons, rights
from casecell.services.persons import PersonListRow
from casecell.ui import operations
from casecell.ui.models.cases import short_date
from casecell.ui.pages import LazyPage, plain_label

SEARCH_DELAY_MS = 150


def _birth(row: PersonListRow) -> str:
    if row.birth_date is not None:
        return short_date(row.birth_date)
    return str(row.birth_year) if row.birth_year else ""


def _name(row: PersonListRow) -> str:
    name = " ".join(part for part in (row.last_name.upper(), row.first_name) if part)
    return name or _("(name not given)")


class PersonsPage(LazyPage):
    """Names are shown: only for roles that see them (the window hides the page otherwise)."""

    loaded = Signal()
    bug = Signal(str)
    case_activated = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[PersonListRow] = []
        self._generation = 0
        self.search = QLineEdit()
        self.search.setAccessibleName(_("Search persons"))
        self.search.setPlaceholderText(_("Name or pseudonym…"))
        self.search.setClearButtonEnabled(True)
        self.count = plain_label(wrap=False)
        self.count.setAccessibleName(_("Number of persons"))
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName(_("Persons"))
        self.table.setHorizontalHeaderLabels(
            [_("Name"), _("Pseudonym"), _("Birth"), _("Commune"), _("Situations")]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((260, 100, 100, 80)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.activated.connect(lambda _index: self.open_selected())
        self.situations = QListWidget()
        self.situations.setAccessibleName(_("Situations of the selected person"))
        self.situations.itemActivated.connect(lambda _item: self.open_selected())
        self.open_button = QPushButton(_("&Open the situation"))
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_selected)
        self.access_button = QPushButton(_("Right of access…"))
        self.access_button.setToolTip(
            _("A PDF of everything held about this person, for their access request")
        )
        self.access_button.setEnabled(False)
        self.access_button.clicked.connect(lambda: self.export_access())
        self.error = plain_label()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._timer.start())

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(plain_label(_("Situations of this person:"), wrap=False))
        side_layout.addWidget(self.situations, 1)
        side_layout.addWidget(
            plain_label(_("A person's details are corrected from one of their situations."))
        )
        side_layout.addWidget(self.open_button)
        side_layout.addWidget(self.access_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)

    def clear(self) -> None:
        self.ctx = None
        self._rows = []
        self._generation += 1  # results still on their way are dropped
        self.table.setRowCount(0)
        self.situations.clear()
        self.search.clear()
        self.count.setText("")

    def refresh(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        text = self.search.text()
        self._stale = False
        self._generation += 1
        generation = self._generation

        def shown(result: tuple[list[PersonListRow], int]) -> None:
            if generation != self._generation:
                return
            rows, total = result
            self._rows = rows
            self.table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                cells = (
                    _name(row),
                    row.pseudonym,
                    _birth(row),
                    row.commune,
                    ", ".join(reference for _id, reference, _status in row.cases),
                )
                for c, cell in enumerate(cells):
                    self.table.setItem(r, c, QTableWidgetItem(cell))  # plain text, no markup
            count = ngettext("{count} person", "{count} persons", total).format(
                count=f"{total:,}".replace(",", "\u202f")
            )
            if total > len(rows) and not text.strip():
                count += " " + _("(the {shown} latest registered are shown)").format(
                    shown=len(rows)
                )
            elif total > len(rows):
                count += " " + _("(first {shown} shown: refine the search)").format(shown=len(rows))
            self.count.setText(count)
            self.situations.clear()
            self.open_button.setEnabled(False)
            self.access_button.setEnabled(False)
            self.access_button.setVisible(ctx.user.can(Permission.ANSWER_ACCESS_REQUEST))
            self.error.setText("")
            self.loaded.emit()

        def failed(message: str, report: str) -> None:
            if generation == self._generation:
                operations.shown_on(self.error, self.bug, self.loaded.emit)(message, report)

        operations.run(self, lambda: persons.find_persons(ctx, text), shown, failed)

    def _selected(self) -> None:
        self.situations.clear()
        row = self.table.currentRow()
        if not 0 <= row < len(self._rows):
            self.open_button.setEnabled(False)
            self.access_button.setEnabled(False)
            return
        for case_id, reference, status in self._rows[row].cases:
            item = QListWidgetItem(f"{reference} — {CaseStatus(status).label}")
            item.setData(Qt.ItemDataRole.UserRole, case_id)
            self.situations.addItem(item)
        self.situations.setCurrentRow(0)
        self.open_button.setEnabled(self.situations.count() > 0)
        self.access_button.setEnabled(True)

    def open_selected(self) -> None:
        item = self.situations.currentItem()
        if item is not None:
            self.case_activated.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def export_access(self, target: str | None = None) -> None:
        """Write the answer to the selected person's access request (RGPD art. 15)."""
        ctx, row = self.ctx, self.table.currentRow()
        if ctx is None or not 0 <= row < len(self._rows):
            return
        pseudonym = self._rows[row].pseudonym
        path = access_target(self, pseudonym, target)
        if path is None:
            return

        def written(_answer: object) -> None:
            self.error.setText(access_written(path))
            self.loaded.emit()

        failed = operations.shown_on(self.error, self.bug, self.loaded.emit)
        operations.run(self, lambda: rights.write_access(ctx, pseudonym, path), written, failed)


def access_target(parent: QWidget, pseudonym: str, target: str | None) -> Path | None:
    """Where to write the answer to an access request: ``target``, or asked (None: cancelled)."""
    if target is None:
        target, _filter = QFileDialog.getSaveFileName(
            parent,
            _("Right of access"),
            str(Path.home() / f"droit-acces-{pseudonym}.pdf"),
            "PDF (*.pdf)",
        )
    return Path(target) if target else None


def access_written(path: Path) -> str:
    return _(
        "Written to {path}. It holds nominative data in clear: hand it to the person only."
    ).format(path=path.name)
