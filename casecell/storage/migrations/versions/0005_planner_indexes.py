"""Indexes for the agenda proposal on large registers.

* ``ix_cases_status_review`` (status, next_review_on, urgency, person_id): reviews due are
  found, ordered and joined to their person from the index alone;
* ``ix_actions_open_due`` / ``ix_actions_open_carried``: partial indexes over the actions
  still to do (about a quarter of them), by due date.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OPEN = "status IN ('todo', 'doing')"


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_cases_status_review ON cases (status, next_review_on, urgency, person_id)"
    )
    op.execute(f"CREATE INDEX ix_actions_open_due ON actions (due_on) WHERE {OPEN}")
    op.execute(
        "CREATE INDEX ix_actions_open_carried ON actions (due_on)"
        f" WHERE {OPEN} AND carried_over IS NOT NULL"
    )


def downgrade() -> None:
    for name in ("ix_actions_open_carried", "ix_actions_open_due", "ix_cases_status_review"):
        op.execute(f"DROP INDEX {name}")
