"""lipctl committee tally / council tally: what the user sees, what is stored, and every refusal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.errors import ExitCode
from lipctl.process.states import DraftState
from lipctl.store import models as m
from tests.fixtures.votes import FIELDS, KINDS
from tests.helpers import engine_on

EXAMPLE = ["--yes", "7", "--no", "5", "--abstain", "2", "--present", "14", "--members", "15"]
ARITHMETIC = "7 yes of 12 yes/no votes; 2 abstentions not counted; quorum 8 of 15, 14 present; more yes than no: adopted"


def draft_state(engine, draft_id: int) -> tuple[DraftState, dt.date]:  # noqa: ANN001
    with Session(engine) as s:
        d = s.get(m.Draft, draft_id)
        return d.state, d.state_since


def resolutions(engine) -> list[m.Resolution]:  # noqa: ANN001
    with Session(engine) as s:
        return list(s.scalars(select(m.Resolution).order_by(m.Resolution.id)))


def audit(engine, action: str = "resolution.recorded") -> list[m.AuditEvent]:  # noqa: ANN001
    with Session(engine) as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action).order_by(m.AuditEvent.id)))


def test_committee_tally_json_in_spec_shape(seeded, engine, make_draft) -> None:  # noqa: ANN001
    draft_id = make_draft()
    data = seeded.json(
        "committee", "tally", "bildung/grundsatzpapier", *EXAMPLE, "--drucksache", "0042/2021", "--date", "2021-01-28"
    )
    assert data == {
        "id": 1,
        "scope": "document",
        "draft": draft_id,
        "ref": "bildung/grundsatzpapier",
        "field": "bildung",
        "kind": "grundsatzpapier",
        "version": 1,
        "body": "internationaler-ausschuss",
        "rule_set": "nkomvg",
        "result": "adopted",
        "yes": 7,
        "no": 5,
        "abstain": 2,
        "present": 14,
        "members": 15,
        "quorate": True,
        "second_convocation": False,
        "arithmetic": ARITHMETIC,
        "drucksache": "0042/2021",
        "date": "2021-01-28",
        "meeting": 1,  # the committee's session of 2021-01-28, created for the tally
        "exception_reason": None,
        "voided": None,
        "state": "adopted",
        "members_statutory": None,  # no seats or roster recorded: --members as typed
        "members_reason": None,
    }
    assert draft_state(engine, draft_id) == (DraftState.ADOPTED, dt.date(2021, 1, 28))
    [res] = resolutions(engine)
    assert (res.scope.value, res.draft_id, res.rule_set, res.yes, res.no, res.abstain, res.present, res.members) == (
        "document",
        draft_id,
        "nkomvg",
        7,
        5,
        2,
        14,
        15,
    )
    assert (res.quorate, res.result.value, res.arithmetic, res.drucksache, res.decided_on, res.recorded_by) == (
        True,
        "adopted",
        ARITHMETIC,
        "0042/2021",
        dt.date(2021, 1, 28),
        "tester",
    )
    [event] = audit(engine)
    assert (event.entity, event.entity_id, event.actor, event.command) == ("draft", draft_id, "tester", "committee tally")
    details = json.loads(event.details)
    assert details["result"] == "adopted" and details["arithmetic"] == ARITHMETIC and details["state"] == "adopted"
    assert details["state_before"] == "forwarded" and details["resolution"] == 1


def test_table_output_shows_the_arithmetic(seeded, make_draft) -> None:  # noqa: ANN001
    make_draft()
    result = seeded("committee", "tally", "bildung/grundsatzpapier", *EXAMPLE)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert ARITHMETIC in result.stdout
    assert "adopted" in result.stdout and "2021-02-01" in result.stdout  # --date defaults to --today
    assert result.stderr == ""


def test_rejected_is_final_for_the_version(seeded, engine, make_draft, snap) -> None:  # noqa: ANN001
    draft_id = make_draft()
    data = seeded.json(
        "committee", "tally", str(draft_id), "--yes", "6", "--no", "6", "--abstain", "0", "--present", "12", "--members", "15"
    )
    assert (data["result"], data["state"]) == ("rejected", "rejected")
    assert data["arithmetic"].endswith("a tie: rejected")
    assert draft_state(engine, draft_id)[0] == DraftState.REJECTED
    before = snap()
    again = seeded("committee", "tally", str(draft_id), *EXAMPLE)
    assert again.exit_code == ExitCode.REFUSED
    assert "bildung/grundsatzpapier v1 was already rejected on 2021-02-01; that result is final for this version" in again.stderr
    assert "lipctl draft submit bildung --kind grundsatzpapier" in again.stderr
    assert snap() == before


@pytest.mark.parametrize(
    ("args", "result", "quorate"),
    [
        (["--yes", "7", "--no", "0", "--abstain", "0", "--present", "7", "--members", "15"], "not_quorate", False),
        ([*EXAMPLE, "--defer"], "deferred", True),
    ],
)
def test_no_resolution_leaves_the_draft_forwarded(seeded, engine, make_draft, args, result, quorate) -> None:  # noqa: ANN001
    draft_id = make_draft()
    data = seeded.json("committee", "tally", "bildung/grundsatzpapier", *args)
    assert (data["result"], data["quorate"], data["state"]) == (result, quorate, "forwarded")
    assert draft_state(engine, draft_id) == (DraftState.FORWARDED, dt.date(2021, 1, 15))
    # and it can be tallied again at the next meeting
    later = seeded.json("committee", "tally", "bildung/grundsatzpapier", *EXAMPLE)
    assert (later["result"], later["id"]) == ("adopted", 2)
    assert [r.result.value for r in resolutions(engine)] == [result, "adopted"]
    assert len(audit(engine)) == 2


def test_second_convocation_is_quorate(seeded, make_draft) -> None:  # noqa: ANN001
    make_draft()
    # §65(2) NKomVG: only in the second convocation of a session in which the item was not quorate
    # (tests/cli/votes/test_meetings_cli.py has the refusals).
    first = seeded.json(
        "committee", "tally", "bildung/grundsatzpapier", "--yes", "3", "--no", "1", "--abstain", "0", "--present", "5",
        "--members", "15", "--date", "2021-01-20",
    )  # fmt: skip
    assert first["result"] == "not_quorate"
    second = seeded.json(
        "meeting", "schedule", "internationaler-ausschuss", "--date", "2021-01-28", "--second-convocation-of", "1"
    )["id"]
    data = seeded.json(
        "committee",
        "tally",
        "--meeting",
        str(second),
        "bildung/grundsatzpapier",
        "--yes",
        "3",
        "--no",
        "1",
        "--abstain",
        "0",
        "--present",
        "4",
        "--members",
        "15",
        "--second-convocation",
    )
    assert (data["result"], data["quorate"], data["second_convocation"]) == ("adopted", True, True)
    assert "second convocation: quorate regardless of attendance, 4 of 15 present" in data["arithmetic"]


# --- refusals: exit 1, the message, and nothing changed ----------------------------------------


@pytest.mark.parametrize(
    ("state", "message", "hint"),
    [
        (
            DraftState.SUBMITTED,
            "bildung/grundsatzpapier v1 is submitted: the steering group has not forwarded it to the committee",
            "lipctl steering decide bildung/grundsatzpapier --forward --reason TEXT",
        ),
        (
            DraftState.READY_FOR_DECISION,
            "v1 is ready_for_decision: the steering group has not forwarded it",
            "lipctl steering decide",
        ),
        (
            DraftState.RETURNED,
            "bildung/grundsatzpapier v1 was returned to the expert group for revision",
            "lipctl draft submit bildung",
        ),
        (
            DraftState.ADOPTED,
            "v1 was already adopted on 2021-01-15; that result is final for this version",
            "needs a new version",
        ),
        (
            DraftState.SUPERSEDED,
            "bildung/grundsatzpapier v1 is superseded; the committee votes only on a forwarded version",
            "lipctl draft show bildung/grundsatzpapier",
        ),
    ],
)
def test_refused_unless_forwarded(seeded, make_draft, snap, state, message, hint) -> None:  # noqa: ANN001
    make_draft(state=state)
    before = snap()
    result = seeded("committee", "tally", "bildung/grundsatzpapier", *EXAMPLE)
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.startswith("lipctl: ") and message in result.stderr and hint in result.stderr
    assert result.stdout == ""
    assert snap() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--yes", "-1", "--no", "0", "--abstain", "0", "--present", "10", "--members", "15"],
            "vote counts cannot be negative: yes",
        ),
        (
            ["--yes", "1", "--no", "0", "--abstain", "-2", "--present", "-1", "--members", "15"],
            "vote counts cannot be negative: abstain, present",
        ),
        (
            ["--yes", "7", "--no", "5", "--abstain", "3", "--present", "14", "--members", "15"],
            "7 yes + 5 no + 3 abstentions = 15 votes, more than the 14 members present",
        ),
        (
            ["--yes", "7", "--no", "5", "--abstain", "2", "--present", "16", "--members", "15"],
            "16 present, but the body has only 15 voting members",
        ),
        (
            ["--yes", "0", "--no", "0", "--abstain", "0", "--present", "0", "--members", "0"],
            "the body must have at least 1 voting member, found 0",
        ),
        ([*EXAMPLE, "--drucksache", "2472-2019"], "'2472-2019' is not a printed-matter number (Drucksache) in Hannover's forms"),
        ([*EXAMPLE, "--drucksache", "15-0067/2019F1"], "'15-0067/2019F1' is not a printed-matter number (Drucksache)"),
        ([*EXAMPLE, "--date", "28.1.2021"], "--date '28.1.2021' is not a date"),
        (
            [*EXAMPLE, "--date", "2021-02-02"],
            "--date 2021-02-02 is after today (2021-02-01) — record a vote once it has taken place",
        ),
        (
            [*EXAMPLE, "--date", "2021-01-14"],
            "--date 2021-01-14 is before bildung/grundsatzpapier v1 was forwarded to the committee (2021-01-15)",
        ),
        (
            ["--yes", "7", "--no", "5", "--abstain", "2", "--present", "14"],
            "no statutory number of voting members is recorded for internationaler-ausschuss on",
        ),
        ([*EXAMPLE, "--body", "lenkungsgruppe"], "lenkungsgruppe does not decide on the document"),
        ([*EXAMPLE, "--body", "sportausschuss"], "no body 'sportausschuss'"),
    ],
)
def test_refused_input(seeded, make_draft, snap, args, message) -> None:  # noqa: ANN001
    make_draft()
    before = snap()
    result = seeded("committee", "tally", "bildung/grundsatzpapier", *args)
    assert result.exit_code == ExitCode.REFUSED, result.stdout
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and " — " in result.stderr  # one line, with what to do instead
    assert result.stdout == ""
    assert snap() == before


def test_members_missing_names_the_option(seeded, make_draft) -> None:  # noqa: ANN001
    make_draft()
    result = seeded(
        "committee", "tally", "bildung/grundsatzpapier", "--yes", "1", "--no", "0", "--abstain", "0", "--present", "1"
    )
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == (
        "lipctl: no statutory number of voting members is recorded for internationaler-ausschuss on 2021-02-01 — "
        "pass --members N, or record it with 'lipctl body edit BODY --seats N --from DATE' or 'lipctl member add'\n"
    )


def test_unknown_draft_refused(seeded, snap) -> None:  # noqa: ANN001
    before = snap()
    result = seeded("committee", "tally", "bildung/grundsatzpapier", *EXAMPLE)
    assert result.exit_code == ExitCode.REFUSED
    assert "Bildung has no Grundsatzpapier yet" in result.stderr
    assert snap() == before


def test_missing_count_is_a_usage_error(seeded, make_draft) -> None:  # noqa: ANN001
    make_draft()
    result = seeded(
        "committee", "tally", "bildung/grundsatzpapier", "--yes", "7", "--no", "5", "--present", "14", "--members", "15"
    )
    assert result.exit_code == ExitCode.USAGE
    assert "--abstain" in result.stderr


# --- the seed decides: seats and the Beratungsfolge -------------------------------------------


@pytest.fixture
def two_step_seed(tmp_path: Path) -> Path:
    """The shipped seed, with seats for the committee and a second body in the document chain."""
    from lipctl.services.seed import default_seed_path

    data = yaml.safe_load(default_seed_path().read_text(encoding="utf-8"))
    bodies = {b["slug"]: b for b in data["bodies"]}
    bodies["internationaler-ausschuss"]["seats"] = 15
    bodies["rat"]["seats"] = 65
    bodies["lenkungsgruppe"]["rule_set"] = "two-thirds-of-votes-cast"
    data["decision_chain"]["document"] = ["internationaler-ausschuss", "lenkungsgruppe"]
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_seats_and_chain_come_from_the_seed(cli, two_step_seed, tmp_path) -> None:  # noqa: ANN001
    assert cli("init", "--seed", str(two_step_seed)).exit_code == ExitCode.OK
    engine = engine_on()
    try:
        with Session(engine) as s:
            field_id = s.scalars(select(m.ActionField.id).where(m.ActionField.slug == "bildung")).one()
            d = m.Draft(
                field_id=field_id,
                kind="grundsatzpapier",
                version=1,
                state=DraftState.FORWARDED,
                state_since=dt.date(2021, 1, 15),
                submitted_on=dt.date(2020, 12, 1),
                submitted_at=dt.datetime(2020, 12, 1),
                submitted_by="tester",
            )
            s.add(d)
            s.commit()
        counts = ["--yes", "9", "--no", "5", "--abstain", "0", "--present", "14"]
        # the second body cannot go first
        early = cli("committee", "tally", "bildung/grundsatzpapier", *counts, "--body", "lenkungsgruppe")
        assert early.exit_code == ExitCode.REFUSED
        assert "lenkungsgruppe decides after internationaler-ausschuss" in early.stderr
        assert "internationaler-ausschuss → lenkungsgruppe" in early.stderr
        first = cli.json("committee", "tally", "bildung/grundsatzpapier", *counts)  # members default to the seed's 15 seats
        assert (first["body"], first["members"], first["result"], first["state"]) == (
            "internationaler-ausschuss",
            15,
            "adopted",
            "forwarded",
        )
        assert "quorum 8 of 15, 14 present" in first["arithmetic"]
        second = cli.json("committee", "tally", "bildung/grundsatzpapier", *counts, "--members", "23")
        assert (second["body"], second["rule_set"], second["result"], second["state"]) == (
            "lenkungsgruppe",
            "two-thirds-of-votes-cast",
            "rejected",
            "rejected",
        )
        assert "9 yes of 14 yes/no votes, two thirds needs 10" in second["arithmetic"]
    finally:
        engine.dispose()


# --- the council and the plan -------------------------------------------------------------------


COUNCIL = ["--yes", "40", "--no", "20", "--abstain", "3", "--present", "63", "--members", "65"]


def plan_at_the_council(cli, *submit: str) -> int:  # noqa: ANN001
    """The complete plan's v1 submitted, its opinions in, forwarded, adopted by the committee (issue 16)."""
    plan = cli.json("draft", "submit", "plan", *submit)["id"]
    for body in ("integrationsbeiraete", "runder-tisch"):
        assert cli("opinion", "record", "plan", "--from", body, "--stance", "approve", "--text", "ok").exit_code == 0
    assert cli("steering", "decide", "plan", "--forward", "--reason", "ok").exit_code == 0
    counts = ["--yes", "9", "--no", "4", "--abstain", "1", "--present", "14", "--members", "15"]
    assert cli.json("committee", "tally", "plan", *counts)["state"] == "forwarded"
    return plan


