"""Planning a meeting, once or as a series (2nd Tuesday of each month at 14:00…).

Checked as the user types with the domain's rules; the recurrence is described in words and
its first dates shown, public holidays (the cell's region's too) marked. Before OK, it warns
of a date in the past, a public holiday and a place already taken (told, not refused).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from casecell.domain.meetings import (
    Meeting,
    MeetingKind,
    check_meeting,
    describe_rule,
    monthly_rule,
    occurrences,
    public_holiday,
    to_utc,
    warnings_for_plan,
    weekly_rule,
)
from casecell.domain.register import clean_line
from casecell.i18n import _
from casecell.services.meetings import MeetingInput, PlanningContext
from casecell.ui.dialogs.base import CheckedDialog
from casecell.ui.pages import plain_label

REPEATS = ("once", "monthly", "weekly", "fortnightly")


def _local(edit: QDateTimeEdit) -> datetime:
    value = edit.dateTime()
    day, time = value.date(), value.time()
    return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())


class MeetingDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Plan a meeting"))
        self.setMinimumWidth(520)
        self.start = QDateTimeEdit()
        self.start.setAccessibleName(_("Start (Paris time)"))
        self.start.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.start.setCalendarPopup(True)
        self.duration = QSpinBox()
        self.duration.setAccessibleName(_("Duration in minutes"))
        self.duration.setRange(15, 600)
        self.duration.setSingleStep(15)
        self.duration.setValue(120)
        self.duration.setSuffix(" min")
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Kind of meeting"))
        for kind in (MeetingKind.PLENARY, MeetingKind.RESTRICTED):
            self.kind.addItem(kind.label, kind.value)
        self.title = QLineEdit()
        self.title.setAccessibleName(_("Title"))
        self.place = QLineEdit()
        self.place.setAccessibleName(_("Place"))
        self.video = QLineEdit()
        self.video.setAccessibleName(_("Video link"))
        self.video.setPlaceholderText("https://…")
        self.chair = QComboBox()
        self.chair.setAccessibleName(_("Chair"))
        self.secretary = QComboBox()
        self.secretary.setAccessibleName(_("Secretary"))
        self.repeat = QComboBox()
        self.repeat.setAccessibleName(_("Repeat"))
        for code, label in zip(
            REPEATS,
            (_("once"), _("every month, same weekday"), _("every week"), _("every two weeks")),
            strict=True,
        ):
            self.repeat.addItem(label, code)
        self.count = QSpinBox()
        self.count.setAccessibleName(_("Number of meetings"))
        self.count.setRange(1, 120)
        self.count.setValue(12)
        self.skip_holidays = QCheckBox(_("Leave out public holidays"))
        self.skip_holidays.setChecked(True)
        self.preview = plain_label()
        self.preview.setAccessibleName(_("Dates planned"))
        self.warnings = plain_label()
        self.warnings.setAccessibleName(_("Warnings"))
        self._planning: PlanningContext | None = None
        self._editing: int | None = None  # the meeting being changed (it does not clash)

        form = QFormLayout()
        form.addRow(_("&Start:"), self.start)
        form.addRow(_("&Duration:"), self.duration)
        form.addRow(_("&Kind:"), self.kind)
        form.addRow(_("&Title:"), self.title)
        form.addRow(_("&Place:"), self.place)
        form.addRow(_("&Video link:"), self.video)
        form.addRow(_("C&hair:"), self.chair)
        form.addRow(_("Secretar&y:"), self.secretary)
        form.addRow(_("&Repeat:"), self.repeat)
        form.addRow(_("&Number:"), self.count)
        form.addRow("", self.skip_holidays)
        form.addRow("", self.preview)
        form.addRow("", self.warnings)
        self._lay_out(form)
        for edit in (self.title, self.place, self.video):
            edit.textChanged.connect(lambda _text: self.validate())
        self.start.dateTimeChanged.connect(lambda _value: self.validate())
        for spin in (self.duration, self.count):
            spin.valueChanged.connect(lambda _value: self.validate())
        self.repeat.currentIndexChanged.connect(lambda _i: self.validate())
        self.skip_holidays.toggled.connect(lambda _on: self.validate())

    def load(
        self,
        start: datetime,
        meeting: Meeting | None = None,
        contacts: dict[int, str] | None = None,
        emergency: bool = False,
        planning: PlanningContext | None = None,
    ) -> None:
        """A new meeting from ``start``, or ``meeting`` to change (no recurrence then);
        ``contacts`` (id → “Name (Organisation)”) to choose the chair and the secretary from.
        An ``emergency`` meeting is restricted to one situation and never repeats.
        ``planning`` (the other meetings, the holiday region, the time) gives the warnings."""
        self._planning = planning
        self._editing = meeting.id if meeting is not None else None
        for combo in (self.chair, self.secretary):
            combo.addItem(_("(nobody yet)"), None)
            for contact_id, label in (contacts or {}).items():
                combo.addItem(label, contact_id)
        if emergency:
            self.setWindowTitle(_("Plan an emergency meeting"))
            self.kind.clear()
            self.kind.addItem(MeetingKind.EMERGENCY.label, MeetingKind.EMERGENCY.value)
            self.duration.setValue(60)
            for widget in (self.repeat, self.count, self.skip_holidays):
                widget.setEnabled(False)
        if meeting is not None:
            self.setWindowTitle(_("Change the meeting"))
            start = meeting.local_start
            self.duration.setValue(meeting.duration_minutes)
            if self.kind.findData(meeting.kind.value) < 0:
                self.kind.addItem(meeting.kind.label, meeting.kind.value)
            self.kind.setCurrentIndex(max(0, self.kind.findData(meeting.kind.value)))
            self.title.setText(meeting.title)
            self.place.setText(meeting.place)
            self.video.setText(meeting.video_link)
            self.chair.setCurrentIndex(max(0, self.chair.findData(meeting.chair_contact_id)))
            self.secretary.setCurrentIndex(
                max(0, self.secretary.findData(meeting.secretary_contact_id))
            )
            for widget in (self.repeat, self.count, self.skip_holidays):
                widget.setEnabled(False)
        self.start.setDateTime(
            QDateTime(QDate(start.year, start.month, start.day), QTime(start.hour, start.minute))
        )
        self.validate()

    def rule(self) -> str | None:
        code = self.repeat.currentData()
        if code == "monthly":
            start = _local(self.start)
            return monthly_rule(start.weekday(), min(4, (start.day - 1) // 7 + 1))
        if code in ("weekly", "fortnightly"):
            return weekly_rule(1 if code == "weekly" else 2)
        return None

    def validate(self) -> bool:
        self.count.setEnabled(self.repeat.currentData() != "once" and self.repeat.isEnabled())
        return self._checked(self._check)

    def _check(self) -> None:
        self.warnings.setText("")
        start = _local(self.start)
        to_utc(start)
        place = clean_line(self.place.text(), _("The place"), limit=500)
        check_meeting(self.duration.value(), place, self.video.text())
        region = self._planning.region if self._planning else ""
        rule = self.rule()
        if rule is None:
            self.preview.setText("")
            self._warn([start], place, region)
            return
        dates = occurrences(rule, start.strftime("%Y-%m-%dT%H:%M"), count=self.count.value())
        shown = []
        for day in dates[:6]:
            holiday = public_holiday(day.date(), region)
            mark = f" — {_('public holiday')} ({holiday})" if holiday else ""
            shown.append(f"{day:%d/%m/%Y %H:%M}{mark}")
        more = _("… and {n} more").format(n=len(dates) - 6) if len(dates) > 6 else ""
        self.preview.setText("\n".join([describe_rule(rule) + " :", *shown, more]).strip())
        # The holidays are marked above (and left out if so chosen): the rest is warned of.
        self._warn([d for d in dates if not public_holiday(d.date(), region)], place, region)

    def _warn(self, starts: list[datetime], place: str, region: str) -> None:
        """Show what a coordinator should know before planning at ``starts`` (Paris)."""
        if self._planning is None:  # no other meetings known: the holiday at least
            found = [public_holiday(s.date(), region) for s in starts]
            warnings = [
                _("{day} is a public holiday ({name}).").format(
                    day=s.strftime("%d/%m/%Y"), name=name
                )
                for s, name in zip(starts, found, strict=True)
                if name
            ]
        else:
            others = [b for b in self._planning.busy if b.meeting_id != self._editing]
            warnings = warnings_for_plan(
                [to_utc(s) for s in starts],
                self.duration.value(),
                place,
                others,
                self._planning.now,
                region,
            )
        self.warnings.setText("\n".join(f"⚠ {w}" for w in warnings))

    def result_meeting(self) -> MeetingInput:
        return MeetingInput(
            _local(self.start).strftime("%Y-%m-%dT%H:%M"),
            self.duration.value(),
            self.place.text(),
            MeetingKind(self.kind.currentData()),
            self.title.text(),
            self.video.text(),
            self.chair.currentData(),
            self.secretary.currentData(),
        )
