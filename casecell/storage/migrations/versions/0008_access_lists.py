"""Need-to-know: read a situation's access list from indexes.

* ``ix_cases_referrer_org_id``: the situations an organisation referred;
* ``ix_case_participants_org_case`` (organisation_id, case_id) replaces the index on
  organisation_id alone: an organisation's situations without reading the table;
* ``ix_cases_review_order`` (the list's default order, by hand since 0002) also carries the
  lead and referring organisations, so a member's page of the list is checked from the index.
(``users.organisation_id`` exists since 0002.)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from alembic import op

from casecell.storage.orm import REVIEW_ORDER_INDEX

ORDER = "next_review_on IS NULL, next_review_on, id"

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(f"DROP INDEX {REVIEW_ORDER_INDEX}")
    op.execute(
        f"CREATE INDEX {REVIEW_ORDER_INDEX} ON cases ({ORDER}, lead_org_id, referrer_org_id)"
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_referrer_org_id", ["referrer_org_id"], unique=False)
    with op.batch_alter_table("case_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_case_participants_organisation_id")
        batch_op.create_index(
            "ix_case_participants_org_case", ["organisation_id", "case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("case_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_case_participants_org_case")
        batch_op.create_index(
            "ix_case_participants_organisation_id", ["organisation_id"], unique=False
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_referrer_org_id")
    op.execute(f"DROP INDEX {REVIEW_ORDER_INDEX}")
    op.execute(f"CREATE INDEX {REVIEW_ORDER_INDEX} ON cases ({ORDER})")
