"""What the writing services load, lock and look up in their unit of work (lipctl.store.repositories
and the survey import's lipctl.store.bulk), on SQLite and PostgreSQL (``db_url``)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lipctl.process.states import DecisionScope
from lipctl.services.audit import utcnow
from lipctl.store import bulk
from lipctl.store import models as m
from lipctl.store import repositories as repo
from lipctl.store.read import opinions
from tests.store.test_repositories import engine, store  # noqa: F401 - the fixtures: the shipped seed, one draft, one survey


def test_the_latest_version_and_the_others_of_a_document(cli, engine: Engine) -> None:  # noqa: F811
    assert cli("--today", "2020-09-02", "draft", "submit", "Bildung", "--kind", "Grundsatzpapier").exit_code == 0
    with Session(engine) as session:
        field = repo.get_field(session, "bildung")
        latest = repo.latest_for_update(session, field.id, "grundsatzpapier")
        assert latest is not None and latest.version == 2
        assert [d.version for d in repo.other_versions(session, latest)] == [1]
        assert repo.latest_for_update(session, field.id, "handlungsprogramm") is None
        assert repo.adopted_documents(session) == set()


def test_the_beratungsfolge_and_who_has_adopted(engine: Engine) -> None:  # noqa: F811
    with Session(engine) as session:
        chain = repo.decision_chain(session, DecisionScope.PLAN)
        assert chain and all(isinstance(b, m.Body) for b in chain)
        assert repo.adopting_bodies(session, DecisionScope.PLAN, None) == set()
        repo.lock_plan_chain(session)  # a lock, nothing returned
        assert repo.reader(session).column("SELECT count(*) FROM drafts") == [1]
        assert opinions.requirements(repo.reader(session))


def test_the_survey_of_an_import_is_found_in_any_case_or_created(engine: Engine) -> None:  # noqa: F811
    with Session(engine) as session:
        conn = session.connection()
        known = bulk.import_survey_id(conn, "BETEILIGUNG 2020", utcnow())
        assert bulk.survey_name(conn, known) == "Beteiligung 2020"
        new = bulk.import_survey_id(conn, "Beteiligung 2021", utcnow())
        assert new != known and bulk.import_survey_id(conn, "beteiligung 2021", utcnow()) == new
        batch = bulk.start_batch(conn, new, path="/x.csv", profile="spreadsheet", started_at=utcnow(), actor="test")
        assert bulk.reported_rejects(conn, new, ["a" * 64]) == {}
        bulk.record_rejects(conn, new, batch, {"a" * 64: "empty_text"})
        bulk.record_rejects(conn, new, batch, {"a" * 64: "short_row"})  # recorded once
        assert bulk.reported_rejects(conn, new, ["a" * 64, "b" * 64]) == {"a" * 64: batch}
        counts = {"rows_read": 1, "imported": 0, "duplicates": 0, "rejected": 1, "skipped": 0}
        bulk.finish_batch(conn, batch, sha256="c" * 64, finished_at=utcnow(), counts=counts)
        row = session.get(m.ImportBatch, batch)
        assert row is not None and (row.rows_read, row.rejected, row.file_sha256) == (1, 1, "c" * 64)
        session.rollback()
