"""Sharing a situation with one more organisation: which one, and why (the reason goes on the
situation's history as typed)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from casecell.domain.register import clean_line
from casecell.domain.text import fold
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.ui.dialogs.base import CheckedDialog


class ParticipantDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Add an organisation to the situation"))
        self.setMinimumWidth(520)
        self.organisation = QComboBox()
        self.organisation.setAccessibleName(_("Organisation"))
        self.reason = QLineEdit()
        self.reason.setAccessibleName(_("Why it takes part"))
        self.reason.setMaxLength(500)
        form = QFormLayout()
        form.addRow(_("&Organisation:"), self.organisation)
        form.addRow(_("&Why:"), self.reason)
        self._lay_out(form)
        self.organisation.currentIndexChanged.connect(lambda _i: self.validate())
        self.reason.textChanged.connect(lambda _t: self.validate())

    def load(self, organisations: dict[int, str], taking_part: set[int]) -> None:
        """Offer the organisations that do not take part yet, by name."""
        self.organisation.clear()
        for org_id, name in sorted(organisations.items(), key=lambda o: fold(o[1])):
            if org_id not in taking_part:
                self.organisation.addItem(name, org_id)
        self.reason.clear()
        self.validate()

    def result_participant(self) -> tuple[int, str]:
        org_id = self.organisation.currentData()
        if org_id is None:
            raise ValidationError(_("Choose an organisation."))
        return int(org_id), clean_line(
            self.reason.text(), _("The reason"), required=True, limit=500
        )

    def validate(self) -> bool:
        return self._checked(self.result_participant)
