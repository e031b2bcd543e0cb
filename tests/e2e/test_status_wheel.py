"""The briefing from an installed wheel: templates and CSS are package data, found away from the source tree."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from tests.e2e.test_wheel import installed, run  # noqa: F401  (the module-scoped wheel fixture)

pytestmark = pytest.mark.slow


def test_wheel_carries_the_templates(installed: dict) -> None:  # noqa: F811
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for name in ("briefing.html.j2", "briefing.md.j2", "briefing.css"):
        assert f"lipctl/report/templates/{name}" in names


def test_installed_lipctl_writes_the_briefing(installed: dict, tmp_path: Path) -> None:  # noqa: F811
    assert run(installed, tmp_path, "init").returncode == ExitCode.OK
    result = run(installed, tmp_path, "--today", "2021-02-01", "report", "--output", "b.html")
    assert result.returncode == ExitCode.OK, result.stderr
    html = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert "@page { size: A4;" in html and "Progress per action field" in html
    result = run(installed, tmp_path, "--today", "2021-02-01", "status", "--fail-on-overdue")
    assert result.returncode == ExitCode.OK, result.stderr  # the seed gives the milestones no day
    assert "bis Herbst 2020: open (0 of 6 fields)" in result.stdout
    moved = run(installed, tmp_path, "milestone", "reschedule", "grundsatzpapiere", "--due", "2020-11-30", "--reason", "Plan")
    assert moved.returncode == ExitCode.OK, moved.stderr
    result = run(installed, tmp_path, "--today", "2021-02-01", "status", "--fail-on-overdue")
    assert result.returncode == ExitCode.OVERDUE, result.stderr
    assert "Overdue: 6 items" in result.stdout  # the policy-paper milestone, for each of the six fields
