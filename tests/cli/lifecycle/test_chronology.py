"""Dates are those of the events, and the record refuses a history that cannot have happened (#15).

Every refusal: exit 1, one line naming both dates, nothing stored. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from lipctl.errors import ExitCode
from tests.helpers import engine_on, snapshot

REF = "bildung/grundsatzpapier"
SEED = Path(__file__).resolve().parents[3] / "data" / "seed.yaml"


@pytest.fixture
def lip(db_url: str, cli):
    assert cli("init").exit_code == ExitCode.OK
    return cli


def ok(cli, *args: str) -> dict:
    result = cli(*args, "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    return json.loads(result.stdout)


def refused(cli, db_url: str, *args: str) -> str:
    before = snapshot(db_url)
    result = cli(*args)
    assert result.exit_code == ExitCode.REFUSED, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert snapshot(db_url) == before
    return result.stderr


# The commands of these tests, as arguments for ok() and refused(): the draft is always bildung's policy paper.


def submit(today: str, date: str | None = None) -> tuple[str, ...]:
    return ("--today", today, "draft", "submit", "bildung", "--kind", "grundsatzpapier", *(("--date", date) if date else ()))


def opinion(body: str, date: str | None = None, *, stance: str = "approve", text: str = "x", today: str = "2020-06-30"):
    return ("--today", today, "opinion", "record", REF, "--from", body, "--stance", stance, "--text", text) + (
        ("--date", date) if date else ()
    )


def decide(today: str, date: str, *extra: str) -> tuple[str, ...]:
    return ("--today", today, "steering", "decide", REF, *extra, "--date", date)


def tally(yes: int, no: int, present: int, date: str, today: str = "2020-09-30") -> tuple[str, ...]:
    votes = ("--yes", str(yes), "--no", str(no), "--abstain", "0", "--present", str(present), "--members", "15")
    return ("--today", today, "committee", "tally", REF, *votes, "--date", date)


def happened_on(db_url: str, action: str) -> list[str]:
    """The days the log gives the events ``action``, in the order recorded."""
    engine = engine_on(db_url)
    try:
        with engine.connect() as conn:
            days = conn.execute(text("SELECT happened_on FROM audit_events WHERE action = :a ORDER BY id"), {"a": action})
            return [str(day) for day in days.scalars()]
    finally:
        engine.dispose()


def test_draft_submit_takes_the_date_of_receipt_in_either_form(lip, db_url: str) -> None:
    row = ok(lip, *submit("2020-06-30", "16.06.2020"))
    assert row["submitted_on"] == "2020-06-16" and row["state_since"] == "2020-06-16"
    assert [d["due"] for d in row["opinions_due"]] == ["2020-07-14", "2020-07-14"]
    assert happened_on(db_url, "draft.submitted") == ["2020-06-16"]
    err = refused(lip, db_url, *submit("2020-06-30", "2020-07-01"))
    assert "2020-07-01" in err and "2020-06-30" in err
    err = refused(lip, db_url, *submit("2020-06-30", "31.13.2020"))
    assert "--date" in err


def test_the_issue_s_decision_before_its_opinions_is_refused_naming_both_dates(lip, db_url: str) -> None:
    ok(lip, *submit("2020-06-01"))
    ok(lip, *opinion("integrationsbeiraete", "2020-06-20", stance="amend", text="x"))
    ok(lip, *opinion("runder-tisch", "2020-06-25", stance="approve", text="y"))
    err = refused(lip, db_url, *decide("2020-06-30", "2020-06-02", "--forward"))
    assert "2020-06-02" in err and "2020-06-20" in err and "--without-opinions" in err
    # As the explicit exception it is a decision without those opinions, and says so.
    row = ok(lip, *decide("2020-06-30", "2020-06-02", "--forward", "--without-opinions", "--reason", "Eilentscheidung"))
    assert row["without_opinions"] is True and row["missing_opinions"] == ["integrationsbeiraete", "runder-tisch"]


def test_a_decision_after_the_opinions_relies_on_them(lip) -> None:
    ok(lip, *submit("2020-06-01"))
    for body in ("integrationsbeiraete", "runder-tisch"):
        ok(lip, *opinion(body, "2020-06-20"))
    row = ok(lip, *decide("2020-06-30", "20.06.2020", "--forward"))
    assert row["without_opinions"] is False and row["decided_on"] == "2020-06-20"


def test_no_opinion_before_the_submission_and_none_from_a_body_that_gives_none(lip, db_url: str) -> None:
    ok(lip, *submit("2020-06-10"))
    err = refused(lip, db_url, *opinion("runder-tisch", "2020-06-09"))
    assert "2020-06-09" in err and "2020-06-10" in err
    err = refused(lip, db_url, *opinion("expertinnengruppe-bildung"))
    assert "expertinnengruppe-bildung gives no opinion" in err and "integrationsbeiraete, runder-tisch" in err
    err = refused(lip, db_url, *opinion("lenkungsgruppe"))
    assert "decides on drafts" in err


def test_no_version_before_the_decision_that_returned_the_previous_one(lip, db_url: str) -> None:
    ok(lip, *submit("2020-06-01"))
    ok(lip, *decide("2020-07-10", "2020-07-01", "--return", "--reason", "überarbeiten", "--without-opinions"))
    err = refused(lip, db_url, *submit("2020-07-10", "2020-06-20"))
    assert "2020-06-20" in err and "2020-07-01" in err and "returned" in err
    row = ok(lip, *submit("2020-07-10", "2020-07-01"))
    assert row["version"] == 2


def test_no_tally_before_the_forward_nor_before_an_earlier_vote(lip, db_url: str) -> None:
    ok(lip, *submit("2020-06-01"))
    ok(lip, *decide("2020-07-10", "2020-07-01", "--forward", "--reason", "eilt", "--without-opinions"))
    err = refused(lip, db_url, *tally(8, 5, 13, "2020-06-30"))
    assert "2020-06-30" in err and "2020-07-01" in err
    ok(lip, *tally(3, 0, 3, "2020-09-01"))
    err = refused(lip, db_url, *tally(8, 5, 13, "2020-08-15"))
    assert "2020-08-15" in err and "2020-09-01" in err and "earlier vote" in err


def test_a_late_opinion_is_accepted_and_marked_late(lip) -> None:
    ok(lip, *submit("2020-06-01"))
    ok(lip, *opinion("integrationsbeiraete", "2020-09-20", stance="amend", today="2020-09-30"))
    show = ok(lip, "--today", "2020-09-30", "draft", "show", REF)
    due = {d["body"]: d for d in show["opinions_due"]}
    assert due["integrationsbeiraete"]["late"] is True and due["integrationsbeiraete"]["received_on"] == "2020-09-20"
    assert due["runder-tisch"]["late"] is False and show["opinions"][0]["late"] is True
    table = lip("--today", "2020-09-30", "draft", "show", REF)
    assert "integrationsbeiraete 2020-06-29 ✓ late" in table.stdout
    status = ok(lip, "--today", "2020-09-30", "status")
    doc = status["fields"][0]["documents"][0]
    assert doc["late_opinions"] == [{"body": "integrationsbeiraete", "due": "2020-06-29", "received_on": "2020-09-20"}]
    text = lip("--today", "2020-09-30", "status").stdout
    assert "late:" in text and "2020-09-20" in text


def test_ready_for_decision_is_dated_by_the_act_that_made_it_so(lip, db_url: str, cli, tmp_path: Path) -> None:
    """By the last required opinion's date, or, with a seed that requires none, by the submission's."""
    ok(lip, *submit("2020-06-30", "2020-06-01"))
    ok(lip, *opinion("integrationsbeiraete", "2020-06-10"))
    ok(lip, *opinion("runder-tisch", "2020-06-12"))
    assert happened_on(db_url, "draft.ready_for_decision") == ["2020-06-12"]
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["requires_opinions_from"] = []
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert cli("init", "--seed", str(seed)).exit_code == ExitCode.OK
    ok(cli, "--today", "2020-06-30", "draft", "submit", "soziales", "--kind", "grundsatzpapier", "--date", "2020-06-03")
    assert happened_on(db_url, "draft.ready_for_decision") == ["2020-06-12", "2020-06-03"]
