"""Stored documents on both stores: in the database on PostgreSQL (shared by every host), in files/ on SQLite.

``draft document REF`` writes a stored document to stdout after checking its SHA-256; the migration
0003 moves the documents an earlier lipctl kept as files for a PostgreSQL database into it.
"""

from __future__ import annotations

import hashlib
import os
import pty
import subprocess
from pathlib import Path

from sqlalchemy import text

from lipctl.errors import ExitCode
from lipctl.files import inputs
from lipctl.store import schema
from tests.fixtures import revisions
from tests.helpers import damage_stored_chunk, damaged, engine_on
from tests.stress import _harness as h

SUBMIT = ("draft", "submit", "bildung", "--kind", "grundsatzpapier")
REF = "bildung/grundsatzpapier"


def _store(db_url: str) -> h.Store:
    return h.Store(db_url)


def _kept_files(isolated: Path, db_url: str) -> list[Path]:
    """Document files lipctl keeps: files/ beside a SQLite file, the user data folder for PostgreSQL."""
    folder = Path(db_url).parent / "files" if "://" not in db_url else isolated / "xdg-data" / "lipctl" / "files"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def _document(isolated: Path, name: str, size: int) -> tuple[Path, bytes]:
    data = os.urandom(size)
    path = isolated / name
    path.write_bytes(data)
    return path, data


def test_a_document_is_kept_where_its_store_keeps_it_and_comes_back_unchanged(db_url: str, cli, isolated: Path) -> None:
    assert cli("init").exit_code == ExitCode.OK
    doc, data = _document(isolated, "Grundsatzpapier.pdf", 3 * inputs.MB + 12345)
    sha = hashlib.sha256(data).hexdigest()
    first = cli(*SUBMIT, "--file", str(doc))
    assert first.exit_code == ExitCode.OK, first.stderr
    again = cli(*SUBMIT, "--file", str(doc))  # v2, the same content
    assert again.exit_code == ExitCode.OK, again.stderr
    store = _store(db_url)
    try:
        if store.is_sqlite:
            assert [p.name for p in _kept_files(isolated, db_url)] == [f"{sha}.pdf"]
            assert store.scalar("SELECT count(*) FROM documents") == 0
        else:
            assert _kept_files(isolated, db_url) == [], "on PostgreSQL nothing is kept on this host"
            assert store.rows("SELECT sha256, size, chunks FROM documents") == [(sha, len(data), 4)]
            assert store.scalar("SELECT count(*) FROM document_chunks WHERE sha256 = :s", s=sha) == 4
            assert store.scalar("SELECT max(length(data)) FROM document_chunks") == inputs.MB
            assert store.rows("SELECT file_copy FROM drafts") == [(None,), (None,)]
        assert store.rows("SELECT version, file_sha256, file_size FROM drafts ORDER BY version") == [
            (1, sha, len(data)),
            (2, sha, len(data)),
        ]
    finally:
        store.close()
    for ref in (REF, "1"):
        out = cli("draft", "document", ref)
        assert out.exit_code == ExitCode.OK, out.stderr
        assert out.stdout_bytes == data
        assert f"Grundsatzpapier.pdf, {len(data):,} bytes, SHA-256 {sha} checked" in out.stderr
    assert _incoming_anywhere(isolated) == []


def _incoming_anywhere(isolated: Path) -> list[Path]:
    return sorted(isolated.rglob(".incoming-*"))


def test_an_empty_document_round_trips(db_url: str, cli, isolated: Path) -> None:
    assert cli("init").exit_code == ExitCode.OK
    empty = isolated / "leer.txt"
    empty.write_bytes(b"")
    assert cli(*SUBMIT, "--file", str(empty)).exit_code == ExitCode.OK
    out = cli("draft", "document", REF)
    assert out.exit_code == ExitCode.OK, out.stderr
    assert out.stdout_bytes == b""


