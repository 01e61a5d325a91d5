"""The person concerned's part in the review of their situation, on the meeting screen:
informed, attended, heard through a professional or represented (by whom), and their own
words on the decisions. Every field is reached with the keyboard (Alt+letter, Tab)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from casecell.domain.meetings import PersonParticipation
from casecell.i18n import _
from casecell.services.meetings import ItemView, ParticipationInput


class ParticipationBox(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.status = QComboBox()
        self.status.setAccessibleName(_("Participation of the person concerned"))
        self.status.addItem(_("not recorded"), None)
        for status in PersonParticipation:
            self.status.addItem(status.label, status.value)
        self.represented_by = QLineEdit()
        self.represented_by.setAccessibleName(_("Person concerned represented by"))
        self.represented_by.setPlaceholderText(_("Name and role (family member, guardian…)"))
        self.represented_by.setMaxLength(200)
        self.words = QPlainTextEdit()
        self.words.setAccessibleName(_("The person's own words on the decisions"))
        self.words.setPlaceholderText(_("What the person said of the decisions, in their words"))
        self.words.setTabChangesFocus(True)
        self.words.setMaximumHeight(80)
        self.save = QPushButton(_("Save the partici&pation"))
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(_("The person conc&erned:"), self.status)
        form.addRow(_("Represented b&y:"), self.represented_by)
        form.addRow(_("Their o&wn words:"), self.words)
        form.addRow("", self.save)
        self.status.currentIndexChanged.connect(lambda _i: self._represented())
        self._represented()

    def _represented(self) -> None:
        represented = self.status.currentData() == PersonParticipation.REPRESENTED.value
        self.represented_by.setEnabled(represented)

    def load(self, item: ItemView | None) -> None:
        code = item.participation.value if item and item.participation else None
        self.status.setCurrentIndex(max(0, self.status.findData(code)))
        self.represented_by.setText(item.represented_by if item else "")
        self.words.setPlainText(item.person_words if item else "")
        self._represented()

    def clear(self) -> None:
        self.load(None)

    def result(self) -> ParticipationInput:
        code = self.status.currentData()
        status = PersonParticipation(code) if code else None
        represented = (
            self.represented_by.text() if status is PersonParticipation.REPRESENTED else ""
        )
        return ParticipationInput(status, represented, self.words.toPlainText())
