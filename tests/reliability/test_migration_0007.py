"""Migration 0007 (rosters, seat counts, the Drucksachen register): a populated database of the
previous revision upgrades with every row kept and the numbers in use registered.

The database is built at BEFORE from the rows a lipctl of that revision wrote through its commands
(tests/fixtures/revisions/0006.json, made by ``make.py 0006`` from 4532eee): init, imports, three draft
versions, opinions, steering decisions, five committee/council resolutions in their sessions — the
first of them reused the founding resolution's number 2472/2019 for a 2021 vote, as the README's
example did; the last adopted soziales/grundsatzpapier in the second convocation of the session where
it was not quorate, under the same number 0142/2021 — and the committee informed with H-0101/2021.
After the upgrade:

- every row of every table is as it was in the columns it had; the new columns are NULL, but for
  ``memberships.voting`` (the seed's chair votes: true);
- ``papers`` holds the founding number (registered for the founding resolution, by the actor and
  at the time of the database's first event), then each number the resolutions carry, for the
  first resolution that used it, then the committee information's number; ``body_seats`` is empty;
- ``db check`` is ok and lists the old reuse of 2472/2019; a new reuse is refused, naming its owner;
- a second upgrade changes nothing; the downgrade gives the previous revision's rows back.

``db upgrade`` goes on to the newest revision (0008 after it: the plan as a document, which changes
no row of this database).
"""

from __future__ import annotations

import datetime as dt
import json

from lipctl.errors import ExitCode
from lipctl.store import schema
from tests.fixtures import revisions

#: The revision the fixture was made at.
BEFORE = "0006"
AFTER = "0007"
#: The tables 0007 adds.
NEW = {"papers", "body_seats"}


def _populated(db_url: str) -> dict[str, list[revisions.Row]]:
    at = schema.REVISIONS.index(BEFORE)
    assert schema.REVISIONS[at : at + 2] == (BEFORE, AFTER)
    revisions.load(db_url, BEFORE)
    before = revisions.rows(db_url)
    assert [r["drucksache"] for r in before["resolutions"]] == ["2472/2019", "0142/2021", None, "1234/2021", "0142/2021"]
    assert [r["drucksache"] for r in before["committee_information"]] == ["H-0101/2021"]
    assert len(before["memberships"]) == 1
    return before


def _papers(before: dict[str, list[revisions.Row]]) -> list[revisions.Row]:
    """The register the upgrade makes from the fixture's rows."""
    first = before["audit_events"][0]
    res = {r["id"]: r for r in before["resolutions"]}
    [informed] = before["committee_information"]
    titles = {d["id"]: d["title"] for d in before["drafts"]}
    common = {"kind": "resolution", "body_id": None, "date": None, "title": None, "draft_id": None}
    return [
        {
            **common,
            "id": 1,
            "number": "2472/2019",
            "carries": "founding",
            "body_id": 1,
            "registered_at": first["occurred_at"],
            "registered_by": first["actor"],
        },
        {
            **common,
            "id": 2,
            "number": "0142/2021",
            "carries": "draft",
            "draft_id": res[2]["draft_id"],
            "body_id": res[2]["body_id"],
            "date": dt.date(2021, 2, 10),
            "title": titles[res[2]["draft_id"]],
            "registered_at": res[2]["recorded_at"],
            "registered_by": "tester",
        },
        {
            **common,
            "id": 3,
            "number": "1234/2021",
            "carries": "plan",
            "body_id": res[4]["body_id"],
            "date": dt.date(2021, 5, 27),
            "registered_at": res[4]["recorded_at"],
            "registered_by": "tester",
        },
        {
            **common,
            "id": 4,
            "number": "H-0101/2021",
            "kind": "information",
            "carries": "information",
            "body_id": informed["body_id"],
            "date": dt.date(2021, 3, 4),
            "registered_at": informed["recorded_at"],
            "registered_by": "clara",
        },
    ]


def test_a_populated_database_upgrades_to_0007_with_every_row_kept_and_its_numbers_registered(db_url: str, cli) -> None:
    _populated(db_url)
    before, after = revisions.upgrade_keeps_rows(cli, db_url, BEFORE, new_tables=NEW)
    assert [(r["voting"], r["since"], r["until"]) for r in after["memberships"]] == [(True, None, None)]
    assert {(r["members_statutory"], r["members_reason"]) for r in after["resolutions"]} == {(None, None)}
    assert after["papers"] == _papers(before)
    assert after["body_seats"] == []

    # A second upgrade changes nothing; db check is ok and lists the reuse from before the register.
    check = revisions.second_upgrade_changes_nothing(cli, db_url, after)
    data = json.loads(check.stdout)
    assert data["drucksache_reuse"] == [
        {
            "drucksache": "2472/2019",
            "resolution": 1,
            "used_for": "bildung/grundsatzpapier v2",
            "owner": "the founding resolution of the process",
        }
    ]
    assert "resolution 1 (bildung/grundsatzpapier v2) carries Drucksache 2472/2019" in check.stderr


def test_after_the_upgrade_init_completes_the_founding_paper_and_new_reuse_is_refused(db_url: str, cli) -> None:
    _populated(db_url)
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    assert cli("--today", "2021-06-02", "init").exit_code == ExitCode.OK
    papers = cli.json("paper", "list")
    assert [(p["number"], p["type"], p["carries"], p["ref"], p["resolutions"]) for p in papers] == [
        ("2472/2019", "resolution", "founding", None, [1]),
        ("0142/2021", "resolution", "draft", "soziales/grundsatzpapier", [2, 5]),
        ("1234/2021", "resolution", "plan", None, [4]),
        ("H-0101/2021", "information", "information", None, []),
    ]
    assert papers[0]["title"] == "Wie wird der Lokale Integrationsplan weiterentwickelt?"
    assert papers[0]["body"] == "internationaler-ausschuss"
    # Informing the committee again under a number in use for something else is refused, naming its owner;
    # under the number it was informed with before, it is the same paper.
    for number, owner in (("2472/2019", "the founding resolution of the process"), ("1234/2021", "the complete plan")):
        refused = cli("--today", "2021-06-02", "committee", "inform", "--meeting", "5", "--drucksache", number)
        assert refused.exit_code == ExitCode.REFUSED
        assert f"Drucksache {number} is already registered for {owner}" in refused.stderr
    same = cli.json("--today", "2021-06-02", "committee", "inform", "--meeting", "5", "--drucksache", "H-0101/2021")
    assert same["drucksache"] == "H-0101/2021"
    assert len(cli.json("paper", "list")) == 4


def test_0007_downgrades_with_every_row_as_it_was(db_url: str) -> None:
    before = _populated(db_url)
    revisions.downgrade(db_url, AFTER, BEFORE, back=before)


def test_the_downgrade_stops_while_a_membership_has_dates(db_url: str) -> None:
    _populated(db_url)
    revisions.refused_downgrade(
        db_url,
        AFTER,
        BEFORE,
        "1 memberships have from/until dates that the revision before cannot keep",
        prepare="UPDATE memberships SET since = '2021-11-01'",
    )
