"""Carrying an undone action over to the next meeting: why, and the new due date."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from casecell.domain.nomenclatures import CarryOverReason
from casecell.i18n import _
from casecell.ui.dialogs.action import pydate, qdate
from casecell.ui.pages import plain_label


class CarryOverDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Carry the action over"))
        self.question = plain_label()
        self.reason = QComboBox()
        self.reason.setAccessibleName(_("Why it was not done"))
        for reason in CarryOverReason:
            self.reason.addItem(reason.label, reason.value)
        self.due = QDateEdit()
        self.due.setAccessibleName(_("New due date"))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("dd/MM/yyyy")
        form = QFormLayout()
        form.addRow(_("&Why not done:"), self.reason)
        form.addRow(_("New &due date:"), self.due)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def load(self, title: str, today: date) -> None:
        self.question.setText(_("Carry over “{title}”?").format(title=title))
        self.due.setDate(qdate(today).addDays(14))

    def result_reason(self) -> tuple[CarryOverReason, date]:
        return CarryOverReason(self.reason.currentData()), pydate(self.due.date())
