"""Keys as an attacker holding casecell's own modules would use them.

A manager's passphrase opens only the name-free indicator store; disabling an account
changes the vault's key so an old copy of the key file no longer opens it; the audit trail's
head is anchored outside the database.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime

import pytest
import sqlcipher3

from casecell.domain.audit import GENESIS_HASH, entry_hash
from casecell.domain.users import Role
from casecell.errors import KnownError, UnknownUser, VaultDamaged, WrongPassphrase
from casecell.services import accounts, demo, maintenance, reports
from casecell.storage import migrate
from casecell.storage.keyslots import SlotKind, read_keyfile, write_keyfile
from casecell.storage.vault import Vault, raw_connect
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, OTHER_PASS

MANAGER = "m.gestion"
MANAGER_PASS = "gestionnaire sans les noms"


def _values(connection) -> list[str]:
    """Every value of every table of an opened database, as text."""
    tables = [
        r[0]
        for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith("sqlite_")
    ]
    found = []
    for table in tables:
        for row in connection.execute(f'SELECT * FROM "{table}"'):  # noqa: S608
            found += [str(v) for v in row if v is not None]
    return found


def _nominative_texts(connection) -> set[str]:
    """What the full vault holds about people, in words: names, birth dates, free text."""
    queries = [
        "SELECT first_name, last_name, birth_date, address, postcode, phone, email, nir"
        " FROM persons",
        "SELECT p.first_name, p.last_name, p.pseudonym FROM case_relatives r"
        " JOIN persons p ON p.id = r.person_id",
        "SELECT summary, tried_before, person_wishes, consent_by, decline_reason,"
        " redirected_to, consent_not_possible_reason FROM cases",
        "SELECT text, author_name FROM case_events",
        "SELECT title FROM actions",
        "SELECT notes, decisions FROM meeting_items",
        "SELECT title, place, video_link FROM meetings",
        "SELECT name, represented_by FROM meeting_participants",
        "SELECT name, email, phone FROM contacts",
        "SELECT content, reason, changes FROM minutes",
        "SELECT display_name FROM users",
    ]
    texts: set[str] = set()
    for query in queries:
        for row in connection.execute(query):
            texts |= {str(v) for v in row if v is not None and len(str(v).strip()) >= 4}
    return texts


@pytest.fixture
def filled(admin_ctx, vault_paths):
    """A demo register (fictitious people), a manager, the vault closed as at day's end."""
    demo.fill(admin_ctx, 40, 7, date(2026, 11, 2))
    accounts.add_user(
        admin_ctx, MANAGER, "Gaëlle Gestion", Role.MANAGER, MANAGER_PASS, kdf=FAST_KDF
    )
    accounts.add_user(
        admin_ctx, "c.coord", "Chloé Coord", Role.COORDINATOR, OTHER_PASS, kdf=FAST_KDF
    )
    accounts.sign_out(admin_ctx)
    return vault_paths


def test_a_managers_passphrase_decrypts_no_name_nor_free_text(filled):
    keyfile = read_keyfile(filled.keys)
    slot = keyfile.find(MANAGER)
    assert slot is not None and slot.kind is SlotKind.STATS
    secret = keyfile.open_slot(slot, MANAGER_PASS).secret

    # The vault itself does not open with what the manager's slot grants.
    attempt = raw_connect(filled.vault, secret)
    with pytest.raises(sqlcipher3.DatabaseError):
        attempt.execute("SELECT count(*) FROM sqlite_master").fetchone()
    attempt.close()

    # The indicator store does, and holds nothing nominative.
    store = raw_connect(filled.stats, secret)
    held = _values(store)
    store.close()
    full = raw_connect(
        filled.vault,
        read_keyfile(filled.keys)
        .open_slot(read_keyfile(filled.keys).find(ADMIN), ADMIN_PASS)
        .secret,
    )
    nominative = _nominative_texts(full)
    counts = full.execute("SELECT count(*) FROM cases").fetchone()[0]
    full.close()
    assert counts >= 40 and len(nominative) > 200
    assert any(text.startswith("01 99 00") for text in nominative)  # identifiers are checked
    assert any(text.endswith("@exemple.invalid") for text in nominative)
    leaked = {text for text in nominative if any(text in value for value in held)}
    assert leaked == set()
    assert not any(value.startswith("P-") for value in held)  # no pseudonym either
    # ...but the facts reports need are there.
    assert sum(1 for v in held if v in {"received", "in_review", "monitoring", "closed"}) > 10


