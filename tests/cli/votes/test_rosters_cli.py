"""lipctl member add/end/list, body edit --seats, and a tally's --members against them (issue 16), on both stores."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.errors import ExitCode
from lipctl.store import models as m
from tests.helpers import engine_on, snapshot

COUNTS = ["--yes", "3", "--no", "1", "--abstain", "1", "--present", "5"]
REF = "bildung/grundsatzpapier"


@pytest.fixture
def office(db_url: str, seeded, make_draft):
    """A seeded store (SQLite or PostgreSQL) with a forwarded Grundsatzpapier Bildung; the CLI as of 2022-06-01."""
    make_draft()

    def run(*args: str):
        return seeded("--today", "2022-06-01", *args)

    def run_json(*args: str):
        return seeded.json("--today", "2022-06-01", *args)

    run.json = run_json  # type: ignore[attr-defined]
    return run


def events(action: str) -> list[dict]:
    engine = engine_on()
    try:
        with Session(engine) as s:
            return [
                json.loads(e.details or "{}")
                for e in s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action).order_by(m.AuditEvent.id))
            ]
    finally:
        engine.dispose()


def test_a_different_member_count_a_week_later_is_refused_without_an_override(office) -> None:
    """The issue's reproduction: not quorate at 5 of 15, then 'adopted' at 5 of 9 a week later."""
    assert office.json("body", "edit", "ausschuss", "--seats", "15", "--from", "2021-11-01")["seats"] == 15
    first = office.json("committee", "tally", REF, *COUNTS, "--members", "15", "--date", "2022-02-01")
    assert (first["result"], first["members"], first["members_statutory"], first["members_reason"]) == (
        "not_quorate",
        15,
        15,
        None,
    )
    before = snapshot()
    later = office("committee", "tally", REF, *COUNTS, "--members", "9", "--date", "2022-02-08")
    assert later.exit_code == ExitCode.REFUSED
    assert later.stderr == (
        "lipctl: --members 9 differs from internationaler-ausschuss's statutory number of voting members on 2022-02-08, 15"
        " — leave out --members, or record a deviation with --members-override --reason TEXT\n"
    )
    assert snapshot() == before
    no_reason = office("committee", "tally", REF, *COUNTS, "--members", "9", "--members-override", "--date", "2022-02-08")
    assert no_reason.exit_code == ExitCode.REFUSED
    assert "--members-override needs --reason TEXT" in no_reason.stderr
    assert snapshot() == before

    overridden = office.json(
        "committee",
        "tally",
        REF,
        *COUNTS,
        "--members",
        "9",
        "--members-override",
        "--reason",
        "6 Sitze vakant",
        "--date",
        "2022-02-08",
    )
    assert (overridden["result"], overridden["members"], overridden["members_statutory"], overridden["members_reason"]) == (
        "adopted",
        9,
        15,
        "6 Sitze vakant",
    )
    [_first, recorded] = events("resolution.recorded")
    assert (recorded["members"], recorded["members_statutory"], recorded["members_reason"]) == (9, 15, "6 Sitze vakant")


def test_members_default_to_the_seat_count_in_force_on_the_tally_date(office) -> None:
    office("body", "edit", "ausschuss", "--seats", "15", "--from", "2016-11-01")
    edited = office.json("body", "edit", "ausschuss", "--seats", "19", "--from", "2022-01-01")
    assert (edited["seats_before"], edited["history"]) == (
        15,
        [{"from": "2016-11-01", "seats": 15}, {"from": "2022-01-01", "seats": 19}],
    )
    on_eve = office.json("committee", "tally", REF, *COUNTS, "--date", "2021-12-31")
    assert (on_eve["members"], on_eve["result"]) == (15, "not_quorate")
    on_the_day = office.json("committee", "tally", REF, *COUNTS, "--date", "2022-01-01")
    assert on_the_day["members"] == 19
    assert [(e["seats"], e["from"], e.get("seats_before")) for e in events("body.seats_recorded")] == [
        (15, "2016-11-01", None),
        (19, "2022-01-01", 15),
    ]


