"""lipctl status on a realistic process state (see conftest.py for the story), as of 2021-02-01."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from lipctl.errors import ExitCode
from lipctl.process.states import DecisionOutcome


def _doc(kind: str, **values: Any) -> dict[str, Any]:
    base = {
        "kind": kind,
        "draft": None,
        "ref": None,
        "version": None,
        "state": None,
        "since": None,
        "days_in_state": None,
        "waiting_on": [],
        "missing_opinions": [],
        "late_opinions": [],
        "returns": 0,
        "last_resolution": None,
    }
    base.update(values)
    return base


def _fields(ids: dict[str, int]) -> list[dict[str, Any]]:
    def eg(field: str) -> dict[str, Any]:
        return _doc("massnahmenkatalog", waiting_on=[f"expertinnengruppe-{field}"])

    rows = [
        {
            "slug": "bildung",
            "name": "Bildung",
            "name_en": "Education",
            "survey_responses": 22,
            "documents": [
                _doc(
                    "grundsatzpapier",
                    draft=ids["bildung_v3"],
                    ref="bildung/grundsatzpapier",
                    version=3,
                    state="submitted",
                    since="2020-12-15",
                    days_in_state=48,
                    waiting_on=["runder-tisch"],
                    missing_opinions=["runder-tisch"],
                    returns=2,
                ),
                eg("bildung"),
            ],
        },
        {
            "slug": "soziales",
            "name": "Soziales",
            "name_en": "Social affairs",
            "survey_responses": 9,
            "documents": [
                _doc(
                    "grundsatzpapier",
                    draft=ids["soziales_gp"],
                    ref="soziales/grundsatzpapier",
                    version=1,
                    state="forwarded",
                    since="2020-12-10",
                    days_in_state=53,
                    waiting_on=["internationaler-ausschuss"],
                    last_resolution={
                        "body": "internationaler-ausschuss",
                        "result": "not_quorate",
                        "decided_on": "2021-01-21",
                        "drucksache": "0123/2021",
                    },
                ),
                eg("soziales"),
            ],
        },
        {
            "slug": "demokratie",
            "name": "Demokratie",
            "name_en": "Democracy",
            "survey_responses": 9,
            "documents": [
                _doc(
                    "grundsatzpapier",
                    draft=ids["demokratie_gp"],
                    ref="demokratie/grundsatzpapier",
                    version=1,
                    state="ready_for_decision",
                    since="2021-01-05",
                    days_in_state=27,
                    waiting_on=["lenkungsgruppe"],
                    # submitted 2020-12-01: due 28 days later; the Runder Tisch answered a week after
                    late_opinions=[{"body": "runder-tisch", "due": "2020-12-29", "received_on": "2021-01-05"}],
                ),
                eg("demokratie"),
            ],
        },
        {
            "slug": "stadtleben-kultur",
            "name": "Stadtleben und Kultur",
            "name_en": "City life and culture",
            "survey_responses": 12,
            "documents": [
                _doc(
                    "grundsatzpapier",
                    draft=ids["stadtleben_gp"],
                    ref="stadtleben-kultur/grundsatzpapier",
                    version=1,
                    state="submitted",
                    since="2020-11-01",
                    days_in_state=92,
                    waiting_on=["integrationsbeiraete", "runder-tisch"],
                    missing_opinions=["integrationsbeiraete", "runder-tisch"],
                ),
                _doc(
                    "massnahmenkatalog",
                    draft=ids["stadtleben_mk"],
                    ref="stadtleben-kultur/massnahmenkatalog",
                    version=1,
                    state="returned",
                    since="2021-01-25",
                    days_in_state=7,
                    waiting_on=["expertinnengruppe-stadtleben-kultur"],
                    returns=1,
                ),
            ],
        },
        {
            "slug": "wirtschaft",
            "name": "Wirtschaft",
            "name_en": "Economy",
            "survey_responses": 8,
            "documents": [
                _doc(
                    "grundsatzpapier",
                    draft=ids["wirtschaft_gp"],
                    ref="wirtschaft/grundsatzpapier",
                    version=1,
                    state="adopted",
                    since="2020-11-20",
                    days_in_state=73,
                    last_resolution={
                        "body": "internationaler-ausschuss",
                        "result": "adopted",
                        "decided_on": "2020-11-20",
                        "drucksache": "0815/2020",
                    },
                ),
                _doc(
                    "massnahmenkatalog",
                    draft=ids["wirtschaft_mk"],
                    ref="wirtschaft/massnahmenkatalog",
                    version=1,
                    state="submitted",
                    since="2021-01-20",
                    days_in_state=12,
                    waiting_on=["integrationsbeiraete", "runder-tisch"],
                    missing_opinions=["integrationsbeiraete", "runder-tisch"],
                ),
            ],
        },
        {
            "slug": "stadtverwaltung-diversitaet",
            "name": "Stadtverwaltung und Diversität",
            "name_en": "City administration and diversity",
            "survey_responses": 0,
            "documents": [
                _doc("grundsatzpapier", waiting_on=["expertinnengruppe-stadtverwaltung-diversitaet"]),
                eg("stadtverwaltung-diversitaet"),
            ],
        },
    ]
    for row in rows:  # issue 18, survey rounds: nothing was handed to the expert groups in this story
        row["not_handed_over"] = row["survey_responses"]
    return rows


def _milestone(field: str) -> dict[str, Any]:
    return {
        "kind": "milestone",
        "milestone": "grundsatzpapiere",
        "field": field,
        "document": "grundsatzpapier",
        "draft": None,
        "ref": None,
        "version": None,
        "body": None,
        "due": "2020-11-30",
        "days_overdue": 63,
    }


#: The days an office gives the seed's milestones ("bis Herbst 2020", "bis April 2021", "nach April
#: 2021"): the seed itself gives none, so nothing is overdue as a milestone until these are set.
OFFICE_DATES = {"grundsatzpapiere": "2020-11-30", "massnahmenkataloge": "2021-04-30", "ratsbeschluss": "2021-04-30"}


def dated(cli) -> None:
    """The office sets the milestones' days (milestone reschedule)."""
    for key, due in OFFICE_DATES.items():
        row = cli.json("milestone", "reschedule", key, "--due", due, "--reason", "vom Büro festgelegt")
        assert (row["milestone"], row["due"], row["due_before"]) == (key, due, None)


