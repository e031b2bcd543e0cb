"""The audit chain in the store: every writer appends under the head's lock, on both stores (#15).

Several events of one transaction link in order; concurrent writers on PostgreSQL never fork the
chain; the survey import's event (written beside the bulk writer's Core statements) is linked
too; a database of revision 0003 gets its chain from the migration.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from lipctl.errors import ExitCode, Refused
from lipctl.process.auditchain import GENESIS, Link, Verified, link_hash, verify
from lipctl.store import models as m
from tests.helpers import engine_on
from tests.stress import _harness as h


def _links(db_url: str) -> list[Link]:
    engine = engine_on(db_url)
    try:
        with engine.connect() as conn:
            t = m.AuditEvent.__table__
            rows = conn.execute(select(*(t.c[name] for name in Link._fields)).order_by(t.c.id)).all()
    finally:
        engine.dispose()
    return [Link(*row) for row in rows]


def _head(db_url: str) -> tuple[int, str]:
    engine = engine_on(db_url)
    try:
        with engine.connect() as conn:
            events, hash_ = conn.execute(text("SELECT events, hash FROM audit_head WHERE id = 1")).one()
    finally:
        engine.dispose()
    return events, hash_


def test_events_of_one_transaction_link_in_order(db_url: str, seeded, make_env) -> None:
    from lipctl.services import audit

    env = make_env(actor="chain-test")
    before = _head(db_url)
    with env.uow(write=True) as uow:
        for n in range(3):
            audit.record(env, uow.session, "test.step", entity="draft", entity_id=n, step=n)
        uow.commit()
    links = _links(db_url)
    mine = links[-3:]
    assert [link.prev_hash for link in mine] == [before[1], mine[0].hash, mine[1].hash]
    assert all(link_hash(link, link.prev_hash) == link.hash for link in mine)  # type: ignore[arg-type]
    assert _head(db_url) == (before[0] + 3, mine[-1].hash)
    assert verify(links) == Verified(len(links), mine[-1].hash)


def test_a_rolled_back_transaction_leaves_the_head_where_it_was(db_url: str, seeded, make_env) -> None:
    from lipctl.services import audit

    env = make_env()
    before = _head(db_url)
    with env.uow(write=True) as uow:
        audit.record(env, uow.session, "test.lost")
        uow.session.flush()
    assert _head(db_url) == before
    with env.uow(write=True) as uow:  # the next one links to the head as it was
        event = audit.record(env, uow.session, "test.kept")
        uow.commit()
    assert event.prev_hash == before[1]


def test_the_day_of_the_act_is_stored_and_hashed(db_url: str, seeded, make_env) -> None:
    import datetime as dt

    from lipctl.services import audit

    env = make_env()
    with env.uow(write=True) as uow:
        audit.record(env, uow.session, "test.dated", happened_on=dt.date(2020, 12, 16))
        audit.record(env, uow.session, "test.named", decided_on=dt.date(2020, 12, 17))  # from the details
        uow.commit()
    dated, named = _links(db_url)[-2:]
    assert (dated.happened_on, named.happened_on) == (dt.date(2020, 12, 16), dt.date(2020, 12, 17))
    assert link_hash(dated._replace(happened_on=None), dated.prev_hash or "") != dated.hash


def test_a_lost_head_refuses_writes(db_url: str, seeded, make_env) -> None:
    from lipctl.services import drafts

    engine = engine_on(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_head"))
    finally:
        engine.dispose()
    with pytest.raises(Refused, match="the audit log has lost its head"):
        drafts.submit(make_env(), "bildung", "grundsatzpapier")
    result = seeded("log", "verify")
    assert result.exit_code == ExitCode.REFUSED
    assert "the head of the audit log (table audit_head) was removed outside lipctl" in result.stderr


def test_the_survey_import_event_is_linked(db_url: str, seeded, tmp_path: Path) -> None:
    path = h.write_survey(tmp_path / "answers.csv", 30, prefix="a-")
    assert seeded("survey", "import", str(path), "--survey", "Umfrage").exit_code == ExitCode.OK
    links = _links(db_url)
    assert links[-1].action == "survey.imported" and links[-1].prev_hash == links[-2].hash
    result = seeded("log", "verify", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout)["events"] == len(links)


@pytest.mark.postgres
def test_concurrent_writers_on_postgresql_never_fork_the_chain(pg_url: str, cli, monkeypatch, make_env) -> None:
    """4 writers × 10 commands at once, each its own Env and connection: one chain, in lock order."""
    from lipctl.services import drafts, opinions

    monkeypatch.setenv("LIPCTL_DB", pg_url)
    assert cli("init").exit_code == ExitCode.OK
    fields = ["bildung", "wirtschaft", "soziales", "demokratie"]
    start = threading.Barrier(len(fields))
    errors: list[BaseException] = []

    def writer(field: str) -> None:
        env = make_env(actor=f"writer-{field}", db=pg_url)
        try:
            start.wait()
            for n in range(10):
                if n % 2 == 0:
                    drafts.submit(env, field, "grundsatzpapier", title=f"{field} {n}")
                else:
                    opinions.record(env, f"{field}/grundsatzpapier", "runder-tisch", "amend", text=f"{field} {n}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f,)) for f in fields]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    links = _links(pg_url)
    assert len({link.prev_hash for link in links}) == len(links)  # no two events follow the same one
    result = cli("log", "verify", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert data["events"] == len(links) == _head(pg_url)[0]
    # every command's events are there: 20 submits (and their superseded events after the first), 20 opinions
    actions = [link.action for link in links]
    assert actions.count("draft.submitted") == 20 and actions.count("opinion.recorded") == 20


def test_a_database_of_revision_0003_gets_its_chain_from_the_migration(db_url: str, cli) -> None:
    from lipctl.store import schema
    from tests.reliability.test_migrations import _upgraded_engine

    assert schema.REVISIONS.index("0004") == schema.REVISIONS.index("0003") + 1
    engine = _upgraded_engine(db_url, "0003")
    try:
        with engine.begin() as conn:
            for n, (action, details) in enumerate(
                [
                    ("seed.loaded", '{"changes": 82}'),
                    ("draft.submitted", '{"ref": "bildung/grundsatzpapier", "submitted_on": "2020-12-16", "version": 1}'),
                    ("steering.decided", '{"decided_on": "2021-01-20", "outcome": "forward", "reason": "gut"}'),
                ]
            ):
                conn.execute(
                    text(
                        "INSERT INTO audit_events (occurred_at, actor, command, action, entity, entity_id, details)"
                        " VALUES (:t, 'old', 'lipctl', :a, 'draft', 1, :d)"
                    ),
                    {"t": f"2021-01-0{n + 1} 10:00:00", "a": action, "d": details},
                )
    finally:
        engine.dispose()
    result = cli("db", "upgrade")
    assert result.exit_code == ExitCode.OK, result.stderr
    links = _links(db_url)
    assert links[0].prev_hash == GENESIS
    assert [str(link.happened_on) for link in links[:3]] == ["None", "2020-12-16", "2021-01-20"]
    assert links[-1].action == "schema.upgraded" and links[-1].prev_hash == links[-2].hash  # linked after the migration's
    result = cli("log", "verify", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout)["events"] == 4