def test_a_manager_signs_in_to_the_indicators_and_builds_a_report(filled, tmp_path):
    ctx = accounts.sign_in(Vault.open(filled), MANAGER, MANAGER_PASS)
    try:
        assert ctx.vault.nominative is False
        report = reports.build_report(ctx, date(2026, 1, 1), date(2026, 10, 31))
        figures = {f.id: f.value for f in report.figures if not f.breakdown}
        assert figures["referrals_received"] > 0
    finally:
        accounts.sign_out(ctx)
    # The manager's session is moved into the vault's trail at the next full sign-in.
    admin = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    try:
        with admin.reading() as uow:
            manager_id = uow.users.by_login(MANAGER).id
            actions = [(e.actor_id, e.action.value) for e in uow.audit.entries()]
        assert (manager_id, "login") in actions and (manager_id, "logout") in actions
        assert maintenance.check(admin).ok
    finally:
        accounts.sign_out(admin)


def test_a_manager_is_told_when_the_indicators_are_not_ready(filled):
    for path in filled.derived():
        path.unlink(missing_ok=True)
    with pytest.raises(Exception, match="pas encore prêts"):
        accounts.sign_in(Vault.open(filled), MANAGER, MANAGER_PASS)


def test_disabling_an_account_changes_the_key_so_an_old_key_file_no_longer_opens(filled):
    old_keys = filled.keys.read_bytes()
    old_secret = (
        read_keyfile(filled.keys)
        .open_slot(read_keyfile(filled.keys).find("c.coord"), OTHER_PASS)
        .secret
    )
    admin = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    accounts.disable_user(admin, "c.coord")
    accounts.sign_out(admin)

    # The former colleague's slot is gone, and their old key no longer opens the vault.
    with pytest.raises(UnknownUser):
        accounts.sign_in(Vault.open(filled), "c.coord", OTHER_PASS)
    probe = raw_connect(filled.vault, old_secret)
    with pytest.raises(sqlcipher3.DatabaseError):
        probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    probe.close()
    live_keys = filled.keys.read_bytes()
    filled.keys.write_bytes(old_keys)  # they put their old copy of the key file back
    with pytest.raises(VaultDamaged):
        accounts.sign_in(Vault.open(filled), "c.coord", OTHER_PASS)
    filled.keys.write_bytes(live_keys)

    # Everyone else keeps access, the manager included.
    accounts.sign_out(accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS))
    accounts.sign_out(accounts.sign_in(Vault.open(filled), MANAGER, MANAGER_PASS))


def test_restore_refuses_a_backup_whose_account_is_now_disabled(filled, boot, tmp_path):
    admin = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    accounts.add_user(admin, "r.ancien", "", Role.ADMIN, OTHER_PASS, kdf=FAST_KDF)
    maintenance.backup(admin, tmp_path / "avant.zip")
    accounts.disable_user(admin, "r.ancien")
    accounts.sign_out(admin)
    before = filled.vault.read_bytes()

    with pytest.raises(Exception, match="administrateur actif"):
        boot.restore(tmp_path / "avant.zip", "r.ancien", OTHER_PASS)
    assert filled.vault.read_bytes() == before

    # An active administrator may restore it: the disabled account stays disabled, and
    # the restored vault is under a new key that the old copy of the key file cannot open.
    boot.restore(tmp_path / "avant.zip", ADMIN, ADMIN_PASS)
    with pytest.raises(UnknownUser):
        accounts.sign_in(Vault.open(filled), "r.ancien", OTHER_PASS)
    accounts.sign_out(accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS))


