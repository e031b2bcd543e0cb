"""Connections by libpq service and passfile: no password in a cron line or a shell history.

``--db 'postgresql+psycopg:///?service=lip'`` names a section of ``pg_service.conf`` (PGSERVICEFILE);
host, database and user come from there, and a password from the passfile (PGPASSFILE or
``passfile=``). Both ways into the store — SQLAlchemy for writing commands, plain psycopg for the
read commands — must hand these parameters to libpq untouched, and fill in nothing that would
override the service (an empty host or database in the URL stays empty).
"""

from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path

import psycopg
import pytest

from lipctl.errors import ExitCode
from lipctl.store.location import resolve
from tests import pgserver
from tests.stress import _harness as h

SERVICE_URL = "postgresql+psycopg:///?service=lip"
_n = itertools.count()


def test_a_service_url_is_passed_on_as_it_is() -> None:
    from sqlalchemy.dialects.postgresql import psycopg as dialect

    from lipctl.store.engine import resolve_url

    location = resolve(SERVICE_URL)
    assert location.backend == "postgresql"
    assert location.libpq_url == "postgresql:///?service=lip"
    assert location.safe == SERVICE_URL
    url = resolve_url(SERVICE_URL)
    # no host, database, user or port of lipctl's own: libpq takes them from the service
    assert dialect.dialect().create_connect_args(url) == ([], {"service": "lip"})
    passfile = "postgresql+psycopg://office@/lip?service=lip&passfile=/etc/lipctl/pgpass"
    assert resolve(passfile).libpq_url == "postgresql://office@/lip?service=lip&passfile=/etc/lipctl/pgpass"
    assert dialect.dialect().create_connect_args(resolve_url(passfile))[1] == {
        "service": "lip",
        "passfile": "/etc/lipctl/pgpass",
        "user": "office",
        "dbname": "lip",
    }


def _database(pg_server: pgserver.PgServer) -> str:
    name = f"svc{os.getpid()}_{next(_n)}"
    with psycopg.connect(host=str(pg_server.socket_dir), user=pg_server.user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def _service_file(folder: Path, **params: str) -> Path:
    path = folder / "pg_service.conf"
    path.write_text("[lip]\n" + "".join(f"{k}={v}\n" for k, v in params.items()), encoding="utf-8")
    return path


@pytest.mark.postgres
def test_every_path_connects_through_the_service_file(
    pg_server: pgserver.PgServer, cli, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _database(pg_server)
    service = _service_file(isolated, host=str(pg_server.socket_dir), dbname=name, user=pg_server.user)
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    monkeypatch.setenv("LIPCTL_DB", SERVICE_URL)
    for args in (
        ["init"],  # SQLAlchemy and Alembic
        ["draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "T"],
        ["survey", "import", str(h.write_survey(isolated / "a.csv", 7, prefix="a")), "--survey", "S"],
        ["contacts"],  # plain psycopg (the read path)
        ["status", "--format", "json"],
        ["survey", "stats"],
        ["db", "check"],
    ):
        result = cli(*args)
        assert result.exit_code == ExitCode.OK, (args, result.stderr)
    # the rows are in the service's database (not in one named by a default)
    with psycopg.connect(host=str(pg_server.socket_dir), user=pg_server.user, dbname=name) as conn:
        assert conn.execute("SELECT count(*) FROM drafts").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM survey_responses").fetchone() == (7,)
    # as cron runs it: a real process whose whole configuration is the service's name
    run = h.lipctl(SERVICE_URL, "status", PGSERVICEFILE=str(service))
    assert run.returncode == ExitCode.OK, run.stderr
    backup = cli("db", "backup", str(isolated / "b.db"))
    assert "pg_dump --format=custom --file=BACKUP.dump 'postgresql:///?service=lip'" in backup.stderr


@pytest.mark.postgres
def test_an_unknown_service_is_one_line(pg_server: pgserver.PgServer, cli, isolated: Path, monkeypatch) -> None:
    monkeypatch.setenv("PGSERVICEFILE", str(_service_file(isolated, host=str(pg_server.socket_dir))))
    for args in (["contacts"], ["init"]):
        result = cli("--db", "postgresql+psycopg:///?service=nope", *args)
        assert result.exit_code == ExitCode.REFUSED
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("lipctl: cannot open the database postgresql+psycopg:///?service=nope: ")
        assert 'service "nope"' in lines[0] and "not found" in lines[0]


# --- a password-protected role, its password only in a passfile ----------------------------------------


@pytest.fixture
def protected_role(pg_server: pgserver.PgServer) -> tuple[str, str, str]:
    """A role that must give its password over the socket: a pg_hba.conf line for it alone, before 'trust'."""
    role, password, name = f"pw_{os.getpid()}_{next(_n)}", "cr0n:pa$$ wörd", _database(pg_server)
    hba = pg_server.root / "data" / "pg_hba.conf"
    with psycopg.connect(host=str(pg_server.socket_dir), user=pg_server.user, dbname=name, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'")
        conn.execute(f'GRANT ALL ON SCHEMA public TO "{role}"')
        hba.write_text(f"local all {role} scram-sha-256\n" + hba.read_text())
        conn.execute("SELECT pg_reload_conf()")
    return role, password, name


@pytest.mark.postgres
def test_the_password_comes_from_the_passfile(
    pg_server: pgserver.PgServer, protected_role: tuple[str, str, str], cli, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    role, password, name = protected_role
    socket = str(pg_server.socket_dir)
    url = f"postgresql+psycopg://{role}@/{name}?host={socket}"
    monkeypatch.delenv("PGPASSFILE", raising=False)
    monkeypatch.setenv("HOME", str(isolated))  # no ~/.pgpass of the person running the tests
    without = cli("--db", url, "init")
    assert without.exit_code == ExitCode.REFUSED
    assert "no password supplied" in without.stderr or "password authentication failed" in without.stderr
    assert len(without.stderr.strip().splitlines()) == 1

    passfile = isolated / "pgpass"
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    passfile.write_text(f"*:*:{name}:{role}:{escaped}\n", encoding="utf-8")
    passfile.chmod(0o600)  # libpq ignores a passfile that others can read
    assert stat.S_IMODE(passfile.stat().st_mode) == 0o600

    monkeypatch.setenv("PGPASSFILE", str(passfile))
    outputs = []
    for args in (["init"], ["contacts"], ["status"], ["db", "check"]):
        result = cli("--db", url, *args)
        assert result.exit_code == ExitCode.OK, (args, result.stderr)
        outputs.append(result.stdout + result.stderr)
    monkeypatch.delenv("PGPASSFILE")

    # passfile= in the URL, and a service file naming the passfile: the cron line holds neither
    for args in (["contacts"], ["draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "T"]):
        result = cli("--db", f"{url}&passfile={passfile}", *args)
        assert result.exit_code == ExitCode.OK, (args, result.stderr)
        outputs.append(result.stdout + result.stderr)
    service = _service_file(isolated, host=socket, dbname=name, user=role, passfile=str(passfile))
    run = h.lipctl(SERVICE_URL, "status", "--format", "json", PGSERVICEFILE=str(service), HOME=str(isolated))
    assert run.returncode == ExitCode.OK, run.stderr
    outputs.append(run.stdout + run.stderr)
    assert not any(password in out or "pa$$" in out for out in outputs)
