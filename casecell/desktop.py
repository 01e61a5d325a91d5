"""Before the window: is there a display Qt can use, and are the libraries it needs there?

On Linux, Qt's X11 platform plugin (xcb) loads a dozen small libraries that a desktop
usually has, but a fresh Debian or a minimal image may lack. Without them Qt prints a line
about "xcb" and aborts the process (exit 134): nothing a user can act on. This module looks
first, without importing Qt, and names the Debian packages to install.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from casecell.errors import KnownError
from casecell.i18n import _

# What Qt 6's libqxcb.so and libQt6XcbQpa.so.6 load (ldd), and the Debian package of each.
# scripts/setup.sh installs the same list.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}


def qt_platform(environ: Mapping[str, str], screenshot: Path | None = None) -> str:
    """The platform plugin Qt will try first: ``QT_QPA_PLATFORM`` if set; ``offscreen`` for a
    screenshot without a display; else, on Linux, ``wayland`` in a Wayland session and
    ``xcb`` otherwise."""
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.replace(",", ";").split(";")[0].split(":")[0]
    display = environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")
    if screenshot is not None and not display:
        return "offscreen"
    if not sys.platform.startswith("linux"):
        return ""
    if environ.get("WAYLAND_DISPLAY") and (
        environ.get("XDG_SESSION_TYPE") == "wayland" or not environ.get("DISPLAY")
    ):
        return "wayland"
    return "xcb"


def _loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def display_reachable(display: str) -> bool:
    """Whether an X server answers at ``display`` (Qt aborts when none does)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return False
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return connection is not None and xcb.xcb_connection_has_error(connection) == 0
    finally:
        if connection is not None:
            xcb.xcb_disconnect(connection)  # also frees a connection in error


def missing_packages(loads: Callable[[str], bool] | None = None) -> list[str]:
    """The Debian packages whose library Qt's xcb platform would fail to load."""
    loads = loads or _loads
    return [package for library, package in XCB_LIBRARIES.items() if not loads(library)]


def check_display_libraries(
    environ: Mapping[str, str] | None = None,
    screenshot: Path | None = None,
    loads: Callable[[str], bool] | None = None,
    reachable: Callable[[str], bool] | None = None,
) -> None:
    """A :class:`KnownError` naming the packages to install, instead of Qt's abort."""
    environ = os.environ if environ is None else environ
    if qt_platform(environ, screenshot) != "xcb":
        return
    missing = missing_packages(loads)
    if missing:
        raise KnownError(
            _(
                "The window cannot start: Qt's X11 display (xcb) needs libraries that this "
                "computer lacks. Install them, then start casecell again:\n"
                "  sudo apt-get install {packages}\n"
                "(bash scripts/setup.sh does it too). The command line works without them."
            ).format(packages=" ".join(missing))
        )
    display = environ.get("DISPLAY", "")
    if not display:
        raise KnownError(
            _(
                "No graphical display (DISPLAY is not set): start casecell from a desktop "
                "session. The command line works without one (casecell --help)."
            )
        )
    if not (reachable or display_reachable)(display):
        raise KnownError(
            _(
                "The graphical display “{display}” does not answer: start casecell from a "
                "desktop session. The command line works without one (casecell --help)."
            ).format(display=display)
        )


def qt_import_error(exc: ImportError) -> KnownError | None:
    """A library Qt itself needs is missing (``libEGL.so.1: cannot open shared object
    file``): the sentence to show. None for any other import error, which is a bug."""
    text = str(exc)
    if ".so" not in text or "cannot open shared object file" not in text:
        return None
    library = text.split(":", 1)[0].strip()
    return KnownError(
        _(
            "The window cannot start: the library {library} is missing. "
            "Run bash scripts/setup.sh, or install the package that provides it "
            "(apt-file search {library})."
        ).format(library=library)
    )
