"""Corrections (issue #15): withdraw an opinion or a version, void a steering decision or a tally — on both stores.

The voided record stays, marked with who, when and why; the state is as if it had never been recorded;
what a later record relies on is refused, naming what to void first (exit 1, one line, nothing changed).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from lipctl.errors import ExitCode
from tests.helpers import engine_on, snapshot

REF = "bildung/grundsatzpapier"
TALLY = ["--present", "14", "--members", "19", "--drucksache", "0815/2021"]


class Office:
    """The CLI on the test's store (db_url), as an actor on a day, JSON in and out."""

    def __init__(self, cli: Any, db_url: str) -> None:
        self.cli, self.db_url = cli, db_url
        assert cli("init").exit_code == ExitCode.OK

    def __call__(self, *args: str, actor: str = "anna", today: str = "2021-03-01") -> Any:
        result = self.cli("--actor", actor, "--today", today, *args, "--format", "json")
        assert result.exit_code == ExitCode.OK, (args, result.stderr)
        return json.loads(result.stdout)

    def refused(self, *args: str, message: str) -> str:
        before = snapshot(self.db_url)
        result = self.cli("--actor", "mueller", "--today", "2021-03-02", *args)
        assert result.exit_code == ExitCode.REFUSED, (result.exit_code, result.stdout, result.stderr)
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("lipctl: "), result.stderr
        assert message in result.stderr, result.stderr
        assert snapshot(self.db_url) == before
        return result.stderr

    def submit(self, today: str = "2021-02-01") -> dict:
        return self("draft", "submit", "bildung", "--kind", "grundsatzpapier", today=today)

    def opinion(self, body: str, today: str = "2021-02-10", ref: str = REF) -> dict:
        return self("opinion", "record", ref, "--from", body, "--stance", "approve", "--text", "ok", today=today)

    def ready(self, today: str = "2021-02-10") -> list[int]:
        return [self.opinion(b, today)["id"] for b in ("integrationsbeiraete", "runder-tisch")]

    def forward(self, today: str = "2021-02-15") -> dict:
        return self("steering", "decide", REF, "--forward", "--reason", "gut", today=today)

    def plan_to_the_council(self, today: str = "2021-03-01") -> int:
        """The complete plan's v1 as the exception, its opinions in, forwarded, adopted by the committee (issue 16)."""
        plan = self("draft", "submit", "plan", "--without-all-fields", "--reason", "Sondersitzung", today=today)["id"]
        for body in ("integrationsbeiraete", "runder-tisch"):
            self.opinion(body, today, ref="plan")
        self("steering", "decide", "plan", "--forward", "--reason", "gut", today=today)
        self(
            "committee",
            "tally",
            "plan",
            "--yes",
            "9",
            "--no",
            "1",
            "--abstain",
            "0",
            "--present",
            "10",
            "--members",
            "15",
            today=today,
        )
        return int(plan)

    def state(self, ref: str = REF) -> str:
        return str(self("draft", "show", ref)["state"])

    def events(self, action: str) -> list[Any]:
        engine = engine_on(self.db_url)
        try:
            with engine.connect() as conn:
                return conn.execute(
                    text("SELECT happened_on, actor, details FROM audit_events WHERE action = :a ORDER BY id"), {"a": action}
                ).all()
        finally:
            engine.dispose()


@pytest.fixture
def office(db_url: str, cli: Any) -> Office:
    return Office(cli, db_url)


def voided_by(row: dict, actor: str, reason: str) -> None:
    assert row["voided"]["by"] == actor and row["voided"]["reason"] == reason, row
    assert row["voided"]["at"].endswith("+00:00")


# --- the README's example: a mistyped tally ---------------------------------------------------------


