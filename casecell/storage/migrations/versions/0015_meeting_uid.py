"""Each meeting's calendar identity: a stable ``uid`` (the iCalendar UID its invitations carry,
whatever the meeting's date becomes) and a ``sequence`` (the revision number, raised each time
the date, time, place, title, agenda or status changes, so that calendar clients replace
the event they hold). Existing meetings get a random UUID each, and sequence 0.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-01
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("uid", sa.String(length=80), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM meetings"))]
    for meeting_id in ids:
        connection.execute(
            sa.text("UPDATE meetings SET uid = :uid WHERE id = :id"),
            {"uid": str(uuid.uuid4()), "id": meeting_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("sequence")
        batch_op.drop_column("uid")
