"""The handover's shape, without a clock (issue 18): handing a field's answers to its expert group
sends the same statements for 5 answers as for 400 (one INSERT … SELECT), on SQLite and PostgreSQL;
and the import's count of answers outside the survey's period costs the same for 1 batch as for 8."""

from __future__ import annotations

from pathlib import Path

from lipctl.errors import ExitCode
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.store import test_import_shape as shape
from tests.store.test_import_shape import BATCH, Counter

statements = shape.statements  # the fixture counting every statement the driver sends

SURVEY = "Zweite Online-Umfrage"


def _file(tmp_path: Path, name: str, n: int, start: int = 0) -> Path:
    rows = [LS_HEADER] + [ls_row(str(start + i), "2021-04-02 10:00:00", "Bildung", "Idee", f"Antwort {i}") for i in range(n)]
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return path


def _counted(cli, statements: Counter, *args: str) -> int:
    before = statements.n
    result = cli(*args)
    assert result.exit_code == ExitCode.OK, result.stderr
    return statements.n - before


def test_a_handover_costs_the_same_statements_for_few_and_many_answers(
    db_url: str,
    cli,
    statements: Counter,
    tmp_path: Path,
) -> None:
    assert cli("init").exit_code == ExitCode.OK
    assert cli("survey", "open", SURVEY, "--from", "2021-03-01", "--until", "2021-03-31").exit_code == ExitCode.OK
    cost = {}
    for n, start in ((5, 0), (400, 1000)):
        assert cli("survey", "import", str(_file(tmp_path, f"{n}.csv", n, start)), "--survey", SURVEY).exit_code == 0
        cost[n] = _counted(cli, statements, "survey", "export", "--field", "bildung", "--handover", "--format", "json")
    assert cost[5] == cost[400]
    pending = cli.json("status")["fields"]
    assert {f["slug"]: f["not_handed_over"] for f in pending}["bildung"] == 0


def test_counting_answers_outside_the_period_costs_the_same_for_one_batch_and_eight(
    db_url: str,
    cli,
    statements: Counter,
    tmp_path: Path,
) -> None:
    assert cli("init").exit_code == ExitCode.OK
    assert cli("survey", "open", "Leer", "--from", "2021-03-01", "--until", "2021-03-31").exit_code == ExitCode.OK
    assert cli("survey", "open", SURVEY, "--from", "2021-03-01", "--until", "2021-03-31").exit_code == ExitCode.OK
    # a first import into each survey (PostgreSQL streams it through one COPY), then a second one in batches
    for survey in ("Leer", SURVEY):
        assert cli("survey", "import", str(_file(tmp_path, "seed.csv", 1, 90000)), "--survey", survey).exit_code == 0
    one = _counted(cli, statements, "survey", "import", str(_file(tmp_path, "a.csv", BATCH)), "--survey", "Leer")
    eight = _counted(cli, statements, "survey", "import", str(_file(tmp_path, "b.csv", 8 * BATCH)), "--survey", SURVEY)
    per_batch, rest = divmod(eight - one, 7)
    # the writer's own statements per batch (SQLite: a row each of its executemany; PostgreSQL: a look-up
    # and a COPY), as tests/store/test_import_shape.py has them: the count adds none per batch
    assert (per_batch, rest) == ((BATCH if "://" not in db_url else 2), 0)
    assert cli.json("survey", "stats")["outside_period"] == {"Leer": 1 + BATCH, SURVEY: 1 + 8 * BATCH}
