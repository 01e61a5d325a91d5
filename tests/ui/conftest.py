"""Qt tests run offscreen; a test that leaves a visible top-level widget fails (napari)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QApplication

from casecell.ui.application import application
from casecell.ui.main_window import MainWindow


@pytest.fixture(scope="session")
def qapp_cls():
    return QApplication


@pytest.fixture(scope="session")
def qapp():
    return application()


@pytest.fixture
def make_window(qapp, qtbot, boot):
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(boot)
        windows.append(window)
        window.show()
        return window

    yield make
    for window in windows:
        window.close()
        window.deleteLater()
    qapp.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not leaked, f"widgets left open: {leaked}"
