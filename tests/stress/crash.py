"""A large survey import (and ``lipctl init``) killed with SIGKILL at several points, then run again.

For each kill point a fresh copy of an initialised database gets the same import of several
files (one command); the process is killed (``kill -9``) where it announces it has got to, never
after a fraction of a second (which a slower or busier machine would place elsewhere): the import
stops after n rows (LIPCTL_TEST_PAUSE_AFTER_ROWS, lipctl/store/bulk.py), ``lipctl init`` at a
named point of its transaction (LIPCTL_TEST_PAUSE_AT, lipctl/store/pause.py). Then, before and
after running the same import again:

- ``PRAGMA integrity_check`` is ok,
- every file is in the database wholly or not at all (each file is one transaction),
- after the re-run every row is stored exactly once (count = distinct keys = rows in the files),
- no import batch is left unfinished.

    python tests/stress/crash.py           # CI size
    python tests/stress/crash.py --full    # 3 files × 100,000 rows, 6 kill points
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.helpers import counts
from tests.stress import _harness as h  # noqa: E402

# A kill point is a fraction of all the rows (the import stops once that many rows are handed to
# the writer), or "after-file-N": the first row of file N+1, i.e. file N committed, file N+1 begun.
CI = {"files": 3, "rows_per_file": 15_000, "points": (0.15, "after-file-1", "after-file-2", 0.9)}
FULL = {"files": 3, "rows_per_file": 100_000, "points": (0.05, 0.2, "after-file-1", 0.5, "after-file-2", 0.9)}
# Where lipctl init stops (lipctl/store/pause.py), and what a kill there leaves.
INIT_POINTS = {"after-schema": "empty", "before-commit": "empty", "after-commit": "complete"}
PAUSED = "lipctl test pause: "


def _state(db: Path, files: int, rows: int) -> dict[str, object]:
    conn = h.connect(db)
    try:
        per_file = [
            conn.execute("SELECT count(*) FROM survey_responses WHERE response_key LIKE ?", (f"f{i}-%",)).fetchone()[0]
            for i in range(files)
        ]
        total, distinct = conn.execute("SELECT count(*), count(DISTINCT response_key) FROM survey_responses").fetchone()
        unfinished = conn.execute("SELECT count(*) FROM import_batches WHERE finished_at IS NULL").fetchone()[0]
        audits = conn.execute("SELECT count(*) FROM audit_events WHERE action = 'survey.imported'").fetchone()[0]
        batches = conn.execute("SELECT count(*) FROM import_batches").fetchone()[0]
    finally:
        conn.close()
    return {
        "per_file": per_file,
        "whole_or_nothing": all(n in (0, rows) for n in per_file),
        "total": total,
        "distinct": distinct,
        "unfinished_batches": unfinished,
        "batches": batches,
        "audit_events": audits,
        "integrity": h.integrity(db),
    }


def pause_after(point: float | str, files: int, rows_per_file: int) -> int:
    """The row after which the import stops for the kill ``point`` (see CI)."""
    if isinstance(point, str):
        return int(point.rsplit("-", 1)[1]) * rows_per_file + 1
    return max(1, int(point * files * rows_per_file))


def _announced(proc: subprocess.Popen[bytes]) -> str:
    """The child's announcement that it waits (its first such line on stderr), or "" when it ended without one."""
    assert proc.stderr is not None
    for raw in iter(proc.stderr.readline, b""):
        line = raw.decode(errors="replace").strip()
        if line.startswith(PAUSED):
            return line
    return ""


def _kill(proc: subprocess.Popen[bytes]) -> bool:
    """SIGKILL; whether the process was still running (waiting where it said)."""
    running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.communicate()  # waits, and closes its pipes
    return running


