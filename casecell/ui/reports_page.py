"""The dashboard: key indicators for a chosen period, compared with the period before, with
the report's charts; the PDF and the CSV saved from here. Aggregates only (managers too)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from casecell.errors import KnownError
from casecell.i18n import _
from casecell.services import reports
from casecell.services.reports import Report
from casecell.ui import operations
from casecell.ui.pages import LazyPage, data_table, fill_table, plain_label
from casecell.ui.pdf_pages import page_images

CHART_DPI = 80  # drawn a little larger, then scaled to the width beside the table


class ChartLabel(QLabel):
    """A chart scaled to the width it is given (keeping its proportions), never cut nor
    scrolled sideways: its labels stay whole at 1024 pixels wide as at 1280."""

    def __init__(self, pixmap: QPixmap, ratio: float) -> None:
        super().__init__()
        self._source = pixmap
        self._ratio = ratio
        pixmap.setDevicePixelRatio(ratio)  # at its own size until it is laid out
        self.setPixmap(pixmap)
        self.setMinimumWidth(160)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        source = self._source
        return max(1, round(width * source.height() / max(1, source.width())))

    def sizeHint(self) -> QSize:
        width = round(self._source.width() / self._ratio)
        return QSize(width, self.heightForWidth(width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = max(1, round(self.width() * self._ratio))
        scaled = self._source.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        scaled.setDevicePixelRatio(self._ratio)
        self.setPixmap(scaled)


def presets(today: date) -> dict[str, tuple[date, date]]:
    """The periods managers are asked for most, ending no later than ``today``."""
    last_year = today.year - 1
    month_start = today.replace(day=1)
    previous_month_end = month_start - timedelta(days=1)
    year_ago = date(today.year - 1, today.month, 1)
    return {
        "last_year": (date(last_year, 1, 1), date(last_year, 12, 31)),
        "this_year": (date(today.year, 1, 1), today),
        "last_12_months": (year_ago, previous_month_end),
        "last_month": (previous_month_end.replace(day=1), previous_month_end),
    }


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class ReportsPage(LazyPage):
    loaded = Signal()
    bug = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.report: Report | None = None
        self._images: list[list[Any]] = [[], []]  # charts: real counts, masked counts
        self.preset = QComboBox()
        self.preset.setAccessibleName(_("Period"))
        for key, text in (
            ("last_year", _("Last calendar year")),
            ("this_year", _("This year so far")),
            ("last_12_months", _("Last 12 whole months")),
            ("last_month", _("Last month")),
            ("custom", _("Dates of my choice")),
        ):
            self.preset.addItem(text, key)
        self.preset.activated.connect(lambda _i: self._preset_chosen())
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit, name in ((self.start, _("From")), (self.end, _("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setAccessibleName(name)
            edit.dateChanged.connect(lambda _d: self._custom())
        self.commune = QLineEdit()
        self.commune.setAccessibleName(_("Commune (INSEE code)"))
        self.commune.setPlaceholderText(_("all communes"))
        self.commune.setMaxLength(5)
        self.commune.returnPressed.connect(lambda: self.refresh())
        self.external = QCheckBox(
            _("Version meant to leave the cell (counts below 3 masked, no typed text)")
        )
        self.external.toggled.connect(lambda _on: self._show_report())
        self.compute = QPushButton(_("&Compute"))
        self.compute.clicked.connect(lambda: self.refresh())
        self.save_pdf = QPushButton(_("Save the &PDF…"))
        self.save_pdf.clicked.connect(lambda: self.save("pdf"))
        self.save_csv = QPushButton(_("Save the C&SV…"))
        self.save_csv.clicked.connect(lambda: self.save("csv"))
        self.summary = plain_label()
        self.summary.setAccessibleName(_("Scope of the figures"))
        self.error = plain_label()
        self.error.setAccessibleName(_("What went wrong"))
        self.table = data_table(
            [_("Indicator"), _("Period"), _("A year earlier"), _("Change")],
            _("Key figures"),
            (290, 70, 100),
        )
        self.charts = QWidget()
        self.charts_layout = QVBoxLayout(self.charts)
        self.chart_labels: list[QLabel] = []
        scroll = QScrollArea()
        scroll.setWidget(self.charts)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setAccessibleName(_("Charts"))

        form = QFormLayout()
        form.addRow(_("&Period:"), self.preset)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel("→"))
        dates.addWidget(self.end)
        dates.addStretch(1)
        dates_label = QLabel(_("&Dates:"))
        dates_label.setBuddy(self.start)
        form.addRow(dates_label, dates)
        form.addRow(_("Co&mmune:"), self.commune)
        form.addRow("", self.external)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compute)
        buttons.addStretch(1)
        buttons.addWidget(self.save_pdf)
        buttons.addWidget(self.save_csv)
        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addWidget(scroll, 2)
        layout = QVBoxLayout(self)
        title = QLabel(_("Activity reports"))
        title.setObjectName("page-title")
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        self._set_period("last_year")

    # -- the period --------------------------------------------------------------------------
    def _set_period(self, key: str) -> None:
        today = self.ctx.today() if self.ctx is not None else date.today()
        start, end = presets(today)[key]
        for edit, day in ((self.start, start), (self.end, end)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self.preset.setCurrentIndex(self.preset.findData(key))

    def _preset_chosen(self) -> None:
        key = self.preset.currentData()
        if key != "custom":
            self._set_period(key)
            self.refresh()

    def _custom(self) -> None:
        self.preset.setCurrentIndex(self.preset.findData("custom"))

    def period(self) -> tuple[date, date]:
        return _pydate(self.start.date()), _pydate(self.end.date())

    # -- computing and showing ---------------------------------------------------------------
    def refresh(self) -> None:
        self._stale = False
        ctx = self.ctx
        if ctx is None:
            return
        start, end = self.period()
        commune, dpi = self.commune.text().strip(), CHART_DPI * self.devicePixelRatioF()

        def work(progress: operations.Progress) -> tuple[Report, list[list[Any]]]:
            report = reports.build_report(ctx, start, end, commune, progress=progress)
            charts = [page_images(data, dpi) for data in reports.chart_pdfs(report, False)]
            try:
                outside = reports.chart_pdfs(report, True)
            except KnownError:  # a commune too small to leave the cell: said when shown
                outside = []
            masked = [page_images(data, dpi) for data in outside]
            return report, [charts, masked]

        failed = operations.shown_on(self.error, self.bug, self.loaded.emit)
        operations.run_long(self, _("Computing the report"), work, self._computed, failed)

    def _computed(self, result: object) -> None:
        assert isinstance(result, tuple)
        self.report, self._images = result
        self.error.setText("")
        self._show_report()
        self.loaded.emit()

    def _show_report(self) -> None:
        report = self.report
        if report is None:
            return
        external = self.external.isChecked()
        try:
            rows = reports.key_rows(report, external)
        except KnownError as refused:  # the copy that leaves the cell, for too small a filter
            rows = []
            self.error.setText(str(refused))
        else:
            self.error.setText("")
        fill_table(self.table, [list(row) for row in rows])
        self.summary.setText(
            f"{reports.period_text(report.period).capitalize()} — {report.scope} "
            + _("Compared with the same period a year earlier ({period}).").format(
                period=reports.period_text(report.previous)
            )
        )
        for label in self.chart_labels:
            label.deleteLater()
        self.chart_labels = []
        names = (
            _("Referrals received and situations closed, by month"),
            _("Referrals by problem area"),
            _("Actions decided, by owner partner"),
        )
        for number, pages in enumerate(self._images[1 if external else 0] if rows else []):
            label = ChartLabel(QPixmap.fromImage(pages[0]), self.devicePixelRatioF())
            label.setAccessibleName(names[number] if number < len(names) else _("Chart"))
            label.setToolTip(label.accessibleName())
            self.charts_layout.addWidget(label)
            self.chart_labels.append(label)

    def clear(self) -> None:
        self.ctx = None
        self.report = None
        self._images = [[], []]
        self.table.setRowCount(0)
        self.summary.setText("")
        for label in self.chart_labels:
            label.deleteLater()
        self.chart_labels = []

    # -- saving ------------------------------------------------------------------------------
    def save(self, kind: str, target: str | None = None) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        start, end = self.period()
        if target is None:
            name = f"rapport-{start:%Y-%m-%d}-{end:%Y-%m-%d}.{kind}"
            pattern = "PDF (*.pdf)" if kind == "pdf" else "CSV (*.csv)"
            target, _filter = QFileDialog.getSaveFileName(
                self, _("Save the report"), str(Path.home() / name), pattern
            )
            if not target:
                return
        path, external, commune = Path(target), self.external.isChecked(), self.commune.text()

        def work(progress: operations.Progress) -> Report:
            return reports.write_report(
                ctx, start, end,
                path if kind == "pdf" else None, path if kind == "csv" else None,
                external, commune.strip(), progress=progress,
            )  # fmt: skip

        def saved(_report: object) -> None:
            self.error.setText(_("Saved to {path}.").format(path=path.name))
            self.loaded.emit()

        failed = operations.shown_on(self.error, self.bug, self.loaded.emit)
        operations.run_long(self, _("Writing the report"), work, saved, failed)
