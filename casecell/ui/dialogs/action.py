"""Deciding an action: what, which partner owns it, by when."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QFormLayout, QLineEdit, QWidget

from casecell.domain.cases import Action
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
        self._contact: int | None = None
        self._contact_org: int | None = None

    def load(self, owners: dict[int, str], today: date) -> None:
        for org_id, name in owners.items():
            self.owner.addItem(name, org_id)
        self.due.setDate(qdate(today).addDays(14))
        self.validate()

    def show_action(self, action: Action) -> None:
        """Fill the form with an existing action, to correct it."""
        self.setWindowTitle(_("Change the action"))
        self.title.setText(action.title)
        self.owner.setCurrentIndex(max(0, self.owner.findData(action.owner_org_id)))
        if action.due_on is not None:
            self.due.setDate(qdate(action.due_on))
        self._contact, self._contact_org = action.owner_contact_id, action.owner_org_id
        self.validate()

    def validate(self) -> bool:
        return self._checked(
            lambda: clean_line(self.title.text(), _("What is to be done"), required=True, limit=500)
        )

    def result_action(self) -> ActionInput:
        owner = int(self.owner.currentData())
        contact = self._contact if owner == self._contact_org else None  # kept if same partner
        return ActionInput(self.title.text(), owner, contact, pydate(self.due.date()))
