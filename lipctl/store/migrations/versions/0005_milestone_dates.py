"""milestone dates as the source gives them, rescheduling, the basis of a document kind

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

Milestones (issue 16): ``due`` may be NULL (the source gives a season, a month or "after …", and
``due_text`` keeps its words); a milestone moved by ``lipctl milestone reschedule`` keeps the due
date it had before its first reschedule (``original_due``) and who moved it last, when and why
(``rescheduled_at``, ``rescheduled_by``, ``reschedule_reason``; every move is in the audit log).
A document kind names the kind it is written on the basis of (``document_kinds.based_on``: the
Maßnahmenkatalog on the Grundsatzpapier).

The upgrade changes no value: a due date a database holds stays as it is (it may be one an office
set in its own seed). The next ``lipctl init`` brings a milestone that was never rescheduled in line
with the seed (so the shipped seed's made-up dates become NULL then); a rescheduled one keeps its date.

The downgrade needs every milestone to have a day again: a NULL ``due`` gets its ``original_due``
back where there is one; with none left it stops, naming the milestones, and changes nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _added() -> list[sa.Column]:
    """The columns 0005 adds to milestones (new objects each time: a Column belongs to one table)."""
    return [
        sa.Column("original_due", sa.Date(), nullable=True),
        sa.Column("rescheduled_at", sa.DateTime(), nullable=True),
        sa.Column("rescheduled_by", sa.String(length=120), nullable=True),
        sa.Column("reschedule_reason", sa.Text(), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.alter_column("due", existing_type=sa.Date(), nullable=True)
        for column in _added():
            batch_op.add_column(column)
    with op.batch_alter_table("document_kinds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("based_on", sa.String(length=80), nullable=True))


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE milestones SET due = original_due WHERE due IS NULL AND original_due IS NOT NULL"))
    undated = conn.execute(sa.text("SELECT slug FROM milestones WHERE due IS NULL ORDER BY id")).scalars().all()
    if undated:
        raise RuntimeError(
            "cannot downgrade below 0005: milestones without a due date: "
            + ", ".join(undated)
            + " (give each a day with `lipctl milestone reschedule` first)"
        )
    with op.batch_alter_table("document_kinds", schema=None) as batch_op:
        batch_op.drop_column("based_on")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        for column in reversed(_added()):
            batch_op.drop_column(column.name)
        batch_op.alter_column("due", existing_type=sa.Date(), nullable=False)
