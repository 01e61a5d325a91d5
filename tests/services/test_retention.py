# ruff: noqa: S608 - the tests inline integer ids of their own register
"""Retention as an administrator meets it: the yearly review, then anonymisation and purge.

The register is a demo one (fictitious people) made as of 1 June 2024; the clock is then
moved to 2027, when most closed situations are past their two years.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from casecell.compat import UTC
from casecell.domain.retention import (
    DueReason,
    RetentionPolicy,
    SituationFacts,
    add_months,
    due,
    due_on,
)
from casecell.domain.users import Role
from casecell.errors import PermissionDenied, ValidationError
from casecell.services import accounts, demo, maintenance, minutes, reports, retention
from casecell.services.context import Context
from casecell.storage.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF, OTHER_PASS
from tests.services.test_cases import orgs  # noqa: F401  (fixture)

MADE_ON = date(2024, 6, 1)
LATER = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)


def facts(status: str, **days: date | None) -> SituationFacts:
    values = {
        "referred_on": date(2023, 1, 10),
        "decided_on": date(2023, 1, 20),
        "closed_on": None,
        "last_event_on": None,
        "last_meeting_on": None,
    }
    values.update(days)
    return SituationFacts(1, "2023-001", status, **values)  # type: ignore[arg-type]


def test_the_rule_counts_from_the_last_contact_whatever_it_was():
    policy = RetentionPolicy()
    closed = facts("closed", closed_on=date(2023, 6, 30), last_meeting_on=date(2023, 9, 12))
    assert closed.last_contact == date(2023, 9, 12)
    assert due_on(closed, policy) == (DueReason.CLOSED, date(2025, 9, 12))
    declined = facts("declined", last_event_on=date(2023, 2, 28))
    assert due_on(declined, policy) == (DueReason.DECLINED, date(2024, 2, 28))
    assert due_on(facts("in_review"), policy) is None  # still followed: never due
    assert [d.reference for d in due([closed, declined], policy, date(2025, 9, 11))] == ["2023-001"]
    assert len(due([closed, declined], policy, date(2025, 9, 12))) == 2


def test_months_are_calendar_months():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 15), -3) == date(2023, 12, 15)
    assert add_months(date(2023, 11, 30), 24) == date(2025, 11, 30)


@pytest.mark.parametrize(
    ("closed", "declined", "audit", "message"),
    [
        (0, 12, 12, "entre 1 et"),
        (24, 36, 12, "plus longtemps"),
        (24, 12, 3, "entre 6 et 12"),
        (24, 12, 13, "entre 6 et 12"),
    ],
)
def test_absurd_settings_are_refused(closed, declined, audit, message):
    with pytest.raises(ValidationError, match=message):
        RetentionPolicy(closed, declined, audit)


@pytest.fixture
def register(vault_paths):
    """A demo register made in June 2024 (its held meetings' minutes validated then), its
    administrator now signed in in 2027."""
    vault_paths.folder.mkdir(parents=True, exist_ok=True)
    then = datetime(2024, 6, 1, 9, tzinfo=UTC)
    made = accounts.create_first_admin(
        Vault.create(vault_paths), ADMIN, "", ADMIN_PASS, kdf=FAST_KDF, clock=lambda: then
    )
    demo.fill(made, 90, 11, MADE_ON)
    accounts.publish_new_vault(made)  # built aside, moved into place once complete
    with made.reading() as uow:
        held = (
            uow.session.connection()
            .exec_driver_sql("SELECT id FROM meetings WHERE status = 'held'")
            .fetchall()
        )
    for (meeting_id,) in held:
        minutes.validate_minutes(made, meeting_id)
    yield Context(made.vault, made.user, lambda: LATER)
    made.vault.close()


def _texts(ctx, case_ids):
    with ctx.reading() as uow:
        driver = uow.session.connection()
        marks = ", ".join(str(i) for i in case_ids)
        rows = driver.exec_driver_sql(
            "SELECT c.summary || c.tried_before || c.person_wishes || c.decline_reason,"
            " p.first_name || p.last_name, p.birth_date FROM cases c"
            f" JOIN persons p ON p.id = c.person_id WHERE c.id IN ({marks})"
        ).fetchall()
        events = driver.exec_driver_sql(
            f"SELECT count(*) FROM case_events WHERE text <> '' AND case_id IN ({marks})"
        ).scalar()
    return rows, events


def test_the_dry_run_lists_what_is_due_and_changes_nothing(register):
    before = retention.review(register)
    assert before.due and before.reminder_due
    assert all(d.reason in (DueReason.CLOSED, DueReason.DECLINED) for d in before.due)
    assert all(d.due_on <= LATER.date() for d in before.due)
    with register.reading() as uow:
        followed = (
            uow.session.connection()
            .exec_driver_sql(
                "SELECT count(*) FROM cases WHERE status NOT IN ('closed', 'declined')"
            )
            .scalar()
        )
    assert followed > 0 and len(before.due) < 90  # situations still followed are never due
    again = retention.review(register)
    assert [d.case_id for d in again.due] == [d.case_id for d in before.due]
    rows, _events = _texts(register, [d.case_id for d in before.due])
    assert any(name for _t, name, _b in rows)  # nothing was anonymised by looking


def test_applying_anonymises_keeps_the_figures_and_purges_the_old_audit(register):
    found = retention.review(register)
    due_ids = [d.case_id for d in found.due]
    with register.reading() as uow:
        person = (
            uow.session.connection()
            .exec_driver_sql(
                "SELECT p.last_name FROM cases c JOIN persons p ON p.id = c.person_id"
                f" WHERE c.id = {due_ids[0]}"
            )
            .scalar()
        )
    year = (date(2023, 1, 1), date(2023, 12, 31))
    figures_before = {
        (f.id, f.breakdown, f.category): f.value
        for f in reports.build_report(register, *year).figures
        if f.breakdown not in ("reason", "redirected_to")  # typed words: they go
    }

    done = retention.apply(register)
    assert done.situations == len(due_ids) and done.audit_entries > 0

    rows, events = _texts(register, due_ids)
    assert all(text == "" for text, _n, _b in rows) and events == 0
    marks = ", ".join(str(i) for i in due_ids)
    with register.reading() as uow:
        driver = uow.session.connection()
        assert (
            driver.exec_driver_sql(
                f"SELECT count(*) FROM case_relatives WHERE case_id IN ({marks})"
            ).scalar()
            == 0
        )
        # Persons of anonymised situations only: no name, birth date nor identifier left.
        leftover = driver.exec_driver_sql(
            "SELECT count(*) FROM persons p WHERE NOT EXISTS (SELECT 1 FROM cases c"
            " WHERE c.person_id = p.id AND c.anonymised_on IS NULL) AND NOT EXISTS"
            " (SELECT 1 FROM case_relatives r WHERE r.person_id = p.id) AND"
            " (p.first_name || p.last_name || p.phone || p.email || p.nir || p.address) <> ''"
        ).scalar()
    assert leftover == 0
    # A person goes once none of their situations is kept any more.
    assert done.persons > 0
    # ...their name no longer finds them, and reports count the same situations.
    with register.reading() as uow:
        found_again = {i for i, _ref in uow.search.search(person, 1000)}
    assert not found_again & set(due_ids)
    figures_after = {
        (f.id, f.breakdown, f.category): f.value
        for f in reports.build_report(register, *year).figures
        if f.breakdown not in ("reason", "redirected_to")  # typed words: they go
    }
    assert figures_after == figures_before
    # Nothing is due any more; the review date stops the reminder for a year.
    after = retention.review(register)
    assert after.due == [] and not after.reminder_due
    assert retention.reminder_due(register) == 0
    # The trail starts at its new base, still checks, and records what was done.
    report = maintenance.check(register)
    assert report.ok, report.summary()
    with register.reading() as uow:
        details = [e.detail for e in uow.audit.entries()]
        assert uow.audit.base()[0] > 1
    assert details.count("anonymised") == len(due_ids)
    assert any(d.startswith("purged:") for d in details)


def test_validated_minutes_forget_an_anonymised_situation(register):
    from casecell.domain import minutes as rules

    with register.reading() as uow:
        rows = (
            uow.session.connection()
            .exec_driver_sql("SELECT meeting_id, content FROM minutes WHERE content IS NOT NULL")
            .fetchall()
        )
    assert rows, "the demo validates minutes of past meetings"
    found = retention.review(register)
    references = {d.reference for d in found.due}
    retention.apply(register)
    with register.reading() as uow:
        for meeting_id, _text in rows:
            content = (
                uow.session.connection()
                .exec_driver_sql(
                    "SELECT content FROM minutes WHERE meeting_id = ? AND content IS NOT NULL",
                    (meeting_id,),
                )
                .scalar()
            )
            for situation in rules.from_json(content).situations:
                if situation.reference in references:
                    assert situation.person.name == ""
                    assert situation.summary in ("", "[anonymisé]")


def test_only_an_administrator_reviews_or_applies(register, vault_paths):
    accounts.add_user(register, "c.coord", "", Role.COORDINATOR, OTHER_PASS, kdf=FAST_KDF)
    accounts.sign_out(register)
    coordinator = accounts.sign_in(Vault.open(vault_paths), "c.coord", OTHER_PASS)
    try:
        with pytest.raises(PermissionDenied):
            retention.review(coordinator)
        with pytest.raises(PermissionDenied):
            retention.apply(coordinator)
        assert retention.reminder_due(coordinator) == 0
    finally:
        accounts.sign_out(coordinator)
    accounts.sign_out(accounts.sign_in(Vault.open(vault_paths), ADMIN, ADMIN_PASS))


def test_settings_change_what_is_due(register):
    shorter = retention.set_policy(register, months_after_last_contact=6, months_after_declined=3)
    assert shorter == RetentionPolicy(6, 3, 12)
    assert len(retention.review(register).due) >= len(
        retention.review(replace(register, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))).due
    )
    with pytest.raises(ValidationError):
        retention.set_policy(register, audit_months=24)
    assert retention.policy(register) == shorter


def test_the_right_to_erasure_anonymises_one_person_now(admin_ctx, orgs, cli):  # noqa: F811
    """On a person's request, an administrator erases them with a reason: their situations
    (even one still followed) keep their figures and lose every word about them, and they are
    nobody's relative any more."""
    from casecell.domain.nomenclatures import Relation
    from casecell.services import cases, relatives, rights
    from casecell.services.persons import PersonInput
    from tests.services.test_cases import AGREED, draft

    gone = cases.register_referral(
        admin_ctx, PersonInput("Ombeline", "Fourquevaux", phone="01 99 00 11 22"), draft(orgs),
        AGREED,
    )  # fmt: skip
    kept = cases.register_referral(
        admin_ctx, PersonInput("Gaspard", "Vermillon"), draft(orgs), AGREED
    )
    relatives.add_relative(
        admin_ctx, kept.id, PersonInput("Ombeline", "Fourquevaux"), Relation.SIBLING
    )
    with pytest.raises(ValidationError, match="motif"):
        rights.erase_person(admin_ctx, gone.reference, "  ")
    assert rights.erase_person(admin_ctx, gone.reference, "demande écrite du 2 décembre") == 1

    erased = cases.get_case(admin_ctx, gone.id)
    assert erased.person.first_name == "" and erased.summary == ""
    assert erased.status == gone.status  # the facts reports count stay
    with admin_ctx.reading() as uow:
        # Only the other record, Gaspard's relative, still carries the name.
        assert uow.search.search("Fourquevaux", 10) == [(kept.id, kept.reference)]
        named = (
            uow.session.connection()
            .exec_driver_sql(
                "SELECT count(*) FROM persons WHERE last_name = 'Fourquevaux' OR phone <> ''"
            )
            .scalar()
        )
        details = [(e.record_type, e.detail) for e in uow.audit.entries()]
    assert named == 1  # the relative of Gaspard's situation is another person record
    assert ("person", "erased") in details and ("case", "erased") in details
    assert cases.get_case(admin_ctx, kept.id).person.last_name == "Vermillon"
    admin_ctx.vault.close()

    refused = cli(
        "person",
        "erase",
        kept.reference,
        "--reason",
        "essai",
        **{"CASECELL_USER": "personne", "CASECELL_PASSPHRASE": ADMIN_PASS},
    )
    assert refused.code == 3
    done = cli("person", "erase", kept.reference, "--reason", "demande orale",
               CASECELL_USER=ADMIN, CASECELL_PASSPHRASE=ADMIN_PASS)  # fmt: skip
    assert done.code == 0 and "1 situation anonymisée" in done.out


def test_an_export_keeps_what_retention_did(register, tmp_path):
    """A register exported and imported after anonymisation does not offer the same
    situations for anonymisation again (nor lose that they were)."""
    import json

    from casecell.bootstrap import Bootstrap
    from casecell.paths import VaultPaths
    from casecell.services import interchange

    due = {d.reference for d in retention.review(register).due}
    assert due
    retention.apply(register)
    target = tmp_path / "registre.json"
    interchange.export_to(register, target)
    exported = {c["reference"]: c for c in json.loads(target.read_text("utf-8"))["cases"]}
    assert {r for r, c in exported.items() if c["anonymised_on"]} == due
    assert all(exported[r]["anonymised_on"] == LATER.date().isoformat() for r in due)

    folder = tmp_path / "autre"
    folder.mkdir()
    other = Bootstrap(VaultPaths(folder / "casecell.vault"), kdf=FAST_KDF).init(
        "a.admin", "", ADMIN_PASS
    )
    other = Context(other.vault, other.user, lambda: LATER)
    interchange.import_from(other, target)
    assert not retention.review(other).due  # done already: not offered again
    accounts.sign_out(other)
