"""survey rounds: a survey's round and period, closing it, and the answers handed to the expert groups

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

Issue 18: a survey has a round number (Umfragerunde, unique where given), a period (``opens_on`` to
``closes_on``, both days included) and the day it was closed (``closed_on``, ``closed_by``).
Handing a field's answers to its expert group is recorded: ``survey_handovers`` (which field, which
group, which day, by whom, how many) and ``survey_handover_answers`` (each answer once, with the
handover it went with; deleted with the answer).

Existing surveys get no period and round NULL, not 1: lipctl never asked when they ran nor which
round they were, and a made-up 1 would be wrong for a database whose only survey is the second one
(the seed's "second online survey"). ``survey open NAME --round N`` gives them both; without
``--round`` it takes the next free number. Their answers count as not handed over: nothing says they were.

The columns are added in place (ADD COLUMN, a unique index): copying ``surveys`` (Alembic's batch
mode) would drop a table that answers, batches and drafts refer to. The downgrade drops the two
tables and the columns (on SQLite 3.35+ with DROP COLUMN): the periods and handovers go with them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _added() -> list[sa.Column]:
    """The columns 0010 adds to surveys (new objects each time: a Column belongs to one table)."""
    return [
        sa.Column("round", sa.Integer(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.String(length=120), nullable=True),
    ]


def upgrade() -> None:
    for column in _added():
        op.add_column("surveys", column)
    op.create_index("uq_surveys_round", "surveys", ["round"], unique=True)
    op.create_table(
        "survey_handovers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("handed_on", sa.Date(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_survey_handovers_body_id_bodies")),
        sa.ForeignKeyConstraint(["field_id"], ["action_fields.id"], name=op.f("fk_survey_handovers_field_id_action_fields")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_handovers")),
    )
    op.create_index(op.f("ix_survey_handovers_field_id"), "survey_handovers", ["field_id"], unique=False)
    op.create_table(
        "survey_handover_answers",
        sa.Column("response_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handover_id"], ["survey_handovers.id"], name=op.f("fk_survey_handover_answers_handover_id_survey_handovers")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_handover_answers_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_survey_handover_answers")),
    )
    op.create_index(op.f("ix_survey_handover_answers_handover_id"), "survey_handover_answers", ["handover_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_survey_handover_answers_handover_id"), table_name="survey_handover_answers")
    op.drop_table("survey_handover_answers")
    op.drop_index(op.f("ix_survey_handovers_field_id"), table_name="survey_handovers")
    op.drop_table("survey_handovers")
    op.drop_index("uq_surveys_round", table_name="surveys")
    for column in reversed(_added()):
        op.drop_column("surveys", column.name)
