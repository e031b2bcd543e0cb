"""Benchmark: start-up of lipctl, whole process, beside `python -c pass` measured in the same rounds.

    python benchmarks/startup.py              # 21 rounds
    python benchmarks/startup.py --runs 51    # steadier medians
    python benchmarks/startup.py --no-bytecode  # as the caller's environment is (see _common)
    python benchmarks/startup.py --compare-with /tmp/typer-0.28  # the same, also with another library first on the path
    python benchmarks/startup.py --store postgres  # contacts and status on a seeded PostgreSQL database (unix socket)

Measures, on a freshly seeded SQLite database (`lipctl init`):

- `lipctl --help`                  target ≤ 150 ms (median)
- `lipctl contacts`                target ≤ 300 ms
- `lipctl status --format json`    target ≤ 300 ms (skipped, with a note, while it does not exist)
- shell completion of a draft reference and of a body slug (what `lipctl completion bash` makes the
  shell run at TAB: lipctl with `_LIPCTL_COMPLETE` set), target ≤ 150 ms
- `lipctl contacts` and `lipctl status` as staff see them, on a terminal (a pseudo-terminal made by
  script(1), so rich draws the tables; script's own start adds a few ms), target ≤ 300 ms

With ``--store postgres`` it starts a throwaway PostgreSQL server (tests/pgserver.py: initdb and
pg_ctl from the PATH or /usr/lib/postgresql/*/bin, listening only on a unix socket), seeds a database
with `lipctl init` and measures `contacts` and `status --format json` on it, target ≤ 300 ms each —
also through psycopg (`LIPCTL_PG_DRIVER=psycopg`, the read path before lipctl/store/libpq.py) and on a
seeded SQLite file, in the same rounds.

It prints median, minimum, median minus the interpreter's own start-up, and max RSS. This is a
script, not a test: timings belong in a report, never in an assertion.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import LIPCTL, PASS, ROOT, Case, child_env, command_exists, machine_note, measure, report


def postgres_cases(url: str, sqlite_db: Path, bytecode: bool) -> tuple[Case, list[Case]]:
    """The read commands staff and cron run most, on a seeded PostgreSQL database.

    Each also through psycopg (LIPCTL_PG_DRIVER=psycopg: the read path before lipctl.store.libpq) and
    on a seeded SQLite file, in the same rounds, so that the three compare under the same load.
    """
    env = child_env(url, bytecode=bytecode)
    subprocess.run([*LIPCTL, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
    via_psycopg = dict(env, LIPCTL_PG_DRIVER="psycopg")
    lite = child_env(sqlite_db, bytecode=bytecode)
    subprocess.run([*LIPCTL, "init"], env=lite, cwd=ROOT, check=True, capture_output=True)
    floor = Case("python -c pass", PASS, env)
    cases = [floor]
    for words in (["contacts"], ["status", "--format", "json"]):
        name = " ".join(words)
        cases += [
            Case(f"lipctl {name} [postgres]", [*LIPCTL, *words], env, target_ms=300),
            Case(f"lipctl {name} [postgres, psycopg]", [*LIPCTL, *words], via_psycopg, target_ms=300),
            Case(f"lipctl {name} [sqlite]", [*LIPCTL, *words], lite, target_ms=300),
        ]
    cases.append(Case("python -c 'import psycopg'", [sys.executable, "-c", "import psycopg"], env))
    return floor, cases


def run_postgres(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    import psycopg

    from tests import pgserver

    server = pgserver.start()
    try:
        with psycopg.connect(host=str(server.socket_dir), user=server.user, dbname="postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        with tempfile.TemporaryDirectory(prefix="lipctl-startup-") as tmp:
            floor, cases = postgres_cases(server.url("bench"), Path(tmp) / "lip.db", bytecode=not args.no_bytecode)
            before = machine_note()
            measure(cases, rounds=args.runs, warmup=args.warmup)
        title = (
            f"lipctl start-up: {args.runs} rounds (round-robin), seeded PostgreSQL database over a unix socket, "
            f"{'bytecode as the caller has it' if args.no_bytecode else 'bytecode cached (as installed)'}"
        )
        print(report(cases, floor, title=title))
        print()
        print(f"before: {before}")
        print(f"after:  {machine_note()}")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="measured rounds (default 21)")
    parser.add_argument("--warmup", type=int, default=2, help="unrecorded rounds first (default 2)")
    parser.add_argument("--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE as it is")
    parser.add_argument(
        "--compare-with",
        metavar="DIR",
        type=Path,
        help="also measure each command with DIR first on PYTHONPATH (e.g. an unpacked wheel of another Typer version)",
    )
    parser.add_argument(
        "--store", choices=("sqlite", "postgres"), default="sqlite", help="the store to read (postgres: a throwaway server)"
    )
    args = parser.parse_args()
    if args.store == "postgres":
        run_postgres(args)
        return

    with tempfile.TemporaryDirectory(prefix="lipctl-startup-") as tmp:
        db = Path(tmp) / "lip.db"
        env = child_env(db, bytecode=not args.no_bytecode)
        subprocess.run([*LIPCTL, "init"], env=env, cwd=ROOT, check=True, capture_output=True)

        floor = Case("python -c pass", PASS, env)
        cases = [
            floor,
            Case("lipctl --help", [*LIPCTL, "--help"], env, target_ms=150),
            Case("lipctl contacts", [*LIPCTL, "contacts"], env, target_ms=300),
            Case("lipctl status --format json", [*LIPCTL, "status", "--format", "json"], env, target_ms=300),
        ]
        if not command_exists(["status"], env):
            cases[-1].skipped = "`lipctl status` is not registered yet"
        subprocess.run([*LIPCTL, "draft", "submit", "bildung", "--kind", "grundsatzpapier"], env=env, cwd=ROOT, capture_output=True)
        for words, cword in ((["draft", "show", "b"], 3), (["opinion", "record", "bildung/grundsatzpapier", "--from", "r"], 5)):
            line = " ".join(["lipctl", *words])
            asks = dict(env, _LIPCTL_COMPLETE="complete_bash", COMP_WORDS=line, COMP_CWORD=str(cword))
            case = Case(f"completion: {line}<TAB>", LIPCTL, asks, target_ms=150)
            if not command_exists(["completion", "bash"], env):
                case.skipped = "`lipctl completion` is not registered yet"
            cases.append(case)
        script = shutil.which("script")
        for words in (["contacts"], ["status"]):
            line = shlex.join([*LIPCTL, *words])
            case = Case(
                f"lipctl {' '.join(words)} (terminal)", [script or "script", "-qec", line, "/dev/null"], env, target_ms=300
            )
            if script is None:
                case.skipped = "script(1) is not installed"
            cases.append(case)
        if args.compare_with:
            other = dict(env, PYTHONPATH=os.pathsep.join((str(args.compare_with.resolve()), env["PYTHONPATH"])))
            cases += [
                Case(f"{c.label} [{args.compare_with.name}]", c.argv, other, target_ms=c.target_ms, skipped=c.skipped)
                for c in cases[1:]
            ]

        before = machine_note()
        measure(cases, rounds=args.runs, warmup=args.warmup)
        title = (
            f"lipctl start-up: {args.runs} rounds (round-robin), seeded SQLite database, "
            f"{'bytecode as the caller has it' if args.no_bytecode else 'bytecode cached (as installed)'}"
        )
        print(report(cases, floor, title=title))
        print()
        print(f"before: {before}")
        print(f"after:  {machine_note()}")


if __name__ == "__main__":
    main()
