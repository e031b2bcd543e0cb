"""The stress scripts of tests/stress in their CI size (LIPCTL_STRESS=full runs them full size).

Each prints its figures (run pytest with -s to see them, or run the script itself).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from tests.stress import _harness as h
from tests.stress import concurrency, crash

FULL = os.environ.get("LIPCTL_STRESS") == "full"
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_concurrent_writers_while_an_import_runs(
    store: str, request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Staff submit versions, record opinions and import, while cron imports and someone reads."""
    if store == "postgres":
        size = concurrency.FULL if FULL else concurrency.PG_CI
        figures = concurrency.run(tmp_path, **size, db=request.getfixturevalue("pg_url"))
    else:
        figures = concurrency.run(tmp_path, **(concurrency.FULL if FULL else concurrency.CI))
    with capsys.disabled():
        h.print_figures(f"concurrency ({store})", figures)
    assert figures["commands_failed"] == 0, figures["failures"]
    assert figures["concurrent_import_exit"] == ExitCode.OK, figures["concurrent_import_stderr"]
    assert figures["records_lost"] == 0
    assert figures["records_doubled"] == 0
    assert figures["duplicate_versions"] == 0
    assert figures["version_gaps"] == 0
    assert figures["reads_run"] >= 1
    assert figures["reads_failed"] == 0, figures["read_failures"]
    assert figures["audit_events_written"] >= figures["audit_events_expected"]
    assert figures["integrity_check"] in ("ok", "n/a (PostgreSQL)")


def test_sigkill_during_an_import_then_rerun_stores_every_row_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figures = crash.run(tmp_path, **(crash.FULL if FULL else crash.CI))
    with capsys.disabled():
        rounds = figures["rounds"]
        h.print_figures("crash: SIGKILL during survey import, then re-run", {k: v for k, v in figures.items() if k != "rounds"})
    assert figures["kills_while_running"] == figures["kills"], "every kill lands where the import said it waits"
    for r in rounds:
        assert r["announced"] == f"lipctl test pause: {r['paused_after_rows']} rows handed to the writer, waiting to be killed", r
        # the files handed over before the row it stopped at are stored, the one it was in not at all
        assert r["rows_after_kill"] == r["rows_committed_before_the_pause"], r
        assert r["files_whole_or_nothing"], r
        assert r["integrity_after_kill"] == "ok", r
        assert r["unfinished_batches_after_kill"] == 0, r
        assert r["rerun_exit"] == ExitCode.OK, r
        assert r["exactly_once"], r
        assert r["integrity_after_rerun"] == "ok", r


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_sigkill_mid_copy_leaves_nothing_of_the_file(
    store: str, request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kill -9 where the import says it is: the second file half stored (on PostgreSQL mid-COPY)."""
    db = request.getfixturevalue("pg_url") if store == "postgres" else str(tmp_path / "lip.db")
    rows = 6000  # 3 batches a file; the pause at 8,500 rows: file 2's first batch moved, its second half sent
    figures = crash.run_paused(tmp_path, db, rows_per_file=rows, pause_after=8500)
    with capsys.disabled():
        h.print_figures(f"crash: SIGKILL at an announced point inside a file's transaction ({store})", figures)
    assert figures["announced"] == "lipctl test pause: 8500 rows handed to the writer, waiting to be killed"
    assert figures["killed_while_running"]
    if store == "postgres":
        assert figures["copy_in_progress_at_kill"], "the kill must land in the middle of a COPY"
        assert figures["staging_tables_after_kill"] == 0
    assert figures["rows_per_file_after_kill"] == [rows, 0]  # the first file committed, nothing of the second
    assert (figures["batches_after_kill"], figures["unfinished_after_kill"], figures["audit_events_after_kill"]) == (1, 0, 1)
    assert figures["integrity_after_kill"] in ("ok", "n/a (PostgreSQL)")
    assert figures["rerun_exit"] == ExitCode.OK, figures["rerun_stderr"]
    assert figures["rows_per_file_after_rerun"] == [rows, rows]
    assert figures["rows_and_distinct_after_rerun"] == (2 * rows, 2 * rows)
    assert (figures["batches_after_rerun"], figures["audit_events_after_rerun"]) == (3, 3)


@pytest.mark.parametrize("processes", [4])
def test_concurrent_submits_of_one_document_get_distinct_versions(
    db_url: str, processes: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Staff submitting the same document at the same moment get v1..vN, never two equal versions."""
    if not h.has_command("draft", "submit"):
        pytest.skip("draft submit is not in this lipctl yet (issue 3)")
    h.init_db(db_url)  # type: ignore[arg-type]
    procs = [
        h.spawn(db_url, "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", f"parallel {i}", "--format", "json")
        for i in range(processes)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    codes = [p.returncode for p in procs]
    assert codes == [ExitCode.OK] * processes, [e.decode()[-300:] for _o, e in outs]
    import json

    versions = sorted(json.loads(o)["version"] for o, _e in outs)
    with capsys.disabled():
        print(
            f"\n   {processes} concurrent 'draft submit bildung' ({'sqlite' if '://' not in db_url else 'postgresql'}): versions {versions}"
        )
    assert versions == list(range(1, processes + 1))


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_imports_starting_together_into_one_new_survey(
    store: str, request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Cron and staff start imports into the same survey at the same moment: all succeed, one survey, every row once."""
    db = request.getfixturevalue("pg_url") if store == "postgres" else str(tmp_path / "lip.db")
    h.init_db(db)  # type: ignore[arg-type]
    files = [h.write_survey(tmp_path / f"part{i}.csv", 4000, prefix=f"p{i}-") for i in range(4)]
    procs = [h.spawn(db, "survey", "import", str(f), "--survey", "Beteiligung 2021") for f in files]
    errors = [p.communicate(timeout=120)[1].decode(errors="replace").strip() for p in procs]
    failed = [e for p, e in zip(procs, errors, strict=True) if p.returncode != 0]
    store_ = h.Store(db)
    try:
        rows, distinct = store_.rows("SELECT count(*), count(DISTINCT response_key) FROM survey_responses")[0]
        surveys = store_.scalar("SELECT count(*) FROM surveys")
    finally:
        store_.close()
    with capsys.disabled():
        h.print_figures(
            f"4 imports starting together into one new survey ({store})",
            {
                "failed": len(failed),
                "rows": rows,
                "distinct": distinct,
                "surveys": surveys,
                "first_error": failed[0][:200] if failed else None,
            },
        )
    assert failed == []
    assert (rows, distinct, surveys) == (16000, 16000, 1)


def test_sigkill_during_init_leaves_nothing_or_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figures = crash.run_init(tmp_path)
    rounds = figures.pop("rounds")
    with capsys.disabled():
        h.print_figures("crash: SIGKILL during lipctl init on a new file, then re-run", figures)
    assert figures["kills_while_running"] == figures["kills"] == len(crash.INIT_POINTS)
    for r in rounds:
        assert r["announced"] == f"lipctl test pause: {r['kill_point']}, waiting to be killed", r
        assert r["state_after_kill"] == crash.INIT_POINTS[r["kill_point"]], r  # inside the transaction: nothing
        assert r["all_or_nothing"], r
        assert r["integrity_after_kill"] in ("ok", "no file"), r
        assert r["rerun_exit"] == ExitCode.OK, r
        assert r["complete_after_rerun"], r
