"""Alembic, driven from code: current state, head, upgrade in one transaction.

Alembic is imported only when a vault is not at the head of this build (or for tests and
support): it costs ~0.3 s of imports (with SQLAlchemy's MSSQL, MySQL, Oracle and PostgreSQL
dialects). A vault at head is recognised with one plain query on ``alembic_version`` beside
:data:`SHIPPED_HEAD`, read from the migration files' names (``0013_search_access.py`` is
revision ``0013``; a test checks that this is Alembic's own head).
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from casecell.errors import VaultTooNew
from casecell.i18n import _
from casecell.storage.orm import PLANNER_INDEXES, REVIEW_ORDER_INDEX, SEARCH_TABLE, UtcDateTime

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py[c]?$")


def shipped_head(location: Path = MIGRATIONS) -> str:
    """The newest revision among the migration files: their names are numbered in order."""
    numbers = {
        found.group(1)
        for entry in (location / "versions").iterdir()
        if (found := _REVISION_FILE.match(entry.name))
    }
    return max(numbers)


SHIPPED_HEAD = shipped_head()


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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(location))
    return config


def _stored_revision(engine: Engine) -> str | Literal[False] | None:
    """The revision the vault records, read with plain SQL: ``None`` when it records none,
    ``False`` when it records several (branches: left to Alembic)."""
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        known = raw.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if known is None:
            return None
        rows = raw.execute("SELECT version_num FROM alembic_version").fetchall()
    if len(rows) > 1:
        return False
    return str(rows[0][0]) if rows else None


def state(engine: Engine, location: Path = MIGRATIONS) -> MigrationState:
    """Where the vault stands; raise :class:`VaultTooNew` for a revision this build lacks."""
    if location == MIGRATIONS and _stored_revision(engine) == SHIPPED_HEAD:
        return MigrationState(current=SHIPPED_HEAD, head=SHIPPED_HEAD)  # no Alembic at all
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(_config(location))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
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
    if location == MIGRATIONS:
        return SHIPPED_HEAD
    return alembic_head(location)


def alembic_head(location: Path = MIGRATIONS) -> str:
    """The head as Alembic finds it, following ``down_revision`` (tests, support)."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(_config(location)).get_current_head()
    assert revision is not None
    return revision


def upgrade(engine: Engine, location: Path = MIGRATIONS) -> MigrationState:
    """Bring the vault to head in a single transaction: all migrations or none."""
    before = state(engine, location)
    if before.up_to_date:
        return before
    from alembic import command

    _run(engine, location, command.upgrade, "head")
    return state(engine, location)


def downgrade(engine: Engine, revision: str, location: Path = MIGRATIONS) -> MigrationState:
    """Go back to ``revision`` (tests and support only), in a single transaction."""
    from alembic import command

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
