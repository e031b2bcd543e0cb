"""lipctl meeting schedule/list/show/agenda, tallies in sessions, second convocation, deferral and
committee inform: what the user sees and what is stored, on SQLite and PostgreSQL, with every refusal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.errors import ExitCode
from lipctl.store import models as m
from tests.helpers import engine_on, snapshot

COMMITTEE = "internationaler-ausschuss"
REF = "bildung/grundsatzpapier"
#: A vote the committee cannot take with 5 of 15 present.
FIVE_PRESENT = ["--yes", "3", "--no", "1", "--abstain", "1", "--present", "5", "--members", "15"]
FOUR_PRESENT = ["--yes", "3", "--no", "1", "--abstain", "0", "--present", "4", "--members", "15"]


@pytest.fixture
def office(db_url: str, seeded, make_draft: Callable[..., int]):
    """A fresh init on both stores with bildung/grundsatzpapier v1 forwarded on 2021-01-15 (today is 2021-02-01)."""
    make_draft()
    return seeded


def _audit(db_url: str, action: str) -> list[dict]:
    engine = engine_on(db_url)
    try:
        with Session(engine) as s:
            rows = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action).order_by(m.AuditEvent.id))
            return [{"entity": e.entity, "entity_id": e.entity_id, **json.loads(e.details or "{}")} for e in rows]
    finally:
        engine.dispose()


def _resolutions(db_url: str) -> list[tuple]:
    engine = engine_on(db_url)
    try:
        with Session(engine) as s:
            return [
                (r.meeting_id, r.result.value, r.yes, r.no, r.abstain, r.present, r.quorate, r.second_convocation)
                for r in s.scalars(select(m.Resolution).order_by(m.Resolution.id))
            ]
    finally:
        engine.dispose()


def _schedule(cli, *args: str) -> int:
    return cli.json("meeting", "schedule", COMMITTEE, *args)["id"]


# --- meeting schedule, list, show ---------------------------------------------------------------


def test_schedule_prints_the_id_and_the_invitation(office, db_url: str) -> None:
    data = office.json(
        "meeting", "schedule", "Ausschuss", "--date", "2021-02-10", "--start", "16:00", "--location", "Hodlersaal",
        "--invited-on", "2021-02-01",
    )  # fmt: skip
    assert data == {
        "id": 1,
        "body": COMMITTEE,
        "date": "2021-02-10",
        "start": "16:00",
        "location": "Hodlersaal",
        "invited_on": "2021-02-01",
        "invitation": "invited 9 days ahead (period 7)",
        "invitation_days": 7,
        "urgent_reason": None,
        "second_convocation_of": None,
    }
    [event] = _audit(db_url, "meeting.scheduled")
    assert (event["entity"], event["entity_id"], event["body"], event["invited_on"]) == ("meeting", 1, COMMITTEE, "2021-02-01")
    listed = office.json("meeting", "list", "--body", "rat")
    assert listed == []
    [row] = office.json("meeting", "list")
    assert (row["id"], row["items"]) == (1, 0)


def test_without_an_invitation_date_show_says_it_is_unknown(office) -> None:
    meeting = _schedule(office, "--date", "2021-01-20")
    shown = office.json("meeting", "show", str(meeting))
    assert (shown["invited_on"], shown["invitation"], shown["agenda"], shown["information"]) == (
        None,
        "invitation date unknown",
        [],
        [],
    )
    table = office("meeting", "show", str(meeting))
    assert table.exit_code == ExitCode.OK and "invitation date unknown" in table.stdout


@pytest.mark.parametrize(("invited_on", "ok"), [("2021-01-25", False), ("2021-01-24", True), ("2021-01-23", True)])
def test_the_invitation_period_at_6_7_and_8_days(office, db_url: str, invited_on: str, ok: bool) -> None:
    before = snapshot(db_url)
    result = office("meeting", "schedule", COMMITTEE, "--date", "2021-01-31", "--invited-on", invited_on)
    if ok:
        assert result.exit_code == ExitCode.OK, result.stderr
    else:
        assert result.exit_code == ExitCode.REFUSED
        assert result.stderr == (
            "lipctl: the invitation went out 6 days before the session; the invitation period (Ladungsfrist) is 7 days"
            " — schedule it at least 7 days after --invited-on, or record the urgency with --urgent --reason TEXT\n"
        )
        assert snapshot(db_url) == before


def test_a_short_invitation_needs_urgent_with_a_reason(office) -> None:
    no_reason = office("meeting", "schedule", COMMITTEE, "--date", "2021-01-31", "--invited-on", "2021-01-29", "--urgent")
    assert no_reason.exit_code == ExitCode.REFUSED and "--urgent needs --reason TEXT" in no_reason.stderr
    data = office.json(
        "meeting", "schedule", COMMITTEE, "--date", "2021-01-31", "--invited-on", "2021-01-29", "--urgent",
        "--reason", "Frist des Landes",
    )  # fmt: skip
    assert (data["urgent_reason"], data["invitation"]) == ("Frist des Landes", "invited 2 days ahead (period 7)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["steering", "--date", "2021-02-10"], "lenkungsgruppe decides on nothing in the seed's decision chain"),
        ([COMMITTEE, "--date", "2021-02-10", "--start", "4pm"], "--start '4pm' is not a time"),
        ([COMMITTEE, "--date", "2021-02-10", "--invited-on", "2021-02-20"], "--invited-on 2021-02-20 is after today"),
        ([COMMITTEE, "--date", "2021-02-10", "--second-convocation-of", "9"], "no session with id 9"),
        ([COMMITTEE, "--date", "morgen"], "--date 'morgen' is not a date"),
    ],
)
def test_schedule_refusals_change_nothing(office, db_url: str, args: list[str], message: str) -> None:
    before = snapshot(db_url)
    result = office("meeting", "schedule", *args)
    assert result.exit_code == ExitCode.REFUSED, result.stdout
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert snapshot(db_url) == before


def test_show_of_an_unknown_session(office) -> None:
    result = office("meeting", "show", "7")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == "lipctl: no session with id 7 — 'lipctl meeting list' shows the sessions and their ids\n"


# --- second convocation -------------------------------------------------------------------------


@pytest.mark.parametrize("present", ["1", "0"])
def test_the_issues_second_convocation_without_a_first_session_is_refused(office, db_url: str, present: str) -> None:
    before = snapshot(db_url)
    result = office(
        "committee", "tally", REF, "--yes", "1" if present == "1" else "0", "--no", "0", "--abstain", "0",
        "--present", present, "--members", "15", "--second-convocation",
    )  # fmt: skip
    assert result.exit_code == ExitCode.REFUSED
    assert "is not a second convocation: §65(2) NKomVG allows one only after a session without quorum" in result.stderr
    assert snapshot(db_url) == before


def test_not_quorate_then_its_second_convocation_decides(office, db_url: str) -> None:
    first = _schedule(office, "--date", "2021-01-20", "--invited-on", "2021-01-11")
    nq = office.json("committee", "tally", REF, "--meeting", str(first), *FIVE_PRESENT, "--drucksache", "0088/2021")
    assert (nq["result"], nq["meeting"], nq["date"], nq["state"]) == ("not_quorate", first, "2021-01-20", "forwarded")
    second = _schedule(office, "--date", "2021-01-28", "--invited-on", "2021-01-21", "--second-convocation-of", str(first))
    voted = office.json("committee", "tally", REF, "--meeting", str(second), *FOUR_PRESENT)
    assert (voted["result"], voted["second_convocation"], voted["quorate"], voted["meeting"], voted["date"]) == (
        "adopted",
        True,
        True,
        second,
        "2021-01-28",
    )
    assert "second convocation: quorate regardless of attendance, 4 of 15 present" in voted["arithmetic"]
    assert voted["drucksache"] == "0088/2021"  # the item came back with the Drucksache it had in the first session
    assert _resolutions(db_url) == [
        (first, "not_quorate", 3, 1, 1, 5, False, False),
        (second, "adopted", 3, 1, 0, 4, True, True),
    ]
    shown = office.json("meeting", "show", str(second))
    assert shown["second_convocation_of"] == first
    [item] = shown["agenda"]
    assert (item["ref"], item["version"], [r["result"] for r in item["results"]]) == (REF, 1, ["adopted"])


def test_after_a_deferral_the_second_convocation_is_refused(office, db_url: str) -> None:
    first = _schedule(office, "--date", "2021-01-20")
    assert office.json("committee", "tally", REF, "--meeting", str(first), "--defer", "--members", "15")["result"] == "deferred"
    second = _schedule(office, "--date", "2021-01-28", "--second-convocation-of", str(first))
    before = snapshot(db_url)
    refused = office("committee", "tally", REF, "--meeting", str(second), *FOUR_PRESENT, "--second-convocation")
    assert refused.exit_code == ExitCode.REFUSED
    assert (
        "bildung/grundsatzpapier v1 was deferred in session 1, not postponed for lack of quorum: §65(2) NKomVG does not apply"
        in refused.stderr
    )
    assert snapshot(db_url) == before
    # Without the flag the usual quorum applies: 4 of 15 is not quorate.
    usual = office.json("committee", "tally", REF, "--meeting", str(second), *FOUR_PRESENT)
    assert (usual["result"], usual["second_convocation"]) == ("not_quorate", False)


def test_in_a_second_convocation_nobody_present_is_refused_and_all_abstaining_is_rejected(office, db_url: str) -> None:
    first = _schedule(office, "--date", "2021-01-20")
    office.json("committee", "tally", REF, "--meeting", str(first), *FIVE_PRESENT)
    second = _schedule(office, "--date", "2021-01-28", "--second-convocation-of", str(first))
    before = snapshot(db_url)
    nobody = office(
        "committee", "tally", REF, "--meeting", str(second), "--yes", "0", "--no", "0", "--abstain", "0", "--present", "0",
        "--members", "15",
    )  # fmt: skip
    assert nobody.exit_code == ExitCode.REFUSED
    assert "a second convocation with nobody present decides nothing: --present is 0" in nobody.stderr
    assert snapshot(db_url) == before
    abstained = office.json(
        "committee", "tally", REF, "--meeting", str(second), "--yes", "0", "--no", "0", "--abstain", "3", "--present", "3",
        "--members", "15",
    )  # fmt: skip
    assert (abstained["result"], abstained["state"]) == ("rejected", "rejected")
    assert abstained["arithmetic"].endswith("no yes or no votes: rejected")


def test_a_second_convocation_is_the_same_bodys_on_a_later_day(office) -> None:
    first = _schedule(office, "--date", "2021-01-20")
    same_day = office("meeting", "schedule", COMMITTEE, "--date", "2021-01-20", "--second-convocation-of", str(first))
    assert same_day.exit_code == ExitCode.REFUSED and "a second convocation comes after the first session" in same_day.stderr
    council = office("meeting", "schedule", "rat", "--date", "2021-01-28", "--second-convocation-of", str(first))
    assert council.exit_code == ExitCode.REFUSED
    assert "session 1 is one of internationaler-ausschuss, not of rat" in council.stderr


# --- deferral -----------------------------------------------------------------------------------


def test_a_deferral_needs_no_counts(office, db_url: str) -> None:
    data = office.json("committee", "tally", REF, "--defer", "--members", "15", "--date", "2021-01-28")
    assert {k: data[k] for k in ("result", "yes", "no", "abstain", "present", "members", "quorate", "state")} == {
        "result": "deferred",
        "yes": None,
        "no": None,
        "abstain": None,
        "present": None,
        "members": 15,
        "quorate": None,
        "state": "forwarded",
    }
    assert data["arithmetic"] == "deferred: the body postponed its decision (a procedural decision, no vote counts)"
    assert _resolutions(db_url) == [(data["meeting"], "deferred", None, None, None, None, None, False)]
    [event] = _audit(db_url, "resolution.recorded")
    assert (event["result"], event["meeting"], "yes" in event) == ("deferred", data["meeting"], False)
    # voided like any other tally; the counts stay NULL
    voided = office.json("committee", "void", str(data["id"]), "--reason", "falsch erfasst")
    assert voided["id"] == data["id"]
    assert _resolutions(db_url) == [(data["meeting"], "deferred", None, None, None, None, None, False)]


def test_a_deferral_with_nobody_present_is_refused_not_recorded_as_not_quorate(office, db_url: str) -> None:
    before = snapshot(db_url)
    result = office("committee", "tally", REF, "--present", "0", "--defer", "--members", "15")
    assert result.exit_code == ExitCode.REFUSED
    assert "0 of 15 members present is not quorate: a body without quorum cannot postpone an item" in result.stderr
    assert snapshot(db_url) == before


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (["--members", "15"], "--yes, --no, --abstain, --present"),
        (["--yes", "3", "--no", "1", "--members", "15"], "--abstain, --present"),
    ],
)
def test_missing_counts_without_defer_are_a_usage_error(office, db_url: str, args: list[str], missing: str) -> None:
    before = snapshot(db_url)
    result = office("committee", "tally", REF, *args)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith(f"lipctl: missing option{'s' if ',' in missing else ''} {missing} — ")
    assert snapshot(db_url) == before
    council = office("council", "tally", "--yes", "1")
    assert council.exit_code == ExitCode.USAGE and "--no, --abstain, --present" in council.stderr


# --- tallies without --meeting, agendas --------------------------------------------------------


def test_a_tally_without_meeting_records_it_in_the_bodys_session_of_the_day(office, db_url: str) -> None:
    deferred = office.json("committee", "tally", REF, "--defer", "--members", "15", "--date", "2021-01-28")
    again = office.json("committee", "tally", REF, *FIVE_PRESENT, "--date", "2021-01-28")
    assert deferred["meeting"] == again["meeting"] == 1
    [session] = office.json("meeting", "list")
    assert (session["date"], session["items"], session["invitation"]) == ("2021-01-28", 1, "invitation date unknown")
    [event] = _audit(db_url, "meeting.scheduled")
    assert (event["by_tally"], event["date"]) == (True, "2021-01-28")
    other_day = office.json("committee", "tally", REF, *FIVE_PRESENT)  # --date: today
    assert (other_day["meeting"], other_day["date"]) == (2, "2021-02-01")


def test_two_sessions_on_a_day_need_meeting(office, db_url: str) -> None:
    _schedule(office, "--date", "2021-01-28", "--start", "10:00")
    _schedule(office, "--date", "2021-01-28", "--start", "16:00")
    before = snapshot(db_url)
    result = office("committee", "tally", REF, *FIVE_PRESENT, "--date", "2021-01-28")
    assert result.exit_code == ExitCode.REFUSED
    assert "internationaler-ausschuss has 2 sessions on 2021-01-28 — name the session with --meeting ID (1, 2)" in result.stderr
    assert snapshot(db_url) == before


def test_the_agenda_with_numbers_and_drucksachen(office, db_url: str, make_draft: Callable[..., int]) -> None:
    make_draft(field="soziales")
    meeting = str(_schedule(office, "--date", "2021-01-28"))
    item = office.json("meeting", "agenda", meeting, REF, "--number", "5.1", "--drucksache", "0142/2021")
    assert item == {
        "meeting": 1,
        "item": 1,
        "number": "5.1",
        "position": 1,
        "ref": REF,
        "draft": 1,
        "version": 1,
        "drucksache": "0142/2021",
    }
    [event] = _audit(db_url, "meeting.item_added")
    assert (event["entity_id"], event["number"], event["ref"], event["drucksache"]) == (1, "5.1", REF, "0142/2021")
    before = snapshot(db_url)
    for args, message in [
        ([REF], "bildung/grundsatzpapier is already on the agenda of session 1 (item 5.1)"),
        (["soziales/grundsatzpapier", "--number", "5.1"], "session 1 already has an item 5.1"),
        (["plan"], "no version of the complete plan (Gesamtplan) has been submitted"),  # the committee decides on it first
        (["soziales/grundsatzpapier", "--number", "TOP 5"], "'TOP 5' is not an agenda item number"),
        (["soziales/grundsatzpapier", "--drucksache", "Vorlage 7"], "is not a printed-matter number"),
    ]:
        result = office("meeting", "agenda", meeting, *args)
        assert result.exit_code == ExitCode.REFUSED, args
        assert message in result.stderr, result.stderr
    assert snapshot(db_url) == before
    # The tally takes the item's Drucksache and number.
    voted = office.json("committee", "tally", REF, "--meeting", meeting, "--yes", "7", "--no", "5", "--abstain", "2",
                        "--present", "14", "--members", "15")  # fmt: skip
    assert (voted["drucksache"], voted["meeting"]) == ("0142/2021", 1)
    office.json("meeting", "agenda", meeting, "soziales/grundsatzpapier", "--number", "5.2")
    shown = office.json("meeting", "show", meeting)
    assert [(i["number"], i["ref"], [r["result"] for r in i["results"]]) for i in shown["agenda"]] == [
        ("5.1", REF, ["adopted"]),
        ("5.2", "soziales/grundsatzpapier", []),
    ]
    table = office("meeting", "show", meeting)
    assert table.exit_code == ExitCode.OK and "5.1" in table.stdout and "adopted" in table.stdout


def test_a_tally_in_another_bodys_or_a_future_session_is_refused(office, db_url: str) -> None:
    council = office.json("meeting", "schedule", "rat", "--date", "2021-01-28")["id"]
    later = _schedule(office, "--date", "2021-02-10")
    before = snapshot(db_url)
    wrong = office("committee", "tally", REF, "--meeting", str(council), *FIVE_PRESENT)
    assert wrong.exit_code == ExitCode.REFUSED
    assert "session 1 is one of rat; this vote is internationaler-ausschuss's" in wrong.stderr
    future = office("committee", "tally", REF, "--meeting", str(later), *FIVE_PRESENT)
    assert future.exit_code == ExitCode.REFUSED and "session 2 is on 2021-02-10, after today (2021-02-01)" in future.stderr
    mismatch = office("committee", "tally", REF, "--meeting", str(council), "--date", "2021-01-20", *FIVE_PRESENT)
    assert mismatch.exit_code == ExitCode.REFUSED
    assert snapshot(db_url) == before


def test_the_council_tallies_the_plan_in_its_session(office) -> None:
    from tests.cli.votes.test_tally_cli import plan_at_the_council

    plan_at_the_council(office, "--without-all-fields", "--reason", "Corona")  # the committee decided on it first
    meeting = office.json("meeting", "schedule", "rat", "--date", "2021-02-01")["id"]
    office.json("meeting", "agenda", str(meeting), "plan", "--drucksache", "1234/2021")
    voted = office.json(
        "council", "tally", "--meeting", str(meeting), "--yes", "40", "--no", "20", "--abstain", "3", "--present", "63",
        "--members", "65",
    )  # fmt: skip
    assert (voted["meeting"], voted["drucksache"], voted["result"]) == (meeting, "1234/2021", "adopted")
    [item] = office.json("meeting", "show", str(meeting))["agenda"]
    assert (item["ref"], [r["result"] for r in item["results"]]) == ("plan", ["adopted"])


# --- committee inform, status ------------------------------------------------------------------


def test_inform_the_committee_with_a_file_and_status_says_when(office, db_url: str, tmp_path: Path) -> None:
    meeting = str(_schedule(office, "--date", "2021-01-28"))
    never = office.json("status")
    assert never["information"] == [
        {
            "body": COMMITTEE,
            "last_informed": None,
            "meeting": None,
            "interval_days": 90,
            "next_due": "2021-04-28",
            "overdue": False,
        }
    ]
    report = tmp_path / "Sachstand.pdf"
    report.write_bytes(b"%PDF-1.4 Sachstand LIP 2.0\n")
    data = office.json("committee", "inform", "--meeting", meeting, "--drucksache", "H-0375/2021", "--file", str(report))
    assert {k: data[k] for k in ("id", "meeting", "body", "informed_on", "drucksache", "file_name", "file_size")} == {
        "id": 1,
        "meeting": 1,
        "body": COMMITTEE,
        "informed_on": "2021-01-28",
        "drucksache": "H-0375/2021",
        "file_name": "Sachstand.pdf",
        "file_size": 27,
    }
    engine = engine_on(db_url)
    try:
        with Session(engine) as s:
            info = s.scalars(select(m.CommitteeInformation)).one()
            if db_url.startswith("postgresql"):  # the document is in the database
                assert info.file_copy is None
                assert s.get(m.Document, info.file_sha256) is not None
            else:  # a kept copy beside the database
                assert info.file_copy is not None and Path(info.file_copy).read_bytes() == report.read_bytes()
    finally:
        engine.dispose()
    [event] = _audit(db_url, "committee.informed")
    assert (event["entity"], event["entity_id"], event["drucksache"], event["file_name"]) == (
        "meeting",
        1,
        "H-0375/2021",
        "Sachstand.pdf",
    )
    status = office.json("status")
    assert status["information"][0] | {} == {
        "body": COMMITTEE,
        "last_informed": "2021-01-28",
        "meeting": 1,
        "interval_days": 90,
        "next_due": "2021-04-28",
        "overdue": False,
    }
    assert [o for o in status["overdue"] if o["kind"] == "information"] == []
    text = office("status")
    assert "International Committee was last informed on 2021-01-28 (session 1); next by 2021-04-28" in text.stdout
    assert office.json("meeting", "show", meeting)["information"][0]["drucksache"] == "H-0375/2021"

    late = office.json("--today", "2021-05-01", "status")
    [overdue] = [o for o in late["overdue"] if o["kind"] == "information"]
    assert (overdue["body"], overdue["due"], overdue["days_overdue"]) == (COMMITTEE, "2021-04-28", 3)
    late_text = office("--today", "2021-05-01", "status")
    assert "informing International Committee about the state of the process (3 days late)" in " ".join(late_text.stdout.split())


def test_inform_refusals(office, db_url: str) -> None:
    council = str(office.json("meeting", "schedule", "rat", "--date", "2021-01-28")["id"])
    later = str(_schedule(office, "--date", "2021-02-10"))
    before = snapshot(db_url)
    for args, message in [
        (["--meeting", council], "session 1 is one of rat, not of the committee"),
        (["--meeting", later], "session 2 is on 2021-02-10, after today (2021-02-01)"),
        (["--meeting", "9"], "no session with id 9"),
        (["--meeting", "x"], "--meeting 'x' is not a session id"),
        (["--meeting", later, "--file", "/nonexistent/bericht.pdf"], "bericht.pdf"),
    ]:
        result = office("committee", "inform", *args)
        assert result.exit_code != ExitCode.OK, args
        assert message in result.stderr, result.stderr
    assert snapshot(db_url) == before


def test_the_briefing_says_when_the_committee_was_last_informed(office, tmp_path: Path) -> None:
    meeting = str(_schedule(office, "--date", "2021-01-28"))
    office.json("committee", "inform", "--meeting", meeting)
    out = tmp_path / "briefing.md"
    assert office("--today", "2021-05-01", "report", "-o", str(out)).exit_code == ExitCode.OK
    text = out.read_text(encoding="utf-8")
    assert "International Committee was last informed on 2021-01-28 (session 1); overdue since 2021-04-28" in text
    assert "Informing International Committee about the state of the process" in text


def test_more_refusals_of_sessions_change_nothing(office, db_url: str) -> None:
    """Refusals the review found untested (each leaves the database as it was)."""
    first = _schedule(office, "--date", "2021-01-20")
    council = office.json("meeting", "schedule", "rat", "--date", "2021-01-21")["id"]
    before = snapshot(db_url)
    for args, message in [
        (["meeting", "schedule", COMMITTEE, "--date", "2021-01-28", "--urgent", "--reason", "eilig"],
         "--urgent needs --invited-on: without the invitation date there is no period to shorten"),
        (["meeting", "schedule", "rat", "--date", "2021-01-28", "--second-convocation-of", str(first)],
         "a second convocation is called by the same body"),
        (["committee", "tally", REF, "--meeting", str(first), "--date", "2021-01-21", *FIVE_PRESENT],
         f"--date 2021-01-21 is not the day of session {first} (2021-01-20)"),
        (["meeting", "agenda", str(council), REF], f"session {council} is one of rat, which does not decide on a document"),
        (["meeting", "show", "²"], "MEETING '²' is not a session id"),  # a digit to str.isdigit, not to int()
        (["committee", "tally", REF, "--meeting", "١", *FIVE_PRESENT], "'١' is not a session id"),
    ]:  # fmt: skip
        result = office(*args)
        assert result.exit_code in (ExitCode.REFUSED, ExitCode.USAGE), (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    assert snapshot(db_url) == before
