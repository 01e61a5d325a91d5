"""The cell's settings (administrators): its name, the organiser of its invitations, its
public holidays, the idle lock and the retention periods.

OK hands every value to the save function the window gives (the settings service, run off
the UI thread): it checks them all before writing any. A refusal is shown here, in French,
and the dialog stays open with what was typed; nothing was saved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casecell.domain import retention as rules
from casecell.domain.meetings import HOLIDAY_REGIONS, region_label
from casecell.i18n import _
from casecell.services.settings import MAX_IDLE_LOCK_MINUTES, Settings, SettingsInput
from casecell.ui import operations
from casecell.ui.dialogs.base import CheckedDialog
from casecell.ui.pages import plain_label

Save = Callable[[SettingsInput], Settings]


def _spin(name: str, low: int, high: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setAccessibleName(name)
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    return spin


def _group(title: str, form: QFormLayout) -> QGroupBox:
    group = QGroupBox(title)
    group.setLayout(form)
    return group


class SettingsDialog(CheckedDialog):
    saved = Signal(object)  # the Settings as stored, once saved
    settled = Signal()  # a save finished, saved or refused
    bug = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Cell settings"))
        self.setMinimumWidth(600)
        self._save: Save | None = None

        self.cell_name = QLineEdit()
        self.cell_name.setAccessibleName(_("Name of the cell"))
        self.cell_name.setMaxLength(200)
        self.organiser = QLineEdit()
        self.organiser.setAccessibleName(_("Organiser of the invitations"))
        self.organiser.setMaxLength(254)
        organiser_note = plain_label(
            _(
                "The cell's address, which partners answer the .ics invitations to. Empty: "
                "the invitations are plain events, without organiser."
            )
        )
        self.region = QComboBox()
        self.region.setAccessibleName(_("Public holidays"))
        self.region.addItem(region_label(""), "")
        for code in HOLIDAY_REGIONS:
            self.region.addItem(region_label(code), code)
        cell = QFormLayout()
        cell.addRow(_("Cell &name:"), self.cell_name)
        cell.addRow(_("Organiser's &e-mail:"), self.organiser)
        cell.addRow(organiser_note)
        cell.addRow(_("Public &holidays:"), self.region)

        self.idle = _spin(_("Lock after"), 1, MAX_IDLE_LOCK_MINUTES, _(" min without activity"))
        security = QFormLayout()
        security.addRow(_("&Lock after:"), self.idle)

        months = _(" months")
        self.after_contact = _spin(
            _("Closed situation, after the last contact"), 1, rules.MAX_MONTHS, months
        )
        self.after_declined = _spin(_("Declined referral"), 1, rules.MAX_MONTHS, months)
        self.audit = _spin(_("Audit trail"), rules.MIN_AUDIT_MONTHS, rules.MAX_AUDIT_MONTHS, months)
        kept = QFormLayout()
        kept.addRow(_("Closed &situation, after the last contact:"), self.after_contact)
        kept.addRow(_("&Declined referral:"), self.after_declined)
        kept.addRow(_("Audit &trail:"), self.audit)

        form = QVBoxLayout()
        form.addWidget(_group(_("The cell"), cell))
        form.addWidget(_group(_("Security"), security))
        form.addWidget(_group(_("Retention of personal data"), kept))
        self._lay_out(form)

    def load(self, now: Settings, save: Save) -> None:
        """Show the settings as stored; ``save`` writes them (all or nothing) on OK."""
        self._save = save
        self.cell_name.setText(now.cell_name)
        self.organiser.setText(now.organiser_email)
        self.region.setCurrentIndex(max(0, self.region.findData(now.holiday_region)))
        self.idle.setValue(now.idle_lock_minutes)
        self.after_contact.setValue(now.retention.months_after_last_contact)
        self.after_declined.setValue(now.retention.months_after_declined)
        self.audit.setValue(now.retention.audit_months)
        self.problem.setText("")
        self.cell_name.setFocus()

    def result_settings(self) -> SettingsInput:
        return SettingsInput(
            cell_name=self.cell_name.text(),
            idle_lock_minutes=self.idle.value(),
            organiser_email=self.organiser.text(),
            holiday_region=str(self.region.currentData()),
            months_after_last_contact=self.after_contact.value(),
            months_after_declined=self.after_declined.value(),
            audit_months=self.audit.value(),
        )

    def accept(self) -> None:
        """Save off the UI thread; close only once saved."""
        if self._save is None:
            return
        save, changes = self._save, self.result_settings()
        focused = self.focusWidget()
        self.problem.setText("")

        def done(result: object) -> None:
            self.saved.emit(result)
            QDialog.accept(self)
            self.settled.emit()

        def refused(message: str, report: str) -> None:
            self.problem.setText(f"⚠ {message}")
            if report:
                self.bug.emit(report)
            if focused is not None:
                focused.setFocus()
            self.settled.emit()

        operations.run(self, lambda: save(changes), done, refused, [self])