def test_a_damaged_stored_document_is_refused_before_a_byte_is_written(db_url: str, cli, isolated: Path) -> None:
    assert cli("init").exit_code == ExitCode.OK
    doc, data = _document(isolated, "papier.pdf", 2 * inputs.MB + 1)
    sha = hashlib.sha256(data).hexdigest()
    assert cli(*SUBMIT, "--file", str(doc)).exit_code == ExitCode.OK
    if "://" not in db_url:
        kept = _kept_files(isolated, db_url)[0]
        kept.write_bytes(damaged(data))
    else:
        damage_stored_chunk(db_url, 2)
    out = cli("draft", "document", REF)
    assert out.exit_code == ExitCode.REFUSED
    assert out.stdout_bytes == b""
    assert out.stderr.strip() == (
        f"lipctl: the stored document of bildung/grundsatzpapier v1 does not match its SHA-256 {sha} — it was changed or "
        "damaged where it is kept; nothing was written — restore it from a backup or submit the file again"
    )


def test_a_version_without_a_document_says_so(db_url: str, cli) -> None:
    assert cli("init").exit_code == ExitCode.OK
    assert cli(*SUBMIT, "--title", "ohne Datei").exit_code == ExitCode.OK
    out = cli("draft", "document", REF)
    assert out.exit_code == ExitCode.REFUSED
    assert out.stderr.strip() == (
        "lipctl: bildung/grundsatzpapier v1 has no stored document — a document is kept when a version is submitted with --file"
    )
    missing = cli("draft", "document", "99")
    assert missing.exit_code == ExitCode.REFUSED and "no draft with id 99" in missing.stderr


