r"""Benchmark: `lipctl search` on 1,000,000 survey answers, and what keeping the index costs the import.

    python benchmarks/search.py                               # 100,000 answers, SQLite (a quick look)
    python benchmarks/search.py --rows 1000000                # the real run, SQLite
    python benchmarks/search.py --rows 1000000 --store postgres   # a throwaway PostgreSQL server

Generates the LimeSurvey export of benchmarks/survey_import.py (free text of 50–400 characters from a
vocabulary of about 45 words: a common word is in a third of all answers, the worst case for ranking),
then, each into a fresh database of the store:

- the import with the search index kept (``lipctl survey import``, a whole process), and the same
  import with ``lipctl.search.index.add_survey_batch`` replaced by a no-op (the same process
  otherwise): the difference per row is what the index costs the import;
- the queries of QUERIES, each ROUNDS times in this process through the service
  (lipctl.services.search: the index query, the few records' read and the snippets; start-up
  excluded), and once as a whole ``lipctl search`` process (start-up included).

A script, not a test: figures belong in benchmarks/README.md, never in an assertion.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import child_env  # noqa: E402 - after the path
from benchmarks.survey_import import generate  # noqa: E402

ROUNDS = 7
QUERIES: list[tuple[str, ...]] = [
    ("Sprachkurse",),  # a common word (in about a third of the answers), every inflection
    ("Sprachkurs", "Öffnungszeiten"),  # two words, both required
    ('"Sprachkurs Kita"',),  # a phrase
    ("Sprachkurse", "--field", "bildung"),
    ("Straßenfest", "--in", "surveys", "--limit", "100"),
    ("Zeppelin",),  # in no answer
]
NO_INDEX = (
    "import sys; import lipctl.search.index as i; i.add_survey_batch = lambda conn, batch_id: 0; "
    "from lipctl.cli import main; sys.argv = ['lipctl', *sys.argv[1:]]; main()"
)


def timed(argv: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 3):
        raise RuntimeError(f"{argv[:6]}… failed ({done.returncode}): {done.stderr[-2000:]}")
    return time.perf_counter() - t


def in_process(db: str, args: tuple[str, ...]) -> tuple[float, int]:
    """The median seconds of the search (service: index query, records, snippets) over ROUNDS, and its hits."""
    from lipctl.context import AppContext, Env
    from lipctl.services import search as svc

    first = next((i for i, a in enumerate(args) if a.startswith("--")), len(args))
    words = args[:first]
    options = dict(zip(args[first::2], args[first + 1 :: 2], strict=True))
    env = Env(AppContext(db=db), actor="bench", today=dt.date(2021, 2, 1))
    kwargs = {
        "scope": options.get("--in"),
        "field": options.get("--field"),
        "limit": int(options.get("--limit", 20)),
    }
    times, hits = [], 0
    for _ in range(ROUNDS):
        t = time.perf_counter()
        hits = len(svc.search(env, " ".join(words), **kwargs))
        times.append(time.perf_counter() - t)
    return statistics.median(times), hits


def run(store: str, rows: int, csv_path: Path, databases: dict[str, str], env: dict[str, str]) -> None:
    lipctl = [sys.executable, "-m", "lipctl"]
    imports = {}
    for label, head in (("without index", [sys.executable, "-c", NO_INDEX]), ("with index", lipctl)):
        db = databases[label]
        subprocess.run([*lipctl, "--db", db, "init"], env=env, check=True, capture_output=True)
        imports[label] = timed([*head, "--db", db, "survey", "import", str(csv_path), "--survey", "Bench"], env)
    added = (imports["with index"] - imports["without index"]) / rows * 1e6
    print(f"\n{store}, {rows:,} answers")
    print(
        f"  import without index {imports['without index']:.1f} s, with index {imports['with index']:.1f} s:"
        f" +{added:.1f} µs per row ({(imports['with index'] / imports['without index'] - 1) * 100:+.0f} %)"
    )
    db = databases["with index"]
    print(f"  {'query':<45} {'hits':>5} {'median (in process)':>20} {'lipctl search (process)':>24}")
    for args in QUERIES:
        median, hits = in_process(db, args)
        whole = timed([*lipctl, "--db", db, "search", *args, "--format", "json"], env)
        print(f"  {' '.join(args):<45} {hits:>5} {median * 1000:>17.0f} ms {whole * 1000:>21.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="lipctl-search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"limesurvey-{args.rows}.csv"
    if not csv_path.exists():
        generate(csv_path, args.rows)
    env = child_env()
    env.pop("LIPCTL_DB", None)
    try:
        if args.store == "sqlite":
            databases = {}
            for label in ("without index", "with index"):
                path = work / f"{label.replace(' ', '-')}.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
                databases[label] = str(path)
            run("SQLite", args.rows, csv_path, databases, env)
        else:
            import psycopg

            from tests import pgserver

            server = pgserver.start()
            try:
                admin = f"host={server.socket_dir} user={server.user} dbname=postgres"
                databases = {}
                with psycopg.connect(admin, autocommit=True) as conn:
                    for label in ("without index", "with index"):
                        name = label.replace(" ", "_")
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                        conn.execute(f'CREATE DATABASE "{name}"')
                        databases[label] = server.url(name)
                run("PostgreSQL", args.rows, csv_path, databases, env)
            finally:
                server.stop()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n  ({os.cpu_count()} cores; {sys.version.split()[0]}; command: python benchmarks/search.py {' '.join(sys.argv[1:])})")


if __name__ == "__main__":
    main()
