"""``casecell gui --screenshot`` renders a page to PNG and exits."""

from __future__ import annotations

from PySide6.QtGui import QImage

from casecell.services import accounts
from tests.conftest import ADMIN, ADMIN_PASS


def test_screenshot_of_the_welcome_page(cli, qapp, tmp_path):
    target = tmp_path / "accueil.png"
    result = cli("gui", "--screenshot", str(target), "--page", "welcome")
    assert result.code == 0, result.err
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 800)


def test_screenshot_of_the_home_page_signs_in_from_the_environment(cli, qapp, admin_ctx, tmp_path):
    accounts.sign_out(admin_ctx)
    target = tmp_path / "home.png"
    missing = cli("gui", "--screenshot", str(target), "--page", "home")
    assert missing.code == 1 and "CASECELL_USER" in missing.err
    result = cli(
        "gui",
        "--screenshot",
        str(target),
        "--page",
        "home",
        CASECELL_USER=ADMIN,
        CASECELL_PASSPHRASE=ADMIN_PASS,
    )
    assert result.code == 0, result.err
    assert not QImage(str(target)).isNull()
