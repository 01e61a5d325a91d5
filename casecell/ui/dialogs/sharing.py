"""The legal basis for sharing and the person's information and consent."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QFormLayout, QLineEdit, QWidget

from casecell.domain.cases import Sharing
from casecell.domain.nomenclatures import ConsentStatus, LegalBasis
from casecell.i18n import _
from casecell.ui.dialogs.action import pydate, qdate
from casecell.ui.dialogs.base import CheckedDialog


class SharingDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sharing and consent"))
        self.setMinimumWidth(520)
        self.basis = QComboBox()
        self.basis.setAccessibleName(_("Legal basis"))
        for basis in LegalBasis:
            self.basis.addItem(basis.label, basis.value)
        self.consent = QComboBox()
        self.consent.setAccessibleName(_("Consent"))
        for consent in ConsentStatus:
            self.consent.addItem(consent.label, consent.value)
        self.answered = QCheckBox(_("The person answered on:"))
        self.answered_on = QDateEdit()
        self.answered_on.setAccessibleName(_("Date of the answer"))
        self.answered_on.setCalendarPopup(True)
        self.answered_on.setDisplayFormat("dd/MM/yyyy")
        self.by = QLineEdit()
        self.by.setAccessibleName(_("Who informed the person"))
        self.reason = QLineEdit()
        self.reason.setAccessibleName(_("Why consent could not be asked"))
        form = QFormLayout()
        form.addRow(_("Legal &basis:"), self.basis)
        form.addRow(_("C&onsent:"), self.consent)
        form.addRow(self.answered, self.answered_on)
        form.addRow(_("Informed &by:"), self.by)
        form.addRow(_("If not possible, &why:"), self.reason)
        self._lay_out(form)
        for combo in (self.basis, self.consent):
            combo.currentIndexChanged.connect(lambda _i: self.validate())
        for edit in (self.by, self.reason):
            edit.textChanged.connect(lambda _t: self.validate())
        self.answered.toggled.connect(lambda _on: self.validate())
        self.answered_on.dateChanged.connect(lambda _d: self.validate())
        self._today = date.today()

    def load(self, sharing: Sharing, today: date) -> None:
        self._today = today
        self.answered_on.setMaximumDate(qdate(today))
        self.basis.setCurrentIndex(self.basis.findData(sharing.basis.value))
        self.consent.setCurrentIndex(self.consent.findData(sharing.consent.value))
        self.answered.setChecked(sharing.consent_on is not None)
        self.answered_on.setDate(qdate(sharing.consent_on or today))
        self.by.setText(sharing.consent_by)
        self.reason.setText(sharing.not_possible_reason)
        self.validate()

    def result_sharing(self) -> Sharing:
        return Sharing(
            basis=LegalBasis(self.basis.currentData()),
            consent=ConsentStatus(self.consent.currentData()),
            consent_on=pydate(self.answered_on.date()) if self.answered.isChecked() else None,
            consent_by=self.by.text(),
            not_possible_reason=self.reason.text(),
        )

    def validate(self) -> bool:
        return self._checked(lambda: self.result_sharing().check())
