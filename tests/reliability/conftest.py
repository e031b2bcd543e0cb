"""Fixtures of the reliability tests: a seeded template database, snapshots, an unprivileged runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.stress import _harness as h

SEED = h.REPO / "data" / "seed.yaml"
SECRET = "S3cr3t%pw"
SECRET_URL = "postgresql+psycopg://u:S3cr3t%25pw@127.0.0.1:1/x"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An initialised SQLite database (closed and checkpointed) to copy per test or per example."""
    db = tmp_path_factory.mktemp("template") / "template.db"
    h.init_db(db)
    return db


@pytest.fixture
def fresh_db(template_db: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the template, and LIPCTL_DB pointing at it."""
    db = isolated / "lip.db"
    shutil.copyfile(template_db, db)
    os.chmod(db, 0o600)
    monkeypatch.setenv("LIPCTL_DB", str(db))
    return db


@pytest.fixture
def unprivileged() -> list[str]:
    """A command prefix under which file permissions hold, also for root (as CI runs).

    Root passes every permission check; ``setpriv`` drops the capabilities that let it
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a chmod'ed folder is really not writable.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a folder unwritable for the test")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps=-all", "--"]
