"""Benchmark: `lipctl survey import` against the floors, on one generated LimeSurvey-style file.

    python benchmarks/survey_import.py                 # 20,000 rows (a quick look)
    python benchmarks/survey_import.py --rows 1000000  # the real run

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

Peak memory is each child's max RSS (os.wait4). This is a script, not a test: timings belong in
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


def run(cmd: list[str], *, env: dict[str, str] | None = None, stdin: str | None = None) -> tuple[float, float, int]:
    """Wall seconds, max RSS in MB, and exit code of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
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
    if proc.returncode not in (0,):
        sys.stderr.write(f"  ({' '.join(cmd[:3])}… exited {proc.returncode}: {err.strip()[:300]})\n")
    return wall, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
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
    results: list[tuple[str, float, float, int]] = []

    def timed(label: str, cmd: list[str], **kw) -> float:  # noqa: ANN003
        wall, rss, rc = run(cmd, **kw)
        results.append((label, wall, rss, rc))
        return wall

    timed("python -c pass", [sys.executable, "-c", "pass"])
    db = work / "lipctl.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "lipctl", "--db", str(db), "init"], env=env, check=True, capture_output=True)
    lip = [
        sys.executable,
        "-m",
        "lipctl",
        "--db",
        str(db),
        "survey",
        "import",
        str(csv_path),
        "--survey",
        "Bench",
        "--format",
        "json",
    ]
    first = timed("lipctl survey import", lip, env=env)
    again = timed("lipctl survey import (again: all duplicates)", lip, env=env)

    floor_db = work / "floor.db"
    bare_db = work / "floor-bare.db"
    for path in (floor_db, bare_db):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "lipctl", "--db", str(floor_db), "init"], env=env, check=True, capture_output=True)
    floor = timed("plain Python floor, lipctl's table", [sys.executable, "-c", FLOOR, str(csv_path), str(floor_db), "lipctl"])
    bare = timed(
        "plain Python floor, bare table (1 unique key)", [sys.executable, "-c", FLOOR, str(csv_path), str(bare_db), "bare"]
    )

    su = shutil.which("sqlite-utils")
    su_time = None
    if su:
        su_db = work / "sqlite-utils.db"
        su_db.unlink(missing_ok=True)
        su_time = timed(
            "sqlite-utils insert --csv", [su, "insert", str(su_db), "responses", str(csv_path), "--csv", "--delimiter", ";"]
        )
    else:
        print("sqlite-utils not installed (pip install sqlite-utils): skipped")
    cli = shutil.which("sqlite3")
    c_time = None
    if cli:
        c_db = work / "sqlite3-cli.db"
        c_db.unlink(missing_ok=True)
        c_time = timed(
            "sqlite3 CLI .import", [cli, str(c_db)], stdin=f".mode csv\n.separator ;\n.import '{csv_path}' responses\n"
        )
    else:
        print("sqlite3 CLI not on PATH: skipped")

    print(f"\n{args.rows:,} rows, {size_mb:.1f} MB, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print(f"{'':48} {'seconds':>8} {'rows/s':>10} {'max RSS MB':>11}")
    for label, wall, rss, rc in results:
        rate = "" if label.startswith("python -c") else f"{args.rows / wall:,.0f}"
        print(f"{label:48} {wall:8.2f} {rate:>10} {rss:11.1f}" + ("" if rc == 0 else f"  (exit {rc})"))
    print()
    print(f"lipctl throughput / plain-Python floor (same table):  {floor / first:.2f} (target ≥ 0.5)")
    print(f"lipctl throughput / plain-Python floor (bare table):  {bare / first:.2f}")
    if su_time:
        print(f"lipctl throughput / sqlite-utils:       {su_time / first:.2f} (target > 1)")
    if c_time:
        print(f"lipctl throughput / sqlite3 CLI .import: {c_time / first:.2f} (the C floor)")
    print(f"re-import / first import time:          {again / first:.2f} (target ≤ 1)")
    lip_rss = max(r[2] for r in results if r[0].startswith("lipctl"))
    print(f"lipctl max RSS:                         {lip_rss:.1f} MB (target < 150 MB)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
