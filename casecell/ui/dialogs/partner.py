"""An organisation of the partner directory, or one of its contacts."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QFormLayout, QLineEdit, QWidget

from casecell.domain.nomenclatures import OrganisationKind
from casecell.domain.register import Contact, Organisation
from casecell.i18n import _
from casecell.services.partners import (
    ContactInput,
    OrganisationInput,
    contact_fields,
    organisation_fields,
)
from casecell.ui.dialogs.action import pydate, qdate
from casecell.ui.dialogs.base import CheckedDialog


class OrganisationDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Partner organisation"))
        self.setMinimumWidth(520)
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Name"))
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Type"))
        for kind in OrganisationKind:
            self.kind.addItem(kind.label, kind.value)
        self.commune = QLineEdit()
        self.commune.setAccessibleName(_("Commune (INSEE code)"))
        self.address = QLineEdit()
        self.address.setAccessibleName(_("Address"))
        self.email = QLineEdit()
        self.email.setAccessibleName(_("E-mail"))
        self.phone = QLineEdit()
        self.phone.setAccessibleName(_("Phone"))
        self.charter = QCheckBox(_("Charter signed on:"))
        self.charter_on = QDateEdit()
        self.charter_on.setAccessibleName(_("Charter signed on"))
        self.charter_on.setCalendarPopup(True)
        self.charter_on.setDisplayFormat("dd/MM/yyyy")
        form = QFormLayout()
        form.addRow(_("&Name:"), self.name)
        form.addRow(_("&Type:"), self.kind)
        form.addRow(_("&Commune (INSEE):"), self.commune)
        form.addRow(_("&Address:"), self.address)
        form.addRow(_("&E-mail:"), self.email)
        form.addRow(_("&Phone:"), self.phone)
        form.addRow(self.charter, self.charter_on)
        self._lay_out(form)
        for edit in (self.name, self.commune, self.address, self.email, self.phone):
            edit.textChanged.connect(lambda _t: self.validate())
        self.charter.toggled.connect(lambda _on: self.validate())
        self.charter_on.dateChanged.connect(lambda _d: self.validate())
        self._today = date.today()

    def load(self, organisation: Organisation | None, today: date) -> None:
        self._today = today
        self.charter_on.setMaximumDate(qdate(today))
        self.charter_on.setDate(qdate(today))
        if organisation is not None:
            self.name.setText(organisation.name)
            self.kind.setCurrentIndex(self.kind.findData(organisation.kind.value))
            self.commune.setText(organisation.commune)
            self.address.setText(organisation.address)
            self.email.setText(organisation.email)
            self.phone.setText(organisation.phone)
            self.charter.setChecked(organisation.charter_signed_on is not None)
            if organisation.charter_signed_on is not None:
                self.charter_on.setDate(qdate(organisation.charter_signed_on))
        self.validate()

    def result_organisation(self) -> OrganisationInput:
        return OrganisationInput(
            name=self.name.text(),
            kind=OrganisationKind(self.kind.currentData()),
            commune=self.commune.text(),
            address=self.address.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            charter_signed_on=pydate(self.charter_on.date()) if self.charter.isChecked() else None,
        )

    def validate(self) -> bool:
        return self._checked(lambda: organisation_fields(self.result_organisation(), self._today))


class ContactDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Contact"))
        self.setMinimumWidth(480)
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Name"))
        self.function = QLineEdit()
        self.function.setAccessibleName(_("Function"))
        self.email = QLineEdit()
        self.email.setAccessibleName(_("E-mail"))
        self.phone = QLineEdit()
        self.phone.setAccessibleName(_("Phone"))
        self.secrecy = QCheckBox(_("Bound by professional secrecy"))
        self.secrecy.setChecked(True)
        form = QFormLayout()
        form.addRow(_("&Name:"), self.name)
        form.addRow(_("&Function:"), self.function)
        form.addRow(_("&E-mail:"), self.email)
        form.addRow(_("&Phone:"), self.phone)
        form.addRow("", self.secrecy)
        self._lay_out(form)
        for edit in (self.name, self.function, self.email, self.phone):
            edit.textChanged.connect(lambda _t: self.validate())
        self._organisation_id = 0

    def load(self, organisation_id: int, contact: Contact | None) -> None:
        self._organisation_id = organisation_id
        if contact is not None:
            self.name.setText(contact.name)
            self.function.setText(contact.function)
            self.email.setText(contact.email)
            self.phone.setText(contact.phone)
            self.secrecy.setChecked(contact.bound_by_secrecy)
        self.validate()

    def result_contact(self) -> ContactInput:
        return ContactInput(
            self._organisation_id,
            self.name.text(),
            self.function.text(),
            self.email.text(),
            self.phone.text(),
            self.secrecy.isChecked(),
        )

    def validate(self) -> bool:
        return self._checked(lambda: contact_fields(self.result_contact()))