def run(folder: Path, *, files: int, rows_per_file: int, points: tuple[float | str, ...]) -> dict[str, object]:
    template = folder / "template.db"
    h.init_db(template)
    paths = [str(h.write_survey(folder / f"part{i}.csv", rows_per_file, prefix=f"f{i}-")) for i in range(files)]
    command = ("survey", "import", *paths, "--survey", "Crash test")

    rounds = []
    for n, point in enumerate(points):
        db = h.seeded_copy(template, folder / f"kill{n}.db")
        rows = pause_after(point, files, rows_per_file)
        started = time.perf_counter()
        proc = h.spawn(db, *command, LIPCTL_TEST_PAUSE_AFTER_ROWS=str(rows))
        announced = _announced(proc)
        killed = _kill(proc) and bool(announced)
        killed_at = time.perf_counter() - started
        after_kill = _state(db, files, rows_per_file)
        rerun = h.lipctl(db, *command)
        after_rerun = _state(db, files, rows_per_file)
        rounds.append(
            {
                "kill_point": point,
                "paused_after_rows": rows,
                "announced": announced,
                "kill_at_s": round(killed_at, 2),
                "killed_while_running": killed,
                "rows_after_kill": after_kill["total"],
                # the files wholly handed over before the row it stopped at: committed, the one it is in not
                "rows_committed_before_the_pause": (rows - 1) // rows_per_file * rows_per_file,
                "files_whole_or_nothing": after_kill["whole_or_nothing"],
                "integrity_after_kill": after_kill["integrity"],
                "unfinished_batches_after_kill": after_kill["unfinished_batches"],
                "rerun_exit": rerun.returncode,
                "rows_after_rerun": after_rerun["total"],
                "distinct_after_rerun": after_rerun["distinct"],
                "exactly_once": after_rerun["total"] == after_rerun["distinct"] == files * rows_per_file
                and after_rerun["whole_or_nothing"],
                "integrity_after_rerun": after_rerun["integrity"],
                "batches_equal_audit_events": after_rerun["batches"] == after_rerun["audit_events"],
            }
        )
    return {
        "rows_in_files": files * rows_per_file,
        "files": files,
        "kills": len(rounds),
        "kills_while_running": sum(r["killed_while_running"] for r in rounds),
        "rows_stored_after_each_kill": [r["rows_after_kill"] for r in rounds],
        "rounds_exactly_once": sum(r["exactly_once"] for r in rounds),
        "integrity_ok": sum(r["integrity_after_kill"] == "ok" and r["integrity_after_rerun"] == "ok" for r in rounds),
        "rounds": rounds,
    }


