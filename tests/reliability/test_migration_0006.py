"""Migration 0006 (sessions, agenda items, deferrals without counts, informing the committee): a populated
database of revision 0005 upgrades with every row kept, and its tallies attached to sessions.

The database is built at 0005 from the rows a lipctl of revision 0005 wrote through its commands
(tests/fixtures/revisions/0005.json: four tallies — the committee's adoption on 2021-01-28, a
not-quorate vote on 2021-02-10, a deferral on 2021-02-24 that was voided, the council's on
2021-05-27). After the upgrade:

- every row of every table is as it was in the columns it had; the new columns of existing tables
  are NULL except ``resolutions.meeting_id``;
- one session per body and day of the tallies, each with one agenda item per thing tallied there,
  and every tally names its session (the voided one too: it was recorded in that session);
- the committee's counts stay as they were (nothing becomes NULL);
- a second upgrade changes nothing; the downgrade gives 0005's rows back, and stops (changing
  nothing) while a deferral without counts exists.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl.errors import ExitCode
from lipctl.store import schema
from tests.fixtures import revisions

BEFORE, AFTER = "0005", "0006"
#: The tables 0006 adds, and those the revisions after it add on the way to the head (`db upgrade` goes
#: there): 0007's register and seat counts (test_migration_0007.py), 0009's seed values (test_migration_0009.py).
NEW_TABLES = {"meetings", "agenda_items", "committee_information"}
LATER_TABLES = {"papers", "body_seats", "seed_values"}


def _populated(db_url: str) -> dict[str, list[revisions.Row]]:
    assert schema.REVISIONS[4:6] == (BEFORE, AFTER)
    revisions.load(db_url, BEFORE)
    before = revisions.rows(db_url)
    assert [(r["id"], r["body_id"], r["decided_on"], r["result"]) for r in before["resolutions"]] == [
        (1, 1, dt.date(2021, 1, 28), "adopted"),
        (2, 1, dt.date(2021, 2, 10), "not_quorate"),
        (3, 1, dt.date(2021, 2, 24), "deferred"),
        (4, 2, dt.date(2021, 5, 27), "adopted"),
    ]
    return before


def test_a_populated_0005_database_upgrades_to_0006_with_its_tallies_in_sessions(db_url: str, cli) -> None:
    _populated(db_url)
    before, after = revisions.upgrade_keeps_rows(cli, db_url, BEFORE, new_tables=NEW_TABLES | LATER_TABLES)
    assert {(r["invitation_days"], r["information_interval_days"]) for r in after["bodies"]} == {(None, None)}
    by_resolution = {r["id"]: r for r in before["resolutions"]}
    sessions = [
        (x["id"], x["body_id"], x["date"], x["start"], x["location"], x["invited_on"], x["second_convocation_of"])
        for x in after["meetings"]
    ]
    assert sessions == [
        (1, 1, dt.date(2021, 1, 28), None, None, None, None),
        (2, 1, dt.date(2021, 2, 10), None, None, None, None),
        (3, 1, dt.date(2021, 2, 24), None, None, None, None),
        (4, 2, dt.date(2021, 5, 27), None, None, None, None),
    ]
    # created when and by whom the first of its tallies was recorded
    assert [(x["created_at"], x["created_by"]) for x in after["meetings"]] == [
        (by_resolution[i]["recorded_at"], by_resolution[i]["recorded_by"]) for i in (1, 2, 3, 4)
    ]
    assert [
        (i["meeting_id"], i["scope"], i["draft_id"], i["number"], i["drucksache"], i["position"]) for i in after["agenda_items"]
    ] == [
        (1, "document", 3, None, None, 1),
        (2, "document", 2, None, None, 1),
        (3, "document", 2, None, None, 1),
        (4, "plan", None, None, None, 1),
    ]
    assert [r["meeting_id"] for r in after["resolutions"]] == [1, 2, 3, 4]
    assert after["committee_information"] == []

    revisions.second_upgrade_changes_nothing(cli, db_url, after)


def test_after_the_upgrade_the_sessions_show_their_tallies_and_init_loads_the_periods(db_url: str, cli) -> None:
    _populated(db_url)
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    shown = cli.json("--today", "2021-06-01", "meeting", "show", "2")
    assert shown["invitation"] == "invitation date unknown"
    [item] = shown["agenda"]
    assert (item["ref"], item["version"], [r["result"] for r in item["results"]]) == (
        "soziales/grundsatzpapier",
        1,
        ["not_quorate"],
    )
    assert cli("--today", "2021-06-01", "init").exit_code == ExitCode.OK
    bodies = {r["slug"]: (r["invitation_days"], r["information_interval_days"]) for r in revisions.rows(db_url)["bodies"]}
    assert bodies["internationaler-ausschuss"] == (7, 90) and bodies["rat"] == (7, None)
    # The not-quorate vote of 2021-02-10 opens a second convocation of session 2.
    second = cli.json(
        "--today", "2021-06-01", "meeting", "schedule", "internationaler-ausschuss", "--date", "2021-03-03",
        "--invited-on", "2021-02-24", "--second-convocation-of", "2",
    )  # fmt: skip
    voted = cli.json(
        "--today", "2021-06-01", "committee", "tally", "soziales/grundsatzpapier", "--meeting", str(second["id"]),
        "--yes", "3", "--no", "1", "--abstain", "0", "--present", "4", "--members", "15",
    )  # fmt: skip
    assert (voted["result"], voted["second_convocation"], voted["meeting"], voted["date"]) == (
        "adopted",
        True,
        second["id"],
        "2021-03-03",
    )


def test_0006_downgrades_to_0005_with_every_row_as_it_was(db_url: str) -> None:
    before = _populated(db_url)
    revisions.downgrade(db_url, AFTER, BEFORE, back=before)


def test_the_downgrade_stops_while_a_deferral_has_no_counts(db_url: str) -> None:
    _populated(db_url)
    revisions.refused_downgrade(
        db_url,
        AFTER,
        BEFORE,
        "deferrals recorded without vote counts: resolutions 3",
        prepare="UPDATE resolutions SET yes = NULL, no = NULL, abstain = NULL, present = NULL WHERE id = 3",
    )


def test_the_store_refuses_a_vote_without_counts_that_is_no_deferral(db_url: str) -> None:
    _populated(db_url)
    engine = revisions.upgraded_engine(db_url, AFTER)
    try:
        from sqlalchemy import text
        from sqlalchemy.exc import IntegrityError

        with pytest.raises(IntegrityError, match="counts_unless_deferred"), engine.begin() as conn:
            conn.execute(text("UPDATE resolutions SET yes = NULL WHERE id = 1"))
        with engine.begin() as conn:  # a deferral may be without them
            conn.execute(text("UPDATE resolutions SET yes = NULL, no = NULL, abstain = NULL, present = NULL WHERE id = 3"))
    finally:
        engine.dispose()
