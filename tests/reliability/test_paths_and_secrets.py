"""Path tricks (missing, unwritable, folders, the input as the output), private files, the PostgreSQL password."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from tests.helpers import engine_on, snapshot
from tests.reliability.conftest import SECRET, SECRET_URL, SEED
from tests.stress import _harness as h


def _clean(text: str) -> None:
    assert "Traceback" not in text
    assert "unexpected error" not in text


# --- --db ---------------------------------------------------------------------------------------


def test_db_in_a_folder_that_does_not_exist(cli, isolated: Path) -> None:
    target = isolated / "missing" / "lip.db"
    result = cli("--db", str(target), "init")
    assert result.exit_code == ExitCode.REFUSED
    assert (
        result.stderr.strip()
        == f"lipctl: the folder {target.parent} does not exist — create it first, or choose another --db path"
    )
    assert not target.parent.exists()


def test_db_in_a_folder_that_is_not_writable(tmp_path: Path, unprivileged: list[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    run = h.lipctl(locked / "lip.db", "init", prefix=unprivileged)
    assert run.returncode == ExitCode.REFUSED, run.stderr
    assert run.stderr.strip() == f"lipctl: the folder {locked} is not writable — choose a folder you can write to with --db"
    assert list(locked.iterdir()) == []


def test_db_that_is_a_folder(cli, isolated: Path) -> None:
    for args in (["init"], ["fields"], ["db", "check"], ["db", "backup", str(isolated / "b.db")]):
        result = cli("--db", str(isolated), *args)
        assert result.exit_code == ExitCode.REFUSED, args
        assert f"{isolated} is a folder, not a database file" in result.stderr
        _clean(result.stderr)


def test_db_file_that_is_read_only_for_its_user(template_db: Path, tmp_path: Path, unprivileged: list[str]) -> None:
    """A database the user may read but not write: reading works, writing is refused in one line."""
    db = h.seeded_copy(template_db, tmp_path / "lip.db")
    db.chmod(0o400)
    before = snapshot(db)
    read = h.lipctl(db, "fields", prefix=unprivileged)
    write = h.lipctl(
        db, "survey", "import", str(h.write_survey(tmp_path / "a.csv", 3, prefix="a")), "--survey", "S", prefix=unprivileged
    )
    assert read.returncode == ExitCode.OK, read.stderr
    assert write.returncode == ExitCode.REFUSED
    assert write.stderr.strip() == (
        f"lipctl: the database sqlite:///{db} cannot be written: it is read-only for you — "
        "nothing was changed; ask for write access to the file and its folder"
    )
    _clean(write.stderr + read.stderr)
    db.chmod(0o600)
    assert snapshot(db) == before


# --- --seed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("missing", lambda p: p / "nope.yaml", "not found"),
        ("folder", lambda p: p, "is a folder, not a seed file"),
        ("empty", lambda p: (p / "e.yaml", (p / "e.yaml").write_text(""))[0], "e.yaml"),
        ("binary", lambda p: (p / "b.yaml", (p / "b.yaml").write_bytes(os.urandom(4096) + b"\xff\xfe"))[0], "b.yaml"),
        ("devnull", lambda p: Path("/dev/null"), "/dev/null"),
    ],
)
def test_hostile_seed_paths_change_nothing(fresh_db: Path, cli, isolated: Path, name: str, make, expected: str) -> None:  # noqa: ANN001
    folder = isolated / "seeds"
    folder.mkdir()
    before = snapshot(fresh_db)
    result = cli("init", "--seed", str(make(folder)))
    assert result.exit_code == ExitCode.REFUSED, result.stderr
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    _clean(result.stderr)
    assert snapshot(fresh_db) == before


def test_seed_that_is_not_readable(template_db: Path, tmp_path: Path, unprivileged: list[str]) -> None:
    db = h.seeded_copy(template_db, tmp_path / "lip.db")
    seed = tmp_path / "secret.yaml"
    seed.write_bytes(SEED.read_bytes())
    seed.chmod(0o000)
    before = snapshot(db)
    run = h.lipctl(db, "init", "--seed", str(seed), prefix=unprivileged)
    # Typer's own check of the option (a usage error) or lipctl's reading of the file: either names it.
    assert run.returncode in (ExitCode.REFUSED, ExitCode.USAGE)
    assert str(seed) in run.stderr and ("not readable" in run.stderr or "Permission denied" in run.stderr), run.stderr
    _clean(run.stderr)
    assert snapshot(db) == before


# --- survey import --file / --rejects -------------------------------------------------------------


def test_import_of_missing_and_folder_paths(fresh_db: Path, cli, isolated: Path) -> None:
    before = snapshot(fresh_db)
    good = h.write_survey(isolated / "good.csv", 5, prefix="g")
    for path, expected in ((isolated / "nope.csv", "no file"), (isolated, "is a folder, not a CSV file")):
        result = cli("survey", "import", str(good), str(path), "--survey", "S")
        assert result.exit_code == ExitCode.REFUSED
        assert expected in result.stderr
        _clean(result.stderr)
    assert snapshot(fresh_db) == before, "an unreadable file among several changes nothing"


def test_rejects_into_a_missing_folder(fresh_db: Path, cli, isolated: Path) -> None:
    before = snapshot(fresh_db)
    good = h.write_survey(isolated / "good.csv", 5, prefix="g")
    result = cli("survey", "import", str(good), "--survey", "S", "--rejects", str(isolated / "no" / "r.csv"))
    assert result.exit_code == ExitCode.REFUSED
    assert "does not exist" in result.stderr
    assert snapshot(fresh_db) == before


def test_rejects_into_a_folder_that_is_not_writable(template_db: Path, tmp_path: Path, unprivileged: list[str]) -> None:
    db = h.seeded_copy(template_db, tmp_path / "lip.db")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    before = snapshot(db)
    good = h.write_survey(tmp_path / "good.csv", 5, prefix="g")
    run = h.lipctl(db, "survey", "import", str(good), "--survey", "S", "--rejects", str(locked / "r.csv"), prefix=unprivileged)
    assert run.returncode == ExitCode.REFUSED
    assert run.stderr.startswith("lipctl: ") and len(run.stderr.strip().splitlines()) == 1, run.stderr
    _clean(run.stderr)
    assert snapshot(db) == before
    assert list(locked.iterdir()) == []


def test_rejects_that_is_a_folder_is_refused_before_anything_is_stored(fresh_db: Path, cli, isolated: Path) -> None:
    before = snapshot(fresh_db)
    bad = isolated / "bad.csv"
    bad.write_text(
        "id,submitted_at,action_field,text\n1,2020-06-15 10:00,nofield,x\n2,2020-06-15 10:00,bildung,y\n", encoding="utf-8"
    )
    result = cli("survey", "import", str(bad), "--survey", "S", "--rejects", str(isolated))
    _clean(result.stderr)
    assert result.exit_code == ExitCode.REFUSED
    assert snapshot(fresh_db) == before


def test_rejects_onto_the_input_file_does_not_destroy_it(fresh_db: Path, cli, isolated: Path) -> None:
    bad = isolated / "export.csv"
    content = "id,submitted_at,action_field,text\n1,2020-06-15 10:00,nofield,x\n2,2020-06-15 10:00,bildung,y\n"
    bad.write_text(content, encoding="utf-8")
    result = cli("survey", "import", str(bad), "--survey", "S", "--rejects", str(bad))
    assert bad.read_text(encoding="utf-8") == content
    assert result.exit_code == ExitCode.REFUSED


# --- private files ----------------------------------------------------------------------------------


def test_database_wal_shm_backup_and_rejects_are_private(cli, isolated: Path) -> None:
    old = os.umask(0)  # the most permissive umask: the modes are lipctl's, not the caller's
    try:
        assert cli("init").exit_code == ExitCode.OK
        db = isolated / "lip.db"
        reader = sqlite3.connect(db)  # an open connection keeps -wal and -shm from being removed
        reader.execute("SELECT count(*) FROM action_fields").fetchone()
        bad = isolated / "bad.csv"
        bad.write_text(
            "id,submitted_at,action_field,text\n1,2020-06-15 10:00,nofield,x\n2,2020-06-15 10:00,bildung,y\n", encoding="utf-8"
        )
        result = cli("survey", "import", str(bad), "--survey", "S", "--rejects", str(isolated / "rejects.csv"))
        assert result.exit_code == ExitCode.IMPORT_REJECTED_ROWS, result.stderr
        assert cli("db", "backup", str(isolated / "backup.db")).exit_code == ExitCode.OK
        files = {
            p: stat.S_IMODE(p.stat().st_mode)
            for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), isolated / "backup.db", isolated / "rejects.csv")
        }
        reader.close()
    finally:
        os.umask(old)
    assert files == dict.fromkeys(files, 0o600)


def test_default_data_folder_is_private(cli, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIPCTL_DB")
    assert cli("init").exit_code == ExitCode.OK
    folder = isolated / "xdg-data" / "lipctl"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "lipctl.db").stat().st_mode) == 0o600


# --- the PostgreSQL password ---------------------------------------------------------------------------


COMMANDS = [
    ["init"],
    ["fields"],
    ["contacts"],
    ["bodies"],
    ["log"],
    ["db", "check"],
    ["db", "upgrade"],
    ["survey", "list"],
    ["survey", "stats"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_unreachable_postgresql_password_never_shown(cli, args: list[str]) -> None:
    for extra in ([], ["--debug"]):
        result = cli("--db", SECRET_URL, *extra, *args)
        assert result.exit_code == ExitCode.REFUSED
        assert "S3cr3t" not in result.stdout + result.stderr, result.stderr
        assert "cannot open the database postgresql+psycopg://u:***@127.0.0.1:1/x" in result.stderr


def test_password_in_the_environment_is_never_shown(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", SECRET)
    result = cli("--db", "postgresql+psycopg://u@127.0.0.1:1/x", "fields")
    assert result.exit_code == ExitCode.REFUSED
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.postgres
def test_real_server_password_never_in_output_or_audit_trail(pg_url: str, cli, isolated: Path) -> None:
    """The test server trusts local connections, so a password in the URL is accepted and must stay hidden."""
    from sqlalchemy import text

    url = pg_url.replace("postgresql+psycopg://lipctl@", "postgresql+psycopg://lipctl:S3cr3t%25pw@")
    assert "S3cr3t" in url
    seen = []
    for args in (
        ["init"],
        ["fields", "--format", "json"],
        ["survey", "import", str(h.write_survey(isolated / "a.csv", 5, prefix="a")), "--survey", "S"],
        ["db", "check", "--format", "json"],
        ["db", "upgrade"],
        ["db", "backup", str(isolated / "b")],
        ["log", "--format", "json"],
    ):
        result = cli("--db", url, *args)
        seen.append(result.stdout + result.stderr)
        assert result.exit_code in (ExitCode.OK, ExitCode.REFUSED), result.stderr
    assert "pg_dump" in seen[5]
    assert not any("S3cr3t" in s for s in seen)
    engine = engine_on(pg_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT actor, command, action, coalesce(details, '') FROM audit_events")).all()
    engine.dispose()
    assert len(rows) >= 3
    assert not any("S3cr3t" in json.dumps(list(r)) for r in rows)


HOSTILE_URLS = [
    "postgresql+psycopg://u:S3cr3t%25pw@127.0.0.1:99999/x",
    "postgresql+psycopg://u:S3cr3t%25pw@127.0.0.1:abc/x",
    "mysql://u:S3cr3t%25pw@h/x",
    "postgresql+psycopg://u:S3cr3t%25pw@/x?host=/nonexistent",
    "postgresql+psycopg://u:S3cr3t%25pw@127.0.0.1:1/x?sslmode=bogus",
    "postgresql+psycopg://u:S3cr3t%25pw@[::1/x",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_malformed_urls_never_show_the_password(cli, url: str) -> None:
    for args in (["init"], ["fields"], ["db", "check"], ["db", "backup", "/tmp/never-written.db"]):
        result = cli("--db", url, *args)
        assert result.exit_code == ExitCode.REFUSED, (args, result.stderr)
        assert "S3cr3t" not in result.stdout + result.stderr, result.stderr
        assert result.stderr.startswith("lipctl: ")
    debug = h.lipctl(url, "--debug", "fields")  # a traceback, if any, is the place a URL would show up
    assert debug.returncode == ExitCode.REFUSED
    assert "S3cr3t" not in debug.stdout + debug.stderr
