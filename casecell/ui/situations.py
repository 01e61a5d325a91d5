"""The situations page: search, filters, counts and the lazy list."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casecell.domain.nomenclatures import CaseStatus, ProblemArea, Urgency
from casecell.domain.register import Organisation
from casecell.i18n import _, ngettext
from casecell.services import cases, partners
from casecell.services.cases import CaseFilter, CaseListRow
from casecell.services.context import Context
from casecell.ui import operations
from casecell.ui.models.cases import CaseTableModel
from casecell.ui.pages import plain_label

SEARCH_DELAY_MS = 50
FIRST_PAGE = 50  # typing pauses; results of an older query are dropped


class SituationsPage(QWidget):
    """Shows what :func:`services.cases.case_ids` finds; rows come from the lazy model."""

    refreshed = Signal()
    first_page = Signal()  # after signing in: the first screenful, before the whole list
    leads_loaded = Signal()
    bug = Signal(str)  # a technical report for the window's bug dialog
    case_activated = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.ctx: Context | None = None
        self._sort = "next_review"
        self._generation = 0
        self._leads_pending = False
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search: name, reference, pseudonym, partner, notes…"))
        self.search.setAccessibleName(_("Search situations"))
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setAccessibleName(_("Status"))
        self.status.addItem(_("All statuses"), None)
        for status in CaseStatus:
            self.status.addItem(status.label, status.value)
        self.area = QComboBox()
        self.area.setAccessibleName(_("Problem area"))
        self.area.addItem(_("All problem areas"), None)
        for area in ProblemArea:
            self.area.addItem(area.label, area.value)
        self.lead = QComboBox()
        self.lead.setAccessibleName(_("Lead partner"))
        self.lead.addItem(_("All lead partners"), None)
        self.urgency = QComboBox()
        self.urgency.setAccessibleName(_("Urgency"))
        self.urgency.addItem(_("All urgencies"), None)
        for urgency in Urgency:
            self.urgency.addItem(urgency.label, urgency.value)
        self.due = QCheckBox(_("Review &due"))
        self.due.setToolTip(_("Situations whose next review date has come"))
        self.late = QCheckBox(_("With &late actions"))
        self.count = plain_label(wrap=False)
        self.count.setAccessibleName(_("Number of situations"))
        self.error = plain_label()

        self.model = CaseTableModel(self._rows, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Situations"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((90, 190, 100, 95, 100, 135)):
            header.resizeSection(column, width)
        header.sectionClicked.connect(self._sort_by)
        self.table.activated.connect(
            lambda index: self.case_activated.emit(self.model.case_id(index.row()))
        )

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        for combo in (self.status, self.area, self.lead, self.urgency):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for box in (self.due, self.late):
            box.toggled.connect(lambda _on: self.refresh())

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.area, 1)
        more = QHBoxLayout()
        more.addWidget(self.lead, 2)
        more.addWidget(self.urgency, 1)
        more.addWidget(self.due)
        more.addWidget(self.late)
        more.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(more)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)

    @property
    def filter_widgets(self) -> tuple[QComboBox | QCheckBox, ...]:
        """The filters, in the order the window parks and restores them."""
        return (self.status, self.area, self.lead, self.urgency, self.due, self.late)

    def load(self, ctx: Context) -> None:
        """The list first; the lead partners' names for the filter once it is shown."""
        self.ctx = ctx
        self.model.today = ctx.today()
        self._leads_pending = True
        self.refresh()

    def _load_leads(self, ctx: Context) -> None:
        self._leads_pending = False

        def leads(organisations: list[Organisation]) -> None:
            if self.ctx is not ctx:
                return
            self.lead.blockSignals(True)
            chosen = self.lead.currentData()
            while self.lead.count() > 1:
                self.lead.removeItem(1)
            for organisation in organisations:
                self.lead.addItem(organisation.name, organisation.id)
            self.lead.setCurrentIndex(max(0, self.lead.findData(chosen)))
            self.lead.blockSignals(False)
            self.leads_loaded.emit()

        failed = operations.shown_on(self.error, self.bug)
        operations.run(self, lambda: partners.list_organisations(ctx), leads, failed)

    def clear(self) -> None:
        self.ctx = None
        self.model.set_ids([])
        self.search.clear()

    def current_filter(self) -> CaseFilter:
        assert self.ctx is not None
        today = self.ctx.today()
        return CaseFilter(
            status=self.status.currentData(),
            problem_area=self.area.currentData(),
            lead_org_id=self.lead.currentData(),
            urgency=self.urgency.currentData(),
            review_due_by=today if self.due.isChecked() else None,
            late_actions_on=today if self.late.isChecked() else None,
        )

    def refresh(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        filters, sort, query = self.current_filter(), self._sort, self.search.text()
        self._generation += 1
        generation = self._generation

        def shown(ids: list[int]) -> None:
            if generation != self._generation:
                return  # a newer query is under way: its result will come
            self.model.set_ids(ids)
            self.count.setText(
                ngettext("{count} situation", "{count} situations", len(ids)).format(
                    count=f"{len(ids):,}".replace(",", "\u202f")
                )
            )
            self.error.setText("")
            self.refreshed.emit()
            if self._leads_pending:
                self._load_leads(ctx)

        def failed(message: str, report: str) -> None:
            if generation != self._generation:
                return
            self.error.setText(f"⚠ {message}")
            if report:
                self.bug.emit(report)
            self.refreshed.emit()

        def whole() -> None:
            operations.run(self, lambda: cases.case_ids(ctx, filters, sort, query), shown, failed)

        if self.model.rowCount() or query.strip():
            whole()
            return

        # Signing in: a screenful first (a few ms from the index), then the whole list.
        def first(ids: list[int]) -> None:
            if generation == self._generation:
                self.model.set_ids(ids)
                self.count.setText("…")
                self.first_page.emit()
                whole()

        operations.run(
            self, lambda: cases.case_ids(ctx, filters, sort, query, FIRST_PAGE), first, failed
        )

    def _rows(self, ids: list[int]) -> list[CaseListRow]:
        assert self.ctx is not None
        return cases.case_rows(self.ctx, ids)

    def _sort_by(self, column: int) -> None:
        sort = CaseTableModel.SORTABLE.get(column)
        if sort is not None and sort != self._sort:
            self._sort = sort
            self.table.horizontalHeader().setSortIndicator(column, Qt.SortOrder.AscendingOrder)
            self.refresh()
