"""Fixtures for the lifecycle tests: the store opened directly, and a snapshot of what a refusal must not change."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine, select

from lipctl.errors import ExitCode
from lipctl.store import models as m
from lipctl.store.engine import resolve_url

#: The tables the lifecycle writes to.
TABLES = (m.Draft.__table__, m.DraftSurvey.__table__, m.Opinion.__table__, m.SteeringDecision.__table__, m.AuditEvent.__table__)


def open_engine() -> Engine:
    return create_engine(resolve_url(os.environ["LIPCTL_DB"]))


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of the lifecycle's tables, in id order."""
    with engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(t.c.id))] for t in TABLES}


def counts(engine: Engine) -> dict[str, int]:
    return {name: len(rows) for name, rows in snapshot(engine).items()}


@pytest.fixture
def engine(seeded) -> Iterator[Engine]:
    """An engine on the test's initialised database (LIPCTL_DB)."""
    eng = open_engine()
    yield eng
    eng.dispose()


@pytest.fixture
def refused(seeded, engine: Engine) -> Callable[..., str]:
    """Run a command that must be refused: exit 1, the message on stderr, nothing stored; returns stderr."""

    def run(*args: str, message: str) -> str:
        before = snapshot(engine)
        result = seeded(*args)
        assert result.exit_code == ExitCode.REFUSED, (result.exit_code, result.stdout, result.stderr)
        assert result.stdout == ""
        assert result.stderr.startswith("lipctl: "), result.stderr
        assert message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(engine) == before
        return result.stderr

    return run
