"""The vault's lifecycle and the signed-in workspace, each on its own, without a main window."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QWidget

from casecell.domain.users import Role
from casecell.services import accounts, demo
from casecell.ui.operations import ChangeBus
from casecell.ui.pages import HomePage
from casecell.ui.session import VaultSession
from casecell.ui.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, OTHER_PASS


@pytest.fixture
def others(admin_ctx):
    accounts.add_user(admin_ctx, "b.coord", "", Role.COORDINATOR, OTHER_PASS, kdf=FAST_KDF)
    accounts.add_user(admin_ctx, "g.gestion", "", Role.MANAGER, OTHER_PASS, kdf=FAST_KDF)
    return admin_ctx


@pytest.fixture
def make_session(qapp, boot):
    windows: list[QWidget] = []

    def make(**hooks) -> VaultSession:
        window = QWidget()  # never shown: the parent of the demo's progress dialog
        windows.append(window)
        return VaultSession(boot, window, **hooks)

    yield make
    for window in windows:
        for session in window.findChildren(VaultSession):
            session.close()
        window.deleteLater()
    qapp.processEvents()


def listen(session: VaultSession) -> list[tuple[object, ...]]:
    """What the session says, in order."""
    heard: list[tuple[object, ...]] = []

    def note(name: str):
        return lambda *args: heard.append((name, *args))

    for name in ("entered", "leaving", "locked", "vault_changed", "busy", "failed"):
        getattr(session, name).connect(note(name))
    return heard


def enter(qtbot, session: VaultSession, login: str = ADMIN, passphrase: str = ADMIN_PASS):
    """Sign in; the place given back (where this user was at locking), or None."""
    with qtbot.waitSignal(session.entered, timeout=20_000) as blocker:
        session.sign_in(login, passphrase)
    return blocker.args[1]


def lock(qtbot, session: VaultSession) -> None:
    with qtbot.waitSignal(session.locked, timeout=20_000):
        session.lock()


def test_signing_in_then_locking_drops_the_key(admin_ctx, make_session, qtbot):
    accounts.sign_out(admin_ctx)
    session = make_session()
    heard = listen(session)
    assert enter(qtbot, session) is None  # nowhere to go back to yet
    ctx = session.ctx
    assert ctx is not None and ctx.user.login == ADMIN and ctx.vault.unlocked
    assert session.idle.active and session.idle.interval_ms == 10 * 60_000
    # the login screen waits, then is back before the workspace shows
    assert [name for name, *_args in heard] == ["busy", "busy", "entered"]
    assert heard[:2] == [("busy", True), ("busy", False)]

    heard.clear()
    with qtbot.waitSignal(session.locked, timeout=20_000):
        session.auto_lock()
    assert session.ctx is None and not ctx.vault.unlocked and not session.idle.active
    message = "Verrouillé après 10 min sans activité. Déverrouillez pour reprendre."
    # the pages are told to hide the vault before the key goes, the login page after
    assert heard == [("leaving",), ("busy", True), ("busy", False), ("locked", message)]


def test_the_place_comes_back_to_the_same_user_only(others, make_session, qtbot):
    accounts.sign_out(others)
    places = iter(["fiche 2026-007", "liste des réunions", "rapports", "partenaires"])
    session = make_session(place=lambda: next(places))
    enter(qtbot, session)
    lock(qtbot, session)
    assert enter(qtbot, session) == "fiche 2026-007"
    lock(qtbot, session)  # parks "liste des réunions"
    assert enter(qtbot, session, "b.coord", OTHER_PASS) is None  # never another's drafts
    lock(qtbot, session)  # parks "rapports"
    assert enter(qtbot, session, "b.coord", OTHER_PASS) == "rapports"
    lock(qtbot, session)  # parks "partenaires"
    session.switch_vault(session.boot.paths)  # a place in another vault means nothing
    assert enter(qtbot, session, "b.coord", OTHER_PASS) is None


def test_a_wrong_passphrase_is_said_once_the_screen_is_back(admin_ctx, make_session, qtbot):
    accounts.sign_out(admin_ctx)
    session = make_session()
    heard = listen(session)
    with qtbot.waitSignal(session.failed, timeout=20_000):
        session.sign_in(ADMIN, "pas la bonne phrase")
    assert session.ctx is None and not session.idle.active
    assert [name for name, *_args in heard] == ["busy", "busy", "failed"]
    assert heard[1] == ("busy", False)
    assert "Phrase de passe incorrecte" in str(heard[2][1]) and heard[2][2] == ""


def test_creating_a_vault_checks_the_confirmation_first(make_session, qtbot, vault_paths):
    session = make_session()
    heard = listen(session)
    session.create(ADMIN, "Alice", ADMIN_PASS, ADMIN_PASS + "x")
    assert heard == [("failed", "Les deux phrases de passe diffèrent. Rien n’a été modifié.", "")]
    assert not vault_paths.vault.exists()
    with qtbot.waitSignal(session.entered, timeout=20_000):
        session.create(ADMIN, "Alice", ADMIN_PASS, ADMIN_PASS)
    assert vault_paths.vault.exists() and session.ctx is not None
    assert session.ctx.user.display_name == "Alice"


def test_another_vault_only_while_nobody_is_signed_in(admin_ctx, make_session, qtbot, tmp_path):
    accounts.sign_out(admin_ctx)
    session = make_session()
    heard = listen(session)
    enter(qtbot, session)
    heard.clear()
    here = session.boot
    session.open_vault(str(tmp_path / "autre" / "casecell.vault"))
    assert session.boot is here and heard == []  # refused: someone is signed in
    session.close()  # closing the window signs out at once, on this thread
    assert session.ctx is None and not session.idle.active
    session.open_vault(str(tmp_path / "autre" / "casecell.vault"))
    assert session.boot.paths.vault == tmp_path / "autre" / "casecell.vault"
    assert heard == [("vault_changed", "")]


@pytest.fixture
def workspace(qapp):
    made = Workspace(HomePage(), ChangeBus())
    yield made
    made.clear()
    made.deleteLater()
    qapp.processEvents()


def titles(workspace: Workspace) -> list[str]:
    return [workspace.nav.item(row).text() for row in range(workspace.nav.count())]


def test_the_workspace_shows_by_role_and_forgets_everything_on_clear(
    others, boot, workspace, qtbot
):
    demo.fill(others, 40, 1, date(2026, 3, 31))
    shown = [workspace.situations.refreshed, workspace.home.dashboard_loaded]
    with qtbot.waitSignals(shown, timeout=20_000):
        workspace.load(others, "casecell.vault")
    assert titles(workspace) == [
        "Accueil",
        "Situations",
        "Partenaires",
        "Personnes",
        "Réunions",
        "Rapports",
    ]
    assert workspace.situations.model.rowCount() == 40
    case_id = workspace.situations.model.case_id(0)
    with qtbot.waitSignal(workspace.case_page.loaded, timeout=20_000):
        workspace.open_case(case_id)
    assert workspace.place().page == "case" and workspace.place().case_id == case_id

    workspace.clear()
    assert workspace.ctx is None and workspace.situations.model.rowCount() == 0
    assert workspace.case_page.details is None
    workspace.find_situation()  # signed out: nothing moves
    assert workspace.pages.currentWidget() is workspace.case_page

    accounts.sign_out(others)
    manager = boot.sign_in("g.gestion", OTHER_PASS, exclusive=False)
    try:
        workspace.load(manager, "casecell.vault")
        assert titles(workspace) == ["Accueil", "Partenaires", "Rapports"]
        assert workspace.pages.currentWidget() is workspace.home
    finally:
        workspace.clear()
        accounts.sign_out(manager)


def test_the_home_page_is_read_when_shown_not_behind_the_list(
    others, workspace, qtbot, monkeypatch
):
    """Taken straight to the list (or back to a situation after a lock), the user does not
    wait behind the home page's dashboard: it is read when they come home."""
    demo.fill(others, 40, 1, date(2026, 3, 31))
    opened, reads = [], []
    workspace.home_opened.connect(opened.append)
    read = workspace.refresh_dashboard
    monkeypatch.setattr(workspace, "refresh_dashboard", lambda: (reads.append(1), read()))
    with qtbot.waitSignal(workspace.situations.refreshed, timeout=20_000):  # the loop runs
        workspace.load(others, "casecell.vault")
        workspace.show_page(workspace.situations)
    assert opened == [] and reads == []

    with qtbot.waitSignal(workspace.home.dashboard_loaded, timeout=20_000):
        workspace.show_page(workspace.home)
    assert opened == [others] and reads == [1]  # the administrator's yearly reminder too
    workspace.show_page(workspace.partners)
    with qtbot.waitSignal(workspace.home.dashboard_loaded, timeout=20_000):
        workspace.show_page(workspace.home)  # read again: what needs doing may have changed
    assert opened == [others]  # once per sign-in


def test_the_home_page_shown_first_is_read_at_once(others, workspace, qtbot):
    opened = []
    workspace.home_opened.connect(opened.append)
    with qtbot.waitSignal(workspace.home.dashboard_loaded, timeout=20_000):
        workspace.load(others, "casecell.vault")
    assert opened == [others] and workspace.pages.currentWidget() is workspace.home


def test_the_key_is_derived_while_the_pages_are_imported(
    admin_ctx, make_session, qtbot, monkeypatch
):
    """The sign-in worker starts the key's derivation in a thread of its own before it imports
    the signed-in pages, and signs in with that key (derived once)."""
    import threading

    from casecell.storage.keyslots import KdfParams

    accounts.sign_out(admin_ctx)
    threads: list[str] = []
    real = KdfParams._argon2

    def counted(self: KdfParams, passphrase: str, salt: bytes) -> bytes:
        threads.append(threading.current_thread().name)
        return real(self, passphrase, salt)

    monkeypatch.setattr(KdfParams, "_argon2", counted)
    session = make_session()
    enter(qtbot, session)
    assert threads == ["casecell-kdf"]
