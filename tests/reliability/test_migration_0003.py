"""Migration 0003 (documents): a populated database of revision 0002 upgrades with every row kept.

The database is built at 0002 from the rows a lipctl of revision 0002 wrote through its commands
(tests/fixtures/revisions/0002.json: init, imports, two drafts, an opinion, an import with rejects,
so that reported_rejects has rows). A draft's document is then recorded the way a lipctl of 0002
recorded it (a file named by its SHA-256, its path in ``file_copy``): that part is code, since the
path is the test's own. After the migration to 0003 every row of every table is compared; the only
change is, on PostgreSQL, the document moved into the database with its draft's ``file_copy``
cleared. A second upgrade changes nothing, and the document comes back from the upgraded store.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sqlalchemy import text

from lipctl.errors import ExitCode
from lipctl.files import inputs
from lipctl.store import schema
from tests.fixtures import revisions
from tests.helpers import engine_on

BEFORE, AFTER = "0002", "0003"


def _populated_0002(db_url: str, isolated: Path) -> tuple[int, Path, bytes]:
    """A database of revision 0002 from its fixture; returns the draft id, file and data of its document."""
    assert schema.REVISIONS[1:3] == (BEFORE, AFTER)
    revisions.load(db_url, BEFORE)
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
    draft_id, kept, data = _populated_0002(db_url, isolated)
    before = revisions.rows(db_url)
    assert "documents" not in before and "document_chunks" not in before
    assert len(before["reported_rejects"]) == 2
    assert len(before["survey_responses"]) == 81 and len(before["import_batches"]) == 3

    revisions.upgraded_engine(db_url, AFTER).dispose()
    after = revisions.rows(db_url)
    documents, chunks = after.pop("documents"), after.pop("document_chunks")
    drafts_before, drafts_after = before.pop("drafts"), after.pop("drafts")
    assert after == before, "every other table, reported_rejects and audit_events included, is unchanged"
    if "://" in db_url:
        assert [(d["sha256"], d["size"], d["chunks"]) for d in documents] == [(hashlib.sha256(data).hexdigest(), len(data), 2)]
        assert b"".join(bytes(c["data"]) for c in chunks) == data
        moved = [dict(r, file_copy=None) if r["id"] == draft_id else r for r in drafts_before]
        assert drafts_after == moved, "only the moved document's file_copy is cleared"
    else:
        assert documents == [] and chunks == []
        assert drafts_after == drafts_before

    # A second upgrade finds nothing to do and changes nothing.
    settled = revisions.rows(db_url)
    revisions.upgraded_engine(db_url, AFTER).dispose()
    assert revisions.rows(db_url) == settled

    # Brought to head, the store gives the document back (from the database on PostgreSQL).
    result = cli("db", "upgrade", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout)["schema"] == schema.HEAD
    if "://" in db_url:
        kept.unlink()  # the database has it now
    out = cli("draft", "document", str(draft_id))
    assert out.exit_code == ExitCode.OK, out.stderr
    assert out.stdout_bytes == data
    check = cli.json("db", "check")
    assert check["ok"] is True and check["schema"] == schema.HEAD
