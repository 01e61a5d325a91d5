"""The fields of a person, shared by the referral and the relative dialogs: names, birth,
commune, street address, postcode, phone, e-mail and NIR (checked by the domain's rules)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtWidgets import QFormLayout, QLineEdit

from casecell.domain.persons import check_identifiers
from casecell.domain.register import Person, check_person
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services.persons import PersonInput


def _edit(name: str, placeholder: str = "", limit: int = 200) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(limit)
    return edit


class PersonForm:
    """The line edits of a person, added to a form layout in a fixed tab order."""

    def __init__(self) -> None:
        self.first_name = _edit(_("First name"))
        self.last_name = _edit(_("Last name"))
        self.birth = _edit(_("Birth date or year"), _("31/12/1950 or 1950"), 10)
        self.commune = _edit(_("Commune (INSEE code)"), "59650", 5)
        self.address = _edit(_("Street address"), _("12 rue des Tilleuls"))
        self.postcode = _edit(_("Postcode"), "59650", 6)
        self.phone = _edit(_("Phone"), "01 99 00 12 34", 25)
        self.email = _edit(_("E-mail"), "prenom.nom@example.fr", 254)
        self.nir = _edit(_("Social security number (NIR)"), "1 85 01 99 999 001 17", 25)

    @property
    def edits(self) -> tuple[QLineEdit, ...]:
        return (
            self.first_name, self.last_name, self.birth, self.commune, self.address,
            self.postcode, self.phone, self.email, self.nir,
        )  # fmt: skip

    def add_names(self, form: QFormLayout) -> None:
        form.addRow(_("&First name:"), self.first_name)
        form.addRow(_("&Last name:"), self.last_name)
        form.addRow(_("&Birth:"), self.birth)
        form.addRow(_("&Commune:"), self.commune)

    def add_identifiers(self, form: QFormLayout) -> None:
        form.addRow(_("S&treet:"), self.address)
        form.addRow(_("Postcod&e:"), self.postcode)
        form.addRow(_("P&hone:"), self.phone)
        form.addRow(_("E-&mail:"), self.email)
        form.addRow(_("N&IR:"), self.nir)

    def on_change(self, slot: Callable[[], object]) -> None:
        for edit in self.edits:
            edit.textChanged.connect(lambda _text: slot())

    def load(self, person: Person) -> None:
        self.first_name.setText(person.first_name)
        self.last_name.setText(person.last_name)
        if person.birth_date is not None:
            self.birth.setText(person.birth_date.strftime("%d/%m/%Y"))
        elif person.birth_year is not None:
            self.birth.setText(str(person.birth_year))
        else:
            self.birth.clear()
        self.commune.setText(person.commune)
        self.address.setText(person.address)
        self.postcode.setText(person.postcode)
        self.phone.setText(person.phone)
        self.email.setText(person.email)
        self.nir.setText(person.nir)

    def _birth(self) -> tuple[date | None, int | None]:
        text = self.birth.text().strip()
        if not text:
            return None, None
        if text.isdigit() and len(text) == 4:
            return None, int(text)
        try:
            return datetime.strptime(text, "%d/%m/%Y").date(), None
        except ValueError:
            raise ValidationError(
                _("Write the birth date as 31/12/1950, or only the year.")
            ) from None

    def person(self) -> PersonInput:
        birth_date, birth_year = self._birth()
        return PersonInput(
            self.first_name.text(),
            self.last_name.text(),
            birth_date,
            birth_year,
            self.commune.text(),
            self.address.text(),
            self.postcode.text(),
            self.phone.text(),
            self.email.text(),
            self.nir.text(),
        )

    def check(self, today: date) -> PersonInput:
        """The person typed, or the first problem in words (the domain's own rules)."""
        person = self.person()
        check_person(
            person.first_name,
            person.last_name,
            person.birth_date,
            person.birth_year,
            person.commune,
            today,
        )
        check_identifiers(person.address, person.postcode, person.phone, person.email, person.nir)
        return person