def _tamper(paths, statement: str) -> None:
    keyfile = read_keyfile(paths.keys)
    secret = keyfile.open_slot(keyfile.find(ADMIN), ADMIN_PASS).secret
    connection = raw_connect(paths.vault, secret)
    connection.execute(statement)
    connection.commit()
    connection.close()


def test_check_reports_a_deleted_tail(filled):
    _tamper(filled, "DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 3 FROM audit_log)")
    ctx = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    try:
        report = maintenance.check(ctx)
    finally:
        ctx.vault.close()
    assert report.audit_first_broken is None  # the chain alone cannot see it
    assert report.audit_anchor == "cut" and not report.ok
    assert any("supprimées" in line for line in report.summary())


def test_check_reports_a_rechained_trail(filled):
    keyfile = read_keyfile(filled.keys)
    secret = keyfile.open_slot(keyfile.find(ADMIN), ADMIN_PASS).secret
    connection = raw_connect(filled.vault, secret)
    key = bytes.fromhex(
        connection.execute("SELECT value FROM vault_meta WHERE key = 'audit_hmac_key'").fetchone()[
            0
        ]
    )
    # Someone with the vault's key hides one read and chains everything again.
    rows = connection.execute(
        "SELECT seq, at, actor_id, action, record_type, record_id, detail FROM audit_log"
        " ORDER BY seq"
    ).fetchall()
    prev = GENESIS_HASH
    for seq, at, actor, action, rtype, rid, detail in rows:
        if seq == 5:
            rid = "hidden"
        digest = entry_hash(
            key, prev, seq, datetime.fromisoformat(at), actor, action, rtype, rid, detail
        )
        connection.execute(
            "UPDATE audit_log SET record_id = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            (rid, prev, digest, seq),
        )
        prev = digest
    connection.commit()
    connection.close()
    ctx = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    try:
        report = maintenance.check(ctx)
    finally:
        ctx.vault.close()
    assert report.audit_first_broken is None
    assert report.audit_anchor == "rechained" and not report.ok


def test_check_against_a_backup_sees_a_trail_cut_after_it(filled, tmp_path):
    ctx = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    maintenance.backup(ctx, tmp_path / "b.zip")
    accounts.sign_out(ctx)
    _tamper(filled, "DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 8 FROM audit_log)")
    keyfile = read_keyfile(filled.keys)
    keyfile.anchor = None  # the key file's anchor is rewritten too
    write_keyfile(filled.keys, keyfile)
    ctx = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    try:
        report = maintenance.check(ctx, tmp_path / "b.zip")
    finally:
        ctx.vault.close()
    assert report.backup_anchor == "cut" and not report.ok


def test_a_manager_slot_from_before_is_replaced_and_the_key_changed(admin_ctx, vault_paths):
    """A vault whose manager's slot granted the vault's key (casecell before this change)."""
    accounts.add_user(admin_ctx, MANAGER, "", Role.MANAGER, MANAGER_PASS, kdf=FAST_KDF)
    keyfile = read_keyfile(vault_paths.keys)
    slot = keyfile.find(MANAGER)
    # Forge the old situation: the manager's slot grants the full key.
    full = keyfile.make_slot(
        MANAGER,
        MANAGER_PASS,
        bytes(admin_ctx.vault._key),
        FAST_KDF,
        slot_id=slot.slot_id,
        kind=SlotKind.FULL,
    )
    write_keyfile(vault_paths.keys, keyfile.with_slot(full, replacing=slot.slot_id))
    old_secret = bytes(admin_ctx.vault._key)
    accounts.sign_out(admin_ctx)

    ctx = accounts.sign_in(Vault.open(vault_paths), MANAGER, MANAGER_PASS)
    try:
        assert ctx.vault.nominative is False
    finally:
        accounts.sign_out(ctx)
    assert read_keyfile(vault_paths.keys).find(MANAGER).kind is SlotKind.STATS
    probe = raw_connect(vault_paths.vault, old_secret)
    with pytest.raises(sqlcipher3.DatabaseError):
        probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    probe.close()


