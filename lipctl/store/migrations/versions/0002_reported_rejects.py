"""reported rejects

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04

The rejected survey rows already reported, by the SHA-256 of their raw bytes per survey: a
re-import tells known rejects from new ones (issue 13). A new table only; no data moves.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reported_rejects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], name=op.f("fk_reported_rejects_batch_id_import_batches")),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], name=op.f("fk_reported_rejects_survey_id_surveys")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reported_rejects")),
        sa.UniqueConstraint("survey_id", "sha256", name=op.f("uq_reported_rejects_survey_id_sha256")),
    )
    with op.batch_alter_table("reported_rejects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reported_rejects_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reported_rejects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reported_rejects_batch_id"))
    op.drop_table("reported_rejects")
