"""corrections and the audit chain

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

Corrections (issue 15): a recorded opinion, steering decision, resolution or draft version can be
voided with who, when and why (``voided_at``, ``voided_by``, ``void_reason``): the row stays, and
state is computed without it. A steering decision is unique per version only while it counts (a
partial unique index replaces the plain one). An import batch can be undone (``undone_*``): its
answers are deleted, the batch row stays.

The audit log becomes a hash chain: every event gets the day the act happened (``happened_on``,
from its details where it names one), the previous event's SHA-256 and its own
(lipctl.process.auditchain), and ``audit_head`` holds the chain's head. Existing events are
chained here in id order (the order they were written), one pass, batched; the append-only
triggers are lifted for that pass only and put back.

Survey answers lose the foreign keys of ``field_id``, ``category_id`` and ``batch_id`` (issue 14):
PostgreSQL checked three keys of every imported row one by one. The import writes only ids it
loaded in the same transaction; ``lipctl db check`` finds references that point nowhere.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lipctl.process.auditchain import GENESIS, day_named, event_hash

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VOIDABLE = ("drafts", "opinions", "steering_decisions", "resolutions")
#: The answers' references that are no longer foreign keys: (column, table), constraint names by NAMING.
UNCHECKED = (("field_id", "action_fields"), ("category_id", "survey_categories"), ("batch_id", "import_batches"))
BATCH = 2_000


def upgrade() -> None:
    for table in VOIDABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("voided_at", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("voided_by", sa.String(length=120), nullable=True))
            batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("steering_decisions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_steering_decisions_draft_id", type_="unique")
        batch_op.create_index("ix_steering_decisions_draft_id", ["draft_id"], unique=False)
        batch_op.create_index(
            "uq_steering_decisions_live_draft",
            ["draft_id"],
            unique=True,
            sqlite_where=sa.text("voided_at IS NULL"),
            postgresql_where=sa.text("voided_at IS NULL"),
        )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        for column, table in UNCHECKED:
            batch_op.drop_constraint(f"fk_survey_responses_{column}_{table}", type_="foreignkey")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("undone_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("undone_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("undo_reason", sa.Text(), nullable=True))
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    # ALTER TABLE … ADD COLUMN on both stores: a batch (table copy) would trip the append-only triggers.
    op.add_column("audit_events", sa.Column("happened_on", sa.Date(), nullable=True))
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_events", sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_index(op.f("uq_audit_events_hash"), "audit_events", ["hash"], unique=True)
    _chain_existing_events(op.get_bind())


def downgrade() -> None:
    op.drop_index(op.f("uq_audit_events_hash"), table_name="audit_events")
    sqlite = op.get_bind().dialect.name == "sqlite"
    _lift_append_only(sqlite)
    for column in ("hash", "prev_hash", "happened_on"):
        op.drop_column("audit_events", column)
    _restore_append_only(sqlite)
    op.drop_table("audit_head")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        for column in ("undo_reason", "undone_by", "undone_at"):
            batch_op.drop_column(column)
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        for column, table in UNCHECKED:
            batch_op.create_foreign_key(f"fk_survey_responses_{column}_{table}", table, [column], ["id"])
    with op.batch_alter_table("steering_decisions", schema=None) as batch_op:
        batch_op.drop_index("uq_steering_decisions_live_draft")
        batch_op.drop_index("ix_steering_decisions_draft_id")
        batch_op.create_unique_constraint("uq_steering_decisions_draft_id", ["draft_id"])
    for table in VOIDABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ("void_reason", "voided_by", "voided_at"):
                batch_op.drop_column(column)


_EVENTS = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("occurred_at", sa.DateTime),
    sa.column("actor", sa.String),
    sa.column("command", sa.String),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("details", sa.Text),
    sa.column("happened_on", sa.Date),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _chain_existing_events(bind: sa.Connection) -> None:
    """Give every existing event its day, previous hash and hash, in id order; write the head."""
    sqlite = bind.dialect.name == "sqlite"
    _lift_append_only(sqlite)
    update = (
        sa.update(_EVENTS)
        .where(_EVENTS.c.id == sa.bindparam("event_id"))
        .values(happened_on=sa.bindparam("day"), prev_hash=sa.bindparam("prev"), hash=sa.bindparam("own"))
    )
    prev, count, last_id = GENESIS, 0, 0
    while True:
        rows = bind.execute(
            sa.select(
                _EVENTS.c.id,
                _EVENTS.c.occurred_at,
                _EVENTS.c.actor,
                _EVENTS.c.command,
                _EVENTS.c.action,
                _EVENTS.c.entity,
                _EVENTS.c.entity_id,
                _EVENTS.c.details,
            )
            .where(_EVENTS.c.id > last_id)
            .order_by(_EVENTS.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        params = []
        for row in rows:
            day = day_named(row.details)
            own = event_hash(
                prev,
                occurred_at=row.occurred_at,
                actor=row.actor,
                command=row.command,
                action=row.action,
                entity=row.entity,
                entity_id=row.entity_id,
                details=row.details,
                happened_on=day,
            )
            params.append({"event_id": row.id, "day": day, "prev": prev, "own": own})
            prev, count = own, count + 1
        bind.execute(update, params)
        last_id = rows[-1].id
    bind.execute(sa.text("INSERT INTO audit_head (id, hash, events) VALUES (1, :h, :n)"), {"h": prev, "n": count})
    _restore_append_only(sqlite)


def _lift_append_only(sqlite: bool) -> None:
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    else:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")


def _restore_append_only(sqlite: bool) -> None:
    if sqlite:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )
    else:
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
