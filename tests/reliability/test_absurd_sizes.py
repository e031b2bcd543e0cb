"""A 2 GB line (a sparse file), 10 million columns, a 50 MB quoted cell: refused quickly, memory bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from tests.stress import _harness as h
from tests.stress import absurd

pytestmark = pytest.mark.slow


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    return h.seeded_copy(template_db, tmp_path / "lip.db")


def _run(name: str, db: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    figures = absurd.import_file(path.parent, db, path, timeout=60)
    with capsys.disabled():
        h.print_figures(f"absurd sizes: {name} -> lipctl survey import", {k: v for k, v in figures.items() if k != "stderr"})
    assert "Traceback" not in figures["stderr"] and "unexpected error" not in figures["stderr"]
    assert figures["integrity"] == "ok"
    assert figures["seconds"] < 10
    assert figures["max_rss_mb"] < 300
    return figures


def test_a_2gb_line_is_refused_quickly_in_bounded_memory(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = absurd.long_line(tmp_path / "export.csv", 2 * 1024**3)
    assert path.stat().st_blocks * 512 < 16 * 1024**2, "the test must not write 2 GB to disk"
    figures = _run("a 2 GB line", db, path, capsys)
    assert figures["exit"] == ExitCode.REFUSED
    assert figures["stderr"].startswith(f"lipctl: {path}: line 2 is longer than 1,000,000 characters")
    assert figures["stored"] == 0


def test_ten_million_columns_are_refused_quickly_in_bounded_memory(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = _run("10 million columns", db, absurd.wide(tmp_path / "export.csv", 10_000_000), capsys)
    assert figures["exit"] == ExitCode.REFUSED
    assert figures["stderr"].startswith(f"lipctl: {tmp_path / 'export.csv'}: line 1 is longer than")
    assert "columns" in figures["stderr"]
    assert figures["stored"] == 0


def test_a_50mb_quoted_cell_in_short_lines_stays_bounded(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No line is long, but the cell is: the csv module's field limit stops it; nothing of it is stored."""
    figures = _run("a 50 MB quoted cell", db, absurd.long_cell(tmp_path / "export.csv", 50 * 1024**2), capsys)
    assert figures["exit"] in (ExitCode.REFUSED, ExitCode.IMPORT_REJECTED_ROWS)
    assert f"{tmp_path / 'export.csv'}:2" in figures["stderr"] or "line 2" in figures["stderr"], "the message names the line"
    assert figures["stored"] == 0
