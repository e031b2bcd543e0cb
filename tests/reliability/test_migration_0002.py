"""Migration 0002 (reported_rejects): a populated database of revision 0001 upgrades with every row kept.

The approach of test_migrations.py, carried further: the 0001 database is filled through the
commands (told that 0001 is the newest schema) and, for what those commands can no longer write
at 0001 (an import with rejects now records them in reported_rejects), with SQL written for
revision 0001. Then every row of every table is compared, not only the counts.
"""

from __future__ import annotations

import datetime as dt
import functools
import json

import pytest
from sqlalchemy import inspect, text

from lipctl.errors import ExitCode
from lipctl.store import schema
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.helpers import engine_on
from tests.reliability.test_migrations import _fill, _upgraded_engine

BEFORE, AFTER = "0001", "0002"


def _contents(db_url: str) -> dict[str, list[tuple]]:
    """Every row of every table (alembic_version aside), in primary-key order, as text."""
    engine = engine_on(db_url)
    try:
        with engine.connect() as conn:
            out = {}
            for table in sorted(inspect(conn).get_table_names()):
                if table == "alembic_version":
                    continue
                rows = conn.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')).all()
                out[table] = [tuple(str(v) for v in row) for row in rows]
            return out
    finally:
        engine.dispose()


def _sql_batch_with_rejects(db_url: str) -> None:
    """What a lipctl of revision 0001 wrote for an import with rejects: a batch and its counts only."""
    engine = engine_on(db_url)
    try:
        with engine.begin() as conn:
            survey_id = conn.execute(text("SELECT id FROM surveys ORDER BY id LIMIT 1")).scalar_one()
            now = dt.datetime(2021, 2, 1, 9, 30)
            conn.execute(
                text(
                    "INSERT INTO import_batches (survey_id, path, file_sha256, profile, started_at, finished_at, rows_read, "
                    "imported, duplicates, rejected, skipped, actor) VALUES (:s, '/srv/export-alt.csv', :sha, 'limesurvey', "
                    ":t, :t, 7, 5, 0, 2, 0, 'tester')"
                ),
                {"s": survey_id, "sha": "ab" * 32, "t": now},
            )
    finally:
        engine.dispose()


def test_a_populated_0001_database_upgrades_to_0002_with_every_row_kept(db_url: str, cli, isolated) -> None:
    assert schema.REVISIONS[:2] == (BEFORE, AFTER)
    _upgraded_engine(db_url, BEFORE).dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(schema, "HEAD", BEFORE)
        mp.setattr(schema, "upgrade", functools.partial(schema.upgrade, target=BEFORE))
        used = _fill(cli, isolated)
    assert "survey import" in used
    _sql_batch_with_rejects(db_url)
    before = _contents(db_url)
    assert "reported_rejects" not in before
    assert len(before["survey_responses"]) == 80 and len(before["import_batches"]) == 3

    result = cli("db", "upgrade", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout)["schema"] == schema.HEAD
    after = _contents(db_url)

    assert after.pop("reported_rejects") == []
    later = {t: after.pop(t) for t in set(after) - set(before)}  # tables of later revisions (0003: documents)
    assert later == dict.fromkeys(later, [])
    upgrade_events = after["audit_events"][len(before["audit_events"]) :]
    assert len(upgrade_events) == 1  # the upgrade itself, logged
    after["audit_events"] = after["audit_events"][: len(before["audit_events"])]
    assert after == before  # every other row of every table, unchanged
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


def test_0002_downgrades_to_0001_without_touching_the_other_tables(db_url: str, cli, isolated) -> None:
    _upgraded_engine(db_url, BEFORE).dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(schema, "HEAD", BEFORE)
        mp.setattr(schema, "upgrade", functools.partial(schema.upgrade, target=BEFORE))
        _fill(cli, isolated)
    before = _contents(db_url)
    engine = _upgraded_engine(db_url, AFTER)
    try:
        from alembic import command

        with engine.begin() as conn:
            command.downgrade(schema.alembic_config(conn), BEFORE)
            assert schema.current_revision(conn) == BEFORE
    finally:
        engine.dispose()
    assert _contents(db_url) == before
