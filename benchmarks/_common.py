"""Shared by the benchmark scripts: whole-process timing, max RSS, medians, a plain report.

Every figure is a whole process (interpreter start-up included), measured with ``os.wait4`` so that
the child's own peak memory comes with it. Commands are measured round-robin — one run of each in
turn, N rounds — so that the load of a shared machine falls on all of them alike, and
``python -c pass`` is measured in the same rounds as the floor.

By default the children may write bytecode (into a cache folder outside the tree, via
PYTHONPYCACHEPREFIX), as an installed wheel has its modules compiled; ``--no-bytecode`` keeps the
caller's environment (with PYTHONDONTWRITEBYTECODE=1 every run compiles lipctl's modules again).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIPCTL = [sys.executable, "-m", "lipctl"]
PASS = [sys.executable, "-c", "pass"]


def child_env(db: Path | str | None = None, *, today: str = "2021-02-01", bytecode: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(LIPCTL_ACTOR="bench", LIPCTL_LANG="en", LIPCTL_TODAY=today, NO_COLOR="1")
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        env.pop(var, None)
    if db is not None:
        env["LIPCTL_DB"] = str(db)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "lipctl-bench-pycache")
    return env


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    cpu_seconds: float  # user + system time of the process: what a busy machine inflates least
    returncode: int
    stdout_bytes: int
    stderr: str


# Linux carries the high-water mark of the memory a process had *before* exec into its max RSS, and
# a child forked from this (large) Python process starts with this process's pages: os.wait4 would
# report our own size. GNU time is small, so the peak it reports (%M) is the command's own.
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run_once(argv: Sequence[str], env: dict[str, str]) -> Run:
    """One whole process: wall time from fork to exit, and its peak resident memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss:
        cmd = [GNU_TIME, "-f", "%M", "-o", rss.name, *argv] if GNU_TIME else list(argv)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        size = out.seek(0, os.SEEK_END)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
        kilobytes = usage.ru_maxrss  # kilobytes on Linux; an upper bound without GNU time (see above)
        if GNU_TIME:
            figures = [line for line in rss.read().split() if line.isdigit()]
            kilobytes = int(figures[-1]) if figures else kilobytes
    return Run(elapsed, kilobytes / 1024, usage.ru_utime + usage.ru_stime, proc.returncode, size, text)


@dataclass
class Case:
    label: str
    argv: list[str]
    env: dict[str, str]
    target_ms: float | None = None
    runs: list[Run] = field(default_factory=list)
    skipped: str | None = None  # why it was not measured ("not yet there")

    @property
    def ok_runs(self) -> list[Run]:
        return [r for r in self.runs if r.returncode == 0]

    @property
    def median_ms(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.seconds for r in ok) * 1000 if ok else None

    @property
    def cpu_ms(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.cpu_seconds for r in ok) * 1000 if ok else None

    @property
    def min_ms(self) -> float | None:
        ok = self.ok_runs
        return min(r.seconds for r in ok) * 1000 if ok else None

    @property
    def max_rss_mb(self) -> float | None:
        return max((r.max_rss_mb for r in self.runs), default=None)

    @property
    def failure(self) -> str | None:
        bad = [r for r in self.runs if r.returncode != 0]
        if not bad:
            return None
        last = (bad[-1].stderr.strip().splitlines() or ["(no message)"])[-1]
        return f"{len(bad)}/{len(self.runs)} runs exited {bad[-1].returncode}: {last[:160]}"


def command_exists(path: Sequence[str], env: dict[str, str]) -> bool:
    """Whether ``lipctl PATH --help`` knows the command (others are still building some of them)."""
    proc = subprocess.run([*LIPCTL, *path, "--help"], check=False, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    return proc.returncode == 0


def measure(cases: Sequence[Case], rounds: int, warmup: int = 1) -> None:
    """Round-robin: every round runs each case once (after ``warmup`` unrecorded rounds)."""
    live = [c for c in cases if c.skipped is None]
    for _ in range(warmup):
        for c in live:
            run_once(c.argv, c.env)
    for _ in range(rounds):
        for c in live:
            c.runs.append(run_once(c.argv, c.env))


def _fmt(value: float | None, spec: str = ".0f") -> str:
    return "—" if value is None else format(value, spec)


def report(cases: Sequence[Case], floor: Case, *, title: str) -> str:
    """A plain table: median, min, median minus the interpreter's floor, CPU, max RSS, target, verdict.

    The verdict compares the median wall time with the target; on a loaded machine the CPU column
    (user + system, median) is the steadier figure of what the command itself costs.
    """
    lines = [title, ""]
    head = f"{'command':<46} {'median ms':>9} {'min ms':>7} {'-floor':>7} {'cpu ms':>7} {'max RSS MB':>10} {'target':>7}  verdict"
    lines += [head, "-" * len(head)]
    floor_ms = floor.median_ms or 0.0
    for c in cases:
        if c.skipped:
            lines.append(f"{c.label:<46} {'':>9} {'':>7} {'':>7} {'':>7} {'':>10} {'':>7}  skipped: {c.skipped}")
            continue
        med = c.median_ms
        verdict = ""
        if c.failure:
            verdict = "FAILED " + c.failure
        elif c.target_ms is not None and med is not None:
            verdict = "ok" if med <= c.target_ms else "OVER"
        extra = None if c is floor or med is None else med - floor_ms
        target = _fmt(c.target_ms) if c.target_ms is not None else ""
        lines.append(
            f"{c.label:<46} {_fmt(med):>9} {_fmt(c.min_ms):>7} {_fmt(extra):>7} {_fmt(c.cpu_ms):>7} {_fmt(c.max_rss_mb, '.1f'):>10} "
            f"{target:>7}  {verdict}".rstrip()
        )
    return "\n".join(lines)


def machine_note() -> str:
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs; load average {load}"
