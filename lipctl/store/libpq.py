"""The read commands' own small way to PostgreSQL: libpq through ctypes, without importing psycopg.

``import psycopg`` loads about a hundred modules (asyncio, ssl, logging, importlib.metadata, ctypes
and its own type system): 70–120 ms of a read command on a quiet 2-CPU machine and 300–450 ms on a
busy one (benchmarks/README.md), more than the whole SQLite command. The read commands only need to
connect, run a few SELECTs with parameters in one read-only transaction and turn text into dates
and numbers, which libpq's C API does directly. This module does exactly that and nothing else.

The libpq is the one psycopg's binary wheel bundles (psycopg_binary.libs), else the system's
(libpq.so.5); when neither loads, or ``LIPCTL_PG_DRIVER=psycopg`` says so, the reader uses psycopg as
before (``connect`` returns None). Parameters go separately from the SQL (PQexecParams) with the
types psycopg would give them; results come as text and are converted by the column's type, as
psycopg converts them (int, float, Decimal, bool, date, datetime, json; anything else as text).
Writing commands keep psycopg through SQLAlchemy.

Converting a cell through ctypes costs about 2 µs, psycopg's C code a fraction of that: a result of
more than ``BIG_RESULT`` cells (``survey export`` of a large survey, ``draft list`` of thousands of
drafts) is read again through psycopg, on a connection that imports this transaction's snapshot
(``pg_export_snapshot``), so that every query of the command still sees the same state.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

_STATUS_OK = 0  # CONNECTION_OK
_COMMAND_OK, _TUPLES_OK = 1, 2  # PGRES_COMMAND_OK, PGRES_TUPLES_OK
_SQLSTATE = ord("C")  # PG_DIAG_SQLSTATE
_PARAM = re.compile(r"%\((\w+)\)s|%%")
BIG_RESULT = 50_000  # cells; beyond that, psycopg's C conversion pays for its import
_SNAPSHOT = re.compile(r"[0-9A-Fa-f-]+")

_lib: Any = None
_tried = False


class Error(Exception):
    """A libpq error: the server's or libpq's message, and the SQLSTATE when the server sent one."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _candidates() -> list[str]:
    """psycopg's bundled libpq first (the one its driver uses), then the system's."""
    import importlib.util

    found: list[str] = []
    try:
        spec = importlib.util.find_spec("psycopg_binary")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        base = Path(next(iter(spec.submodule_search_locations)))
        for folder in (base.parent / "psycopg_binary.libs", base / ".dylibs"):
            found += sorted(str(p) for p in folder.glob("libpq*") if ".so" in p.name or p.suffix in (".dylib", ".dll"))
    if sys.platform == "darwin":
        found.append("libpq.5.dylib")
    elif sys.platform == "win32":
        found.append("libpq.dll")
    else:
        found.append("libpq.so.5")
    return found


def _load() -> Any:
    global _lib, _tried
    if _tried:
        return _lib
    _tried = True
    if os.environ.get("LIPCTL_PG_DRIVER", "").lower() == "psycopg":
        return None
    for name in _candidates():
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        _declare(lib)
        _lib = lib
        break
    return _lib


def _declare(lib: Any) -> None:
    p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    strings = ctypes.POINTER(ctypes.c_char_p)
    for name, restype, argtypes in (
        ("PQconnectdbParams", p, [strings, strings, i]),
        ("PQstatus", i, [p]),
        ("PQerrorMessage", s, [p]),
        ("PQfinish", None, [p]),
        ("PQexecParams", p, [p, s, i, ctypes.POINTER(ctypes.c_uint), strings, p, p, i]),
        ("PQresultStatus", i, [p]),
        ("PQresultErrorMessage", s, [p]),
        ("PQresultErrorField", s, [p, i]),
        ("PQclear", None, [p]),
        ("PQntuples", i, [p]),
        ("PQnfields", i, [p]),
        ("PQfname", s, [p, i]),
        ("PQftype", ctypes.c_uint, [p, i]),
        ("PQgetvalue", s, [p, i, i]),
        ("PQgetisnull", i, [p, i, i]),
    ):
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def _text(raw: bytes | None) -> str:
    return (raw or b"").decode("utf-8", "replace").strip()


