"""remind --within of any size: a window past the last date the calendar knows takes in everything due."""

from __future__ import annotations

from lipctl.errors import ExitCode


def test_a_window_of_millions_of_days_reminds_of_everything_due(office, cli, tmp_path) -> None:  # noqa: ANN001
    usual = cli("remind", "--output", str(tmp_path / "a"), "--format", "json")
    assert usual.exit_code == ExitCode.OK, usual.stderr
    for within in ("3000000", "99999999999999999999"):
        wide = cli("remind", "--within", within, "--output", str(tmp_path / within), "--format", "json")
        assert wide.exit_code == ExitCode.OK, wide.stderr
        assert "unexpected error" not in wide.stderr
        assert sorted(p.name for p in (tmp_path / within).iterdir()) == sorted(p.name for p in (tmp_path / "a").iterdir())
