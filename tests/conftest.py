"""Shared fixtures: an isolated environment per test, the CLI runner, SQLite and PostgreSQL stores."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from tests import pgserver

if TYPE_CHECKING:
    from lipctl.context import Env

TODAY = "2021-02-01"

#: Fixtures shared across the layer folders (tests/fixtures/*.py), registered once for the whole suite.
pytest_plugins = [
    "tests.fixtures.i18n",
    "tests.fixtures.lifecycle",
    "tests.fixtures.status",
    "tests.fixtures.surveys",
    "tests.fixtures.votes",
]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own database file, a fixed date, a fixed actor and English."""
    import lipctl.context
    import lipctl.i18n

    for var in (
        "LIPCTL_DB",
        "LIPCTL_ACTOR",
        "LIPCTL_TODAY",
        "LIPCTL_LANG",
        "LC_ALL",
        "LC_MESSAGES",
        "LANG",
        "PGPASSWORD",
        "NO_COLOR",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LIPCTL_DB", str(tmp_path / "lip.db"))
    monkeypatch.setenv("LIPCTL_TODAY", TODAY)
    monkeypatch.setenv("LIPCTL_ACTOR", "tester")
    monkeypatch.setenv("LIPCTL_LANG", "en")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    lipctl.context._current = None
    lipctl.i18n._translations = None
    lipctl.i18n._language = None
    yield tmp_path
    if lipctl.context._current is not None:
        lipctl.context._current.dispose()
    lipctl.context._current = None


class Cli:
    """Runs lipctl in-process through Typer's CliRunner (stdout and stderr kept apart)."""

    def __init__(self) -> None:
        from lipctl.cli import app

        self.app = app
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None):  # noqa: ANN204
        import lipctl.i18n

        lipctl.i18n._translations = None
        lipctl.i18n._language = None
        return self.runner.invoke(self.app, [str(a) for a in args], input=input, env=env, catch_exceptions=False)

    def json(self, *args: str) -> object:
        result = self(*args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def make_env() -> Iterator[Callable[..., Env]]:
    """Builds what a service is given (lipctl.context.Env) on the database LIPCTL_DB points at when called
    (db_url points it at SQLite or PostgreSQL), as tester on TODAY unless told otherwise; no global is set."""
    import datetime as dt

    from lipctl.context import AppContext, Env

    stores: list[AppContext] = []

    def make(actor: str = "tester", today: dt.date | None = None, db: str | None = None) -> Env:
        stores.append(AppContext(db=db or os.environ["LIPCTL_DB"]))
        return Env(stores[-1], actor=actor, today=today or dt.date.fromisoformat(TODAY))

    yield make
    for store in stores:
        store.dispose()


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    """A CLI whose database is initialised with the shipped seed."""
    result = cli("init")
    assert result.exit_code == 0, result.stderr
    return cli


@pytest.fixture
def engine(seeded: Cli) -> Iterator[Any]:
    """An SQLAlchemy engine on the test's initialised database (LIPCTL_DB): for looking into the store."""
    from tests.helpers import engine_on

    eng = engine_on()
    yield eng
    eng.dispose()


# --- PostgreSQL ---------------------------------------------------------------------------

_pg_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PgServer]:
    if os.environ.get("LIPCTL_TEST_PG_URL"):
        pytest.skip("using LIPCTL_TEST_PG_URL instead")  # pragma: no cover
    try:
        server = pgserver.start()
    except RuntimeError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests must run in CI: {exc}")
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: pgserver.PgServer) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    import psycopg

    name = f"t{os.getpid()}_{next(_pg_counter)}"
    with psycopg.connect(host=str(pg_server.socket_dir), user=pg_server.user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_server.url(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The same test against SQLite and a real PostgreSQL server; LIPCTL_DB points at it."""
    if request.param == "sqlite":
        url = str(isolated / "store.db")
    else:
        url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("LIPCTL_DB", url)
    return url