def connect(conninfo: str, *, connect_timeout: int = 5) -> Connection | None:
    """A connection to ``conninfo`` (a libpq URL), or None when no libpq can be loaded (use psycopg then)."""
    lib = _load()
    if lib is None:
        return None
    # the URL is expanded by libpq itself (expand_dbname): service=, passfile=, host= … all as libpq reads them
    keys = [b"dbname", b"connect_timeout", b"client_encoding", None]
    values = [conninfo.encode("utf-8"), str(connect_timeout).encode(), b"UTF8", None]
    handle = lib.PQconnectdbParams((ctypes.c_char_p * 4)(*keys), (ctypes.c_char_p * 4)(*values), 1)
    if not handle:
        raise Error("out of memory")
    if lib.PQstatus(handle) != _STATUS_OK:
        message = _text(lib.PQerrorMessage(handle))
        lib.PQfinish(handle)
        raise Error(f"connection failed: {message}" if message else "connection failed")
    return Connection(lib, handle, conninfo, connect_timeout)


class Connection:
    """One libpq connection; ``cursor()`` as the reader uses a DB-API connection."""

    def __init__(self, lib: Any, handle: int, conninfo: str = "", connect_timeout: int = 5) -> None:
        self.lib = lib
        self.handle: int | None = handle
        self.conninfo = conninfo
        self.connect_timeout = connect_timeout
        self._helper: Any = None  # a psycopg connection on this transaction's snapshot, for big results
        self._helper_failed = False

    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run ``sql`` with ``$1…`` parameters; the result handle (the caller clears it)."""
        lib = self.lib
        n = len(params)
        values = (ctypes.c_char_p * max(n, 1))()
        types = (ctypes.c_uint * max(n, 1))()
        for k, value in enumerate(params):
            values[k], types[k] = _dump(value)
        result = lib.PQexecParams(self.handle, sql.encode("utf-8"), n, types, values, None, None, 0)
        if not result:
            raise Error(_text(lib.PQerrorMessage(self.handle)) or "no result")
        if lib.PQresultStatus(result) not in (_COMMAND_OK, _TUPLES_OK):
            message = _text(lib.PQresultErrorMessage(result)) or _text(lib.PQerrorMessage(self.handle))
            state = lib.PQresultErrorField(result, _SQLSTATE)
            lib.PQclear(result)
            raise Error(message, state.decode("ascii") if state else None)
        return result

    def begin_read_only(self) -> None:
        """One read-only transaction, one snapshot for all the command's queries."""
        self.lib.PQclear(self.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))

    def helper(self) -> Any:
        """A psycopg connection in a transaction on this one's snapshot; None when there cannot be one."""
        if self._helper is None and not self._helper_failed:
            self._helper_failed = True
            try:
                result = self.execute("SELECT pg_export_snapshot()")
                try:
                    snapshot = self.lib.PQgetvalue(result, 0, 0).decode("ascii")
                finally:
                    self.lib.PQclear(result)
                if not _SNAPSHOT.fullmatch(snapshot):
                    return None
                import psycopg

                helper = psycopg.connect(self.conninfo, connect_timeout=self.connect_timeout, autocommit=True)
                helper.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                helper.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")  # checked above: hex digits and dashes
            except Exception:  # noqa: BLE001 - e.g. a standby that exports no snapshot: convert here instead
                return None
            self._helper, self._helper_failed = helper, False
        return self._helper

    def close(self) -> None:
        if self._helper is not None:
            self._helper.close()
            self._helper = None
        if self.handle:
            self.lib.PQfinish(self.handle)  # the open read-only transaction ends with the connection
            self.handle = None


