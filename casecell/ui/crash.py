"""What happens to an error nobody caught while the window runs (qutebrowser's
``misc/crashsignal.py``, much reduced).

A bug raised in a slot or a virtual method never reaches :func:`casecell.app.run`: PySide6
hands it to ``sys.excepthook``. :class:`CrashHandler` puts its own hook there so that such a
bug is logged as a technical report (the exception's type and where it was raised — never its
message, which may hold a name) and shown in the bug dialog, instead of a traceback on a
terminal the user does not see. Qt's own messages go to the log the same way.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from casecell.errors import KnownError, technical_report
from casecell.ui.dialogs.bug import BugDialog

log = logging.getLogger("casecell")
qt_log = logging.getLogger("casecell.qt")

QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
MAX_QT_MESSAGE = 300  # Qt's messages are about widgets and files, kept short all the same

MessageHandler = Callable[[QtMsgType, QMessageLogContext, str], Any]


class CrashHandler:
    """Installs the hooks for the life of the window; :meth:`uninstall` puts back the old."""

    def __init__(self, parent: Callable[[], QWidget | None] = lambda: None) -> None:
        self._parent = parent
        self._previous_hook: Callable[..., Any] | None = None
        self._previous_qt: MessageHandler | None = None
        self._installed = False
        self._showing = False

    def install(self) -> None:
        if self._installed:
            return
        self._previous_hook = sys.excepthook
        sys.excepthook = self.exception_hook
        self._previous_qt = qInstallMessageHandler(self.qt_message)
        self._installed = True

    def uninstall(self) -> None:
        if not self._installed:
            return
        sys.excepthook = self._previous_hook or sys.__excepthook__
        qInstallMessageHandler(self._previous_qt)
        self._installed = False

    def exception_hook(
        self,
        kind: type[BaseException],
        exc: BaseException,
        traceback: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):  # Ctrl+C in the terminal that started us
            QApplication.quit()
            return
        if exc.__traceback__ is None:
            exc.__traceback__ = traceback
        if isinstance(exc, KnownError):  # expected, but a slot forgot to catch it
            log.warning("known error not caught by the window: %s", type(exc).__qualname__)
            self._show(lambda parent: QMessageBox.warning(parent, "casecell", exc.message))
            return
        report = technical_report(exc)
        log.error("unexpected error in the window\n%s", report)
        self._show(lambda parent: self._bug_dialog(parent, report))

    def _show(self, show: Callable[[QWidget | None], Any]) -> None:
        if self._showing:  # a bug while the dialog itself is up: logged, not shown again
            return
        self._showing = True
        try:
            show(self._parent())
        finally:
            self._showing = False

    @staticmethod
    def _bug_dialog(parent: QWidget | None, report: str) -> None:
        dialog = BugDialog(parent)
        dialog.load(report)
        dialog.run()
        dialog.deleteLater()

    def qt_message(self, kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        """Qt's warnings go to casecell's log (then to whoever listened before, pytest-qt for
        one)."""
        level = QT_LEVELS.get(kind, logging.WARNING)
        if qt_log.isEnabledFor(level):
            where = context.category or "qt"
            qt_log.log(level, "%s: %s", where, message[:MAX_QT_MESSAGE])
        if self._previous_qt is not None:
            self._previous_qt(kind, context, message)