def run_paused(folder: Path, db: str, *, rows_per_file: int = 6000, pause_after: int = 8500) -> dict[str, object]:
    """kill -9 at a point the import announces: inside the second file's transaction (on PostgreSQL
    in the middle of a COPY). ``db``: a SQLite path or an empty PostgreSQL database's URL.

    One command imports two files; LIPCTL_TEST_PAUSE_AFTER_ROWS makes it print a line and wait
    after ``pause_after`` rows (the first file's rows, then some of the second's: at least one
    batch of it already moved into survey_responses, the next one half sent). Then the process is
    killed, the store is looked at, and the same command runs again.
    """
    h.init_db(db)  # type: ignore[arg-type]
    paths = [str(h.write_survey(folder / f"paused{i}.csv", rows_per_file, prefix=f"f{i}-")) for i in range(2)]
    command = ("survey", "import", *paths, "--survey", "Crash test")
    proc = h.spawn(db, *command, LIPCTL_TEST_PAUSE_AFTER_ROWS=str(pause_after))
    announced = proc.stderr.readline().decode(errors="replace").strip()  # type: ignore[union-attr]
    store = h.Store(db)
    try:
        in_copy = None
        if not store.is_sqlite:
            activity = store.rows(
                "SELECT state, query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            in_copy = any(state == "active" and query.startswith("COPY ") for state, query in activity)  # type: ignore[union-attr]
        killed = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        if not store.is_sqlite:  # the server ends the killed client's session (and its transaction) on its own
            for _ in range(500):
                if not store.scalar(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ):
                    break
                time.sleep(0.02)

        def state() -> dict[str, object]:
            per_file = [
                store.scalar("SELECT count(*) FROM survey_responses WHERE response_key LIKE :p", p=f"f{i}-%") for i in range(2)
            ]
            staging = (
                None
                if store.is_sqlite
                else store.scalar("SELECT count(*) FROM pg_class WHERE relname = 'lipctl_staging_responses'")
            )
            return {
                "per_file": per_file,
                "batches": store.scalar("SELECT count(*) FROM import_batches"),
                "unfinished": store.scalar("SELECT count(*) FROM import_batches WHERE finished_at IS NULL"),
                "audit": store.scalar("SELECT count(*) FROM audit_events WHERE action = 'survey.imported'"),
                "staging_tables": staging,
                "integrity": store.integrity(),
            }

        after_kill = state()
        rerun = h.lipctl(db, *command)
        after_rerun = state()
        distinct = store.rows("SELECT count(*), count(DISTINCT response_key) FROM survey_responses")[0]
    finally:
        store.close()
    return {
        "store": "sqlite" if "://" not in db else "postgresql",
        "announced": announced,
        "killed_while_running": killed,
        "copy_in_progress_at_kill": in_copy,
        "rows_per_file_after_kill": after_kill["per_file"],
        "batches_after_kill": after_kill["batches"],
        "unfinished_after_kill": after_kill["unfinished"],
        "audit_events_after_kill": after_kill["audit"],
        "staging_tables_after_kill": after_kill["staging_tables"],
        "integrity_after_kill": after_kill["integrity"],
        "rerun_exit": rerun.returncode,
        "rerun_stderr": rerun.stderr.strip()[-300:],
        "rows_per_file_after_rerun": after_rerun["per_file"],
        "rows_and_distinct_after_rerun": distinct,
        "batches_after_rerun": after_rerun["batches"],
        "audit_events_after_rerun": after_rerun["audit"],
    }


def run_init(folder: Path, *, points: tuple[str, ...] = tuple(INIT_POINTS)) -> dict[str, object]:
    """``lipctl init`` on a new file killed at the points it announces: nothing or everything, and a re-run completes it."""
    reference = folder / "reference.db"
    h.init_db(reference)
    want = counts(reference)
    rounds = []
    for n, point in enumerate(points):
        db = folder / f"init{n}.db"
        proc = h.spawn(db, "init", LIPCTL_TEST_PAUSE_AT=point)
        announced = _announced(proc)
        killed = _kill(proc) and bool(announced)
        after_kill = counts(db) if db.exists() else {}
        all_or_nothing = (
            after_kill in ({}, want) or all(v == 0 for v in after_kill.values()) and not after_kill.get("alembic_version")
        )
        integrity = h.integrity(db) if db.exists() else "no file"
        rerun = h.lipctl(db, "init")
        rounds.append(
            {
                "kill_point": point,
                "announced": announced,
                "killed_while_running": killed,
                "state_after_kill": "complete" if after_kill == want else "empty" if not any(after_kill.values()) else "partial",
                "all_or_nothing": all_or_nothing,
                "integrity_after_kill": integrity,
                "rerun_exit": rerun.returncode,
                "complete_after_rerun": counts(db) == want,
            }
        )
    return {
        "kills": len(rounds),
        "kills_while_running": sum(r["killed_while_running"] for r in rounds),
        "states_after_kill": [r["state_after_kill"] for r in rounds],
        "rounds_all_or_nothing": sum(r["all_or_nothing"] for r in rounds),
        "rounds_complete_after_rerun": sum(r["complete_after_rerun"] and r["rerun_exit"] == 0 for r in rounds),
        "rounds": rounds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the full size (default: the CI size)")
    parser.add_argument("--rows-per-file", type=int)
    args = parser.parse_args()
    size = dict(FULL if args.full else CI)
    if args.rows_per_file:
        size["rows_per_file"] = args.rows_per_file
    with tempfile.TemporaryDirectory(prefix="lipctl-crash-") as tmp:
        figures = run(Path(tmp), **size)
    rounds = figures.pop("rounds")
    h.print_figures("crash: SIGKILL during survey import, then re-run", figures)
    for r in rounds:
        print(f"   - {r}")
    with tempfile.TemporaryDirectory(prefix="lipctl-crash-init-") as tmp:
        init_figures = run_init(Path(tmp))
    init_rounds = init_figures.pop("rounds")
    h.print_figures("crash: SIGKILL during lipctl init on a new file, then re-run", init_figures)
    for r in init_rounds:
        print(f"   - {r}")
    ok_import = figures["rounds_exactly_once"] == figures["kills"] == figures["integrity_ok"]
    ok_init = init_figures["rounds_all_or_nothing"] == init_figures["kills"] == init_figures["rounds_complete_after_rerun"]
    sys.exit(0 if ok_import and ok_init else 1)


if __name__ == "__main__":
    main()
