"""Hostile output paths: no --rejects, --output or backup path can destroy the database or a device (#13).

Every writer goes through lipctl.files.outputs: regular files or new paths only, never the database
(however it is spelled), a temporary file beside the target renamed into place, lipctl's own earlier
file replaced without --force, anything else only with it.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from tests.helpers import counts, snapshot
from tests.stress import _harness as h

BAD_ROWS = "id,submitted_at,action_field,text\n1,2020-06-15 10:00,nofield,x\n2,2020-06-15 10:00,bildung,y\n"


def _clean(text: str) -> None:
    assert "Traceback" not in text
    assert "unexpected error" not in text


def _export(folder: Path, name: str = "export.csv", rows: str = BAD_ROWS) -> Path:
    path = folder / name
    path.write_text(rows, encoding="utf-8")
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".lipctl-"))


def _usable(cli) -> None:
    check = cli("db", "check")
    assert check.exit_code == ExitCode.OK, check.stderr
    assert cli("status").exit_code == ExitCode.OK


# --- --rejects onto the database --------------------------------------------------------------------


def _the_db(db: Path, folder: Path) -> Path:
    return db


def _its_wal(db: Path, folder: Path) -> Path:
    return Path(f"{db}-wal")


def _its_journal(db: Path, folder: Path) -> Path:
    return Path(f"{db}-journal")  # does not exist: refused by name


def _symlink(db: Path, folder: Path) -> Path:
    link = folder / "rejects-link.csv"
    link.symlink_to(db)
    return link


def _dotdot(db: Path, folder: Path) -> Path:
    (folder / "dir").mkdir()
    return Path(f"{folder}/dir/../{db.name}")


def _hard_link(db: Path, folder: Path) -> Path:
    link = folder / "hard.csv"
    os.link(db, link)
    return link


DB_SPELLINGS: dict[str, Callable[[Path, Path], Path]] = {
    "the database": _the_db,
    "its -wal": _its_wal,
    "its -journal": _its_journal,
    "a symlink to it": _symlink,
    "dir/../lip.db": _dotdot,
    "a hard link": _hard_link,
}


@pytest.mark.parametrize("spelling", DB_SPELLINGS)
def test_rejects_onto_the_database_is_refused_and_the_database_stays_usable(
    cli, fresh_db: Path, isolated: Path, spelling: str
) -> None:
    reader = sqlite3.connect(fresh_db)  # an open connection keeps the -wal and -shm files there
    reader.execute("SELECT count(*) FROM action_fields").fetchone()
    try:
        target = DB_SPELLINGS[spelling](fresh_db, isolated)
        before = snapshot(fresh_db)
        result = cli("survey", "import", str(_export(isolated)), "--survey", "S", "--rejects", str(target), "--force")
        assert result.exit_code == ExitCode.REFUSED
        _clean(result.stderr)
        assert result.stderr.startswith(f"lipctl: --rejects: {target} is the database")
        assert "choose another path; lipctl never writes over its database" in result.stderr
        assert len(result.stderr.splitlines()) == 1
        assert snapshot(fresh_db) == before  # nothing imported either: the refusal came first
    finally:
        reader.close()
    with open(fresh_db, "rb") as fh:
        assert fh.read(16) == b"SQLite format 3\x00"
    assert counts(fresh_db)["survey_responses"] == 0
    _usable(cli)
    assert _leftovers(isolated) == []


# --- --rejects onto what is not a regular file ---------------------------------------------------------


def test_rejects_onto_a_fifo_is_refused_at_once_and_stays_a_fifo(template_db: Path, tmp_path: Path) -> None:
    db = h.seeded_copy(template_db, tmp_path / "lip.db")
    fifo = tmp_path / "rejects.csv"
    os.mkfifo(fifo)
    before = snapshot(db)
    # Nobody reads the FIFO: a command that opened it would wait for ever (the timeout fails the test).
    run = h.lipctl(db, "survey", "import", str(_export(tmp_path)), "--survey", "S", "--rejects", str(fifo), timeout=120)
    assert run.returncode == ExitCode.REFUSED, run.stderr
    assert run.stderr.strip() == (
        f"lipctl: --rejects: {fifo} is a named pipe (FIFO), not a regular file — "
        "name a new file or a regular file to replace; lipctl writes nothing else"
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert snapshot(db) == before
    assert _leftovers(tmp_path) == []


def test_rejects_onto_dev_null_is_refused_and_it_stays_a_device(cli, fresh_db: Path, isolated: Path) -> None:
    before = snapshot(fresh_db)
    result = cli("survey", "import", str(_export(isolated)), "--survey", "S", "--rejects", "/dev/null", "--force")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.strip() == (
        "lipctl: --rejects: /dev/null is a device, not a regular file — "
        "name a new file or a regular file to replace; lipctl writes nothing else"
    )
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert snapshot(fresh_db) == before


def test_rejects_onto_a_folder_names_a_file_inside_it(cli, fresh_db: Path, isolated: Path) -> None:
    folder = isolated / "out"
    folder.mkdir()
    result = cli("survey", "import", str(_export(isolated)), "--survey", "S", "--rejects", str(folder))
    assert result.exit_code == ExitCode.REFUSED
    assert (
        result.stderr.strip() == f"lipctl: --rejects: {folder} is a folder — name a file inside it, e.g. {folder / 'rejects.csv'}"
    )


# --- an existing rejects file ---------------------------------------------------------------------------


def test_an_earlier_rejects_file_is_replaced_without_force(cli, fresh_db: Path, isolated: Path) -> None:
    rejects = isolated / "rejects.csv"
    first = cli("survey", "import", str(_export(isolated)), "--survey", "S", "--rejects", str(rejects))
    assert first.exit_code == ExitCode.IMPORT_REJECTED_ROWS, first.stderr
    assert "nofield" in rejects.read_text(encoding="utf-8")
    later = _export(isolated, "later.csv", "id,submitted_at,action_field,text\n7,2020-06-16 10:00,elsewhere,z\n")
    again = cli("survey", "import", str(later), "--survey", "S", "--rejects", str(rejects))  # as cron runs it
    assert again.exit_code == ExitCode.IMPORT_REJECTED_ROWS, again.stderr
    text = rejects.read_bytes().decode("utf-8")
    assert text.startswith("file,line,reason,response_id,submitted_at,action_field,category,text\r\n")
    assert "elsewhere" in text and "nofield" not in text
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    assert _leftovers(isolated) == []


def test_an_unrelated_file_is_replaced_only_with_force(cli, fresh_db: Path, isolated: Path) -> None:
    notes = isolated / "notes.csv"
    notes.write_text("my own notes\n", encoding="utf-8")
    before = snapshot(fresh_db)
    result = cli("survey", "import", str(_export(isolated)), "--survey", "S", "--rejects", str(notes))
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.strip() == (
        f"lipctl: --rejects: {notes} already exists — choose another path, or add --force to replace it"
    )
    assert notes.read_text(encoding="utf-8") == "my own notes\n"
    assert snapshot(fresh_db) == before, "refused before anything was imported"
    forced = cli("survey", "import", str(_export(isolated)), "--survey", "S", "--rejects", str(notes), "--force")
    assert forced.exit_code == ExitCode.IMPORT_REJECTED_ROWS, forced.stderr
    assert "unknown action field 'nofield'" in notes.read_text(encoding="utf-8")


def test_a_sqlite_file_is_never_replaced_by_rejects(cli, fresh_db: Path, isolated: Path) -> None:
    backup = isolated / "backup.csv"
    assert cli("db", "backup", str(backup)).exit_code == ExitCode.OK
    before = backup.read_bytes()
    result = cli("survey", "import", str(_export(isolated)), "--survey", "S", "--rejects", str(backup), "--force")
    assert result.exit_code == ExitCode.REFUSED
    assert f"{backup} is a SQLite database (a lipctl backup?)" in result.stderr
    assert backup.read_bytes() == before


def test_the_files_of_another_sqlite_database_are_never_replaced(cli, fresh_db: Path, isolated: Path) -> None:
    other = isolated / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode = WAL").fetchone()
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    try:
        wal = isolated / "other.db-wal"
        for target, problem in (
            (wal, f"{wal} belongs to a SQLite database (its log or journal)"),
            (isolated / "other.db-journal", "belongs to a SQLite database"),  # not there: refused by its name
        ):
            before = target.read_bytes() if target.exists() else None
            result = cli("survey", "import", str(_export(isolated)), "--survey", "S", "--rejects", str(target), "--force")
            assert result.exit_code == ExitCode.REFUSED
            assert problem in result.stderr
            assert (target.read_bytes() if target.exists() else None) == before
    finally:
        conn.close()
    with sqlite3.connect(other) as check:
        assert check.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_a_stored_document_is_never_replaced(cli, fresh_db: Path, isolated: Path) -> None:
    documents = isolated / "files"
    documents.mkdir()
    (documents / "doc.csv").write_text("a stored document\n", encoding="utf-8")
    result = cli("survey", "import", str(_export(isolated)), "--survey", "S", "--rejects", str(documents / "doc.csv"), "--force")
    assert result.exit_code == ExitCode.REFUSED
    assert "where lipctl keeps the stored documents" in result.stderr
    assert (documents / "doc.csv").read_text(encoding="utf-8") == "a stored document\n"


# --- report --output ----------------------------------------------------------------------------------------


def test_report_onto_the_database_is_refused(cli, isolated: Path) -> None:
    db = isolated / "store.md"  # a database whose name looks like a briefing
    assert cli("--db", str(db), "init").exit_code == ExitCode.OK
    before = snapshot(db)
    for target in (db, isolated / "x" / ".." / "store.md"):
        (isolated / "x").mkdir(exist_ok=True)
        result = cli("--db", str(db), "report", "--output", str(target), "--force")
        assert result.exit_code == ExitCode.REFUSED
        assert result.stderr.startswith(f"lipctl: --output: {target} is the database itself")
    link = isolated / "briefing.html"
    link.symlink_to(db)
    result = cli("--db", str(db), "report", "--output", str(link), "--force")
    assert result.exit_code == ExitCode.REFUSED
    assert "is the database itself" in result.stderr
    assert snapshot(db) == before
    assert cli("--db", str(db), "db", "check").exit_code == ExitCode.OK


def test_report_replaces_its_own_briefing_and_an_unrelated_file_only_with_force(seeded, isolated: Path) -> None:
    for name in ("b.html", "b.md"):
        out = isolated / name
        assert seeded("report", "--output", str(out)).exit_code == ExitCode.OK
        first = out.read_text(encoding="utf-8")
        assert 'name="generator" content="lipctl ' in first or first.startswith("<!-- generator: lipctl ")
        again = seeded("--today", "2021-03-01", "report", "--output", str(out))  # cron, a month later
        assert again.exit_code == ExitCode.OK, again.stderr
        assert out.read_text(encoding="utf-8") != first
    page = isolated / "page.html"
    page.write_text("<html><head><title>mine</title></head></html>", encoding="utf-8")
    result = seeded("report", "--output", str(page))
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.strip() == f"lipctl: --output: {page} already exists — choose another path, or add --force to replace it"
    assert page.read_text(encoding="utf-8") == "<html><head><title>mine</title></head></html>"
    assert seeded("report", "--output", str(page), "--force").exit_code == ExitCode.OK
    assert "<title>mine</title>" not in page.read_text(encoding="utf-8")
    assert _leftovers(isolated) == []


def test_report_onto_a_fifo_is_refused_before_the_database_is_read(template_db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "b.html"
    os.mkfifo(fifo)
    run = h.lipctl(tmp_path / "never-created.db", "report", "--output", str(fifo), timeout=120)
    assert run.returncode == ExitCode.REFUSED, run.stderr
    assert run.stderr.startswith(f"lipctl: --output: {fifo} is a named pipe (FIFO), not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert not (tmp_path / "never-created.db").exists()


# --- db backup ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["the database", "its -wal", "a symlink to it", "dir/../lip.db", "a hard link"])
def test_backup_onto_the_database_is_refused_even_with_force(cli, fresh_db: Path, isolated: Path, spelling: str) -> None:
    reader = sqlite3.connect(fresh_db)
    reader.execute("SELECT count(*) FROM action_fields").fetchone()
    try:
        target = DB_SPELLINGS[spelling](fresh_db, isolated)
        before = snapshot(fresh_db)
        result = cli("db", "backup", str(target), "--force")
        assert result.exit_code == ExitCode.REFUSED
        assert result.stderr.startswith(f"lipctl: {target} is the database")
        _clean(result.stderr)
        assert snapshot(fresh_db) == before
    finally:
        reader.close()
    _usable(cli)
    assert _leftovers(isolated) == []


def test_backup_onto_a_fifo_is_refused_before_anything_else(cli, isolated: Path) -> None:
    fifo = isolated / "b.db"
    os.mkfifo(fifo)
    result = cli("db", "backup", str(fifo), "--force")  # not even initialised: the path is refused first
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.startswith(f"lipctl: {fifo} is a named pipe (FIFO), not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# --- a write that fails -------------------------------------------------------------------------------------


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_report_that_cannot_be_written_leaves_no_temporary_file(template_db: Path, tmp_path: Path) -> None:
    """A real process whose files may not grow beyond 16 KiB (as on a full disk): the write fails, cleanly."""
    db = h.seeded_copy(template_db, tmp_path / "lip.db")
    out = tmp_path / "briefing.html"
    out.write_text("<!-- the last briefing -->", encoding="utf-8")
    reader = sqlite3.connect(db)  # -wal and -shm exist already: the report itself only reads
    reader.execute("SELECT count(*) FROM action_fields").fetchone()
    try:
        run = subprocess.run(
            [*h.argv("report", "--output", str(out), "--force")],
            check=False,
            env=h.env_for(db),
            capture_output=True,
            text=True,
            timeout=300,
            cwd=str(h.REPO),
            preexec_fn=_limit_file_size(16384),  # only sets a limit
        )
    finally:
        reader.close()
    assert run.returncode == ExitCode.REFUSED, run.stderr
    assert run.stderr.startswith(f"lipctl: --output: cannot write {out}: File too large")
    assert f"{out} was left as it was" in run.stderr
    _clean(run.stderr)
    assert out.read_text(encoding="utf-8") == "<!-- the last briefing -->"
    assert _leftovers(tmp_path) == []


def test_a_failing_rename_leaves_no_temporary_file(cli, fresh_db: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("lipctl.files.outputs.os.replace", no_space)
    rejects = isolated / "rejects.csv"
    result = cli("survey", "import", str(_export(isolated)), "--survey", "S", "--rejects", str(rejects))
    assert result.exit_code == ExitCode.REFUSED
    assert f"cannot write {rejects}: No space left on device" in result.stderr
    backup = cli("db", "backup", str(isolated / "b.db"))
    assert backup.exit_code == ExitCode.REFUSED
    assert "No space left on device" in backup.stderr
    assert not rejects.exists() and not (isolated / "b.db").exists()
    assert _leftovers(isolated) == []


def test_a_full_disk_while_writing_rejects_is_a_clear_refusal(
    cli, fresh_db: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: object, out: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("lipctl.services.surveys._FileRejects.copy_into", full)
    rejects = isolated / "rejects.csv"
    before = snapshot(fresh_db)
    result = cli("survey", "import", str(_export(isolated)), "--survey", "S", "--rejects", str(rejects))
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.startswith(f"lipctl: --rejects: cannot write {rejects}: No space left on device")
    _clean(result.stderr)
    assert snapshot(fresh_db) == before  # the file's transaction was rolled back
    assert not rejects.exists()
    assert _leftovers(isolated) == []


def test_an_interrupted_write_leaves_no_temporary_file(isolated: Path, fresh_db: Path) -> None:
    from lipctl.files import outputs

    target = outputs.check_output(isolated / "b.md", outputs.REPORT)
    with pytest.raises(KeyboardInterrupt), outputs.PendingFile(target) as pending:
        pending.open().write("half a briefing")
        raise KeyboardInterrupt
    assert not (isolated / "b.md").exists()
    assert _leftovers(isolated) == []


def test_a_path_that_became_a_fifo_during_the_work_is_left_alone(isolated: Path, fresh_db: Path) -> None:
    from lipctl.errors import InvalidInput
    from lipctl.files import outputs

    target = outputs.check_output(isolated / "b.md", outputs.REPORT)
    pending = outputs.PendingFile(target)
    pending.open().write("a briefing")
    os.mkfifo(isolated / "b.md")  # someone else, while lipctl worked
    with pytest.raises(InvalidInput, match="is a named pipe"):
        pending.commit()
    assert stat.S_ISFIFO(os.lstat(isolated / "b.md").st_mode)
    assert _leftovers(isolated) == []


def test_a_new_purpose_recognises_its_own_files(isolated: Path, fresh_db: Path) -> None:
    """How a later writer (a calendar) fits: its own Purpose, recognised by what its files begin with."""
    from lipctl.errors import Refused
    from lipctl.files import outputs

    calendar = outputs.Purpose(
        "calendar", "--output", "lip.ics", 0o644, outputs.starts_with(b"BEGIN:VCALENDAR\r\nPRODID:-//lipctl//")
    )
    out = isolated / "lip.ics"
    with outputs.open_output(outputs.check_output(out, calendar), newline="") as fh:
        fh.write("BEGIN:VCALENDAR\r\nPRODID:-//lipctl//EN\r\nEND:VCALENDAR\r\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    target = outputs.check_output(out, calendar)  # its own: no --force needed
    assert target.replaces
    outputs.write_atomically(target, "BEGIN:VCALENDAR\r\nPRODID:-//lipctl//EN\r\nX-AGAIN:1\r\nEND:VCALENDAR\r\n", newline="")
    assert b"X-AGAIN:1" in out.read_bytes()
    foreign = isolated / "team.ics"
    foreign.write_bytes(b"BEGIN:VCALENDAR\r\nPRODID:-//Other//EN\r\nEND:VCALENDAR\r\n")
    with pytest.raises(Refused, match="already exists"):
        outputs.check_output(foreign, calendar)
    assert outputs.check_output(foreign, calendar, force=True).replaces
    assert _leftovers(isolated) == []