def test_a_mistyped_tally_is_voided_and_recorded_again(office: Office) -> None:
    office.submit()
    office.ready()
    office.forward()
    wrong = office("committee", "tally", REF, "--yes", "7", "--no", "7", "--abstain", "0", *TALLY)
    assert (wrong["result"], wrong["state"]) == ("rejected", "rejected")

    void = office("committee", "void", str(wrong["id"]), "--reason", "Zählfehler", actor="mueller", today="2021-03-02")
    assert (void["id"], void["draft"], void["ref"], void["version"], void["state"]) == (
        wrong["id"],
        wrong["draft"],
        REF,
        1,
        "forwarded",
    )
    voided_by(void, "mueller", "Zählfehler")
    assert void["changes"] == [{"draft": wrong["draft"], "version": 1, "state_before": "rejected", "state": "forwarded"}]
    assert office.state() == "forwarded"
    assert office("status")["fields"][0]["documents"][0]["state"] == "forwarded"

    right = office("committee", "tally", REF, "--yes", "8", "--no", "5", "--abstain", "1", *TALLY, today="2021-03-02")
    assert (right["result"], right["state"]) == ("adopted", "adopted")
    assert office.state() == "adopted"

    [(happened_on, actor, details)] = office.events("resolution.voided")
    assert (str(happened_on)[:10], actor) == ("2021-03-02", "mueller")
    assert json.loads(details)["resolution"] == wrong["id"]

    history = office("draft", "history", REF)
    recorded = [h for h in history if h["action"] == "resolution.recorded"]
    assert [h["voided"] is not None for h in recorded] == [True, False]
    assert recorded[0]["summary"].endswith(" — voided 2021-03-02 by mueller: Zählfehler")
    assert recorded[0]["voided"]["at"].startswith("2021-03-02T")
    [void_event] = [h for h in history if h["action"] == "resolution.voided"]
    assert void_event["happened_on"] == "2021-03-02" and void_event["actor"] == "mueller"
    assert "rejected → forwarded" in void_event["summary"]

    office.refused(
        "committee", "void", str(wrong["id"]), "--reason", "nochmal", message=f"resolution {wrong['id']} was already voided on"
    )
    office.refused("council", "void", str(right["id"]), "--reason", "x", message="void it with: lipctl committee void")


# --- opinion withdraw -------------------------------------------------------------------------------------


def test_withdrawing_an_opinion_makes_a_ready_draft_submitted_again(office: Office) -> None:
    draft = office.submit()
    first, second = office.ready()
    assert office.state() == "ready_for_decision"
    out = office("opinion", "withdraw", str(second), "--reason", "falscher Entwurf", actor="mueller", today="2021-02-11")
    assert (out["id"], out["draft"], out["state"], out["missing_opinions"]) == (
        second,
        draft["id"],
        "submitted",
        ["runder-tisch"],
    )
    voided_by(out, "mueller", "falscher Entwurf")

    show = office("draft", "show", REF)
    assert show["state"] == "submitted" and show["missing_opinions"] == ["runder-tisch"]
    assert [(o["id"], o["voided"] is not None) for o in show["opinions"]] == [(first, False), (second, True)]
    assert [o["id"] for o in office("opinion", "list")] == [first]
    listed = office("opinion", "list", REF, "--include-voided")
    assert [o["id"] for o in listed] == [first, second] and listed[0]["voided"] is None
    voided_by(listed[1], "mueller", "falscher Entwurf")
    assert office("status")["fields"][0]["documents"][0]["waiting_on"] == ["runder-tisch"]

    again = office.opinion("runder-tisch", "2021-02-12")
    assert again["draft_state"] == "ready_for_decision"
    office.refused("opinion", "withdraw", str(second), "--reason", "x", message=f"opinion {second} was already voided")


def test_an_opinion_the_steering_decision_relied_on_is_withdrawn_only_after_the_decision(office: Office) -> None:
    office.submit()
    first, _second = office.ready()
    decision = office.forward()["decision"]
    office.refused(
        "opinion",
        "withdraw",
        str(first),
        "--reason",
        "x",
        message=f"steering decision {decision} on {REF} v1 relies on opinion {first} — void it first: "
        f"lipctl steering void {decision} --reason TEXT",
    )
    office("steering", "void", str(decision), "--reason", "zu früh")
    assert office("opinion", "withdraw", str(first), "--reason", "falsch")["state"] == "submitted"


