"""The store side of ``init`` and ``db check`` (lipctl.store.seeding, lipctl.store.maintenance) on SQLite and PostgreSQL.

Writing the shipped definition a second time changes nothing; a changed contact is noted with the
person before and after; the maintenance queries answer what ``db check`` reports.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lipctl.process.states import ContactRole
from lipctl.services.seed import default_seed_path, read_seed
from lipctl.store import maintenance, schema, seeding
from lipctl.store import models as m
from tests.helpers import engine_on


@pytest.fixture
def engine(db_url: str, cli) -> Iterator[Engine]:
    result = cli("init")
    assert result.exit_code == 0, result.stderr
    engine = engine_on()
    yield engine
    engine.dispose()


def _apply(session: Session, pd) -> seeding.Sync:
    sync = seeding.Sync(session)
    seeding.sync_process_info(sync, pd)
    seeding.sync_document_kinds(sync, pd)
    rule_ids = seeding.sync_rule_sets(sync, pd)
    field_ids = seeding.sync_fields(sync, pd)
    body_ids = seeding.sync_bodies(sync, pd, field_ids, rule_ids)
    seeding.sync_requirements(sync, pd, body_ids)
    seeding.sync_decision_chain(sync, pd, body_ids)
    seeding.sync_milestones(sync, pd)
    seeding.sync_categories(sync, pd)
    seeding.sync_events(sync, pd)
    session.flush()
    return sync


def test_the_same_definition_again_changes_nothing(engine: Engine) -> None:
    pd = read_seed(default_seed_path())
    with Session(engine) as session:
        sync = _apply(session, pd)
        assert (sync.changes, sync.contacts) == ([], [])
        assert not session.new and not session.dirty and not session.deleted


def test_a_changed_contact_is_noted_before_and_after(engine: Engine) -> None:
    pd = read_seed(default_seed_path())
    field = pd.fields[0]
    assert field.contact is not None
    moved = dataclasses.replace(field, contact=dataclasses.replace(field.contact, name="Anna Beispiel", title=None))
    changed = dataclasses.replace(pd, fields=(moved, *pd.fields[1:]))
    with Session(engine) as session:
        sync = _apply(session, changed)
        assert sync.changes == [{"change": "updated", "what": f"{field.slug} contact"}]
        [note] = sync.contacts
        assert (note.field, note.role) == (field.slug, ContactRole.CONTACT)
        assert note.before == seeding.Contact(field.contact.name, field.contact.unit, field.contact.title)
        assert note.after == seeding.Contact("Anna Beispiel", field.contact.unit, None)
        session.rollback()


def test_the_maintenance_queries_on_an_initialised_store(engine: Engine) -> None:
    with engine.connect() as conn:
        counts = maintenance.row_counts(conn)
        assert counts["action_fields"] == 6
        assert set(counts) == {t.name for t in m.Base.metadata.sorted_tables}
        assert counts["audit_events"] == len(conn.execute(select(m.AuditEvent.id)).all())
        assert maintenance.schema_diffs(conn) == []
        assert schema.current_revision(conn) == schema.HEAD
        if engine.dialect.name == "sqlite":
            assert maintenance.integrity_check(conn) == ["ok"]
            assert maintenance.integrity_check(conn, quick=True) == ["ok"]
            assert maintenance.foreign_key_violations(conn) == []
        else:
            assert maintenance.server_version(conn).split(".")[0] == "15"
