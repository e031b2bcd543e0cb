"""What the tests share about the store: an engine on the test's database, and what the database holds.

``snapshot`` (every row, to show that a refusal changed nothing) and ``counts`` (rows per table) work on
SQLite and PostgreSQL alike and take the database as the tests have it: a path, a URL as --db takes it,
an SQLAlchemy URL or engine, or nothing for LIPCTL_DB. The ``engine`` fixture (tests/conftest.py) is
``engine_on()``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, func, inspect, literal_column, select, table
from sqlalchemy.engine import URL

from lipctl.store import models as m
from lipctl.store.engine import resolve_url

Database = str | Path | URL | Engine | None


def engine_on(db: str | Path | URL | None = None) -> Engine:
    """A plain SQLAlchemy engine on ``db`` (a path or URL as --db takes it; default: LIPCTL_DB). Dispose it."""
    if isinstance(db, URL):
        return create_engine(db)
    return create_engine(resolve_url(str(db) if db is not None else os.environ["LIPCTL_DB"]))


@contextmanager
def connected(db: Database = None) -> Iterator[Connection]:
    """A connection on ``db``: an engine as it is, anything else through a new engine, disposed afterwards."""
    engine = db if isinstance(db, Engine) else engine_on(db)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        if engine is not db:
            engine.dispose()


def _names(conn: Connection, tables: Iterable[str | Table] | None) -> list[str]:
    """The tables asked for (names or Table objects) that the database has; all of them by default."""
    present = set(inspect(conn).get_table_names())
    if tables is None:
        return sorted(present)
    return [t if isinstance(t, str) else t.name for t in tables if (t if isinstance(t, str) else t.name) in present]


def snapshot(db: Database = None, tables: Iterable[str | Table] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (or of ``tables``), in a stable order: equal snapshots mean nothing changed."""
    with connected(db) as conn:
        return {
            name: sorted((tuple(row) for row in conn.execute(select(literal_column("*")).select_from(table(name)))), key=repr)
            for name in _names(conn, tables)
        }


def counts(db: Database = None, tables: Iterable[str | Table] | None = None) -> dict[str, int]:
    """Rows per table: every table the database has, or those of ``tables`` it has (an older revision lacks some)."""
    with connected(db) as conn:
        return {name: conn.execute(select(func.count()).select_from(table(name))).scalar_one() for name in _names(conn, tables)}


def model_tables() -> list[str]:
    """The tables of lipctl's models (not alembic_version), in dependency order."""
    return [t.name for t in m.Base.metadata.sorted_tables]


def damaged(data: bytes) -> bytes:
    """``data`` with its last byte changed — always different (replacing it with a fixed byte is not, 1 in 256)."""
    return data[:-1] + bytes([data[-1] ^ 0xFF]) if data else b"\x00"


def damage_stored_chunk(db_url: str, seq: int) -> None:
    """On PostgreSQL: the one stored document's chunk ``seq`` with its last byte changed (``damaged``; writing
    a fixed byte over a one-byte last chunk changed nothing when the random data already held it)."""
    from sqlalchemy import text

    engine = engine_on(db_url)
    try:
        with engine.begin() as conn:
            chunk = conn.execute(text("SELECT data FROM document_chunks WHERE seq = :s"), {"s": seq}).scalar_one()
            conn.execute(text("UPDATE document_chunks SET data = :d WHERE seq = :s"), {"d": damaged(bytes(chunk)), "s": seq})
    finally:
        engine.dispose()
