"""A coordinator's first run, unlock, lock and check, driven through the window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from casecell.services import accounts
from tests.conftest import ADMIN, ADMIN_PASS


def wait_for_operation(qtbot, window, trigger):
    with qtbot.waitSignal(window.operation_done, timeout=20_000):
        trigger()


def test_first_run_creates_the_vault_and_signs_in(make_window, qtbot, vault_paths):
    window = make_window()
    assert window.stack.currentWidget() is window.welcome
    page = window.welcome
    page.login.setText(ADMIN)
    page.name.setText("Zoë <b>Łukasiewicz</b> & Cie")
    page.passphrase.setText("court")
    assert "Trop courte" in page.hint.text()
    page.passphrase.setText(ADMIN_PASS)
    page.confirmation.setText(ADMIN_PASS + "x")
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    assert "diffèrent" in page.error.text()
    assert not vault_paths.vault.exists()

    page.confirmation.setText(ADMIN_PASS)
    with qtbot.waitSignal(window.session.entered, timeout=20_000):
        qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    assert vault_paths.vault.exists()
    assert window.stack.currentWidget() is window.workspace
    assert window.workspace.pages.currentWidget() is window.home
    assert window.home.greeting.text() == "Bonjour, Zoë <b>Łukasiewicz</b> & Cie"
    assert window.home.greeting.textFormat() == Qt.TextFormat.PlainText
    assert window.user_label.textFormat() == Qt.TextFormat.PlainText


def test_a_weak_passphrase_is_explained(make_window, qtbot, vault_paths):
    window = make_window()
    page = window.welcome
    page.login.setText(ADMIN)
    page.passphrase.setText("trop court")
    page.confirmation.setText("trop court")
    wait_for_operation(
        qtbot, window, lambda: qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    )
    assert "trop courte" in page.error.text()
    assert window.stack.currentWidget() is window.welcome
    assert not vault_paths.vault.exists()


def test_wrong_passphrase_stays_on_the_login_page(admin_ctx, make_window, qtbot):
    accounts.sign_out(admin_ctx)
    window = make_window()
    assert window.stack.currentWidget() is window.login
    window.login.login.setText(ADMIN)
    window.login.passphrase.setText("pas la bonne phrase")
    wait_for_operation(
        qtbot, window, lambda: qtbot.keyClick(window.login.passphrase, Qt.Key.Key_Return)
    )
    assert "Phrase de passe incorrecte" in window.login.error.text()
    assert window.login.passphrase.text() == ""
    assert window.session.ctx is None

    window.login.passphrase.setText(ADMIN_PASS)
    with qtbot.waitSignal(window.session.entered, timeout=20_000):
        qtbot.keyClick(window.login.passphrase, Qt.Key.Key_Return)
    assert window.session.ctx is not None and window.session.ctx.user.login == ADMIN


def test_check_then_ctrl_l_locks(admin_ctx, make_window, qtbot):
    accounts.sign_out(admin_ctx)
    window = make_window()
    window.login.login.setText(ADMIN)
    window.login.passphrase.setText(ADMIN_PASS)
    with qtbot.waitSignal(window.session.entered, timeout=20_000):
        window.login.open.click()
    window.home.check.click()
    # Other operations (the sign-in's own end) may finish first: wait for what the user sees.
    qtbot.waitUntil(lambda: "chaîne intacte" in window.home.report.text(), timeout=20_000)

    vault = window.session.ctx.vault
    with qtbot.waitSignal(window.session.locked, timeout=20_000):
        window.lock_action.trigger()
    assert window.session.ctx is None and not vault.unlocked
    assert window.stack.currentWidget() is window.login


def test_f1_shows_the_shortcuts_in_french(make_window, qtbot, monkeypatch):
    from casecell.ui.dialogs.help import HelpDialog

    window = make_window()
    shown = []
    monkeypatch.setattr(
        HelpDialog,
        "exec",
        lambda self: shown.append(
            [self.table.item(r, 1).text() for r in range(self.table.rowCount())]
        ),
    )
    window.help_action.trigger()
    assert window.help_action.shortcut().toString() == "F1"
    assert "enregistrer une nouvelle saisine" in shown[0]