def test_council_refused_before_the_plan_is_submitted(seeded, make_draft, snap) -> None:  # noqa: ANN001
    for field in FIELDS:
        for kind in KINDS:
            make_draft(field=field, kind=kind, state=DraftState.ADOPTED)
    before = snap()
    result = seeded("council", "tally", *COUNCIL)
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == (
        "lipctl: no version of the complete plan (Gesamtplan) has been submitted — submit it first:"
        " lipctl draft submit plan [--file PATH]\n"
    )
    assert snap() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--without-all-fields"], "--without-all-fields needs --reason TEXT"),
        (["--without-all-fields", "--reason", "  "], "--without-all-fields needs --reason TEXT"),
        (["--reason", "urgent"], "--reason is only used with --without-all-fields"),
    ],
)
def test_council_exception_needs_a_reason(seeded, snap, args, message) -> None:  # noqa: ANN001
    before = snap()
    result = seeded("council", "tally", *COUNCIL, *args)
    assert result.exit_code == ExitCode.REFUSED
    assert message in result.stderr
    assert snap() == before


def test_council_members_required_where_the_seed_gives_none(seeded, make_draft, snap) -> None:  # noqa: ANN001
    for field in FIELDS:
        for kind in KINDS:
            make_draft(field=field, kind=kind, state=DraftState.ADOPTED)
    plan_at_the_council(seeded)
    before = snap()
    result = seeded("council", "tally", "--yes", "40", "--no", "20", "--abstain", "3", "--present", "63")
    assert result.exit_code == ExitCode.REFUSED
    assert "no statutory number of voting members is recorded for rat on 2021-02-01 — pass --members N" in result.stderr
    assert snap() == before