def test_the_roster_gives_the_number_where_no_seats_are_recorded_and_advisory_members_never_count(office) -> None:
    for name in ("Anna A", "Ben B", "Cem C"):
        office("member", "add", "ausschuss", name, "--from", "2021-11-01")
    office("member", "add", "ausschuss", "Dana D", "--advisory", "--from", "2021-11-01")
    chair = office.json("member", "add", "ausschuss", "Eva E", "--role", "chair", "--from", "2021-11-01")
    assert (chair["role"], chair["voting"], chair["from"], chair["until"]) == ("chair", True, "2021-11-01", None)
    ended = office.json("member", "end", "ausschuss", "Cem C", "--on", "2022-01-31")
    assert ended["until"] == "2022-01-31"

    last_day = office.json("member", "list", "ausschuss", "--on", "2022-01-31")
    assert (last_day["voting"], last_day["statutory"], last_day["statutory_from"], last_day["seats"]) == (4, 4, "roster", None)
    assert [(x["name"], x["role"], x["voting"]) for x in last_day["members"]] == [
        ("Eva E", "chair", True),
        ("Anna A", "member", True),
        ("Ben B", "member", True),
        ("Cem C", "member", True),
        ("Dana D", "member", False),
    ]
    after = office.json("member", "list", "ausschuss", "--on", "2022-02-01")
    assert (after["voting"], [x["name"] for x in after["members"]]) == (3, ["Eva E", "Anna A", "Ben B", "Dana D"])
    before = office.json("member", "list", "ausschuss", "--on", "2021-10-31")
    assert (before["members"], before["statutory"]) == ([], None)

    tally = office.json(
        "committee", "tally", REF, "--yes", "2", "--no", "0", "--abstain", "0", "--present", "2", "--date", "2022-02-01"
    )
    assert (tally["members"], tally["members_statutory"], tally["result"]) == (3, 3, "adopted")
    assert [e["name"] for e in events("member.added")] == ["Anna A", "Ben B", "Cem C", "Dana D", "Eva E"]
    assert [(e["name"], e["until"]) for e in events("member.ended")] == [("Cem C", "2022-01-31")]
    table = office("member", "list", "ausschuss", "--on", "2022-02-01")
    assert table.exit_code == ExitCode.OK and "Dana D" in table.stdout and "advisory" in table.stdout


def test_without_seats_or_roster_members_stays_required_and_is_recorded_as_typed(office) -> None:
    missing = office("committee", "tally", REF, *COUNTS, "--date", "2022-02-01")
    assert missing.exit_code == ExitCode.REFUSED
    assert "no statutory number of voting members is recorded for internationaler-ausschuss on 2022-02-01" in missing.stderr
    typed = office.json("committee", "tally", REF, *COUNTS, "--members", "11", "--date", "2022-02-01")
    assert (typed["members"], typed["members_statutory"], typed["members_reason"]) == (11, None, None)


def test_a_voting_member_beyond_the_seats_is_refused_and_a_smaller_count_is_reported(office) -> None:
    office("body", "edit", "ausschuss", "--seats", "2", "--from", "2021-11-01")
    office("member", "add", "ausschuss", "Anna A", "--from", "2021-11-01")
    office("member", "add", "ausschuss", "Ben B", "--from", "2021-12-01")
    before = snapshot()
    third = office("member", "add", "ausschuss", "Cem C", "--from", "2022-01-01")
    assert third.exit_code == ExitCode.REFUSED
    assert third.stderr.startswith(
        "lipctl: internationaler-ausschuss has 2 voting seats on 2022-01-01; with Cem C its roster would have 3 voting members"
    )
    assert snapshot() == before
    assert office("member", "add", "ausschuss", "Cem C", "--advisory", "--from", "2022-01-01").exit_code == ExitCode.OK

    smaller = office.json("body", "edit", "ausschuss", "--seats", "1", "--from", "2022-02-01")
    assert smaller["over_seats"] == [{"date": "2022-02-01", "voting": 2, "seats": 1}]
    listed = office.json("member", "list", "ausschuss", "--on", "2022-02-01")
    assert (listed["seats"], listed["voting"], listed["over_seats"], listed["statutory"]) == (1, 2, True, 1)
    check = office("db", "check", "--format", "json")
    assert check.exit_code == ExitCode.OK  # reported, not an error: the office ends a membership or corrects the seats
    assert json.loads(check.stdout)["roster_over_seats"] == [
        {"body": "internationaler-ausschuss", "date": "2022-02-01", "voting": 2, "seats": 1}
    ]
    assert "internationaler-ausschuss has 2 voting members on its roster on 2022-02-01, but 1 seats" in check.stderr


