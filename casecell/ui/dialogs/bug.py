"""An unexpected error: say so plainly and offer a report to copy for the maintainers."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from casecell.i18n import _


class BugDialog(QMessageBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(_("Unexpected error"))
        self.setText(
            _(
                "Something went wrong that casecell did not expect. Your data is safe: nothing "
                "was half-written. You can copy a technical report (without any personal data) "
                "for the people who maintain casecell."
            )
        )
        self.copy = self.addButton(_("&Copy the report"), QMessageBox.ButtonRole.ActionRole)
        self.addButton(QMessageBox.StandardButton.Close)
        self.report = ""

    def load(self, report: str) -> None:
        self.report = report
        self.setDetailedText(report)

    def copy_report(self) -> None:
        clipboard = QApplication.clipboard()
        clipboard.setText(self.report)

    def run(self) -> None:
        self.exec()
        if self.clickedButton() is self.copy:
            self.copy_report()
