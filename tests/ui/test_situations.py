"""The situations list, driven like a coordinator: search, filter, sort, open the page."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from casecell.domain.users import Role
from casecell.services import accounts, cases, demo
from casecell.ui.models.cases import CaseTableModel
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, OTHER_PASS

AS_OF = date(2026, 3, 31)


@pytest.fixture
def filled(admin_ctx):
    demo.fill(admin_ctx, 300, 2, AS_OF)
    accounts.add_user(admin_ctx, "g.gestion", "", Role.MANAGER, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)


def sign_in(window, qtbot, login=ADMIN, passphrase=ADMIN_PASS):
    window.login.login.setText(login)
    window.login.passphrase.setText(passphrase)
    with (
        qtbot.waitSignal(window.workspace.situations.refreshed, timeout=20_000, raising=False),
        qtbot.waitSignal(window.session.entered, timeout=20_000),
    ):
        window.login.open.click()


def refreshed(qtbot, page, change):
    with qtbot.waitSignal(page.refreshed, timeout=20_000):
        change()


def test_the_model_passes_qt_model_tester(filled, make_window, qtbot, qtmodeltester):
    window = make_window()
    sign_in(window, qtbot)
    model = window.workspace.situations.model
    assert model.rowCount() == 300
    qtmodeltester.check(model)


def test_search_filters_and_counts(filled, make_window, qtbot):
    window = make_window()
    sign_in(window, qtbot)
    page = window.workspace.situations
    window.find_action.trigger()
    assert window.workspace.pages.currentWidget() is page and page.search.hasFocus()
    assert page.count.text() == "300 situations"
    first_person = page.model.data(page.model.index(0, 1))
    refreshed(qtbot, page, lambda: page.search.setText(first_person))
    assert 1 <= page.model.rowCount() < 300
    shown = [page.model.data(page.model.index(r, 1)) for r in range(page.model.rowCount())]
    assert first_person in shown
    refreshed(qtbot, page, lambda: page.search.setText(""))
    refreshed(qtbot, page, lambda: page.status.setCurrentIndex(page.status.findData("closed")))
    statuses = {page.model.data(page.model.index(r, 2)) for r in range(page.model.rowCount())}
    assert statuses == {"clôturée"}
    refreshed(qtbot, page, lambda: page.search.setText("zzzz introuvable"))
    assert page.model.rowCount() == 0 and page.count.text() == "0 situation"


def test_sorting_by_reference(filled, make_window, qtbot):
    window = make_window()
    sign_in(window, qtbot)
    page = window.workspace.situations
    refreshed(qtbot, page, lambda: page.table.horizontalHeader().sectionClicked.emit(0))
    references = [page.model.data(page.model.index(r, 0)) for r in range(5)]
    assert references == sorted(references, key=lambda ref: (ref[:4], int(ref[5:])))


def test_a_manager_has_no_list_of_situations(filled, make_window, qtbot):
    window = make_window()
    window.login.login.setText("g.gestion")
    window.login.passphrase.setText(OTHER_PASS)
    with qtbot.waitSignal(window.session.entered, timeout=20_000):
        window.login.open.click()
    assert [window.workspace.nav.item(i).text() for i in range(window.workspace.nav.count())] == [
        "Accueil",
        "Partenaires",  # institutions, for reports; never their contacts
        "Rapports",  # aggregates only
    ]
    assert window.workspace.situations.model.rowCount() == 0
    partners = window.workspace.partners
    assert partners.contacts.isHidden() and partners.import_button.isHidden()


def test_rows_are_fetched_a_page_at_a_time():
    asked: list[list[int]] = []

    def fetch(ids):
        asked.append(ids)
        return []

    model = CaseTableModel(fetch)
    model.set_ids(list(range(1, 1001)))
    model.data(model.index(0, 0))
    model.data(model.index(49, 0))
    model.data(model.index(999, 0))
    assert [len(ids) for ids in asked] == [50, 50]


def open_first_case(window, qtbot):
    page = window.workspace.situations
    index = page.model.index(0, 0)
    page.table.setCurrentIndex(index)
    with qtbot.waitSignal(window.workspace.case_page.loaded, timeout=20_000):
        page.table.activated.emit(index)
    return page.model.case_id(0)


def test_opening_a_situation_shows_its_history_and_actions(filled, make_window, qtbot):
    window = make_window()
    sign_in(window, qtbot)
    case_id = open_first_case(window, qtbot)
    case_page = window.workspace.case_page
    assert window.workspace.pages.currentWidget() is case_page
    details = case_page.details
    assert details.case.id == case_id
    assert case_page.title.text().startswith(details.case.reference)
    assert case_page.history.rowCount() == len(details.timeline) >= 1
    assert case_page.action_table.rowCount() == len(details.actions)
    assert "Domaines" in case_page.summary.text()


def test_adding_a_note_and_moving_on_in_the_workflow(filled, make_window, qtbot, monkeypatch):
    from casecell.domain.nomenclatures import CaseStatus
    from casecell.ui.dialogs.transition import TransitionDialog

    window = make_window()
    sign_in(window, qtbot)
    page = window.workspace.situations
    refreshed(qtbot, page, lambda: page.status.setCurrentIndex(page.status.findData("monitoring")))
    open_first_case(window, qtbot)
    case_page = window.workspace.case_page
    before = case_page.history.rowCount()
    case_page.note.setPlainText("Rendez-vous <b>pris</b> & confirmé\nLigne 2")
    with qtbot.waitSignal(case_page.loaded, timeout=20_000):
        case_page.add_note.click()
    assert case_page.history.rowCount() == before + 1
    last = case_page.history.item(case_page.history.rowCount() - 1, 2).text()
    assert last == "note — Rendez-vous <b>pris</b> & confirmé\nLigne 2"
    assert case_page.note.toPlainText() == ""

    steps = [CaseStatus(s) for s in case_page.details.next_steps]
    assert steps == [CaseStatus.IN_REVIEW, CaseStatus.CLOSED]
    dialog = TransitionDialog(case_page)
    monkeypatch.setattr(dialog, "exec", lambda: dialog.DialogCode.Accepted)
    with qtbot.waitSignal(case_page.loaded, timeout=20_000):
        case_page.ask_transition(CaseStatus.CLOSED, dialog)
    assert case_page.details.case.status is CaseStatus.CLOSED
    assert case_page.details.next_steps == ()
    dialog.deleteLater()
    with qtbot.waitSignal(page.refreshed, timeout=20_000):
        qtbot.keyClick(case_page, Qt.Key.Key_Escape)
    assert window.workspace.pages.currentWidget() is page


def test_actions_are_decided_done_and_carried_over_from_the_situation(
    filled, make_window, qtbot, monkeypatch
):
    from casecell.ui.dialogs.action import ActionDialog
    from casecell.ui.dialogs.carry_over import CarryOverDialog

    window = make_window()
    sign_in(window, qtbot)
    page = window.workspace.situations
    refreshed(qtbot, page, lambda: page.status.setCurrentIndex(page.status.findData("in_review")))
    open_first_case(window, qtbot)
    case_page = window.workspace.case_page
    before = case_page.action_table.rowCount()
    assert case_page.add_action.isEnabled() and not case_page.mark_done.isEnabled()

    form = ActionDialog(case_page)

    def decide():
        form.title.setText("Visite à domicile <conjointe> & bilan")
        return ActionDialog.DialogCode.Accepted

    monkeypatch.setattr(form, "exec", decide)
    with qtbot.waitSignal(case_page.loaded, timeout=20_000):
        case_page.new_action(form)
    assert case_page.action_table.rowCount() == before + 1
    row = before
    assert case_page.action_table.item(row, 0).text() == "Visite à domicile <conjointe> & bilan"

    case_page.action_table.selectRow(row)
    assert case_page.mark_done.isEnabled()
    carry = CarryOverDialog(case_page)
    monkeypatch.setattr(carry, "exec", lambda: CarryOverDialog.DialogCode.Accepted)
    carry.reason.setCurrentIndex(carry.reason.findData("partner_did_not_act"))
    with qtbot.waitSignal(case_page.loaded, timeout=20_000):
        case_page.carry_over(carry)
    last = case_page.history.item(case_page.history.rowCount() - 1, 2).text()
    assert "reportée : le partenaire n’a pas agi" in last

    case_page.action_table.selectRow(row)
    with qtbot.waitSignal(case_page.loaded, timeout=20_000):
        case_page.mark_done.click()
    assert case_page.action_table.item(row, 3).text() == "faite"
    case_page.action_table.selectRow(row)
    assert not case_page.mark_done.isEnabled()
    form.deleteLater()
    carry.deleteLater()


def test_recording_the_persons_answer_about_sharing(filled, make_window, qtbot, monkeypatch):
    from casecell.ui.dialogs.sharing import SharingDialog

    window = make_window()
    sign_in(window, qtbot)
    open_first_case(window, qtbot)
    case_page = window.workspace.case_page
    form = SharingDialog(case_page)

    def answer():
        form.basis.setCurrentIndex(form.basis.findData("consent"))
        form.consent.setCurrentIndex(form.consent.findData("refused"))
        form.answered.setChecked(False)
        assert "date" in form.problem.text() and not form.validate()
        form.answered.setChecked(True)
        form.by.setText("B. Éducatrice <ASE>")
        assert form.validate()
        return SharingDialog.DialogCode.Accepted

    monkeypatch.setattr(form, "exec", answer)
    with qtbot.waitSignal(case_page.loaded, timeout=20_000):
        case_page.change_sharing(form)
    sharing = case_page.details.case.sharing
    assert sharing.consent.value == "refused" and sharing.consent_by == "B. Éducatrice <ASE>"
    last = case_page.history.item(case_page.history.rowCount() - 1, 2).text()
    assert last == "partage et consentement — Le consentement de la personne — refusé"
    form.deleteLater()


def test_editing_a_situation_and_its_person(filled, make_window, qtbot, monkeypatch):
    from casecell.ui.dialogs.referral import ReferralDialog

    window = make_window()
    sign_in(window, qtbot)
    open_first_case(window, qtbot)
    case_page = window.workspace.case_page
    before = case_page.details.case
    form = ReferralDialog(case_page)

    def corrected():
        assert form.last_name.text() == before.person.last_name  # the form shows what is known
        assert form.urgency.currentData() == before.urgency.value
        form.last_name.setText("Lefèvre-Ndiaye")
        form.summary.setPlainText("Résumé corrigé\navec <b>deux</b> lignes")
        return ReferralDialog.DialogCode.Accepted

    monkeypatch.setattr(form, "exec", corrected)
    with qtbot.waitSignal(case_page.loaded, timeout=20_000):
        case_page.edit_case(form)
    after = case_page.details.case
    assert after.person.last_name == "Lefèvre-Ndiaye"
    assert after.summary == "Résumé corrigé\navec <b>deux</b> lignes"
    assert after.participant_org_ids == before.participant_org_ids  # nobody silently dropped
    assert case_page.title.text() == f"{after.reference} — {after.person.display_name}"
    form.deleteLater()


def test_lead_urgency_and_review_due_filters(filled, make_window, qtbot):
    window = make_window()
    with qtbot.waitSignal(window.workspace.situations.leads_loaded, timeout=20_000):
        sign_in(window, qtbot)
    page = window.workspace.situations
    assert page.lead.count() > 1  # every organisation of the cell

    def rows():
        return [page.model.case_id(r) for r in range(page.model.rowCount())]

    ctx = window.session.ctx
    refreshed(qtbot, page, lambda: page.urgency.setCurrentIndex(page.urgency.findData("urgent")))
    urgent = rows()
    assert 0 < len(urgent) < 300
    assert all(cases.get_case(ctx, i).urgency.value == "urgent" for i in urgent[:20])
    refreshed(qtbot, page, lambda: page.urgency.setCurrentIndex(0))

    lead_id = cases.get_case(ctx, rows()[0]).lead_org_id
    refreshed(qtbot, page, lambda: page.lead.setCurrentIndex(page.lead.findData(lead_id)))
    led = rows()
    assert led and all(cases.get_case(ctx, i).lead_org_id == lead_id for i in led[:20])
    refreshed(qtbot, page, lambda: page.lead.setCurrentIndex(0))

    refreshed(qtbot, page, lambda: page.due.setChecked(True))
    due = rows()
    today = ctx.today()
    assert 0 < len(due) < 300
    for case_id in due[:20]:
        review = cases.get_case(ctx, case_id).next_review_on
        assert review is not None and review <= today


def test_an_open_action_is_corrected_from_its_row(filled, make_window, qtbot, monkeypatch):
    from casecell.ui.dialogs.action import ActionDialog

    window = make_window()
    sign_in(window, qtbot)
    page = window.workspace.situations
    refreshed(qtbot, page, lambda: page.late.setChecked(True))
    open_first_case(window, qtbot)
    case_page = window.workspace.case_page
    row = next(i for i, a in enumerate(case_page.details.actions) if a.status.open)
    action = case_page.details.actions[row]
    case_page.action_table.selectRow(row)
    assert case_page.change_action.isEnabled()

    def correct(form):
        assert form.title.text() == action.title  # the form shows the action as it is
        assert form.owner.currentData() == action.owner_org_id
        form.title.setText("")
        assert not form.validate()
        form.title.setText("Rappeler l’infirmière « Łucja » — urgent")
        form.due.setDate(form.due.date().addDays(30))
        return ActionDialog.DialogCode.Accepted

    monkeypatch.setattr(ActionDialog, "exec", correct)  # the page makes its own dialog
    with qtbot.waitSignal(case_page.loaded, timeout=20_000):
        case_page.action_table.activated.emit(case_page.action_table.model().index(row, 0))
    changed = next(a for a in case_page.details.actions if a.id == action.id)
    assert changed.title == "Rappeler l’infirmière « Łucja » — urgent"
    assert changed.owner_org_id == action.owner_org_id
    last = case_page.history.item(case_page.history.rowCount() - 1, 2).text()
    assert last.endswith(
        "quoi, qui ou échéance corrigés — Rappeler l’infirmière « Łucja » — urgent"
    )


def test_after_signing_in_a_screenful_comes_first_then_the_whole_list(filled, make_window, qtbot):
    window = make_window()
    page = window.workspace.situations
    seen: list[tuple[str, int]] = []
    page.first_page.connect(lambda: seen.append(("first", page.model.rowCount())))
    page.refreshed.connect(lambda: seen.append(("whole", page.model.rowCount())))
    sign_in(window, qtbot)
    if len(seen) < 2:
        qtbot.waitUntil(lambda: len(seen) >= 2, timeout=20_000)
    assert seen == [("first", 50), ("whole", 300)]
    assert page.count.text() == "300 situations"
