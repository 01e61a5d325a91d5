"""Each account's key-slot public key, recorded in the vault: key rotations seal the new key to
it (and give managers the indicator key only, from their role), never trusting the key file.

Existing accounts get theirs at their next sign-in.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("slot_public", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE users DROP COLUMN slot_public")
