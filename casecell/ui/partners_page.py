"""Partners: the organisations (with their confidentiality charter), their contacts, and the
import of a directory exported from a spreadsheet (dry run first, then for real)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from casecell.domain.register import Contact, Organisation
from casecell.domain.users import Permission
from casecell.i18n import _
from casecell.services import partners
from casecell.services.context import Context
from casecell.services.partners import DirectoryReport
from casecell.ui import operations
from casecell.ui.dialogs.partner import ContactDialog, OrganisationDialog
from casecell.ui.models.cases import short_date
from casecell.ui.pages import LazyPage, data_table, fill_table, plain_label


class PartnersPage(LazyPage):
    loaded = Signal()
    bug = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.bus: operations.ChangeBus | None = None  # the window's, once in it
        self._organisations: list[Organisation] = []
        self.organisations = data_table(
            [_("Organisation"), _("Type"), _("Commune"), _("Charter signed on")],
            _("Partner organisations"),
            (300, 380, 80),
        )
        self.contacts = data_table(
            [_("Name"), _("Function"), _("E-mail"), _("Phone"), _("Professional secrecy")],
            _("Contacts"),
            (220, 200, 200, 140),
        )
        self.import_button = QPushButton(_("&Import a directory (CSV)…"))
        self.import_button.clicked.connect(lambda: self.import_directory())
        self.add_organisation = QPushButton(_("&New organisation…"))
        self.add_organisation.clicked.connect(lambda: self.edit_organisation(new=True))
        self.change_organisation = QPushButton(_("&Edit the organisation…"))
        self.change_organisation.clicked.connect(lambda: self.edit_organisation())
        self.add_contact = QPushButton(_("New &contact…"))
        self.add_contact.clicked.connect(lambda: self.edit_contact(new=True))
        self.change_contact = QPushButton(_("Edit the con&tact…"))
        self.change_contact.clicked.connect(lambda: self.edit_contact())
        self._contacts: list[Contact] = []
        self.error = plain_label()
        self.organisations.itemSelectionChanged.connect(self._selected)
        top = QHBoxLayout()
        top.addWidget(plain_label(_("Partners of the cell"), wrap=False), 1)
        for button in (self.add_organisation, self.change_organisation, self.import_button):
            top.addWidget(button)
        contacts_box = QWidget()
        contacts_layout = QVBoxLayout(contacts_box)
        contacts_layout.setContentsMargins(0, 0, 0, 0)
        contacts_layout.addWidget(self.contacts, 1)
        contact_buttons = QHBoxLayout()
        contact_buttons.addStretch(1)
        contact_buttons.addWidget(self.add_contact)
        contact_buttons.addWidget(self.change_contact)
        contacts_layout.addLayout(contact_buttons)
        self.contacts_box = contacts_box
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.organisations)
        split.addWidget(contacts_box)
        split.setStretchFactor(0, 3)  # the organisations first: the contacts of one are few
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)

    def prepare(self, ctx: Context) -> None:
        manages = ctx.user.can(Permission.MANAGE_PARTNERS)
        for button in (
            self.import_button,
            self.add_organisation,
            self.change_organisation,
            self.add_contact,
            self.change_contact,
        ):
            button.setVisible(manages)
        self.contacts.setVisible(ctx.user.can(Permission.READ_NOMINATIVE))
        self.contacts_box.setVisible(ctx.user.can(Permission.READ_NOMINATIVE))

    def refresh(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        self._stale = False
        self._run(lambda: partners.list_organisations(ctx), self._show)

    def clear(self) -> None:
        self.ctx = None
        self._organisations = []
        self.organisations.setRowCount(0)
        self.contacts.setRowCount(0)

    def _run(
        self,
        work: Callable[[], object],
        done: Callable[[object], None],
        changes: operations.Change = operations.Change.NONE,
    ) -> None:
        failed = operations.shown_on(self.error, self.bug, self.loaded.emit)
        operations.run(self, work, done, failed, changes=changes, bus=self.bus)

    def _show(self, organisations: object) -> None:
        assert isinstance(organisations, list)
        self._organisations = organisations
        fill_table(
            self.organisations,
            [
                [
                    o.name,
                    o.kind.label,
                    o.commune,
                    short_date(o.charter_signed_on) if o.charter_signed_on else _("not signed"),
                ]
                for o in organisations
            ],
        )
        self.error.setText("")
        self.loaded.emit()

    def _selected(self) -> None:
        ctx, row = self.ctx, self.organisations.currentRow()
        if ctx is None or row < 0 or not ctx.user.can(Permission.READ_NOMINATIVE):
            return
        organisation_id = self._organisations[row].id

        def shown(contacts: object) -> None:
            assert isinstance(contacts, list)
            rows: list[Contact] = contacts
            self._contacts = rows
            fill_table(
                self.contacts,
                [
                    [
                        c.name,
                        c.function,
                        c.email,
                        c.phone,
                        _("yes") if c.bound_by_secrecy else _("no"),
                    ]
                    for c in rows
                ],
            )
            self.loaded.emit()

        self._run(lambda: partners.contacts_of(ctx, organisation_id), shown)

    def _current_organisation(self) -> Organisation | None:
        row = self.organisations.currentRow()
        return self._organisations[row] if 0 <= row < len(self._organisations) else None

    def edit_organisation(
        self, new: bool = False, dialog: OrganisationDialog | None = None
    ) -> None:
        ctx = self.ctx
        current = None if new else self._current_organisation()
        if ctx is None or (not new and current is None):
            return
        form = dialog or OrganisationDialog(self)
        form.load(current, ctx.today())
        if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
            return
        data, org_id = form.result_organisation(), None if current is None else current.id

        def work() -> Organisation:
            if org_id is None:
                return partners.add_organisation(ctx, data)
            return partners.update_organisation(ctx, org_id, data)

        self._run(work, lambda _org: self.load(ctx), operations.Change.PARTNERS)

    def edit_contact(self, new: bool = False, dialog: ContactDialog | None = None) -> None:
        ctx, organisation = self.ctx, self._current_organisation()
        row = self.contacts.currentRow()
        current = None if new or not 0 <= row < len(self._contacts) else self._contacts[row]
        if ctx is None or organisation is None or (not new and current is None):
            return
        form = dialog or ContactDialog(self)
        form.load(organisation.id, current)
        if form.exec() != QDialog.DialogCode.Accepted or not form.validate():
            return
        data, contact_id = form.result_contact(), None if current is None else current.id

        def work() -> Contact:
            if contact_id is None:
                return partners.add_contact(ctx, data)
            return partners.update_contact(ctx, contact_id, data)

        self._run(work, lambda _contact: self._selected(), operations.Change.PARTNERS)

    def import_directory(
        self, path: str | None = None, confirm: Callable[[str], bool] | None = None
    ) -> None:
        """Pick a CSV, show what it would change, then import it if the user agrees."""
        ctx = self.ctx
        if ctx is None:
            return
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Import a partner directory"), str(Path.home()), _("CSV files (*.csv)")
            )
            if not path:
                return
        source = Path(path)
        ask = confirm or self._confirm

        def planned(report: object) -> None:
            assert isinstance(report, DirectoryReport)
            if not ask("\n".join(report.summary())):
                self.loaded.emit()
                return
            self._run(
                lambda: partners.import_directory(ctx, source, apply=True),
                lambda _done: self.load(ctx),
                operations.Change.PARTNERS,
            )

        self._run(lambda: partners.import_directory(ctx, source, apply=False), planned)

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            _("Import a partner directory"),
            _("Dry run — nothing was changed. Would do:") + "\n\n" + text,
        )
        return answer == QMessageBox.StandardButton.Yes