def test_council_adopts_the_plan_when_every_field_is_ready(seeded, engine, make_draft) -> None:  # noqa: ANN001
    for field in FIELDS:
        for kind in KINDS:
            make_draft(field=field, kind=kind, state=DraftState.ADOPTED)
    plan = plan_at_the_council(seeded)
    data = seeded.json("council", "tally", *COUNCIL, "--drucksache", "h-0375/2019")
    assert data == {
        "id": 2,
        "scope": "plan",
        "draft": plan,
        "ref": "plan",
        "field": None,
        "kind": "gesamtplan",
        "version": 1,
        "body": "rat",
        "rule_set": "nkomvg",
        "result": "adopted",
        "yes": 40,
        "no": 20,
        "abstain": 3,
        "present": 63,
        "members": 65,
        "quorate": True,
        "second_convocation": False,
        "arithmetic": "40 yes of 60 yes/no votes; 3 abstentions not counted; quorum 33 of 65, 63 present; more yes than no: adopted",
        "drucksache": "H-0375/2019",
        "date": "2021-02-01",
        "meeting": 2,  # the council's session that day; the committee's (1) decided on the plan first
        "exception_reason": None,
        "voided": None,
        "state": "adopted",
        "missing": [],
        "members_statutory": None,  # the seed gives the Rat no seats: --members 65 as typed
        "members_reason": None,
    }
    committee, council = resolutions(engine)
    assert (committee.scope.value, committee.draft_id, committee.result.value) == ("plan", plan, "adopted")
    assert (council.scope.value, council.draft_id, council.result.value, council.drucksache) == (
        "plan",
        plan,
        "adopted",
        "H-0375/2019",
    )
    event = audit(engine)[-1]
    assert (event.entity, event.entity_id, event.command) == ("draft", plan, "council tally")
    # adopted by the last body of the chain: that version's result is final
    again = seeded("council", "tally", *COUNCIL)
    assert again.exit_code == ExitCode.REFUSED
    assert "plan v1 was already adopted on 2021-02-01; that result is final for this version" in again.stderr
    assert len(resolutions(engine)) == 2


