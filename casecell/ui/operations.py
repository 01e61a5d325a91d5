"""Run service calls off the UI thread (Anki's ``CollectionOp`` habit).

Unlocking pays Argon2id (~0.4 s), backups copy the whole vault: none of that may freeze the
window. :func:`run` starts the work in Qt's thread pool and calls back on the UI thread with
the result, a known error (a French sentence) or a bug (logged as a technical report without
personal data, which the failure callback receives and the window offers to copy). While it
runs, the caller's ``busy`` widgets are disabled.

An operation that writes says what it changed (:class:`Change`, Anki's ``OpChanges`` habit);
once its own page has shown the result, the window's :class:`ChangeBus` tells every page, and
each page that shows that kind of data refreshes itself (now if shown, when next shown
otherwise). No page refreshes another by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Flag, auto
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance, Slot
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from casecell.errors import Cancelled, KnownError, technical_report
from casecell.i18n import _

log = logging.getLogger(__name__)

T = TypeVar("T")


class Change(Flag):
    """What an operation changed in the vault, so that the pages showing it refresh."""

    NONE = 0
    CASES = auto()  # situations, persons, their actions and timeline
    MEETINGS = auto()  # meetings, agendas, attendance, minutes
    PARTNERS = auto()  # organisations and contacts
    SETTINGS = auto()  # the cell's settings (holiday region, idle lock…)
    EVERYTHING = CASES | MEETINGS | PARTNERS | SETTINGS


class ChangeBus(QObject):
    """The window's one channel for "the vault changed"."""

    changed = Signal(object, object)  # a Change, the widget whose operation made it

    def announce(self, change: Change, origin: QObject | None = None) -> None:
        """``origin`` shows its own result already: the others refresh."""
        if change:
            self.changed.emit(change, origin)


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
        changes: Change = Change.NONE,
        bus: ChangeBus | None = None,
    ) -> None:
        super().__init__(parent)
        self._busy = busy or []
        self._changes = changes
        self._bus = bus
        self._origin = parent  # kept: the callback may run a dialog during which we go
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
        try:
            self._on_success(result)
        finally:  # what was written is written, even if showing it failed
            if self._bus is not None:
                self._bus.announce(self._changes, self._origin)

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
    work: Callable[[], T],
    on_success: Callable[[T], None],
    on_failure: Callable[[str, str], None],
    busy: list[QWidget] | None = None,
    *,
    changes: Change = Change.NONE,
    bus: ChangeBus | None = None,
) -> Operation:
    """``work`` off the UI thread, then ``on_success(result)`` on it; a writing operation
    names what it ``changes`` and the ``bus`` tells the pages after ``on_success``."""
    return Operation(parent, work, on_success, on_failure, busy, changes, bus).start()


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
    work: Callable[[Progress], T],
    on_success: Callable[[T], None],
    on_failure: Callable[[str, str], None],
    *,
    changes: Change = Change.NONE,
    bus: ChangeBus | None = None,
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

    operation = Operation(
        parent, lambda: work(tracker), on_success, on_failure, changes=changes, bus=bus
    )
    tracker.signal = operation._signals.progress
    operation._signals.progress.connect(shown)
    operation.done.connect(dialog.deleteLater)
    operation.done.connect(dialog.close)
    return operation.start()
