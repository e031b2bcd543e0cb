"""N staff members × M writing commands on one SQLite file while a large survey import runs.

Each "staff member" is a thread that runs its M commands one after another, each as its own
``python -m lipctl`` process, so N processes write at the same time, and a cron-style survey
import of many rows runs alongside. Afterwards every command's record is looked for in the
database: failed commands (target 0) and lost records (target 0).

The writing commands are ``draft submit`` and ``opinion record`` (the lifecycle) when this
lipctl has them, and ``survey import`` of a small file always.

    python tests/stress/concurrency.py            # CI size
    python tests/stress/concurrency.py --full     # N=6, M=12, 200,000 rows in the import
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.stress import _harness as h  # noqa: E402

CI = {"writers": 3, "commands": 6, "import_rows": 20_000, "small_rows": 20}
FULL = {"writers": 6, "commands": 12, "import_rows": 200_000, "small_rows": 50}
PG_CI = {"writers": 4, "commands": 3, "import_rows": 20_000, "small_rows": 20}
"""On PostgreSQL in the test run: 4 processes, each a draft submit, an opinion and a small import."""
READS = (("status", "--format", "json"), ("survey", "stats", "--format", "json"))


def run(
    folder: Path,
    *,
    writers: int,
    commands: int,
    import_rows: int,
    small_rows: int,
    db: str | None = None,
    shared_survey: bool = False,
    readers: int = 1,
) -> dict[str, object]:
    """``db``: a PostgreSQL URL (default: a SQLite file in ``folder``). ``shared_survey``: all staff
    import into one survey that does not exist yet, so the first imports race to create it.
    ``readers``: processes running read commands (status, survey stats) one after another meanwhile."""
    db = db or str(folder / "concurrent.db")
    h.init_db(db)  # type: ignore[arg-type]
    lifecycle = h.has_command("draft", "submit") and h.has_command("opinion", "record")
    big = h.write_survey(folder / "big.csv", import_rows, prefix="big-")

    # What each command should leave behind, to be looked for afterwards.
    planned: list[tuple[int, int, tuple[str, ...], tuple[str, str]]] = []
    for w in range(writers):
        field = h.FIELDS[w % len(h.FIELDS)]
        for c in range(commands):
            tag = f"w{w}c{c}"
            kind = ("submit", "opinion", "import")[c % 3] if lifecycle else "import"
            if kind == "submit":
                args = ("draft", "submit", field, "--kind", "grundsatzpapier", "--title", f"Entwurf {tag}")
                expect = ("drafts", tag)
            elif kind == "opinion":
                args = (
                    "opinion",
                    "record",
                    f"{field}/grundsatzpapier",
                    "--from",
                    "runder-tisch",
                    "--stance",
                    "amend",
                    "--text",
                    f"Stellungnahme {tag}",
                )
                expect = ("opinions", tag)
            else:
                small = h.write_survey(folder / f"{tag}.csv", small_rows, prefix=f"{tag}-")
                args = ("survey", "import", str(small), "--survey", "Staff" if shared_survey else f"Staff {w}")
                expect = ("survey_responses", tag)
            planned.append((w, c, args, expect))

    results: dict[tuple[int, int], h.Run] = {}
    lock = threading.Lock()

    def staff(w: int) -> None:
        for pw, c, args, _expect in planned:
            if pw != w:
                continue
            run = h.lipctl(db, *args)
            with lock:
                results[(w, c)] = run

    reads: list[h.Run] = []
    done = threading.Event()

    def reader() -> None:
        n = 0
        while not done.is_set():
            run = h.lipctl(db, *READS[n % len(READS)])
            n += 1
            with lock:
                reads.append(run)

    start = time.perf_counter()
    importer = h.spawn(db, "survey", "import", str(big), "--survey", "Cron import")
    with ThreadPoolExecutor(max_workers=readers or 1) as watchers:
        for _ in range(readers):
            watchers.submit(reader)
        with ThreadPoolExecutor(max_workers=writers) as pool:
            list(pool.map(staff, range(writers)))
        _out, import_err = importer.communicate(timeout=600)
        done.set()
    wall = time.perf_counter() - start
    reads_failed = [r for r in reads if r.returncode != 0]

    failed = [(args, results[(w, c)]) for w, c, args, _e in planned if results[(w, c)].returncode != 0]
    lost = 0
    doubled = 0
    store = h.Store(db)
    try:
        for w, c, args, (table, tag) in planned:
            if results[(w, c)].returncode != 0:
                continue
            if table == "drafts":
                n = store.scalar("SELECT count(*) FROM drafts WHERE title = :v", v=f"Entwurf {tag}")
                want = 1
            elif table == "opinions":
                n = store.scalar("SELECT count(*) FROM opinions WHERE text = :v", v=f"Stellungnahme {tag}")
                want = 1
            else:
                n = store.scalar("SELECT count(*) FROM survey_responses WHERE response_key LIKE :v", v=f"{tag}-%")
                want = small_rows
            lost += max(0, want - n)
            doubled += max(0, n - want)
        big_stored = store.scalar("SELECT count(*) FROM survey_responses WHERE response_key LIKE 'big-%'")
        versions = store.rows(
            "SELECT field_id, kind, count(*), count(DISTINCT version), max(version) FROM drafts GROUP BY field_id, kind"
        )
        audit = store.scalar("SELECT count(*) FROM audit_events WHERE command != 'init'")
        surveys = store.scalar("SELECT count(*) FROM surveys")
        integrity = store.integrity()
        backend = store.engine.dialect.name
    finally:
        store.close()
    if importer.returncode == 0:
        lost += max(0, import_rows - big_stored)
        doubled += max(0, big_stored - import_rows)
    ok_commands = len(planned) - len(failed)
    slowest = max(r.seconds for r in results.values())
    return {
        "workload": "draft submit + opinion record + survey import"
        if lifecycle
        else "survey import (draft submit/opinion record not in this lipctl yet)",
        "store": backend,
        "shared_survey": shared_survey,
        "surveys_created": surveys,
        "processes": writers,
        "commands_per_process": commands,
        "commands_run": len(planned),
        "commands_failed": len(failed),
        "failures": [f"{' '.join(a[:3])}: {r.stderr.strip()[:200]}" for a, r in failed[:5]],
        "concurrent_import_rows": import_rows,
        "concurrent_import_exit": importer.returncode,
        "concurrent_import_stderr": import_err.decode(errors="replace").strip()[:300],
        "records_lost": lost,
        "records_doubled": doubled,
        "duplicate_versions": sum(n - d for _f, _k, n, d, _m in versions),
        "version_gaps": sum(top - d for _f, _k, _n, d, top in versions),  # versions 1..n without a hole
        "reads_run": len(reads),
        "reads_failed": len(reads_failed),
        "read_failures": [f"{' '.join(r.args[:2])}: {r.stderr.strip()[:200]}" for r in reads_failed[:3]],
        "audit_events_written": audit,
        "audit_events_expected": ok_commands + (1 if importer.returncode == 0 else 0),
        "slowest_command_s": round(slowest, 2),
        "wall_s": round(wall, 2),
        "integrity_check": integrity,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the full size (default: the CI size)")
    parser.add_argument("--writers", type=int)
    parser.add_argument("--commands", type=int)
    parser.add_argument("--import-rows", type=int)
    parser.add_argument("--db", help="a PostgreSQL URL to run against (an empty database; default: a SQLite file)")
    parser.add_argument("--shared-survey", action="store_true", help="all staff import into one new survey")
    args = parser.parse_args()
    size = dict(FULL if args.full else CI)
    for key in ("writers", "commands", "import_rows"):
        if getattr(args, key) is not None:
            size[key] = getattr(args, key)
    with tempfile.TemporaryDirectory(prefix="lipctl-stress-") as tmp:
        figures = run(Path(tmp), **size, db=args.db, shared_survey=args.shared_survey)
    h.print_figures(f"concurrency ({figures['store']})", figures)
    sys.exit(0 if figures["commands_failed"] == 0 and figures["records_lost"] == 0 and figures["records_doubled"] == 0 else 1)


if __name__ == "__main__":
    main()
