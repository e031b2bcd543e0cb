"""Where the export goes: a handover is recorded only when its answers were written; an output that
cannot be written is one clear line saying whether the change was stored; the export streams.

Real processes (stdout a full disk, /dev/full; a pipe whose reader goes away), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from lipctl.errors import ExitCode
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row

SURVEY = "Online-Umfrage"
TEXT = "Mehr Sprachkurse für Eltern am Abend, und eine Kita in der Nähe der Schule wäre eine große Hilfe " * 2


def _answers(tmp_path: Path, n: int, start: int = 0, name: str = "a.csv") -> Path:
    rows = [LS_HEADER] + [
        ls_row(str(start + i), f"2021-03-{1 + i % 28:02d} 10:{i % 60:02d}:00", "Bildung", "Idee", f"{TEXT} {i}")
        for i in range(n)
    ]
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return path


def _imported(cli, tmp_path: Path, n: int, start: int = 0, name: str = "a.csv") -> None:  # noqa: ANN001
    result = cli("survey", "import", str(_answers(tmp_path, n, start, name)), "--survey", SURVEY)
    assert result.exit_code == ExitCode.OK, result.stderr


def _pending(cli) -> int:  # noqa: ANN001
    """Answers of Bildung not handed over yet, as status shows them."""
    return {f["slug"]: f["not_handed_over"] for f in cli.json("status")["fields"]}["bildung"]


def _lipctl(*args: str, stdout: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "lipctl", *args],
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )


def _to_full_disk(*args: str) -> tuple[int, str]:
    """Run lipctl with its stdout on /dev/full (every write: ENOSPC); exit status and stderr."""
    with open("/dev/full", "wb") as full:
        proc = _lipctl(*args, stdout=full)
        _, err = proc.communicate(timeout=120)
    return proc.returncode, err.decode()


def test_a_handover_whose_export_cannot_be_written_records_nothing(db_url: str, seeded, tmp_path: Path) -> None:  # noqa: ANN001
    _imported(seeded, tmp_path, 3)
    assert _pending(seeded) == 3
    code, err = _to_full_disk("survey", "export", "--field", "bildung", "--handover", "--format", "csv")
    assert code == ExitCode.REFUSED, err
    assert err.strip() == (
        "lipctl: could not write the output: No space left on device — nothing was changed; "
        "free some space or send the output elsewhere, then run the command again"
    )
    assert _pending(seeded) == 3, "the expert group received nothing: nothing may be recorded as handed over"
    assert [e for e in seeded.json("log") if e["action"] == "survey.handed_over"] == []
    done = seeded("survey", "export", "--field", "bildung", "--handover", "--format", "json")
    assert done.exit_code == ExitCode.OK, done.stderr
    assert len(json.loads(done.stdout)) == 3 and _pending(seeded) == 0


def test_a_handover_cut_short_by_its_reader_records_nothing(db_url: str, seeded, tmp_path: Path) -> None:  # noqa: ANN001
    _imported(seeded, tmp_path, 3000)  # about 700 KB of CSV: more than a pipe holds
    proc = _lipctl("survey", "export", "--field", "bildung", "--handover", "--format", "csv", stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith(b"id,")
    proc.stdout.close()  # `| head -1`: the reader goes away
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == ExitCode.REFUSED, err
    assert err.decode().strip() == (
        "lipctl: the output ended before every answer was written (its reader went away) — nothing was handed over; "
        "write the export to a file or a program that reads all of it"
    )
    assert _pending(seeded) == 3000


def test_a_read_command_whose_output_cannot_be_written_says_so(db_url: str, seeded) -> None:  # noqa: ANN001
    for args in (
        ("fields",),
        ("fields", "--format", "json"),
        ("status",),
        ("status", "--format", "csv"),
        ("calendar", "--output", "-"),
        ("--version",),
    ):
        code, err = _to_full_disk(*args)
        assert code == ExitCode.REFUSED, (args, err)
        assert err.strip() == (
            "lipctl: could not write the output: No space left on device — nothing was changed; "
            "free some space or send the output elsewhere, then run the command again"
        ), args


def test_a_change_whose_report_cannot_be_written_says_it_was_stored(db_url: str, seeded, tmp_path: Path) -> None:  # noqa: ANN001
    code, err = _to_full_disk("survey", "import", str(_answers(tmp_path, 4)), "--survey", SURVEY, "--format", "json")
    assert code == ExitCode.REFUSED, err
    assert err.strip() == (
        "lipctl: could not write the output: No space left on device — the change was stored (see 'lipctl log'); "
        "free some space or send the output elsewhere"
    )
    [survey] = seeded.json("survey", "list")
    assert survey["responses"] == 4


_PEAK = """
import atexit, os, sys

def peak():  # VmHWM: this process's own high-water mark (ru_maxrss also counts what the parent held at fork)
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["LIPCTL_TEST_PEAK"], "w") as out:
        out.write(kb)

atexit.register(peak)
from lipctl.cli import main
sys.argv = ["lipctl", *sys.argv[1:]]
main()
"""


def _peak_rss_mb(tmp_path: Path, *args: str) -> float:
    """Run lipctl with stdout to /dev/null; its peak resident memory in MB."""
    peak = tmp_path / "peak"
    with open(os.devnull, "wb") as null:
        proc = subprocess.run(
            [sys.executable, "-c", _PEAK, *args],
            stdout=null,
            stderr=subprocess.PIPE,
            env=dict(os.environ, LIPCTL_TEST_PEAK=str(peak)),
            timeout=300,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr.decode()
    return int(peak.read_text()) / 1024


def test_the_export_streams_its_answers_in_flat_memory(db_url: str, seeded, tmp_path: Path) -> None:  # noqa: ANN001
    """The same peak memory for 1,000 answers as for 31,000 (~7 MB of text), as CSV and as JSON: the
    answers are written as they are read, never held all at once."""
    export = ("survey", "export", "--field", "bildung")
    _imported(seeded, tmp_path, 1000)
    few = {fmt: _peak_rss_mb(tmp_path, *export, "--format", fmt) for fmt in ("csv", "json")}
    _imported(seeded, tmp_path, 30_000, start=1000, name="b.csv")
    many = {fmt: _peak_rss_mb(tmp_path, *export, "--format", fmt) for fmt in ("csv", "json")}
    for fmt in ("csv", "json"):
        assert many[fmt] - few[fmt] < 8, f"{fmt}: {few[fmt]:.1f} MB for 1,000 answers, {many[fmt]:.1f} MB for 31,000"
    json_out = seeded("survey", "export", "--field", "bildung", "--format", "json")
    rows = json.loads(json_out.stdout)
    assert len(rows) == 31_000 and rows[0]["text"] == f"{TEXT} 0"
    assert json_out.stdout == json.dumps(rows, ensure_ascii=False, indent=2) + "\n", "streamed JSON is the same text"
