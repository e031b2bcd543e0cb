"""db check compares the database with lipctl's models; init and db upgrade keep others out of the file (#13)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from lipctl.errors import ExitCode
from tests.helpers import engine_on


def _execute(db_url: str, *statements: str) -> None:
    """Change the database behind lipctl's back (as a careless admin would)."""
    engine = engine_on(db_url)
    try:
        with engine.begin() as conn:
            for sql in statements:
                conn.execute(text(sql))
    finally:
        engine.dispose()


DAMAGE = {
    "a dropped table": (["DROP TABLE opinions"], ["table opinions is missing"]),
    "a dropped index": (["DROP INDEX ix_opinions_body_id"], ["index ix_opinions_body_id on table opinions is missing"]),
    "a dropped column": (["ALTER TABLE opinions DROP COLUMN file_sha256"], ["column opinions.file_sha256 is missing"]),
    "a table and an index too many": (
        ["CREATE TABLE notes (id INTEGER PRIMARY KEY)", "CREATE INDEX ix_people_extra ON people (name)"],
        ["table notes is not part of lipctl's schema", "index ix_people_extra on table people is not part of lipctl's schema"],
    ),
    "two at once": (
        ["DROP TABLE opinions", "DROP INDEX ix_audit_events_occurred_at"],
        ["table opinions is missing", "index ix_audit_events_occurred_at on table audit_events is missing"],
    ),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_check_reports_each_difference_from_the_models(db_url: str, cli, damage: str) -> None:
    assert cli("init").exit_code == ExitCode.OK
    statements, expected = DAMAGE[damage]
    _execute(db_url, *statements)
    result = cli("db", "check")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.splitlines() == [f"lipctl: {line}" for line in expected]
    data = json.loads(cli("db", "check", "--format", "json").stdout)
    assert data["ok"] is False
    assert data["differences"] == expected
    assert data["problems"] == expected
    assert data["schema_state"] == "current"


def test_check_of_an_intact_database_finds_no_difference(db_url: str, cli) -> None:
    assert cli("init").exit_code == ExitCode.OK
    result = cli("db", "check", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout)["differences"] == []


def test_a_changed_column_type_is_reported(pg_url: str, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIPCTL_DB", pg_url)
    assert cli("init").exit_code == ExitCode.OK
    _execute(pg_url, "ALTER TABLE people ALTER COLUMN name TYPE TEXT")
    result = cli("db", "check")
    assert result.exit_code == ExitCode.REFUSED
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("lipctl: column people.name differs from lipctl's schema (type: TEXT instead of VARCHAR(")


# --- permissions ------------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("command", [["init"], ["db", "upgrade"]])
def test_an_existing_world_readable_database_becomes_private(cli, isolated: Path, command: list[str]) -> None:
    db = isolated / "lip.db"
    assert cli("init").exit_code == ExitCode.OK
    os.chmod(db, 0o644)  # as SQLite creates a file, or a copy made by hand
    result = cli(*command)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert _mode(db) == 0o600
    lines = [line for line in result.stderr.splitlines() if line.startswith("lipctl: others")]
    assert len(lines) == 1
    assert lines[0].startswith(f"lipctl: others may no longer read or write {db}")
    assert lines[0].endswith("(mode 0644 → 0600)")
    for companion in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        if companion.exists():
            assert _mode(companion) & 0o077 == 0
    again = cli(*command)
    assert "others may no longer" not in again.stderr  # said once, when it changed


@pytest.mark.parametrize("command", [["init"], ["db", "upgrade"]])
def test_a_group_shared_database_stays_usable_for_the_group(cli, isolated: Path, command: list[str]) -> None:
    db = isolated / "lip.db"
    assert cli("init").exit_code == ExitCode.OK
    os.chmod(db, 0o660)
    result = cli(*command)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert _mode(db) == 0o660
    assert "others may no longer" not in result.stderr
    os.chmod(db, 0o664)
    result = cli(*command)
    assert _mode(db) == 0o660
    assert f"lipctl: others may no longer read or write {db}" in result.stderr
    assert "(mode 0664 → 0660)" in result.stderr


def test_upgrade_json_tells_what_changed(cli, isolated: Path) -> None:
    db = isolated / "lip.db"
    assert cli("init").exit_code == ExitCode.OK
    os.chmod(db, 0o604)
    data = cli.json("db", "upgrade")
    assert data["permissions"]["paths"][0] == str(db)
    assert (data["permissions"]["before"], data["permissions"]["after"]) == ("0604", "0600")
    assert cli.json("db", "upgrade")["permissions"] is None


def test_answers_that_refer_to_no_survey_field_category_or_batch_are_found(db_url: str, cli, tmp_path: Path) -> None:
    """The answers' survey, field, category and batch ids have no foreign key (0004, 0013, for the
    import's speed): db check finds what points nowhere, on both stores."""
    from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row

    assert cli("init").exit_code == ExitCode.OK
    path = tmp_path / "umfrage.csv"
    path.write_bytes(
        csv_bytes([LS_HEADER, *(ls_row(f"r{i}", "2020-06-15 14:32:10", "Bildung", "Idee", "gut") for i in range(3))])
    )
    assert cli("survey", "import", str(path), "--survey", "Umfrage").exit_code == ExitCode.OK
    clean = json.loads(cli("db", "check", "--format", "json").stdout)
    assert clean["ok"] is True and clean["unlinked_references"] == []
    _execute(
        db_url,
        "UPDATE survey_responses SET field_id = 9999 WHERE response_key IN ('r0', 'r1')",
        "UPDATE survey_responses SET batch_id = 777 WHERE response_key = 'r2'",
        "UPDATE survey_responses SET survey_id = 4242 WHERE response_key = 'r2'",
    )
    result = cli("db", "check")
    assert result.exit_code == ExitCode.REFUSED
    lines = result.stderr.splitlines()
    assert "lipctl: 1 rows of survey_responses.survey_id refer to no row of surveys (first: id 3)" in lines
    assert "lipctl: 2 rows of survey_responses.field_id refer to no row of action_fields (first: id 1)" in lines
    assert "lipctl: 1 rows of survey_responses.batch_id refer to no row of import_batches (first: id 3)" in lines
    data = json.loads(cli("db", "check", "--format", "json").stdout)
    assert [(u["column"], u["rows"]) for u in data["unlinked_references"]] == [
        ("survey_id", 1),
        ("field_id", 2),
        ("batch_id", 1),
    ]
