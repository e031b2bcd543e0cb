"""lipctl db grant with real PostgreSQL roles: a reader only reads, a writer writes rows but never the schema.

The test server trusts local connections, so a role logs in by naming itself in the URL
(``postgresql+psycopg://ROLE@/db?host=…``); what it may do is then up to the grants alone.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from pathlib import Path

import psycopg
import pytest

from lipctl.errors import ExitCode
from tests import pgserver
from tests.stress import _harness as h

pytestmark = pytest.mark.postgres

_roles = itertools.count()


def as_role(pg_url: str, role: str) -> str:
    assert "://lipctl@" in pg_url
    return pg_url.replace("://lipctl@", f"://{role}@")


def connect(pg_url: str, role: str = "lipctl") -> psycopg.Connection:
    from lipctl.store.location import resolve

    return psycopg.connect(resolve(as_role(pg_url, role)).libpq_url, autocommit=True)


def new_role(pg_url: str, kind: str) -> str:
    role = f"lip_{kind}_{os.getpid()}_{next(_roles)}"
    with connect(pg_url) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
    return role


def count(pg_url: str, table: str) -> int:
    with connect(pg_url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]


def psql(pg_url: str, role: str, sql: str) -> subprocess.CompletedProcess[str]:
    """Run SQL through psql as ``role`` (psycopg when psql is missing)."""
    from lipctl.store.location import resolve

    binary = pgserver.find_bin("psql")
    url = resolve(as_role(pg_url, role)).libpq_url
    if binary is None:  # pragma: no cover - psql comes with the server binaries
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(sql)  # type: ignore[arg-type]
        except psycopg.Error as exc:
            return subprocess.CompletedProcess([], 3, "", f"ERROR:  {exc}")
        return subprocess.CompletedProcess([], 0, "", "")
    return subprocess.run(
        [binary, "-X", "-v", "ON_ERROR_STOP=1", url, "-c", sql], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def store(pg_url: str, cli, isolated: Path) -> str:
    """An initialised store with a draft and an imported survey, made by the owner (the suite's superuser)."""
    assert cli("--db", pg_url, "init").exit_code == ExitCode.OK
    assert cli("--db", pg_url, "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "v1").exit_code == 0
    survey = h.write_survey(isolated / "s.csv", 12, prefix="o")
    assert cli("--db", pg_url, "survey", "import", str(survey), "--survey", "S1").exit_code == ExitCode.OK
    return pg_url


def grant(cli, pg_url: str, *args: str) -> None:
    result = cli("--db", pg_url, "db", "grant", *args)
    assert result.exit_code == ExitCode.OK, result.stderr


READS = [
    ["contacts"],
    ["status"],
    ["status", "--format", "json"],
    ["fields"],
    ["bodies"],
    ["draft", "list"],
    ["draft", "show", "bildung/grundsatzpapier"],
    ["survey", "list"],
    ["survey", "stats"],
    ["survey", "export", "--field", "bildung", "--format", "csv"],
    ["draft", "history", "bildung/grundsatzpapier"],
    ["opinion", "list"],
    ["log"],
    ["search", "Anregung", "--format", "json"],  # issue 19: the search index is granted with the tables
]


def test_reader_runs_every_read_command_and_no_write(store: str, cli, isolated: Path) -> None:
    reader = new_role(store, "reader")
    grant(cli, store, "--reader", reader)
    url = as_role(store, reader)
    for args in [*READS, ["report", "--output", str(isolated / "briefing.html")]]:
        result = cli("--db", url, *args)
        assert result.exit_code == ExitCode.OK, (args, result.stderr)
    assert (isolated / "briefing.html").stat().st_size > 0
    before = {t: count(store, t) for t in ("drafts", "survey_responses", "import_batches", "audit_events", "opinions")}
    writes = [
        ["draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "v2"],
        ["survey", "import", str(h.write_survey(isolated / "r.csv", 5, prefix="r")), "--survey", "S1"],
        [
            "opinion",
            "record",
            "bildung/grundsatzpapier",
            "--from",
            "runder-tisch",
            "--stance",
            "approve",
            "--text",
            "ok",
            "--date",
            "2021-01-20",
        ],
    ]
    for args in writes:
        result = cli("--db", url, *args)
        assert result.exit_code == ExitCode.REFUSED, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr  # one line, no traceback
        assert lines[0].startswith("lipctl: the database postgresql+psycopg://")
        assert "refused this: permission denied for table" in lines[0]
        assert "nothing was changed" in lines[0] and "lipctl db grant" in lines[0]
        assert result.stdout == ""
    assert {t: count(store, t) for t in before} == before


def test_reader_in_a_real_process_as_cron_runs_it(store: str, cli) -> None:
    reader = new_role(store, "cron")
    grant(cli, store, "--reader", reader)
    url = as_role(store, reader)
    status = h.lipctl(url, "status", "--format", "json")
    assert status.returncode == ExitCode.OK, status.stderr
    assert json.loads(status.stdout)
    submit = h.lipctl(url, "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "x")
    assert submit.returncode == ExitCode.REFUSED
    assert len(submit.stderr.strip().splitlines()) == 1, submit.stderr
    assert "permission denied for table" in submit.stderr
    assert count(store, "drafts") == 1


def test_writer_writes_rows_and_cannot_change_the_schema(store: str, cli, isolated: Path) -> None:
    writer = new_role(store, "writer")
    grant(cli, store, "--writer", writer)
    url = as_role(store, writer)
    assert cli("--db", url, "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "v2").exit_code == 0
    survey = h.write_survey(isolated / "w.csv", 30, prefix="w")
    imported = cli("--db", url, "survey", "import", str(survey), "--survey", "S2", "--format", "json")
    assert imported.exit_code == ExitCode.OK, imported.stderr
    again = cli("--db", url, "survey", "import", str(survey), "--survey", "S2")
    assert again.exit_code == ExitCode.OK, again.stderr
    assert count(store, "drafts") == 2
    assert count(store, "survey_responses") == 12 + 30
    for args in READS:
        assert cli("--db", url, *args).exit_code == ExitCode.OK, args
    # the schema is not the writer's
    for sql in (
        "CREATE TABLE intruder (a int)",
        "ALTER TABLE drafts ADD COLUMN intruder int",
        "DROP TABLE opinions",
        "CREATE INDEX intruder ON drafts (title)",
        "TRUNCATE survey_responses",
        "UPDATE alembic_version SET version_num = 'x'",
        "DELETE FROM audit_events",
    ):
        run = psql(store, writer, sql)
        assert run.returncode != 0, sql
        assert "permission denied" in run.stderr or "must be owner" in run.stderr, (sql, run.stderr)
    # a temporary staging table (the survey import's COPY) is allowed
    assert psql(store, writer, "CREATE TEMP TABLE staging (a text); INSERT INTO staging VALUES ('x')").returncode == 0
    assert count(store, "survey_responses") == 42
    assert cli("--db", store, "db", "check").exit_code == ExitCode.OK  # the schema is unchanged


def test_writer_becomes_reader_when_granted_again(store: str, cli) -> None:
    role = new_role(store, "demoted")
    grant(cli, store, "--writer", role)
    url = as_role(store, role)
    assert cli("--db", url, "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "w").exit_code == 0
    grant(cli, store, "--reader", role)
    refused = cli("--db", url, "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "r")
    assert refused.exit_code == ExitCode.REFUSED
    assert "permission denied" in refused.stderr
    assert psql(store, role, "INSERT INTO people (name) VALUES ('x')").returncode != 0
    assert count(store, "drafts") == 2


def test_tables_of_a_later_migration_are_covered_by_default_privileges(store: str, cli) -> None:
    reader, writer = new_role(store, "r"), new_role(store, "w")
    grant(cli, store, "--reader", reader, "--writer", writer)
    with connect(store) as owner:  # what a later migration does, as the owner
        owner.execute("CREATE TABLE later_table (id serial PRIMARY KEY, a text)")
    assert psql(store, writer, "INSERT INTO later_table (a) VALUES ('x')").returncode == 0
    assert psql(store, reader, "SELECT * FROM later_table").returncode == 0
    assert psql(store, reader, "INSERT INTO later_table (a) VALUES ('y')").returncode != 0


def test_grant_is_recorded_and_reported(store: str, cli) -> None:
    reader = new_role(store, "rep")
    result = cli("--db", store, "db", "grant", "--reader", reader, "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert "Granted." not in result.stderr  # the note is for the table formats
    assert data["owner"] == "lipctl"
    assert data["grants"] == [
        {
            "role": reader,
            "access": "reader",
            "schema": "public",
            "tables": data["grants"][0]["tables"],
            "sequences": data["grants"][0]["sequences"],
        }
    ]
    assert data["grants"][0]["tables"] >= 26
    log = cli.json("--db", store, "log")
    assert any(e["action"] == "db.granted" and e.get("details", {}).get("role") == reader for e in log), log[-3:]
    table = cli("--db", store, "db", "grant", "--reader", reader)
    assert "Granted." in table.stderr and "lipctl db upgrade" in table.stderr


def test_grant_refusals(store: str, cli, isolated: Path) -> None:
    before = count(store, "audit_events")
    cases = [
        (["--reader", "no_such_role_x"], "there is no role no_such_role_x on this server"),
        (["--reader", "lipctl"], "lipctl is the role you are connected as"),
        ([], "no role given — name one with --reader ROLE or --writer ROLE"),
        (["--reader", "a", "--writer", "a"], "a cannot be both reader and writer"),
    ]
    for args, expected in cases:
        result = cli("--db", store, "db", "grant", *args)
        assert result.exit_code != ExitCode.OK, args
        assert expected in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    with connect(store) as conn:
        conn.execute(f'CREATE ROLE "super_{os.getpid()}" LOGIN SUPERUSER')
    result = cli("--db", store, "db", "grant", "--writer", f"super_{os.getpid()}")
    assert result.exit_code == ExitCode.REFUSED
    assert "is a superuser: no grant can limit it" in result.stderr
    # a writer cannot hand out grants: it owns nothing
    writer = new_role(store, "nogrant")
    grant(cli, store, "--writer", writer)
    result = cli("--db", as_role(store, writer), "db", "grant", "--writer", new_role(store, "other"))
    assert result.exit_code == ExitCode.REFUSED
    assert f"you ({writer}) do not own the table" in result.stderr
    assert count(store, "audit_events") == before + 1  # the one grant above


def test_grant_refused_when_public_could_still_create(store: str, cli) -> None:
    """PostgreSQL before 15 lets PUBLIC create in the public schema: refused, nothing changed."""
    writer = new_role(store, "pub")
    with connect(store) as conn:
        conn.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    try:
        result = cli("--db", store, "db", "grant", "--writer", writer)
        assert result.exit_code == ExitCode.REFUSED
        assert "could still create tables in the schema public" in result.stderr
        assert "REVOKE CREATE ON SCHEMA public FROM PUBLIC" in result.stderr
        assert psql(store, writer, "INSERT INTO people (name) VALUES ('x')").returncode != 0  # nothing was granted
    finally:
        with connect(store) as conn:
            conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")


def test_grant_on_sqlite_is_refused_with_what_to_do(cli) -> None:
    assert cli("init").exit_code == ExitCode.OK
    result = cli("db", "grant", "--reader", "someone")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.strip() == (
        "lipctl: roles exist only on a PostgreSQL server; this database is a SQLite file — on SQLite the file's "
        "permissions decide: readers need read access to the file, writers write access to it and its folder"
    )


def test_an_owner_that_is_no_superuser_grants(pg_url: str, cli) -> None:
    """The usual set-up on a city server: the database belongs to an ordinary role, which ran init."""
    owner, reader, writer = new_role(pg_url, "owner"), new_role(pg_url, "r"), new_role(pg_url, "w")
    name = pg_url.split("@/", 1)[1].split("?", 1)[0]
    with connect(pg_url) as conn:
        conn.execute(f'ALTER DATABASE "{name}" OWNER TO "{owner}"')  # public belongs to pg_database_owner
    owned = as_role(pg_url, owner)
    assert cli("--db", owned, "init").exit_code == ExitCode.OK
    result = cli("--db", owned, "db", "grant", "--reader", reader, "--writer", writer)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert cli("--db", as_role(pg_url, writer), "draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == 0
    assert cli("--db", as_role(pg_url, reader), "draft", "list").exit_code == ExitCode.OK
    refused = cli("--db", as_role(pg_url, reader), "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    assert refused.exit_code == ExitCode.REFUSED and "permission denied" in refused.stderr
    assert psql(pg_url, writer, "CREATE TABLE intruder (a int)").returncode != 0
    with connect(pg_url, owner) as conn:  # a later migration, run by the owner
        conn.execute("CREATE TABLE later_table (a int)")
    assert psql(pg_url, reader, "SELECT * FROM later_table").returncode == 0
    assert psql(pg_url, writer, "INSERT INTO later_table VALUES (1)").returncode == 0
