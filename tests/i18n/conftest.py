"""Fixtures for the language tests: the catalogue tool, the German catalogue, lipctl in a real process."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def tool() -> ModuleType:
    """tools/update_catalog.py, the one command that extracts, merges and compiles."""
    pytest.importorskip("babel", reason="the catalogue checks need Babel (the test extra installs it)")
    spec = importlib.util.spec_from_file_location("update_catalog", REPO / "tools" / "update_catalog.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def template(tool: ModuleType):  # noqa: ANN201
    """Every message id in the code, extracted with Babel now (not the committed .po)."""
    return tool.extract()


@pytest.fixture(scope="session")
def german(tool: ModuleType):  # noqa: ANN201
    """The committed German catalogue (lipctl.po) as Babel reads it."""
    from babel.messages.pofile import read_po

    with tool.PO.open("rb") as fileobj:
        return read_po(fileobj, locale="de", domain="lipctl")


def lipctl(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m lipctl ARGS`` in a real process, with no language settings but ``env``."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LIPCTL_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE") and not k.startswith("LIPCTL_")
    }
    base.update({"COLUMNS": "200", "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"})
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "lipctl", *args],
        env=base,
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
