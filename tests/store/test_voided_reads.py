"""The read side ignores voided records (issue #15) wherever it computes a state, a status or a report,
and lists them only where asked — on SQLite and PostgreSQL.

The story: bildung/grundsatzpapier v1 with both opinions, returned (decision voided, then decided
again: returned), v2 forwarded and tallied 7:7 (voided) and 8:5 (adopted), v3 submitted and withdrawn;
one withdrawn opinion on v2; a plan vote of the council voided.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from lipctl.errors import ExitCode
from lipctl.process.states import DecisionOutcome, DecisionScope, DraftState, ResolutionResult
from lipctl.store.location import resolve
from lipctl.store.read import drafts, opinions, report, status
from lipctl.store.reader import open_reader

REF = "bildung/grundsatzpapier"


def run(cli: Any, *args: str, today: str = "2021-03-01") -> Any:
    result = cli("--today", today, *args, "--format", "json")
    assert result.exit_code == ExitCode.OK, (args, result.stderr)
    return json.loads(result.stdout)


@pytest.fixture
def story(db_url: str, cli: Any) -> dict[str, Any]:
    assert cli("init").exit_code == ExitCode.OK
    ids: dict[str, Any] = {}
    ids["v1"] = run(cli, "draft", "submit", "bildung", "--kind", "grundsatzpapier", today="2021-01-04")["id"]
    for body in ("integrationsbeiraete", "runder-tisch"):
        run(cli, "opinion", "record", REF, "--from", body, "--stance", "amend", "--text", "t", today="2021-01-10")
    wrong = run(cli, "steering", "decide", REF, "--forward", "--reason", "r", today="2021-01-15")["decision"]
    run(cli, "steering", "void", str(wrong), "--reason", "falsches Protokoll", today="2021-01-16")
    ids["returned"] = run(cli, "steering", "decide", REF, "--return", "--reason", "r", today="2021-01-16")["decision"]
    ids["v2"] = run(cli, "draft", "submit", "bildung", "--kind", "grundsatzpapier", today="2021-02-01")["id"]
    ops = [
        run(cli, "opinion", "record", REF, "--from", body, "--stance", "approve", "--text", "t", today="2021-02-05")["id"]
        for body in ("integrationsbeiraete", "runder-tisch", "integrationsbeiraete")
    ]
    run(cli, "opinion", "withdraw", str(ops[2]), "--reason", "doppelt", today="2021-02-06")
    ids["withdrawn_opinion"] = ops[2]
    run(cli, "steering", "decide", REF, "--forward", "--reason", "r", today="2021-02-10")
    tally = ["--present", "14", "--members", "19"]
    seven = run(cli, "committee", "tally", REF, "--yes", "7", "--no", "7", "--abstain", "0", *tally, today="2021-02-20")
    run(cli, "committee", "void", str(seven["id"]), "--reason", "Zählfehler", today="2021-02-21")
    ids["voided_tally"] = seven["id"]
    run(cli, "committee", "tally", REF, "--yes", "8", "--no", "5", "--abstain", "1", *tally, today="2021-02-21")
    ids["v3"] = run(cli, "draft", "submit", "bildung", "--kind", "grundsatzpapier", today="2021-02-25")["id"]
    run(cli, "draft", "withdraw", str(ids["v3"]), "--reason", "aus Versehen", today="2021-02-26")
    # the complete plan (issue 16): submitted, its opinions in, forwarded, adopted by the committee
    ids["plan"] = run(cli, "draft", "submit", "plan", "--without-all-fields", "--reason", "Sondersitzung", today="2021-02-27")[
        "id"
    ]
    for body in ("integrationsbeiraete", "runder-tisch"):
        run(cli, "opinion", "record", "plan", "--from", body, "--stance", "approve", "--text", "t", today="2021-02-27")
    run(cli, "steering", "decide", "plan", "--forward", "--reason", "r", today="2021-02-27")
    plan_tally = ["--yes", "9", "--no", "1", "--abstain", "0", "--present", "10", "--members", "15"]
    run(cli, "committee", "tally", "plan", *plan_tally, today="2021-02-27")
    plan = run(
        cli, "council", "tally", "--yes", "40", "--no", "2", "--abstain", "0", "--present", "42", "--members", "66",
        "--without-all-fields", "--reason", "Sondersitzung", today="2021-02-27",
    )  # fmt: skip
    run(cli, "council", "void", str(plan["id"]), "--reason", "falsche Sitzung", today="2021-02-28")
    ids["db"] = db_url
    return ids


def test_state_status_and_report_count_only_what_was_not_voided(story: dict[str, Any]) -> None:
    today = dt.date(2021, 3, 1)
    with open_reader(resolve(story["db"])) as r:
        assert drafts.draft_id(r, REF) == story["v2"]  # the latest live version, not the withdrawn v3
        v2 = drafts.draft(r, story["v2"])
        assert (v2.state, v2.state_since, v2.voided_at) == (DraftState.ADOPTED, dt.date(2021, 2, 21), None)
        [latest] = [x for x in status.latest_versions(r) if x.kind == "grundsatzpapier" and x.field_id == v2.field_id]
        assert (latest.id, latest.version, latest.state) == (story["v2"], 2, DraftState.ADOPTED)
        assert [(x.n) for x in status.returns(r)] == [1]
        assert {x.draft_id for x in status.received(r, [story["v2"], story["v3"]])} == {story["v2"]}
        assert [x.result for x in status.resolutions(r, [story["v2"]])] == [ResolutionResult.ADOPTED]
        assert [(x.field_id, x.kind) for x in status.adopted_documents(r)] == [(v2.field_id, "grundsatzpapier")]
        assert len(status.plan_adopted_on(r)) == 1  # the committee's; the council's was voided
        decided = report.steering_decisions(r, None, today)
        assert [(d.draft_id, d.outcome) for d in decided] == [
            (story["v1"], DecisionOutcome.RETURN),
            (story["v2"], DecisionOutcome.FORWARD),
            (story["plan"], DecisionOutcome.FORWARD),
        ]
        assert story["voided_tally"] not in {x.id for x in report.resolutions(r, None, today)}
        # the committee's vote on the plan counts; the council's, voided, does not
        assert [x.scope for x in report.resolutions(r, None, today)] == [DecisionScope.DOCUMENT, DecisionScope.PLAN]
        assert opinions.received(r, story["v2"]) == ["integrationsbeiraete", "runder-tisch"]
        assert story["withdrawn_opinion"] not in {o.id for o in opinions.opinions(r)}
        assert story["withdrawn_opinion"] in {o.id for o in opinions.opinions(r, include_voided=True)}
        assert [d.version for d in drafts.drafts(r, "bildung")] == [1, 2]
        assert [d.version for d in drafts.drafts(r, "bildung", include_voided=True)] == [1, 2, 3]
        facts = drafts.document_facts(r, v2.field_id, "grundsatzpapier")
        assert [(v.version, v.voided) for v in facts.versions] == [(1, False), (2, False), (3, True)]
        assert [d.voided for d in facts.decisions] == [True, False, False]
        assert [t.voided for t in facts.tallies] == [True, False]
        assert [t.voided for t in drafts.document_facts(r, None, "gesamtplan").tallies] == [False, True]
        assert drafts.plan_facts(r).tallies == []  # only resolutions recorded before the plan was a document


def test_status_and_fields_show_the_live_latest_version(story: dict[str, Any], cli: Any) -> None:
    got = run(cli, "status")
    [doc] = [d for d in got["fields"][0]["documents"] if d["kind"] == "grundsatzpapier"]
    assert (doc["version"], doc["state"]) == (2, "adopted")
