"""`db backup` keeps the stored documents (PATH.files/), `db restore` puts a backup back (issue 19).

A backup is two things an office can copy with any tool: the database file and the folder of its
documents beside it; `db restore` takes such a pair back, refuses to replace a live database without
--force, and refuses anything that is not a lipctl backup — changing nothing.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from lipctl.store.schema import HEAD


@pytest.fixture
def office(cli, isolated: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - the cli fixture on an office's SQLite file
    """A SQLite database in its own folder with one draft whose document is kept in files/."""
    live = isolated / "office" / "lip.db"
    live.parent.mkdir()
    monkeypatch.setenv("LIPCTL_DB", str(live))
    assert cli("init").exit_code == ExitCode.OK
    paper = isolated / "grundsatzpapier.txt"
    paper.write_text("Grundsatzpapier Bildung\n", encoding="utf-8")
    assert cli("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--file", str(paper)).exit_code == ExitCode.OK
    return cli


def _drafts(cli) -> list[dict]:  # noqa: ANN001
    return json.loads(cli("draft", "list", "--format", "json").stdout)


def _documents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def test_backup_writes_the_documents_beside_the_database(office, isolated: Path) -> None:
    live_files = isolated / "office" / "files"
    backup = isolated / "b.db"
    result = office("db", "backup", str(backup), "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert data["documents"] == 1 and data["documents_folder"] == f"{backup}.files"
    assert _documents(Path(f"{backup}.files")) == _documents(live_files) != {}


def test_a_second_backup_needs_force_for_the_folder_too(office, isolated: Path) -> None:
    backup = isolated / "b.db"
    assert office("db", "backup", str(backup)).exit_code == ExitCode.OK
    before = backup.read_bytes()
    backup.unlink()  # the database file gone, its documents folder still there
    refused = office("db", "backup", str(backup))
    assert refused.exit_code == ExitCode.REFUSED
    assert f"the documents folder {backup}.files exists — add --force" in refused.stderr
    assert not backup.exists()
    assert office("db", "backup", str(backup), "--force").exit_code == ExitCode.OK
    assert len(backup.read_bytes()) == len(before)
    assert len(_documents(Path(f"{backup}.files"))) == 1
    assert not [p for p in isolated.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_restore_puts_a_plain_copy_of_both_back(office, isolated: Path) -> None:
    backup = isolated / "b.db"
    assert office("db", "backup", str(backup)).exit_code == ExitCode.OK
    moved = isolated / "elsewhere"
    moved.mkdir()
    shutil.copy(backup, moved / "b.db")
    shutil.copytree(f"{backup}.files", moved / "b.db.files")
    expected = _drafts(office)

    fresh = isolated / "new-host" / "lip.db"
    fresh.parent.mkdir()
    result = office("--db", str(fresh), "db", "restore", str(moved / "b.db"), "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert (data["schema"], data["check"], data["documents"], data["upgrade_needed"]) == (HEAD, "ok", 1, False)
    assert _drafts(office) == expected  # LIPCTL_DB: the office's own database is untouched …
    office_cli = office  # … and the restored one has the same drafts, its document and a log entry
    assert json.loads(office_cli("--db", str(fresh), "draft", "list", "--format", "json").stdout) == expected
    assert _documents(fresh.parent / "files") == _documents(isolated / "office" / "files")
    got = office("--db", str(fresh), "draft", "document", "bildung/grundsatzpapier")
    assert got.exit_code == ExitCode.OK and got.stdout == "Grundsatzpapier Bildung\n"
    log = json.loads(office("--db", str(fresh), "log", "--action", "db", "--format", "json").stdout)
    assert [e["action"] for e in log] == ["db.restored"]
    assert office("--db", str(fresh), "log", "verify").exit_code == ExitCode.OK


def test_restore_over_a_live_database_needs_force(office, isolated: Path) -> None:
    backup = isolated / "b.db"
    assert office("db", "backup", str(backup)).exit_code == ExitCode.OK
    assert office("draft", "submit", "soziales", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    after_backup = _drafts(office)
    refused = office("db", "restore", str(backup))
    assert refused.exit_code == ExitCode.REFUSED
    assert "exists; restoring replaces everything in it — add --force" in refused.stderr
    assert _drafts(office) == after_backup
    assert office("db", "restore", str(backup), "--force").exit_code == ExitCode.OK
    assert [d["ref"] for d in _drafts(office)] == ["bildung/grundsatzpapier"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("id,text\n", encoding="utf-8"), "is not a SQLite database"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.commit(), "is not a lipctl database"),
        (None, "is not a backup file"),
    ],
)
def test_what_is_no_backup_is_refused(office, isolated: Path, make, message: str) -> None:  # noqa: ANN001
    source = isolated / "not-a-backup.db"
    if make is not None:
        make(source)
    before = _drafts(office)
    result = office("db", "restore", str(source), "--force")
    assert result.exit_code == ExitCode.REFUSED
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert _drafts(office) == before


def test_a_backup_of_a_newer_lipctl_is_refused(office, isolated: Path) -> None:
    backup = isolated / "b.db"
    assert office("db", "backup", str(backup)).exit_code == ExitCode.OK
    with sqlite3.connect(backup) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    result = office("db", "restore", str(backup), "--force")
    assert result.exit_code == ExitCode.REFUSED
    assert "was written by a newer lipctl (schema 0099)" in result.stderr


def test_the_database_itself_is_no_backup(office, isolated: Path) -> None:
    result = office("db", "restore", str(isolated / "office" / "lip.db"), "--force")
    assert result.exit_code == ExitCode.REFUSED
    assert "is the database itself" in result.stderr


def test_a_damaged_document_in_the_backup_is_named(office, isolated: Path) -> None:
    backup = isolated / "b.db"
    assert office("db", "backup", str(backup)).exit_code == ExitCode.OK
    (copy,) = Path(f"{backup}.files").iterdir()
    copy.write_bytes(b"changed\n")
    fresh = isolated / "new" / "lip.db"
    fresh.parent.mkdir()
    result = office("--db", str(fresh), "db", "restore", str(backup))
    assert result.exit_code != ExitCode.OK
    assert f"the stored document {copy} is damaged" in result.stderr
    assert not (fresh.parent / "files" / copy.name).exists()
    assert not fresh.exists()  # refused before the database was written
    # A damaged document in the live files/ is not copied into a backup either: named, no backup left.
    live_copy = isolated / "office" / "files" / copy.name
    live_copy.write_bytes(b"changed too\n")
    again = office("db", "backup", str(isolated / "b2.db"))
    assert again.exit_code != ExitCode.OK and f"the stored document {live_copy} is damaged" in again.stderr
    assert not (isolated / "b2.db").exists() and not (isolated / "b2.db.files").exists()


def test_postgresql_points_to_pg_restore(cli, pg_url: str, isolated: Path) -> None:
    backup = isolated / "b.db"
    backup.write_bytes(b"")
    result = cli("--db", pg_url, "db", "restore", str(backup))
    assert result.exit_code == ExitCode.REFUSED
    assert "lipctl restores SQLite files only" in result.stderr and "pg_restore" in result.stderr


def test_restore_into_a_missing_folder_and_a_file_in_the_documents_way(office, isolated: Path) -> None:
    backup = isolated / "b.db"
    assert office("db", "backup", str(backup)).exit_code == ExitCode.OK
    nowhere = isolated / "nowhere" / "lip.db"
    refused = office("--db", str(nowhere), "db", "restore", str(backup))
    assert refused.exit_code == ExitCode.REFUSED
    assert f"the folder {nowhere.parent} does not exist" in refused.stderr and not nowhere.parent.exists()
    in_the_way = isolated / "c.db.files"
    in_the_way.write_text("not a folder", encoding="utf-8")
    blocked = office("db", "backup", str(isolated / "c.db"))
    assert blocked.exit_code == ExitCode.REFUSED
    assert "is in the way of the backup's documents: it is not a folder" in blocked.stderr
    assert not (isolated / "c.db").exists() and in_the_way.read_text(encoding="utf-8") == "not a folder"


def test_restore_twice_adds_no_document_twice(office, isolated: Path) -> None:
    backup = isolated / "b.db"
    assert office("db", "backup", str(backup)).exit_code == ExitCode.OK
    first = json.loads(office("db", "restore", str(backup), "--force", "--format", "json").stdout)
    second = json.loads(office("db", "restore", str(backup), "--force", "--format", "json").stdout)
    assert (first["documents"], second["documents"]) == (0, 0)  # the live files/ already holds the backup's one
    assert len(_documents(isolated / "office" / "files")) == 1
    log = json.loads(office("log", "--action", "db", "--format", "json").stdout)
    assert [e["action"] for e in log] == ["db.restored"]  # each restore puts the backup's log back, then logs itself
