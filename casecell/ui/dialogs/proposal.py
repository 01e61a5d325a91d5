"""The proposed agenda: what is due, ticked when it fits in the meeting's time; what cannot
be shared is listed apart, with why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casecell.domain.meetings import Candidate, Proposal
from casecell.i18n import _, ngettext
from casecell.ui.pages import plain_label


def _text(candidate: Candidate) -> str:
    reasons = " ; ".join(candidate.reasons)
    return f"{candidate.reference} ({candidate.pseudonym}) — {candidate.purpose.label}: {reasons}"


class ProposalDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Proposed agenda"))
        self.setMinimumSize(720, 480)
        self._candidates: list[Candidate] = []
        self.summary = plain_label()
        self.list = QListWidget()
        self.list.setAccessibleName(_("Situations proposed"))
        self.refused = plain_label()
        self.refused.setAccessibleName(_("Situations that cannot be on the agenda"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.refused)
        layout.addWidget(buttons)

    def load(self, proposal: Proposal) -> None:
        self._candidates = [*proposal.items, *proposal.left_out[:100]]
        self.summary.setText(
            ngettext(
                "{fit} situation fits in the meeting's time (ticked).",
                "{fit} situations fit in the meeting's time (ticked).",
                len(proposal.items),
            ).format(fit=len(proposal.items))
            + " "
            + ngettext(
                "{more} more is due.", "{more} more are due.", len(proposal.left_out)
            ).format(more=len(proposal.left_out))
            + " "
            + _("Urgent first, then new referrals, follow-ups, reviews.")
        )
        for n, candidate in enumerate(self._candidates):
            item = QListWidgetItem(_text(candidate))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            fits = n < len(proposal.items)
            item.setCheckState(Qt.CheckState.Checked if fits else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        if proposal.refused:
            self.refused.setText(
                _("Cannot be on the agenda (sharing not allowed): {references}.").format(
                    references=", ".join(c.reference for c in proposal.refused)
                )
            )

    def chosen(self) -> list[Candidate]:
        return [
            candidate
            for n, candidate in enumerate(self._candidates)
            if self.list.item(n).checkState() == Qt.CheckState.Checked
        ]
