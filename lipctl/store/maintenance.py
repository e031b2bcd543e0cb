"""The store looking at itself: ``db backup``'s copy, and what ``db check`` asks the database.

SQLite's integrity and foreign-key checks (PRAGMA), PostgreSQL's version, the rows per table and
the comparison of the schema with lipctl's models. Each returns what the database said; what counts
as a problem, and how it is worded, is the service's (lipctl/services/db.py).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.exc import DatabaseError


class ForeignKeyViolation(NamedTuple):
    """One row of SQLite's ``PRAGMA foreign_key_check``."""

    table: str
    rowid: int | None
    parent: str
    fk: int


def sqlite_backup(source: str | Path, target: Path) -> str:
    """Copy the SQLite database ``source`` into the new file ``target`` in one step; returns the copy's quick_check.

    The copy is a consistent snapshot (WAL readers do not block writers) and a single self-contained
    file (journal mode DELETE: no -wal beside it). Raises sqlite3.DatabaseError when either cannot be read.
    """
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE").fetchall()
        return str(dst.execute("PRAGMA quick_check").fetchone()[0])
    finally:
        dst.close()
        src.close()


def integrity_check(conn: Connection, *, quick: bool = False) -> list[str]:
    """SQLite's integrity_check (quick_check with ``quick``): ["ok"], or the problems.

    A file too damaged to answer the check gives its error as the one problem.
    """
    pragma = "quick_check" if quick else "integrity_check"
    try:
        return [r[0] for r in conn.exec_driver_sql(f"PRAGMA {pragma}")]
    except DatabaseError as exc:  # a damaged file may not even answer the check
        return [str(getattr(exc, "orig", exc)).strip() or type(exc).__name__]


def foreign_key_violations(conn: Connection) -> list[ForeignKeyViolation]:
    """The rows (SQLite) that refer to rows that do not exist."""
    return [ForeignKeyViolation(*r) for r in conn.exec_driver_sql("PRAGMA foreign_key_check")]


#: References kept without a foreign key (revisions 0004, 0013: the import's speed): (table, column, target).
UNCHECKED_REFERENCES = (
    ("survey_responses", "survey_id", "surveys"),
    ("survey_responses", "field_id", "action_fields"),
    ("survey_responses", "category_id", "survey_categories"),
    ("survey_responses", "batch_id", "import_batches"),
)


class UnlinkedReference(NamedTuple):
    """Rows whose reference (kept without a foreign key) points at no row: how many, and the first."""

    table: str
    column: str
    target: str
    rows: int
    first_id: int


def unlinked_references(conn: Connection) -> list[UnlinkedReference]:
    """The references kept without a foreign key that point nowhere, one grouped query each (both stores)."""
    found = []
    for table, column, target in UNCHECKED_REFERENCES:
        rows, first = conn.execute(
            text(
                f"SELECT count(*), min(t.id) FROM {table} t LEFT JOIN {target} x ON x.id = t.{column} "  # noqa: S608 - names are constants of this module
                f"WHERE t.{column} IS NOT NULL AND x.id IS NULL"
            )
        ).one()
        if rows:
            found.append(UnlinkedReference(table, column, target, int(rows), int(first)))
    return found


def server_version(conn: Connection) -> str:
    """PostgreSQL's version, after a first round trip that shows the server answers."""
    conn.execute(text("SELECT 1"))
    return str(conn.execute(text("SHOW server_version")).scalar_one())


def row_counts(conn: Connection) -> dict[str, int]:
    """The rows in each of lipctl's tables that the database has, in the models' order."""
    from lipctl.store.models import Base

    names = set(inspect(conn).get_table_names())
    return {
        t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
        for t in Base.metadata.sorted_tables
        if t.name in names
    }


def schema_diffs(conn: Connection) -> list[Any]:
    """Alembic's comparison of the database with lipctl's models (compare_metadata's entries, types compared)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from lipctl.search.index import is_index_table  # issue 19: the search index is the search module's, not a model
    from lipctl.store.models import Base

    def include_name(name: str | None, type_: str, _parent: Any) -> bool:
        return not (type_ == "table" and name is not None and is_index_table(name))

    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": False, "include_name": include_name}
    )
    return list(compare_metadata(context, Base.metadata))
