"""Persons' identifiers as data (street address, postcode, phone, e-mail, NIR), and the
relatives and household members linked to a situation as persons of the vault. A person
known by a birth date also has its year (an import could leave it out), indexed: a repeat
referral is looked up by names and birth year.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

IDENTIFIERS = (("address", 200), ("postcode", 5), ("phone", 20), ("email", 254), ("nir", 15))


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        for name, length in IDENTIFIERS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch_op.create_index(batch_op.f("ix_persons_nir"), ["nir"], unique=False)
        batch_op.create_index(batch_op.f("ix_persons_birth_year"), ["birth_year"], unique=False)
    op.execute(
        "UPDATE persons SET birth_year = CAST(substr(birth_date, 1, 4) AS INTEGER) "
        "WHERE birth_year IS NULL AND birth_date IS NOT NULL"
    )
    op.create_table(
        "case_relatives",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_relatives_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_case_relatives_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("case_id", "person_id", name=op.f("pk_case_relatives")),
    )
    with op.batch_alter_table("case_relatives", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_relatives_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("case_relatives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_relatives_person_id"))
    op.drop_table("case_relatives")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_birth_year"))
        batch_op.drop_index(batch_op.f("ix_persons_nir"))
        for name, _length in reversed(IDENTIFIERS):
            batch_op.drop_column(name)
