"""SQLite locking as staff meet it: writers wait for each other, readers never wait, a stuck lock is one clear line."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from tests.helpers import snapshot
from tests.stress import _harness as h

pytestmark = pytest.mark.slow


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    return h.seeded_copy(template_db, tmp_path / "lip.db")


def _hold_write_lock(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL").fetchall()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO people (name) VALUES ('held by another writer')")
    return conn


def test_a_lock_held_past_the_busy_timeout_is_one_clear_line(db: Path, tmp_path: Path) -> None:
    csv_file = h.write_survey(tmp_path / "a.csv", 5, prefix="a")
    holder = _hold_write_lock(db)
    try:
        run = h.lipctl(db, "survey", "import", str(csv_file), "--survey", "S", LIPCTL_BUSY_TIMEOUT_MS="400")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.returncode == ExitCode.REFUSED
    assert (
        run.stderr.strip()
        == "lipctl: the database is locked by another lipctl command — nothing was changed; try again in a moment"
    )
    assert run.seconds < 10
    assert h.scalar(db, "SELECT count(*) FROM survey_responses") == 0
    assert h.scalar(db, "SELECT count(*) FROM import_batches") == 0


def test_a_writer_waits_for_the_lock_instead_of_failing(db: Path, tmp_path: Path) -> None:
    csv_file = h.write_survey(tmp_path / "a.csv", 5, prefix="a")
    holder = _hold_write_lock(db)
    release = threading.Timer(1.5, lambda: (holder.execute("COMMIT"), holder.close()))
    release.start()
    run = h.lipctl(db, "survey", "import", str(csv_file), "--survey", "S")
    release.join()
    assert run.returncode == ExitCode.OK, run.stderr
    assert run.seconds >= 1.0, "it must have waited for the other writer"
    assert h.scalar(db, "SELECT count(*) FROM survey_responses") == 5
    assert h.scalar(db, "SELECT count(*) FROM people WHERE name = 'held by another writer'") == 1


def test_readers_do_not_wait_for_a_writer(db: Path) -> None:
    holder = _hold_write_lock(db)
    try:
        before = time.perf_counter()
        runs = [h.lipctl(db, *args, LIPCTL_BUSY_TIMEOUT_MS="60000") for args in (["fields"], ["log"], ["db", "check"])]
        elapsed = time.perf_counter() - before
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [r.returncode for r in runs] == [ExitCode.OK] * 3, [r.stderr for r in runs]
    assert elapsed < 10


def test_a_refused_seed_during_a_held_lock_changes_nothing(db: Path, tmp_path: Path) -> None:
    """init reads and checks the seed before it asks for the lock: a broken seed is refused at once."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nprocess: [", encoding="utf-8")
    before = snapshot(db)
    holder = _hold_write_lock(db)
    try:
        run = h.lipctl(db, "init", "--seed", str(bad), LIPCTL_BUSY_TIMEOUT_MS="60000")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.returncode == ExitCode.REFUSED
    assert "not valid YAML" in run.stderr
    assert run.seconds < 10
    assert snapshot(db) == before


def test_a_reader_shut_out_by_an_exclusive_lock_is_one_clear_line(db: Path) -> None:
    """The read commands' own path (no SQLAlchemy) reports a lock as the writing commands do."""
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO people (name) VALUES ('held exclusively')")
    try:
        runs = [h.lipctl(db, *args, LIPCTL_BUSY_TIMEOUT_MS="300") for args in (["contacts"], ["status", "--format", "json"])]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for run in runs:
        assert run.returncode == ExitCode.REFUSED
        assert run.stdout == ""
        assert (
            run.stderr.strip()
            == "lipctl: the database is locked by another lipctl command — nothing was changed; try again in a moment"
        )
