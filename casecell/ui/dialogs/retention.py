"""The yearly retention review: what is past its retention period, and the button to anonymise
it (administrators). Nothing changes until the administrator confirms."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QVBoxLayout, QWidget

from casecell.i18n import _, ngettext
from casecell.services.retention import Review
from casecell.ui.pages import data_table, fill_table, plain_label


def _day(value: object) -> str:
    return f"{value:%d/%m/%Y}"


class RetentionDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Data retention"))
        self.setMinimumSize(760, 480)
        self.rules = plain_label()
        self.summary = plain_label()
        self.table = data_table(
            [_("Situation"), _("Why"), _("Last contact"), _("Due since")],
            _("Situations past their retention period"),
            (120, 200, 140),
        )
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.apply = self.buttons.addButton(
            _("&Anonymise and purge…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.apply.clicked.disconnect()
        self.apply.clicked.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.rules)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self._count = 0

    def load(self, review: Review) -> None:
        policy = review.policy
        self.rules.setText(
            _(
                "A closed situation is kept {closed} months after the last contact, a declined "
                "referral {declined} months; audit entries {audit} months. Anonymising keeps "
                "the figures reports need and removes every name, birth date and typed text."
            ).format(
                closed=policy.months_after_last_contact,
                declined=policy.months_after_declined,
                audit=policy.audit_months,
            )
        )
        fill_table(
            self.table,
            [
                [d.reference, d.reason.label, _day(d.last_contact), _day(d.due_on)]
                for d in review.due
            ],
        )
        self._count = len(review.due)
        self.summary.setText(" ".join(review.summary()))
        self.apply.setEnabled(bool(self._count or review.audit_entries_due))

    def _confirm(self) -> None:
        answer = QMessageBox.question(
            self,
            _("Data retention"),
            ngettext(
                "Anonymise {count} situation and purge the old audit entries? This cannot be "
                "undone (a backup made before keeps them).",
                "Anonymise {count} situations and purge the old audit entries? This cannot be "
                "undone (a backup made before keeps them).",
                self._count,
            ).format(count=self._count),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.accept()