def _opinion(field: str, draft: int, version: int, body: str, due: str, late: int) -> dict[str, Any]:
    return {
        "kind": "opinion",
        "milestone": None,
        "field": field,
        "document": "grundsatzpapier",
        "draft": draft,
        "ref": f"{field}/grundsatzpapier",
        "version": version,
        "body": body,
        "due": due,
        "days_overdue": late,
    }


def test_status_json_field_by_field(seeded, story: dict[str, int]) -> None:
    data = seeded.json("status")
    assert data["as_of"] == "2021-02-01"
    expected = _fields(story)
    assert [f["slug"] for f in data["fields"]] == [f["slug"] for f in expected]
    for got, want in zip(data["fields"], expected, strict=True):
        assert got == want, got["slug"]
    # The seed gives no day for any milestone: none is overdue, each says what the seed says.
    assert [o["kind"] for o in data["overdue"]] == ["opinion"] * 3
    assert [(m["milestone"], m["due"], m["due_text"], m["original_due"], m["state"], m["met"]) for m in data["milestones"]] == [
        ("grundsatzpapiere", None, "bis Herbst 2020", None, "open", ["wirtschaft"]),
        ("massnahmenkataloge", None, "bis April 2021", None, "open", []),
        ("ratsbeschluss", None, "Ergebnis nach April 2021 dem Rat zum Beschluss", None, "open", []),
    ]
    dated(seeded)
    data = seeded.json("status")
    assert data["overdue"] == [
        # Stadtleben's opinions were due 28 days after 2020-11-01; nothing came.
        _opinion("stadtleben-kultur", story["stadtleben_gp"], 1, "integrationsbeiraete", "2020-11-29", 64),
        _opinion("stadtleben-kultur", story["stadtleben_gp"], 1, "runder-tisch", "2020-11-29", 64),
        # Only Wirtschaft has an adopted policy paper.
        _milestone("bildung"),
        _milestone("soziales"),
        _milestone("demokratie"),
        _milestone("stadtleben-kultur"),
        _milestone("stadtverwaltung-diversitaet"),
        # Bildung v3 (2020-12-15): the Beiräte answered, the Runder Tisch did not.
        _opinion("bildung", story["bildung_v3"], 3, "runder-tisch", "2021-01-12", 20),
    ]
    assert data["overdue_count"] == 8
    assert [(m["milestone"], m["met"], m["overdue"]) for m in data["milestones"]] == [
        ("grundsatzpapiere", ["wirtschaft"], True),
        ("massnahmenkataloge", [], False),
        ("ratsbeschluss", [], False),
    ]


