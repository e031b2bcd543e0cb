"""Absurd survey files: a 2 GB line, 10 million columns, a 50 MB quoted cell — refused quickly, memory bounded?

Nothing of that size is written to disk: the 2 GB line is a sparse file (its first 4 MB are
letters, the rest a hole that reads as zero bytes, the line ends at 2 GB), the 10 million columns
are 30 MB. lipctl runs in its own process under an address-space limit (RLIMIT_AS, so a runaway
reader fails instead of taking the machine), and its peak memory (max RSS) and time are measured
with wait4().

(A named pipe fed by a generator was tried first: a reader that opens the file a second time
can join the first stream in the middle, so the line numbers it reports are not the file's.)

    python tests/stress/absurd.py            # all cases, with figures
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.stress import _harness as h  # noqa: E402

MEMORY_LIMIT = 1536 * 1024 * 1024  # address space of the lipctl process (bytes)
HEADER = b"id,submitted_at,action_field,text\n"


def long_line(path: Path, total: int = 2 * 1024**3) -> Path:
    """A header, then line 2 whose text cell is ``total`` bytes long (sparse after 4 MB), then a normal row."""
    with open(path, "wb") as fh:
        fh.write(HEADER + b"1,2020-06-15 10:00,bildung,")
        fh.write(b"a" * (4 << 20))
        fh.seek(total)
        fh.write(b"\n2,2020-06-15 10:00,bildung,normal\n")
    return path


def wide(path: Path, columns: int = 10_000_000) -> Path:
    """A header of ``columns`` columns and one row as wide."""
    with open(path, "wb") as fh:
        fh.write(HEADER[:-1] + b",x" * (columns - 4) + b"\n")
        fh.write(b"1,2020-06-15 10:00,bildung,breit" + b"," * (columns - 4) + b"\n")
    return path


def long_cell(path: Path, total: int = 50 * 1024**2) -> Path:
    """Line 2 opens a quoted text cell of ``total`` bytes in short physical lines (no line is long)."""
    with open(path, "wb") as fh:
        fh.write(HEADER + b'1,2020-06-15 10:00,bildung,"')
        line = b"b" * 1000 + b"\n"
        for _ in range(total // len(line)):
            fh.write(line)
        fh.write(b'"\n2,2020-06-15 10:00,bildung,normal\n')
    return path


#: Runs lipctl as its own child under the memory limit and writes "exit maxrss_kb" to argv[2]. The
#: launcher is a small process: a child forked (or vforked) from the test process itself would carry
#: the test process's resident memory into ru_maxrss (Linux keeps the old image's high-water mark
#: across exec), and the suite's process grows past the limit this measures.
_LAUNCHER = """
import os, resource, sys
limit, report, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
pid = os.fork()
if pid == 0:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.execv(argv[0], argv)
_pid, status, usage = os.wait4(pid, 0)
with open(report, "w") as fh:
    fh.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def import_file(folder: Path, db: Path, path: Path, *, timeout: float = 90) -> dict[str, object]:
    """Run ``survey import`` on ``path``; exit code, seconds, peak memory, first message."""
    out, err = folder / "stdout", folder / "stderr"
    start = time.perf_counter()
    with open(out, "wb") as fo, open(err, "wb") as fe:
        argv = h.argv("survey", "import", str(path), "--survey", "Absurd")
        report = folder / "rusage"
        proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(MEMORY_LIMIT), str(report), *argv],
            env=h.env_for(db),
            stdout=fo,
            stderr=fe,
            cwd=str(h.REPO),
            start_new_session=True,  # the timer kills the launcher and lipctl together
        )
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        proc.wait()
        timer.cancel()
        exit_code, maxrss_kb = (int(x) for x in report.read_text().split()) if report.exists() else (-9, 0)
    seconds = time.perf_counter() - start
    stderr = err.read_text(errors="replace")
    return {
        "file_size_mb": round(path.stat().st_size / 1024**2),
        "on_disk_mb": round(path.stat().st_blocks * 512 / 1024**2),
        "exit": exit_code,
        "seconds": round(seconds, 2),
        "max_rss_mb": round(maxrss_kb / 1024),
        "stderr": stderr.strip()[:400],
        "stored": h.scalar(db, "SELECT count(*) FROM survey_responses"),
        "integrity": h.integrity(db),
    }


CASES = {"a 2 GB line": long_line, "10 million columns": wide, "a 50 MB quoted cell": long_cell}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lipctl-absurd-") as tmp:
        folder = Path(tmp)
        db = folder / "lip.db"
        h.init_db(db)
        for name, make in CASES.items():
            case = folder / name.replace(" ", "-")
            case.mkdir()
            h.print_figures(f"absurd sizes: {name} -> lipctl survey import", import_file(case, db, make(case / "export.csv")))


if __name__ == "__main__":
    main()
