"""The import's shape, without a clock: the statements a batch sends do not depend on what the table holds.

The survey import on PostgreSQL once looked up the stored keys of every batch with a statement
whose plan read every row stored before it: quadratic, and invisible in small tests. Here every
statement the database driver is asked to run is counted (SQLite: the sqlite3 trace callback,
which sees each execution; PostgreSQL: psycopg's cursor execute, executemany and copy), for the
same three batches imported into a table holding one row and into one holding twenty batches
more. The counts must be equal, and a batch must cost a fixed handful of statements.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.pool import Pool

from lipctl.errors import ExitCode
from lipctl.services import surveys
from tests.stress import _harness as h

BATCH = 50


class Counter:
    def __init__(self) -> None:
        self.n = 0
        self.most_parameters = 0  # of one statement (PostgreSQL): a look-up per key would send hundreds
        self.lock = threading.Lock()  # PostgreSQL sends batches from a worker thread

    def add(self, *args: object) -> None:
        # issue 19: the statements FTS5 runs itself, inside lipctl's one INSERT, on its shadow tables
        # (search_fts_content, _docsize, _data …) and its data_version check reach sqlite3's trace
        # callback too; they are no round trips of lipctl's.
        if args and isinstance(args[0], str) and ("'search_fts_" in args[0] or "'main'.data_version" in args[0]):
            return
        with self.lock:
            self.n += 1


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    """Counts every statement sent by the sqlite3 or psycopg driver while the test runs."""
    counter = Counter()

    def on_connect(dbapi_conn: object, _record: object) -> None:
        if hasattr(dbapi_conn, "set_trace_callback"):  # sqlite3
            dbapi_conn.set_trace_callback(counter.add)

    event.listen(Pool, "connect", on_connect)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - SQLite only
        psycopg = None
    if psycopg is not None:
        for name in ("execute", "executemany", "copy"):
            original = getattr(psycopg.Cursor, name)

            def counted(self: object, *args: object, _original: object = original, _name: str = name, **kwargs: object) -> object:
                counter.add()
                params = args[1] if len(args) > 1 else kwargs.get("params")
                if _name == "execute" and isinstance(params, (list, tuple, dict)):
                    counter.most_parameters = max(counter.most_parameters, len(params))
                return _original(self, *args, **kwargs)  # type: ignore[operator]

            monkeypatch.setattr(psycopg.Cursor, name, counted)
    monkeypatch.setattr(surveys, "BATCH", BATCH)
    yield counter
    event.remove(Pool, "connect", on_connect)


def import_counting(cli, statements: Counter, path: Path) -> tuple[int, dict]:
    before = statements.n
    result = cli("survey", "import", str(path), "--survey", "Shape", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    return statements.n - before, json.loads(result.stdout)["files"][0]


def test_statements_per_batch_do_not_grow_with_the_table(db_url: str, cli, statements: Counter, tmp_path: Path) -> None:
    assert cli("init").exit_code == ExitCode.OK
    files = {
        "seed": h.write_survey(tmp_path / "seed.csv", 1, prefix="s-"),
        "early": h.write_survey(tmp_path / "early.csv", 3 * BATCH, prefix="a-"),
        "bulk": h.write_survey(tmp_path / "bulk.csv", 20 * BATCH, prefix="b-"),
        "late": h.write_survey(tmp_path / "late.csv", 3 * BATCH, prefix="c-"),
        "six": h.write_survey(tmp_path / "six.csv", 6 * BATCH, prefix="d-"),
    }
    import_counting(cli, statements, files["seed"])  # the survey exists before every counted import
    into_empty, first = import_counting(cli, statements, files["early"])  # the table holds 1 row
    import_counting(cli, statements, files["bulk"])
    into_full, late = import_counting(cli, statements, files["late"])  # it holds 1,151 rows
    again, dup = import_counting(cli, statements, files["late"])  # every row a duplicate
    six, _ = import_counting(cli, statements, files["six"])
    per_batch, rest = divmod(six - into_full, 3)

    store = "sqlite" if "://" not in db_url else "postgresql"
    print(
        f"\n   statements ({store}): 3 batches into 1 row {into_empty}, into 1,151 rows {into_full}, again {again}; per batch {per_batch}"
    )
    assert (first["imported"], late["imported"], dup["duplicates"]) == (3 * BATCH, 3 * BATCH, 3 * BATCH)
    assert into_empty == into_full
    assert rest == 0
    # SQLite: one executemany, whose executions the trace callback sees one by one (a row each);
    # PostgreSQL: one look-up of the batch's keys and one COPY (new keys) — never a statement per row,
    # never a look-up per key.
    assert per_batch == (BATCH if store == "sqlite" else 2)
    # issue 19: indexing a file's new answers for search costs one statement, then two per
    # lipctl.search.index.CHUNK ids (one read, one write); a file that stored nothing costs the one.
    if store == "sqlite":
        assert again == into_full - 2
    else:  # a re-import: the look-up finds every key, nothing is sent
        assert again == into_full - 3 - 2
    if store == "postgresql":
        # The widest fixed statement is the ORM's insert of the file's audit events with their chain
        # columns (20 parameters); a look-up per key would send at least a batch's worth (50).
        assert statements.most_parameters < BATCH, "a statement with a parameter per key: its plan is the table's size"


def test_a_first_import_into_an_empty_survey_sends_one_copy_whatever_its_batches(
    db_url: str, cli, statements: Counter, tmp_path: Path
) -> None:
    """PostgreSQL streams a first import (the survey holds no responses) through one COPY: the
    statements of a file of three batches and of one of twenty are the same. SQLite: as always."""
    assert cli("init").exit_code == ExitCode.OK
    three = h.write_survey(tmp_path / "three.csv", 3 * BATCH, prefix="a-")
    twenty = h.write_survey(tmp_path / "twenty.csv", 20 * BATCH, prefix="b-")
    counted = []
    for survey, path in (("Erste", three), ("Zweite", twenty)):
        before = statements.n
        result = cli("survey", "import", str(path), "--survey", survey, "--format", "json")
        assert result.exit_code == ExitCode.OK, result.stderr
        counted.append(statements.n - before)
    if "://" in db_url:
        assert counted[0] == counted[1]
    else:
        assert counted[1] - counted[0] == 17 * BATCH  # a row each, the rest the same
