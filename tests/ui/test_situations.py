"""The situations list, driven like a coordinator: search, filter, sort, open the page."""

from __future__ import annotations

from datetime import date

import pytest

from casecell.domain.users import Role
from casecell.services import accounts, demo
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
        qtbot.waitSignal(window.situations.refreshed, timeout=20_000, raising=False),
        qtbot.waitSignal(window.signed_in, timeout=20_000),
    ):
        window.login.open.click()


def refreshed(qtbot, page, change):
    with qtbot.waitSignal(page.refreshed, timeout=20_000):
        change()


def test_the_model_passes_qt_model_tester(filled, make_window, qtbot, qtmodeltester):
    window = make_window()
    sign_in(window, qtbot)
    model = window.situations.model
    assert model.rowCount() == 300
    qtmodeltester.check(model)


def test_search_filters_and_counts(filled, make_window, qtbot):
    window = make_window()
    sign_in(window, qtbot)
    page = window.situations
    window.find_action.trigger()
    assert window.pages.currentWidget() is page and page.search.hasFocus()
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
    page = window.situations
    refreshed(qtbot, page, lambda: page.table.horizontalHeader().sectionClicked.emit(0))
    references = [page.model.data(page.model.index(r, 0)) for r in range(5)]
    assert references == sorted(references, key=lambda ref: (ref[:4], int(ref[5:])))


def test_a_manager_has_no_list_of_situations(filled, make_window, qtbot):
    window = make_window()
    window.login.login.setText("g.gestion")
    window.login.passphrase.setText(OTHER_PASS)
    with qtbot.waitSignal(window.signed_in, timeout=20_000):
        window.login.open.click()
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == ["Accueil"]
    assert window.situations.model.rowCount() == 0


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
