"""The survey import by COPY on a real PostgreSQL server: exact counts, idempotence, dry runs, retries.

BATCH is made small (7 rows) so that a few dozen rows span several batches: duplicates inside
one batch, across batches of one file and across files are all counted as SQLite counts them.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from lipctl.errors import ExitCode
from lipctl.services import surveys
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.helpers import engine_on

pytestmark = pytest.mark.postgres

TEXT = 'Mehr "Sprachkurse";\r\nauch für Eltern – «bitte»\t\\N und ein Backslash \\'


@pytest.fixture
def pg(pg_url: str, monkeypatch: pytest.MonkeyPatch, cli):
    monkeypatch.setenv("LIPCTL_DB", pg_url)
    monkeypatch.setattr(surveys, "BATCH", 7)
    assert cli("init").exit_code == ExitCode.OK
    engine = engine_on(pg_url)
    yield engine
    engine.dispose()


def rows(engine, sql: str, **params: object) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def counts(result) -> tuple[int, ...]:
    f = json.loads(result.stdout)["files"]
    return tuple(tuple(x[k] for k in ("rows_read", "imported", "duplicates", "rejected", "skipped")) for x in f)


def test_counts_duplicates_inside_and_across_batches_and_files(pg, cli, write) -> None:
    first = [LS_HEADER] + [ls_row(str(i), "2020-06-15 14:32:10", "Bildung", "Idee", f"{TEXT} {i}") for i in range(1, 31)]
    first.insert(3, ls_row("2", "2020-06-15 14:32:10", "Bildung", "Idee", "same batch"))  # inside batch 1
    first.append(ls_row("5", "2020-06-15 14:32:10", "Bildung", "Idee", "a later batch"))  # across batches
    first.append(ls_row("99", "", "", "", ""))  # incomplete
    first.append(ls_row("98", "2020-06-15", "Sport", "Idee", "x"))  # rejected
    second = [LS_HEADER] + [ls_row(str(i), "2020-07-01 09:00:00", "Soziales", "Kritik", f"neu {i}") for i in range(25, 46)]
    a = write("a.csv", csv_bytes(first, bom=True))
    b = write("b.csv", csv_bytes(second))

    result = cli("survey", "import", str(a), str(b), "--survey", "S", "--format", "json")
    assert result.exit_code == ExitCode.IMPORT_REJECTED_ROWS, result.stderr
    # a: 34 rows read, 30 new, 2 duplicates (one inside a batch, one across), 1 rejected, 1 skipped;
    # b: 21 rows read, 15 new (31..45), 6 already stored by a (25..30)
    assert counts(result) == ((34, 30, 2, 1, 1), (21, 15, 6, 0, 0))
    stored = rows(pg, "SELECT response_key, text, line FROM survey_responses ORDER BY id")
    assert [k for k, _t, _l in stored] == [str(i) for i in range(1, 46)]  # file order, the first of each key
    assert stored[1][1] == f"{TEXT} 2"  # the first "2" counts, not the one later in its batch
    assert stored[0][1] == f"{TEXT} 1"  # tabs, backslashes, \N and line breaks arrive as written
    assert rows(pg, "SELECT count(*) FROM survey_responses WHERE submitted_at IS NULL") == [(0,)]

    again = cli("survey", "import", str(a), str(b), "--survey", "S", "--format", "json")
    assert counts(again) == ((34, 0, 32, 1, 1), (21, 0, 21, 0, 0))
    assert rows(pg, "SELECT count(*), count(DISTINCT response_key) FROM survey_responses") == [(45, 45)]
    assert rows(pg, "SELECT count(*) FROM import_batches WHERE finished_at IS NOT NULL") == [(4,)]


def test_dry_run_of_several_files_counts_and_stores_nothing(pg, cli, write) -> None:
    a = write(
        "a.csv", csv_bytes([LS_HEADER] + [ls_row(str(i), "2020-06-15 14:32:10", "Bildung", "Idee", "t") for i in range(20)])
    )
    b = write(
        "b.csv", csv_bytes([LS_HEADER] + [ls_row(str(i), "2020-06-15 14:32:10", "Bildung", "Idee", "t") for i in range(10, 40)])
    )
    dry = cli("survey", "import", str(a), str(b), "--survey", "S", "--dry-run", "--format", "json")
    assert dry.exit_code == ExitCode.OK, dry.stderr
    assert counts(dry) == ((20, 20, 0, 0, 0), (30, 20, 10, 0, 0))  # one transaction: b sees a's rows
    assert rows(pg, "SELECT count(*) FROM survey_responses") == [(0,)]
    assert rows(pg, "SELECT count(*) FROM import_batches") == [(0,)]
    real = cli("survey", "import", str(a), str(b), "--survey", "S", "--format", "json")
    assert counts(real) == counts(dry)


def test_a_late_cp1252_byte_retries_the_file_without_leftovers(pg, cli, write) -> None:
    """The head (64 KiB) is ASCII, row 38 is Windows-1252: the UTF-8 attempt (5 batches sent) is rolled back."""
    long = "x" * 2000
    body = [LS_HEADER] + [ls_row(str(i), "2020-06-15 14:32:10", "Bildung", "Idee", f"plain {i} {long}") for i in range(40)]
    body[39] = ls_row("38", "2020-06-15 14:32:10", "Bildung", "Idee", "Größe")
    path = write("late.csv", csv_bytes(body, encoding="cp1252"))
    result = cli("survey", "import", str(path), "--survey", "S", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert counts(result) == ((40, 40, 0, 0, 0),)
    assert json.loads(result.stdout)["files"][0]["encoding"] == "cp1252"
    assert rows(pg, "SELECT text FROM survey_responses WHERE response_key = '38'") == [("Größe",)]
    assert rows(pg, "SELECT count(*), count(DISTINCT response_key), min(line) FROM survey_responses") == [(40, 40, 2)]
    assert rows(pg, "SELECT count(*) FROM import_batches") == [(1,)]


def test_a_rollback_waits_for_the_batch_in_flight_and_undoes_it(pg) -> None:
    """The writer sends a batch from a worker thread: a savepoint's rollback must come after it, and undo it."""
    import datetime as dt

    from lipctl.store import bulk

    with pg.connect() as conn:
        conn.begin()
        survey = conn.execute(text("INSERT INTO surveys (name, created_at) VALUES ('S', now()) RETURNING id")).scalar_one()
        batch = conn.execute(
            text(
                "INSERT INTO import_batches (survey_id, path, started_at, rows_read, imported, duplicates, rejected, skipped, actor) "
                "VALUES (:s, 'x', now(), 0, 0, 0, 0, 0, 't') RETURNING id"
            ),
            {"s": survey},
        ).scalar_one()
        at = dt.datetime(2020, 6, 15, 14, 32, 10)
        rows = [(survey, f"k{i}", None, None, f"text {i}", at, batch, i + 2) for i in range(20_000)]
        savepoint = conn.begin_nested()
        writer = bulk.response_writer(conn)
        assert writer.write(rows[:10_000]) == (0, 0)  # reported at the next write or at flush
        assert writer.worker is not None
        savepoint.rollback()  # the connection event waits for the worker first
        assert writer.worker is None
        assert conn.execute(text("SELECT count(*) FROM survey_responses")).scalar_one() == 0

        writer = bulk.response_writer(conn)  # the staging table went with the savepoint: made again
        assert writer.write(rows[:10_000]) == (0, 0)
        assert writer.write(rows[5_000:]) == (10_000, 0)  # the first batch's counts
        assert writer.flush() == (10_000, 5_000)
        assert conn.execute(text("SELECT count(*), count(DISTINCT response_key) FROM survey_responses")).one() == (20_000, 20_000)
        conn.rollback()


