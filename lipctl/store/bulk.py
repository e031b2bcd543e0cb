"""Bulk writing of survey responses: one small interface, one implementation per store.

A survey import hands its checked rows to a ``ResponseWriter`` a batch at a time; the writer
stores the new ones and says how many were new and how many were already there (same survey,
same response key). Both run inside the caller's transaction (the file's one transaction), on
the connection SQLAlchemy holds for it, and send the same number of statements for every batch,
whatever the table already holds:

- SQLite: one ``INSERT … ON CONFLICT DO NOTHING`` executemany per batch; sqlite3 sums the rows
  each execution changed, so the rows it skipped are the duplicates.
- PostgreSQL: ``COPY`` of the batch into a temporary staging table (created once per file,
  dropped at commit), then one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` into
  survey_responses (its row count: the new rows) and a ``TRUNCATE`` of the staging table. The
  former per-batch ``SELECT … WHERE response_key IN (…)`` look-up became quadratic there: psycopg
  prepares a statement run five times, PostgreSQL then keeps a generic plan made while the table
  was (as far as its statistics knew) empty — an index scan on survey_id alone, every stored row
  of the survey rechecked against the 500 parameters — so each batch read everything the import
  had written before it (benchmarks/README.md has the figures).

A first import into a survey that holds no responses yet (not a dry run) skips the look-ups: the
writer opens one ``COPY`` into survey_responses for the whole file and streams every batch into it
from the caller's thread (the server stores them meanwhile in its own process). Only a key that
occurs twice in the file, in two batches, can then break the COPY (a unique violation): the writer
raises ``DuplicateInFile``, the caller rolls the file back and runs it again with look-ups.

``LIPCTL_TEST_PAUSE_AFTER_ROWS=n`` (for tests only) makes the writer announce on stderr, and then
wait, once n rows have been handed to the writers of this process (of all its files) — on
PostgreSQL in the middle of a COPY — so that a test can kill the process at a known point inside a
file's transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from operator import methodcaller
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, select, update
from sqlalchemy.engine import Connection

from lipctl.store import models as m

COLUMNS = ("survey_id", "response_key", "field_id", "category_id", "text", "submitted_at", "batch_id", "line")
"""The order of the values in every row a writer receives."""
TYPES = ("int4", "varchar", "int4", "int4", "text", "timestamp", "int4", "int4")
"""Their PostgreSQL types (survey_responses' columns), for the binary COPY."""

PAUSE_ENV = "LIPCTL_TEST_PAUSE_AFTER_ROWS"

#: The first key of the advisory lock an import takes on its survey (PostgreSQL): "LIPS".
IMPORT_LOCK = 0x4C495053
PAUSED = "lipctl test pause: {rows} rows handed to the writer, waiting to be killed"


class DuplicateInFile(Exception):
    """The one COPY of a first import met a key a second time (the file holds it in two batches):
    roll the file back and import it again with ``direct=False``."""


class ResponseWriter:
    """Stores batches of response rows (tuples in COLUMNS order) inside the caller's transaction."""

    handed = 0
    """Rows handed to the writers of this process (counted only for the test hook)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.raw: Any = conn.connection.driver_connection  # the sqlite3 / psycopg connection SQLAlchemy holds
        self.date: Callable[[dt.datetime], Any] | None = None
        """Converts a submitted_at value to what the driver takes for the column (None: as it is)."""
        pause = os.environ.get(PAUSE_ENV, "")
        self.pause_after = int(pause) if pause.isdigit() else None

    def write(self, rows: list[tuple[Any, ...]]) -> tuple[int, int]:
        """Store the rows whose key is new. Keys are distinct within ``rows``.

        Returns (imported, duplicates) of the rows stored so far and not yet reported: a writer
        may report a batch at its next write, or at flush().
        """
        raise NotImplementedError

    def flush(self) -> tuple[int, int]:
        """Wait until every batch is stored; returns (imported, duplicates) not yet reported."""
        return 0, 0

    def _handed(self, rows: list[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
        """The rows (with the test hook: counted as they go, pausing at its row)."""
        return rows if self.pause_after is None else self._pausing(rows)

    def _pausing(self, rows: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        for row in rows:
            yield row
            ResponseWriter.handed += 1
            if ResponseWriter.handed == self.pause_after:
                _pause(ResponseWriter.handed)


def _pause(rows: int) -> None:  # pragma: no cover - the process is killed while it waits
    from lipctl.store import pause

    pause.wait(PAUSED.format(rows=rows))


class SqliteResponseWriter(ResponseWriter):
    """One executemany of INSERT … ON CONFLICT DO NOTHING per batch; sqlite3 sums the changed rows."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)
        from sqlalchemy.dialects.sqlite import insert

        table = m.SurveyResponse.__table__
        stmt = (
            insert(m.SurveyResponse)
            .values({c: bindparam(c) for c in COLUMNS})
            .on_conflict_do_nothing(index_elements=["survey_id", "response_key"])
        )
        compiled = stmt.compile(dialect=conn.dialect)
        if compiled.positiontup is None or tuple(compiled.positiontup) != COLUMNS:
            raise RuntimeError(f"unexpected parameter order {compiled.positiontup}")  # pragma: no cover - a SQLAlchemy change
        self.sql = compiled.string
        # SQLite stores DateTime as text in SQLAlchemy's own format: convert as the ORM would
        # (isoformat gives the same text three times faster; checked here, else SQLAlchemy's own).
        to_db = table.c.submitted_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        sample = dt.datetime(2020, 6, 15, 14, 32, 10, 5)  # noqa: DTZ001 - the store keeps naive UTC; a probe of the format
        if to_db is None:
            self.date = None
        elif to_db(sample) == sample.isoformat(" ", "microseconds"):
            self.date = methodcaller("isoformat", " ", "microseconds")
        else:
            self.date = to_db

    def write(self, rows: list[tuple[Any, ...]]) -> tuple[int, int]:
        cur = self.raw.cursor()
        try:
            cur.executemany(self.sql, self._handed(rows))
            imported = cur.rowcount  # executemany: the changes of every execution, summed; ignored rows change nothing
        finally:
            cur.close()
        return imported, len(rows) - imported


STAGING = "lipctl_staging_responses"


class PostgresResponseWriter(ResponseWriter):
    """A first import into a survey without responses (``direct``): one binary COPY for the whole
    file, streamed from the caller's thread (see _choose). Otherwise, per batch: one look-up of the
    batch's keys, then COPY straight into survey_responses when none is stored yet; when some are,
    COPY into a temporary staging table and one INSERT … SELECT … ON CONFLICT DO NOTHING; when all
    are, nothing more.

    A first import so goes at COPY's speed, and a re-import costs one index look-up a batch. The
    look-up and the COPY must see the same keys: every import takes a transaction-level advisory lock
    on its survey before its first look-up, so that two offices importing into the same survey at
    once take turns (the second then finds the first one's rows and counts them as duplicates).

    The server's share of a batch takes about as long as reading and checking it here; so each batch
    is sent by a worker thread while the caller reads the next one (psycopg waits without the GIL). One
    batch at most is in flight. Before any other statement, commit or rollback on the
    connection, the SQLAlchemy connection events below wait for it: nothing of a batch can land
    after a rollback (the encoding retry's, or an error's); a rollback cancels a batch that waits
    for a lock, as psycopg cancels a query interrupted by Ctrl-C.
    """

    EVENTS = ("before_cursor_execute", "commit", "release_savepoint", "savepoint")
    ROLLBACKS = ("rollback", "rollback_savepoint")
    PATIENCE = 0.5
    """Seconds a rollback waits for the batch in flight before cancelling it (a batch takes ~50 ms;
    longer, it waits for a lock: another import's uncommitted rows with the same keys)."""

    def __init__(self, conn: Connection, *, direct: bool = False) -> None:
        super().__init__(conn)
        self.direct = direct
        """May stream the whole file through one COPY when the survey holds no responses (see _choose)."""
        self.stream: Any = None  # the open COPY of a streamed file
        self.streaming: contextlib.ExitStack | None = None
        self.chosen = False
        names = ", ".join(COLUMNS)
        with self.raw.cursor() as cur:
            # Created once per file, dropped at commit (and by a rollback, of the file or of its
            # encoding retry); the same columns and types as survey_responses, without keys.
            # IF NOT EXISTS: a dry run imports several files in one transaction.
            cur.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} ON COMMIT DROP AS "  # noqa: S608 - names are constants of this module
                f"SELECT {names} FROM survey_responses WITH NO DATA"
            )
        # Binary: psycopg formats a row in a third of the time it takes for text, and the server
        # parses it faster (no text input functions for the numbers and the timestamp).
        self.copy_sql = f"COPY {STAGING} ({names}) FROM STDIN (FORMAT BINARY)"
        self.direct_sql = f"COPY survey_responses ({names}) FROM STDIN (FORMAT BINARY)"
        self.stored_sql = "SELECT count(*) FROM survey_responses WHERE survey_id = %s AND response_key = ANY(%s)"
        self.locked: set[int] = set()  # the surveys whose advisory lock this transaction holds
        self.move_sql = (
            f"INSERT INTO survey_responses ({names}) SELECT {names} FROM {STAGING} ORDER BY line "  # noqa: S608 - names are constants of this module
            "ON CONFLICT (survey_id, response_key) DO NOTHING"
        )
        self.empty_sql = f"TRUNCATE {STAGING}"
        self.worker: threading.Thread | None = None
        self.result: tuple[int, int] = (0, 0)
        self.error: BaseException | None = None
        for name in self.EVENTS:
            event.listen(conn, name, self._settle)
        for name in self.ROLLBACKS:
            event.listen(conn, name, self._abandon)

    def _store(self, rows: list[tuple[Any, ...]]) -> None:
        try:
            with self.raw.cursor() as cur:
                survey_id = rows[0][0]
                if survey_id not in self.locked:
                    cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", (IMPORT_LOCK, survey_id))
                    self.locked.add(survey_id)
                cur.execute(self.stored_sql, (survey_id, [row[1] for row in rows]))
                stored = cur.fetchone()[0]
                if stored == 0:  # all new (keys are distinct within a batch): straight into the table
                    with cur.copy(self.direct_sql) as copy:
                        copy.set_types(TYPES)
                        for row in self._handed(rows):
                            copy.write_row(row)
                    imported = len(rows)
                elif stored == len(rows):  # all known: a re-import
                    imported = 0
                else:
                    with cur.copy(self.copy_sql) as copy:
                        copy.set_types(TYPES)
                        for row in self._handed(rows):
                            copy.write_row(row)
                    cur.execute(self.move_sql)
                    imported = cur.rowcount
                    cur.execute(self.empty_sql)  # not DELETE: its dead rows would stay in every later scan of the batch
            self.result = (imported, len(rows) - imported)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self.error = exc

    def _choose(self, survey_id: int) -> None:
        """Before the first batch: take the survey's lock; stream the file when allowed and the
        survey holds no responses (under the lock, no other import can add any until we commit)."""
        self.chosen = True
        if not self.direct:
            return
        with self.raw.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", (IMPORT_LOCK, survey_id))
            self.locked.add(survey_id)
            cur.execute("SELECT EXISTS (SELECT 1 FROM survey_responses WHERE survey_id = %s)", (survey_id,))
            if cur.fetchone()[0]:
                return
        from psycopg.copy import QueuedLibpqWriter

        self.survey_id = survey_id
        stack = contextlib.ExitStack()
        cur = stack.enter_context(self.raw.cursor())
        # The queued writer sends the formatted rows from a thread of psycopg's (the socket write waits
        # without the interpreter lock), so this thread formats the next rows meanwhile: 8.2–8.3 s
        # against 9.3–10.2 s for a million rows (benchmarks/README.md, "Fourth session").
        self.stream = stack.enter_context(cur.copy(self.direct_sql, writer=QueuedLibpqWriter(cur)))
        self.stream.set_types(TYPES)
        self.streaming = stack

    def _write_stream(self, rows: list[tuple[Any, ...]]) -> None:
        write_row = self.stream.write_row
        try:
            for row in self._handed(rows):
                write_row(row)
        except BaseException as exc:
            self._end_stream(exc)
            raise

    def _end_stream(self, exc: BaseException | None = None) -> None:
        """End the file's COPY (after an error: abort it); a key stored twice -> DuplicateInFile."""
        import psycopg

        stack, self.streaming, self.stream = self.streaming, None, None
        if stack is None:
            return
        try:
            if exc is None:
                stack.close()
            else:
                stack.__exit__(type(exc), exc, exc.__traceback__)
        except psycopg.errors.UniqueViolation as error:
            raise DuplicateInFile(str(error)) from error
        except psycopg.OperationalError as error:
            # The server ended the COPY early (its unique violation) while rows were still being sent.
            if exc is None and "unique" in str(error).lower():
                raise DuplicateInFile(str(error)) from error
            raise

    def _settle(self, *_args: Any, **_kwargs: Any) -> None:
        """Wait for the batch in flight (its error, if any, stays for write/flush to raise); end a
        streamed file's COPY before any other statement (flush() normally has)."""
        if self.streaming is not None:
            self._end_stream()
        if self.worker is not None:
            self.worker.join()
            self.worker = None

    def _abandon(self, *_args: Any, **_kwargs: Any) -> None:
        """Before a rollback (an error, Ctrl-C, the encoding retry): the batch in flight is undone
        anyway; if it is still waiting after PATIENCE, cancel it rather than wait for the lock."""
        if self.streaming is not None:
            with contextlib.suppress(Exception):
                self._end_stream(RuntimeError("rolled back"))
        if self.worker is not None:
            self.worker.join(self.PATIENCE)
            if self.worker.is_alive():
                getattr(self.raw, "cancel_safe", self.raw.cancel)()  # cancel_safe: psycopg 3.2+
            self._settle()
        self.error = None  # the rollback undoes what failed, too
        self.locked.clear()  # and releases the advisory locks taken since (taking one again is harmless)

    def _collect(self) -> tuple[int, int]:
        self._settle()
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        result, self.result = self.result, (0, 0)
        return result

    def write(self, rows: list[tuple[Any, ...]]) -> tuple[int, int]:
        if not self.chosen:
            self._choose(rows[0][0])
        if self.stream is not None:
            self._write_stream(rows)
            return len(rows), 0  # keys are distinct within rows, and new to the survey, or the COPY fails
        done = self._collect()
        self.worker = threading.Thread(target=self._store, args=(rows,), name="lipctl-copy", daemon=True)
        self.worker.start()
        return done

    def flush(self) -> tuple[int, int]:
        self._end_stream()
        done = self._collect()
        for names, listener in ((self.EVENTS, self._settle), (self.ROLLBACKS, self._abandon)):
            for name in names:
                if event.contains(self.conn, name, listener):
                    event.remove(self.conn, name, listener)
        return done


