"""A 2 GB line and 10 million columns, fed through a named pipe (nothing that size on disk)."""

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


def _show(capsys: pytest.CaptureFixture[str], name: str, figures: dict[str, object]) -> None:
    with capsys.disabled():
        h.print_figures(f"absurd sizes: {name} -> lipctl survey import", figures)


def test_ten_million_columns_finish_quickly_in_bounded_memory(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figures = absurd.import_generated(tmp_path, db, absurd.wide(10_000_000), timeout=60)
    _show(capsys, "10 million columns", figures)
    assert "Traceback" not in figures["stderr"] and "unexpected error" not in figures["stderr"]
    assert figures["exit"] in (ExitCode.OK, ExitCode.REFUSED, ExitCode.IMPORT_REJECTED_ROWS)
    assert figures["seconds"] < 20
    assert figures["max_rss_mb"] < 600
    assert figures["integrity"] == "ok"
    assert figures["stored"] in (0, 1)


def test_ten_million_columns_are_refused(db: Path, tmp_path: Path) -> None:
    figures = absurd.import_generated(tmp_path, db, absurd.wide(10_000_000), timeout=60)
    assert figures["exit"] in (ExitCode.REFUSED, ExitCode.IMPORT_REJECTED_ROWS)
    assert "column" in figures["stderr"]


def test_a_2gb_line_is_refused_quickly_in_bounded_memory(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figures = absurd.import_generated(tmp_path, db, absurd.long_line(2 * 1024**3), timeout=60)
    _show(capsys, "a 2 GB line", figures)
    assert figures["integrity"] == "ok"
    assert "Traceback" not in figures["stderr"] and "unexpected error" not in figures["stderr"]
    assert figures["exit"] in (ExitCode.REFUSED, ExitCode.IMPORT_REJECTED_ROWS)
    assert "export.csv" in figures["stderr"]
    assert figures["seconds"] < 10
    assert figures["max_rss_mb"] < 300
