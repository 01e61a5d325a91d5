"""Alembic migrations: the schema they build is the mapped one; a failure changes nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from casecell.errors import VaultTooNew
from casecell.services import accounts
from casecell.storage import migrate
from casecell.storage.keyslots import read_keyfile, write_keyfile
from casecell.storage.orm import Base
from casecell.storage.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASS

FAILING_MIGRATION = '''
"""A migration that fails half-way."""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("nickname", sa.String(), nullable=True))
    op.execute("INSERT INTO half_done (id) VALUES (1)")
    raise RuntimeError("simulated failure in the middle of a migration")


def downgrade():
    pass
'''


@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
)  # SQLAlchemy cannot reflect SQLite expression indexes; that index is checked below
def test_migrations_build_exactly_the_mapped_schema(admin_ctx):
    with admin_ctx.vault.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": migrate.include_name})
        diffs = compare_metadata(context, Base.metadata)
    assert diffs == []
    with admin_ctx.vault.engine.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM cases "
            "ORDER BY next_review_on IS NULL, next_review_on, id LIMIT 50"
        ).fetchall()
    assert "ix_cases_review_order" in str(plan)


def test_a_failed_migration_leaves_the_vault_as_it_was(admin_ctx, tmp_path: Path):
    location = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, location)
    head = migrate.state(admin_ctx.vault.engine).head
    (location / "versions" / "9001_fails.py").write_text(FAILING_MIGRATION.format(head=head))
    engine = admin_ctx.vault.engine
    with engine.connect() as conn:
        users_before = [c["name"] for c in inspect(conn).get_columns("users")]

    with pytest.raises(RuntimeError, match="simulated failure"):
        migrate.upgrade(engine, location)

    with engine.connect() as conn:
        inspector = inspect(conn)
        assert "half_done" not in inspector.get_table_names()
        assert [c["name"] for c in inspector.get_columns("users")] == users_before
    assert migrate.state(engine).current == head
    with admin_ctx.reading() as uow:
        assert [u.login for u in uow.users.list()] == [ADMIN]


def test_a_vault_from_a_newer_version_is_refused_clearly(admin_ctx, vault_paths):
    with admin_ctx.vault.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff9999'")
    accounts.sign_out(admin_ctx)
    with pytest.raises(VaultTooNew, match="version plus récente"):
        accounts.sign_in(Vault.open(vault_paths), ADMIN, ADMIN_PASS)
    Vault.open(vault_paths).close()


def test_upgrading_a_first_version_vault_keeps_accounts_and_audit(admin_ctx, vault_paths):
    """0001 → head rebuilds ``users`` (batch mode) while ``audit_log`` points at it."""
    engine = admin_ctx.vault.engine
    migrate.downgrade(engine, "0001")
    assert migrate.state(engine).current == "0001"
    admin_ctx.vault.close()  # a logout now would be chained by this build, not by 0001's
    # A vault of that time had a version 1 key file, without an audit anchor.
    keyfile = read_keyfile(vault_paths.keys)
    keyfile.anchor = None
    write_keyfile(vault_paths.keys, keyfile)

    ctx = accounts.sign_in(Vault.open(vault_paths), ADMIN, ADMIN_PASS)  # upgrades on unlock
    try:
        assert ctx.vault.migration_state().up_to_date
        with ctx.reading() as uow:
            assert [u.login for u in uow.users.list()] == [ADMIN]
        from casecell.services import maintenance

        report = maintenance.check(ctx)
        assert report.ok, report.summary()
    finally:
        accounts.sign_out(ctx)


def test_0015_gives_every_existing_meeting_its_own_random_uid(admin_ctx):
    import uuid

    from casecell.services import meetings
    from casecell.services.meetings import MeetingInput

    for day in ("12/01/2027 14:00", "12/01/2027 14:00", "09/02/2027 14:00"):
        meetings.plan_meeting(admin_ctx, MeetingInput(day, 60, "Mairie"))
    engine = admin_ctx.vault.engine
    migrate.downgrade(engine, "0013")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT uid, sequence FROM meetings").fetchall()
    uids = [uid for uid, _sequence in rows]
    assert len(set(uids)) == 3  # not derived from the date: two meetings share one
    assert all(uuid.UUID(uid).version == 4 for uid in uids)
    assert {sequence for _uid, sequence in rows} == {0}


def test_0016_gives_the_report_its_covering_indexes_and_is_undone(admin_ctx):
    from casecell.domain.indicators import Period
    from casecell.storage.reports import tally_queries

    engine = admin_ctx.vault.engine
    year = Period(date(2025, 1, 1), date(2025, 12, 31))
    queries = tally_queries((year, year.previous()))
    ours = {"ix_case_events_kind_at", "ix_actions_report"}

    def indexes() -> set[str]:
        with engine.connect() as conn:
            return {
                row[0]
                for row in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'index'"
                )
            }

    def plan(name: str) -> str:
        sql, params = queries[name]
        with engine.connect() as conn:
            return str(conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())

    assert ours <= indexes()
    assert "COVERING INDEX ix_case_events_kind_at" in plan("carried")
    assert "COVERING INDEX ix_actions_report" in plan("actions")
    migrate.downgrade(engine, "0015")
    assert not ours & indexes()
    assert {"ix_case_events_case_id_at", "ix_actions_case_id"} <= indexes()  # the others kept
    migrate.upgrade(engine)
    assert ours <= indexes()


def test_the_head_read_from_file_names_is_alembics_head():
    """The fast check at sign-in compares with the file names' head: it must not drift."""
    assert migrate.SHIPPED_HEAD == migrate.alembic_head() == migrate.head()


def test_a_vault_at_head_is_opened_without_importing_alembic(admin_ctx, vault_paths):
    """Alembic (and the SQL dialects it imports) costs a start-up ~0.3 s: a vault at head
    is recognised without it; one that is not still goes through Alembic (tests above)."""
    accounts.sign_out(admin_ctx)
    script = (
        "import sys\n"
        "from casecell.bootstrap import Bootstrap\n"
        "from casecell.paths import VaultPaths\n"
        "from tests.conftest import ADMIN, ADMIN_PASS, FAST_KDF\n"
        "from pathlib import Path\n"
        f"boot = Bootstrap(VaultPaths(Path({str(vault_paths.vault)!r})), FAST_KDF)\n"
        "ctx = boot.sign_in(ADMIN, ADMIN_PASS)\n"
        "assert ctx.vault.migration_state().up_to_date\n"
        "assert 'alembic' not in sys.modules, 'Alembic imported to open a vault at head'\n"
    )
    root = Path(__file__).resolve().parent.parent.parent
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