def test_the_key_file_carries_the_anchor_and_no_name(filled):
    data = json.loads(filled.keys.read_text())
    assert data["version"] == 2
    assert data["audit_anchor"]["count"] > 0
    assert "Gestion" not in filled.keys.read_text() and MANAGER not in filled.keys.read_text()


def test_after_an_update_the_first_full_sign_in_rebuilds_the_indicators(filled):
    """A new casecell migrates the vault; the manager's store of the old schema is rebuilt."""
    store = raw_connect(filled.stats, _manager_secret(filled))
    store.execute("UPDATE vault_meta SET value = '0001' WHERE key = 'stats_schema_revision'")
    store.commit()
    store.close()
    with pytest.raises(KnownError, match="pas encore prêts"):
        accounts.sign_in(Vault.open(filled), MANAGER, MANAGER_PASS)
    admin = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    migrate.downgrade(admin.vault.engine, "0007")
    admin.vault.close()
    accounts.sign_out(accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS))  # migrates
    accounts.sign_out(accounts.sign_in(Vault.open(filled), MANAGER, MANAGER_PASS))


def _manager_secret(paths) -> bytes:
    keyfile = read_keyfile(paths.keys)
    return keyfile.open_slot(keyfile.find(MANAGER), MANAGER_PASS).secret


# -- what an attacker with casecell's own modules tried (each once worked) -------------------
def _edit_keys(paths, change) -> None:
    data = json.loads(paths.keys.read_text())
    change(data)
    paths.keys.write_text(json.dumps(data))


def test_a_manager_who_calls_their_slot_full_gets_nothing_more(filled):
    """The slot's kind and public key are bound to its wrap: edited, it no longer opens; and
    a rotation grants from the vault's own records, not from the key file."""
    lookup = read_keyfile(filled.keys).lookup_for(MANAGER)
    original = filled.keys.read_text()

    def as_full(data):
        for slot in data["slots"]:
            if slot["lookup"] == lookup:
                slot["kind"] = "full"
        data["slots"].append({**data["slots"][0], "id": "ffffffffffffffff"})  # a junk slot

    _edit_keys(filled, as_full)
    with pytest.raises(WrongPassphrase):
        accounts.sign_in(Vault.open(filled), MANAGER, MANAGER_PASS)
    # The administrator's next sign-in drops the junk slot and, when the key changes, seals
    # the new keys from the vault's records: the manager's slot still only gets the stats key.
    filled.keys.write_text(original.replace('"kind": "stats"', '"kind": "stats"'))
    _edit_keys(filled, lambda data: data["slots"].append({**data["slots"][0], "id": "junk"}))
    admin = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    assert "junk" not in filled.keys.read_text()
    accounts.rotate_keys(admin)
    key = bytes(admin.vault._key)
    accounts.sign_out(admin)
    assert _manager_secret(filled) != key
    probe = raw_connect(filled.vault, _manager_secret(filled))
    with pytest.raises(sqlcipher3.DatabaseError):
        probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    probe.close()


