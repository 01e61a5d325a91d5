"""Recording a referral from the window: checked while typing, then opened."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from casecell.domain.nomenclatures import OrganisationKind
from casecell.services import accounts, partners
from casecell.services.partners import OrganisationInput
from casecell.ui.dialogs.referral import ReferralDialog
from tests.ui.test_situations import sign_in

ORGS = {1: "CCAS de Villebourg", 2: "CMP"}


@pytest.fixture
def dialog(qapp):
    form = ReferralDialog()
    form.load(ORGS, date(2026, 3, 31))
    yield form
    form.deleteLater()


def ok(form) -> bool:
    return form.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def check_area(form, row: int = 1) -> None:
    form.areas.item(row).setCheckState(Qt.CheckState.Checked)


def test_the_form_explains_what_is_missing_as_the_user_types(dialog):
    assert not ok(dialog) and "prénom ou un nom" in dialog.problem.text()
    dialog.last_name.setText("Łukasiewicz <b>Øberg</b>")
    assert "domaine" in dialog.problem.text()
    check_area(dialog)
    assert "consentement" not in dialog.problem.text()
    assert ok(dialog) and dialog.problem.text() == ""
    dialog.birth.setText("31/02/1950")
    assert not ok(dialog) and "31/12/1950" in dialog.problem.text()
    dialog.birth.setText("1950")
    dialog.commune.setText("7505")
    assert not ok(dialog) and "INSEE" in dialog.problem.text()
    dialog.commune.setText("75056")
    dialog.consent.setCurrentIndex(dialog.consent.findData("not_possible"))
    assert not ok(dialog) and "pourquoi" in dialog.problem.text()
    dialog.consent_reason.setText("Personne injoignable")
    assert ok(dialog)
    assert dialog.person().last_name == "Łukasiewicz <b>Øberg</b>"
    assert dialog.draft().referrer_org_id == 1


def test_ctrl_n_records_the_referral_and_opens_it(admin_ctx, make_window, qtbot, monkeypatch):
    partners.add_organisation(
        admin_ctx, OrganisationInput("CCAS de Villebourg", OrganisationKind.CCAS)
    )
    accounts.sign_out(admin_ctx)
    window = make_window()
    sign_in(window, qtbot)
    assert window.new_action.isEnabled()
    form = ReferralDialog(window)

    def filled_in():
        form.first_name.setText("Zoë")
        form.last_name.setText("Nguyễn Thị")
        check_area(form, 3)
        return ReferralDialog.DialogCode.Accepted

    monkeypatch.setattr(form, "exec", filled_in)
    with qtbot.waitSignal(window.workspace.case_page.loaded, timeout=20_000):
        window.workspace.new_referral(form)
    case = window.workspace.case_page.details.case
    assert case.person.display_name == "Zoë NGUYỄN THỊ"
    assert case.reference.endswith("-001")
    assert window.workspace.pages.currentWidget() is window.workspace.case_page
