"""Migration 0002 (reported_rejects): a populated database of revision 0001 upgrades with every row kept.

The database is built at 0001 from the rows a lipctl of revision 0001 wrote through its commands
(tests/fixtures/revisions/0001.json: init, two imports, two drafts, an opinion, and an import
with two rejected rows, whose batch has its counts but no reported_rejects). The migration to 0002
adds an empty reported_rejects and changes no other row of any table; the database, then brought
to head by 'lipctl db upgrade', tells known rejects from new ones.
"""

from __future__ import annotations

import json

from lipctl.errors import ExitCode
from lipctl.store import schema
from tests.fixtures import revisions
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row

BEFORE, AFTER = "0001", "0002"


def test_a_populated_0001_database_upgrades_to_0002_with_every_row_kept(db_url: str, cli, isolated) -> None:
    assert schema.REVISIONS[:2] == (BEFORE, AFTER)
    revisions.load(db_url, BEFORE)
    before = revisions.rows(db_url)
    assert "reported_rejects" not in before
    assert len(before["survey_responses"]) == 81 and len(before["import_batches"]) == 3
    assert [b["rejected"] for b in before["import_batches"]] == [0, 0, 2]

    revisions.upgraded_engine(db_url, AFTER).dispose()
    after = revisions.rows(db_url)
    assert after.pop("reported_rejects") == []
    assert after == before  # every other row of every table, unchanged

    result = cli("db", "upgrade", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout)["schema"] == schema.HEAD
    check = cli.json("db", "check")
    assert check["ok"] is True and check["schema"] == schema.HEAD

    # The upgraded database tells known rejects from new ones: the 0001 batch's rejects were never
    # hashed, so they are new once, and known from then on.
    rows = [LS_HEADER, ls_row("r1", "2020-06-15 14:32:10", "Bildung", "Idee", "gut")]
    rows += [ls_row("r2", "2020-06-15 14:32:10", "Sport", "Idee", "unbekannt")]
    path = isolated / "nach-upgrade.csv"
    path.write_bytes(csv_bytes(rows, bom=True))
    first = cli("survey", "import", str(path), "--survey", "Umfrage 0", "--format", "json")
    assert first.exit_code == ExitCode.IMPORT_REJECTED_ROWS, first.stderr
    assert json.loads(first.stdout)["new_rejects"] == 1
    again = cli("survey", "import", str(path), "--survey", "Umfrage 0", "--format", "json")
    assert again.exit_code == ExitCode.OK, again.stderr
    assert json.loads(again.stdout)["known_rejects"] == 1


def test_0002_downgrades_to_0001_without_touching_the_other_tables(db_url: str) -> None:
    revisions.load(db_url, BEFORE)
    before = revisions.rows(db_url)
    engine = revisions.upgraded_engine(db_url, AFTER)
    try:
        from alembic import command

        with engine.begin() as conn:
            command.downgrade(schema.alembic_config(conn), BEFORE)
            assert schema.current_revision(conn) == BEFORE
    finally:
        engine.dispose()
    assert revisions.rows(db_url) == before
