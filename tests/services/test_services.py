"""The services on SQLite and PostgreSQL without the CLI: each is handed an Env built here.

No global is set or reset: the store, the actor, the "as of" date and the command's name for the
audit log are what the test passes, and what the services return and store is checked against them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from lipctl.context import AppContext, Env
from lipctl.errors import InvalidInput
from lipctl.store.engine import resolve_url

TODAY = dt.date(2021, 2, 1)
REF = "bildung/grundsatzpapier"


@pytest.fixture
def store(db_url: str) -> Iterator[AppContext]:
    ctx = AppContext(db=db_url)
    yield ctx
    ctx.dispose()


@pytest.fixture
def env(store: AppContext) -> Env:
    return Env(store, actor="anna", today=TODAY, command="service-test")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_engine(resolve_url(db_url))
    yield engine
    engine.dispose()


@pytest.fixture
def initialised(env: Env) -> Env:
    from lipctl.services import seed

    seed.init(env, None)
    return env


def rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_init_creates_the_schema_and_loads_the_seed_once(env: Env, engine: Engine) -> None:
    from lipctl.services import db, seed
    from lipctl.store import schema

    first = seed.init(env, None)
    assert (first["schema_before"], first["schema"], first["fields"]) == (None, schema.HEAD, 6)
    assert first["changes"]
    assert rows(engine, "SELECT count(*) FROM action_fields") == [(6,)]
    assert rows(engine, "SELECT action, actor, command FROM audit_events ORDER BY id") == [
        ("schema.upgraded", "anna", "service-test"),
        ("seed.loaded", "anna", "service-test"),
    ]

    again = seed.init(env, None)
    assert (again["schema_before"], again["schema"], again["changes"]) == (schema.HEAD, schema.HEAD, [])
    assert rows(engine, "SELECT count(*) FROM audit_events") == [(2,)]  # nothing changed, nothing recorded
    checked = db.check(env)
    assert checked["ok"] is True and checked["schema_state"] == "current"


def test_a_draft_through_opinions_decision_and_vote(initialised: Env, engine: Engine) -> None:
    from lipctl.services import decisions, listings, opinions, resolutions
    from lipctl.services import drafts as drafts_svc

    env = initialised
    submitted = drafts_svc.submit(
        env.replace(today=dt.date(2021, 1, 10)), "bildung", "grundsatzpapier", title="Entwurf"
    )
    assert (submitted["version"], submitted["superseded"]) == (1, None)
    draft_id = submitted["id"]
    assert rows(engine, "SELECT id, version, state, title, submitted_by, CAST(submitted_on AS TEXT) FROM drafts") == [
        (draft_id, 1, "submitted", "Entwurf", "anna", "2021-01-10")
    ]

    ben = env.replace(actor="ben")
    first = opinions.record(ben, REF, "integrationsbeiraete", "approve", text="Zustimmung")
    assert (first["draft"], first["draft_state"]) == (draft_id, "submitted")
    second = opinions.record(ben, REF, "runder-tisch", "amend", text="Mit Änderungen", date="2021-01-20")
    assert (second["draft"], second["draft_state"]) == (draft_id, "ready_for_decision")
    assert [o["body"] for o in listings.list_opinions(env, REF)] == ["integrationsbeiraete", "runder-tisch"]

    clara = env.replace(actor="clara")
    decided = decisions.decide(clara, REF, forward=True, ret=False, reason="Begründung")
    assert (decided["draft"], decided["result"], decided["without_opinions"]) == (draft_id, "forwarded", False)

    voted = resolutions.tally_document(env, REF, yes=10, no=2, abstain=0, present=13, members=19)
    assert voted["result"] == "adopted"

    assert rows(engine, "SELECT state, state_since FROM drafts")[0][0] == "adopted"
    assert rows(
        engine, "SELECT b.slug, o.stance, o.recorded_by FROM opinions o JOIN bodies b ON b.id = o.body_id ORDER BY o.id"
    ) == [
        ("integrationsbeiraete", "approve", "ben"),
        ("runder-tisch", "amend", "ben"),
    ]
    assert rows(
        engine, "SELECT action, actor FROM audit_events WHERE command = 'service-test' AND entity IS NOT NULL ORDER BY id"
    ) == [
        ("draft.submitted", "anna"),
        ("opinion.recorded", "ben"),
        ("opinion.recorded", "ben"),
        ("draft.ready_for_decision", "ben"),
        ("steering.decided", "clara"),
        ("meeting.scheduled", "anna"),  # the committee's session of the day, created for the tally
        ("resolution.recorded", "anna"),
    ]
    history = listings.history(env, REF)
    assert (history[0]["action"], history[0]["actor"], history[0]["version"]) == ("draft.submitted", "anna", 1)
    assert history[-1]["action"] == "resolution.recorded"


def test_a_refused_step_changes_nothing(initialised: Env, engine: Engine) -> None:
    from lipctl.services import decisions
    from lipctl.services import drafts as drafts_svc

    drafts_svc.submit(initialised, "bildung", "grundsatzpapier")
    before = rows(engine, "SELECT id, state FROM drafts"), rows(engine, "SELECT count(*) FROM audit_events")
    with pytest.raises(InvalidInput):
        decisions.decide(initialised, REF, forward=True, ret=True)
    assert (rows(engine, "SELECT id, state FROM drafts"), rows(engine, "SELECT count(*) FROM audit_events")) == before


def test_a_survey_import_and_its_figures(initialised: Env, engine: Engine, tmp_path: Path) -> None:
    from lipctl.services import responses, surveys

    csv = tmp_path / "umfrage.csv"
    csv.write_bytes(
        b"id;date;field;category;text\r\n"
        b'1;2020-06-15;bildung;idee;"Mehr Kita [/Schule] Pl\xc3\xa4tze"\r\n'
        b'2;2020-06-16;soziales;kritik;"zu wenig"\r\n'
        b'3;2020-06-17;bildung;idee;"noch eine"\r\n'
    )
    result = surveys.import_files(initialised, [csv], "Beteiligung 2020")
    assert (result["imported"], result["duplicates"], result["rejected"]) == (3, 0, 0)
    assert rows(engine, "SELECT name FROM surveys") == [("Beteiligung 2020",)]
    assert rows(engine, "SELECT rows_read, imported, actor FROM import_batches") == [(3, 3, "anna")]
    assert rows(engine, "SELECT count(*) FROM survey_responses") == [(3,)]

    again = surveys.import_files(initialised, [csv], "Beteiligung 2020")
    assert (again["imported"], again["duplicates"]) == (0, 3)
    assert rows(engine, "SELECT count(*) FROM survey_responses") == [(3,)]

    stats = responses.stats(initialised, "Beteiligung 2020")
    assert stats["total"] == 3
    assert (stats["by_field"]["bildung"], stats["by_field"]["soziales"]) == (2, 1)
    with responses.exported(initialised, "bildung") as exported:
        assert [r["text"] for r in exported] == ["Mehr Kita [/Schule] Plätze", "noch eine"]
    assert [(s["name"], s["responses"], s["imports"]) for s in responses.list_surveys(initialised)] == [
        ("Beteiligung 2020", 3, 2)
    ]


def test_status_is_as_of_the_date_it_is_given(initialised: Env) -> None:
    from lipctl.services import drafts as drafts_svc
    from lipctl.services import status

    submitted_on = initialised.replace(today=dt.date(2021, 1, 1))
    drafts_svc.submit(submitted_on, "bildung", "grundsatzpapier")

    now, names = status.status(initialised)
    later, _names = status.status(initialised.replace(today=dt.date(2021, 3, 2)))
    assert names.fields["bildung"]
    bildung_now = now["fields"][0]["documents"][0]
    bildung_later = later["fields"][0]["documents"][0]
    assert (bildung_now["state"], bildung_now["since"]) == ("submitted", dt.date(2021, 1, 1))
    assert (bildung_now["days_in_state"], bildung_later["days_in_state"]) == (31, 60)


def test_the_log_and_the_listings_read_what_the_services_wrote(initialised: Env) -> None:
    from lipctl.services import drafts as drafts_svc
    from lipctl.services import fields, listings, log

    drafts_svc.submit(initialised, "bildung", "grundsatzpapier", title="Entwurf")
    assert [(d["field"], d["version"], d["state"]) for d in listings.list_drafts(initialised)] == [("bildung", 1, "submitted")]
    shown = listings.show(initialised, REF)
    assert (shown["title"], shown["state"]) == ("Entwurf", "submitted")
    events = log.events(initialised, entity="draft")
    assert [(e["action"], e["actor"], e["command"]) for e in events] == [("draft.submitted", "anna", "service-test")]
    assert fields.list_fields(initialised)[0]["slug"] == "bildung"