def response_writer(conn: Connection, *, direct: bool = False) -> ResponseWriter:
    """The writer for this connection's store; ``direct``: PostgreSQL may stream a first import
    through one COPY (the caller then runs the file again on DuplicateInFile)."""
    if conn.dialect.name == "postgresql":
        return PostgresResponseWriter(conn, direct=direct)
    return SqliteResponseWriter(conn)


# --- the rest of a file's import: its batch row, the survey, the rejects reported before ------


def dialect_insert(conn: Connection, table: Any) -> Any:
    """INSERT with the dialect's ON CONFLICT clause (PostgreSQL's and SQLite's are different classes)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def import_survey_id(conn: Connection, name: str, created_at: dt.datetime) -> int:
    """The survey's id (names match case-insensitively, as read/surveys.survey does), created on its first import."""
    found = _survey_named(conn, name)
    if found is not None:
        return found
    # Two first imports of one survey at once (PostgreSQL does not serialise them as SQLite
    # does): the second one's insert does nothing, and both find the one row.
    conn.execute(
        dialect_insert(conn, m.Survey.__table__)
        .values(name=name, created_at=created_at)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    found = _survey_named(conn, name)
    assert found is not None
    return found


def _survey_named(conn: Connection, name: str) -> int | None:
    """The first survey whose name is ``name`` in any case, compared in Python: SQLite's lower() folds
    ASCII only, so lower('Übung') would never equal 'übung' (a handful of surveys: all of them are read)."""
    wanted = name.lower()
    rows = conn.execute(select(m.Survey.id, m.Survey.name).order_by(m.Survey.id)).all()
    return next((survey_id for survey_id, known in rows if known.lower() == wanted), None)


def survey_name(conn: Connection, survey_id: int) -> str:
    """The survey's name as stored (an import may name it in another case)."""
    return conn.execute(select(m.Survey.name).where(m.Survey.id == survey_id)).scalar_one()


_BATCHES = cast(Table, m.ImportBatch.__table__)  # a Table (SQLAlchemy types __table__ as any FromClause)


def start_batch(conn: Connection, survey_id: int, *, path: str, profile: str, started_at: dt.datetime, actor: str) -> int:
    """A new import_batches row, its counts still 0: the id every stored row of the file refers to."""
    key = conn.execute(
        _BATCHES.insert().values(
            survey_id=survey_id,
            path=path,
            profile=profile,
            started_at=started_at,
            rows_read=0,
            imported=0,
            duplicates=0,
            rejected=0,
            skipped=0,
            actor=actor,
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def finish_batch(
    conn: Connection, batch_id: int, *, sha256: str | None, finished_at: dt.datetime, counts: dict[str, int]
) -> None:
    """The batch row gets the file's SHA-256, its end and its counts."""
    conn.execute(update(_BATCHES).where(_BATCHES.c.id == batch_id).values(file_sha256=sha256, finished_at=finished_at, **counts))


def reported_rejects(conn: Connection, survey_id: int, digests: Iterable[str]) -> dict[str, int]:
    """Of these SHA-256 digests of rejected rows, those the survey has recorded: digest -> batch id."""
    table = m.ReportedReject.__table__
    query = select(table.c.sha256, table.c.batch_id).where(table.c.survey_id == survey_id, table.c.sha256.in_(set(digests)))
    return dict(conn.execute(query).all())


def record_rejects(conn: Connection, survey_id: int, batch_id: int, new: dict[str, str]) -> None:
    """Record new rejects (digest -> code) with this batch; one recorded meanwhile is kept as it is."""
    table = m.ReportedReject.__table__
    conn.execute(
        dialect_insert(conn, table).on_conflict_do_nothing(index_elements=["survey_id", "sha256"]),
        [{"survey_id": survey_id, "sha256": h, "batch_id": batch_id, "code": c} for h, c in new.items()],
    )
