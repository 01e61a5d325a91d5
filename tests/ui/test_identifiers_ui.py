"""The person's identifiers in the forms, a repeat referral offered the person already known,
and the relatives on the case page — driven as a coordinator would, keyboard included."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from casecell.domain.nomenclatures import OrganisationKind
from casecell.domain.persons import KnownPerson
from casecell.domain.register import Person
from casecell.services import accounts, cases, partners
from casecell.services.partners import OrganisationInput
from casecell.services.persons import PersonInput
from casecell.ui.dialogs.referral import ReferralDialog
from casecell.ui.dialogs.relative import RelativeDialog
from tests.services.test_cases import AGREED, draft
from tests.ui.test_referral import check_area
from tests.ui.test_situations import sign_in

NIR = "185019999900117"  # fictitious: born abroad (99), commune 999


def ok(form) -> bool:
    return form.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


@pytest.fixture
def dialog(qapp):
    form = ReferralDialog()
    form.load({1: "CCAS de Villebourg"}, date(2026, 3, 31))
    yield form
    form.deleteLater()


def test_identifiers_are_checked_as_typed(dialog):
    dialog.last_name.setText("O'Connor-Ndiaye")
    check_area(dialog)
    assert ok(dialog)
    dialog.nir.setText("1 85 01 99 999 001 18")
    assert not ok(dialog) and "clé" in dialog.problem.text()
    assert "185019999900118" not in dialog.problem.text()
    dialog.nir.setText("1 85 01 99 999 001 17")
    assert ok(dialog)
    dialog.person_form.phone.setText("01 99 00")
    assert not ok(dialog) and "01 99 00 12 34" in dialog.problem.text()
    dialog.person_form.phone.setText("+33 1 99 00 12 34")
    dialog.person_form.email.setText("zoe@")
    assert not ok(dialog) and "Adresse électronique" in dialog.problem.text()
    dialog.person_form.email.setText("zoe@example.invalid")
    dialog.person_form.postcode.setText("596")
    assert not ok(dialog) and "Code postal" in dialog.problem.text()
    dialog.person_form.postcode.setText("59650")
    dialog.person_form.address.setText("12 rue <b>des</b> Tilleuls")
    assert ok(dialog)
    person = dialog.person()
    assert (person.nir, person.phone, person.address) == (
        "1 85 01 99 999 001 17", "+33 1 99 00 12 34", "12 rue <b>des</b> Tilleuls"
    )  # fmt: skip


def test_a_known_person_is_offered_and_the_same_nir_chosen_at_once(dialog, qtbot):
    asked = []
    dialog.lookup_requested.connect(asked.append)
    dialog.last_name.setText("Martin")
    dialog.request_lookup()
    assert asked == []  # a name alone is not enough
    dialog.nir.setText(NIR)
    dialog.request_lookup()
    assert asked[-1].nir == NIR

    known = Person(7, "P-ABCDEF", "Zoë", "Martin", date(1985, 1, 3), 1985, "59650", nir=NIR,
                   phone="01 99 00 12 34")  # fmt: skip
    dialog.show_known([KnownPerson(known, ("2025-014",), same_nir=True)])
    assert dialog.chosen_person_id() == 7
    assert "déjà connue" in dialog.known_note.text() and "2025-014" in dialog.known_note.text()
    assert dialog.first_name.text() == "Zoë" and dialog.birth.text() == "03/01/1985"
    assert dialog.person_form.phone.text() == "01 99 00 12 34"
    dialog.known.setCurrentIndex(0)  # « a new person » after all
    assert dialog.chosen_person_id() is None
    dialog.show_known([])
    assert dialog.known.count() == 1 and dialog.known_note.text() == ""


def test_a_repeat_referral_from_the_window_reuses_the_person(
    admin_ctx, make_window, qtbot, monkeypatch
):
    org = partners.add_organisation(
        admin_ctx, OrganisationInput("CCAS de Villebourg", OrganisationKind.CCAS)
    )
    first = cases.register_referral(
        admin_ctx,
        PersonInput("Zoë", "Łukasiewicz-Øberg", date(1975, 11, 2)),
        draft((org, org, org)),
        AGREED,
    )
    accounts.sign_out(admin_ctx)
    window = make_window()
    sign_in(window, qtbot)
    form = ReferralDialog(window)

    def filled_in():
        form.first_name.setText("ZOE")
        form.last_name.setText("lukasiewicz-oberg")
        form.birth.setText("1975")
        form.request_lookup()
        qtbot.waitUntil(lambda: form.known.count() == 2, timeout=20_000)
        form.known.setCurrentIndex(1)
        check_area(form, 3)
        return ReferralDialog.DialogCode.Accepted

    monkeypatch.setattr(form, "exec", filled_in)
    with qtbot.waitSignal(window.workspace.case_page.loaded, timeout=20_000):
        window.workspace.new_referral(form)
    case = window.workspace.case_page.details.case
    assert case.person.id == first.person.id and case.reference != first.reference
    assert case.person.first_name == "Zoë"  # the known person's details, as recorded
    assert "personne déjà connue" in window.workspace.case_page.history.item(0, 2).text()


def test_relatives_on_the_case_page(admin_ctx, make_window, qtbot, monkeypatch):
    org = partners.add_organisation(
        admin_ctx, OrganisationInput("CCAS de Villebourg", OrganisationKind.CCAS)
    )
    made = cases.register_referral(
        admin_ctx,
        PersonInput("Hélène", "Lefèvre", birth_year=1950, phone="0199001234", nir=NIR),
        draft((org, org, org)),
        AGREED,
    )
    accounts.sign_out(admin_ctx)
    window = make_window()
    sign_in(window, qtbot)
    with qtbot.waitSignal(window.workspace.case_page.loaded, timeout=20_000):
        window.workspace.open_case(made.id)
    page = window.workspace.case_page
    assert "Téléphone : 01 99 00 12 34" in page.summary.text()
    assert "NIR : 1 85 01 99 999 001 17" in page.summary.text()
    assert page.relatives.rowCount() == 0 and not page.remove_relative.isEnabled()

    form = RelativeDialog(page)

    def filled_in():
        form.relation.setCurrentIndex(form.relation.findData("child"))
        form.person_form.first_name.setText("Dupont <Fils> & Cie")
        form.person_form.last_name.setText("Lefèvre")
        form.person_form.birth.setText("2012")
        form.person_form.nir.setText("1 85 01 99 999 001 18")
        assert not form.validate() and "clé" in form.problem.text()
        form.person_form.nir.clear()
        form.person_form.email.setText("lea@example.invalid")
        assert form.validate()
        return RelativeDialog.DialogCode.Accepted

    monkeypatch.setattr(form, "exec", filled_in)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.new_relative(form)
    assert page.relatives.rowCount() == 1
    row = [page.relatives.item(0, c).text() for c in range(4)]
    assert row == ["enfant", "Dupont <Fils> & Cie LEFÈVRE", "2012", "lea@example.invalid"]
    page.relatives.setCurrentCell(0, 0)
    assert page.remove_relative.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.remove_relative.click()
    assert page.relatives.rowCount() == 0
    events = [page.history.item(r, 2).text() for r in range(page.history.rowCount())]
    assert "proche ajouté — enfant" in events and "proche retiré — enfant" in events
