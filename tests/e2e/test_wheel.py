"""lipctl as a user gets it: a built wheel, installed, run as a real process away from the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lipctl.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling (the test extra installs it)")
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(out.glob("lipctl-*.whl"))
    target = tmp_path_factory.mktemp("site")
    inst = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert inst.returncode == 0, inst.stderr
    return {"wheel": wheel, "target": target}


def run(installed: dict, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIPCTL_")}
    env.update(PYTHONPATH=str(installed["target"]), LIPCTL_DB=str(tmp_path / "e2e.db"), LIPCTL_LANG="en", LIPCTL_ACTOR="e2e")
    script = installed["target"] / "bin" / "lipctl"
    cmd = [str(script), *args] if script.exists() else [sys.executable, "-m", "lipctl", *args]
    # cwd away from the source tree, so only the installed package can be imported
    return subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_wheel_carries_seed_and_migrations(installed: dict) -> None:
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    assert "lipctl/data/seed.yaml" in names
    assert "lipctl/store/migrations/env.py" in names
    assert "lipctl/store/migrations/versions/0001_initial.py" in names
    assert "lipctl/store/migrations/script.py.mako" in names


def test_installed_lipctl_initialises_and_answers(installed: dict, tmp_path: Path) -> None:
    result = run(installed, tmp_path, "init")
    assert result.returncode == ExitCode.OK, result.stderr
    assert str(installed["target"]) in result.stderr  # the packaged seed, not the source tree's
    result = run(installed, tmp_path, "contacts", "--format", "json")
    assert result.returncode == ExitCode.OK, result.stderr
    rows = json.loads(result.stdout)
    assert [r["field"] for r in rows] == [
        "bildung",
        "soziales",
        "demokratie",
        "stadtleben-kultur",
        "wirtschaft",
        "stadtverwaltung-diversitaet",
    ]
    result = run(installed, tmp_path, "fields")
    assert "City administration and diversity" in result.stdout  # LIPCTL_LANG=en: the seed's name_en


def test_installed_lipctl_refuses_without_traceback(installed: dict, tmp_path: Path) -> None:
    assert run(installed, tmp_path, "init").returncode == ExitCode.OK
    result = run(installed, tmp_path, "contacts", "Sport")
    assert result.returncode == ExitCode.REFUSED
    assert result.stderr.startswith("lipctl: no action field 'Sport' — valid: bildung,")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
