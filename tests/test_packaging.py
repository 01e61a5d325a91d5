"""The files packaging/ installs: a menu entry that starts casecell with its icon, icons of the
sizes install.sh copies, AppStream metainfo that names the same application. The bundle itself
is built and run by packaging/smoke.sh (CI runs it)."""

from __future__ import annotations

import configparser
import re
import struct
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from casecell.compat import UTC, StrEnum
from casecell.domain.users import Role

PACKAGING = Path(__file__).resolve().parent.parent / "packaging"
APP_ID = "fr.casecell.casecell"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(PACKAGING / "linux" / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_menu_entry_starts_casecell_in_office_with_french_words():
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    # install.sh rewrites exactly this line into the installed program's full path.
    assert entry["Exec"] == "casecell"
    assert entry["Icon"] == "casecell"
    assert entry["Categories"] == "Office;"
    assert entry["Terminal"] == "false"
    assert "Registre" in entry["Comment[fr]"]
    assert entry["GenericName[fr]"]
    exec_line = "^Exec=casecell\\$"
    assert exec_line in (PACKAGING / "install.sh").read_text(encoding="utf-8")


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path.name
    return struct.unpack(">II", data[16:24])


def test_every_icon_size_that_install_sh_copies_exists_at_that_size():
    script = (PACKAGING / "install.sh").read_text(encoding="utf-8")
    sizes = [int(n) for n in re.search(r"^sizes=\(([\d ]+)\)", script, re.M).group(1).split()]
    assert sizes[0] == 16 and sizes[-1] == 256
    for size in sizes:
        assert _png_size(PACKAGING / "icons" / f"casecell-{size}.png") == (size, size)
    svg = ET.parse(PACKAGING / "icons" / "casecell.svg")  # noqa: S314 (our own file)
    assert svg.getroot().tag.endswith("svg")
    assert (PACKAGING / "icons" / "casecell.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_metainfo_names_the_menu_entry_in_french_too():
    root = ET.parse(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml").getroot()  # noqa: S314
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    assert [s.text for s in root.findall("summary") if s.get(lang) == "fr"]
    assert root.find("releases/release").get("version") == "0.1.0"


def test_compat_gives_python_3_11_behaviour_on_every_supported_python():
    assert str(Role.ADMIN) == "admin"
    assert f"{Role.MANAGER}" == "manager"
    assert f"{Role.MEMBER:>8}" == "  member"
    assert Role("coordinator") is Role.COORDINATOR
    assert isinstance(Role.ADMIN, str) and issubclass(Role, StrEnum)
    assert datetime(2026, 1, 1, tzinfo=UTC).isoformat() == "2026-01-01T00:00:00+00:00"
