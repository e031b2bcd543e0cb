"""Hostile input paths: devices, named pipes, folders, huge and growing files, a command stopped mid-copy.

Every file lipctl reads (``--file``, ``--seed``, survey files) goes through lipctl.files.inputs:
regular files only, refused before anything waits; size limits from the environment; the copy
of a document waiting to be kept never outlives its command.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from lipctl.files import inputs
from tests.helpers import snapshot
from tests.stress import _harness as h

SUBMIT = ("draft", "submit", "bildung", "--kind", "grundsatzpapier")


def _clean(text: str) -> None:
    assert "Traceback" not in text
    assert "unexpected error" not in text


def _incoming(db: Path) -> list[Path]:
    files = db.parent / "files"
    return sorted(files.glob(".incoming-*")) if files.exists() else []


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


# --- devices --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        (*SUBMIT, "--file", "/dev/zero"),
        ("opinion", "record", "1", "--from", "runder-tisch", "--stance", "approve", "--file", "/dev/zero"),
        ("init", "--seed", "/dev/zero"),
        ("survey", "import", "/dev/zero", "--survey", "S"),
    ],
    ids=["draft-submit", "opinion-record", "init-seed", "survey-import"],
)
def test_dev_zero_is_refused_at_once_and_nothing_is_stored(fresh_db: Path, cli, args: tuple[str, ...]) -> None:
    before = snapshot(fresh_db)
    result = cli(*args)
    assert result.exit_code == ExitCode.REFUSED, result.stderr
    assert "/dev/zero is a device, not a regular file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    _clean(result.stderr)
    assert snapshot(fresh_db) == before
    assert _incoming(fresh_db) == []


# --- named pipes: a real process, which must end (a hang would fail on the timeout) -----------------


@pytest.mark.parametrize(
    "args",
    [
        (*SUBMIT, "--file", "{fifo}"),
        ("init", "--seed", "{fifo}"),
        ("survey", "import", "{fifo}", "--survey", "S"),
    ],
    ids=["draft-submit", "init-seed", "survey-import"],
)
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(fresh_db: Path, isolated: Path, args: tuple[str, ...]) -> None:
    fifo = isolated / "pipe.pdf"
    os.mkfifo(fifo)
    before = snapshot(fresh_db)
    run = h.lipctl(fresh_db, *(a.format(fifo=fifo) for a in args), timeout=120)
    assert run.returncode == ExitCode.REFUSED, run.stderr
    assert f"{fifo} is a named pipe (FIFO), not a regular file" in run.stderr
    _clean(run.stderr)
    assert snapshot(fresh_db) == before
    assert _incoming(fresh_db) == []


# --- folders --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((*SUBMIT, "--file", "{folder}"), "is a folder, not a file"),
        (("init", "--seed", "{folder}"), "is a folder, not a seed file"),
        (("survey", "import", "{folder}", "--survey", "S"), "is a folder, not a CSV file"),
    ],
    ids=["draft-submit", "init-seed", "survey-import"],
)
def test_a_folder_is_refused(fresh_db: Path, cli, isolated: Path, args: tuple[str, ...], expected: str) -> None:
    folder = isolated / "docs"
    folder.mkdir()
    before = snapshot(fresh_db)
    result = cli(*(a.format(folder=folder) for a in args))
    assert result.exit_code == ExitCode.REFUSED
    assert f"{folder} {expected}" in result.stderr
    _clean(result.stderr)
    assert snapshot(fresh_db) == before


# --- sizes ----------------------------------------------------------------------------------------


def test_a_sparse_document_over_the_limit_is_refused_by_its_size(fresh_db: Path, cli, isolated: Path) -> None:
    big = _sparse(isolated / "big.pdf", 2 * inputs.MB)
    before = snapshot(fresh_db)
    result = cli(*SUBMIT, "--file", str(big), env={"LIPCTL_MAX_DOCUMENT_MB": "1"})
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.strip() == (
        f"lipctl: {big} is 2.0 MB: larger than the limit for a document (1.0 MB) — give a smaller file, or raise the "
        "limit with the environment variable LIPCTL_MAX_DOCUMENT_MB (megabytes); nothing was changed"
    )
    assert snapshot(fresh_db) == before
    assert _incoming(fresh_db) == []
    # Within the limit the same file is taken.
    ok = cli(*SUBMIT, "--file", str(big), env={"LIPCTL_MAX_DOCUMENT_MB": "2"})
    assert ok.exit_code == ExitCode.OK, ok.stderr


def test_a_2_gb_sparse_document_is_refused_by_the_default_limit_without_a_copy(fresh_db: Path, cli, isolated: Path) -> None:
    huge = _sparse(isolated / "huge.pdf", 2 * 1024 * inputs.MB)
    before = snapshot(fresh_db)
    result = cli(*SUBMIT, "--file", str(huge))
    assert result.exit_code == ExitCode.REFUSED
    assert f"{huge} is 2,048.0 MB: larger than the limit for a document (200.0 MB)" in result.stderr
    assert snapshot(fresh_db) == before
    assert _incoming(fresh_db) == [] and not (fresh_db.parent / "files").exists(), "nothing was copied"


def test_a_file_that_reports_size_0_is_held_to_the_limit_while_it_is_read(fresh_db: Path, cli) -> None:
    """/proc files report size 0 and have content (as does a file that grows while it is read)."""
    assert os.stat("/proc/self/maps").st_size == 0
    before = snapshot(fresh_db)
    result = cli(*SUBMIT, "--file", "/proc/self/maps", env={"LIPCTL_MAX_DOCUMENT_MB": "0.001"})
    assert result.exit_code == ExitCode.REFUSED
    assert "lipctl: /proc/self/maps: larger than the limit for a document (0.0 MB)" in result.stderr
    _clean(result.stderr)
    assert snapshot(fresh_db) == before
    assert _incoming(fresh_db) == []


def test_a_bad_size_setting_is_refused_with_what_to_write(fresh_db: Path, cli, isolated: Path) -> None:
    doc = isolated / "a.pdf"
    doc.write_bytes(b"%PDF-1.4\n")
    for value in ("abc", "0", "-5", "5000"):
        result = cli(*SUBMIT, "--file", str(doc), env={"LIPCTL_MAX_DOCUMENT_MB": value})
        assert result.exit_code == ExitCode.REFUSED
        assert f"LIPCTL_MAX_DOCUMENT_MB={value!r} is not a size limit in megabytes" in result.stderr
        assert "set it to a positive number of at most 2047, or unset it for 200 MB" in result.stderr


def test_a_seed_over_5_mb_is_refused(fresh_db: Path, cli, isolated: Path) -> None:
    seed = isolated / "seed.yaml"
    seed.write_bytes(h.REPO.joinpath("data", "seed.yaml").read_bytes() + b"#" * (5 * inputs.MB))
    before = snapshot(fresh_db)
    result = cli("init", "--seed", str(seed))
    assert result.exit_code == ExitCode.REFUSED
    assert f"{seed} is 5.0 MB: larger than the limit for a seed file (5.0 MB)" in result.stderr
    assert "LIPCTL_MAX_SEED_MB" in result.stderr
    assert snapshot(fresh_db) == before
    # Raised limit: the same file is read (and changes nothing: it is the shipped seed).
    ok = cli("init", "--seed", str(seed), env={"LIPCTL_MAX_SEED_MB": "6"})
    assert ok.exit_code == ExitCode.OK, ok.stderr


def test_a_sparse_seed_is_refused_by_its_size(fresh_db: Path, cli, isolated: Path) -> None:
    seed = _sparse(isolated / "seed.yaml", 2 * 1024 * inputs.MB)
    result = cli("init", "--seed", str(seed))
    assert result.exit_code == ExitCode.REFUSED
    assert "larger than the limit for a seed file (5.0 MB)" in result.stderr


# --- a command stopped in the middle of a copy -----------------------------------------------------

# The child announces on stderr that the first megabyte is copied, then waits for the signal in short
# sleeps (not signal.pause(), which a signal landing just before its system call leaves waiting). It
# takes SIGINT as a terminal gives it: a suite started in the background by a non-interactive shell
# (`pytest … &`) hands its children SIGINT ignored, and Python then installs no KeyboardInterrupt for it
# — the child waited out the 120 s timeout in two full runs started that way.
STOP_MID_COPY = """
import signal, sys, time
from lipctl.files import inputs

