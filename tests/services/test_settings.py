"""The cell's settings changed at once: every value checked before any is written, audited."""

from __future__ import annotations

import pytest

from casecell.domain.retention import RetentionPolicy
from casecell.domain.users import Role
from casecell.errors import PermissionDenied, ValidationError
from casecell.services import accounts, retention, settings
from casecell.services.settings import SettingsInput
from casecell.storage.vault import Vault
from tests.conftest import FAST_KDF, OTHER_PASS

EVERYTHING = SettingsInput(
    cell_name="Cellule de Villebourg <CCAS> & Cie",
    idle_lock_minutes=5,
    organiser_email="cellule@villebourg.fr",
    holiday_region="67",
    months_after_last_contact=18,
    months_after_declined=6,
    audit_months=9,
)


def setting_entries(ctx) -> list[str]:
    with ctx.reading() as uow:
        return [e.record_id for e in uow.audit.entries() if e.record_type == "setting"]


def test_the_defaults_are_read_at_once(admin_ctx):
    now = settings.current(admin_ctx)
    assert now == settings.Settings(
        "Cellule de cas complexes", 10, "", "", RetentionPolicy(24, 12, 12)
    )


def test_every_setting_is_saved_together_and_each_change_audited(admin_ctx):
    saved = settings.update(admin_ctx, EVERYTHING)
    assert saved == settings.current(admin_ctx)
    assert saved.cell_name == "Cellule de Villebourg <CCAS> & Cie"  # as typed, not markup
    assert saved.holiday_region == "6AE"  # Bas-Rhin: the code of Alsace
    assert retention.policy(admin_ctx) == RetentionPolicy(18, 6, 9)
    assert settings.idle_lock_minutes(admin_ctx) == 5
    assert sorted(setting_entries(admin_ctx)) == sorted(
        ["cell_name", "idle_lock_minutes", "organiser_email", "holiday_region", "retention"]
    )
    # Saving the same values again changes nothing and says nothing.
    settings.update(admin_ctx, EVERYTHING)
    assert len(setting_entries(admin_ctx)) == 5
    settings.update(admin_ctx, SettingsInput(idle_lock_minutes=7))
    assert setting_entries(admin_ctx)[-1] == "idle_lock_minutes"


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        ({"organiser_email": "cellule@@villebourg"}, "Adresse électronique invalide"),
        ({"organiser_email": "cellule@mairie.example"}, "ne peut pas recevoir"),
        ({"cell_name": "   "}, "vide"),
        ({"cell_name": "deux\nlignes"}, "une seule ligne"),
        ({"idle_lock_minutes": 0}, "entre 1 et 120"),
        ({"holiday_region": "Bretagne"}, "Bretagne"),
        ({"months_after_declined": 30}, "refusées"),
        ({"audit_months": 24}, "entre 6 et 12"),
    ],
)
def test_one_wrong_value_saves_nothing(admin_ctx, wrong, message):
    before, entries = settings.current(admin_ctx), setting_entries(admin_ctx)
    changes = SettingsInput(**{**EVERYTHING.__dict__, **wrong})
    with pytest.raises(ValidationError, match=message):
        settings.update(admin_ctx, changes)
    assert settings.current(admin_ctx) == before
    assert setting_entries(admin_ctx) == entries


def test_only_an_administrator_changes_them(admin_ctx, vault_paths):
    accounts.add_user(admin_ctx, "c.coord", "", Role.COORDINATOR, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(admin_ctx)
    coordinator = accounts.sign_in(Vault.open(vault_paths), "c.coord", OTHER_PASS)
    try:
        assert settings.current(coordinator).idle_lock_minutes == 10  # reading is fine
        with pytest.raises(PermissionDenied):
            settings.update(coordinator, SettingsInput(idle_lock_minutes=60))
        assert settings.current(coordinator).idle_lock_minutes == 10
    finally:
        accounts.sign_out(coordinator)