# --- steering void ----------------------------------------------------------------------------------


def test_a_voided_steering_decision_returns_the_draft_and_a_new_one_can_be_taken(office: Office) -> None:
    office.submit()
    office.ready()
    decided = office.forward()
    assert office("draft", "show", REF)["decision"]["id"] == decided["decision"]
    out = office("steering", "void", str(decided["decision"]), "--reason", "falsches Protokoll", actor="mueller")
    assert (out["id"], out["state"]) == (decided["decision"], "ready_for_decision")
    show = office("draft", "show", REF)
    assert show["decision"] is None and show["state"] == "ready_for_decision"
    assert [d["id"] for d in show["voided_decisions"]] == [decided["decision"]]
    voided_by(show["voided_decisions"][0], "mueller", "falsches Protokoll")

    back = office("steering", "decide", REF, "--return", "--reason", "überarbeiten")
    assert back["result"] == "returned" and office.state() == "returned"
    assert office("draft", "show", REF)["decision"]["id"] == back["decision"]
    office.refused("steering", "void", str(decided["decision"]), "--reason", "x", message="was already voided on")


def test_a_decision_is_voided_only_after_the_tally_and_the_next_version_that_followed_it(office: Office) -> None:
    office.submit()
    office.ready()
    decision = office.forward()["decision"]
    nq = office(
        "committee", "tally", REF, "--yes", "3", "--no", "1", "--abstain", "0", "--present", "4", "--members", "19",
        "--date", "2021-02-20",
    )  # fmt: skip
    assert nq["result"] == "not_quorate"
    office.refused(
        "steering", "void", str(decision), "--reason", "x", message=f"void it first: lipctl committee void {nq['id']} --reason"
    )
    # §65(2) NKomVG: the second convocation of the session that was not quorate
    again = office("meeting", "schedule", "ausschuss", "--date", "2021-02-27", "--second-convocation-of", str(nq["meeting"]))
    second = office(
        "committee", "tally", REF, "--yes", "3", "--no", "1", "--abstain", "0", "--present", "4", "--members", "19",
        "--meeting", str(again["id"]), "--second-convocation",
    )  # fmt: skip
    office.refused(
        "committee",
        "void",
        str(nq["id"]),
        "--reason",
        "x",
        message=f"void it first: lipctl committee void {second['id']} --reason",
    )
    office("committee", "void", str(second["id"]), "--reason", "falsch")
    office("committee", "void", str(nq["id"]), "--reason", "falsch")
    assert office.state() == "forwarded"

    v2 = office.submit(today="2021-03-01")
    office.refused(
        "steering",
        "void",
        str(decision),
        "--reason",
        "x",
        message=f"void it first: lipctl draft withdraw {REF} --version 2 --reason TEXT",
    )
    office("draft", "withdraw", str(v2["id"]), "--reason", "zu früh")
    assert office("steering", "void", str(decision), "--reason", "falsch")["state"] == "ready_for_decision"


# --- draft withdraw -----------------------------------------------------------------------------------------


