"""lipctl db backup, check, upgrade: what the user sees, and what is on disk afterwards."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from pathlib import Path

from lipctl.errors import ExitCode
from lipctl.store.schema import HEAD
from tests.helpers import counts, snapshot
from tests.reliability.conftest import SECRET, SECRET_URL
from tests.stress import _harness as h


def _with_responses(cli, folder: Path, rows: int = 30) -> None:
    csv_file = h.write_survey(folder / "answers.csv", rows, prefix="r")
    result = cli("survey", "import", str(csv_file), "--survey", "Beteiligung 2020")
    assert result.exit_code == ExitCode.OK, result.stderr


# --- backup -----------------------------------------------------------------------------------


def test_backup_is_a_complete_private_copy_that_lipctl_can_open(cli, fresh_db: Path, isolated: Path) -> None:
    _with_responses(cli, isolated)
    target = isolated / "backups" / "lip-2021-02-01.db"
    target.parent.mkdir()
    old = os.umask(0)  # the mode must not depend on the caller's umask
    try:
        result = cli.json("db", "backup", str(target))
    finally:
        os.umask(old)
    assert result == {
        "database": f"sqlite:///{fresh_db}",
        "backup": str(target),
        "bytes": target.stat().st_size,
        "schema": HEAD,
        "check": "ok",
        "documents": 0,  # no document kept: no PATH.files/ folder
        "documents_folder": None,
    }
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert counts(target) == counts(fresh_db)
    assert counts(target)["survey_responses"] == 30
    assert snapshot(target) == snapshot(fresh_db)
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no temporary file left
    fields = cli("--db", str(target), "fields", "--format", "json")
    assert fields.exit_code == ExitCode.OK
    assert len(json.loads(fields.stdout)) == 6


def test_backup_refuses_an_existing_file_unless_forced(cli, fresh_db: Path, isolated: Path) -> None:
    target = isolated / "backup.db"
    target.write_bytes(b"an older backup")
    result = cli("db", "backup", str(target))
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.strip() == f"lipctl: {target} already exists — choose another path, or add --force to replace it"
    assert target.read_bytes() == b"an older backup"
    result = cli("db", "backup", str(target), "--force")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert counts(target) == counts(fresh_db)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_backup_refuses_a_missing_folder_a_folder_and_the_database_itself(cli, fresh_db: Path, isolated: Path) -> None:
    before = sorted(p.name for p in isolated.iterdir())
    result = cli("db", "backup", str(isolated / "no" / "such" / "b.db"))
    assert result.exit_code == ExitCode.REFUSED
    assert (
        result.stderr.strip()
        == f"lipctl: the folder {isolated / 'no' / 'such'} does not exist — create it first, or choose another path"
    )
    result = cli("db", "backup", str(isolated))
    assert result.exit_code == ExitCode.REFUSED
    assert f"{isolated} is a folder" in result.stderr
    result = cli("db", "backup", str(fresh_db), "--force")
    assert result.exit_code == ExitCode.REFUSED
    assert "is the database itself" in result.stderr
    assert sorted(p.name for p in isolated.iterdir()) == before


def test_backup_into_a_folder_that_is_not_writable(template_db: Path, tmp_path: Path, unprivileged: list[str]) -> None:
    db = h.seeded_copy(template_db, tmp_path / "lip.db")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    locked.chmod(0o555)
    run = h.lipctl(db, "db", "backup", str(locked / "b.db"), prefix=unprivileged)
    assert run.returncode == ExitCode.REFUSED, run.stderr
    assert run.stderr.strip() == f"lipctl: the folder {locked} is not writable — choose a folder you can write to"
    assert list(locked.iterdir()) == []


def test_backup_while_another_process_holds_the_write_lock(cli, fresh_db: Path, isolated: Path) -> None:
    """The online backup copies the last committed state and neither waits for nor disturbs a writer."""
    writer = sqlite3.connect(fresh_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO people (name) VALUES ('uncommitted person')")
    try:
        start = time.perf_counter()
        result = cli("db", "backup", str(isolated / "during.db"))
        elapsed = time.perf_counter() - start
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert result.exit_code == ExitCode.OK, result.stderr
    assert elapsed < 5
    with sqlite3.connect(isolated / "during.db") as conn:
        assert conn.execute("SELECT count(*) FROM people WHERE name = 'uncommitted person'").fetchone()[0] == 0
    with sqlite3.connect(fresh_db) as conn:
        assert conn.execute("SELECT count(*) FROM people WHERE name = 'uncommitted person'").fetchone()[0] == 1


def test_backup_of_postgresql_says_how_to_use_pg_dump_without_the_password(cli, isolated: Path) -> None:
    result = cli("--db", SECRET_URL, "db", "backup", str(isolated / "b.dump"))
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.strip() == (
        "lipctl: lipctl backs up SQLite files only; this database is on a PostgreSQL server — use PostgreSQL's own tool: "
        "pg_dump --format=custom --file=BACKUP.dump 'postgresql://u@127.0.0.1:1/x' (the password from PGPASSWORD or ~/.pgpass)"
    )
    assert "S3cr3t" not in result.stdout + result.stderr
    assert not (isolated / "b.dump").exists()


def test_backup_before_init(cli, isolated: Path) -> None:
    result = cli("db", "backup", str(isolated / "b.db"))
    assert result.exit_code == ExitCode.REFUSED
    assert "run 'lipctl init' first" in result.stderr
    assert not (isolated / "b.db").exists()
    assert not (isolated / "lip.db").exists()


# --- check ------------------------------------------------------------------------------------


def test_check_reports_integrity_schema_and_rows(cli, fresh_db: Path, isolated: Path) -> None:
    _with_responses(cli, isolated, rows=12)
    result = cli("db", "check", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    from lipctl.search.index import is_index_table  # issue 19: db check counts lipctl's models, not the search index

    stored = {table: n for table, n in counts(fresh_db).items() if not is_index_table(table)}
    del stored["alembic_version"]
    chain = data.pop("audit_chain")
    assert chain["ok"] is True and chain["events"] == stored["audit_events"] and len(chain["head"]) == 64
    assert data == {
        "database": f"sqlite:///{fresh_db}",
        "backend": "sqlite",
        "integrity": "ok",
        "foreign_key_violations": [],
        "schema": HEAD,
        "schema_head": HEAD,
        "schema_state": "current",
        "differences": [],
        "drucksache_reuse": [],  # numbers reused before the Drucksachen register (revision 0007)
        "roster_over_seats": [],  # rosters above a seat count recorded later (revision 0007)
        "unlinked_references": [],
        "tables": stored,
        "problems": [],
        "ok": True,
    }
    assert data["tables"]["survey_responses"] == 12
    quick = cli("db", "check", "--quick")
    assert quick.exit_code == ExitCode.OK
    assert "survey_responses" in quick.stdout
    assert "Database is ok." in quick.stderr


def test_check_finds_rows_that_refer_to_nothing(cli, fresh_db: Path) -> None:
    with sqlite3.connect(fresh_db) as conn:  # foreign keys are off in a plain sqlite3 connection
        conn.execute("INSERT INTO field_aliases (field_id, alias) VALUES (999, 'ghost')")
    before = snapshot(fresh_db)
    result = cli("db", "check", "--format", "json")
    assert result.exit_code == ExitCode.REFUSED
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["foreign_key_violations"] == [
        {"table": "field_aliases", "rowid": data["foreign_key_violations"][0]["rowid"], "parent": "action_fields", "fk": 0}
    ]
    assert "lipctl: 1 rows refer to rows that do not exist (first in table field_aliases)" in result.stderr
    assert snapshot(fresh_db) == before


def test_check_finds_a_damaged_file(cli, fresh_db: Path) -> None:
    size = fresh_db.stat().st_size
    with open(fresh_db, "r+b") as fh:  # overwrite pages in the middle, keep the header
        fh.seek(4096 * 3)
        fh.write(os.urandom(min(4096 * 8, size - 4096 * 3)))
    result = cli("db", "check")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.startswith("lipctl: ")
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr


def test_check_on_a_file_that_is_not_a_database(cli, isolated: Path) -> None:
    (isolated / "lip.db").write_bytes(b"just some text, not SQLite" * 100)
    result = cli("db", "check")
    assert result.exit_code == ExitCode.REFUSED
    assert "file is not a database" in result.stderr
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr


def test_check_reports_a_newer_schema_without_changing_it(cli, fresh_db: Path) -> None:
    with sqlite3.connect(fresh_db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    before = snapshot(fresh_db)
    result = cli("db", "check", "--format", "json")
    assert result.exit_code == ExitCode.REFUSED
    data = json.loads(result.stdout)
    assert (data["schema"], data["schema_state"], data["ok"]) == ("0099", "newer", False)
    assert "lipctl: schema version 0099 was written by a newer lipctl" in result.stderr
    assert snapshot(fresh_db) == before


def test_check_before_init(cli, isolated: Path) -> None:
    result = cli("db", "check")
    assert result.exit_code == ExitCode.REFUSED
    assert "run 'lipctl init' first" in result.stderr
    assert not (isolated / "lip.db").exists()


def test_check_on_both_stores(db_url: str, cli) -> None:
    assert cli("init").exit_code == ExitCode.OK
    data = cli.json("db", "check")
    assert data["ok"] is True
    assert data["schema_state"] == "current"
    assert data["tables"]["action_fields"] == 6
    assert data["tables"]["bodies"] == 11
    assert data["backend"] == ("sqlite" if "://" not in db_url else "postgresql")


# --- upgrade ----------------------------------------------------------------------------------


def test_upgrade_of_a_current_database_changes_nothing(cli, fresh_db: Path) -> None:
    before = snapshot(fresh_db)
    result = cli("db", "upgrade")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stderr.strip() == f"Database {fresh_db}, up to date (schema {HEAD}); nothing changed"
    assert cli.json("db", "upgrade") == {
        "database": f"sqlite:///{fresh_db}",
        "schema_before": HEAD,
        "schema": HEAD,
        "changed": False,
        "permissions": None,
    }
    assert snapshot(fresh_db) == before


def test_upgrade_refuses_a_newer_schema(cli, fresh_db: Path) -> None:
    with sqlite3.connect(fresh_db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    before = snapshot(fresh_db)
    result = cli("db", "upgrade")
    assert result.exit_code == ExitCode.REFUSED
    assert "schema version 0099, written by a newer lipctl" in result.stderr
    assert snapshot(fresh_db) == before


def test_upgrade_does_not_create_or_seed_a_database(cli, isolated: Path) -> None:
    result = cli("db", "upgrade")
    assert result.exit_code == ExitCode.REFUSED
    assert "run 'lipctl init' first" in result.stderr
    assert not (isolated / "lip.db").exists()
    sqlite3.connect(isolated / "lip.db").close()  # an empty file: no schema yet
    result = cli("db", "upgrade")
    assert result.exit_code == ExitCode.REFUSED
    assert (
        result.stderr.strip()
        == "lipctl: the database is not initialised — run 'lipctl init', which creates the schema and loads the seed"
    )
    assert counts(isolated / "lip.db") == {}


def test_db_commands_never_show_the_postgresql_password(cli, isolated: Path) -> None:
    for args in (["db", "check"], ["db", "upgrade"], ["db", "backup", str(isolated / "x")], ["db", "check", "--format", "json"]):
        result = cli("--db", SECRET_URL, *args)
        assert result.exit_code == ExitCode.REFUSED, args
        assert SECRET not in result.stdout + result.stderr
        assert "S3cr3t" not in result.stdout + result.stderr
