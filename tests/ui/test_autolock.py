"""Walking away: the window locks itself, and the same user comes back where they were."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from casecell.domain.users import Role
from casecell.services import accounts, demo, settings
from casecell.ui.idle import IdleWatcher
from tests.conftest import FAST_KDF, OTHER_PASS
from tests.ui.test_situations import open_first_case, refreshed, sign_in


@pytest.fixture
def filled(admin_ctx):
    demo.fill(admin_ctx, 120, 3, date(2026, 3, 31))
    accounts.add_user(admin_ctx, "b.coord", "", Role.COORDINATOR, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)


def test_the_watcher_fires_when_idle_and_input_restarts_it(qapp, qtbot, monkeypatch):
    watcher = IdleWatcher()
    with qtbot.waitSignal(watcher.idle, timeout=5_000):
        watcher.start(50)
    assert not watcher.active
    watcher.start(60_000)
    restarts = []
    monkeypatch.setattr(watcher._timer, "start", lambda *args: restarts.append(args))
    QApplication.sendEvent(
        qapp, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    )
    assert restarts == [()]
    watcher.stop()


def test_the_idle_delay_is_an_admin_setting(admin_ctx):
    assert settings.idle_lock_minutes(admin_ctx) == 10
    assert settings.set_idle_lock_minutes(admin_ctx, 3) == 3
    assert settings.idle_lock_minutes(admin_ctx) == 3
    with pytest.raises(Exception, match="entre 1 et 120"):
        settings.set_idle_lock_minutes(admin_ctx, 0)


def test_auto_lock_hides_everything_and_restores_the_same_user(filled, make_window, qtbot):
    window = make_window()
    sign_in(window, qtbot)
    assert window.session.idle.active and window.session.idle.interval_ms == 10 * 60_000
    page = window.workspace.situations
    refreshed(qtbot, page, lambda: page.status.setCurrentIndex(page.status.findData("monitoring")))
    case_id = open_first_case(window, qtbot)
    window.workspace.case_page.note.setPlainText("Brouillon non enregistré : appeler le CMP")

    vault = window.session.ctx.vault
    with qtbot.waitSignal(window.session.locked, timeout=20_000):
        window.session.auto_lock()
    assert not vault.unlocked and window.session.ctx is None
    assert window.stack.currentWidget() is window.login
    assert "Verrouillé après 10 min" in window.login.error.text()
    case_page = window.workspace.case_page
    assert case_page.title.text() == "" and case_page.history.rowCount() == 0
    assert window.workspace.situations.model.rowCount() == 0 and not window.session.idle.active

    with qtbot.waitSignal(window.workspace.case_page.loaded, timeout=20_000):
        sign_in(window, qtbot)
    assert window.workspace.pages.currentWidget() is window.workspace.case_page
    assert window.workspace.case_page.details.case.id == case_id
    assert case_page.note.toPlainText() == "Brouillon non enregistré : appeler le CMP"
    assert page.status.currentData() == "monitoring"


def test_another_user_never_gets_the_previous_drafts(filled, make_window, qtbot):
    window = make_window()
    sign_in(window, qtbot)
    open_first_case(window, qtbot)
    window.workspace.case_page.note.setPlainText("Brouillon de l’administratrice")
    with qtbot.waitSignal(window.session.locked, timeout=20_000):
        window.session.auto_lock()
    sign_in(window, qtbot, "b.coord", OTHER_PASS)
    assert window.workspace.pages.currentWidget() is window.home
    assert window.workspace.case_page.note.toPlainText() == ""
    assert window.session.ctx.user.login == "b.coord"
