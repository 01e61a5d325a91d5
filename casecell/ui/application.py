"""The Qt application: fonts, French for Qt's own dialogs, the main window, screenshots.

:func:`build` makes the window without entering the event loop, so tests and
``casecell gui --screenshot`` can drive it (qutebrowser's and Anki's habit).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QEvent,
    QEventLoop,
    QIODevice,
    QLibraryInfo,
    QLocale,
    QObject,
    QTimer,
    QTranslator,
    SignalInstance,
)
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from casecell import i18n
from casecell.bootstrap import Bootstrap
from casecell.desktop import qt_platform
from casecell.domain.meetings import Meeting, MeetingStatus
from casecell.errors import KnownError
from casecell.fileio import check_output, write_atomically
from casecell.i18n import _
from casecell.paths import resource_dir
from casecell.ui import operations
from casecell.ui.crash import CrashHandler
from casecell.ui.main_window import MainWindow
from casecell.ui.models.cases import short_pattern
from casecell.ui.workspace import import_workspace

SCREENSHOT_SIZE = (1280, 800)  # what the issue asks for README pictures
# benchmarks/bench_startup.py: print the time of the window's first paint, then quit.
PAINT_PROBE_ENV = "CASECELL_EXIT_AFTER_PAINT"


class _AfterFirstPaint(QObject):
    """Calls ``then`` once the window has painted for the first time (the whole pass:
    children paint within it)."""

    def __init__(self, window: MainWindow, then: Callable[[], object]) -> None:
        super().__init__(window)
        self._then = then
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def _painted_then_quit() -> None:
    """Start-up measured from outside the process: print ``painted <epoch seconds>``, quit."""
    import time

    print(f"painted {time.time():.6f}", flush=True)
    QApplication.quit()


def _prepare_workspace(window: MainWindow) -> operations.Operation:
    """While the user types the passphrase: import the signed-in pages (with the services,
    SQLAlchemy and the ORM) in the background, then build them, so that signing in waits for
    neither. Signing in first is fine: its worker imports them too, and the pages are built
    once."""
    return operations.run(
        window, import_workspace, lambda _result: build_pages(window), lambda _m, _r: None
    )


def build_pages(window: MainWindow) -> None:
    """The signed-in pages built (their modules imported), then polished and laid out by Qt
    as showing them would: ~25 ms that the first screen after signing in no longer waits for."""
    if "workspace" in vars(window):
        return
    workspace = window.workspace
    for widget in [workspace, *workspace.findChildren(QWidget)]:
        widget.ensurePolished()
    workspace.resize(window.stack.size())
    layout = workspace.layout()
    if layout is not None:
        layout.activate()


def application() -> QApplication:
    """The one QApplication, set up once: name, DejaVu Sans, Qt's French translations."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName("casecell")
    app.setOrganizationName("casecell")
    # The installed menu entry (packaging/linux): lets the desktop pair the window with it.
    app.setDesktopFileName("fr.casecell.casecell")
    icon = QIcon.fromTheme("casecell")
    if not icon.isNull():
        app.setWindowIcon(icon)
    fonts = resource_dir() / "fonts"
    families: list[str] = []
    for ttf in sorted(fonts.glob("DejaVuSans*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(ttf))
        families += QFontDatabase.applicationFontFamilies(font_id)
    if "DejaVu Sans" in families:
        app.setFont(QFont("DejaVu Sans", 10))
    short_pattern(i18n.current_language())  # load the locale's calendar data at start-up
    if i18n.current_language() == "fr":
        QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
        translator = QTranslator(app)
        if translator.load(
            "qtbase_fr", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        ):
            app.installTranslator(translator)
    return app


def build(boot: Bootstrap) -> MainWindow:
    return MainWindow(boot)


def _wait(signal: SignalInstance) -> None:
    """Let the event loop run until ``signal`` (or 20 s: a script must never hang)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(20_000, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def _latest_meeting(window: MainWindow, held: bool = False) -> Meeting | None:
    """The latest meeting of the last two years with an agenda (held, if asked: one with
    attendance and notes, a real one to show)."""
    from casecell.services import meetings

    ctx = window.session.ctx
    if ctx is None or not ctx.user.sees_names:
        return None
    today = ctx.today()
    found = [
        m
        for m in meetings.list_meetings(ctx, today - timedelta(days=730), today)
        if m.items and (m.status is MeetingStatus.HELD or not held)
    ]
    return found[-1] if found else None


def _meeting_to_show(window: MainWindow) -> int | None:
    latest = _latest_meeting(window, held=True)
    if latest is not None:
        return latest.id
    shown = window.workspace.meetings._meetings
    return shown[0].id if shown else None


def screenshot(window: MainWindow, target: Path, page: str) -> None:
    """Render ``page`` to a PNG without an event loop; signs in from the environment for home.

    The image is written ``0600``, never over a file of the vault.
    """
    check_output(target, window.session.boot.paths)
    if page in ("home", "cases", "case", "partners", "persons", "meetings", "meeting", "reports"):
        login = os.environ.get("CASECELL_USER")
        passphrase = os.environ.get("CASECELL_PASSPHRASE")
        if not (login and passphrase):
            raise KnownError(_("This page needs CASECELL_USER and CASECELL_PASSPHRASE to sign in."))
        workspace, session = window.workspace, window.session
        waiting = QEventLoop()
        workspace.situations.refreshed.connect(waiting.quit)
        home = QEventLoop()
        window.home.dashboard_loaded.connect(home.quit)
        session.enter(session.boot.sign_in(login, passphrase, exclusive=False))
        names = session.ctx is not None and session.ctx.user.sees_names
        if page == "home" and names:
            QTimer.singleShot(20_000, home.quit)  # never hang a script
            home.exec()
        if page in ("cases", "case"):
            workspace.show_page(workspace.situations)
            QTimer.singleShot(20_000, waiting.quit)  # never hang a script
            if names:
                waiting.exec()
        if page == "partners":
            workspace.show_page(workspace.partners)
            if not workspace.partners.organisations.rowCount():
                workspace.partners.refresh()  # not shown yet: no showEvent to start it
            _wait(workspace.partners.loaded)  # the organisations…
            if workspace.partners.organisations.rowCount():
                workspace.partners.organisations.selectRow(0)
                _wait(workspace.partners.loaded)  # …then the first one's contacts
        if page == "persons" and names:
            workspace.show_page(workspace.persons)
            if not workspace.persons.table.rowCount():
                workspace.persons.refresh()  # not shown yet: no showEvent to start it
                _wait(workspace.persons.loaded)
            if workspace.persons.table.rowCount():
                workspace.persons.table.selectRow(0)
        if page in ("meetings", "meeting") and names:
            workspace.show_page(workspace.meetings)
            if not workspace.meetings.table.rowCount():
                workspace.meetings.refresh()  # not shown yet: no showEvent to start it
                _wait(workspace.meetings.loaded)
            latest = _latest_meeting(window) if not workspace.meetings.table.rowCount() else None
            if latest is not None:  # nothing this month: the month of the latest meeting
                day = latest.local_start.date()
                workspace.meetings.calendar.setCurrentPage(day.year, day.month)
                _wait(workspace.meetings.loaded)
        shown_meeting = _meeting_to_show(window) if page == "meeting" else None
        if shown_meeting is not None:
            opened_meeting = QEventLoop()
            workspace.meeting_page.loaded.connect(opened_meeting.quit)
            QTimer.singleShot(20_000, opened_meeting.quit)
            workspace.open_meeting(shown_meeting)
            opened_meeting.exec()
            workspace.meeting_page.agenda.selectRow(0)
        if page == "reports" and workspace.reports in workspace._nav_pages:
            workspace.show_page(workspace.reports)
            workspace.reports.refresh()  # the window is not shown yet: no showEvent to start it
            _wait(workspace.reports.loaded)
        if page == "case" and workspace.situations.model.rowCount():
            opened = QEventLoop()
            workspace.case_page.loaded.connect(opened.quit)
            QTimer.singleShot(20_000, opened.quit)
            workspace.open_case(workspace.situations.model.case_id(0))
            opened.exec()
    elif page == "login":
        window._show(window.login)
    elif page == "welcome":
        window._show(window.welcome)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    QApplication.processEvents()
    image = QBuffer()
    image.open(QIODevice.OpenModeFlag.WriteOnly)
    if not window.grab().save(image, "PNG"):
        raise KnownError(_("Cannot write the image “{path}”.").format(path=target))
    write_atomically(target, bytes(image.data().data()))


def run_gui(args: argparse.Namespace, boot: Bootstrap) -> int:
    target = getattr(args, "screenshot", None)
    if qt_platform(os.environ, target) == "offscreen":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    window: MainWindow | None = None
    crashes = CrashHandler(lambda: window)
    crashes.install()
    try:
        window = build(boot)
        if target:
            try:
                screenshot(window, Path(target), getattr(args, "page", "home"))
            finally:
                window.close()
            return 0
        if getattr(args, "demo", False):
            window.session.open_demo()  # created (fictitious people) if this machine has none yet
        if os.environ.get(PAINT_PROBE_ENV):
            _AfterFirstPaint(window, _painted_then_quit)
        else:
            shown = window
            _AfterFirstPaint(window, lambda: _prepare_workspace(shown))
        window.show()
        return int(app.exec())
    finally:
        crashes.uninstall()
