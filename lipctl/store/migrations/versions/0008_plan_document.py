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

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: The kind of the plan's versions (lipctl.process.plan.PLAN_KIND).
PLAN_KIND = "gesamtplan"


CHECK = f"CONSTRAINT ck_drafts_plan_has_no_field CHECK (field_id IS NOT NULL OR kind = '{PLAN_KIND}')"


def _sqlite_table_sql(conn: sa.Connection, change: Callable[[str], str]) -> None:
    """Change the drafts table's definition in place (SQLite).

    Copying the table (Alembic's batch mode) would drop it while opinions, decisions and resolutions
    refer to it, and the foreign keys cannot be switched off inside the upgrade's one transaction.
    Removing a NOT NULL and adding a CHECK that every row meets leave the stored rows as they are, so
    this is SQLite's documented in-place change (lang_altertable.html, "other kinds of table schema
    changes"): rewrite the CREATE TABLE text, bump the schema version, in the same transaction.
    """
    before = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'drafts'").scalar_one()
    after = change(before)
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        conn.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'drafts'"), {"sql": after})
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"drafts after revision 0008's change: {problems}")


def _replaced(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise RuntimeError(f"revision 0008: the drafts table's definition is not as expected (looked for {old!r})")
    return text.replace(old, new)


def _nullable_field(sql: str) -> str:
    sql = _replaced(sql, "field_id INTEGER NOT NULL,", "field_id INTEGER,")
    head, _sep, tail = sql.rpartition(")")
    return f"{head.rstrip()}, \n\t{CHECK}\n){tail}"


def _required_field(sql: str) -> str:
    sql = _replaced(sql, ", \n\t" + CHECK, "")
    return _replaced(sql, "field_id INTEGER,", "field_id INTEGER NOT NULL,")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _sqlite_table_sql(conn, _nullable_field)
    else:
        op.alter_column("drafts", "field_id", existing_type=sa.Integer(), nullable=True)
        op.create_check_constraint("plan_has_no_field", "drafts", f"field_id IS NOT NULL OR kind = '{PLAN_KIND}'")
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
    if conn.dialect.name == "sqlite":
        _sqlite_table_sql(conn, _required_field)
    else:
        op.drop_constraint(op.f("ck_drafts_plan_has_no_field"), "drafts", type_="check")
        op.alter_column("drafts", "field_id", existing_type=sa.Integer(), nullable=False)
