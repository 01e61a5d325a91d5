"""Meeting planner: series, title, video link, chair and secretary, item slots and notes,
participants with attendance and confidentiality undertaking, permanent members.

The organisation-level ``meeting_attendance`` of 0003 becomes one participant per row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("first_local", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_series")),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("permanent_member", sa.Boolean(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("title", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("video_link", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("chair_contact_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("secretary_contact_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_meetings_series_id"), ["series_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_meetings_chair_contact_id_contacts"),
            "contacts",
            ["chair_contact_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_meetings_secretary_contact_id_contacts"),
            "contacts",
            ["secretary_contact_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_meetings_series_id_meeting_series"),
            "meeting_series",
            ["series_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("meeting_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("slot_minutes", sa.Integer(), nullable=False, server_default="10")
        )
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))

    op.create_table(
        "meeting_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("observer", sa.Boolean(), nullable=False),
        sa.Column("attendance", sa.String(length=16), nullable=True),
        sa.Column("information_sent", sa.Boolean(), nullable=False),
        sa.Column("represented_by", sa.String(length=200), nullable=False),
        sa.Column("undertaking_signed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_meeting_participants_contact_id_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_participants_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_meeting_participants_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_participants")),
    )
    with op.batch_alter_table("meeting_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_participants_meeting_id"), ["meeting_id"], unique=False
        )
    op.execute(
        "INSERT INTO meeting_participants (meeting_id, organisation_id, contact_id, name, observer,"
        " attendance, information_sent, represented_by, undertaking_signed)"
        " SELECT meeting_id, organisation_id, NULL, '', 0, status, 0, '', 0"
        " FROM meeting_attendance ORDER BY meeting_id, organisation_id"
    )
    op.drop_table("meeting_attendance")


def downgrade() -> None:
    op.create_table(
        "meeting_attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_attendance_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_meeting_attendance_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint(
            "meeting_id", "organisation_id", name=op.f("pk_meeting_attendance")
        ),
    )
    # One row per organisation: the first participant's attendance stands for it.
    op.execute(
        "INSERT OR IGNORE INTO meeting_attendance (meeting_id, organisation_id, status)"
        " SELECT meeting_id, organisation_id, attendance FROM meeting_participants"
        " WHERE organisation_id IS NOT NULL AND attendance IS NOT NULL ORDER BY id"
    )
    with op.batch_alter_table("meeting_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_participants_meeting_id"))
    op.drop_table("meeting_participants")
    with op.batch_alter_table("meeting_items", schema=None) as batch_op:
        batch_op.drop_column("notes")
        batch_op.drop_column("slot_minutes")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_meetings_series_id_meeting_series"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_meetings_secretary_contact_id_contacts"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_meetings_chair_contact_id_contacts"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_meetings_series_id"))
        batch_op.drop_column("series_id")
        batch_op.drop_column("secretary_contact_id")
        batch_op.drop_column("chair_contact_id")
        batch_op.drop_column("video_link")
        batch_op.drop_column("title")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("permanent_member")
    op.drop_table("meeting_series")
