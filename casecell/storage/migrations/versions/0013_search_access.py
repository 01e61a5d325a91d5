"""The full-text index carries each situation's access list (tokens ``o12``), so that a
member's search is intersected with their organisation inside FTS5 instead of checking every
match. The index is emptied here and rebuilt at the next sign-in (its fold version is reset).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"


def _recreate(columns: str) -> None:
    op.execute("DROP TABLE case_search")
    op.execute(f"CREATE VIRTUAL TABLE case_search USING fts5({columns}, {TOKENIZE})")
    op.execute("DELETE FROM vault_meta WHERE key = 'search_fold_version'")


def upgrade() -> None:
    _recreate("reference, names, organisations, notes, access")


def downgrade() -> None:
    _recreate("reference, names, organisations, notes")