signal.signal(signal.SIGINT, signal.default_int_handler)

def announce(done):
    sys.stderr.write("COPYING\\n")
    sys.stderr.flush()
    inputs.on_chunk = None
    while True:
        time.sleep(0.05)

inputs.on_chunk = announce
from lipctl.cli import main
main()
"""


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_a_command_stopped_during_the_copy_leaves_no_copy(fresh_db: Path, isolated: Path, sig: int, code: int) -> None:
    doc = isolated / "doc.pdf"
    doc.write_bytes(os.urandom(3 * inputs.MB))
    before = snapshot(fresh_db)
    proc = subprocess.Popen(
        [sys.executable, "-c", STOP_MID_COPY, *SUBMIT, "--file", str(doc)],
        env=h.env_for(fresh_db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=str(h.REPO),
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert line == b"COPYING\n", line + proc.stderr.read()
        assert len(_incoming(fresh_db)) == 1, "the copy is under way"
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == code, err
    assert b"interrupted; nothing was changed" in err
    assert b"Traceback" not in err
    assert _incoming(fresh_db) == []
    assert snapshot(fresh_db) == before


# --- leftovers of killed commands ------------------------------------------------------------------


def test_leftovers_are_swept_only_when_old_or_their_process_is_gone(fresh_db: Path, cli, isolated: Path) -> None:
    files = fresh_db.parent / "files"
    files.mkdir(mode=0o700)
    host = inputs._host()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    live = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        gone = files / f".incoming-{dead_pid}@{host}.aaaa1111"
        running = files / f".incoming-{live.pid}@{host}.bbbb2222"
        old_running = files / f".incoming-{live.pid}@{host}.cccc3333"
        elsewhere = files / f".incoming-{dead_pid}@another-host.dddd4444"
        unnamed = files / ".incoming-eeee5555"  # written by an older lipctl: only its age counts
        for path in (gone, running, old_running, elsewhere, unnamed):
            path.write_bytes(b"half a document")
        two_hours_ago = time.time() - 2 * 3600
        os.utime(old_running, (two_hours_ago, two_hours_ago))

        doc = isolated / "doc.pdf"
        doc.write_bytes(b"%PDF-1.4 a document\n")
        result = cli(*SUBMIT, "--file", str(doc))
        assert result.exit_code == ExitCode.OK, result.stderr
        assert _incoming(fresh_db) == sorted([running, elsewhere, unnamed])
    finally:
        live.communicate(b"")
    assert sorted(p.name for p in files.iterdir() if not p.name.startswith(".")) == [
        f"{hashlib.sha256(doc.read_bytes()).hexdigest()}.pdf"
    ]


def test_the_copy_of_a_killed_command_is_swept_by_the_next_submit(fresh_db: Path, isolated: Path, cli) -> None:
    """kill -9 runs no finally: the copy stays until a later command sees that its process is gone."""
    doc = isolated / "doc.pdf"
    doc.write_bytes(os.urandom(3 * inputs.MB))
    proc = subprocess.Popen(
        [sys.executable, "-c", STOP_MID_COPY, *SUBMIT, "--file", str(doc)],
        env=h.env_for(fresh_db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=str(h.REPO),
    )
    try:
        assert proc.stderr is not None
        assert proc.stderr.readline() == b"COPYING\n"
        proc.kill()
        proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    left = _incoming(fresh_db)
    assert len(left) == 1 and left[0].name.startswith(f".incoming-{proc.pid}@")
    small = isolated / "small.pdf"
    small.write_bytes(b"%PDF-1.4 small\n")
    result = cli(*SUBMIT, "--file", str(small))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert _incoming(fresh_db) == []
