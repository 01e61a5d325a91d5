"""The person's participation and objection.

* ``meeting_items``: how the person concerned took part in the review of their situation
  (``participation``, a code; ``represented_by``) and their own words on the decisions
  (``person_words``);
* ``cases``: the person's objection to sharing (``opposed_on``, ``opposition_reason``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("participation", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("represented_by", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("person_words", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opposed_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("opposition_reason", sa.String(length=500), nullable=False, server_default="")
        )


def downgrade() -> None:
    # Not batch mode: rebuilding ``cases`` would lose the indexes made by hand (0002, 0005,
    # 0008), which SQLAlchemy cannot reflect. SQLite drops a plain column in place.
    op.execute("ALTER TABLE cases DROP COLUMN opposition_reason")
    op.execute("ALTER TABLE cases DROP COLUMN opposed_on")
    with op.batch_alter_table("meeting_items", schema=None) as batch_op:
        batch_op.drop_column("person_words")
        batch_op.drop_column("represented_by")
        batch_op.drop_column("participation")
