"""Long work from the window: a progress dialog, and Cancel leaves everything as it was."""

from __future__ import annotations

import json
from datetime import date

import pytest

from casecell.errors import Cancelled
from casecell.services import accounts, demo, interchange
from casecell.ui import operations
from tests.ui.test_situations import sign_in


@pytest.fixture
def export_file(admin_ctx, tmp_path):
    demo.fill(admin_ctx, 200, 5, date(2026, 3, 31))
    target = tmp_path / "registre.json"
    interchange.export_to(admin_ctx, target)
    admin_ctx.vault.close()
    return target


def test_progress_raises_once_cancelled():
    progress = operations.Progress()
    progress("Écriture", 1, 10)
    progress.cancelled = True
    with pytest.raises(Cancelled, match="rien n’a été modifié"):
        progress("Écriture", 2, 10)


def test_a_cancelled_import_imports_nothing(export_file, tmp_path):
    from casecell.bootstrap import Bootstrap
    from casecell.paths import VaultPaths
    from tests.conftest import FAST_KDF

    (tmp_path / "vide").mkdir()
    ctx = Bootstrap(VaultPaths(tmp_path / "vide" / "casecell.vault"), FAST_KDF).init(
        "autre.admin", "Autre", "phrase de passe du test"
    )
    progress = operations.Progress()
    progress.cancelled = True
    with pytest.raises(Cancelled):
        interchange.import_from(ctx, export_file, progress)
    assert interchange.export_data(ctx)["cases"] == []
    accounts.sign_out(ctx)


def test_export_and_import_from_the_window(make_window, qtbot, boot, export_file, tmp_path):
    window = make_window()
    sign_in(window, qtbot, "admin.test", "phrase de passe du test")
    target = tmp_path / "depuis-la-fenetre.json"
    with qtbot.waitSignal(window.operation_done, timeout=60_000):
        window.admin.export_register(str(target))
    assert len(json.loads(target.read_text("utf-8"))["cases"]) == 200
    assert "données nominatives en clair" in window.home.report.text()

    with qtbot.waitSignal(window.operation_done, timeout=60_000):
        window.admin.import_register(str(export_file))  # this vault is not empty: refused
    assert "coffre neuf et vide" in window.home.error.text()
