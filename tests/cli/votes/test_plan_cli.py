"""The complete plan (Gesamtplan) through the CLI, on SQLite and PostgreSQL: draft submit plan (refused before
every field is ready, or as the recorded exception), draft show/history/list, steering decide plan, committee
tally plan, council tally after the committee, and status JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from lipctl.errors import ExitCode
from lipctl.process.states import DraftState
from lipctl.store import models as m
from tests.fixtures.votes import FIELDS, KINDS
from tests.helpers import snapshot

COMMITTEE = ["--yes", "9", "--no", "4", "--abstain", "1", "--present", "14", "--members", "15"]
COUNCIL = ["--yes", "40", "--no", "20", "--abstain", "3", "--present", "63", "--members", "65"]
EXCEPTION = ["--without-all-fields", "--reason", "Haushalt: Beschluss vor der Sommerpause"]


@pytest.fixture
def office(db_url: str, seeded, make_draft):
    """The seeded CLI on both stores."""
    return seeded


def adopt_all(make_draft: Callable[..., int], *, but: tuple[str, str] | None = None) -> None:
    for field in FIELDS:
        for kind in KINDS:
            if (field, kind) != but:
                make_draft(field=field, kind=kind, state=DraftState.ADOPTED)


def forward_plan(cli, *submit: str) -> dict:
    row = cli.json("draft", "submit", "plan", *submit)
    for body in ("integrationsbeiraete", "runder-tisch"):
        assert cli("opinion", "record", "plan", "--from", body, "--stance", "approve", "--text", "ok").exit_code == 0
    decided = cli.json("steering", "decide", "plan", "--forward", "--reason", "vollständig")
    assert (decided["result"], decided["ref"], decided["field"], decided["kind"]) == ("forwarded", "plan", None, "gesamtplan")
    return row


def plan_drafts(db_url: str) -> list[m.Draft]:
    from tests.helpers import engine_on

    engine = engine_on(db_url)
    try:
        with Session(engine) as s:
            return list(s.scalars(select(m.Draft).where(m.Draft.field_id.is_(None)).order_by(m.Draft.version)))
    finally:
        engine.dispose()


def last_event(db_url: str, action: str) -> dict:
    from tests.helpers import engine_on

    engine = engine_on(db_url)
    try:
        with Session(engine) as s:
            event = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action).order_by(m.AuditEvent.id.desc())).first()
            assert event is not None
            return json.loads(event.details or "{}")
    finally:
        engine.dispose()


# --- draft submit plan ---------------------------------------------------------------------------


def test_submit_plan_before_every_field_is_ready_is_refused_naming_what_is_missing(office, db_url, make_draft) -> None:
    adopt_all(make_draft, but=("soziales", "massnahmenkatalog"))
    before = snapshot(db_url)
    result = office("draft", "submit", "plan")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == (
        "lipctl: the plan cannot be submitted yet: no committee-adopted version of soziales (massnahmenkatalog) — record the"
        " committee's resolutions first, or submit anyway with --without-all-fields --reason TEXT\n"
    )
    assert snapshot(db_url) == before


def test_submit_plan_as_the_recorded_exception(office, db_url) -> None:
    row = office.json("draft", "submit", "plan", *EXCEPTION, "--title", "LIP 2.0 Entwurf")
    assert {k: row[k] for k in ("id", "field", "kind", "version", "state", "ref", "title")} == {
        "id": 1,
        "field": None,
        "kind": "gesamtplan",
        "version": 1,
        "state": "submitted",
        "ref": "plan",
        "title": "LIP 2.0 Entwurf",
    }
    details = last_event(db_url, "draft.submitted")
    assert (details["ref"], details["without_all_fields"], details["reason"]) == (
        "plan",
        True,
        "Haushalt: Beschluss vor der Sommerpause",
    )
    assert details["missing"] == [{"field": f, "kinds": KINDS} for f in FIELDS]
    [stored] = plan_drafts(db_url)
    assert (stored.field_id, stored.kind, stored.version) == (None, "gesamtplan", 1)


def test_submit_plan_when_every_field_is_ready_with_a_file_and_a_second_version(office, db_url, make_draft, tmp_path) -> None:
    adopt_all(make_draft)
    doc = tmp_path / "lip.pdf"
    doc.write_bytes(b"%PDF plan")
    first = office.json("draft", "submit", "plan", "--file", str(doc))
    assert (first["ref"], first["version"], first["file_name"]) == ("plan", 1, "lip.pdf")
    assert "without_all_fields" not in last_event(db_url, "draft.submitted")
    second = office.json("draft", "submit", "plan")
    assert (second["version"], second["superseded"]["version"]) == (2, 1)
    assert [(d.version, d.state) for d in plan_drafts(db_url)] == [(1, DraftState.SUPERSEDED), (2, DraftState.SUBMITTED)]
    shown = office.json("draft", "show", "plan")
    assert (shown["id"], shown["version"], shown["missing_opinions"]) == (
        second["id"],
        2,
        ["integrationsbeiraete", "runder-tisch"],
    )
    history = office.json("draft", "history", "plan")
    assert [(e["version"], e["action"]) for e in history] == [
        (1, "draft.submitted"),
        (2, "draft.submitted"),
        (1, "draft.superseded"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--kind", "grundsatzpapier"], "the complete plan has no document kind 'grundsatzpapier'"),
        (["plan", "--without-all-fields"], "--without-all-fields needs --reason TEXT"),
        (["plan", "--reason", "Eilig"], "--reason is only used with --without-all-fields"),
        (["plan", "--without-grundsatzpapier", "--reason", "x"], "--without-grundsatzpapier is for a field's Maßnahmenkatalog"),
        (["plan", "--without-all-fields", "--reason", "x" * 2001], "--reason has 2,001 characters, more than 2,000"),
        (["bildung"], "say which document of bildung this is"),
        (["bildung", "--kind", "grundsatzpapier", *EXCEPTION], "--without-all-fields is for the complete plan"),
    ],
)
def test_submit_refusals(office, db_url, args, message) -> None:
    before = snapshot(db_url)
    result = office("draft", "submit", *args)
    assert result.exit_code == ExitCode.REFUSED, result.stdout
    assert message in result.stderr
    assert snapshot(db_url) == before


def test_the_plan_ref_before_any_version_names_draft_submit_plan(office, db_url) -> None:
    before = snapshot(db_url)
    for args in (
        ("draft", "show", "plan"),
        ("steering", "decide", "plan", "--forward", "--reason", "x"),
        ("council", "tally", *COUNCIL),
    ):
        result = office(*args)
        assert result.exit_code == ExitCode.REFUSED, args
        assert result.stderr == (
            "lipctl: no version of the complete plan (Gesamtplan) has been submitted — submit it first:"
            " lipctl draft submit plan [--file PATH]\n"
        )
    assert snapshot(db_url) == before


# --- the Beratungsfolge: steering group, committee, council ----------------------------------------


def test_from_submission_through_the_committee_to_the_council(office, db_url, make_draft) -> None:
    adopt_all(make_draft)
    plan = forward_plan(office)

    early = office("council", "tally", *COUNCIL)
    assert early.exit_code == ExitCode.REFUSED
    assert early.stderr == (
        "lipctl: rat decides after internationaler-ausschuss — record internationaler-ausschuss's resolution first"
        " (Beratungsfolge internationaler-ausschuss → rat)\n"
    )

    committee = office.json("committee", "tally", "plan", *COMMITTEE, "--drucksache", "1234/2021")
    assert {k: committee[k] for k in ("scope", "draft", "ref", "field", "kind", "version", "body", "result", "state")} == {
        "scope": "plan",
        "draft": plan["id"],
        "ref": "plan",
        "field": None,
        "kind": "gesamtplan",
        "version": 1,
        "body": "internationaler-ausschuss",
        "result": "adopted",
        "state": "forwarded",  # the council has the final vote
    }
    again = office("committee", "tally", "plan", *COMMITTEE)
    assert again.exit_code == ExitCode.REFUSED
    assert "internationaler-ausschuss has already adopted it" in again.stderr and ": rat" in again.stderr

    council = office.json("council", "tally", *COUNCIL, "--drucksache", "1235/2021")
    assert {
        k: council[k] for k in ("scope", "draft", "ref", "body", "result", "state", "members", "exception_reason", "missing")
    } == {
        "scope": "plan",
        "draft": plan["id"],
        "ref": "plan",
        "body": "rat",
        "result": "adopted",
        "state": "adopted",
        "members": 65,
        "exception_reason": None,
        "missing": [],
    }
    details = last_event(db_url, "resolution.recorded")
    assert (details["scope"], details["ref"], details["body"], details["state"]) == ("plan", "plan", "rat", "adopted")
    done = office("council", "tally", *COUNCIL)
    assert done.exit_code == ExitCode.REFUSED
    assert "already adopted" in done.stderr

    status = office.json("status")
    assert {k: status["plan"][k] for k in ("ref", "draft", "version", "state", "waiting_on", "adopted_by")} == {
        "ref": "plan",
        "draft": plan["id"],
        "version": 1,
        "state": "adopted",
        "waiting_on": [],
        "adopted_by": ["internationaler-ausschuss", "rat"],
    }
    assert [(r["body"], r["result"], r["drucksache"]) for r in status["plan"]["resolutions"]] == [
        ("internationaler-ausschuss", "adopted", "1234/2021"),
        ("rat", "adopted", "1235/2021"),
    ]
    council_milestone = next(ms for ms in status["milestones"] if ms["milestone"] == "ratsbeschluss")
    assert council_milestone["state"].startswith("met")


def test_a_committee_rejection_settles_the_version(office, make_draft) -> None:
    forward_plan(office, *EXCEPTION)
    rejected = office.json(
        "committee", "tally", "plan", "--yes", "2", "--no", "9", "--abstain", "0", "--present", "11", "--members", "15"
    )
    assert (rejected["result"], rejected["state"]) == ("rejected", "rejected")
    after = office("council", "tally", *COUNCIL)
    assert after.exit_code == ExitCode.REFUSED
    assert "plan v1 was already rejected" in after.stderr


def test_status_and_listings_with_a_plan_version_present(office, tmp_path) -> None:
    office.json("draft", "submit", "bildung", "--kind", "grundsatzpapier")
    forward_plan(office, *EXCEPTION)
    status = office.json("status")
    assert {k: status["plan"][k] for k in ("ref", "version", "state", "waiting_on", "resolutions")} == {
        "ref": "plan",
        "version": 1,
        "state": "forwarded",
        "waiting_on": ["internationaler-ausschuss"],
        "resolutions": [],
    }
    # the fields' documents do not show the plan
    assert [d["kind"] for f in status["fields"] for d in f["documents"] if d["draft"] is not None] == ["grundsatzpapier"]
    listed = office.json("draft", "list")
    assert [(d["ref"], d["field"]) for d in listed] == [("bildung/grundsatzpapier", "bildung"), ("plan", None)]
    assert office("draft", "list").exit_code == ExitCode.OK
    assert office("status").exit_code == ExitCode.OK
    opinions = office.json("opinion", "list", "plan")
    assert [(o["ref"], o["body"]) for o in opinions] == [("plan", "integrationsbeiraete"), ("plan", "runder-tisch")]
    for out in ("briefing.md", "briefing.html"):
        result = office("report", "--output", str(tmp_path / out))
        assert result.exit_code == ExitCode.OK, result.stderr
    assert "the whole plan" in (tmp_path / "briefing.md").read_text()
    assert office.json("db", "check")["ok"] is True


def test_status_json_has_plan_before_any_version(office) -> None:
    assert office.json("status")["plan"] == {
        "ref": "plan",
        "draft": None,
        "version": None,
        "state": None,
        "since": None,
        "waiting_on": [],
        "resolutions": [],
    }


# --- council tally --without-all-fields, as scripts still pass it ----------------------------------


def test_the_council_option_changes_nothing_when_every_field_is_ready(office, make_draft) -> None:
    adopt_all(make_draft)
    forward_plan(office)
    office.json("committee", "tally", "plan", *COMMITTEE)
    council = office.json("council", "tally", *COUNCIL, *EXCEPTION)
    assert (council["result"], council["exception_reason"], council["missing"]) == ("adopted", None, [])


def test_a_field_that_lost_its_adoption_needs_the_exception_at_the_council(office, db_url, make_draft) -> None:
    adopt_all(make_draft)
    forward_plan(office)
    office.json("committee", "tally", "plan", *COMMITTEE)
    from tests.helpers import engine_on

    engine = engine_on(db_url)
    try:
        with engine.begin() as conn:  # as after a voided committee resolution on the field's document
            field_id = conn.execute(text("SELECT id FROM action_fields WHERE slug = 'wirtschaft'")).scalar_one()
            conn.execute(
                update(m.Draft.__table__)
                .where(m.Draft.__table__.c.field_id == field_id, m.Draft.__table__.c.kind == "massnahmenkatalog")
                .values(state="forwarded")
            )
    finally:
        engine.dispose()
    before = snapshot(db_url)
    refused = office("council", "tally", *COUNCIL)
    assert refused.exit_code == ExitCode.REFUSED
    assert (
        "the plan is not ready for the council: no committee-adopted version of wirtschaft (massnahmenkatalog)" in refused.stderr
    )
    assert snapshot(db_url) == before
    council = office.json("council", "tally", *COUNCIL, *EXCEPTION)
    assert (council["result"], council["exception_reason"]) == ("adopted", "Haushalt: Beschluss vor der Sommerpause")
    assert council["missing"] == [{"field": "wirtschaft", "kinds": ["massnahmenkatalog"]}]


def test_a_plan_submitted_as_the_exception_needs_none_at_the_council(office) -> None:
    forward_plan(office, *EXCEPTION)
    office.json("committee", "tally", "plan", *COMMITTEE)
    council = office.json("council", "tally", *COUNCIL)
    assert (council["result"], council["exception_reason"]) == ("adopted", None)
    assert len(council["missing"]) == len(FIELDS)


def test_a_plan_version_is_withdrawn_listed_and_its_document_written(office, db_url, tmp_path) -> None:
    doc = tmp_path / "lip.txt"
    doc.write_bytes(b"LIP 2.0")
    office.json("draft", "submit", "plan", *EXCEPTION, "--file", str(doc))
    office.json("draft", "submit", "plan", *EXCEPTION)
    refused = office("draft", "withdraw", "plan", "--version", "7", "--reason", "x")
    assert refused.exit_code == ExitCode.REFUSED
    assert "plan has no version 7 — 'lipctl draft list --field plan --include-voided' lists its versions" in refused.stderr
    out = office.json("draft", "withdraw", "plan", "--version", "2", "--reason", "aus Versehen")
    assert (out["ref"], out["version"], out["latest"]["version"], out["latest"]["state"]) == ("plan", 2, 1, "submitted")
    assert [
        (d["ref"], d["version"], d["voided"] is not None)
        for d in office.json("draft", "list", "--field", "plan", "--include-voided")
    ] == [
        ("plan", 1, False),
        ("plan", 2, True),
    ]
    written = office("draft", "document", "plan")
    assert written.exit_code == ExitCode.OK, written.stderr
    assert written.stdout_bytes == b"LIP 2.0"
    assert "plan v1: lip.txt" in written.stderr
