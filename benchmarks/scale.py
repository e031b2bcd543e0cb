"""Benchmark: lipctl on a large store — 10,000 drafts with their opinions, decisions and resolutions,
and 1,000,000 survey responses (and the same with 100,000, to show how the cost grows).

    python benchmarks/scale.py                       # both stores, 7 rounds each
    python benchmarks/scale.py --dir /tmp/lipscale   # keep the generated stores there and reuse them
    python benchmarks/scale.py --explain             # also print SQLite's plan for every query
    python benchmarks/scale.py --store postgres      # the same stores on a throwaway PostgreSQL server

The stores are made by `lipctl init` (the real schema, seed and indexes) and then filled with
sqlite3 bulk inserts in one transaction — what lipctl itself would write, in its own formats:

- drafts: the 6 action fields × 2 documents, ~833 versions each (older versions returned by the
  steering group or rejected by the committee, the latest one in every state of the process);
  an opinion of each required body per version; a steering decision per decided version; the
  committee's (and for adopted ones, every body's) resolutions; an audit event for each;
- survey responses: one survey, imported in batches of 100,000 (an import batch and an audit
  event each), ~2 % without an action field and ~5 % without a category.

Then it times, as whole processes, round-robin beside `python -c pass`: `status --format json`,
`survey stats`, `draft list --field bildung`, `log --since D` (each only if that command exists:
they are skipped with a note otherwise), with median wall time and max RSS. Targets on the
1,000,000 store: status and survey stats ≤ 500 ms, memory < 150 MB.
With ``--store postgres`` the script starts its own throwaway PostgreSQL server (tests/pgserver.py,
the suite's starter: a unix socket in a temporary folder), runs `lipctl init` on a new database,
copies the generated SQLite store's rows into it (psycopg COPY, table by table, the ids kept), runs
VACUUM ANALYZE (as autovacuum would after a bulk load) and times the same commands through the
unix socket. ``--explain`` is SQLite's only.
This is a script, not a test: timings belong in a report, never in an assertion.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # tests.pgserver, for --store postgres

from _common import LIPCTL, PASS, ROOT, Case, child_env, command_exists, machine_note, measure, report

START = dt.date(2020, 6, 1)
DRAFTS = 10_000
BATCH = 100_000
WORDS = (  # noqa: SIM905 - a sentence reads better than a list of 32 strings
    "Stadt Hannover Integration Sprachkurs Kita Schule Nachbarschaft Begegnung Teilhabe Ausbildung Beratung Verwaltung Vielfalt Sportverein Bücherei Übersetzung "
    "Behördengänge Öffnungszeiten Wohnungssuche Arbeitsmarkt Anerkennung Abschlüsse mehr weniger bitte dringend schneller einfacher für mit ohne und"
).split()


def ts(day: dt.date, seconds: int = 0) -> str:
    """A timestamp as SQLAlchemy stores DateTime in SQLite."""
    moment = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


class Store:
    """Looks up the seeded ids, then bulk-inserts in lipctl's own formats."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        q = conn.execute
        self.fields = [r[0] for r in q("SELECT id FROM action_fields ORDER BY position, id")]
        self.kinds = [r[0] for r in q("SELECT slug FROM document_kinds ORDER BY position, id")]
        self.opinion_bodies = [r[0] for r in q("SELECT body_id FROM opinion_requirements ORDER BY position, id")]
        self.chain = [r[0] for r in q("SELECT body_id FROM decision_steps WHERE scope = 'document' ORDER BY position")]
        self.rule_set = {
            b: (r or "nkomvg") for b, r in q("SELECT b.id, r.slug FROM bodies b LEFT JOIN rule_sets r ON r.id = b.rule_set_id")
        }
        self.categories = [r[0] for r in q("SELECT id FROM survey_categories ORDER BY position, id")]
        self.audit: list[tuple] = []
        self.last_day = START

    def event(self, day: dt.date, seq: int, command: str, action: str, entity: str, entity_id: int, **details: object) -> None:
        self.audit.append((ts(day, seq % 30000), "bench", command, action, entity, entity_id, json.dumps(details)))
        self.last_day = max(self.last_day, day)

    def drafts(self, total: int, rnd: random.Random) -> None:
        q = self.conn.execute
        docs = [(f, k) for f in self.fields for k in self.kinds]
        per_doc = [total // len(docs) + (1 if i < total % len(docs) else 0) for i in range(len(docs))]
        latest_states = ["adopted", "forwarded", "ready_for_decision", "submitted"]
        did = q("SELECT coalesce(max(id), 0) FROM drafts").fetchone()[0]
        seq = 0
        drafts, opinions, decisions, resolutions = [], [], [], []
        for n, ((field, kind), versions) in enumerate(zip(docs, per_doc, strict=True)):
            span = 1400 / versions  # days per version: the process runs about four years
            for v in range(1, versions + 1):
                did += 1
                seq += 1
                submitted = START + dt.timedelta(days=int(v * span) + n % 3)
                latest = v == versions
                if latest:
                    state = latest_states[n % len(latest_states)]
                else:
                    state = "returned" if rnd.random() < 0.85 else "rejected"
                decided = submitted + dt.timedelta(days=rnd.randint(20, 40))
                since = submitted if state in ("submitted", "ready_for_decision") else decided
                drafts.append(
                    (
                        did,
                        field,
                        kind,
                        v,
                        state,
                        since.isoformat(),
                        f"Fassung {v}",
                        submitted.isoformat(),
                        ts(submitted, seq),
                        "bench",
                        f"{kind}-v{v}.pdf",
                        100_000 + v,
                        f"{did:064x}",
                        None,
                    )
                )
                self.event(submitted, seq, "draft submit", "draft.submitted", "draft", did, version=v)
                # the required bodies' opinions (a "submitted" latest version still waits for some)
                for i, body in enumerate(self.opinion_bodies):
                    if latest and state == "submitted" and i > 0:
                        continue
                    got = submitted + dt.timedelta(days=rnd.randint(5, 27))
                    opinions.append(
                        (
                            did,
                            body,
                            rnd.choice(["approve", "amend", "reject"]),
                            "Stellungnahme " * 20,
                            None,
                            None,
                            None,
                            got.isoformat(),
                            ts(got, seq),
                            "bench",
                        )
                    )
                    self.event(got, seq, "opinion record", "opinion.recorded", "draft", did, body=body)
                if state in ("submitted", "ready_for_decision"):
                    continue
                outcome = "return" if state == "returned" else "forward"
                decisions.append(
                    (did, outcome, "Begründung der Lenkungsgruppe", decided.isoformat(), 0, None, ts(decided, seq), "bench")
                )
                self.event(decided, seq, "steering decide", "decision.recorded", "draft", did, outcome=outcome)
                if state in ("rejected", "adopted"):
                    bodies = self.chain if state == "adopted" else self.chain[:1]
                    for j, body in enumerate(bodies):
                        day = decided + dt.timedelta(days=14 + 14 * j)
                        yes, no = (9, 4) if state == "adopted" else (4, 9)
                        resolutions.append(
                            (
                                "document",
                                did,
                                body,
                                self.rule_set.get(body, "nkomvg"),
                                yes,
                                no,
                                1,
                                14,
                                15,
                                0,
                                1,
                                state,
                                f"{yes} yes of {yes + no}",
                                f"{did:04d}/{day.year}",
                                day.isoformat(),
                                None,
                                ts(day, seq),
                                "bench",
                            )
                        )
                        self.event(day, seq, "committee tally", "resolution.recorded", "draft", did, result=state)
        self.conn.executemany(
            "INSERT INTO drafts (id, field_id, kind, version, state, state_since, title, submitted_on, submitted_at, "
            "submitted_by, file_name, file_size, file_sha256, file_copy) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            drafts,
        )
        self.conn.executemany(
            "INSERT INTO opinions (draft_id, body_id, stance, text, file_name, file_size, file_sha256, received_on, "
            "recorded_at, recorded_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
            opinions,
        )
        self.conn.executemany(
            "INSERT INTO steering_decisions (draft_id, outcome, reason, decided_on, without_opinions, missing_opinions, "
            "recorded_at, recorded_by) VALUES (?,?,?,?,?,?,?,?)",
            decisions,
        )
        self.conn.executemany(
            "INSERT INTO resolutions (scope, draft_id, body_id, rule_set, yes, no, abstain, present, members, "
            "second_convocation, quorate, result, arithmetic, drucksache, decided_on, exception_reason, recorded_at, "
            "recorded_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            resolutions,
        )
        self.counts = {
            "drafts": len(drafts),
            "opinions": len(opinions),
            "steering_decisions": len(decisions),
            "resolutions": len(resolutions),
        }

    def responses(self, total: int, rnd: random.Random) -> None:
        pool = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 50))) for _ in range(2000)]
        created = START + dt.timedelta(days=10)
        cur = self.conn.execute("INSERT INTO surveys (name, created_at) VALUES (?, ?)", ("Beteiligung 2020", ts(created)))
        survey = cur.lastrowid
        done = 0
        while done < total:
            size = min(BATCH, total - done)
            day = created + dt.timedelta(days=done // BATCH)
            cur = self.conn.execute(
                "INSERT INTO import_batches (survey_id, path, file_sha256, profile, started_at, finished_at, rows_read, imported, "
                "duplicates, rejected, skipped, actor) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    survey,
                    f"/srv/umfrage/export-{done // BATCH:02d}.csv",
                    None,
                    "limesurvey",
                    ts(day),
                    ts(day, 60),
                    size,
                    size,
                    0,
                    0,
                    0,
                    "bench",
                ),
            )
            batch = cur.lastrowid
            fields, cats = self.fields, self.categories
            rows = (
                (
                    survey,
                    str(done + i + 1),
                    None if rnd.random() < 0.02 else fields[rnd.randrange(len(fields))],
                    None if rnd.random() < 0.05 else cats[rnd.randrange(len(cats))],
                    pool[rnd.randrange(len(pool))],
                    ts(day, rnd.randrange(86400)),
                    batch,
                    i + 2,
                )
                for i in range(size)
            )
            self.conn.executemany(
                "INSERT INTO survey_responses (survey_id, response_key, field_id, category_id, text, submitted_at, batch_id, line) "
                "VALUES (?,?,?,?,?,?,?,?)",
                rows,
            )
            self.event(day, done // BATCH, "survey import", "survey.imported", "import_batch", batch, imported=size)
            done += size
        self.counts["survey_responses"] = total

    def flush_audit(self) -> None:
        self.audit.sort()
        self.conn.executemany(
            "INSERT INTO audit_events (occurred_at, actor, command, action, entity, entity_id, details) VALUES (?,?,?,?,?,?,?)",
            self.audit,
        )
        self.counts["audit_events"] = len(self.audit)


def build(path: Path, drafts: int, responses: int, env: dict[str, str]) -> tuple[dict[str, int], dt.date]:
    """`lipctl init`, then the bulk inserts; returns the row counts and the last day of activity."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    subprocess.run([*LIPCTL, "--db", str(path), "init"], env=env, cwd=ROOT, check=True, capture_output=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN")
    store = Store(conn)
    rnd = random.Random(2021)
    store.drafts(drafts, rnd)
    store.responses(responses, rnd)
    store.flush_audit()
    conn.execute("COMMIT")
    # lipctl runs SQLite in WAL mode: fold the bulk load into the database file, as time would.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    meta = {"counts": store.counts, "last_day": store.last_day.isoformat(), "drafts": drafts, "responses": responses}
    Path(f"{path}.json").write_text(json.dumps(meta))
    return store.counts, store.last_day


def ensure(
    path: Path, drafts: int, responses: int, env: dict[str, str], reuse: bool
) -> tuple[dict[str, int], dt.date, float | None]:
    meta_path = Path(f"{path}.json")
    if reuse and path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("drafts") == drafts and meta.get("responses") == responses:
            return meta["counts"], dt.date.fromisoformat(meta["last_day"]), None
    start = time.perf_counter()
    counts, last = build(path, drafts, responses, env)
    return counts, last, time.perf_counter() - start


# The generated tables, parents first; rows of the seed (lipctl init's own) are in both stores already.
COPIED = (
    "surveys",
    "import_batches",
    "drafts",
    "opinions",
    "steering_decisions",
    "resolutions",
    "survey_responses",
    "audit_events",
)


def to_postgres(source: Path, server: object, name: str, env: dict[str, str]) -> tuple[str, float]:
    """A new PostgreSQL database with the SQLite store's rows (ids kept); returns its URL and the seconds it took."""
    import psycopg

    start = time.perf_counter()
    conninfo = f"host={server.socket_dir} user={server.user}"  # type: ignore[attr-defined]
    with psycopg.connect(conninfo + " dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = server.url(name)  # type: ignore[attr-defined]
    subprocess.run([*LIPCTL, "--db", url, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
    lite = sqlite3.connect(source)
    with psycopg.connect(conninfo + f" dbname={name}") as pg:
        for table in COPIED:
            columns = [r[1] for r in lite.execute(f"PRAGMA table_info({table})")]
            have = pg.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]  # type: ignore[index]
            names = ", ".join(columns)
            with pg.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT {names} FROM {table} WHERE id > ? ORDER BY id", (have,)):
                    copy.write_row(row)
            pg.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    lite.close()
    with psycopg.connect(conninfo + f" dbname={name}", autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    return url, time.perf_counter() - start


EXPLAIN = r"""
import contextlib, io, json, sqlite3, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
seen = []
@event.listens_for(Engine, "before_cursor_execute")
def _record(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip().upper().startswith("SELECT"):
        seen.append((statement, parameters))
from lipctl.store import reader  # the read commands' own path, without SQLAlchemy
reader.listeners.append(lambda statement, parameters: _record(None, None, statement, parameters, None, False))
from lipctl.cli import app
with contextlib.redirect_stdout(io.StringIO()):
    try:
        app(sys.argv[2:], prog_name="lipctl")
    except SystemExit:
        pass
db = sqlite3.connect(sys.argv[1])
out = []
for sql, params in seen:
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
    out.append({"sql": " ".join(sql.split()), "plan": plan})
print(json.dumps(out))
"""


def explain(db: Path, command: list[str], env: dict[str, str]) -> str:
    """Every SELECT a command runs, with SQLite's query plan (a full SCAN of a big table is flagged)."""
    proc = subprocess.run(
        [sys.executable, "-c", EXPLAIN, str(db), *command],
        check=False,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        return f"  (could not explain: {proc.stderr.strip().splitlines()[-1:]})"
    lines = []
    big = ("survey_responses", "drafts", "opinions", "audit_events", "resolutions", "steering_decisions")
    queries = json.loads(proc.stdout)
    # The same statement again and again is one query per row (N+1): shown once, with its count.
    times: dict[str, int] = {}
    for q in queries:
        times[q["sql"]] = times.get(q["sql"], 0) + 1
    shown = set()
    for q in queries:
        if q["sql"] in shown:
            continue
        shown.add(q["sql"])
        flag = any(
            p.startswith("SCAN ") and any(f" {t} " in f" {p} " and "COVERING INDEX" not in p for t in big) for p in q["plan"]
        )
        repeat = f"  [run {times[q['sql']]:,} times]" if times[q["sql"]] > 1 else ""
        lines.append(("  !! " if flag else "     ") + q["sql"][:150] + repeat)
        lines += [f"        {p}" for p in q["plan"]]
    lines.append(f"     ({len(queries)} SELECTs in all)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured rounds per store (default 7)")
    parser.add_argument("--drafts", type=int, default=DRAFTS)
    parser.add_argument(
        "--responses", type=int, nargs="+", default=[100_000, 1_000_000], help="one store per figure (default 100000 1000000)"
    )
    parser.add_argument("--dir", type=Path, help="where to keep the stores (reused when they match); default: a temporary folder")
    parser.add_argument("--explain", action="store_true", help="print the query plan of every SELECT of every command")
    parser.add_argument("--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE as it is")
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite", help="the store the commands read")
    args = parser.parse_args()
    server = None
    if args.store == "postgres":
        from tests import pgserver  # the suite's own starter of a throwaway server

        server = pgserver.start()
        args.explain = False
        try:
            run(args, server)
        finally:
            server.stop()
        return
    run(args, None)


def run(args: argparse.Namespace, server: object) -> None:

    with tempfile.TemporaryDirectory(prefix="lipctl-scale-") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results = []
        for responses in args.responses:
            db = folder / f"lip-{args.drafts}d-{responses}r.db"
            env = child_env(db, bytecode=not args.no_bytecode)
            counts, last, took = ensure(db, args.drafts, responses, env, reuse=args.dir is not None)
            today = (last + dt.timedelta(days=1)).isoformat()
            since = (last - dt.timedelta(days=30)).isoformat()
            env = child_env(db, today=today, bytecode=not args.no_bytecode)
            size_mb = db.stat().st_size / 1e6
            made = f"generated in {took:.0f} s" if took is not None else "reused"
            print(f"store {db.name}: {size_mb:.0f} MB, {made}; rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
            if server is not None:
                url, copied = to_postgres(db, server, f"lip_{responses}", env)
                env = child_env(url, today=today, bytecode=not args.no_bytecode)
                print(f"  copied into PostgreSQL ({url}) in {copied:.0f} s, then VACUUM ANALYZE")

            floor = Case("python -c pass", PASS, env)
            plan = [
                ("status --format json", ["status", "--format", "json"], ["status"], 500),
                ("survey stats", ["survey", "stats"], ["survey", "stats"], 500),
                ("draft list --field bildung", ["draft", "list", "--field", "bildung"], ["draft", "list"], None),
                (f"log --since {since}", ["log", "--since", since], ["log"], None),
            ]
            cases = [floor]
            for label, argv, path, target in plan:
                case = Case(f"lipctl {label}", [*LIPCTL, *argv], env, target_ms=target)
                if not command_exists(path, env):
                    case.skipped = f"`lipctl {' '.join(path)}` is not registered yet"
                cases.append(case)
            measure(cases, rounds=args.runs, warmup=1)
            where = "PostgreSQL, unix socket" if server is not None else "SQLite"
            title = f"{responses:,} survey responses, {counts.get('drafts', 0):,} drafts ({where}) — {args.runs} rounds, --today {today}"
            print(report(cases, floor, title=title))
            print(f"({machine_note()})")
            print()
            results.append((responses, cases))
            if args.explain:
                for label, argv, _path, _t in plan:
                    if command_exists(_path, env):
                        print(f"query plans: lipctl {label}")
                        print(explain(db, argv, env))
                print()

        if len(results) > 1:
            (n0, c0), (n1, c1) = results[0], results[-1]
            print(
                f"growth from {n0:,} to {n1:,} responses ({n1 / n0:.0f}× the data); wall = median minus the interpreter's floor:"
            )
            base0, base1 = c0[0].median_ms or 0, c1[0].median_ms or 0
            cpu0, cpu1 = c0[0].cpu_ms or 0, c1[0].cpu_ms or 0
            for a, b in zip(c0[1:], c1[1:], strict=True):
                if a.median_ms is None or b.median_ms is None or a.cpu_ms is None or b.cpu_ms is None:
                    continue
                x0, x1 = a.median_ms - base0, b.median_ms - base1
                y0, y1 = a.cpu_ms - cpu0, b.cpu_ms - cpu1
                print(
                    f"  {a.label.split(' --since')[0]:<36} wall {x0:5.0f} -> {x1:5.0f} ms ({x1 / x0:.2f}×)  "
                    f"cpu {y0:5.0f} -> {y1:5.0f} ms ({y1 / y0:.2f}×)  max RSS {a.max_rss_mb:.0f} -> {b.max_rss_mb:.0f} MB"
                )


if __name__ == "__main__":
    main()
