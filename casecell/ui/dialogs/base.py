"""What every form dialog shares: OK/Cancel, a line saying what is wrong, OK only when right."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLayout, QVBoxLayout, QWidget

from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.ui.pages import plain_label


class CheckedDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem = plain_label()
        self.problem.setAccessibleName(_("What is wrong"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _lay_out(self, form: QLayout) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _checked(self, check: Callable[[], object]) -> bool:
        """Run ``check`` (domain rules); show its complaint and keep OK disabled if it has one."""
        try:
            check()
        except ValidationError as exc:
            self.problem.setText(f"⚠ {exc.message}")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return False
        self.problem.setText("")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        return True
