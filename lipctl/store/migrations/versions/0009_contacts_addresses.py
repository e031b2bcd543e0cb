"""addresses of contacts and bodies, and the seed values last applied (three-way init)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

Issue 18. Reminder mails need addresses: a body gets ``email`` and ``language`` (``de`` or ``en``, the
language its reminders are written in; German by default), a field's contact (Ansprechpartner*in)
``email`` and ``phone`` on its ``field_contacts`` row. No address is invented: they start empty.

``lipctl field edit`` and ``lipctl body edit --chair/--email/--language`` change values the seed also
sets. ``seed_values`` keeps, per value the seed sets and lipctl edits (key such as
``field.bildung.contact.name`` or ``body.rat.email``), the value the seed last applied. ``init`` then
decides three-way (lipctl.process.seedmerge): it applies a seed value only where the seed changed since
then, keeps a value changed in lipctl since then, and reports a conflict where both changed.

What an upgraded office database does on its next ``init``: before this revision nothing but ``init``
wrote these values (no command edited a contact or the seed's undated chair, and the new columns are
empty), so the values in the database *are* the values the seed last applied — whichever seed file the
office used. The upgrade records them so in ``seed_values``. Hence the next ``init`` with the same seed
changes nothing and reports nothing; with an edited seed it applies what the seed changed, as before.
Only chairs without a day (the seed's) are recorded: a chair on the roster (``member add --role chair``,
with a day) is the roster's, and ``init`` leaves it alone from now on.

The downgrade drops the columns and the table (the addresses and the record go with them).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: The roles of field_contacts and the values of each that the seed sets (lipctl.services.seed).
CONTACT_VALUES = {
    "contact": ("name", "unit", "title", "email", "phone"),
    "internal_speaker": ("name", "unit", "title"),
    "external_speaker": ("name", "unit", "title"),
}


def _record(conn: sa.Connection, table: sa.Table) -> None:
    """The values now in the database as the ones the seed last applied (see the module's text)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    values: dict[str, str | None] = {}
    rows = conn.execute(
        sa.text(
            "SELECT f.slug, c.role, p.name, c.unit, c.title FROM field_contacts c"
            " JOIN action_fields f ON f.id = c.field_id LEFT JOIN people p ON p.id = c.person_id"
        )
    ).all()
    for slug, role, name, unit, title in rows:
        current = {"name": name, "unit": unit if name else None, "title": title if name else None, "email": None, "phone": None}
        for attr in CONTACT_VALUES.get(role, ()):
            values[f"field.{slug}.{role}.{attr}"] = current[attr]
    chairs = {
        body_id: (name, title)
        for body_id, name, title in conn.execute(
            sa.text(
                "SELECT m.body_id, p.name, m.title FROM memberships m JOIN people p ON p.id = m.person_id"
                " WHERE m.role = 'chair' AND m.since IS NULL AND m.until IS NULL ORDER BY m.id"
            )
        ).all()
    }
    for body_id, slug in conn.execute(sa.text("SELECT id, slug FROM bodies")).all():
        name, title = chairs.get(body_id, (None, None))
        values[f"body.{slug}.chair.name"] = name
        values[f"body.{slug}.chair.title"] = title
        values[f"body.{slug}.email"] = None
        values[f"body.{slug}.language"] = "de"
    if values:
        op.bulk_insert(table, [{"key": k, "value": v, "applied_at": now} for k, v in sorted(values.items())])


def upgrade() -> None:
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=8), server_default="de", nullable=False))
    with op.batch_alter_table("field_contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
    table = op.create_table(
        "seed_values",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_seed_values")),
    )
    _record(op.get_bind(), table)


def downgrade() -> None:
    op.drop_table("seed_values")
    with op.batch_alter_table("field_contacts", schema=None) as batch_op:
        batch_op.drop_column("phone")
        batch_op.drop_column("email")
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_column("language")
        batch_op.drop_column("email")
