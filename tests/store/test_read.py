"""The read side (lipctl.store.read): typed rows, the same on the driver's connection and inside a unit of work.

Each query runs on SQLite and PostgreSQL (``db_url``); the read modules import no SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from lipctl.errors import InvalidInput, NotFound
from lipctl.store.location import resolve
from lipctl.store.read import definition, drafts, log, opinions, surveys
from lipctl.store.reader import Reader, open_reader
from tests.helpers import engine_on
from tests.meta.test_imports import imported_modules, offending

REF = "bildung/grundsatzpapier"

# Every read function with the arguments it is called with here, by name.
QUERIES: dict[str, Callable[[Reader], Any]] = {
    "fields": definition.fields,
    "field_aliases": definition.field_aliases,
    "kinds": definition.kinds,
    "bodies": definition.bodies,
    "categories": definition.categories,
    "people": definition.people,
    "process_info": definition.process_info,
    "contacts": definition.contacts,
    "rule_sets": definition.rule_sets,
    "seat_categories": definition.seat_categories,
    "chairs": lambda r: definition.members(r, "chair"),
    "opinion_deadlines": definition.opinion_deadlines,
    "decision_steps": definition.decision_steps,
    "drafts": drafts.drafts,
    "drafts_of_bildung": lambda r: drafts.drafts(r, "bildung", "submitted"),
    "draft_1": lambda r: drafts.draft(r, 1),
    "latest_versions": drafts.latest_versions,
    "versions": lambda r: drafts.versions(r, drafts.draft(r, 2).field_id, "grundsatzpapier"),
    "decision": lambda r: drafts.decision(r, 2),
    "considered_surveys": lambda r: drafts.considered_surveys(r, 2),
    "stored": lambda r: drafts.stored(r, "0" * 64),
    "opinions": opinions.opinions,
    "opinions_of_2": lambda r: opinions.opinions(r, 2),
    "requirements": opinions.requirements,
    "received": lambda r: opinions.received(r, 2),
    "givers": opinions.opinion_givers,
    "surveys": surveys.surveys,
    "response_counts": surveys.response_counts,
    "imports": surveys.imports,
    "groups": surveys.groups,
    "responses": lambda r: surveys.responses(r, "bildung"),
    "events": log.events,
    "events_newest": lambda r: log.events(r, dt.date(2000, 1, 1), 3, "draft"),
    "draft_events": lambda r: log.draft_events(r, [1, 2]),
}


@pytest.fixture
def story(db_url: str, cli, tmp_path: Path) -> str:
    """Two versions of one document, an opinion on the second, one survey with two answers."""
    answers = tmp_path / "answers.csv"
    answers.write_text(
        "id;action_field;category;text;submitted_at\n1;Bildung;Idee;Mehr Kita;2020-06-02\n2;Bildung;;ohne Datum;\n",
        encoding="utf-8",
    )
    for args in (
        ("init",),
        ("--today", "2020-09-01", "draft", "submit", "Bildung", "--kind", "Grundsatzpapier", "--title", "T1"),
        ("survey", "import", str(answers), "--survey", "Beteiligung 2020", "--profile", "spreadsheet"),
        (
            "--today",
            "2020-09-02",
            "draft",
            "submit",
            "bildung",
            "--kind",
            "grundsatzpapier",
            "--considered-survey",
            "beteiligung 2020",
        ),
        ("--today", "2020-09-20", "opinion", "record", REF, "--from", "runder-tisch", "--stance", "amend", "--text", "mehr"),
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
    return db_url


def _answers(r: Reader) -> dict[str, Any]:
    return {name: query(r) for name, query in QUERIES.items()}


def test_the_read_side_answers_in_typed_rows_with_dates_converted(story: str) -> None:
    with open_reader(resolve(story)) as r:
        got = _answers(r)
    assert [type(f) for f in got["fields"]] == [definition.Field] * 6
    assert [(d.id, d.version, d.state, d.field) for d in got["drafts"]] == [
        (1, 1, "superseded", "bildung"),
        (2, 2, "submitted", "bildung"),
    ]
    assert got["drafts_of_bildung"] == [got["drafts"][1]] and got["draft_1"] == got["drafts"][0]
    v2 = got["drafts"][1]
    assert isinstance(v2, drafts.Draft) and v2.state_since == dt.date(2020, 9, 2) and v2.submitted_on == dt.date(2020, 9, 2)
    assert got["versions"] == {1: 1, 2: 2}
    assert got["decision"] is None and got["stored"] is None
    assert got["considered_surveys"] == ["Beteiligung 2020"]
    [opinion] = got["opinions"]
    assert got["opinions_of_2"] == [opinion]
    assert isinstance(opinion, opinions.Opinion) and (opinion.body, opinion.stance, opinion.field) == (
        "runder-tisch",
        "amend",
        "bildung",
    )
    assert opinion.received_on == dt.date(2020, 9, 20) and isinstance(opinion.recorded_at, dt.datetime)
    assert got["received"] == ["runder-tisch"]
    assert got["givers"] == ["integrationsbeiraete", "runder-tisch"]  # the bodies with an opinion_name
    [listed] = got["surveys"]
    assert isinstance(listed, surveys.Listed) and isinstance(listed.created_at, dt.datetime)
    assert got["response_counts"] == {listed.id: 2}
    assert got["imports"][listed.id].n == 1 and isinstance(got["imports"][listed.id].last, dt.datetime)
    assert sorted(g.n for g in got["groups"]) == [1, 1]
    assert [(a.text, a.category, a.submitted_at) for a in got["responses"]] == [
        ("Mehr Kita", "idee", dt.datetime(2020, 6, 2)),
        ("ohne Datum", None, None),  # undated last on both stores
    ]
    assert all(isinstance(e, log.Event) and isinstance(e.occurred_at, dt.datetime) for e in got["events"])
    assert [e.id for e in got["events_newest"]] == sorted((e.id for e in got["events"] if e.entity == "draft"), reverse=True)[:3]
    assert {e.entity_id for e in got["draft_events"]} == {1, 2}
    assert all(isinstance(s, definition.SeatCategory) and isinstance(s.voting, bool) for s in got["seat_categories"])


def test_inside_a_unit_of_work_the_read_side_answers_the_same(story: str) -> None:
    with open_reader(resolve(story)) as r:
        bare = _answers(r)
    engine = engine_on()
    try:
        with Session(engine) as session:
            inside = _answers(Reader.of(session))
    finally:
        engine.dispose()
    assert inside == bare


def test_look_ups_by_the_names_staff_type(story: str) -> None:
    with open_reader(resolve(story)) as r:
        assert definition.field_slug(r, "Bildung") == "bildung"
        assert definition.kind_slug(r, "Grundsatzpapier") == "grundsatzpapier"
        assert definition.body_slug(r, "Integrationsbeirat") == "integrationsbeiraete"
        assert drafts.draft_id(r, " Bildung / Grundsatzpapier ") == 2
        assert drafts.draft_id(r, "1") == 1
        assert surveys.survey(r, " BETEILIGUNG 2020 ").name == "Beteiligung 2020"
        with pytest.raises(NotFound, match="no draft with id 99999999999999999999999"):
            drafts.draft_id(r, "99999999999999999999999")
        with pytest.raises(InvalidInput, match="is not a draft reference"):
            drafts.draft_id(r, "a/b/c")
        with pytest.raises(NotFound, match="has no"):
            drafts.draft_id(r, "soziales/grundsatzpapier")
        with pytest.raises(NotFound, match="no survey 'x\\\\x00'"):
            surveys.survey(r, "x\x00")


@pytest.mark.slow
def test_the_read_modules_import_no_sqlalchemy_and_no_models() -> None:
    code = "import lipctl.store.read.definition, lipctl.store.read.drafts, lipctl.store.read.opinions"
    code += ", lipctl.store.read.surveys, lipctl.store.read.log"
    modules = imported_modules("-c", code)
    assert "lipctl.store.read.drafts" in modules
    assert offending(modules, ("sqlalchemy", "lipctl.store.models", "psycopg")) == []