def test_a_rotation_seals_to_the_public_key_the_vault_recorded(filled):
    """Someone swaps a coordinator's public key in the key file for their own: the next
    rotation seals to the coordinator's real key, which the thief's private key cannot open."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from casecell.storage.keyslots import unseal

    raw = serialization.Encoding.Raw
    thief = X25519PrivateKey.generate()
    thief_private = thief.private_bytes(
        raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    thief_public = thief.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
    keyfile = read_keyfile(filled.keys)
    slot_id = keyfile.find("c.coord").slot_id

    def swap(data):
        for slot in data["slots"]:
            if slot["id"] == slot_id:
                slot["public"] = base64.b64encode(thief_public).decode()

    _edit_keys(filled, swap)
    admin = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    accounts.rotate_keys(admin)
    accounts.sign_out(admin)
    after = read_keyfile(filled.keys)
    grant = after.get(slot_id).grant
    assert after.get(slot_id).public != thief_public  # put back as the vault recorded it
    for public in (thief_public, after.get(slot_id).public):
        with pytest.raises(KnownError):
            unseal(thief_private, grant, after._bound(slot_id, "grant", SlotKind.FULL, public))
    accounts.sign_out(accounts.sign_in(Vault.open(filled), "c.coord", OTHER_PASS))


def test_a_backup_beside_an_interrupted_rotation_leaves_it_to_finish(filled):
    """A second, non-exclusive process (backup, check) must never forget or finish a rotation
    the process holding the vault started: the vault would open with neither key."""
    admin = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)

    class Stop(Exception):
        pass

    def stop(step):
        if step == "pending":
            raise Stop

    with pytest.raises(Stop):
        accounts.rotate_keys(admin, fault=stop)
    admin.vault.close()
    assert any("pending" in s for s in json.loads(filled.keys.read_text())["slots"])
    side = accounts.sign_in(Vault.open(filled, exclusive=False), "c.coord", OTHER_PASS)
    accounts.sign_out(side)
    assert any("pending" in s for s in json.loads(filled.keys.read_text())["slots"])
    accounts.sign_out(accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS))
    for login, passphrase in ((ADMIN, ADMIN_PASS), ("c.coord", OTHER_PASS)):
        accounts.sign_out(accounts.sign_in(Vault.open(filled), login, passphrase))


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        ("UPDATE audit_log SET actor_id = 1", "rejected:actor"),
        ("UPDATE audit_log SET action = 'bogus'", "rejected:unreadable"),
        ("UPDATE audit_log SET detail = hex(randomblob(600))", "rejected:unreadable"),
        ("ALTER TABLE audit_log RENAME TO a; CREATE VIEW audit_log AS SELECT * FROM a",
         "rejected:tables"),
    ],
)  # fmt: skip
def test_a_manager_cannot_plant_entries_nor_break_the_next_sign_in(filled, tamper, problem):
    accounts.sign_out(accounts.sign_in(Vault.open(filled), MANAGER, MANAGER_PASS))
    store = raw_connect(filled.stats, _manager_secret(filled))
    store.executescript(tamper)
    store.commit()
    store.close()
    admin = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)  # no crash, no hang
    try:
        with admin.reading() as uow:
            details = [(e.record_type, e.detail) for e in uow.audit.entries()]
        assert ("manager_trail", problem) in details
        assert maintenance.check(admin).ok
    finally:
        accounts.sign_out(admin)
    accounts.sign_out(accounts.sign_in(Vault.open(filled), MANAGER, MANAGER_PASS))  # rebuilt


def test_disabling_says_so_when_the_key_cannot_change_yet(filled):
    admin = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    with admin.writing() as uow:  # as if c.coord had not signed in since the update
        uow.session.connection().exec_driver_sql(
            "UPDATE users SET slot_public = NULL WHERE login = 'c.coord'"
        )
        uow.commit()
    accounts.add_user(admin, "e.part", "", Role.MEMBER, OTHER_PASS, kdf=FAST_KDF)
    with pytest.raises(KnownError, match="clé du coffre n’a pas encore pu changer"):
        accounts.disable_user(admin, "e.part")
    accounts.sign_out(admin)
    with pytest.raises(UnknownUser):
        accounts.sign_in(Vault.open(filled), "e.part", OTHER_PASS)
    # c.coord's sign-in records their key pair; the next one with the vault's key rotates.
    accounts.sign_out(accounts.sign_in(Vault.open(filled), "c.coord", OTHER_PASS))
    admin = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    with admin.reading() as uow:
        assert uow.meta.get("key_rotation_due") == "0"
    accounts.sign_out(admin)


def test_stepping_the_schema_back_to_rechain_the_trail_is_seen(filled):
    """Downgrading to before the HMAC chain and cutting the tail: the migration chains the
    trail again, but the key file's anchor is not moved over it."""
    admin = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    migrate.downgrade(admin.vault.engine, "0006")
    admin.vault.close()
    _tamper(filled, "DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 3 FROM audit_log)")
    ctx = accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)
    try:
        report = maintenance.check(ctx)
    finally:
        ctx.vault.close()
    assert not report.ok and report.audit_anchor in ("cut", "rechained")