class Cursor:
    """What Reader.rows needs of a DB-API cursor: execute with ``%(name)s`` parameters, description, fetchall."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.description: list[tuple[str, int]] = []
        self._rows: list[tuple[Any, ...]] = []

    def execute(self, sql: str, args: Mapping[str, Any] | None = None) -> None:
        order: list[str] = []
        numbers: dict[str, int] = {}

        def placeholder(m: re.Match[str]) -> str:
            if m[1] is None:
                return "%"
            if m[1] not in numbers:
                order.append(m[1])
                numbers[m[1]] = len(order)
            return f"${numbers[m[1]]}"

        text = _PARAM.sub(placeholder, sql)
        values = [(args or {})[name] for name in order]
        lib = self.conn.lib
        result = self.conn.execute(text, values)
        try:
            nfields, ntuples = lib.PQnfields(result), lib.PQntuples(result)
            if nfields * ntuples > BIG_RESULT and self._hand_over(sql, args):
                return
            oids = [lib.PQftype(result, j) for j in range(nfields)]
            self.description = [(lib.PQfname(result, j).decode("utf-8"), oids[j]) for j in range(nfields)]
            loads = [_LOADERS.get(oid, _as_text) for oid in oids]
            getvalue, isnull = lib.PQgetvalue, lib.PQgetisnull
            rows = []
            for i in range(ntuples):
                row = []
                for j, load in enumerate(loads):
                    raw = getvalue(result, i, j)
                    # libpq gives "" for NULL and for an empty text alike: ask only then
                    row.append(None if not raw and isnull(result, i, j) else load(raw))
                rows.append(tuple(row))
            self._rows = rows
        finally:
            lib.PQclear(result)

    def _hand_over(self, sql: str, args: Mapping[str, Any] | None) -> bool:
        """Read a big result through psycopg, on the same snapshot; False when that is not possible."""
        helper = self.conn.helper()
        if helper is None:
            return False
        cur = helper.cursor()
        try:
            cur.execute(sql, args or {})
            self.description = [(d.name, d.type_code) for d in cur.description]
            self._rows = cur.fetchall()
        finally:
            cur.close()
        return True

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows

    def close(self) -> None:
        self._rows = []


# --- values: as psycopg sends and returns them ---------------------------------------------------


def _dump(value: Any) -> tuple[bytes | None, int]:
    """A parameter as text, with the type OID psycopg would send (0: let the server infer, as for str)."""
    if value is None:
        return None, 0
    if isinstance(value, bool):
        return (b"t" if value else b"f"), 16
    if isinstance(value, int):
        oid = 21 if -(2**15) <= value < 2**15 else 23 if -(2**31) <= value < 2**31 else 20 if -(2**63) <= value < 2**63 else 1700
        return str(value).encode(), oid
    if isinstance(value, float):
        return repr(value).encode(), 701
    if isinstance(value, Decimal):
        return str(value).encode(), 1700
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ").encode(), (1184 if value.tzinfo is not None else 1114)
    if isinstance(value, dt.date):
        return value.isoformat().encode(), 1082
    if isinstance(value, bytes):
        return b"\\x" + value.hex().encode(), 17
    return str(value).encode("utf-8"), 0


def _as_text(raw: bytes) -> str:
    return raw.decode("utf-8")


def _as_json(raw: bytes) -> Any:
    import json

    return json.loads(raw)


def _as_timestamptz(raw: bytes) -> dt.datetime:
    text = raw.decode("ascii")
    if len(text) > 3 and text[-3] in "+-" and text[-2:].isdigit():
        text += ":00"  # "+01" → "+01:00"
    return dt.datetime.fromisoformat(text)


_LOADERS: dict[int, Callable[[bytes], Any]] = {
    16: lambda raw: raw == b"t",  # bool
    20: int,  # int8
    21: int,  # int2
    23: int,  # int4
    26: int,  # oid
    700: float,  # float4
    701: float,  # float8
    1700: lambda raw: Decimal(raw.decode("ascii")),  # numeric
    1082: lambda raw: dt.date.fromisoformat(raw.decode("ascii")),  # date
    1114: lambda raw: dt.datetime.fromisoformat(raw.decode("ascii")),  # timestamp
    1184: _as_timestamptz,  # timestamptz
    1083: lambda raw: dt.time.fromisoformat(raw.decode("ascii")),  # time
    114: _as_json,  # json
    3802: _as_json,  # jsonb
    17: lambda raw: bytes.fromhex(raw.decode("ascii")[2:]),  # bytea (hex output)
}
