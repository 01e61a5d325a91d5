"""Linking a relative or household member to a situation: who they are and how they are
related (a person of the vault, withheld from pseudonymised copies like the person concerned)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget

from casecell.domain.nomenclatures import Relation
from casecell.i18n import _
from casecell.services.persons import PersonInput
from casecell.ui.dialogs.base import CheckedDialog
from casecell.ui.dialogs.person_form import PersonForm


class RelativeDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Add a relative"))
        self.setMinimumWidth(520)
        self._today = date.today()
        self.relation = QComboBox()
        self.relation.setAccessibleName(_("Relation"))
        for relation in Relation:
            self.relation.addItem(relation.label, relation.value)
        self.person_form = PersonForm()
        form = QFormLayout()
        form.addRow(_("&Relation:"), self.relation)
        self.person_form.add_names(form)
        self.person_form.add_identifiers(form)
        self._lay_out(form)
        self.person_form.on_change(self.validate)

    def load(self, reference: str, today: date) -> None:
        self.setWindowTitle(_("Add a relative to {reference}").format(reference=reference))
        self._today = today
        self.validate()

    def result_relative(self) -> tuple[PersonInput, Relation]:
        return self.person_form.check(self._today), Relation(self.relation.currentData())

    def validate(self) -> bool:
        return self._checked(self.result_relative)