def test_a_stored_document_is_not_written_to_a_terminal(fresh_db: Path, cli, isolated: Path) -> None:
    doc, _data = _document(isolated, "papier.pdf", 1000)
    assert cli(*SUBMIT, "--file", str(doc)).exit_code == ExitCode.OK
    leader, follower = pty.openpty()
    try:
        run = subprocess.run(
            h.argv("draft", "document", REF),
            check=False,
            env=h.env_for(fresh_db),
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            cwd=str(h.REPO),
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert run.returncode == ExitCode.REFUSED
    assert run.stderr.strip() == (
        "lipctl: the document is not written to a terminal — redirect it into a file: "
        "lipctl draft document bildung/grundsatzpapier > file.pdf"
    )


# --- the migration 0003: documents recorded the old way -------------------------------------------


def _tables(db_url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in the database's columns (an older revision's too), in primary-key order."""
    return {name: [tuple(r.values()) for r in rows] for name, rows in revisions.rows(db_url).items()}


def test_the_upgrade_moves_documents_recorded_as_files_into_a_postgresql_database(db_url: str, cli, isolated: Path) -> None:
    """A populated database of revision 0001 with documents kept as files, upgraded with 'lipctl db upgrade'."""
    first = schema.REVISIONS[0]
    assert first == "0001"
    revisions.load(db_url, first)  # as a lipctl of revision 0001 filled it (tests/fixtures/revisions)
    # Recorded as the lipctl of revision 0001 recorded a --file: a copy named by its SHA-256 in the
    # files/ folder (beside SQLite, in the user data folder for PostgreSQL), its path in file_copy.
    postgres = "://" in db_url
    folder = isolated / "xdg-data" / "lipctl" / "files" if postgres else Path(db_url).parent / "files"
    folder.mkdir(parents=True)
    data = os.urandom(2 * inputs.MB + 777)
    sha = hashlib.sha256(data).hexdigest()
    kept = folder / f"{sha}.pdf"
    kept.write_bytes(data)
    elsewhere = "/srv/other-host/lipctl/files/" + "ab" * 32 + ".pdf"  # recorded on another host: not here
    engine = engine_on(db_url)
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM drafts ORDER BY id"))]
        assert len(ids) == 2
        conn.execute(
            text("UPDATE drafts SET file_name = 'papier.pdf', file_size = :z, file_sha256 = :s, file_copy = :p WHERE id = :id"),
            {"z": len(data), "s": sha, "p": str(kept), "id": ids[0]},
        )
        conn.execute(
            text("UPDATE drafts SET file_name = 'x.pdf', file_size = 1, file_sha256 = :s, file_copy = :p WHERE id = :id"),
            {"s": "ab" * 32, "p": elsewhere, "id": ids[1]},
        )
    engine.dispose()
    before = _tables(db_url)
    assert "documents" not in before

    revisions.upgraded_engine(db_url, "0003").dispose()  # the documents' migration (later ones add columns)
    after = _tables(db_url)
    assert after.pop("audit_events")[: len(before["audit_events"])] == before.pop("audit_events")
    documents, chunks = after.pop("documents"), after.pop("document_chunks")
    drafts_before, drafts_after = before.pop("drafts"), after.pop("drafts")
    assert after.pop("reported_rejects") == []  # revision 0002's table, on the way: empty
    assert after == before, "every other table is unchanged"
    if postgres:
        assert [(d[0], d[1], d[2]) for d in documents] == [(sha, len(data), 3)]
        assert [(c[0], c[1]) for c in chunks] == [(sha, 0), (sha, 1), (sha, 2)]
        assert b"".join(bytes(c[2]) for c in chunks) == data
        file_copy = {r[0]: r[-1] for r in drafts_after}
        assert file_copy == {ids[0]: None, ids[1]: elsewhere}, "moved: cleared; not on this host: as recorded"
        assert [r[:-1] for r in drafts_after] == [r[:-1] for r in drafts_before]
        kept.unlink()  # the database has it now: the file is no longer needed
    else:
        assert documents == [] and chunks == []
        assert drafts_after == drafts_before
    result = cli("db", "upgrade", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    out = cli("draft", "document", str(ids[0]))
    assert out.exit_code == ExitCode.OK, out.stderr
    assert out.stdout_bytes == data
    gone = cli("draft", "document", str(ids[1]))
    assert gone.exit_code == ExitCode.REFUSED
    assert f"is not here: {elsewhere}" in gone.stderr
    check = cli.json("db", "check")
    assert check["ok"] is True and check["schema"] == schema.HEAD


def test_the_upgrade_leaves_a_file_whose_content_changed(pg_url: str, cli, isolated: Path, monkeypatch) -> None:
    """A kept file that no longer has the recorded SHA-256 is not stored as that document."""
    monkeypatch.setenv("LIPCTL_DB", pg_url)
    revisions.load(pg_url, "0001")
    changed = isolated / "changed.pdf"
    changed.write_bytes(b"not what was recorded")
    engine = engine_on(pg_url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE drafts SET file_sha256 = :s, file_size = 5, file_copy = :p"), {"s": "cd" * 32, "p": str(changed)}
        )
    engine.dispose()
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    store = _store(pg_url)
    try:
        assert store.scalar("SELECT count(*) FROM documents") == 0
        assert store.scalar("SELECT count(*) FROM document_chunks") == 0
        assert store.scalar("SELECT file_copy FROM drafts") == str(changed)
    finally:
        store.close()
    out = cli("draft", "document", REF)
    assert out.exit_code == ExitCode.REFUSED and "does not match its SHA-256" in out.stderr
    assert out.stdout_bytes == b""


def test_offices_submitting_the_same_document_at_once_store_it_once(db_url: str, cli, isolated: Path) -> None:
    assert cli("init").exit_code == ExitCode.OK
    doc, data = _document(isolated, "papier.pdf", 2 * inputs.MB + 5)
    procs = [h.spawn(db_url, *SUBMIT, "--file", str(doc), XDG_DATA_HOME=str(isolated / "xdg-data")) for _ in range(3)]
    results = [(p.wait(timeout=300), p.communicate()[1].decode()) for p in procs]
    assert [code for code, _err in results] == [0, 0, 0], results
    store = _store(db_url)
    try:
        assert store.rows("SELECT version FROM drafts ORDER BY version") == [(1,), (2,), (3,)]
        if not store.is_sqlite:
            assert store.scalar("SELECT count(*) FROM documents") == 1
            assert store.scalar("SELECT count(*) FROM document_chunks") == 3
    finally:
        store.close()
    out = cli("draft", "document", REF)
    assert out.exit_code == ExitCode.OK and out.stdout_bytes == data
    assert _incoming_anywhere(isolated) == []
