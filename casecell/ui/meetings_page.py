"""The meetings page: a month calendar (meeting days in bold, with their titles as tooltips)
beside the list of the month's or the week's meetings; plan one or a series."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from casecell.domain.meetings import Meeting, holidays_between
from casecell.domain.users import Permission
from casecell.i18n import _, ngettext
from casecell.services import meetings, partners, settings
from casecell.services.context import Context
from casecell.services.meetings import PlanningContext, SeriesResult
from casecell.ui import operations
from casecell.ui.dialogs.meeting import MeetingDialog
from casecell.ui.pages import LazyPage, plain_label


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class MeetingsPage(LazyPage):
    loaded = Signal()
    bug = Signal(str)
    meeting_activated = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.bus: operations.ChangeBus | None = None  # the window's, once in it
        self._meetings: list[Meeting] = []
        self._marked: list[QDate] = []
        self.calendar = QCalendarWidget()
        self.calendar.setAccessibleName(_("Calendar of meetings"))
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.ISOWeekNumbers)
        self.calendar.currentPageChanged.connect(lambda _y, _m: self.refresh())
        self.calendar.selectionChanged.connect(self._day_chosen)
        self.span = QComboBox()
        self.span.setAccessibleName(_("Show"))
        self.span.addItem(_("The month"), "month")
        self.span.addItem(_("The week of the chosen day"), "week")
        self.span.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table = QTableWidget(0, 6)
        self.table.setAccessibleName(_("Meetings"))
        self.table.setHorizontalHeaderLabels(
            [_("Date"), _("Kind"), _("Status"), _("Title"), _("Place"), _("Items")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        for column, width in enumerate((120, 125, 65, 200, 180)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.table.activated.connect(lambda index: self._open(index.row()))
        self.count = plain_label(wrap=False)
        self.notice = plain_label()
        self.notice.setAccessibleName(_("Result"))
        self.plan_button = QPushButton(_("&Plan a meeting…"))
        self.plan_button.clicked.connect(lambda: self.plan())
        self.open_button = QPushButton(_("&Open"))
        self.open_button.clicked.connect(lambda: self._open(self.table.currentRow()))
        self.error = plain_label()

        left = QVBoxLayout()
        left.addWidget(self.calendar)
        left.addWidget(self.span)
        left.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.plan_button)
        right = QVBoxLayout()
        right.addLayout(buttons)
        right.addWidget(self.notice)
        right.addWidget(self.table, 1)
        right.addWidget(self.error)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(right, 1)

    def prepare(self, ctx: Context) -> None:
        self.plan_button.setVisible(ctx.user.can(Permission.PLAN_MEETINGS))
        today = ctx.today()
        self.calendar.blockSignals(True)
        self.calendar.setSelectedDate(QDate(today.year, today.month, today.day))
        self.calendar.blockSignals(False)

    def clear(self) -> None:
        self.ctx = None
        self._meetings = []
        self.table.setRowCount(0)
        self._mark([])

    def span_dates(self) -> tuple[date, date]:
        if self.span.currentData() == "week":
            day = _pydate(self.calendar.selectedDate())
            start = day - timedelta(days=day.weekday())
            return start, start + timedelta(days=6)
        first = date(self.calendar.yearShown(), self.calendar.monthShown(), 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return first, last

    def refresh(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        self._stale = False
        start, end = self.span_dates()
        first = date(self.calendar.yearShown(), self.calendar.monthShown(), 1) - timedelta(days=7)
        month_end = first + timedelta(days=50)
        window = (min(start, first), max(end, month_end))

        def read() -> tuple[list[Meeting], dict[date, str]]:
            region = settings.holiday_region(ctx)
            return meetings.list_meetings(ctx, *window), holidays_between(*window, region)

        def shown(result: tuple[list[Meeting], dict[date, str]]) -> None:
            if self.ctx is not ctx:
                return
            found, holidays = result
            self._mark(found, holidays)
            self._meetings = [m for m in found if start <= m.local_start.date() <= end]
            self.table.setRowCount(len(self._meetings))
            for row, meeting in enumerate(self._meetings):
                cells = (
                    f"{meeting.local_start:%d/%m/%Y %H:%M}",
                    meeting.kind.label,
                    meeting.status.label,
                    meeting.heading,
                    meeting.place or meeting.video_link,
                    str(len(meeting.items)),
                )
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setToolTip(text)  # a cut cell can be read whole
                    self.table.setItem(row, column, item)
            self.count.setText(
                ngettext("{n} meeting", "{n} meetings", len(self._meetings)).format(
                    n=len(self._meetings)
                )
            )
            self.error.setText("")
            self.loaded.emit()

        failed = operations.shown_on(self.error, self.bug, self.loaded.emit)
        operations.run(self, read, shown, failed)

    def _mark(self, found: list[Meeting], holidays: dict[date, str] | None = None) -> None:
        """Meeting days in bold and underlined (not by colour alone), titles as tooltips;
        public holidays in italics with their names."""
        for marked in self._marked:
            self.calendar.setDateTextFormat(marked, QTextCharFormat())
        self._marked = []
        by_day: dict[date, list[str]] = {}
        for meeting in found:
            by_day.setdefault(meeting.local_start.date(), []).append(
                f"{meeting.local_start:%H:%M} {meeting.heading} ({meeting.status.label})"
            )
        first = date(self.calendar.yearShown(), self.calendar.monthShown(), 1)
        for offset in range(-7, 45):
            day = first + timedelta(days=offset)
            holiday = (holidays or {}).get(day)
            if day not in by_day and not holiday:
                continue
            text = QTextCharFormat()
            tips = list(by_day.get(day, []))
            if day in by_day:
                text.setFontWeight(QFont.Weight.Bold)
                text.setFontUnderline(True)
            if holiday:
                text.setFontItalic(True)
                tips.append(_("public holiday: {name}").format(name=holiday))
            text.setToolTip("\n".join(tips))
            qday = QDate(day.year, day.month, day.day)
            self.calendar.setDateTextFormat(qday, text)
            self._marked.append(qday)

    def _day_chosen(self) -> None:
        if self.span.currentData() == "week":
            self.refresh()
            return
        day = _pydate(self.calendar.selectedDate())
        for row, meeting in enumerate(self._meetings):
            if meeting.local_start.date() == day:
                self.table.selectRow(row)
                return

    def _open(self, row: int) -> None:
        if 0 <= row < len(self._meetings):
            self.meeting_activated.emit(self._meetings[row].id)

    def plan(self, dialog: MeetingDialog | None = None) -> None:
        ctx = self.ctx
        if ctx is None or not ctx.user.can(Permission.PLAN_MEETINGS):
            return
        failed = operations.shown_on(self.error, self.bug, self.loaded.emit)
        operations.run(
            self,
            lambda: (partners.contact_choices(ctx), meetings.planning_context(ctx)),
            lambda found: self._plan_with(ctx, found[0], found[1], dialog),
            failed,
        )

    def _plan_with(
        self,
        ctx: Context,
        contacts: dict[int, str],
        planning: PlanningContext,
        dialog: MeetingDialog | None,
    ) -> None:
        form = dialog or MeetingDialog(self)
        day = _pydate(self.calendar.selectedDate())
        start = datetime(day.year, day.month, day.day, 14, 0)
        form.load(start, contacts=contacts, planning=planning)
        if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
            return
        data, rule = form.result_meeting(), form.rule()
        count, skip = form.count.value(), form.skip_holidays.isChecked()
        work: Callable[[], object]
        if rule is None:
            work = lambda: meetings.plan_meeting(ctx, data)  # noqa: E731
        else:
            work = lambda: meetings.plan_series(ctx, data, rule, count, skip_holidays=skip)  # noqa: E731

        def planned(result: object) -> None:
            if isinstance(result, SeriesResult):
                skipped = ", ".join(f"{d:%d/%m/%Y} ({name})" for d, name in result.skipped)
                message = ngettext(
                    "{n} meeting planned.", "{n} meetings planned.", len(result.meetings)
                ).format(n=len(result.meetings))
                if skipped:
                    message += " " + _("Public holidays left out: {days}.").format(days=skipped)
                self.notice.setText(message)
            else:
                self.notice.setText(_("Meeting {id} planned.").format(id=getattr(result, "id", "")))
            self.refresh()

        failed = operations.shown_on(self.error, self.bug, self.loaded.emit)
        operations.run(
            self, work, planned, failed, [self], changes=operations.Change.MEETINGS, bus=self.bus
        )
