"""The German catalogue reaches a user: the wheel carries the compiled .mo, and the installed
lipctl speaks German away from the source tree."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from tests.e2e.test_wheel import installed, run  # noqa: F401  (installed: the fixture that builds and installs the wheel)

pytestmark = pytest.mark.slow


def test_wheel_carries_the_german_catalogue(installed: dict) -> None:  # noqa: F811
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    assert "lipctl/locale/de/LC_MESSAGES/lipctl.mo" in names
    assert "lipctl/locale/de/LC_MESSAGES/lipctl.po" in names


def test_installed_lipctl_speaks_german(installed: dict, tmp_path: Path) -> None:  # noqa: F811
    assert run(installed, tmp_path, "init").returncode == ExitCode.OK
    result = run(installed, tmp_path, "--lang", "de", "contacts", "Sport")
    assert result.returncode == ExitCode.REFUSED
    assert result.stderr.startswith("lipctl: kein Handlungsfeld 'Sport' — gültig: bildung,")
    result = run(installed, tmp_path, "--lang", "de", "--help")
    assert "Sprache der Oberfläche: de oder en." in " ".join(result.stdout.split())