def test_reads_are_anchored_too(filled):
    from casecell.services import cases

    ctx = accounts.sign_in(Vault.open(filled), "c.coord", OTHER_PASS)
    try:
        cases.list_cases(ctx)
        with ctx.reading() as uow:
            head = uow.audit.head()
        anchor = read_keyfile(filled.keys).anchor
        assert (anchor.count, anchor.head) == head
    finally:
        ctx.vault.close()


def test_a_backup_of_another_vault_is_not_restored_over_this_one(filled, tmp_path):
    from casecell.bootstrap import Bootstrap
    from casecell.paths import VaultPaths

    other = Bootstrap(VaultPaths(tmp_path / "autre" / "casecell.vault"), FAST_KDF)
    other.paths.folder.mkdir()
    ctx = other.init(ADMIN, "", ADMIN_PASS)
    maintenance.backup(ctx, tmp_path / "autre.zip")
    accounts.sign_out(ctx)
    before = filled.vault.read_bytes()
    with pytest.raises(KnownError, match="autre coffre"):
        Bootstrap(filled, FAST_KDF).restore(tmp_path / "autre.zip", ADMIN, ADMIN_PASS)
    assert filled.vault.read_bytes() == before


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["slots"][0]["kdf"].update(time_cost=0),
        lambda d: d["slots"][0]["kdf"].update(memory_cost=2**40),
        lambda d: d["slots"][0]["kdf"].update(parallelism=0),
        lambda d: d["slots"][0]["kdf"].update(salt="AAAA"),
        lambda d: d["slots"][0]["wrap"].update(nonce="AAAA"),
        lambda d: d["slots"][0].update(public="AAAA"),
        lambda d: d["slots"][0]["grant"].update(epk="AAAA"),
        lambda d: d.update(audit_anchor={"count": 1e999, "head": "0" * 64}),
        lambda d: d.update(failed_attempts=[{"at": "yesterday", "slot": None}]),
        lambda d: d.update(failed_attempts=[{"at": "2026-01-01T00:00:00+00:00", "slot": {}}]),
        lambda d: d["slots"][0].update(id=["not", "text"]),
    ],
)
def test_an_edited_key_file_is_called_damaged_not_a_crash(filled, change):
    _edit_keys(filled, change)
    with pytest.raises(VaultDamaged):
        accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS)


def test_the_indicator_store_keeps_only_managers_logins(filled):
    store = raw_connect(filled.stats, _manager_secret(filled))
    logins = {row[0] for row in store.execute("SELECT login FROM users")}
    store.close()
    assert MANAGER in logins and ADMIN not in logins and "c.coord" not in logins


def test_a_half_built_indicator_store_is_removed_at_the_next_sign_in(filled):
    leftover = filled.folder / ".casecell.stats.1a2b3c4d.tmp"
    leftover.write_bytes(b"killed while building")
    accounts.sign_out(accounts.sign_in(Vault.open(filled), ADMIN, ADMIN_PASS))
    assert not leftover.exists()


def test_the_indicator_store_indexes_only_what_it_holds():
    """Its copy keeps persons' NIR and birth year blank: no index is built over them at each
    rebuild; the indexes the reports use are there."""
    from casecell.storage import stats

    statements = list(stats.index_statements("stats"))
    assert not [s for s in statements if "(nir)" in s or "(birth_year)" in s]
    assert [s for s in statements if " stats.ix_actions_report " in s]
    assert [s for s in statements if " stats.ix_audit_log_at " in s]  # the managers' own trail
