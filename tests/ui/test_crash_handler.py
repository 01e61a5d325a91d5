"""A bug in a slot reaches the bug dialog and the log, without the personal data it held."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QObject, QTimer, Signal, qWarning
from PySide6.QtWidgets import QMessageBox, QPushButton

from casecell.errors import ValidationError
from casecell.ui.crash import CrashHandler
from casecell.ui.dialogs.bug import BugDialog


class Emitter(QObject):
    fired = Signal()


@pytest.fixture
def crashes(qapp):
    handler = CrashHandler()
    handler.install()
    yield handler
    handler.uninstall()


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    reports: list[str] = []
    monkeypatch.setattr(BugDialog, "run", lambda self: reports.append(self.detailedText()))
    return reports


def slot_with_personal_data() -> None:
    name = "Hélène Lefèvre, née le 02/03/1950"
    raise ValueError(f"cannot handle {name}")


def test_a_slot_that_raises_shows_the_bug_dialog_and_logs_no_name(crashes, shown, qtbot, caplog):
    button = QPushButton()
    qtbot.addWidget(button)
    button.clicked.connect(slot_with_personal_data)
    with caplog.at_level(logging.ERROR, logger="casecell"):
        button.click()
    assert len(shown) == 1
    assert "builtins.ValueError" in shown[0] and "slot_with_personal_data" in shown[0]
    assert "Hélène" not in shown[0] and "1950" not in shown[0]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "slot_with_personal_data" in logged and "Hélène" not in logged


def test_a_bug_from_a_signal_in_the_event_loop(crashes, shown, qtbot):
    emitter = Emitter()
    emitter.fired.connect(slot_with_personal_data)
    QTimer.singleShot(0, emitter.fired.emit)
    qtbot.waitUntil(lambda: bool(shown))
    assert "slot_with_personal_data" in shown[0]


def test_a_known_error_a_slot_forgot_is_shown_as_its_sentence(crashes, shown, qtbot, monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))

    def refuse() -> None:
        raise ValidationError("Le motif est obligatoire.")

    button = QPushButton()
    qtbot.addWidget(button)
    button.clicked.connect(refuse)
    button.click()
    assert said == ["Le motif est obligatoire."] and shown == []


def test_a_bug_inside_the_dialog_is_not_shown_again(crashes, qtbot, monkeypatch):
    calls: list[str] = []

    def broken_run(self) -> None:
        calls.append(self.detailedText())
        crashes.exception_hook(RuntimeError, RuntimeError("again"), None)

    monkeypatch.setattr(BugDialog, "run", broken_run)
    button = QPushButton()
    qtbot.addWidget(button)
    button.clicked.connect(slot_with_personal_data)
    button.click()
    assert len(calls) == 1


@pytest.mark.qt_log_ignore("casecell: a message from Qt")
def test_qt_messages_go_to_the_log(crashes, caplog):
    with caplog.at_level(logging.WARNING, logger="casecell.qt"):
        qWarning("casecell: a message from Qt")
    assert any("a message from Qt" in r.getMessage() for r in caplog.records)


def test_uninstall_puts_back_the_previous_hook(qapp):
    import sys

    before = sys.excepthook
    handler = CrashHandler()
    handler.install()
    assert sys.excepthook == handler.exception_hook
    handler.uninstall()
    assert sys.excepthook is before