def test_council_exception_is_recorded_where_a_field_lost_its_adoption(seeded, engine, make_draft) -> None:  # noqa: ANN001
    ids = {(f, k): make_draft(field=f, kind=k, state=DraftState.ADOPTED) for f in FIELDS for k in KINDS}
    plan_at_the_council(seeded)
    with Session(engine) as s:  # as after a voided committee resolution on a field's catalogue
        for field in FIELDS:
            s.get(m.Draft, ids[(field, "massnahmenkatalog")]).state = DraftState.FORWARDED
        s.commit()
    data = seeded.json(
        "council", "tally", *COUNCIL, "--without-all-fields", "--reason", "Haushaltsberatung: Beschluss vor der Sommerpause"
    )
    assert data["result"] == "adopted"
    assert data["exception_reason"] == "Haushaltsberatung: Beschluss vor der Sommerpause"
    assert data["missing"] == [{"field": f, "kinds": ["massnahmenkatalog"]} for f in FIELDS]
    res = resolutions(engine)[-1]
    assert res.exception_reason == "Haushaltsberatung: Beschluss vor der Sommerpause"
    details = json.loads(audit(engine)[-1].details)
    assert details["without_all_fields"] is True
    assert details["reason"] == "Haushaltsberatung: Beschluss vor der Sommerpause"
    assert details["missing"] == data["missing"]