def test_withdrawing_v3_gives_v2_back_its_state_with_its_opinions_and_decision(office: Office) -> None:
    v1 = office.submit(today="2021-01-10")
    office.ready("2021-01-20")
    office("steering", "decide", REF, "--return", "--reason", "überarbeiten", today="2021-01-25")
    v2 = office.submit(today="2021-02-01")
    office.ready("2021-02-10")
    decision = office.forward("2021-02-15")["decision"]
    v3 = office.submit(today="2021-02-20")
    assert [d["state"] for d in office("draft", "list")] == ["returned", "superseded", "submitted"]

    office.refused("draft", "withdraw", REF, "--reason", "x", message="add --version N")
    office.refused(
        "draft",
        "withdraw",
        REF,
        "--version",
        "2",
        "--reason",
        "x",
        message=f"version 3 of {REF} (draft {v3['id']}) relies on {REF} v2 — void it first: "
        f"lipctl draft withdraw {REF} --version 3 --reason TEXT",
    )
    office.refused("draft", "withdraw", str(v3["id"]), "--version", "2", "--reason", "x", message="is v3 of")
    office.refused("draft", "withdraw", REF, "--version", "9", "--reason", "x", message=f"{REF} has no version 9")

    out = office("draft", "withdraw", REF, "--version", "3", "--reason", "doppelt eingereicht", actor="mueller")
    assert (out["id"], out["version"], out["latest"]) == (v3["id"], 3, {"id": v2["id"], "version": 2, "state": "forwarded"})
    voided_by(out, "mueller", "doppelt eingereicht")
    assert out["changes"] == [{"draft": v2["id"], "version": 2, "state_before": "superseded", "state": "forwarded"}]

    show = office("draft", "show", REF)
    assert (show["id"], show["state"], show["state_since"]) == (v2["id"], "forwarded", "2021-02-15")
    assert show["decision"]["id"] == decision and len(show["opinions"]) == 2
    assert [d["version"] for d in office("draft", "list")] == [1, 2]
    listed = office("draft", "list", "--include-voided")
    assert [(d["version"], d["voided"] is not None) for d in listed] == [(1, False), (2, False), (3, True)]
    assert office("status")["fields"][0]["documents"][0]["version"] == 2

    history = office("draft", "history", REF)
    submitted = [h for h in history if h["action"] == "draft.submitted"]
    assert [h["voided"] is not None for h in submitted] == [False, False, True]
    assert any(h["action"] == "draft.withdrawn" and "v3 withdrawn" in h["summary"] for h in history)

    office.refused("draft", "withdraw", REF, "--version", "3", "--reason", "x", message=f"{REF} v3 was already voided")
    office.refused(
        "opinion", "record", str(v3["id"]), "--from", "runder-tisch", "--stance", "approve", "--text", "x",
        message=f"{REF} v3 was withdrawn on",
    )  # fmt: skip
    v4 = office.submit(today="2021-02-25")
    assert v4["version"] == 4 and v4["superseded"]["id"] == v2["id"]
    assert office("draft", "withdraw", str(v4["id"]), "--reason", "nochmal")["latest"]["state"] == "forwarded"
    assert v1["id"] < v2["id"]


def test_withdrawing_the_only_version_leaves_the_document_without_one(office: Office) -> None:
    v1 = office.submit()
    out = office("draft", "withdraw", REF, "--version", "1", "--reason", "falsches Handlungsfeld")
    assert (out["id"], out["latest"], out["changes"]) == (v1["id"], None, [])
    assert office("draft", "list") == []
    result = office.cli("draft", "show", REF)
    assert result.exit_code == ExitCode.REFUSED and "has no" in result.stderr
    assert office.submit()["version"] == 2


