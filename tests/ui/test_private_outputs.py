"""The window writes private files too, and never over the vault (a save dialog can name it)."""

from __future__ import annotations

import json
import os

from PySide6.QtGui import QImage

from casecell.services import accounts, maintenance
from tests.conftest import ADMIN, ADMIN_PASS
from tests.ui.test_situations import sign_in


def test_saving_over_the_vault_from_the_window_is_refused(make_window, qtbot, admin_ctx, tmp_path):
    paths = admin_ctx.vault.paths
    accounts.sign_out(admin_ctx)
    keys = json.loads(paths.keys.read_text())["slots"]  # the audit anchor moves, not the slots
    window = make_window()
    sign_in(window, qtbot, ADMIN, ADMIN_PASS)
    for target in (paths.vault, paths.keys):
        with qtbot.waitSignal(window.operation_done, timeout=30_000):
            window.admin.export_register(str(target))
        assert "fichier du coffre" in window.home.error.text()
    assert json.loads(paths.keys.read_text())["slots"] == keys
    assert window.session.ctx is not None
    actions = [line.action.value for line in maintenance.audit_trail(window.session.ctx, 5)]
    assert "export" not in actions  # refused before anything was read

    saved = tmp_path / "registre.json"
    with qtbot.waitSignal(window.operation_done, timeout=30_000):
        window.admin.export_register(str(saved))
    assert os.stat(saved).st_mode & 0o777 == 0o600


def test_a_screenshot_is_private_and_never_over_the_vault(cli, qapp, admin_ctx, tmp_path):
    paths = admin_ctx.vault.paths
    accounts.sign_out(admin_ctx)
    before = paths.vault.read_bytes(), paths.keys.read_bytes()
    for target in (paths.vault, paths.keys):
        refused = cli("gui", "--screenshot", str(target), "--page", "welcome")
        assert refused.code == 1 and "fichier du coffre" in refused.err, refused.err
    assert (paths.vault.read_bytes(), paths.keys.read_bytes()) == before
    empty = cli("gui", "--screenshot", "", "--page", "welcome")
    assert empty.code == 2 and "aucun nom de fichier" in empty.err

    old = os.umask(0)
    try:
        image = tmp_path / "accueil.png"
        assert cli("gui", "--screenshot", str(image), "--page", "welcome").code == 0
    finally:
        os.umask(old)
    assert os.stat(image).st_mode & 0o777 == 0o600 and not QImage(str(image)).isNull()