def test_fail_on_overdue_exits_4_after_printing(seeded, story: dict[str, int]) -> None:
    dated(seeded)
    result = seeded("status", "--format", "json", "--fail-on-overdue")
    assert result.exit_code == ExitCode.OVERDUE
    assert len(json.loads(result.stdout)["overdue"]) == 8
    assert result.stderr == ""
    plain = seeded("status", "--fail-on-overdue")
    assert plain.exit_code == ExitCode.OVERDUE
    assert "Overdue: 8 items" in plain.stdout


def test_nothing_overdue_exits_0_with_fail_on_overdue(seeded) -> None:
    # Before the first milestone (2020-11-30) nothing can be late on an empty store.
    dated(seeded)
    result = seeded("--today", "2020-06-01", "status", "--fail-on-overdue")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "Nothing is overdue." in result.stdout
    data = seeded.json("--today", "2020-06-01", "status")
    assert data["overdue"] == [] and data["as_of"] == "2020-06-01"
    assert all(d["state"] is None for f in data["fields"] for d in f["documents"])


def test_the_plan_milestone_is_overdue_until_the_council_adopts(seeded, process, story) -> None:
    dated(seeded)
    late = seeded.json("--today", "2021-05-10", "status")["overdue"]
    assert {
        "kind": "milestone",
        "milestone": "ratsbeschluss",
        "field": None,
        "document": None,
        "due": "2021-04-30",
    }.items() <= next(o for o in late if o["milestone"] == "ratsbeschluss").items()
    import datetime as dt

    assert process.council(40, 20, 2, 62, 65, dt.date(2021, 5, 6), "1234/2021")["result"] == "adopted"
    late = seeded.json("--today", "2021-05-10", "status")["overdue"]
    assert not [o for o in late if o["milestone"] == "ratsbeschluss"]


def test_plain_text_fits_80_columns_and_tells_the_story(seeded, story) -> None:
    result = seeded("status")
    assert result.exit_code == ExitCode.OK
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0] == "LIP 2.0: status as of 2021-02-01"
    text = result.stdout
    assert "Education — 22 survey responses" in text
    assert "\x1b[" not in text  # piped: no colour codes
    row = next(line for line in lines if line.strip().startswith("grundsatzpapier") and "ready for decision" in line)
    assert row.split()[:7] == ["grundsatzpapier", "v1", "ready", "for", "decision", "27", "lenkungsgruppe;"]
    assert "lenkungsgruppe; late: runder-tisch (due 2020-12-29, received 2021-01-05)" in " ".join(text.split())
    assert "last vote: not quorate (2021-01-21)" in " ".join(text.split())
    assert "opinion of runder-tisch on bildung/grundsatzpapier v3 (20 days late)" in " ".join(text.split())


def test_markdown_is_ready_for_an_email(seeded, story) -> None:
    result = seeded("status", "--format", "markdown")
    assert result.exit_code == ExitCode.OK
    text = result.stdout
    assert text.startswith("# LIP 2.0: status as of 2021-02-01\n")
    assert "| Education | grundsatzpapier | v3 | submitted | 48 | runder-tisch |" in text
    assert "| Economy | grundsatzpapier | v1 | adopted | 73 | — |" in text
    assert "| Education | 22 |" in text
    assert "| 2021-01-12 | opinion of runder-tisch on bildung/grundsatzpapier v3 | 20 days |" in text


