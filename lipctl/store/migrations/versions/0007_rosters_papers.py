"""rosters (memberships from/until, voting or advisory; seat counts with their dates) and the Drucksachen register

Revision ID: 0007
Revises: 0005 (re-chained after 0006 at merge)
Create Date: 2026-12-04

Rosters (issue 16): a membership is voting or advisory and lasts from ``since`` to ``until`` (both
NULL for the seed's chair: always); a person may leave a body and join it again, so the unique
(body, person, role) goes (the service refuses overlapping memberships). ``body_seats`` keeps the
history of a body's statutory number of voting members (``lipctl body edit --seats N --from D``).
A resolution records the statutory number on its day and the reason when --members differed.

The Drucksachen register (``papers``): a number belongs to one paper. The upgrade registers the
founding resolution's number (process_info) first, then every number the resolutions already carry,
each for the first resolution that used it (its draft version, or the plan); a later resolution
that reused the number for something else keeps its value and ``lipctl db check`` lists it.
No existing value changes; every existing membership becomes voting, without dates.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_INFORMATION = re.compile(r"^H-")
_AMENDMENT = re.compile(r"\sE\d{1,2}$")


def _kind(number: str) -> str:
    """As lipctl.process.papers.classify (kept here: a migration does not import the code that moves on)."""
    if _INFORMATION.search(number):
        return "information"
    if _AMENDMENT.search(number):
        return "amendment"
    return "resolution"


def upgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_constraint("uq_memberships_body_id_person_id_role", type_="unique")
        batch_op.add_column(sa.Column("voting", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("since", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("until", sa.Date(), nullable=True))
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.alter_column("voting", existing_type=sa.Boolean(), server_default=None)
    with op.batch_alter_table("resolutions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("members_statutory", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("members_reason", sa.Text(), nullable=True))
    op.create_table(
        "body_seats",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint("seats >= 0", name=op.f("ck_body_seats_seats_non_negative")),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_body_seats_body_id_bodies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_seats")),
        sa.UniqueConstraint("body_id", "since", name=op.f("uq_body_seats_body_id_since")),
    )
    papers = op.create_table(
        "papers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("carries", sa.String(length=32), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("registered_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_papers_body_id_bodies")),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_papers_draft_id_drafts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_papers")),
        sa.UniqueConstraint("number", name=op.f("uq_papers_number")),
    )
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_papers_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_papers_draft_id"), ["draft_id"], unique=False)
    _register_existing(papers)


def _register_existing(papers: sa.Table) -> None:
    """The founding number, then each resolution's number for the first resolution that used it, then
    the numbers the committee was informed with (Informationsdrucksachen)."""
    conn = op.get_bind()
    info: dict[str, str | None] = dict(conn.execute(sa.text("SELECT key, value FROM process_info")).all())
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    founding = info.get("founding_drucksache")
    res = sa.table(
        "resolutions",
        sa.column("id", sa.Integer()),
        sa.column("drucksache", sa.String()),
        sa.column("scope", sa.String()),
        sa.column("draft_id", sa.Integer()),
        sa.column("body_id", sa.Integer()),
        sa.column("decided_on", sa.Date()),
        sa.column("recorded_at", sa.DateTime()),
        sa.column("recorded_by", sa.String()),
    )
    drafts = sa.table("drafts", sa.column("id", sa.Integer()), sa.column("title", sa.String()))
    events = sa.table(
        "audit_events", sa.column("id", sa.Integer()), sa.column("occurred_at", sa.DateTime()), sa.column("actor", sa.String())
    )
    first = conn.execute(sa.select(sa.func.min(res.c.recorded_at))).scalar()
    if founding:
        body = info.get("founding_body")
        body_id = conn.execute(sa.text("SELECT id FROM bodies WHERE slug = :s"), {"s": body}).scalar() if body else None
        # Registered when the database was first loaded (its first audit event: init), by who did it.
        loaded = conn.execute(sa.select(events.c.occurred_at, events.c.actor).order_by(events.c.id).limit(1)).first()
        created, actor = loaded if loaded is not None else (first, None)
        rows.append(
            {
                "number": founding,
                "kind": _kind(founding),
                "carries": "founding",
                "draft_id": None,
                "body_id": body_id,
                "date": None,
                "title": None,
                "registered_at": created or dt.datetime.now(dt.UTC).replace(tzinfo=None),
                "registered_by": actor or "lipctl",
            }
        )
        seen.add(founding)
    used = conn.execute(
        sa.select(
            res.c.drucksache,
            res.c.scope,
            res.c.draft_id,
            res.c.body_id,
            res.c.decided_on,
            res.c.recorded_at,
            res.c.recorded_by,
            drafts.c.title,
        )
        .select_from(res.outerjoin(drafts, drafts.c.id == res.c.draft_id))
        .where(res.c.drucksache.is_not(None))
        .order_by(res.c.id)
    ).all()
    for number, scope, draft_id, body_id, decided_on, recorded_at, recorded_by, title in used:
        if number in seen:
            continue
        seen.add(number)
        rows.append(
            {
                "number": number,
                "kind": _kind(number),
                "carries": "plan" if scope == "plan" else "draft",
                "draft_id": draft_id,
                "body_id": body_id,
                "date": decided_on,
                "title": title,
                "registered_at": recorded_at,
                "registered_by": recorded_by,
            }
        )
    # The committee informed with an Informationsdrucksache (revision 0006's committee_information).
    ci = sa.table(
        "committee_information",
        sa.column("id", sa.Integer()),
        sa.column("drucksache", sa.String()),
        sa.column("body_id", sa.Integer()),
        sa.column("informed_on", sa.Date()),
        sa.column("recorded_at", sa.DateTime()),
        sa.column("recorded_by", sa.String()),
    )
    informed = conn.execute(
        sa.select(ci.c.drucksache, ci.c.body_id, ci.c.informed_on, ci.c.recorded_at, ci.c.recorded_by)
        .where(ci.c.drucksache.is_not(None))
        .order_by(ci.c.id)
    ).all()
    for number, body_id, informed_on, recorded_at, recorded_by in informed:
        if number in seen:
            continue
        seen.add(number)
        rows.append(
            {
                "number": number,
                "kind": _kind(number),
                "carries": "information",
                "draft_id": None,
                "body_id": body_id,
                "date": informed_on,
                "title": None,
                "registered_at": recorded_at,
                "registered_by": recorded_by,
            }
        )
    if rows:
        op.bulk_insert(papers, rows)


def downgrade() -> None:
    conn = op.get_bind()
    dated = conn.execute(sa.text("SELECT COUNT(*) FROM memberships WHERE since IS NOT NULL OR until IS NOT NULL")).scalar()
    if dated:
        raise RuntimeError(
            f"cannot downgrade below 0007: {dated} memberships have from/until dates that the revision before cannot keep"
        )
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_papers_draft_id"))
        batch_op.drop_index(batch_op.f("ix_papers_body_id"))
    op.drop_table("papers")
    op.drop_table("body_seats")
    with op.batch_alter_table("resolutions", schema=None) as batch_op:
        batch_op.drop_column("members_reason")
        batch_op.drop_column("members_statutory")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("until")
        batch_op.drop_column("since")
        batch_op.drop_column("voting")
        batch_op.create_unique_constraint("uq_memberships_body_id_person_id_role", ["body_id", "person_id", "role"])
