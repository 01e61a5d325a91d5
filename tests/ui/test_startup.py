"""The sign-in screen paints without the vault's code; the signed-in pages come at sign-in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from casecell.services import accounts
from casecell.ui.application import _prepare_workspace
from tests.conftest import ADMIN, ADMIN_PASS

ROOT = Path(__file__).resolve().parent.parent.parent

SCRIPT = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from casecell import i18n
from casecell.bootstrap import Bootstrap
from casecell.paths import VaultPaths
from casecell.ui.application import application
from casecell.ui.main_window import MainWindow

i18n.install("fr")
app = application()
window = MainWindow(Bootstrap(VaultPaths(Path(sys.argv[1]))))
window.show()
app.processEvents()
assert window.stack.currentWidget() is window.login
heavy = [m for m in ("sqlalchemy", "sqlcipher3", "casecell.services.cases",
                     "casecell.storage.vault", "casecell.ui.situations", "reportlab")
         if m in sys.modules]
assert not heavy, f"imported before signing in: {heavy}"
window.session.enter(window.session.boot.sign_in(sys.argv[2], sys.argv[3]))
assert window.stack.currentWidget() is window.workspace
assert window.workspace.pages.currentWidget() is window.home
window.close()
"""


def test_the_sign_in_screen_imports_neither_sqlalchemy_nor_the_signed_in_pages(
    admin_ctx, vault_paths
):
    """Issue 16: the sign-in screen waited ~1 s for SQLAlchemy, the ORM and every page."""
    accounts.sign_out(admin_ctx)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(vault_paths.vault), ADMIN, ADMIN_PASS],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_a_page_asked_for_before_signing_in_is_built_then(make_window, admin_ctx):
    accounts.sign_out(admin_ctx)
    window = make_window()
    assert "workspace" not in vars(window)  # nothing built for the sign-in screen
    assert window.workspace.situations.model.rowCount() == 0  # built on demand, still empty
    assert window.stack.indexOf(window.workspace) >= 0
    assert window.stack.currentWidget() is window.login
    assert window.workspace.situations is window.workspace._case_origin  # built once, not again


def test_the_pages_are_prepared_in_the_background_while_the_sign_in_screen_shows(
    make_window, admin_ctx, qtbot
):
    accounts.sign_out(admin_ctx)
    window = make_window()
    with qtbot.waitSignal(_prepare_workspace(window).done, timeout=20_000):
        pass
    assert "workspace" in vars(window) and window.stack.indexOf(window.workspace) >= 0
    assert window.stack.currentWidget() is window.login  # nothing shown before signing in
    built = window.workspace.situations
    window.login.login_requested.emit(ADMIN, ADMIN_PASS)
    qtbot.waitUntil(lambda: window.session.ctx is not None, timeout=20_000)
    assert window.workspace.situations is built and window.stack.currentWidget() is window.workspace


def test_a_wrong_passphrase_builds_no_page_on_the_ui_thread(make_window, admin_ctx, qtbot):
    """The sign-in operation announces its changes on the window's bus: asking for the bus
    must not build the signed-in pages on the UI thread as the user clicks."""
    accounts.sign_out(admin_ctx)
    window = make_window()
    window.login.login_requested.emit(ADMIN, "pas la bonne phrase de passe")
    assert "workspace" not in vars(window)  # the click itself built nothing
    qtbot.waitUntil(lambda: window.login.open.isEnabled(), timeout=20_000)
    assert window.session.ctx is None
