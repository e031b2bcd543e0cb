"""Migration 0004 (corrections, the audit chain): a populated database of revision 0003 upgrades with every row kept.

The database is built at 0003 from the rows a lipctl of revision 0003 wrote through its commands
(tests/fixtures/revisions/0003.json: init, imports with rejects, three draft versions, four
opinions, three steering decisions, a committee resolution, 18 audit events). After the upgrade:

- every row of every table is as it was in the columns it had; the void columns (drafts, opinions,
  steering decisions, resolutions) and the undo columns (import batches) are NULL;
- every event has the day its act happened (``happened_on``, from the day its details name), and
  the events form one hash chain in id order that ``lipctl.process.auditchain.verify`` accepts,
  whose head ``audit_head`` holds;
- a steering decision counts once per draft: the database refuses a second live one and accepts
  a voided one beside it (the partial unique index);
- the append-only triggers are back; a second upgrade changes nothing; the downgrade gives 0003's
  rows back.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine, MetaData, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from lipctl.process.auditchain import GENESIS, Broken, Link, Verified, verify
from lipctl.store import schema
from tests.fixtures import revisions

BEFORE, AFTER = "0003", "0004"
VOID = ("voided_at", "voided_by", "void_reason")
UNDO = ("undone_at", "undone_by", "undo_reason")
#: The columns 0004 adds to existing tables, NULL after the upgrade (the chain's columns of the log aside).
NULL = {"drafts": VOID, "opinions": VOID, "steering_decisions": VOID, "resolutions": VOID, "import_batches": UNDO}
#: What later revisions add to these tables, NULL after `db upgrade` (which goes to the head): 0005's
#: milestone and document kind columns, 0007's of resolutions and memberships (memberships' voting is set),
#: 0009's addresses (bodies' language is set); 0006's bodies' periods (the tallies' session is set).
NULL["milestones"] = ("original_due", "rescheduled_at", "rescheduled_by", "reschedule_reason")
NULL["document_kinds"] = ("based_on",)
NULL["resolutions"] = (*VOID, "members_statutory", "members_reason")
NULL["memberships"] = ("since", "until")
NULL["bodies"] = ("invitation_days", "information_interval_days", "email")
NULL["field_contacts"] = ("email", "phone")
VOIDED_AT = dt.datetime(2021, 2, 2, 9, 0)  # noqa: DTZ001 (naive UTC, as lipctl stores it)
#: The detail that names the day of each kind of act in the fixture's log; other events name none.
DAY_OF = {
    "draft.submitted": "submitted_on",
    "opinion.recorded": "received_on",
    "steering.decided": "decided_on",
    "resolution.recorded": "date",
}


def _links(events: list[revisions.Row]) -> list[Link]:
    return [Link(**{name: e[name] for name in Link._fields}) for e in events]


def _populated(db_url: str) -> dict[str, list[revisions.Row]]:
    assert schema.REVISIONS[2:4] == (BEFORE, AFTER)
    revisions.load(db_url, BEFORE)
    before = revisions.rows(db_url)
    assert "audit_head" not in before
    counts = {t: len(before[t]) for t in ("drafts", "opinions", "steering_decisions", "resolutions", "import_batches")}
    assert counts == {"drafts": 3, "opinions": 4, "steering_decisions": 3, "resolutions": 1, "import_batches": 3}
    assert len(before["audit_events"]) == 18
    return before


def test_a_populated_0003_database_upgrades_to_0004_with_every_row_kept_and_the_log_chained(db_url: str, cli) -> None:
    _populated(db_url)
    before, after = revisions.upgrade_keeps_rows(cli, db_url, BEFORE, new_tables={"audit_head"}, null=NULL)
    logged = len(before["audit_events"])

    events = after["audit_events"]
    for event in events[:logged]:
        key = DAY_OF.get(event["action"])
        day = dt.date.fromisoformat(json.loads(event["details"])[key]) if key else None
        assert event["happened_on"] == day, event
    assert {e["action"] for e in events if e["happened_on"]} == set(DAY_OF), "every kind of dated act has its day"

    # The chain: the migration chains the events it finds, from GENESIS, in id order.
    links = _links(events)
    migrated = verify(links[:logged])
    assert isinstance(migrated, Verified) and migrated.events == logged
    assert [e["prev_hash"] for e in events[:logged]] == [GENESIS] + [e["hash"] for e in events[: logged - 1]]
    (head,) = after["audit_head"]
    upgraded = events[logged]
    if upgraded["hash"] is None:
        # The upgrade's own event, written after the migration, is chained only where lipctl's
        # audit.record chains new events; until then it is the one event outside the chain and the
        # head is the migration's.
        broken = verify(links)
        assert isinstance(broken, Broken)
        assert (broken.event_id, broken.events, broken.head) == (upgraded["id"], logged, migrated.head)
        assert head == {"id": 1, "hash": migrated.head, "events": logged}
    else:
        assert upgraded["prev_hash"] == migrated.head
        assert verify(links) == Verified(logged + 1, upgraded["hash"])
        assert head == {"id": 1, "hash": upgraded["hash"], "events": logged + 1}

    revisions.second_upgrade_changes_nothing(cli, db_url, after)


def _upgraded(db_url: str) -> Engine:
    _populated(db_url)
    return revisions.upgraded_engine(db_url, AFTER)


def test_the_migration_writes_the_chain_s_head_and_keeps_the_log_append_only(db_url: str) -> None:
    engine = _upgraded(db_url)
    try:
        after = revisions.rows(db_url)
        chained = verify(_links(after["audit_events"]))
        assert chained == Verified(18, after["audit_events"][-1]["hash"])
        assert after["audit_head"] == [{"id": 1, "hash": chained.head, "events": 18}]
        events = MetaData()
        events.reflect(engine, only=["audit_events"])
        table = events.tables["audit_events"]
        for statement in (update(table).values(actor="mallory"), table.delete().where(table.c.id == 1)):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(statement)
    finally:
        engine.dispose()
    assert revisions.rows(db_url) == after


def test_the_database_keeps_one_live_steering_decision_per_draft(db_url: str) -> None:
    """A second live decision for a draft is refused by the database; a voided one beside it is not."""
    engine = _upgraded(db_url)
    try:
        meta = MetaData()
        meta.reflect(engine, only=["steering_decisions"])
        table = meta.tables["steering_decisions"]
        with engine.connect() as conn:
            live = dict(conn.execute(select(table).where(table.c.id == 1)).one()._mapping)
        again = {k: v for k, v in live.items() if k != "id"}
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert(table).values(again))
        voided = dict(again, voided_at=VOIDED_AT, voided_by="clara", void_reason="falsch erfasst")
        with engine.begin() as conn:
            conn.execute(insert(table).values(voided))
        with engine.begin() as conn:  # the first one voided, a new live decision counts
            conn.execute(update(table).where(table.c.id == 1).values(voided_at=VOIDED_AT, voided_by="clara"))
            conn.execute(insert(table).values(dict(again, reason="neu entschieden")))
        with engine.connect() as conn:
            rows = conn.execute(
                select(table.c.voided_at.is_(None), func.count())
                .where(table.c.draft_id == live["draft_id"])
                .group_by(table.c.voided_at.is_(None))
            ).all()
        assert sorted((bool(live_), n) for live_, n in rows) == [(False, 2), (True, 1)]
    finally:
        engine.dispose()


def test_0004_downgrades_to_0003_with_every_row_as_it_was(db_url: str) -> None:
    before = _populated(db_url)
    revisions.downgrade(db_url, AFTER, BEFORE)
    engine = revisions.upgraded_engine(db_url, BEFORE)  # at BEFORE already: an engine as the migrations have
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_events"))
    finally:
        engine.dispose()
    assert revisions.rows(db_url) == before
