"""The person objects to the sharing of their situation, or withdraws their objection: the
reason (it goes on the situation's history as typed)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from casecell.domain.register import clean_line
from casecell.i18n import _
from casecell.ui.dialogs.base import CheckedDialog
from casecell.ui.pages import plain_label


class OppositionDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(560)
        self.explanation = plain_label()
        self.reason = QLineEdit()
        self.reason.setAccessibleName(_("Reason"))
        self.reason.setMaxLength(500)
        form = QFormLayout()
        form.addRow(self.explanation)
        form.addRow(_("&Reason:"), self.reason)
        self._lay_out(form)
        self.reason.textChanged.connect(lambda _t: self.validate())

    def load(self, withdraw: bool) -> None:
        if withdraw:
            self.setWindowTitle(_("Withdraw the person's objection"))
            self.explanation.setText(
                _(
                    "Sharing will follow the legal basis and consent recorded again. Nothing "
                    "is put back on an agenda by itself."
                )
            )
        else:
            self.setWindowTitle(_("Record the person's objection to sharing"))
            self.explanation.setText(
                _(
                    "Nothing about this situation will be shared any more: it is taken off "
                    "the agenda of every planned meeting to come, cannot be put on one again, "
                    "and every copy of the minutes leaves it out."
                )
            )
        self.reason.clear()
        self.validate()

    def result_reason(self) -> str:
        return clean_line(self.reason.text(), _("The reason"), required=True, limit=500)

    def validate(self) -> bool:
        return self._checked(self.result_reason)
