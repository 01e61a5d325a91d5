"""First run: create, open another vault, or explore the demo kept apart from real data."""

from __future__ import annotations

from casecell.bootstrap import Bootstrap
from casecell.paths import VaultPaths
from casecell.services import accounts
from casecell.services.demo import DEMO_LOGIN, DEMO_PASSPHRASE
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF
from tests.ui.test_situations import sign_in


def test_exploring_the_demo(make_window, qtbot, isolated_home, vault_paths):
    window = make_window()
    assert window.stack.currentWidget() is window.welcome
    with qtbot.waitSignal(window.session.demo_ready, timeout=60_000):
        window.welcome.demo.click()
    assert window.stack.currentWidget() is window.login
    assert "demo" in str(window.session.boot.paths.vault.parent.name)
    assert window.session.boot.paths.vault.is_relative_to(isolated_home)
    assert not vault_paths.vault.exists()  # the real vault was never touched
    assert window.login.login.text() == DEMO_LOGIN
    assert DEMO_PASSPHRASE in window.login.hint.text()
    sign_in(window, qtbot, DEMO_LOGIN, DEMO_PASSPHRASE)
    assert window.workspace.situations.model.rowCount() == 300


def test_opening_another_vault(make_window, qtbot, tmp_path):
    other = VaultPaths(tmp_path / "autre" / "casecell.vault")
    other.folder.mkdir()
    accounts.sign_out(Bootstrap(other, FAST_KDF).init(ADMIN, "Autre cellule", ADMIN_PASS))
    window = make_window()
    window.open_vault(str(other.vault))
    assert window.stack.currentWidget() is window.login
    assert str(other.vault) in window.login.where.text()
    sign_in(window, qtbot)
    assert window.session.ctx.vault.paths == other
