"""The window's prerequisites: a missing Qt library or display is a sentence, not Qt's abort."""

from __future__ import annotations

from pathlib import Path

import pytest

from casecell import desktop

LINUX_DESKTOP = {"DISPLAY": ":0"}


@pytest.mark.parametrize(
    ("environ", "screenshot", "expected"),
    [
        ({"QT_QPA_PLATFORM": "offscreen"}, None, "offscreen"),
        ({"QT_QPA_PLATFORM": "xcb:foo=1"}, None, "xcb"),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, None, "wayland"),
        ({}, Path("x.png"), "offscreen"),
        (
            {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"},
            None,
            "wayland",
        ),
        ({"WAYLAND_DISPLAY": "wayland-0"}, None, "wayland"),
        (LINUX_DESKTOP, None, "xcb"),
        (LINUX_DESKTOP, Path("x.png"), "xcb"),
    ],
)
def test_the_platform_qt_will_try(monkeypatch, environ, screenshot, expected):
    monkeypatch.setattr("sys.platform", "linux")
    assert desktop.qt_platform(environ, screenshot) == expected


def test_missing_xcb_libraries_are_named_as_packages(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    with pytest.raises(desktop.KnownError) as refused:
        desktop.check_display_libraries(
            LINUX_DESKTOP, loads=lambda name: name not in absent, reachable=lambda d: True
        )
    message = str(refused.value)
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "bibliothèques absentes" in message


def test_a_display_that_does_not_answer(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    with pytest.raises(desktop.KnownError, match="« :42 » ne répond pas"):
        desktop.check_display_libraries(
            {"DISPLAY": ":42"}, loads=lambda name: True, reachable=lambda d: False
        )
    with pytest.raises(desktop.KnownError, match="DISPLAY n’est pas défini"):
        desktop.check_display_libraries({}, loads=lambda name: True)


def test_nothing_is_checked_offscreen_or_on_wayland(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    for environ in ({"QT_QPA_PLATFORM": "offscreen"}, {"WAYLAND_DISPLAY": "wayland-0"}):
        desktop.check_display_libraries(environ, loads=lambda name: False)


def test_the_real_libraries_of_this_machine_are_looked_up():
    assert set(desktop.missing_packages()) <= set(desktop.XCB_LIBRARIES.values())
    assert desktop.missing_packages(lambda name: False) == list(desktop.XCB_LIBRARIES.values())


def test_casecell_without_its_xcb_libraries_exits_1_with_the_packages(cli, monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(desktop, "_loads", lambda name: name != "libxcb-cursor.so.0")
    result = cli()
    assert result.code == 1, result.err
    assert "sudo apt-get install libxcb-cursor0" in result.err and "Traceback" not in result.err


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("libEGL.so.1: cannot open shared object file: No such file or directory", True),
        ("No module named 'casecell.ui.nothing'", False),
    ],
)
def test_only_a_missing_shared_library_is_a_known_error(text, known):
    found = desktop.qt_import_error(ImportError(text))
    assert (found is not None) is known
    if found is not None:
        assert "libEGL.so.1" in str(found)
