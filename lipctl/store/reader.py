"""Read-only SQL on the driver's own connection (sqlite3, or libpq / psycopg), without SQLAlchemy.

The commands staff type most and cron runs every few minutes — fields, contacts, bodies,
status — only read. Importing SQLAlchemy and mapping the models costs more than such a command's
whole start-up budget (benchmarks/README.md), so they read through this small interface instead:
portable SQL text with ``:named`` parameters (a list expands for ``IN (:ids)``; write no
``:word`` inside a string literal), rows with attribute access, dates as dates.

The same ``Reader`` also runs on the connection of an open unit of work (``Reader.of(session)``),
inside its transaction, so that one query serves the read commands and the writing ones alike.
The tables are the models' (lipctl.store.models); the tests run every query on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

from lipctl.store.errors import Where, open_error, store_error
from lipctl.store.location import BUSY_TIMEOUT_MS, Location, prepare_sqlite_file, require_psycopg

# Called with every statement and its parameters before it runs (tests count them,
# benchmarks/scale.py --explain asks SQLite for their plans).
listeners: list[Callable[[str, dict[str, Any]], None]] = []
STREAM_SIZE = 1000
"""Rows per read of ``Reader.stream``."""

_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Row(dict[str, Any]):
    """A result row: ``row.name`` or ``row["name"]``."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class Reader:
    """Run read queries on a DB-API connection of ``backend`` ("sqlite" or "postgresql")."""

    def __init__(self, conn: Any, backend: str) -> None:
        self.conn = conn
        self.backend = backend

    @classmethod
    def of(cls, session: Any) -> Reader:
        """The reader on the connection of an SQLAlchemy session, inside its transaction (flushed first)."""
        session.flush()
        connection = session.connection()
        return cls(connection.connection.driver_connection, connection.dialect.name)

    def rows(
        self,
        sql: str,
        params: Mapping[str, Any] | None = None,
        *,
        dates: Iterable[str] = (),
        times: Iterable[str] = (),
        flags: Iterable[str] = (),
    ) -> list[Row]:
        """All rows of ``sql``; the columns named in ``dates`` become dates, ``times`` datetimes, ``flags`` booleans."""
        with self._executed(sql, params) as cur:
            names = [d[0] for d in cur.description]
            out = [Row(zip(names, values, strict=True)) for values in cur.fetchall()]
        return _converted(out, dates, times, flags)

    def stream(
        self,
        sql: str,
        params: Mapping[str, Any] | None = None,
        *,
        size: int = STREAM_SIZE,
        dates: Iterable[str] = (),
        times: Iterable[str] = (),
        flags: Iterable[str] = (),
    ) -> Iterator[Row]:
        """The rows of ``sql`` as they are read, ``size`` at a time (converted as by ``rows``): memory for
        ``size`` rows, whatever the result holds. One statement per ``size`` rows.

        PostgreSQL: a cursor of the transaction (DECLARE … CURSOR, FETCH ``size``; any driver, also the
        read commands' libpq); SQLite: the driver's cursor, ``fetchmany(size)``. Read the rows before the
        next query on this reader (one cursor at a time).
        """
        if self.backend == "sqlite":
            with self._executed(sql, params) as cur:
                names = [d[0] for d in cur.description]
                while batch := cur.fetchmany(size):
                    yield from _converted([Row(zip(names, values, strict=True)) for values in batch], dates, times, flags)
            return
        with self._executed(f"DECLARE lipctl_stream NO SCROLL CURSOR FOR {sql}", params):
            pass
        try:
            while batch := self.rows(f"FETCH FORWARD {int(size)} FROM lipctl_stream", dates=dates, times=times, flags=flags):
                yield from batch
        finally:
            with suppress(Exception), self._executed("CLOSE lipctl_stream"):  # a failed transaction ends its cursor
                pass

    @contextmanager
    def _executed(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """A driver cursor that has run ``sql`` (each listener told first), closed when the block ends."""
        text, args = self._prepare(sql, params or {})
        for listen in listeners:
            listen(text, args)
        cur = self.conn.cursor()
        try:
            cur.execute(text, args)
            yield cur
        finally:
            cur.close()

    def pairs(self, sql: str, params: Mapping[str, Any] | None = None) -> dict[Any, Any]:
        """The first two columns of every row, as a dict."""
        return {first: second for first, second, *_rest in (tuple(r.values()) for r in self.rows(sql, params))}

    def column(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        return [next(iter(r.values())) for r in self.rows(sql, params)]

    def has_table(self, name: str) -> bool:
        if self.backend == "sqlite":
            return bool(
                self.column("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :name", {"name": name})[0]
            )
        return self.column("SELECT to_regclass(:name) IS NOT NULL", {"name": name})[0]

    def _prepare(self, sql: str, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        args: dict[str, Any] = {}
        expanded: dict[str, str] = {}
        for key, value in params.items():
            if isinstance(value, list | tuple | set | frozenset):
                # IN (:ids) with a list: one parameter per item; an empty list matches nothing.
                items = list(value)
                names = [f"{key}_{i}" for i in range(len(items))]
                args.update(zip(names, items, strict=True))
                expanded[key] = ", ".join(f":{n}" for n in names) if names else "NULL"
            else:
                args[key] = value
        if self.backend == "sqlite":
            args = {k: _sqlite_value(v) for k, v in args.items()}
        if expanded:
            sql = _PARAM.sub(lambda m: expanded.get(m[1], m[0]), sql)
        if self.backend == "postgresql":
            sql = _PARAM.sub(lambda m: f"%({m[1]})s", sql.replace("%", "%%"))
        return sql, args


def as_date(value: Any) -> dt.date | None:
    """A date column as a date (SQLite returns the ISO text SQLAlchemy stored)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> dt.datetime | None:
    """A timestamp column (naive UTC) as a datetime."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _sqlite_value(value: Any) -> Any:
    """A parameter in the text form SQLAlchemy stores dates and times in on SQLite (compared as text)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def schema_revision(reader: Reader) -> str | None:
    """The database's revision, or None when it has no lipctl schema yet."""
    if not reader.has_table("alembic_version"):
        return None
    versions = reader.column("SELECT version_num FROM alembic_version")
    return versions[0] if versions else None


def _converted(out: list[Row], dates: Iterable[str], times: Iterable[str], flags: Iterable[str]) -> list[Row]:
    """The columns named in ``dates`` as dates, ``times`` as datetimes, ``flags`` as booleans (in place)."""
    dates, times, flags = tuple(dates), tuple(times), tuple(flags)
    if dates or times or flags:
        for row in out:
            for name in dates:
                row[name] = as_date(row[name])
            for name in times:
                row[name] = as_datetime(row[name])
            for name in flags:
                row[name] = None if row[name] is None else bool(row[name])
    return out


@contextmanager
def open_reader(location: Location, *, scrub: str | None = None) -> Iterator[Reader]:
    """A read-only transaction on a database of this lipctl's schema (checked first); always rolled back.

    ``scrub`` (a password) is still taken; the location knows its passwords, and PGPASSWORD, itself.
    """
    where = Where.of_location(location, scrub)
    ctx = _sqlite(location, where) if location.backend == "sqlite" else _postgresql(location, where)
    with ctx as reader:
        from lipctl.store import schema

        schema.verdict(schema_revision(reader))
        yield reader


@contextmanager
def _sqlite(location: Location, where: Where) -> Iterator[Reader]:
    import sqlite3

    if location.path is not None:
        prepare_sqlite_file(location.path, create=False, default_location=location.default)
    try:
        conn = sqlite3.connect(str(location.path or ":memory:"), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise open_error(exc, where) from None
    try:
        conn.execute("BEGIN")  # one snapshot for all the command's queries
        yield Reader(conn, "sqlite")
    except sqlite3.DatabaseError as exc:  # locked, or a file that is not a database
        raise open_error(exc, where) from None
    finally:
        conn.close()  # nothing was written: closing ends the transaction


@contextmanager
def _postgresql(location: Location, where: Where) -> Iterator[Reader]:
    """Through libpq directly (lipctl.store.libpq: no psycopg import), else through psycopg."""
    import importlib.util

    from lipctl.store import libpq

    if importlib.util.find_spec("psycopg") is None:
        require_psycopg()  # psycopg[binary] is the documented extra: say how to install it
    try:
        conn = libpq.connect(location.libpq_url, connect_timeout=5)
    except libpq.Error as exc:
        raise open_error(exc, where) from None
    if conn is None:  # no libpq to load: psycopg's own
        with _psycopg(location, where) as reader:
            yield reader
        return
    try:
        conn.begin_read_only()  # one snapshot for all the command's queries
        yield Reader(conn, "postgresql")
    except libpq.Error as exc:  # a role without read access (lipctl db grant)
        if (error := store_error(exc, where)) is not None:
            raise error from None
        raise
    finally:
        conn.close()


@contextmanager
def _psycopg(location: Location, where: Where) -> Iterator[Reader]:
    psycopg = require_psycopg()

    try:
        conn = psycopg.connect(location.libpq_url, connect_timeout=5)
    except psycopg.Error as exc:
        raise open_error(exc, where) from None
    try:
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ  # one snapshot, as libpq's path (log verify needs it)
        yield Reader(conn, "postgresql")
    except psycopg.Error as exc:  # a role without read access (lipctl db grant)
        if (error := store_error(exc, where)) is not None:
            raise error from None
        raise
    finally:
        conn.close()
