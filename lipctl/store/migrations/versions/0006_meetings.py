"""sessions of the deciding bodies, their agendas, deferrals without counts, informing the committee

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

Sessions (issue 16): ``meetings`` (Sitzung: body, day, start, place, invitation date, the session it
is the second convocation of, why the invitation period was shortened), ``agenda_items``
(Tagesordnungspunkt: a draft version or the plan, its number and Drucksache) and
``committee_information`` (Unterrichtung, with its document as a draft's). A resolution names its
session (``resolutions.meeting_id``); a deferral needs no counts (``yes``, ``no``, ``abstain``,
``present`` and ``quorate`` may be NULL, only when the result is ``deferred``). A body has an
invitation period and an information interval (``bodies.invitation_days``,
``bodies.information_interval_days``, NULL until ``lipctl init`` loads them from the seed).

The upgrade attaches every existing tally to a session created from its date: one session per
body and day (created when and by whom the first of its tallies was recorded), with one agenda
item per draft version (or the plan) tallied there, in the order of the tallies. No other value
changes.

The downgrade needs every resolution to have its counts: a deferral recorded without them stops
it, naming the resolutions, and nothing changes. Sessions, agendas and information are dropped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COUNTS = ("yes", "no", "abstain", "present")
DEFERRED_ONLY = "result = 'deferred' OR (yes IS NOT NULL AND no IS NOT NULL AND abstain IS NOT NULL AND present IS NOT NULL)"
#: The checks of resolutions as 0001 made them (a table copy on SQLite keeps only what it is told).
CHECKS = (
    ("ck_resolutions_votes_non_negative", "yes >= 0 AND no >= 0 AND abstain >= 0"),
    ("ck_resolutions_votes_possible", "yes + no + abstain <= present AND present <= members"),
)
SCOPE = sa.Enum("document", "plan", name="decisionscope", native_enum=False, length=32)


def upgrade() -> None:
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invitation_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("information_interval_days", sa.Integer(), nullable=True))
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start", sa.String(length=5), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("invited_on", sa.Date(), nullable=True),
        sa.Column("second_convocation_of", sa.Integer(), nullable=True),
        sa.Column("urgent_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_meetings_body_id_bodies")),
        sa.ForeignKeyConstraint(
            ["second_convocation_of"], ["meetings.id"], name=op.f("fk_meetings_second_convocation_of_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_second_convocation_of"), ["second_convocation_of"], unique=False)
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("scope", SCOPE, nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("drucksache", sa.String(length=40), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_agenda_items_draft_id_drafts")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_agenda_items_meeting_id_meetings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_items_draft_id"), ["draft_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_items_meeting_id"), ["meeting_id"], unique=False)
    op.create_table(
        "committee_information",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("informed_on", sa.Date(), nullable=False),
        sa.Column("drucksache", sa.String(length=40), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("file_copy", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_committee_information_body_id_bodies")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_committee_information_meeting_id_meetings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_information")),
    )
    with op.batch_alter_table("committee_information", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_information_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_committee_information_meeting_id"), ["meeting_id"], unique=False)

    resolutions = sa.Table("resolutions", sa.MetaData(), *(sa.CheckConstraint(sql, name=name) for name, sql in CHECKS))
    with op.batch_alter_table("resolutions", schema=None, reflect_args=tuple(resolutions.constraints)) as batch_op:
        for column in COUNTS:
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("quorate", existing_type=sa.Boolean(), nullable=True)
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_resolutions_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_resolutions_meeting_id_meetings"), "meetings", ["meeting_id"], ["id"])
        batch_op.create_check_constraint(op.f("ck_resolutions_counts_unless_deferred"), DEFERRED_ONLY)
    _attach_tallies(op.get_bind())


def _attach_tallies(conn: sa.Connection) -> None:
    """One session per body and day of the existing tallies, one agenda item per thing tallied there."""
    meta = sa.MetaData()
    meta.reflect(conn, only=("resolutions", "meetings", "agenda_items"))
    res, meetings, items = meta.tables["resolutions"], meta.tables["meetings"], meta.tables["agenda_items"]
    rows = conn.execute(
        sa.select(
            res.c.id, res.c.body_id, res.c.decided_on, res.c.scope, res.c.draft_id, res.c.recorded_at, res.c.recorded_by
        ).order_by(res.c.decided_on, res.c.body_id, res.c.id)
    ).all()
    session_of: dict[tuple[int, object], int] = {}
    agenda: dict[int, list[tuple[str, int | None]]] = {}
    for row in rows:
        key = (row.body_id, row.decided_on)
        if key not in session_of:
            session_of[key] = conn.execute(
                sa.insert(meetings)
                .values(body_id=row.body_id, date=row.decided_on, created_at=row.recorded_at, created_by=row.recorded_by)
                .returning(meetings.c.id)
            ).scalar_one()
            agenda[session_of[key]] = []
        meeting = session_of[key]
        item = (row.scope, row.draft_id)
        if item not in agenda[meeting]:
            agenda[meeting].append(item)
            conn.execute(
                sa.insert(items).values(
                    meeting_id=meeting,
                    scope=row.scope,
                    draft_id=row.draft_id,
                    position=len(agenda[meeting]),
                    created_at=row.recorded_at,
                    created_by=row.recorded_by,
                )
            )
        conn.execute(sa.update(res).where(res.c.id == row.id).values(meeting_id=meeting))


def downgrade() -> None:
    conn = op.get_bind()
    uncounted = (
        conn.execute(
            sa.text(
                "SELECT id FROM resolutions"
                " WHERE yes IS NULL OR no IS NULL OR abstain IS NULL OR present IS NULL OR quorate IS NULL ORDER BY id"
            )
        )
        .scalars()
        .all()
    )
    if uncounted:
        raise RuntimeError(
            "cannot downgrade below 0006: deferrals recorded without vote counts: resolutions "
            + ", ".join(str(i) for i in uncounted)
            + " (revision 0005 needs every count)"
        )
    resolutions = sa.Table("resolutions", sa.MetaData(), *(sa.CheckConstraint(sql, name=name) for name, sql in CHECKS))
    with op.batch_alter_table("resolutions", schema=None, reflect_args=tuple(resolutions.constraints)) as batch_op:
        batch_op.drop_constraint(op.f("ck_resolutions_counts_unless_deferred"), type_="check")
        batch_op.drop_constraint(op.f("fk_resolutions_meeting_id_meetings"), type_="foreignkey")
        batch_op.drop_index(op.f("ix_resolutions_meeting_id"))
        batch_op.drop_column("meeting_id")
        batch_op.alter_column("quorate", existing_type=sa.Boolean(), nullable=False)
        for column in reversed(COUNTS):
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=False)
    op.drop_table("committee_information")
    op.drop_table("agenda_items")
    op.drop_table("meetings")
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_column("information_interval_days")
        batch_op.drop_column("invitation_days")
