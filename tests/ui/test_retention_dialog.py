"""The yearly retention review in the window, as an administrator meets it."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtWidgets import QMessageBox

from casecell.compat import UTC
from casecell.services import accounts, demo
from casecell.storage.vault import Vault
from casecell.ui.dialogs.retention import RetentionDialog
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF
from tests.ui.test_situations import sign_in


@pytest.fixture
def old_register(vault_paths):
    """A demo register (fictitious people) made in June 2024: by now much of it is due."""
    vault_paths.folder.mkdir(parents=True, exist_ok=True)
    then = datetime(2024, 6, 1, 9, tzinfo=UTC)
    ctx = accounts.create_first_admin(
        Vault.create(vault_paths), ADMIN, "Alice Administratrice", ADMIN_PASS,
        kdf=FAST_KDF, clock=lambda: then,
    )  # fmt: skip
    demo.fill(ctx, 60, 5, date(2024, 6, 1))
    accounts.publish_new_vault(ctx)  # built aside, moved into place once complete
    accounts.sign_out(ctx)
    return vault_paths


def test_an_administrator_is_reminded_reviews_and_anonymises(
    old_register, make_window, qtbot, monkeypatch
):
    window = make_window()
    sign_in(window, qtbot)
    qtbot.waitUntil(window.home.retention_notice.isVisible, timeout=20_000)
    assert "conservation" in window.home.retention_notice.text()
    assert window.home.retention.isVisible()

    dialog = RetentionDialog(window)
    seen: list[int] = []

    def reviewed() -> int:
        seen.append(dialog.table.rowCount())
        assert dialog.apply.isEnabled()
        return RetentionDialog.DialogCode.Accepted

    monkeypatch.setattr(dialog, "exec", reviewed)
    with qtbot.waitSignal(window.operation_done, timeout=30_000):
        window.admin.open_retention(dialog)
    assert seen and seen[0] > 0
    qtbot.waitUntil(lambda: "anonymisée" in window.home.report.text(), timeout=20_000)
    assert not window.home.retention_notice.isVisible()


def test_nothing_is_anonymised_without_confirmation(qtbot, monkeypatch):
    dialog = RetentionDialog()
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    dialog._confirm()
    assert dialog.result() != RetentionDialog.DialogCode.Accepted
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    dialog._confirm()
    assert dialog.result() == RetentionDialog.DialogCode.Accepted


def test_an_administrator_drafts_the_impact_assessment_from_home(
    old_register, make_window, qtbot, tmp_path
):
    window = make_window()
    sign_in(window, qtbot)
    assert window.home.aipd.isVisible()
    target = tmp_path / "aipd.pdf"
    with qtbot.waitSignal(window.operation_done, timeout=30_000):
        window.admin.write_aipd(str(target))
    assert target.read_bytes().startswith(b"%PDF")
    assert "à compléter" in window.home.report.text()
