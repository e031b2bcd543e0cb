"""survey answers: lighter to store (no foreign key on the survey, no index of the category alone)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

Issue 14: a first import on PostgreSQL streams the file through one COPY; what the server does per
row then sets the pace. Measured with ``psql \\copy`` of 100,000 of lipctl's own rows into
``survey_responses`` (benchmarks/README.md, "Survey import on PostgreSQL"): 1.35–1.63 s as the table
was, 0.82–0.98 s without the foreign key ``survey_id → surveys`` (PostgreSQL checks it for every
row at the end of the COPY, locking the survey's row each time), 0.59–0.67 s also without
``ix_survey_responses_category``. So:

- ``survey_responses.survey_id`` keeps its reference without a foreign key, as ``field_id``,
  ``category_id`` and ``batch_id`` have since revision 0004. The import writes the id of the survey
  it has just found or created in the same transaction, under the survey's advisory lock; ``survey
  delete`` removes a survey's answers before the survey; ``lipctl db check`` lists answers whose
  survey does not exist.
- ``ix_survey_responses_category`` (the category alone) goes: its one reader, the report's count
  per category, sums the counts per (field, category) — the covering index every other count uses.

The upgrade changes no row; the downgrade puts both back (it fails, changing nothing, where an answer
points at no survey: ``lipctl db check`` names them).
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_survey_responses_survey_id_surveys"
CATEGORY_INDEX = "ix_survey_responses_category"


def upgrade() -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_index(CATEGORY_INDEX)


def downgrade() -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(CATEGORY_INDEX, ["category_id"], unique=False)
        batch_op.create_foreign_key(FOREIGN_KEY, "surveys", ["survey_id"], ["id"])
