"""Migration 0011 (the record of sent reminders): a populated database of revision 0008 upgrades to the
head with every row of the fixture kept, and gains the empty ``reminders_sent``.

The database is built from tests/fixtures/revisions/0008.json (seats, a roster, the plan submitted,
forwarded and adopted). After ``db upgrade`` (0009, the addresses, on the way):

- every row of every table of the fixture is as it was, in the fixture's columns (later revisions
  may add columns to the same tables);
- ``reminders_sent`` exists and is empty; one row per item and day (a second is refused by the store);
- a second upgrade changes nothing; the downgrade to the revision before drops the table and keeps
  every other row.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lipctl.errors import ExitCode
from lipctl.store import schema
from tests.fixtures import revisions
from tests.helpers import engine_on

FIXTURE = "0008"
AFTER = "0011"
NEW = "reminders_sent"


def _populated(db_url: str) -> dict[str, list[revisions.Row]]:
    assert AFTER in schema.REVISIONS
    revisions.load(db_url, FIXTURE)
    return revisions.rows(db_url)


def test_a_populated_database_upgrades_with_every_row_kept_and_an_empty_record(db_url: str, cli) -> None:
    _populated(db_url)
    _before, after = revisions.upgrade_keeps_rows(cli, db_url, FIXTURE, new_tables={NEW})
    assert after[NEW] == []
    revisions.second_upgrade_changes_nothing(cli, db_url, after)


def test_the_store_keeps_one_row_per_item_and_day(db_url: str, cli) -> None:
    before = _populated(db_url)
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    body = before["bodies"][0]["id"]
    insert = sa.text(
        "INSERT INTO reminders_sent (item, day, body_id, recipient, message_id, sent_at, sent_by)"
        " VALUES (:item, :day, :body, 'a@example.org', '<1@example.org>', '2021-02-01 08:00:00', 'tester')"
    )
    engine = engine_on(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(insert, {"item": "opinion:1:rat", "day": dt.date(2021, 2, 1), "body": body})
            conn.execute(insert, {"item": "opinion:1:rat", "day": dt.date(2021, 2, 2), "body": body})
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert, {"item": "opinion:1:rat", "day": dt.date(2021, 2, 1), "body": body})
    finally:
        engine.dispose()


def test_0011_downgrades_dropping_only_its_table(db_url: str, cli) -> None:
    _populated(db_url)
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    upgraded = revisions.rows(db_url)
    previous = schema.REVISIONS[schema.REVISIONS.index(AFTER) - 1]
    revisions.downgrade(db_url, AFTER, previous)
    down = revisions.rows(db_url)
    assert NEW not in down
    assert down == {name: rows for name, rows in upgraded.items() if name != NEW}
