"""the complete plan (Gesamtplan) as a document: a draft without an action field

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-04

Issue 16: the LIP 2.0 as a whole is submitted, given opinions on, forwarded and voted on like a
field's document, in versions (``lipctl draft submit plan``). Its versions are drafts of kind
``gesamtplan`` with no action field: ``drafts.field_id`` may be NULL, only for that kind
(``ck_drafts_plan_has_no_field``), and the plan's version numbers are unique among themselves
(``uq_drafts_plan_version``, a partial unique index: the (field_id, kind, version) constraint does
not hold where field_id is NULL).

The upgrade changes no row. Council resolutions on the plan recorded before (scope ``plan``,
``draft_id`` NULL) stay as they are and are read as before. The plan's Beratungsfolge
(committee, then council) is seed data: the next ``lipctl init`` brings ``decision_steps`` in line.

The downgrade stops, changing nothing, while a plan version exists (it has no field to go back to).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None

#: The kind of the plan's versions (lipctl.process.plan.PLAN_KIND).
PLAN_KIND = "gesamtplan"


def upgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.alter_column("field_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint("plan_has_no_field", f"field_id IS NOT NULL OR kind = '{PLAN_KIND}'")
    op.create_index(
        "uq_drafts_plan_version",
        "drafts",
        ["version"],
        unique=True,
        sqlite_where=sa.text("field_id IS NULL"),
        postgresql_where=sa.text("field_id IS NULL"),
    )


def downgrade() -> None:
    conn = op.get_bind()
    plan = conn.execute(sa.text("SELECT count(*) FROM drafts WHERE field_id IS NULL")).scalar_one()
    if plan:
        raise RuntimeError(
            f"cannot downgrade below 0008: {plan} version(s) of the complete plan have no action field"
            " (revision 0005 cannot hold them)"
        )
    op.drop_index("uq_drafts_plan_version", table_name="drafts")
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_constraint("plan_has_no_field", type_="check")
        batch_op.alter_column("field_id", existing_type=sa.Integer(), nullable=False)
