"""Migration 0003 (documents): a populated database of revision 0002 upgrades with every row kept.

As test_migration_0002.py does for 0001: the database is built at 0002 and filled through the
commands (told that 0002 is the newest schema), with a survey import that has rejects (so
reported_rejects has rows) and a draft whose document is recorded the way a lipctl of 0002
recorded it (a file named by its SHA-256, its path in ``file_copy``). After ``lipctl db upgrade``
every row of every table is compared; the only changes are the upgrade's audit event and, on
PostgreSQL, the document moved into the database with its draft's ``file_copy`` cleared.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import text

from lipctl.errors import ExitCode
from lipctl.files import inputs
from lipctl.store import schema
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.helpers import engine_on
from tests.reliability.test_documents_store import _tables
from tests.reliability.test_migrations import _fill, _upgraded_engine

BEFORE, AFTER = "0002", "0003"


def _populated_0002(db_url: str, cli, isolated: Path) -> tuple[int, Path, bytes]:
    """A database of revision 0002 filled through the commands; returns the draft id, file and data of its document."""
    assert schema.REVISIONS[1:3] == (BEFORE, AFTER)
    _upgraded_engine(db_url, BEFORE).dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(schema, "HEAD", BEFORE)
        mp.setattr(schema, "upgrade", functools.partial(schema.upgrade, target=BEFORE))
        used = _fill(cli, isolated)
        assert "draft submit" in used
        rows = [LS_HEADER, ls_row("r1", "2020-06-15 14:32:10", "Bildung", "Idee", "gut")]
        rows += [ls_row("r2", "2020-06-15 14:32:10", "Sport", "Idee", "unbekannt")]
        rows += [ls_row("r3", "2020-06-15 14:32:10", "Nirgends", "Idee", "auch unbekannt")]
        path = isolated / "mit-rejects.csv"
        path.write_bytes(csv_bytes(rows, bom=True))
        result = cli("survey", "import", str(path), "--survey", "Umfrage 0", "--format", "json")
        assert result.exit_code == ExitCode.IMPORT_REJECTED_ROWS, result.stderr
        assert json.loads(result.stdout)["new_rejects"] == 2
    # The document as a lipctl of revision 0002 recorded a --file: a copy named by its SHA-256 in
    # files/ (beside SQLite, in the user data folder for PostgreSQL), its path in file_copy.
    folder = isolated / "xdg-data" / "lipctl" / "files" if "://" in db_url else Path(db_url).parent / "files"
    folder.mkdir(parents=True)
    data = os.urandom(inputs.MB + 4321)
    sha = hashlib.sha256(data).hexdigest()
    kept = folder / f"{sha}.pdf"
    kept.write_bytes(data)
    engine = engine_on(db_url)
    try:
        with engine.begin() as conn:
            draft_id = conn.execute(text("SELECT min(id) FROM drafts")).scalar_one()
            conn.execute(
                text(
                    "UPDATE drafts SET file_name = 'papier.pdf', file_size = :z, file_sha256 = :s, file_copy = :p WHERE id = :id"
                ),
                {"z": len(data), "s": sha, "p": str(kept), "id": draft_id},
            )
    finally:
        engine.dispose()
    return draft_id, kept, data


def test_a_populated_0002_database_upgrades_to_0003_with_every_row_kept(db_url: str, cli, isolated: Path) -> None:
    draft_id, kept, data = _populated_0002(db_url, cli, isolated)
    before = _tables(db_url)
    assert "documents" not in before and "document_chunks" not in before
    assert len(before["reported_rejects"]) == 2
    assert len(before["survey_responses"]) == 81 and len(before["import_batches"]) == 3

    result = cli("db", "upgrade", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout)["schema"] == AFTER == schema.HEAD
    after = _tables(db_url)

    events = after.pop("audit_events")
    logged = before.pop("audit_events")
    assert events[: len(logged)] == logged
    assert len(events) == len(logged) + 1  # the upgrade itself, logged
    documents, chunks = after.pop("documents"), after.pop("document_chunks")
    drafts_before, drafts_after = before.pop("drafts"), after.pop("drafts")
    assert after == before, "every other table, reported_rejects included, is unchanged"
    if "://" in db_url:
        assert [(d[0], d[1], d[2]) for d in documents] == [(hashlib.sha256(data).hexdigest(), len(data), 2)]
        assert b"".join(bytes(c[2]) for c in chunks) == data
        moved = [(*r[:-1], None) if r[0] == draft_id else r for r in drafts_before]
        assert drafts_after == moved, "only the moved document's file_copy is cleared"
    else:
        assert documents == [] and chunks == []
        assert drafts_after == drafts_before

    # A second upgrade finds nothing to do and changes nothing (not even the log).
    settled = _tables(db_url)
    again = cli("db", "upgrade", "--format", "json")
    assert again.exit_code == ExitCode.OK, again.stderr
    assert json.loads(again.stdout)["schema"] == schema.HEAD
    assert _tables(db_url) == settled

    if "://" in db_url:
        kept.unlink()  # the database has it now
    out = cli("draft", "document", str(draft_id))
    assert out.exit_code == ExitCode.OK, out.stderr
    assert out.stdout_bytes == data
    check = cli.json("db", "check")
    assert check["ok"] is True and check["schema"] == schema.HEAD
