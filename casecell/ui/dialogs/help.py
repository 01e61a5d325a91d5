"""F1: the keyboard shortcuts and where things are."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casecell.i18n import _
from casecell.ui.pages import plain_label


def shortcuts() -> list[tuple[str, str]]:
    return [
        ("Ctrl+N", _("record a new referral")),
        ("Ctrl+F", _("find a situation: name, reference, pseudonym, partner, notes")),
        (_("Enter or double-click"), _("open the situation chosen in the list")),
        (_("Escape"), _("back from a situation to the list")),
        ("Ctrl+L", _("lock: the window empties and the key leaves memory")),
        ("Ctrl+P", _("on a meeting: export its invitations (.ics and agenda PDF)")),
        ("Ctrl+↑ / Ctrl+↓", _("on an agenda: move the chosen situation up or down")),
        ("Ctrl+,", _("the cell's settings (administrators)")),
        ("F1", _("this help")),
    ]


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Help"))
        self.setMinimumWidth(620)
        table = QTableWidget(0, 2)
        table.setAccessibleName(_("Keyboard shortcuts"))
        table.setHorizontalHeaderLabels([_("Keys"), _("What they do")])
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setColumnWidth(0, 180)
        rows = shortcuts()
        table.setRowCount(len(rows))
        for row, (keys, what) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(what))
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                _(
                    "After 10 minutes without activity (an administrator can change the delay) "
                    "the window locks itself; signing in again brings you back where you were. "
                    "The user guide is in docs/guide-utilisateur.md."
                )
            )
        )
        layout.addWidget(table)
        layout.addWidget(buttons)
