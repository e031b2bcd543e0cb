"""The walk of SPEC §2 for one field, end to end, on SQLite and PostgreSQL, told back by ``draft history``."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lipctl.errors import ExitCode
from lipctl.store import models as m
from tests.helpers import engine_on

REF = "bildung/grundsatzpapier"


def run(cli, *args: str, actor: str, today: str) -> dict:
    result = cli("--actor", actor, "--today", today, *args, "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    return json.loads(result.stdout)


def test_v1_opinions_returned_v2_opinions_forwarded_and_the_history_tells_it(cli, db_url: str) -> None:
    assert cli("init").exit_code == ExitCode.OK
    engine = engine_on()
    with Session(engine) as s:  # a survey whose answers v2 takes into account
        s.add(m.Survey(name="Beteiligung 2020", created_at=dt.datetime(2020, 6, 1)))
        s.commit()

    v1 = run(
        cli,
        "draft",
        "submit",
        "Bildung",
        "--kind",
        "Grundsatzpapier",
        "--title",
        "Grundsatzpapier Bildung",
        actor="anna",
        today="2020-09-01",
    )
    assert {k: v1[k] for k in ("field", "kind", "version", "state", "ref")} == {
        "field": "bildung",
        "kind": "grundsatzpapier",
        "version": 1,
        "state": "submitted",
        "ref": REF,
    }
    assert v1["opinions_due"] == [
        {"body": "integrationsbeiraete", "due": "2020-09-29"},
        {"body": "runder-tisch", "due": "2020-09-29"},
    ]
    op = run(
        cli,
        "opinion",
        "record",
        REF,
        "--from",
        "Integrationsbeiräte",
        "--stance",
        "amend",
        "--text",
        "Sprachförderung fehlt",
        actor="ben",
        today="2020-09-20",
    )
    assert (op["body"], op["stance"], op["draft_state"], op["missing_opinions"]) == (
        "integrationsbeiraete",
        "amend",
        "submitted",
        ["runder-tisch"],
    )
    op = run(
        cli,
        "opinion",
        "record",
        REF,
        "--from",
        "runder-tisch",
        "--stance",
        "reject",
        "--text",
        "Rassismus nicht benannt",
        "--date",
        "2020-09-24",
        actor="ben",
        today="2020-09-25",
    )
    assert (op["draft_state"], op["received_on"]) == ("ready_for_decision", "2020-09-24")
    dec = run(
        cli, "steering", "decide", REF, "--return", "--reason", "Stellungnahmen einarbeiten", actor="clara", today="2020-10-05"
    )
    assert {k: dec[k] for k in ("draft", "result")} == {"draft": v1["id"], "result": "returned"}

    v2 = run(
        cli,
        "draft",
        "submit",
        "bildung",
        "--kind",
        "grundsatzpapier",
        "--considered-survey",
        "beteiligung 2020",
        actor="anna",
        today="2020-11-02",
    )
    assert (v2["version"], v2["state"], v2["superseded"], v2["considered_surveys"]) == (
        2,
        "submitted",
        None,
        ["Beteiligung 2020"],
    )
    run(
        cli,
        "opinion",
        "record",
        REF,
        "--from",
        "runder-tisch",
        "--stance",
        "approve",
        "--text",
        "eingearbeitet",
        actor="ben",
        today="2020-11-10",
    )
    run(
        cli,
        "opinion",
        "record",
        REF,
        "--from",
        "integrationsbeiraete",
        "--stance",
        "approve",
        "--text",
        "gut",
        actor="ben",
        today="2020-11-12",
    )
    dec = run(
        cli, "steering", "decide", REF, "--forward", "--reason", "reif für den Ausschuss", actor="clara", today="2020-11-16"
    )
    assert {k: dec[k] for k in ("draft", "result")} == {"draft": v2["id"], "result": "forwarded"}

    shown = run(cli, "draft", "show", REF, actor="anna", today="2020-11-20")
    assert (shown["id"], shown["version"], shown["state"], shown["state_since"]) == (v2["id"], 2, "forwarded", "2020-11-16")
    assert shown["decision"] == {
        "id": dec["decision"],
        "voided": None,
        "result": "forwarded",
        "reason": "reif für den Ausschuss",
        "decided_on": "2020-11-16",
        "without_opinions": False,
        "missing_opinions": [],
    }
    assert [(o["body"], o["stance"]) for o in shown["opinions"]] == [
        ("runder-tisch", "approve"),
        ("integrationsbeiraete", "approve"),
    ]
    assert shown["considered_surveys"] == ["Beteiligung 2020"]
    # opinion list (the plain reader) shows what draft show (inside the ORM's transaction) shows
    listed = run(cli, "opinion", "list", REF, actor="anna", today="2020-11-20")
    assert listed == [{k: v for k, v in o.items() if k != "late"} for o in shown["opinions"]]  # show adds "late"
    assert all(dt.datetime.fromisoformat(o["recorded_at"]) and len(o["received_on"]) == 10 for o in listed)
    everything = run(cli, "opinion", "list", actor="anna", today="2020-11-20")
    assert [o["version"] for o in everything] == [1, 1, 2, 2] and everything[2:] == listed
    first = run(cli, "draft", "show", str(v1["id"]), actor="anna", today="2020-11-20")
    assert (first["state"], first["state_since"], first["decision"]["reason"]) == (
        "returned",
        "2020-10-05",
        "Stellungnahmen einarbeiten",
    )

    story = run(cli, "draft", "history", REF, actor="anna", today="2020-11-20")
    assert [(e["version"], e["action"], e["actor"]) for e in story] == [
        (1, "draft.submitted", "anna"),
        (1, "opinion.recorded", "ben"),
        (1, "opinion.recorded", "ben"),
        (1, "draft.ready_for_decision", "ben"),
        (1, "steering.decided", "clara"),
        (2, "draft.submitted", "anna"),
        (2, "opinion.recorded", "ben"),
        (2, "opinion.recorded", "ben"),
        (2, "draft.ready_for_decision", "ben"),
        (2, "steering.decided", "clara"),
    ]
    times = [dt.datetime.fromisoformat(e["occurred_at"]) for e in story]
    assert times == sorted(times) and all(t.tzinfo is not None for t in times)
    assert story[4]["details"]["reason"] == "Stellungnahmen einarbeiten" and story[4]["details"]["outcome"] == "return"
    assert story[5]["details"]["considered_surveys"] == ["Beteiligung 2020"]
    table = cli("draft", "history", REF)
    assert table.exit_code == ExitCode.OK
    assert "returned to the expert group — Stellungnahmen einarbeiten" in table.stdout
    assert "forwarded to the committee — reif für den Ausschuss" in table.stdout

    # The status and the committee pick up where the lifecycle left the document.
    status = run(cli, "status", actor="anna", today="2020-11-20")
    doc = next(d for f in status["fields"] if f["slug"] == "bildung" for d in f["documents"] if d["kind"] == "grundsatzpapier")
    assert (doc["version"], doc["state"], doc["waiting_on"]) == (2, "forwarded", ["internationaler-ausschuss"])

    with engine.connect() as conn:  # nothing deleted, both versions and all four opinions stored
        assert conn.execute(text("SELECT version, state FROM drafts ORDER BY version")).all() == [
            (1, "returned"),
            (2, "forwarded"),
        ]
        assert conn.execute(text("SELECT count(*) FROM opinions")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM steering_decisions")).scalar() == 2
    with Session(engine) as s:
        assert s.scalars(select(m.DraftSurvey.draft_id)).all() == [v2["id"]]
    engine.dispose()
