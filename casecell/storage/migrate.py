"""Alembic, driven from code: current state, head, upgrade in one transaction."""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection, Engine

from casecell.errors import VaultTooNew
from casecell.i18n import _
from casecell.storage.orm import PLANNER_INDEXES, REVIEW_ORDER_INDEX, SEARCH_TABLE, UtcDateTime

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """For autogenerate: the FTS5 index, its shadow tables and the expression index are
    managed by hand in the migrations."""
    if type_ == "index" and (name == REVIEW_ORDER_INDEX or name in PLANNER_INDEXES):
        return False
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLE))


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """For autogenerate: our UTC moments are plain text columns in migrations."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.String(32)"
    return False


@dataclass(frozen=True)
class MigrationState:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def _config(location: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(location))
    return config


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def state(engine: Engine, location: Path = MIGRATIONS) -> MigrationState:
    """Where the vault stands; raise :class:`VaultTooNew` for a revision this build lacks."""
    script = ScriptDirectory.from_config(_config(location))
    with engine.connect() as connection:
        current = _current(connection)
    head = script.get_current_head()
    assert head is not None
    if current is not None:
        try:
            known = script.get_revision(current)
        except CommandError:
            known = None
        if known is None:
            raise VaultTooNew(
                _(
                    "This vault was written by a newer version of casecell (schema {revision}). "
                    "Update casecell to open it."
                ).format(revision=current)
            )
    return MigrationState(current=current, head=head)


@functools.cache
def head(location: Path = MIGRATIONS) -> str:
    """The revision this build ships."""
    revision = ScriptDirectory.from_config(_config(location)).get_current_head()
    assert revision is not None
    return revision


def upgrade(engine: Engine, location: Path = MIGRATIONS) -> MigrationState:
    """Bring the vault to head in a single transaction: all migrations or none."""
    before = state(engine, location)
    if before.up_to_date:
        return before
    _run(engine, location, command.upgrade, "head")
    return state(engine, location)


def downgrade(engine: Engine, revision: str, location: Path = MIGRATIONS) -> MigrationState:
    """Go back to ``revision`` (tests and support only), in a single transaction."""
    _run(engine, location, command.downgrade, revision)
    return state(engine, location)


def _run(engine: Engine, location: Path, step: Any, target: str) -> None:
    config = _config(location)
    write_engine = engine.execution_options(casecell_write=True)
    with write_engine.connect() as connection:
        # SQLite's procedure for table rebuilds (batch mode): foreign keys off outside the
        # transaction, checked by hand before commit, back on afterwards.
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin(), warnings.catch_warnings():
                # Batch mode reflects tables; SQLAlchemy cannot reflect SQLite expression
                # indexes and says so. Ours (ix_cases_review_order) is made by hand in 0002.
                warnings.filterwarnings(
                    "ignore", "Skipped unsupported reflection of expression-based index"
                )
                config.attributes["connection"] = connection
                step(config, target)
                violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if violations:
                    raise RuntimeError(f"migration broke {len(violations)} foreign key(s)")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")