def test_a_withdrawn_version_is_shown_marked_and_waits_for_no_opinion(office: Office) -> None:
    v1 = office.submit(today="2021-02-01")
    opinion = office.opinion("runder-tisch", today="2021-02-02")
    office("draft", "withdraw", REF, "--version", "1", "--reason", "falsches Feld", actor="mueller", today="2021-02-03")

    show = office("draft", "show", str(v1["id"]), today="2021-04-01")  # after the opinions were due
    voided_by(show, "mueller", "falsches Feld")
    assert (show["missing_opinions"], show["overdue_opinions"]) == ([], [])
    due = {d["body"]: (d["received"], d["received_on"]) for d in show["opinions_due"]}
    assert due == {"integrationsbeiraete": (False, None), "runder-tisch": (True, "2021-02-02")}
    assert [o["id"] for o in show["opinions"]] == [opinion["id"]]

    assert office("opinion", "list") == []
    assert [o["id"] for o in office("opinion", "list", "--include-voided")] == [opinion["id"]]
    # marked with the version's withdrawal, as --help says: it counts for nothing with its version
    assert office("opinion", "list", "--include-voided")[0]["voided"]["reason"] == "falsches Feld"
    listed = office.cli("opinion", "list", "--include-voided")
    assert listed.exit_code == ExitCode.OK and "voided 2021-02-03 by mueller: falsches Feld" in listed.stdout
    table = office.cli("draft", "list", "--include-voided")
    assert table.exit_code == ExitCode.OK and "voided 2021-02-03 by mueller: falsches Feld" in table.stdout
    shown = office.cli("--today", "2021-04-01", "draft", "show", str(v1["id"]))
    assert shown.exit_code == ExitCode.OK and "voided 2021-02-03 by mueller: falsches Feld" in shown.stdout


# --- refusals without a record --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("opinion", "withdraw", "99", "--reason", "x"), "no opinion with id 99"),
        (("steering", "void", "99", "--reason", "x"), "no steering decision with id 99"),
        (("committee", "void", "99", "--reason", "x"), "no resolution with id 99"),
        (("council", "void", "abc", "--reason", "x"), "'abc' is not the id of a resolution"),
        (("draft", "withdraw", "99", "--reason", "x"), "no draft with id 99"),
        (("council", "void", "99", "--reason", "x"), "no resolution with id 99"),
        (("opinion", "withdraw", "abc", "--reason", "x"), "'abc' is not the id of an opinion"),
        (("steering", "void", "abc", "--reason", "x"), "'abc' is not the id of a steering decision"),
        (("committee", "void", "1x", "--reason", "x"), "'1x' is not the id of a resolution"),
        (("committee", "void", "99999999999999999999999", "--reason", "x"), "is not the id of a resolution"),
        (("draft", "withdraw", "abc", "--version", "1", "--reason", "x"), "'abc' is not a draft reference"),
        (("opinion", "withdraw", "1", "--reason", "  "), "a correction needs a reason"),
        (("steering", "void", "1", "--reason", ""), "a correction needs a reason"),
        (("committee", "void", "1", "--reason", " "), "a correction needs a reason"),
        (("council", "void", "1", "--reason", ""), "a correction needs a reason"),
        (("draft", "withdraw", "1", "--reason", "\t"), "a correction needs a reason"),
    ],
)
def test_what_is_not_there_is_refused(office: Office, args: tuple[str, ...], message: str) -> None:
    office.submit()
    office.opinion("integrationsbeiraete")
    office.refused(*args, message=message)


def _opinion(office: Office) -> list[str]:
    office.submit()
    return ["opinion", "withdraw", str(office.opinion("integrationsbeiraete")["id"])]


def _decision(office: Office) -> list[str]:
    office.submit()
    office.ready()
    return ["steering", "void", str(office.forward()["decision"])]


def _tally(office: Office) -> list[str]:
    office.submit()
    office.ready()
    office.forward()
    return [
        "committee",
        "void",
        str(office("committee", "tally", REF, "--yes", "7", "--no", "7", "--abstain", "0", *TALLY)["id"]),
    ]


def _plan(office: Office) -> list[str]:
    office.plan_to_the_council()
    plan = ["--present", "42", "--members", "66", "--without-all-fields", "--reason", "Sondersitzung"]
    return ["council", "void", str(office("council", "tally", "--yes", "40", "--no", "2", "--abstain", "0", *plan)["id"])]


def _version(office: Office) -> list[str]:
    office.submit()
    return ["draft", "withdraw", REF, "--version", "1"]


