r"""Benchmark: `lipctl survey import` against the floors, on one generated LimeSurvey-style file.

    python benchmarks/survey_import.py                 # 20,000 rows (a quick look)
    python benchmarks/survey_import.py --rows 1000000  # the real run
    python benchmarks/survey_import.py --store postgres --rows 100000   # PostgreSQL (a throwaway server)

Generates a LimeSurvey export (UTF-8 with BOM, ";", every field quoted, CRLF, free text of
50–400 characters with umlauts, doubled quotes and embedded line breaks, personal columns), then
times, each as its own process on the same file:

- lipctl: `lipctl survey import` into a fresh SQLite database (the whole process: start-up,
  reading, checking, storing), then the same file again (all duplicates);
- the plain-Python floor: csv module + sqlite3 `executemany` with `INSERT OR IGNORE` in batches
  in one transaction — into lipctl's own survey_responses table (a fresh `lipctl init` database:
  the same foreign keys, unique key and indexes, so that both store the same thing), and into a
  bare table with only the unique key;
- `sqlite-utils insert --csv` (if installed) and the sqlite3 CLI's `.import` (if on PATH);
- `python -c pass`, the interpreter's own start-up.

With ``--store postgres`` the script starts its own throwaway PostgreSQL server (initdb + pg_ctl,
a unix socket in a temporary folder: tests/pgserver.py, the suite's own starter) and times, each
into a fresh database of that server:

- lipctl: `lipctl survey import` (then the same file again: all duplicates);
- `psql \copy` of the same file into a text staging table (12 text columns, no keys): the C floor;
- the same `\copy` into the staging table with a GIN index on `to_tsvector('german', answer)`:
  the C floor of an import that indexes every word, as lipctl's keeps its search index (issue 19);
- `psql \copy` of lipctl's own rows (dumped after its import, COPY text) into lipctl's table in a
  fresh database: what the server alone needs to store them (its keys, indexes and foreign key);
- the plain psycopg COPY floor: csv module + `cursor.copy()` into lipctl's own survey_responses
  table (a fresh `lipctl init` database: the same keys and indexes), one transaction;
- and, for the ratio, `lipctl survey import` into a fresh SQLite file.

Peak memory is each child's max RSS (GNU time when installed, else os.wait4). This is a script, not a test: timings belong in
a report, never in an assertion.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ["Bildung", "Wirtschaft", "Soziales", "Stadtleben und Kultur", "Demokratie", "Stadtverwaltung"]
CATEGORIES = ["Idee", "Wunsch", "Kritik"]
WORDS = (
    "Stadt Hannover Integration Sprachkurs Kita Schule Nachbarschaft Begegnung Teilhabe Ausbildung "
    "Beratung Verwaltung Vielfalt Sportverein Bücherei Übersetzung Behördengänge Öffnungszeiten "
    "Wohnungssuche Arbeitsmarkt Anerkennung Abschlüsse Fußgängerzone Größe Straßenfest mehr weniger "
    'bitte dringend schneller einfacher für mit ohne über und oder aber "wirklich" »gern« z.B. 5€'
).split()


def quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def generate(path: Path, rows: int, seed: int = 2020) -> None:
    rnd = random.Random(seed)
    header = [
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "token",
        "ipaddr",
        "refurl",
        "G01Q01",
        "G01Q02",
        "G01Q02[other]",
        "G01Q03",
    ]
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write(";".join(quote(h) for h in header) + "\r\n")
        for i in range(1, rows + 1):
            target = rnd.randint(50, 400)
            words: list[str] = []
            length = 0
            while length < target:
                w = rnd.choice(WORDS)
                words.append(w)
                length += len(w) + 1
            text = " ".join(words)[:target]
            if rnd.random() < 0.2:
                cut = rnd.randint(10, len(text) - 5)
                text = text[:cut] + "\r\n" + text[cut:]
            other = rnd.random() < 0.05
            cells = [
                str(i),
                f"2020-{rnd.randint(5, 9):02d}-{rnd.randint(1, 28):02d} {rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}",
                "3",
                "de",
                str(rnd.randint(1, 10**9)),
                f"tok{i:08d}",
                f"10.{i % 256}.{(i // 256) % 256}.{i % 7}",
                "https://umfrage.example/",
                rnd.choice(FIELDS),
                "-oth-" if other else rnd.choice(CATEGORIES),
                "Wunsch" if other else "",
                text.strip() or "x",
            ]
            fh.write(";".join(quote(c) for c in cells) + "\r\n")


FLOOR = r"""
import csv, sqlite3, sys
path, db, schema = sys.argv[1], sys.argv[2], sys.argv[3]
con = sqlite3.connect(db, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=NORMAL")
fields = {"Bildung": 1, "Wirtschaft": 2, "Soziales": 3, "Stadtleben und Kultur": 4, "Demokratie": 5, "Stadtverwaltung": 6}
categories = {"Idee": 1, "Wunsch": 2, "Kritik": 3, "-oth-": 2}
if schema == "lipctl":
    # lipctl's own table: its foreign keys, unique key and two secondary indexes
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("INSERT INTO surveys (name, created_at) VALUES ('Floor', '2021-02-01 00:00:00')")
    con.execute("INSERT INTO import_batches (survey_id, path, started_at, rows_read, imported, duplicates, rejected, skipped, actor) VALUES (1, 'x', '2021-02-01 00:00:00', 0, 0, 0, 0, 0, 'floor')")
    fields = {name: con.execute("SELECT id FROM action_fields WHERE name LIKE ? || '%'", (name,)).fetchone()[0] for name in fields}
else:
    con.execute("CREATE TABLE survey_responses (id INTEGER PRIMARY KEY, survey_id INTEGER, response_key TEXT, field_id INTEGER, category_id INTEGER, text TEXT, submitted_at TEXT, batch_id INTEGER, line INTEGER, UNIQUE (survey_id, response_key))")
sql = "INSERT OR IGNORE INTO survey_responses (survey_id, response_key, field_id, category_id, text, submitted_at, batch_id, line) VALUES (?,?,?,?,?,?,?,?)"
con.execute("BEGIN")
with open(path, encoding="utf-8-sig", newline="") as fh:
    reader = csv.reader(fh, delimiter=";")
    next(reader)
    batch = []
    for row in reader:
        batch.append((1, row[0], fields[row[8]], categories[row[9]], row[11], row[1], 1, reader.line_num))
        if len(batch) >= 2000:
            con.executemany(sql, batch)
            batch.clear()
    con.executemany(sql, batch)
con.execute("COMMIT")
"""


# Linux carries the high-water mark of a process before exec into its max RSS (os.wait4 would
# report at least this script's own size): GNU time, small, reports the command's own peak.
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run(cmd: list[str], *, env: dict[str, str] | None = None, stdin: str | None = None) -> tuple[float, float, int]:
    """Wall seconds, max RSS in MB, and exit code of one child process."""
    with tempfile.NamedTemporaryFile("r") as rss:
        full = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(
            full,
            env=env,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if stdin:
            proc.stdin.write(stdin)  # type: ignore[union-attr]
            proc.stdin.close()  # type: ignore[union-attr]
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read()  # type: ignore[union-attr]
        kilobytes = usage.ru_maxrss
        if GNU_TIME:
            figures = [w for w in rss.read().split() if w.isdigit()]
            kilobytes = int(figures[-1]) if figures else kilobytes
    if proc.returncode not in (0,):
        sys.stderr.write(f"  ({' '.join(cmd[:3])}… exited {proc.returncode}: {err.strip()[:300]})\n")
    return wall, kilobytes / 1024, proc.returncode


REIMPORT = "lipctl survey import (again: all duplicates)"
FLOOR_SAME = "plain Python floor, lipctl's table"
FLOOR_BARE = "plain Python floor, bare table (1 unique key)"
SQLITE_UTILS = "sqlite-utils insert --csv"
SQLITE_CLI = "sqlite3 CLI .import"


def fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def import_command(db: str, csv_path: Path) -> list[str]:
    """The measured command: lipctl's survey import of the generated file into ``db`` (a path or URL)."""
    return [
        sys.executable,
        "-m",
        "lipctl",
        "--db",
        db,
        "survey",
        "import",
        str(csv_path),
        "--survey",
        "Bench",
        "--format",
        "json",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=1, help="run every measurement N times (round robin) and keep the fastest")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite", help="where lipctl imports (default sqlite)")
    parser.add_argument(
        "--before",
        type=Path,
        help="--store postgres: another lipctl source tree (e.g. `git archive` of an older commit), whose import "
        "and re-import are timed in the same rounds, interleaved with this tree's",
    )
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="lipctl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"limesurvey-{args.rows}.csv"
    if not csv_path.exists():
        t = time.perf_counter()
        generate(csv_path, args.rows)
        print(
            f"generated {csv_path} ({csv_path.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows) in {time.perf_counter() - t:.1f} s"
        )
    size_mb = csv_path.stat().st_size / 1e6
    env = dict(os.environ, PYTHONPATH=str(ROOT), LIPCTL_ACTOR="bench", LIPCTL_LANG="en")
    if args.store == "postgres":
        postgres(args, work, csv_path, env)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        return

    def init(path: Path) -> Path:
        subprocess.run(
            [sys.executable, "-m", "lipctl", "--db", str(fresh(path)), "init"], env=env, check=True, capture_output=True
        )
        return path

    def lipctl(db: Path) -> list[str]:
        return import_command(str(db), csv_path)

    lip_db = work / "lipctl.db"
    # label -> (prepare, command, extra run() arguments); the re-import follows the import on the same database
    cases: list[tuple[str, object, object, dict]] = [
        ("python -c pass", None, lambda: [sys.executable, "-c", "pass"], {}),
        ("lipctl survey import", lambda: init(lip_db), lambda: lipctl(lip_db), {"env": env}),
        (REIMPORT, None, lambda: lipctl(lip_db), {"env": env}),
        (FLOOR_SAME, lambda: init(work / "floor.db"),
         lambda: [sys.executable, "-c", FLOOR, str(csv_path), str(work / "floor.db"), "lipctl"], {}),
        (FLOOR_BARE, lambda: fresh(work / "floor-bare.db"),
         lambda: [sys.executable, "-c", FLOOR, str(csv_path), str(work / "floor-bare.db"), "bare"], {}),
    ]  # fmt: skip
    su = shutil.which("sqlite-utils")
    if su:
        cases.append((SQLITE_UTILS, lambda: fresh(work / "sqlite-utils.db"),
                      lambda: [su, "insert", str(work / "sqlite-utils.db"), "responses", str(csv_path), "--csv", "--delimiter", ";"], {}))  # fmt: skip
    else:
        print("sqlite-utils not installed (pip install sqlite-utils): skipped")
    cli = shutil.which("sqlite3")
    if cli:
        cases.append((SQLITE_CLI, lambda: fresh(work / "sqlite3-cli.db"), lambda: [cli, str(work / "sqlite3-cli.db")],
                      {"stdin": f".mode csv\n.separator ;\n.import '{csv_path}' responses\n"}))  # fmt: skip
    else:
        print("sqlite3 CLI not on PATH: skipped")

    best: dict[str, tuple[float, float, int]] = {}
    for _round in range(args.repeat):
        for label, prepare, cmd, kw in cases:
            if prepare:
                prepare()  # type: ignore[operator]
            wall, rss, rc = run(cmd(), **kw)  # type: ignore[operator]
            old = best.get(label)
            best[label] = (min(wall, old[0]) if old else wall, max(rss, old[1]) if old else rss, rc or (old[2] if old else 0))

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{args.rows:,} rows, {size_mb:.1f} MB, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"best of {args.repeat}, load average {load}\n")  # fmt: skip
    print(f"{'':48} {'seconds':>8} {'rows/s':>10} {'max RSS MB':>11}")
    for label, (wall, rss, rc) in best.items():
        rate = "" if label.startswith("python -c") else f"{args.rows / wall:,.0f}"
        print(f"{label:52} {wall:8.2f} {rate:>10} {rss:11.1f}" + ("" if rc == 0 else f"  (exit {rc})"))
    first = best["lipctl survey import"][0]

    def ratio(label: str) -> str:
        return f"{best[label][0] / first:.2f}"

    print()
    print(f"lipctl throughput / plain-Python floor (same table): {ratio(FLOOR_SAME)} (target ≥ 0.5)")
    print(f"lipctl throughput / plain-Python floor (bare table): {ratio(FLOOR_BARE)}")
    if su:
        print(f"lipctl throughput / sqlite-utils:                    {ratio(SQLITE_UTILS)} (target > 1)")
    if cli:
        print(f"lipctl throughput / sqlite3 CLI .import:             {ratio(SQLITE_CLI)} (the C floor)")
    print(f"re-import time / first import time:                  {best[REIMPORT][0] / first:.2f} (target ≤ 1)")
    lip_rss = max(v[1] for k, v in best.items() if k.startswith("lipctl"))
    print(f"lipctl max RSS:                                      {lip_rss:.1f} MB (target < 150 MB)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


PG_FLOOR = r"""
import csv, sys, psycopg
path, conninfo = sys.argv[1], sys.argv[2]
categories = {"Idee": 1, "Wunsch": 2, "Kritik": 3, "-oth-": 2}
with psycopg.connect(conninfo) as con:
    names = ["Bildung", "Wirtschaft", "Soziales", "Stadtleben und Kultur", "Demokratie", "Stadtverwaltung"]
    fields = {n: con.execute("SELECT id FROM action_fields WHERE name LIKE %s || '%%'", (n,)).fetchone()[0] for n in names}
    survey = con.execute("INSERT INTO surveys (name, created_at) VALUES ('Floor', now()) RETURNING id").fetchone()[0]
    batch = con.execute(
        "INSERT INTO import_batches (survey_id, path, started_at, rows_read, imported, duplicates, rejected, skipped, actor) "
        "VALUES (%s, 'x', now(), 0, 0, 0, 0, 0, 'floor') RETURNING id", (survey,)).fetchone()[0]
    cur = con.cursor()
    with open(path, encoding="utf-8-sig", newline="") as fh, cur.copy(
        "COPY survey_responses (survey_id, response_key, field_id, category_id, text, submitted_at, batch_id, line) FROM STDIN"
    ) as copy:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        for row in reader:
            copy.write_row((survey, row[0], fields[row[8]], categories[row[9]], row[11], row[1], batch, reader.line_num))
"""

STAGING = "CREATE TABLE staging (" + ", ".join(f"c{i} text" for i in range(12)) + ")"
STAGING_FTS = "CREATE INDEX ON staging USING gin (to_tsvector('german', c11))"
"""The same staging table with PostgreSQL's own full-text index on the answers' column (G01Q03, the free
text): what indexing every word costs in the server's C code, the floor for an import that keeps a search
index (issue 19) current."""


def postgres(args: argparse.Namespace, work: Path, csv_path: Path, env: dict[str, str]) -> None:
    """The PostgreSQL run: lipctl beside psql \\copy and a plain psycopg COPY, on a throwaway server."""
    import psycopg

    sys.path.insert(0, str(ROOT))
    from tests import pgserver  # the suite's server starter: one way to start a throwaway server

    psql = shutil.which("psql") or pgserver.find_bin("psql")
    server = pgserver.start()
    try:
        admin = f"host={server.socket_dir} user={server.user} dbname=postgres"

        def fresh_db(name: str) -> str:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
            return f"host={server.socket_dir} user={server.user} dbname={name}"

        def init(name: str, tree_env: dict[str, str] = env) -> str:
            """A fresh database made by ``lipctl init`` of the tree whose import runs on it (its own schema)."""
            fresh_db(name)
            url = server.url(name)
            subprocess.run([sys.executable, "-m", "lipctl", "--db", url, "init"], env=tree_env, check=True, capture_output=True)
            return url

        def lipctl(db: str) -> list[str]:
            return import_command(db, csv_path)

        def staging(name: str = "copy", *more: str) -> None:
            conninfo = fresh_db(name)
            sql = [a for statement in (STAGING, *more) for a in ("-c", statement)]
            subprocess.run([psql, "-X", "-q", conninfo, *sql], check=True, capture_output=True)  # type: ignore[list-item]

        lip_url = server.url("lipctl")
        before = dict(env, PYTHONPATH=str(Path(args.before).resolve())) if args.before else env
        sqlite_db = work / "lipctl.db"

        def sqlite_init() -> None:
            subprocess.run(
                [sys.executable, "-m", "lipctl", "--db", str(fresh(sqlite_db)), "init"], env=env, check=True, capture_output=True
            )

        copy_sql = f"\\copy staging FROM '{csv_path}' WITH (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'UTF8')"
        rows_file = work / "lipctl-rows.copy"  # lipctl's rows as COPY text, written after its first import

        def dump_rows() -> None:
            subprocess.run(
                [psql, "-X", "-q", f"host={server.socket_dir} user={server.user} dbname=lipctl", "-c",  # type: ignore[list-item]
                 f"\\copy (SELECT {ROW_COLUMNS} FROM survey_responses ORDER BY id) TO '{rows_file}'"],
                check=True, capture_output=True,
            )  # fmt: skip

        def table_floor() -> None:
            init("table")
            subprocess.run(
                [psql, "-X", "-q", f"host={server.socket_dir} user={server.user} dbname=table",  # type: ignore[list-item]
                 "-c", "INSERT INTO surveys (id, name, created_at) VALUES (1, 'Floor', now())",
                 "-c", "INSERT INTO import_batches (id, survey_id, path, started_at, rows_read, imported, duplicates, rejected, skipped, actor) "
                       "VALUES (1, 1, 'x', now(), 0, 0, 0, 0, 0, 'floor')"],
                check=True, capture_output=True,
            )  # fmt: skip

        cases: list[tuple[str, object, object, dict]] = [
            ("python -c pass", None, lambda: [sys.executable, "-c", "pass"], {}),
            (PG_IMPORT, lambda: init("lipctl"), lambda: lipctl(lip_url), {"env": env}),
            (PG_REIMPORT, dump_rows, lambda: lipctl(lip_url), {"env": env}),
            *(
                [
                    (PG_BEFORE, lambda: init("before", before), lambda: import_command(server.url("before"), csv_path), {"env": before}),
                    (PG_BEFORE_REIMPORT, None, lambda: import_command(server.url("before"), csv_path), {"env": before}),
                ]
                if args.before
                else []
            ),
            (PSQL_COPY_TABLE, table_floor,
             lambda: [psql, "-X", "-q", f"host={server.socket_dir} user={server.user} dbname=table", "-c",
                      f"\\copy survey_responses ({ROW_COLUMNS}) FROM '{rows_file}'"], {}),
            (PSQL_COPY, staging, lambda: [psql, "-X", "-q", f"host={server.socket_dir} user={server.user} dbname=copy", "-c", copy_sql], {}),
            (PSQL_COPY_FTS, lambda: staging("copyfts", STAGING_FTS),
             lambda: [psql, "-X", "-q", f"host={server.socket_dir} user={server.user} dbname=copyfts", "-c", copy_sql], {}),
            (PG_FLOOR_LABEL, lambda: init("floor"),
             lambda: [sys.executable, "-c", PG_FLOOR, str(csv_path), f"host={server.socket_dir} user={server.user} dbname=floor"], {}),
            (SQLITE_IMPORT, sqlite_init, lambda: lipctl(str(sqlite_db)), {"env": env}),
        ]  # fmt: skip
        best: dict[str, tuple[float, float, int]] = {}
        for _round in range(args.repeat):
            for label, prepare, cmd, kw in cases:
                if prepare:
                    prepare()  # type: ignore[operator]
                wall, rss, rc = run(cmd(), **kw)  # type: ignore[operator]
                old = best.get(label)
                best[label] = (min(wall, old[0]) if old else wall, max(rss, old[1]) if old else rss, rc or (old[2] if old else 0))
        with psycopg.connect(f"host={server.socket_dir} user={server.user} dbname=lipctl") as conn:
            stored = conn.execute("SELECT count(*) FROM survey_responses").fetchone()[0]  # type: ignore[index]
    finally:
        server.stop()

    size_mb = csv_path.stat().st_size / 1e6
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{args.rows:,} rows, {size_mb:.1f} MB, PostgreSQL (throwaway server, unix socket, fsync off), "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, best of {args.repeat}, load average {load}\n")  # fmt: skip
    print(f"{'':48} {'seconds':>8} {'rows/s':>10} {'max RSS MB':>11}")
    for label, (wall, rss, rc) in best.items():
        rate = "" if label.startswith("python -c") else f"{args.rows / wall:,.0f}"
        print(f"{label:52} {wall:8.2f} {rate:>10} {rss:11.1f}" + ("" if rc == 0 else f"  (exit {rc})"))
    first = best[PG_IMPORT][0]
    print()
    print(f"rows stored by lipctl on PostgreSQL:                    {stored:,}")
    print(f"PostgreSQL import / SQLite import:                      {first / best[SQLITE_IMPORT][0]:.2f} (target ≤ 1.5)")
    print(f"PostgreSQL import / psql \\copy:                         {first / best[PSQL_COPY][0]:.2f} (target ≤ 4)")
    print(
        f"PostgreSQL import / psql \\copy with a full-text index:  {first / best[PSQL_COPY_FTS][0]:.2f} "
        "(lipctl keeps its search index in the same transaction)"
    )
    print(f"PostgreSQL import / plain psycopg COPY floor:           {first / best[PG_FLOOR_LABEL][0]:.2f}")
    print(
        f"PostgreSQL import / psql \\copy into lipctl's table:     {first / best[PSQL_COPY_TABLE][0]:.2f} (the server's own share)"
    )
    print(f"re-import time / first import time:                     {best[PG_REIMPORT][0] / first:.2f} (target ≤ 1)")
    if args.before:
        print(f"this tree / --before tree (import, re-import):          {first / best[PG_BEFORE][0]:.2f}, "
              f"{best[PG_REIMPORT][0] / best[PG_BEFORE_REIMPORT][0]:.2f}")  # fmt: skip
    lip_rss = max(v[1] for k, v in best.items() if k.startswith("lipctl"))
    print(f"lipctl max RSS:                                         {lip_rss:.1f} MB (target < 150 MB)")


PG_IMPORT = "lipctl survey import (PostgreSQL)"
PG_REIMPORT = "lipctl survey import (PostgreSQL, again: all dup.)"
PSQL_COPY = "psql \\copy into a text staging table"
PSQL_COPY_FTS = "psql \\copy, staging table with a full-text index"
PG_FLOOR_LABEL = "plain psycopg COPY floor, lipctl's table"
PG_BEFORE = "lipctl survey import (PostgreSQL), --before tree"
PG_BEFORE_REIMPORT = "lipctl re-import (PostgreSQL), --before tree"
PSQL_COPY_TABLE = "psql \\copy of lipctl's rows into lipctl's table"
ROW_COLUMNS = "survey_id, response_key, field_id, category_id, text, submitted_at, batch_id, line"
SQLITE_IMPORT = "lipctl survey import (SQLite, for the ratio)"


if __name__ == "__main__":
    main()
