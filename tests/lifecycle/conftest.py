"""Fixtures for the lifecycle tests: a refusal, and the proof that it changed nothing (tests/helpers.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from lipctl.errors import ExitCode
from tests.helpers import snapshot


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
