"""the record of sent reminder mails (lipctl remind --send)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

Issue 18: ``reminders_sent`` holds one row per item reminded of (an opinion a body owes on a draft
version, or a document an expert group owes by a milestone) and day (Europe/Berlin): the recipient's
address, the mail's Message-ID, when and by whom it was sent. A row is written only after the SMTP
server accepted the mail; (item, day) is unique, so that an hourly cron job reminds of each item once
a day. The upgrade changes no existing row; the downgrade drops the table (the audit log keeps every
sent mail as an event).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item", sa.String(length=160), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("sent_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_reminders_sent_body_id_bodies")),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_reminders_sent_draft_id_drafts")),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestones.id"], name=op.f("fk_reminders_sent_milestone_id_milestones")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
        sa.UniqueConstraint("item", "day", name=op.f("uq_reminders_sent_item_day")),
    )
    with op.batch_alter_table("reminders_sent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminders_sent_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminders_sent_draft_id"), ["draft_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminders_sent_milestone_id"), ["milestone_id"], unique=False)


def downgrade() -> None:
    op.drop_table("reminders_sent")