def test_the_rats_statutory_members_count_the_oberbuergermeisterin(office, make_draft) -> None:
    """§45 NKomVG: the Oberbürgermeister*in votes ex officio — recorded as the Rat's voting chair."""
    office("body", "edit", "rat", "--seats", "2", "--from", "2021-11-01")
    office("member", "add", "rat", "Ratsfrau R", "--from", "2021-11-01")
    ob = office.json("member", "add", "rat", "OB Muster", "--role", "chair", "--from", "2021-11-01")
    assert (ob["role"], ob["voting"]) == ("chair", True)
    listed = office.json("member", "list", "rat", "--on", "2021-11-01")
    assert (listed["voting"], listed["seats"], listed["statutory"]) == (2, 2, 2)


def test_the_seed_chair_keeps_working(office) -> None:
    listed = office.json("member", "list", "lenkungsgruppe")
    assert (listed["seats"], listed["statutory"], listed["statutory_from"]) == (23, 23, "seed")
    assert [(x["name"], x["role"], x["voting"], x["title"], x["from"], x["until"]) for x in listed["members"]] == [
        ("Konstanze Beckedorf", "chair", True, "Sozial- und Sportdezernentin", None, None)
    ]
    assert office("bodies").exit_code == ExitCode.OK
    assert office("init").exit_code == ExitCode.OK  # init again changes nothing of it
    assert office.json("member", "list", "lenkungsgruppe")["members"] == listed["members"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["member", "add", "nirgendwo", "X"], ExitCode.REFUSED, "nirgendwo"),
        (["member", "add", "ausschuss", "X", "--role", "boss"], ExitCode.REFUSED, "--role 'boss' is not a role in a body"),
        (["member", "add", "ausschuss", "  "], ExitCode.REFUSED, "NAME is empty"),
        (["member", "add", "ausschuss", "X", "--from", "2021-13-01"], ExitCode.REFUSED, "--from"),
        (
            ["member", "end", "ausschuss", "Niemand"],
            ExitCode.REFUSED,
            "Niemand is not on the roster of internationaler-ausschuss",
        ),
        (["body", "edit", "ausschuss", "--seats", "-1"], ExitCode.REFUSED, "--seats -1 is negative"),
        (["body", "edit", "nirgendwo", "--seats", "3"], ExitCode.REFUSED, "nirgendwo"),
    ],
)
def test_bad_roster_input_is_refused_and_changes_nothing(office, args: list[str], code: int, message: str) -> None:
    before = snapshot()
    result = office(*args)
    assert (result.exit_code, message in result.stderr) == (code, True), result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert snapshot() == before


def test_membership_refusals_overlap_and_ending(office) -> None:
    office("member", "add", "ausschuss", "Anna A", "--from", "2021-11-01")
    before = snapshot()
    again = office("member", "add", "ausschuss", "Anna A", "--from", "2022-01-01")
    assert again.exit_code == ExitCode.REFUSED
    assert "Anna A is already a member of internationaler-ausschuss since 2021-11-01" in again.stderr
    early = office("member", "end", "ausschuss", "Anna A", "--on", "2021-10-31")
    assert early.exit_code == ExitCode.REFUSED
    assert "--on 2021-10-31 is before the membership began (2021-11-01)" in early.stderr
    assert snapshot() == before
    office("member", "end", "ausschuss", "Anna A", "--on", "2021-12-31")
    twice = office("member", "end", "ausschuss", "Anna A", "--on", "2022-01-31")
    assert twice.exit_code == ExitCode.REFUSED and "already ended on 2021-12-31" in twice.stderr
    rejoined = office.json("member", "add", "ausschuss", "Anna A", "--from", "2022-01-01")  # the day after: fine
    assert rejoined["from"] == "2022-01-01"


def test_bodies_shows_the_statutory_number_as_of_today(db_url: str, seeded) -> None:
    """`bodies` showed the seed's seats after `body edit --seats` (reported in the merge of issue 16)."""

    def seats(*today: str) -> dict[str, tuple[object, object]]:
        rows = seeded.json(*today, "bodies")
        return {b["slug"]: (b["seats"], b["seats_source"]) for b in rows}

    assert seats()["internationaler-ausschuss"] == (None, None)
    assert seeded("body", "edit", "internationaler-ausschuss", "--seats", "15", "--from", "2021-01-01").exit_code == 0
    assert seeded("member", "add", "rat", "Belit Onay", "--role", "chair", "--from", "2019-11-22").exit_code == 0
    now = seats("--today", "2021-02-01")
    assert now["internationaler-ausschuss"] == (15, "seats")
    assert now["rat"] == (1, "roster")  # the roster as far as it is kept
    assert seats("--today", "2020-12-31")["internationaler-ausschuss"] == (None, None)  # before the count applied
