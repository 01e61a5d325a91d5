"""A bug in the window: a plain message, and a report to copy that holds no personal data."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from casecell.errors import technical_report
from casecell.services import accounts
from casecell.ui.dialogs.bug import BugDialog
from tests.ui.test_situations import sign_in


def raise_with_personal_data():
    name = "Hélène Lefèvre, née le 02/03/1950"
    raise ValueError(f"cannot handle {name}")


def test_the_report_names_the_place_not_the_data():
    try:
        raise_with_personal_data()
    except ValueError as exc:
        report = technical_report(exc)
    assert "builtins.ValueError" in report
    assert "test_bug_dialog.py" in report and "raise_with_personal_data" in report
    assert "Hélène" not in report and "1950" not in report


def test_a_bug_during_an_operation_offers_the_report(admin_ctx, make_window, qtbot, monkeypatch):
    accounts.sign_out(admin_ctx)
    window = make_window()
    sign_in(window, qtbot)
    shown: list[str] = []

    def fake_run(self):
        shown.append(self.detailedText())
        self.copy_report()

    monkeypatch.setattr(BugDialog, "run", fake_run)
    monkeypatch.setattr(
        "casecell.services.maintenance.check", lambda ctx: raise_with_personal_data()
    )
    window.home.check.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert "raise_with_personal_data" in shown[0] and "Hélène" not in shown[0]
    assert QApplication.clipboard().text() == shown[0]
    assert "Erreur inattendue" in window.home.error.text()
