"""Retention: the day a situation's personal data was anonymised (None while it is kept).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: rebuilding ``cases`` would drop the expression index of
# the list's order (ix_cases_review_order), which SQLAlchemy cannot reflect.
def upgrade() -> None:
    op.add_column("cases", sa.Column("anonymised_on", sa.Date(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE cases DROP COLUMN anonymised_on")