def test_a_rollback_cancels_a_batch_waiting_for_another_imports_lock(pg) -> None:
    """Another transaction holds an uncommitted row with one of the batch's keys: the batch waits for
    it; a rollback (Ctrl-C, an error) must not wait as long, but cancel the batch and undo it."""
    import datetime as dt
    import time

    from lipctl.store import bulk

    with pg.connect() as setup:
        survey = setup.execute(text("INSERT INTO surveys (name, created_at) VALUES ('S', now()) RETURNING id")).scalar_one()
        batch = setup.execute(
            text(
                "INSERT INTO import_batches (survey_id, path, started_at, rows_read, imported, duplicates, rejected, skipped, actor) "
                "VALUES (:s, 'x', now(), 0, 0, 0, 0, 0, 't') RETURNING id"
            ),
            {"s": survey},
        ).scalar_one()
        setup.commit()
    at = dt.datetime(2020, 6, 15, 14, 32, 10)
    rows = [(survey, f"k{i}", None, None, f"text {i}", at, batch, i + 2) for i in range(100)]
    with pg.connect() as other, pg.connect() as conn:
        other.execute(
            text(
                "INSERT INTO survey_responses (survey_id, response_key, text, batch_id, line) VALUES (:s, 'k50', 'other', :b, 1)"
            ),
            {"s": survey, "b": batch},
        )  # not committed: the same key waits for it
        conn.begin()
        savepoint = conn.begin_nested()
        writer = bulk.response_writer(conn)
        writer.write(rows)
        time.sleep(0.2)
        assert writer.worker is not None and writer.worker.is_alive()  # waiting for the other transaction
        started = time.perf_counter()
        savepoint.rollback()
        assert time.perf_counter() - started < 10  # cancelled, not waiting for `other`
        assert conn.execute(text("SELECT count(*) FROM survey_responses")).scalar_one() == 0
        conn.rollback()
        other.rollback()


