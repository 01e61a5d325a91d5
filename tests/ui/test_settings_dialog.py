"""The cell's settings in the window, as an administrator changes them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from casecell.domain.users import Role
from casecell.services import accounts, settings
from casecell.storage.vault import Vault
from casecell.ui.dialogs.settings import SettingsDialog
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, OTHER_PASS
from tests.services.test_settings import EVERYTHING
from tests.ui.test_accessibility import unnamed_fields
from tests.ui.test_situations import sign_in


@pytest.fixture
def configured(admin_ctx, vault_paths):
    """A vault whose settings were already chosen once (from the command line)."""
    settings.update(admin_ctx, EVERYTHING)
    accounts.add_user(admin_ctx, "c.coord", "", Role.COORDINATOR, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)
    return vault_paths


def opened(window, qtbot) -> SettingsDialog:
    dialog = SettingsDialog(window)
    with qtbot.waitSignal(window.operation_done, timeout=20_000):
        window.admin.open_settings(dialog)
    assert dialog.isVisible()
    return dialog


def ok(dialog: SettingsDialog, qtbot) -> None:
    with qtbot.waitSignal(dialog.settled, timeout=20_000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def stored(vault_paths) -> tuple[settings.Settings, list[str]]:
    ctx = accounts.sign_in(Vault.open(vault_paths), ADMIN, ADMIN_PASS)
    try:
        with ctx.reading() as uow:
            setting_entries = [
                e.record_id for e in uow.audit.entries() if e.record_type == "setting"
            ]
        return settings.current(ctx), setting_entries
    finally:
        accounts.sign_out(ctx)


def test_the_stored_values_are_shown(configured, make_window, qtbot):
    window = make_window()
    sign_in(window, qtbot)
    assert window.home.settings.isVisible() and window.settings_action.isEnabled()
    dialog = opened(window, qtbot)
    assert dialog.cell_name.text() == "Cellule de Villebourg <CCAS> & Cie"  # as typed
    assert dialog.organiser.text() == "cellule@villebourg.fr"
    assert dialog.region.currentData() == "6AE"
    assert dialog.region.currentText() == "Alsace — Bas-Rhin (67) et Haut-Rhin (68)"
    assert dialog.region.itemText(0).startswith("France métropolitaine")
    assert dialog.idle.value() == 5
    assert (dialog.after_contact.value(), dialog.after_declined.value()) == (18, 6)
    assert dialog.audit.value() == 9
    assert (dialog.audit.minimum(), dialog.audit.maximum()) == (6, 12)
    assert (dialog.idle.minimum(), dialog.idle.maximum()) == (1, 120)
    dialog.reject()


def test_a_bad_address_is_refused_in_french_and_nothing_is_saved(configured, make_window, qtbot):
    window = make_window()
    sign_in(window, qtbot)
    before = window.session.idle.interval_ms
    dialog = opened(window, qtbot)
    dialog.cell_name.setText("Cellule renommée")
    dialog.idle.setValue(3)
    dialog.organiser.setText("cellule@@villebourg")
    ok(dialog, qtbot)
    assert dialog.isVisible()  # still open, with what was typed
    assert dialog.problem.text().startswith("⚠ Adresse électronique invalide")
    assert dialog.cell_name.text() == "Cellule renommée"
    assert window.session.idle.interval_ms == before
    dialog.reject()
    with qtbot.waitSignal(window.session.locked, timeout=20_000):
        window.session.lock()
    now, entries = stored(configured)
    assert now == settings.checked(EVERYTHING, now)  # as the fixture left them
    assert len(entries) == 5  # the fixture's own changes only


def test_a_good_save_is_stored_audited_and_guards_the_window_at_once(
    configured, make_window, qtbot
):
    window = make_window()
    sign_in(window, qtbot)
    qtbot.waitUntil(lambda: window.session.idle.interval_ms == 5 * 60_000, timeout=20_000)
    dialog = opened(window, qtbot)
    dialog.organiser.setText("")  # plain events from now on
    dialog.region.setCurrentIndex(dialog.region.findData("974"))
    dialog.idle.setValue(3)
    with qtbot.waitSignal(dialog.saved, timeout=20_000):
        ok(dialog, qtbot)
    assert not dialog.isVisible()
    assert window.session.idle.interval_ms == 3 * 60_000
    assert window.home.report.text() == "Paramètres enregistrés."
    with qtbot.waitSignal(window.session.locked, timeout=20_000):
        window.session.lock()
    now, entries = stored(configured)
    assert (now.organiser_email, now.holiday_region, now.idle_lock_minutes) == ("", "974", 3)
    assert now.cell_name == EVERYTHING.cell_name  # untouched, not rewritten
    assert entries[5:] == ["idle_lock_minutes", "organiser_email", "holiday_region"]


def test_a_non_administrator_has_no_settings(configured, make_window, qtbot):
    window = make_window()
    sign_in(window, qtbot, "c.coord", OTHER_PASS)
    assert not window.home.settings.isVisible()
    assert not window.settings_action.isEnabled()
    window.admin.open_settings()  # the shortcut's way in does nothing either
    assert window.findChildren(SettingsDialog) == []


def test_every_field_is_named_and_has_a_labelled_buddy(qapp, qtbot):
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    assert unnamed_fields(dialog) == []
    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if label.buddy()}
    fields = {dialog.cell_name, dialog.organiser, dialog.region, dialog.idle, dialog.audit}
    assert fields | {dialog.after_contact, dialog.after_declined} <= buddies
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.buddy()]
    buttons = [button.text() for button in dialog.buttons.buttons()]
    mnemonics = [text.split("&")[1][0].lower() for text in labels + buttons if "&" in text]
    assert len([text for text in labels if "&" in text]) == 7  # one key per field
    assert len(set(mnemonics)) == len(mnemonics), mnemonics  # none shared, OK's nor Cancel's
