"""Recording a referral (saisine): the person, the situation, the sharing basis.

Checked as the user types with the domain's own rules; the OK button stays disabled while
something is wrong, and the reason is shown in words. « Search the register » (or leaving the
birth or NIR field) asks the window to look for the person among those already known
(:attr:`lookup_requested`); the window answers with :meth:`show_known`, and the person chosen
is reused instead of recorded twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from casecell.domain.cases import Case, CaseDraft, Sharing, check_draft
from casecell.domain.nomenclatures import ConsentStatus, LegalBasis, ProblemArea, Urgency
from casecell.domain.persons import KnownPerson
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services.persons import PersonInput
from casecell.ui.dialogs.base import CheckedDialog
from casecell.ui.dialogs.person_form import PersonForm
from casecell.ui.pages import plain_label


def _combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    return combo


def describe_known(known: KnownPerson) -> str:
    """« Zoë ŁUKASIEWICZ-ØBERG, 1975 — situation 2025-014 » (plain text: shown in a combo)."""
    person = known.person
    born = person.birth_date.strftime("%d/%m/%Y") if person.birth_date else person.birth_year
    who = ", ".join(str(part) for part in (person.display_name, born) if part)
    return _("{person} — situation {references}").format(
        person=who, references=", ".join(known.references)
    )


class ReferralDialog(CheckedDialog):
    lookup_requested = Signal(object)  # a PersonInput: look for them among known persons

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New referral"))
        self.setMinimumWidth(560)
        self._today = date.today()
        self.person_form = PersonForm()
        self.first_name = self.person_form.first_name
        self.last_name = self.person_form.last_name
        self.birth = self.person_form.birth
        self.commune = self.person_form.commune
        self.nir = self.person_form.nir
        self.known = _combo(_("Person already known"))
        self.known.addItem(_("(a new person)"), None)
        self.known_note = plain_label()
        self.known_note.setAccessibleName(_("Already known"))
        self.search_known = QPushButton(_("Search the re&gister"))
        self.search_known.setToolTip(
            _("Is this person already known to the cell (same NIR, or same names and birth)?")
        )
        self.search_known.clicked.connect(self.request_lookup)
        self._known: list[KnownPerson] = []
        self.referred_on = QDateEdit()
        self.referred_on.setAccessibleName(_("Referral date"))
        self.referred_on.setCalendarPopup(True)
        self.referred_on.setDisplayFormat("dd/MM/yyyy")
        self.referrer = _combo(_("Referring partner"))
        self.lead = _combo(_("Lead partner"))
        self.areas = QListWidget()
        self.areas.setAccessibleName(_("Problem areas"))
        for area in ProblemArea:
            item = QListWidgetItem(area.label)
            item.setData(Qt.ItemDataRole.UserRole, area.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.areas.addItem(item)
        self.areas.setMaximumHeight(130)
        self.urgency = _combo(_("Urgency"))
        for urgency in Urgency:
            self.urgency.addItem(urgency.label, urgency.value)
        self.summary = QPlainTextEdit()
        self.summary.setAccessibleName(_("Summary"))
        self.summary.setMaximumHeight(80)
        self.basis = _combo(_("Legal basis"))
        for basis in LegalBasis:
            self.basis.addItem(basis.label, basis.value)
        self.consent = _combo(_("Consent"))
        for consent in ConsentStatus:
            self.consent.addItem(consent.label, consent.value)
        self.consent_by = QLineEdit()
        self.consent_by.setAccessibleName(_("Who informed the person"))
        self.consent_reason = QLineEdit()
        self.consent_reason.setAccessibleName(_("Why consent could not be asked"))

        form = QFormLayout()
        self.person_form.add_names(form)
        self.person_form.add_identifiers(form)
        self._known_row = QHBoxLayout()
        self._known_row.addWidget(self.known, 1)
        self._known_row.addWidget(self.search_known)
        form.addRow(_("Already &known:"), self._known_row)
        form.addRow("", self.known_note)
        form.addRow(_("Referral &date:"), self.referred_on)
        form.addRow(_("&Referred by:"), self.referrer)
        form.addRow(_("Problem &areas:"), self.areas)
        form.addRow(_("&Urgency:"), self.urgency)
        form.addRow(_("&Summary:"), self.summary)
        form.addRow(_("Lead &partner:"), self.lead)
        form.addRow(_("Legal &basis:"), self.basis)
        form.addRow(_("C&onsent:"), self.consent)
        form.addRow(_("Informed &by:"), self.consent_by)
        form.addRow(_("If not possible, &why:"), self.consent_reason)
        self._form = form
        self._participants: tuple[int, ...] | None = None  # set when editing
        self._lay_out(form)

        self.person_form.on_change(self.validate)
        for edit in (self.consent_by, self.consent_reason):
            edit.textChanged.connect(self.validate)
        self.birth.editingFinished.connect(self.request_lookup)
        self.nir.editingFinished.connect(self.request_lookup)
        self.known.currentIndexChanged.connect(self._chose_known)
        self.summary.textChanged.connect(self.validate)
        self.referred_on.dateChanged.connect(self.validate)
        self.areas.itemChanged.connect(self.validate)
        for combo in (self.referrer, self.lead, self.urgency, self.basis, self.consent):
            combo.currentIndexChanged.connect(self.validate)

    def load(self, organisations: dict[int, str], today: date) -> None:
        """``organisations``: id → name of the partners to choose from."""
        self._today = today
        self.referred_on.setDate(QDate(today.year, today.month, today.day))
        self.referred_on.setMaximumDate(QDate(today.year, today.month, today.day))
        self.lead.addItem(_("(none yet)"), None)
        for org_id, name in organisations.items():
            self.referrer.addItem(name, org_id)
            self.lead.addItem(name, org_id)
        self.validate()

    def load_case(self, case: Case, organisations: dict[int, str], today: date) -> None:
        """Edit an existing situation: its person and referral (sharing has its own dialog)."""
        self.load(organisations, today)
        self.setWindowTitle(_("Edit the situation {reference}").format(reference=case.reference))
        self.person_form.load(case.person)
        self._form.setRowVisible(self._known_row, False)
        self._form.setRowVisible(self.known_note, False)
        day = case.referred_on
        self.referred_on.setDate(QDate(day.year, day.month, day.day))
        self.referrer.setCurrentIndex(self.referrer.findData(case.referrer_org_id))
        self.lead.setCurrentIndex(self.lead.findData(case.lead_org_id))
        for i in range(self.areas.count()):
            item = self.areas.item(i)
            chosen = ProblemArea(item.data(Qt.ItemDataRole.UserRole)) in case.problem_areas
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
        self.urgency.setCurrentIndex(self.urgency.findData(case.urgency.value))
        self.summary.setPlainText(case.summary)
        self._participants = case.participant_org_ids
        for widget in (self.basis, self.consent, self.consent_by, self.consent_reason):
            self._form.setRowVisible(widget, False)
        self.validate()

    # -- a person already known ----------------------------------------------------------------
    def request_lookup(self) -> None:
        """Ask the window to look for the person typed (when enough is typed to find them)."""
        if self._participants is not None:
            return  # editing a situation: its person is already chosen
        try:
            person = self.person_form.person()
        except ValidationError:
            return
        if person.nir.strip() or (
            person.last_name.strip() and (person.birth_date or person.birth_year)
        ):
            self.lookup_requested.emit(person)

    def show_known(self, found: Sequence[KnownPerson]) -> None:
        """Offer the persons found; one with the same NIR is chosen at once."""
        chosen = self.chosen_person_id()
        self._known = list(found)
        self.known.blockSignals(True)
        self.known.clear()
        self.known.addItem(_("(a new person)"), None)
        for known in found:
            self.known.addItem(describe_known(known), known.person.id)
        self.known.blockSignals(False)
        if not found:
            self.known_note.setText("")
            return
        first = found[0]
        self.known_note.setText(
            _("This person is already known: {who}").format(who=describe_known(first))
            if len(found) == 1
            else _("{count} persons already known may be this one: choose in the list.").format(
                count=len(found)
            )
        )
        wanted = first.person.id if first.same_nir else chosen
        self.known.setCurrentIndex(max(0, self.known.findData(wanted)) if wanted else 0)

    def _chose_known(self, index: int) -> None:
        """Choosing a known person shows their details, to check and complete."""
        person_id = self.known.itemData(index)
        known = next((k for k in self._known if k.person.id == person_id), None)
        if known is not None:
            self.person_form.load(known.person)
        self.validate()

    def chosen_person_id(self) -> int | None:
        person_id = self.known.currentData()
        return None if person_id is None else int(person_id)

    # -- reading the form --------------------------------------------------------------------
    def person(self) -> PersonInput:
        return self.person_form.person()

    def draft(self) -> CaseDraft:
        day = self.referred_on.date()
        referrer = self.referrer.currentData()
        if referrer is None:
            raise ValidationError(_("Add the partner organisations first (Partners)."))
        areas = tuple(
            ProblemArea(self.areas.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.areas.count())
            if self.areas.item(i).checkState() == Qt.CheckState.Checked
        )
        lead = self.lead.currentData()
        leads = [int(lead)] if lead else []
        # A new referral involves its referrer; an edit keeps the partners already involved.
        involved = self._participants if self._participants is not None else (int(referrer),)
        partners = {*involved, *leads}
        return CaseDraft(
            referred_on=date(day.year(), day.month(), day.day()),
            referrer_org_id=int(referrer),
            problem_areas=areas,
            urgency=Urgency(self.urgency.currentData()),
            summary=self.summary.toPlainText(),
            lead_org_id=int(lead) if lead is not None else None,
            participant_org_ids=tuple(sorted(partners)),
        )

    def sharing(self) -> Sharing:
        consent = ConsentStatus(self.consent.currentData())
        answered = consent in (ConsentStatus.AGREED, ConsentStatus.REFUSED)
        return Sharing(
            basis=LegalBasis(self.basis.currentData()),
            consent=consent,
            consent_on=self._today if answered else None,
            consent_by=self.consent_by.text(),
            not_possible_reason=self.consent_reason.text(),
        )

    def validate(self) -> bool:
        """Run the domain's checks on what is typed; say the first problem, if any."""
        return self._checked(self._check)

    def _check(self) -> None:
        self.person_form.check(self._today)
        check_draft(self.draft(), self._today)
        self.sharing().check()
