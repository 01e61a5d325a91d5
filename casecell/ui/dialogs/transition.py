"""Confirming a step of a situation's workflow, with what that step needs (reason, outcome)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from casecell.domain.cases import Transition
from casecell.domain.nomenclatures import CaseStatus, Outcome
from casecell.i18n import _
from casecell.ui.pages import plain_label


class TransitionDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Change the status"))
        self.question = plain_label()
        self.reason = QLineEdit()
        self.reason.setAccessibleName(_("Reason"))
        self.redirect_to = QLineEdit()
        self.redirect_to.setAccessibleName(_("Redirected to"))
        self.outcome = QComboBox()
        self.outcome.setAccessibleName(_("Outcome"))
        for outcome in Outcome:
            self.outcome.addItem(outcome.label, outcome.value)
        self.form = QFormLayout()
        self.form.addRow(_("&Reason:"), self.reason)
        self.form.addRow(_("Re&directed to:"), self.redirect_to)
        self.form.addRow(_("&Outcome:"), self.outcome)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self._target = CaseStatus.RECEIVED

    def load(self, reference: str, target: CaseStatus) -> None:
        self._target = target
        self.question.setText(
            _("Move the situation {reference} to “{status}”?").format(
                reference=reference, status=target.label
            )
        )
        self.form.setRowVisible(self.reason, target is CaseStatus.DECLINED)
        self.form.setRowVisible(self.redirect_to, target is CaseStatus.DECLINED)
        self.form.setRowVisible(self.outcome, target is CaseStatus.CLOSED)

    def result_transition(self) -> Transition:
        """What the user asked for; the domain decides whether it is allowed."""
        outcome = Outcome(self.outcome.currentData()) if self._target is CaseStatus.CLOSED else None
        return Transition(
            self._target,
            decline_reason=self.reason.text(),
            redirected_to=self.redirect_to.text(),
            outcome=outcome,
        )
