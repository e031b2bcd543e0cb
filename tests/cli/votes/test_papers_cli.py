"""lipctl paper list and a tally's --drucksache: the Drucksachen register (issue 16), on both stores."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.errors import ExitCode
from lipctl.process.states import DraftState
from lipctl.store import models as m
from tests.fixtures.votes import FIELDS, KINDS
from tests.helpers import engine_on, snapshot

TALLY = ["--yes", "7", "--no", "5", "--abstain", "2", "--present", "14", "--members", "15"]
FOUNDING = {
    "number": "2472/2019",
    "type": "resolution",
    "type_name": "Beschlussdrucksache",
    "date": None,
    "title": "Wie wird der Lokale Integrationsplan weiterentwickelt?",
    "carries": "founding",
    "ref": None,
    "version": None,
    "body": "internationaler-ausschuss",
    "resolutions": [],
}


@pytest.fixture
def office(db_url: str, seeded):
    def run(*args: str):
        return seeded("--today", "2021-06-01", *args)

    run.json = lambda *args: seeded.json("--today", "2021-06-01", *args)  # type: ignore[attr-defined]
    return run


def registered() -> list[dict]:
    engine = engine_on()
    try:
        with Session(engine) as s:
            query = select(m.AuditEvent).where(m.AuditEvent.action == "paper.registered").order_by(m.AuditEvent.id)
            return [json.loads(e.details or "{}") for e in s.scalars(query)]
    finally:
        engine.dispose()


def test_init_registers_the_founding_resolution_once(office) -> None:
    assert office.json("paper", "list") == [FOUNDING]
    assert office("init").exit_code == ExitCode.OK
    assert office.json("paper", "list") == [FOUNDING]
    assert registered() == []  # a change of the seed: init's seed.loaded event counts it
    table = office("paper", "list")
    assert table.exit_code == ExitCode.OK and "Beschlussdrucksache" in table.stdout and "founding" in table.stdout


def test_a_tally_registers_its_paper_and_uses_it_again_for_the_same_version(office, make_draft) -> None:
    draft = make_draft()
    first = office.json(
        "committee", "tally", "bildung/grundsatzpapier", "--yes", "3", "--no", "0", "--abstain", "0", "--present", "3",
        "--members", "15", "--drucksache", "0042/2021", "--date", "2021-02-01",
    )  # fmt: skip
    assert first["result"] == "not_quorate"
    again = office.json(
        "committee", "tally", "bildung/grundsatzpapier", *TALLY, "--drucksache", "0042/2021", "--date", "2021-02-08"
    )
    assert again["result"] == "adopted"
    papers = office.json("paper", "list")
    assert papers[1] == {
        "number": "0042/2021",
        "type": "resolution",
        "type_name": "Beschlussdrucksache",
        "date": "2021-02-01",
        "title": "bildung/grundsatzpapier v1",
        "carries": "draft",
        "ref": "bildung/grundsatzpapier",
        "version": 1,
        "body": "internationaler-ausschuss",
        "resolutions": [1, 2],
    }
    assert [(e["number"], e["carries"], e.get("ref")) for e in registered()] == [
        ("0042/2021", "draft", "bildung/grundsatzpapier")
    ]
    assert draft == 1


@pytest.mark.parametrize(
    ("number", "owner"),
    [("2472/2019", "the founding resolution of the process"), ("0042/2021", "bildung/grundsatzpapier v1")],
)
def test_a_number_registered_for_something_else_is_refused_naming_its_owner(office, make_draft, number: str, owner: str) -> None:
    make_draft()
    make_draft(field="soziales")
    office("committee", "tally", "bildung/grundsatzpapier", *TALLY, "--drucksache", "0042/2021", "--date", "2021-02-01")
    before = snapshot()
    result = office("committee", "tally", "soziales/grundsatzpapier", *TALLY, "--drucksache", number, "--date", "2021-02-01")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == (
        f"lipctl: Drucksache {number} is already registered for {owner} — a number belongs to one paper: "
        "give this vote its own Drucksache number ('lipctl paper list' shows them)\n"
    )
    assert snapshot() == before


def test_the_plan_gets_its_own_paper_and_the_types_follow_the_number(office, make_draft) -> None:
    for field in FIELDS:
        for kind in KINDS:
            make_draft(field=field, kind=kind, state=DraftState.ADOPTED)
    from tests.cli.votes.test_tally_cli import plan_at_the_council

    plan_at_the_council(office)
    council = ["--yes", "40", "--no", "20", "--abstain", "3", "--present", "63", "--members", "65"]
    refused = office("council", "tally", *council, "--drucksache", "2472/2019")
    assert refused.exit_code == ExitCode.REFUSED and "the founding resolution of the process" in refused.stderr
    assert office.json("council", "tally", *council, "--drucksache", "1234/2021 e1")["drucksache"] == "1234/2021 E1"
    plan = office.json("paper", "list")[1]
    assert (plan["number"], plan["type"], plan["type_name"], plan["carries"], plan["body"]) == (
        "1234/2021 E1",
        "amendment",
        "Änderungsantrag",
        "plan",
        "rat",
    )


def test_db_check_lists_no_reuse_on_a_new_database(office) -> None:
    check = office("db", "check", "--format", "json")
    assert check.exit_code == ExitCode.OK
    assert json.loads(check.stdout)["drucksache_reuse"] == []
