"""What the stress scripts share: running lipctl as a real process, writing survey files, counting rows.

Every stress script runs lipctl the way staff and cron do — ``python -m lipctl ...`` in its own
process — so locks, crashes and start-up are real.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TODAY = "2021-02-01"
FIELDS = ("bildung", "soziales", "demokratie", "stadtleben-kultur", "wirtschaft", "stadtverwaltung-diversitaet")


def env_for(db: Path | str, **extra: str) -> dict[str, str]:
    """The environment of a lipctl process on ``db``: this source tree, a fixed date, English."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIPCTL_") and k != "PGPASSWORD"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    env.update(LIPCTL_DB=str(db), LIPCTL_TODAY=TODAY, LIPCTL_ACTOR="stress", LIPCTL_LANG="en", NO_COLOR="1", COLUMNS="200")
    env.update(extra)
    return env


def argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "lipctl", *map(str, args)]


def on_terminal(db: Path | str, *args: str, columns: int = 400, colour: bool = True) -> tuple[int, str, str]:
    """Run lipctl with a pseudo-terminal of ``columns`` columns as stdout (rich sees a terminal): its exit
    code, the screen's text (styles included) and stderr. ``colour``: without NO_COLOR."""
    import select

    master, slave = os.openpty()
    env = env_for(db, COLUMNS=str(columns), LINES="50", TERM="xterm-256color")
    if colour:
        env.pop("NO_COLOR", None)
    proc = subprocess.Popen(argv(*args), stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=REPO)
    os.close(slave)
    screen = b""
    try:
        while True:
            ready, _w, _x = select.select([master], [], [], 120)
            assert ready, "no output from lipctl on the terminal for 120 s"
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            screen += chunk
    finally:
        os.close(master)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.wait()
    return proc.returncode, screen.decode("utf-8"), stderr


@dataclass
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def lipctl(db: Path | str, *args: str, timeout: float = 300, prefix: list[str] | None = None, **extra: str) -> Run:
    """Run one lipctl command in its own process and wait for it."""
    start = time.perf_counter()
    proc = subprocess.run(
        [*(prefix or []), *argv(*args)], env=env_for(db, **extra), capture_output=True, text=True, timeout=timeout, cwd=str(REPO)
    )
    return Run(tuple(args), proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)


def spawn(db: Path | str, *args: str, **extra: str) -> subprocess.Popen[bytes]:
    """Start a lipctl command without waiting (for imports that run while others work, or get killed)."""
    return subprocess.Popen(argv(*args), env=env_for(db, **extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=str(REPO))


_commands: dict[tuple[str, ...], bool] = {}


def has_command(*path: str) -> bool:
    """Whether this lipctl has the command (others' commands land while these scripts exist)."""
    if path not in _commands:
        proc = subprocess.run(
            argv(*path, "--help"), env=env_for("/nonexistent/lipctl.db"), capture_output=True, text=True, timeout=60
        )
        _commands[path] = proc.returncode == 0
    return _commands[path]


def write_survey(path: Path, rows: int, *, prefix: str, start: int = 0) -> Path:
    """A spreadsheet-profile export with ``rows`` distinct responses (ids ``prefix`` + number)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("id,submitted_at,action_field,text\n")
        for i in range(start, start + rows):
            fh.write(
                f"{prefix}{i},2020-06-{1 + i % 28:02d} 10:{i % 60:02d}:00,{FIELDS[i % 6]},Anregung {prefix}{i} zur Integration\n"
            )
    return path


def init_db(db: Path) -> None:
    run = lipctl(db, "init")
    if run.returncode != 0:
        raise RuntimeError(f"lipctl init failed: {run.stderr}")


def seeded_copy(template: Path, target: Path) -> Path:
    """A copy of an initialised (closed, checkpointed) database: faster than init per round."""
    shutil.copyfile(template, target)
    os.chmod(target, 0o600)
    return target


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, timeout=60)
    conn.execute("PRAGMA busy_timeout = 60000")
    return conn


def integrity(db: Path) -> str:
    with connect(db) as conn:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return "ok" if rows == ["ok"] else "; ".join(rows[:5])


def scalar(db: Path, sql: str, *params: object) -> object:
    conn = connect(db)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


class Store:
    """Queries on the database under test, SQLite file or PostgreSQL URL alike (``:name`` parameters)."""

    def __init__(self, db: Path | str) -> None:
        from tests.helpers import engine_on

        self.db = db
        self.engine = engine_on(db)

    def scalar(self, sql: str, **params: object) -> object:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params: object) -> list[tuple[object, ...]]:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def integrity(self) -> str:
        return integrity(Path(self.db)) if self.is_sqlite else "n/a (PostgreSQL)"

    def close(self) -> None:
        self.engine.dispose()


def print_figures(title: str, figures: dict[str, object]) -> None:
    """Figures the lead can quote: one line per figure, always printed (pytest -s shows them)."""
    print(f"\n== {title}")
    for key, value in figures.items():
        print(f"   {key}: {value}")
    sys.stdout.flush()
