"""No recoverable text after survey undo / survey delete: the bytes of the database's files, on both stores.

SQLite: the database file and its WAL file are read as bytes; a marker that every imported answer
carries is there before and gone after (and a plain DELETE, without lipctl.store.erasure, leaves
it: the check can fail). PostgreSQL: the table's files are read through pg_read_binary_file (the
suite's role is a superuser); the marker is in the heap file before and in none of the table's
files after, which VACUUM FULL has replaced. A role that may not vacuum, or a reader that keeps the
WAL, gets a warning; the deletion stands.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest

from lipctl.errors import ExitCode
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.helpers import counts

LONG = 9_000  # one answer longer than a page: SQLite keeps its end in overflow pages (PostgreSQL compresses it)


def marked_export(write, marker: str, n: int = 300) -> Path:
    """A LimeSurvey export whose every answer carries ``marker`` (never in the file's name: the audit log keeps paths)."""
    rows = [LS_HEADER]
    for i in range(1, n + 1):
        text = f"{marker} Antwort {i}: mehr Sprachkurse am Abend"
        if i == 1:
            text += " " + "x" * LONG + f" {marker} Ende"
        rows.append(ls_row(str(i), "2020-06-15 14:32:10", "Bildung", "Idee", text))
    return write("export.csv", csv_bytes(rows))


def sqlite_bytes(db: str) -> bytes:
    """The database file and its WAL file (when there is one), as bytes."""
    data = Path(db).read_bytes()
    wal = Path(db + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def run(cli, *args: str) -> dict:
    result = cli(*args, "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def sqlite_db(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    db = str(isolated / "erase.db")
    monkeypatch.setenv("LIPCTL_DB", db)
    return db


@pytest.fixture
def secure_delete_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """lipctl's SQLite connections start with secure_delete off, as SQLite's own default is (some builds turn it on)."""
    from sqlalchemy import event

    import lipctl.store.engine as engines

    original = engines.make_engine

    def make_engine(url):
        engine = original(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", lambda dbapi_conn, _record: dbapi_conn.execute("PRAGMA secure_delete = OFF"))
        return engine

    monkeypatch.setattr(engines, "make_engine", make_engine)


# --- SQLite ----------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["undo", "delete"])
def test_sqlite_keeps_no_text_of_erased_answers_in_the_file_or_the_wal(
    sqlite_db: str, secure_delete_off: None, seeded, write, how: str
) -> None:
    marker = f"ZEBRAMARKER-{uuid.uuid4().hex}"
    other = f"KEEPMARKER-{uuid.uuid4().hex}"
    imported = run(seeded, "survey", "import", str(marked_export(write, marker)), "--survey", "Beteiligung 2020")
    write("other.csv", csv_bytes([LS_HEADER, ls_row("1", "2020-06-15 14:32:10", "Bildung", "Idee", other)]))
    run(seeded, "survey", "import", str(Path(sqlite_db).parent / "other.csv"), "--survey", "Jugend")
    assert marker.encode() in sqlite_bytes(sqlite_db)
    if how == "undo":
        data = run(seeded, "survey", "undo", str(imported["files"][0]["batch"]), "--reason", "wrong export")
    else:
        data = run(seeded, "survey", "delete", "Beteiligung 2020", "--reason", "created by mistake")
    assert data["deleted"] == 300
    assert data["erasure"] == {"complete": True, "steps": ["secure_delete", "vacuum", "wal_checkpoint_truncate"]}
    raw = sqlite_bytes(sqlite_db)
    assert marker.encode() not in raw
    assert other.encode() in raw  # the other survey's answer is still there: the check reads real data
    wal = Path(sqlite_db + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_sqlite_a_plain_delete_would_leave_the_text(sqlite_db: str, seeded, write) -> None:
    """Why erasure needs more than DELETE: without secure_delete the bytes stay (so the test above can fail)."""
    marker = f"ZEBRAMARKER-{uuid.uuid4().hex}"
    run(seeded, "survey", "import", str(marked_export(write, marker)), "--survey", "S")
    con = sqlite3.connect(sqlite_db, isolation_level=None)
    try:
        # some builds (Debian's) turn it on by default; lipctl sets it itself, never relying on the build
        con.execute("PRAGMA secure_delete = OFF")
        con.execute("DELETE FROM survey_responses")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    assert counts(sqlite_db, ["survey_responses"]) == {"survey_responses": 0}
    assert marker.encode() in sqlite_bytes(sqlite_db)


def test_sqlite_a_reader_holding_the_wal_gets_a_warning_and_the_deletion_stands(
    sqlite_db: str, seeded, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = f"ZEBRAMARKER-{uuid.uuid4().hex}"
    imported = run(seeded, "survey", "import", str(marked_export(write, marker, n=20)), "--survey", "S")
    monkeypatch.setattr("lipctl.store.engine.BUSY_TIMEOUT_MS", 200)  # the checkpoint waits this long for the reader
    reader = sqlite3.connect(sqlite_db, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM survey_responses").fetchone()[0] == 20  # a read transaction, kept open
        result = seeded("survey", "undo", str(imported["files"][0]["batch"]), "--reason", "wrong export", "--format", "json")
        assert result.exit_code == ExitCode.OK, result.stderr
        data = json.loads(result.stdout)
        assert data["deleted"] == 20
        assert data["erasure"] == {"complete": False, "steps": ["secure_delete", "vacuum"]}
        [warning] = data["warnings"]
        assert "another connection is reading the database" in warning and "wal_checkpoint(TRUNCATE)" in warning
        assert f"warning: {warning}" in result.stderr
        assert counts(sqlite_db, ["survey_responses"]) == {"survey_responses": 0}
        assert marker.encode() in sqlite_bytes(sqlite_db)  # the WAL still holds the import's pages
    finally:
        reader.close()
    con = sqlite3.connect(sqlite_db, isolation_level=None)  # what the warning says to run, once the reader is gone
    try:
        assert con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        con.close()
    assert marker.encode() not in sqlite_bytes(sqlite_db)


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg(pg_url: str) -> psycopg.Connection:
    from lipctl.store.location import resolve

    return psycopg.connect(resolve(pg_url).libpq_url, autocommit=True)


def pg_table_bytes(pg_url: str) -> tuple[bytes, list[str]]:
    """The bytes of survey_responses' heap, TOAST and index files as they are on disk (after a CHECKPOINT), and their paths."""
    with _pg(pg_url) as conn:
        conn.execute("CHECKPOINT")
        paths = [
            row[0]
            for row in conn.execute(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c WHERE c.oid = 'survey_responses'::regclass "
                "OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'survey_responses'::regclass) "
                "OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'survey_responses'::regclass)"
            )
            if row[0] is not None
        ]
        data = b"".join(bytes(conn.execute("SELECT pg_read_binary_file(%s)", (p,)).fetchone()[0]) for p in paths)  # type: ignore[index]
    return data, paths


def pg_file_exists(pg_url: str, path: str) -> bool:
    with _pg(pg_url) as conn:
        return conn.execute("SELECT pg_read_binary_file(%s, 0, 1, true) IS NOT NULL", (path,)).fetchone()[0]  # type: ignore[index]


@pytest.mark.postgres
@pytest.mark.parametrize("how", ["undo", "delete"])
def test_postgresql_keeps_no_text_of_erased_answers_in_the_table_files(
    pg_url: str, seeded, write, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setenv("LIPCTL_DB", pg_url)
    assert seeded("init").exit_code == ExitCode.OK
    marker = f"ZEBRAMARKER-{uuid.uuid4().hex}"
    imported = run(seeded, "survey", "import", str(marked_export(write, marker)), "--survey", "Beteiligung 2020")
    other = f"KEEPMARKER-{uuid.uuid4().hex}"
    path = write("other.csv", csv_bytes([LS_HEADER, ls_row("1", "2020-06-15 14:32:10", "Bildung", "Idee", other)]))
    run(seeded, "survey", "import", str(path), "--survey", "Jugend")
    before, old_paths = pg_table_bytes(pg_url)
    assert marker.encode() in before and other.encode() in before
    if how == "undo":
        data = run(seeded, "survey", "undo", str(imported["files"][0]["batch"]), "--reason", "wrong export")
    else:
        data = run(seeded, "survey", "delete", "Beteiligung 2020", "--reason", "created by mistake")
    assert data["deleted"] == 300
    assert data["erasure"] == {"complete": True, "steps": ["delete", "vacuum_full"]}
    assert data["warnings"] == []
    assert "WAL archives and backups" in data["note"]
    after, new_paths = pg_table_bytes(pg_url)
    assert marker.encode() not in after
    assert other.encode() in after  # the other survey's answer was copied into the new files
    assert set(new_paths).isdisjoint(old_paths)
    assert not any(pg_file_exists(pg_url, p) for p in old_paths)  # the old files are gone, not only emptied
    assert counts(pg_url, ["survey_responses"]) == {"survey_responses": 1}


@pytest.mark.postgres
def test_postgresql_a_role_that_may_not_vacuum_gets_a_warning_and_the_deletion_stands(
    pg_url: str, seeded, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIPCTL_DB", pg_url)
    assert seeded("init").exit_code == ExitCode.OK
    marker = f"ZEBRAMARKER-{uuid.uuid4().hex}"
    imported = run(seeded, "survey", "import", str(marked_export(write, marker, n=20)), "--survey", "S")
    role = f"lip_erase_{uuid.uuid4().hex[:8]}"
    with _pg(pg_url) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
    assert seeded("db", "grant", "--writer", role).exit_code == ExitCode.OK
    as_writer = pg_url.replace("://lipctl@", f"://{role}@")
    result = seeded("--db", as_writer, "survey", "undo", str(imported["files"][0]["batch"]), "--reason", "x", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert data["deleted"] == 20
    assert data["erasure"] == {"complete": False, "steps": ["delete"]}
    [warning] = data["warnings"]
    assert f"the role {role} may not run VACUUM FULL survey_responses (its owner is lipctl)" in warning
    assert "until the table's owner runs 'VACUUM FULL survey_responses'" in warning
    assert f"warning: {warning}" in result.stderr
    assert counts(pg_url, ["survey_responses"]) == {"survey_responses": 0}
    assert marker.encode() in pg_table_bytes(pg_url)[0]  # what the warning is about: the old pages still hold them
    with _pg(pg_url) as conn:
        conn.execute("VACUUM FULL survey_responses")  # what it says to do
    assert marker.encode() not in pg_table_bytes(pg_url)[0]


@pytest.mark.postgres
def test_postgresql_a_lock_held_elsewhere_gets_a_warning_after_the_lock_timeout(
    pg_url: str, seeded, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIPCTL_DB", pg_url)
    monkeypatch.setattr("lipctl.store.erasure.LOCK_TIMEOUT", "300ms")
    assert seeded("init").exit_code == ExitCode.OK
    imported = run(seeded, "survey", "import", str(marked_export(write, "ZEBRAMARKER", n=5)), "--survey", "S")
    with _pg(pg_url) as other:  # a report reading the table meanwhile: VACUUM FULL must wait for it
        other.execute("BEGIN")
        other.execute("LOCK TABLE survey_responses IN ACCESS SHARE MODE")
        result = seeded("survey", "undo", str(imported["files"][0]["batch"]), "--reason", "x", "--format", "json")
        other.execute("ROLLBACK")
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert data["deleted"] == 5 and data["erasure"] == {"complete": False, "steps": ["delete"]}
    [warning] = data["warnings"]
    assert "VACUUM FULL survey_responses did not run (canceling statement due to lock timeout)" in warning
    assert counts(pg_url, ["survey_responses"]) == {"survey_responses": 0}


@pytest.mark.postgres
def test_postgresql_finish_leaves_the_pooled_connection_as_it_was(pg_url: str, seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    from lipctl.store import erasure
    from lipctl.store.engine import make_engine, resolve_url

    monkeypatch.setenv("LIPCTL_DB", pg_url)
    monkeypatch.setattr("lipctl.store.erasure.LOCK_TIMEOUT", "300ms")
    assert seeded("init").exit_code == ExitCode.OK
    engine = make_engine(resolve_url(pg_url))
    try:
        with _pg(pg_url) as other:
            other.execute("BEGIN")
            other.execute("LOCK TABLE survey_responses IN ACCESS SHARE MODE")
            assert erasure.finish(engine).complete is False
            other.execute("ROLLBACK")
        assert engine.pool.checkedin() == 1
        with engine.connect() as conn:  # the same connection, from the pool
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar_one() == "0"
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar_one() == "read committed"
        assert erasure.finish(engine).complete is True
    finally:
        engine.dispose()


# --- the promise that there is nothing else to rebuild ------------------------------------------


def test_the_one_full_text_index_is_the_search_index(db_url: str, seeded) -> None:
    """issue 19: the one full-text index is lipctl.search's (search_fts; search_terms), which lipctl.store.erasure
    empties of the deleted answers (SQLite: FTS5 merged, then VACUUM; PostgreSQL: VACUUM FULL search_terms);
    one added later must be rebuilt there too."""
    from tests.helpers import connected

    with connected(db_url) as conn:
        if conn.dialect.name == "sqlite":
            virtual = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'").all()
            assert virtual == [("search_fts",)]
        else:
            text_indexes = conn.exec_driver_sql(
                "SELECT t.relname, i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_am a ON a.oid = i.relam "
                "JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE a.amname NOT IN ('btree') AND n.nspname = current_schema()"
            ).all()
            tsvectors = conn.exec_driver_sql(
                "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE a.atttypid = 'tsvector'::regtype AND c.relkind = 'r' AND n.nspname = current_schema()"
            ).all()
            assert (text_indexes, tsvectors) == ([("search_terms", "ix_search_terms_terms")], [("search_terms", "terms")])