def test_csv_has_a_row_per_document(seeded, story) -> None:
    result = seeded("status", "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0] == "field,kind,draft,version,state,since,days_in_state,waiting_on,survey_responses"
    assert len(lines) == 1 + 12
    assert lines[1] == f"bildung,grundsatzpapier,{story['bildung_v3']},3,submitted,2020-12-15,48,runder-tisch,22"


def test_rich_layout_fits_80_columns(seeded, story, make_env, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from lipctl.output import tables
    from lipctl.report import status_text
    from lipctl.services import status as svc

    buffer = io.StringIO()
    monkeypatch.setattr(
        tables, "console", lambda stderr=False: Console(file=buffer, width=120, force_terminal=True, color_system=None)
    )
    dated(seeded)
    data, names = svc.status(make_env())
    status_text.rich(data, names)
    lines = buffer.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    text = buffer.getvalue()
    assert "internationaler-ausschuss" in text  # not folded mid-word
    assert "Overdue: 8 items" in text
    assert "City administration and diversity · 0 survey responses" in text


def test_german_dates_and_names(seeded, story) -> None:
    result = seeded("--lang", "de", "status", "--format", "markdown")
    assert result.exit_code == ExitCode.OK
    assert "01.02.2021" in result.stdout.splitlines()[0]
    assert "| Stadtverwaltung und Diversität |" in result.stdout
    # JSON does not change with the language.
    assert seeded.json("--lang", "de", "status")["as_of"] == "2021-02-01"


def test_same_status_on_sqlite_and_postgresql(db_url: str, seeded, story) -> None:
    """The grouped queries give the same answer on both stores (db_url runs this test on each)."""
    data = seeded.json("status")
    assert [f["survey_responses"] for f in data["fields"]] == [22, 9, 9, 12, 8, 0]
    assert [(d["state"], d["returns"]) for d in data["fields"][0]["documents"]] == [("submitted", 2), (None, 0)]
    assert len(data["overdue"]) == 3  # the opinions; the seed gives the milestones no day
    assert data["fields"] == _fields(story)


def _statements(run) -> list[str]:
    """The SQL statements ``run()`` sends to the database (through SQLAlchemy or the plain reader)."""
    from sqlalchemy import Engine, event

    from lipctl.store import reader

    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", listen)
    reader.listeners.append(lambda statement, _parameters: seen.append(" ".join(statement.split())))
    try:
        run()
    finally:
        event.remove(Engine, "before_cursor_execute", listen)
        reader.listeners.clear()
    return seen


def test_status_counts_in_sql_with_a_fixed_number_of_queries(seeded, process, story, make_env) -> None:
    """More drafts and responses add no queries, and responses are only ever counted by GROUP BY."""
    import datetime as dt

    from lipctl.services import status as svc

    def run() -> None:
        svc.status(make_env())

    before = _statements(run)
    for n in range(5):
        process.submit("stadtverwaltung-diversitaet", "grundsatzpapier", dt.date(2021, 1, 1 + n))
    process.responses("Zweite Umfrage", {("soziales", "kritik"): 300, ("bildung", None): 5})
    after = _statements(run)
    assert len(after) == len(before)
    touching = [s for s in after if "survey_responses" in s]
    assert touching and all("GROUP BY" in s and "count(" in s.lower() for s in touching)
    assert not [s for s in after if "survey_responses.text" in s or "drafts.title" in s]


def test_a_deferred_vote_and_a_rejection(seeded, process) -> None:
    import datetime as dt

    d = dt.date
    a = process.submit("bildung", "grundsatzpapier", d(2020, 10, 1))
    b = process.submit("soziales", "grundsatzpapier", d(2020, 10, 1))
    for draft in (a, b):
        process.opinion(draft, "integrationsbeiraete", d(2020, 10, 10))
        process.opinion(draft, "runder-tisch", d(2020, 10, 12))
        process.decide(draft, DecisionOutcome.FORWARD, d(2020, 11, 2))
    deferred = process.run(
        d(2020, 11, 19),
        "committee",
        "tally",
        str(a),
        "--yes",
        "0",
        "--no",
        "0",
        "--abstain",
        "0",
        "--present",
        "12",
        "--members",
        "15",
        "--defer",
    )
    assert deferred["result"] == "deferred"
    assert process.tally(b, 3, 9, 0, 12, 15, d(2020, 11, 19), "0999/2020")["result"] == "rejected"
    dated(seeded)
    data = seeded.json("status")
    bildung, soziales = data["fields"][0]["documents"][0], data["fields"][1]["documents"][0]
    assert (bildung["state"], bildung["waiting_on"], bildung["last_resolution"]["result"]) == (
        "forwarded",
        ["internationaler-ausschuss"],
        "deferred",
    )
    assert (soziales["state"], soziales["since"], soziales["days_in_state"]) == ("rejected", "2020-11-19", 74)
    assert soziales["last_resolution"] == {
        "body": "internationaler-ausschuss",
        "result": "rejected",
        "decided_on": "2020-11-19",
        "drucksache": "0999/2020",
    }
    # A rejected paper does not meet the milestone.
    assert {o["field"] for o in data["overdue"] if o["milestone"] == "grundsatzpapiere"} >= {"bildung", "soziales"}
    text = seeded("status").stdout
    assert "last vote: deferred (2020-11-19)" in " ".join(text.split())
