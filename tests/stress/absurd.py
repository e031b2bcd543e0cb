"""Absurd survey files: a 2 GB line, 10 million columns — refused quickly, with memory bounded?

Nothing of that size is written to disk: the file is a named pipe (FIFO) fed by a generator,
and every time lipctl opens it (once to look at the head, once to read it all) the generator
starts again from the beginning. lipctl runs in its own process under an address-space limit
(RLIMIT_AS, so a runaway reader fails instead of taking the machine), and its peak memory
(max RSS) and time are measured with wait4().

    python tests/stress/absurd.py            # both cases, with figures
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.stress import _harness as h  # noqa: E402

MEMORY_LIMIT = 1536 * 1024 * 1024  # address space of the lipctl process (bytes)
HEADER = b"id,submitted_at,action_field,text\n"


def long_line(total: int = 2 * 1024**3) -> Callable[[], Iterator[bytes]]:
    """A header, a row whose text cell is ``total`` bytes long, and a normal row."""

    def chunks() -> Iterator[bytes]:
        yield HEADER + b"1,2020-06-15 10:00,bildung,"
        block = b"a" * (1 << 20)
        for _ in range(total // len(block)):
            yield block
        yield b"\n2,2020-06-15 10:00,bildung,normal\n"

    return chunks


def wide(columns: int = 10_000_000) -> Callable[[], Iterator[bytes]]:
    """A header of ``columns`` columns and one row as wide."""

    def chunks() -> Iterator[bytes]:
        yield HEADER[:-1]
        block = b",x" * 100_000
        for _ in range(columns // 100_000):
            yield block
        yield b"\n1,2020-06-15 10:00,bildung,breit"
        block = b"," * 100_000
        for _ in range(columns // 100_000):
            yield block
        yield b"\n"

    return chunks


class GeneratedFile:
    """A FIFO that gives every reader who opens it the generator's bytes from the start."""

    def __init__(self, path: Path, chunks: Callable[[], Iterator[bytes]]) -> None:
        self.path = path
        self.chunks = chunks
        self.stop = threading.Event()
        self.served = 0
        self.bytes = 0
        os.mkfifo(path, 0o600)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: nobody reads yet
                    raise
                time.sleep(0.005)
                continue
            os.set_blocking(fd, True)
            self.served += 1
            complete = False
            try:
                for chunk in self.chunks():
                    view = memoryview(chunk)
                    while view:
                        n = os.write(fd, view)
                        self.bytes += n
                        view = view[n:]
                    if self.stop.is_set():
                        break
                else:
                    complete = True
            except BrokenPipeError:
                pass  # the reader stopped reading: a refusal, or only the head was wanted
            finally:
                os.close(fd)
            if complete:
                self._wait_for_reader_to_leave()

    def _wait_for_reader_to_leave(self) -> None:
        # The reader sees the end of the file only when no writer is open; writing again before
        # it has closed would make the file endless.
        while not self.stop.is_set():
            try:
                os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError as exc:
                if exc.errno == errno.ENXIO:
                    return
                raise
            time.sleep(0.01)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def import_generated(folder: Path, db: Path, chunks: Callable[[], Iterator[bytes]], *, timeout: float = 90) -> dict[str, object]:
    """Run ``survey import`` on the generated file; exit code, seconds, peak memory, first message."""
    source = GeneratedFile(folder / "export.csv", chunks)
    out, err = folder / "stdout", folder / "stderr"
    start = time.perf_counter()
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.Popen(
            h.argv("survey", "import", str(source.path), "--survey", "Absurd"),
            env=h.env_for(db), stdout=fo, stderr=fe, preexec_fn=_limit, cwd=str(h.REPO),  # noqa: PLW1509
        )
        timer = threading.Timer(timeout, lambda: proc.send_signal(signal.SIGKILL))
        timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    source.close()
    stderr = err.read_text(errors="replace")
    return {
        "exit": proc.returncode,
        "seconds": round(seconds, 2),
        "max_rss_mb": round(usage.ru_maxrss / 1024),
        "bytes_served": source.bytes,
        "opened": source.served,
        "stderr": stderr.strip()[:400],
        "stored": h.scalar(db, "SELECT count(*) FROM survey_responses"),
        "integrity": h.integrity(db),
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lipctl-absurd-") as tmp:
        folder = Path(tmp)
        db = folder / "lip.db"
        h.init_db(db)
        for name, chunks in (("a 2 GB line", long_line()), ("10 million columns", wide())):
            case = folder / name.replace(" ", "-")
            case.mkdir()
            h.print_figures(f"absurd sizes: {name} -> lipctl survey import", import_generated(case, db, chunks))


if __name__ == "__main__":
    main()