def test_a_batch_with_some_keys_stored_goes_through_the_staging_table_and_counts_exactly(pg, cli, write) -> None:
    """Three paths per batch (new keys: COPY into the table; all known: nothing; some known: staging
    and INSERT … ON CONFLICT), chosen by one look-up; the counts and the stored rows are the same."""
    odd = [LS_HEADER] + [ls_row(str(i), "2020-06-15 14:32:10", "Bildung", "Idee", f"erst {i}") for i in range(1, 22, 2)]
    every = [LS_HEADER] + [ls_row(str(i), "2020-06-16 09:00:00", "Soziales", "Kritik", f"dann {i}") for i in range(1, 29)]
    a, b = write("odd.csv", csv_bytes(odd)), write("every.csv", csv_bytes(every))
    assert counts(cli("survey", "import", str(a), "--survey", "S", "--format", "json")) == ((11, 11, 0, 0, 0),)
    # batches of 7: 1–7 and 8–14 and 15–21 hold some stored keys (mixed), 22–28 none (new)
    assert counts(cli("survey", "import", str(b), "--survey", "S", "--format", "json")) == ((28, 17, 11, 0, 0),)
    stored = dict(rows(pg, "SELECT response_key, text FROM survey_responses"))
    assert len(stored) == 28
    assert stored["3"] == "erst 3" and stored["4"] == "dann 4" and stored["28"] == "dann 28"  # the first of each key
    assert counts(cli("survey", "import", str(b), "--survey", "S", "--format", "json")) == ((28, 0, 28, 0, 0),)


def test_two_imports_into_one_survey_at_once_take_turns_and_count_every_row_once(pg, pg_url: str, cli, write, tmp_path) -> None:
    """The look-up and the COPY see the same keys: the second import waits for the first one's
    advisory lock on the survey, then finds its rows (duplicates), never a unique-key error."""
    import os
    import subprocess
    import sys

    first = write("first.csv", csv_bytes([LS_HEADER, ls_row("x", "2020-06-15 14:32:10", "Bildung", "Idee", "vorher")]))
    assert cli("survey", "import", str(first), "--survey", "S").exit_code == ExitCode.OK  # the survey exists
    rows_ = [LS_HEADER] + [ls_row(str(i), "2020-06-15 14:32:10", "Bildung", "Idee", f"t {i}") for i in range(3000)]
    path = tmp_path / "same.csv"
    path.write_bytes(csv_bytes(rows_))
    env = dict(os.environ, LIPCTL_DB=pg_url)
    command = [sys.executable, "-m", "lipctl", "survey", "import", str(path), "--survey", "S", "--format", "json"]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [e for _o, e in results]
    files = sorted((json.loads(o)["files"][0]["imported"], json.loads(o)["files"][0]["duplicates"]) for o, _e in results)
    assert files == [(0, 3000), (0, 3000), (3000, 0)]
    assert rows(pg, "SELECT count(*), count(DISTINCT response_key) FROM survey_responses") == [(3001, 3001)]