@pytest.mark.parametrize("record", [_opinion, _decision, _tally, _plan, _version], ids=lambda f: f.__name__.strip("_"))
def test_the_same_correction_run_twice_is_refused_the_second_time_and_changes_nothing(office: Office, record: Any) -> None:
    args = [*record(office), "--reason", "Zählfehler"]
    first = office.cli("--actor", "mueller", "--today", "2021-03-02", *args)
    assert first.exit_code == ExitCode.OK, first.stderr
    office.refused(*args, message="was already voided on 2021-03-02 by mueller: Zählfehler")


def test_a_council_vote_on_the_plan_is_voided_and_the_second_convocation_first(office: Office) -> None:
    draft = office.plan_to_the_council()  # the committee adopted it today, 2021-03-01
    plan = ["--without-all-fields", "--reason", "Sondersitzung", "--members", "66"]
    nq = office("council", "tally", "--yes", "10", "--no", "2", "--abstain", "0", "--present", "12", *plan)
    assert nq["result"] == "not_quorate"
    later = ["--today", "2021-03-10"]  # a week on (the global option after the command)
    again = office("meeting", "schedule", "rat", "--date", "2021-03-08", "--second-convocation-of", str(nq["meeting"]), *later)
    second = office(
        "council", "tally", "--yes", "10", "--no", "2", "--abstain", "0", "--present", "12", *plan,
        "--meeting", str(again["id"]), "--second-convocation", *later,
    )  # fmt: skip
    assert second["result"] == "adopted"
    office.refused("council", "void", str(nq["id"]), "--reason", "x", message=f"lipctl council void {second['id']} --reason")
    office.refused("committee", "void", str(second["id"]), "--reason", "x", message="void it with: lipctl council void")
    out = office("council", "void", str(second["id"]), "--reason", "Stimmen falsch gezählt", *later)
    assert (out["id"], out["scope"], out["draft"], out["state"]) == (second["id"], "plan", draft, "forwarded")
    again = office(
        "council", "tally", "--yes", "40", "--no", "2", "--abstain", "0", "--present", "42", "--members", "66",
        "--without-all-fields", "--reason", "Sondersitzung", *later,
    )  # fmt: skip
    assert again["result"] == "adopted"


# --- concurrency ------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_void_that_waited_for_the_draft_sees_the_correction_made_meanwhile(
    pg_url: str, cli: Any, monkeypatch, make_env
) -> None:
    """Two offices void the same tally at once: the second waits for the document's rows, then finds it voided."""
    import threading

    from lipctl.errors import Refused
    from lipctl.services import corrections

    monkeypatch.setenv("LIPCTL_DB", pg_url)
    office = Office(cli, pg_url)
    office.submit()
    office.ready()
    office.forward()
    tally = office("committee", "tally", REF, "--yes", "7", "--no", "7", "--abstain", "0", *TALLY)
    env = make_env(actor="ben")
    outcome: list[Any] = []

    engine = engine_on(pg_url)
    try:
        with engine.connect() as first:  # the other office: it holds the draft's row and voids the tally
            first.execute(text("SELECT id FROM drafts WHERE id = :id FOR UPDATE"), {"id": tally["draft"]})

            def second() -> None:
                try:
                    outcome.append(corrections.void_resolution(env, tally["id"], "auch falsch", group="committee"))
                except Refused as exc:
                    outcome.append(exc)

            thread = threading.Thread(target=second)
            thread.start()
            thread.join(1.0)
            assert thread.is_alive() and outcome == []  # waiting for the row
            first.execute(
                text("UPDATE resolutions SET voided_at = :at, voided_by = 'anna', void_reason = 'Zählfehler' WHERE id = :id"),
                {"at": "2021-03-01 10:00:00", "id": tally["id"]},
            )
            first.commit()
            thread.join(30)
    finally:
        engine.dispose()
    [refused] = outcome
    assert isinstance(refused, Refused) and "was already voided on 2021-03-01 by anna: Zählfehler" in refused.message
    assert office.events("resolution.voided") == []
