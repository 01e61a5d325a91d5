"""Deciding an action: what, which partner owns it, by when."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QFormLayout, QLineEdit, QWidget

from casecell.domain.register import clean_line
from casecell.i18n import _
from casecell.services.cases import ActionInput
from casecell.ui.dialogs.base import CheckedDialog


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class ActionDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New action"))
        self.setMinimumWidth(460)
        self.title = QLineEdit()
        self.title.setAccessibleName(_("What is to be done"))
        self.owner = QComboBox()
        self.owner.setAccessibleName(_("Owner"))
        self.due = QDateEdit()
        self.due.setAccessibleName(_("Due"))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("dd/MM/yyyy")
        form = QFormLayout()
        form.addRow(_("&What:"), self.title)
        form.addRow(_("&Owner:"), self.owner)
        form.addRow(_("&Due:"), self.due)
        self._lay_out(form)
        self.title.textChanged.connect(lambda _text: self.validate())

    def load(self, owners: dict[int, str], today: date) -> None:
        for org_id, name in owners.items():
            self.owner.addItem(name, org_id)
        self.due.setDate(qdate(today).addDays(14))
        self.validate()

    def validate(self) -> bool:
        return self._checked(
            lambda: clean_line(self.title.text(), _("What is to be done"), required=True, limit=500)
        )

    def result_action(self) -> ActionInput:
        return ActionInput(
            self.title.text(), int(self.owner.currentData()), None, pydate(self.due.date())
        )