def test_a_first_import_streams_one_copy_and_a_key_twice_in_the_file_imports_it_again(pg, cli, write, monkeypatch) -> None:
    """Into a survey without responses a file goes through one COPY, without look-ups. A key in two
    of its batches breaks that COPY (a unique violation): the file is rolled back and imported again
    batch by batch — the same counts, rows, batch row and audit event as if it had gone that way at once."""
    from lipctl.store import bulk

    broken: list[str] = []
    original = bulk.PostgresResponseWriter._end_stream

    def spy(self: bulk.PostgresResponseWriter, exc: BaseException | None = None) -> None:
        try:
            original(self, exc)
        except bulk.DuplicateInFile as error:
            broken.append(str(error))
            raise

    monkeypatch.setattr(bulk.PostgresResponseWriter, "_end_stream", spy)
    body = [LS_HEADER] + [ls_row(str(i), "2020-06-15 14:32:10", "Bildung", "Idee", f"{TEXT} {i}") for i in range(1, 31)]
    clean = write("clean.csv", csv_bytes(body))
    twice = write("twice.csv", csv_bytes([*body, ls_row("3", "2020-06-15 14:32:10", "Bildung", "Idee", "again, batch 5")]))

    assert counts(cli("survey", "import", str(clean), "--survey", "A", "--format", "json")) == ((30, 30, 0, 0, 0),)
    assert broken == []
    result = cli("survey", "import", str(twice), "--survey", "B", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert counts(result) == ((31, 30, 1, 0, 0),)
    assert len(broken) == 1 and "response_key" in broken[0]  # the streamed attempt, rolled back
    stored = rows(pg, "SELECT s.name, r.response_key, r.text FROM survey_responses r JOIN surveys s ON s.id = r.survey_id")
    assert sorted((name, key) for name, key, _t in stored) == sorted((n, str(i)) for n in "AB" for i in range(1, 31))
    assert {key: t for name, key, t in stored if name == "B"}["3"] == f"{TEXT} 3"  # the first of the key
    assert rows(
        pg, "SELECT s.name, count(*) FROM import_batches b JOIN surveys s ON s.id = b.survey_id GROUP BY 1 ORDER BY 1"
    ) == [
        ("A", 1),
        ("B", 1),
    ]
    assert rows(pg, "SELECT count(*) FROM audit_events WHERE action = 'survey.imported'") == [(2,)]
    # the same file again: every row known, through the look-ups
    assert counts(cli("survey", "import", str(twice), "--survey", "B", "--format", "json")) == ((31, 0, 31, 0, 0),)


def test_a_dry_run_never_streams(pg, cli, write, monkeypatch) -> None:
    """A dry run's files share one transaction that is never committed: no file may be run again alone."""
    from lipctl.store import bulk

    chosen: list[bool] = []
    original = bulk.PostgresResponseWriter.__init__

    def spy(self: bulk.PostgresResponseWriter, conn: object, *, direct: bool = False) -> None:
        chosen.append(direct)
        original(self, conn, direct=direct)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk.PostgresResponseWriter, "__init__", spy)
    body = [LS_HEADER] + [ls_row(str(i), "2020-06-15 14:32:10", "Bildung", "Idee", "t") for i in range(20)]
    path = write("a.csv", csv_bytes([*body, ls_row("3", "2020-06-15 14:32:10", "Bildung", "Idee", "again")]))
    dry = cli("survey", "import", str(path), "--survey", "S", "--dry-run", "--format", "json")
    assert dry.exit_code == ExitCode.OK, dry.stderr
    assert counts(dry) == ((21, 20, 1, 0, 0),)
    assert chosen == [False]
    assert rows(pg, "SELECT count(*) FROM survey_responses") == [(0,)]
