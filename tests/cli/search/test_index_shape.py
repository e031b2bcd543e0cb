"""The search index's share of an import, without a clock: one statement per file, then two per CHUNK ids
(one read of the file's answers, one write into the index), whatever the table holds.

Counted as tests/store/test_import_shape.py counts (every statement the sqlite3 or psycopg driver is
asked to run, FTS5's own statements on its shadow tables aside), only while
lipctl.search.index.add_survey_batch runs, for a file imported into an empty table and the same
size of file into a table holding ten times as many answers of another survey.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from lipctl.search import index
from tests.store.test_import_shape import Counter, statements  # noqa: F401 - the fixture
from tests.stress import _harness as h

CHUNK = 20
ROWS = 90


def test_indexing_a_file_costs_the_same_statements_whatever_the_table_holds(
    db_url: str,
    cli,
    statements: Counter,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(index, "CHUNK", CHUNK)
    spent: list[tuple[int, int]] = []
    original = index.add_survey_batch

    def counted(conn: object, batch_id: int) -> int:
        before = statements.n
        found = original(conn, batch_id)
        spent.append((found, statements.n - before))
        return found

    monkeypatch.setattr(index, "add_survey_batch", counted)
    assert cli("init").exit_code == ExitCode.OK
    for survey, path in (
        ("Erste", h.write_survey(tmp_path / "first.csv", ROWS, prefix="a-")),
        ("Viele", h.write_survey(tmp_path / "many.csv", 10 * ROWS, prefix="b-")),
        ("Zweite", h.write_survey(tmp_path / "second.csv", ROWS, prefix="c-")),
        ("Zweite", h.write_survey(tmp_path / "second.csv", ROWS, prefix="c-")),  # again: nothing new
    ):
        result = cli("survey", "import", str(path), "--survey", survey)
        assert result.exit_code == ExitCode.OK, result.stderr
    (first, n_first), (_many, _), (second, n_second), (again, n_again) = spent
    assert (first, second, again) == (ROWS, ROWS, 0)
    assert n_first == n_second == 1 + 2 * math.ceil(ROWS / CHUNK)
    assert n_again == 1
    for prefix, n in (("a", ROWS), ("b", 10 * ROWS), ("c", ROWS)):  # every answer indexed once ("Anregung c-17 …")
        assert len(cli.json("search", "Anregung", prefix, "--in", "surveys", "--limit", "1000")) == n
