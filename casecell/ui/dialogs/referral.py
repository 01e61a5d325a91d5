"""Recording a referral (saisine): the person, the situation, the sharing basis.

Checked as the user types with the domain's own rules; the OK button stays disabled while
something is wrong, and the reason is shown in words.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from casecell.domain.cases import Case, CaseDraft, Sharing, check_draft
from casecell.domain.nomenclatures import ConsentStatus, LegalBasis, ProblemArea, Urgency
from casecell.domain.register import check_person
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services.cases import PersonInput
from casecell.ui.dialogs.base import CheckedDialog


def _combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    return combo


class ReferralDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New referral"))
        self.setMinimumWidth(560)
        self._today = date.today()
        self.first_name = QLineEdit()
        self.first_name.setAccessibleName(_("First name"))
        self.last_name = QLineEdit()
        self.last_name.setAccessibleName(_("Last name"))
        self.birth = QLineEdit()
        self.birth.setAccessibleName(_("Birth date or year"))
        self.birth.setPlaceholderText(_("31/12/1950 or 1950"))
        self.commune = QLineEdit()
        self.commune.setAccessibleName(_("Commune (INSEE code)"))
        self.commune.setPlaceholderText("59650")
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
        form.addRow(_("&First name:"), self.first_name)
        form.addRow(_("&Last name:"), self.last_name)
        form.addRow(_("&Birth:"), self.birth)
        form.addRow(_("&Commune:"), self.commune)
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

        edits = (self.first_name, self.last_name, self.birth, self.commune, self.consent_by)
        for edit in (*edits, self.consent_reason):
            edit.textChanged.connect(self.validate)
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
        person = case.person
        self.first_name.setText(person.first_name)
        self.last_name.setText(person.last_name)
        if person.birth_date is not None:
            self.birth.setText(person.birth_date.strftime("%d/%m/%Y"))
        elif person.birth_year is not None:
            self.birth.setText(str(person.birth_year))
        self.commune.setText(person.commune)
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

    # -- reading the form --------------------------------------------------------------------
    def _birth(self) -> tuple[date | None, int | None]:
        text = self.birth.text().strip()
        if not text:
            return None, None
        if text.isdigit() and len(text) == 4:
            return None, int(text)
        try:
            return datetime.strptime(text, "%d/%m/%Y").date(), None
        except ValueError:
            raise ValidationError(
                _("Write the birth date as 31/12/1950, or only the year.")
            ) from None

    def person(self) -> PersonInput:
        birth_date, birth_year = self._birth()
        return PersonInput(
            self.first_name.text(),
            self.last_name.text(),
            birth_date,
            birth_year,
            self.commune.text(),
        )

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
        person = self.person()
        check_person(
            person.first_name,
            person.last_name,
            person.birth_date,
            person.birth_year,
            person.commune,
            self._today,
        )
        check_draft(self.draft(), self._today)
        self.sharing().check()
