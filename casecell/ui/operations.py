"""Run service calls off the UI thread (Anki's ``CollectionOp`` habit).

Unlocking pays Argon2id (~0.4 s), backups copy the whole vault: none of that may freeze the
window. :func:`run` starts the work in Qt's thread pool and calls back on the UI thread with
the result, a known error (a French sentence) or a bug (logged as a technical report without
personal data, which the failure callback receives and the window offers to copy). While it
runs, the caller's ``busy`` widgets are disabled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance, Slot
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from casecell.errors import Cancelled, KnownError, technical_report
from casecell.i18n import _

log = logging.getLogger(__name__)


class _Signals(QObject):
    progress = Signal(str, int, int)  # stage, done, total
    succeeded = Signal(object)
    failed = Signal(str, str)  # message, technical report ("" for a known error)
    done = Signal()


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self._work = work
        self.signals = signals
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        except RuntimeError:  # the window that asked was closed meanwhile: nobody to tell
            log.debug("a background operation finished after its window closed")

    def _run(self) -> None:
        try:
            result = self._work()
        except KnownError as exc:
            self.signals.failed.emit(exc.message, "")
        except Exception as exc:
            report = technical_report(exc)
            log.error("unexpected error in a background operation\n%s", report)
            self.signals.failed.emit(
                _("Unexpected error. A technical report without personal data was logged."),
                report,
            )
        else:
            self.signals.succeeded.emit(result)
        self.signals.done.emit()


class Operation(QObject):
    """One piece of work under way; ``done`` fires after the success or failure callback."""

    done = Signal()

    def __init__(
        self,
        parent: QObject,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[str, str], None],
        busy: list[QWidget] | None = None,
    ) -> None:
        super().__init__(parent)
        self._busy = busy or []
        self._on_success = on_success
        self._on_failure = on_failure
        self._signals = _Signals(self)
        self._signals.succeeded.connect(self._succeeded)
        self._signals.failed.connect(self._failed)
        self._signals.done.connect(self._finish)
        self._job = _Job(work, self._signals)

    def start(self) -> Operation:
        for widget in self._busy:
            widget.setEnabled(False)
        QThreadPool.globalInstance().start(self._job)
        return self

    def _release(self) -> None:
        # Widgets come back before the callbacks run: a callback may hand focus to them.
        for widget in self._busy:
            widget.setEnabled(True)

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        self._release()
        self._on_success(result)

    @Slot(str, str)
    def _failed(self, message: str, report: str) -> None:
        self._release()
        self._on_failure(message, report)

    @Slot()
    def _finish(self) -> None:
        self.done.emit()
        self.deleteLater()


def run(
    parent: QObject,
    work: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[str, str], None],
    busy: list[QWidget] | None = None,
) -> Operation:
    return Operation(parent, work, on_success, on_failure, busy).start()


def shown_on(
    error: QLabel, bug: SignalInstance, then: Callable[[], None] = lambda: None
) -> Callable[[str, str], None]:
    """A failure callback for a page: the sentence in its ``error`` label, a bug's report
    to ``bug`` (the window offers it to copy), then ``then``."""

    def failed(message: str, report: str) -> None:
        error.setText(f"⚠ {message}")
        if report:
            bug.emit(report)
        then()

    return failed


class Progress:
    """Handed to long work: reports progress to the UI thread, and stops the work (by raising
    :class:`Cancelled` at its next report) once the user asked to cancel."""

    def __init__(self) -> None:
        self.cancelled = False
        self.signal: SignalInstance | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.cancelled:
            raise Cancelled(_("Cancelled: nothing was changed."))
        if self.signal is not None:
            self.signal.emit(stage, done, total)


def run_long(
    parent: QWidget,
    title: str,
    work: Callable[[Progress], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[str, str], None],
) -> Operation:
    """Like :func:`run`, with a progress dialog whose Cancel button stops the work."""
    tracker = Progress()
    dialog = QProgressDialog(title, _("Cancel"), 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(300)  # quick work never flashes a dialog
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(lambda: setattr(tracker, "cancelled", True))

    def shown(stage: str, done: int, total: int) -> None:
        dialog.setLabelText(stage)
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    operation = Operation(parent, lambda: work(tracker), on_success, on_failure)
    tracker.signal = operation._signals.progress
    operation._signals.progress.connect(shown)
    operation.done.connect(dialog.deleteLater)
    operation.done.connect(dialog.close)
    return operation.start()
