"""Migration 0005 (milestone dates, rescheduling, the basis of a document kind): a populated database of
revision 0004 upgrades with every row kept.

The database is built at 0004 from the rows a lipctl of revision 0004 wrote through its commands
(tests/fixtures/revisions/0004.json, made by ``make.py 0004`` from main at efa0fd7: init, imports
with rejects, three draft versions, four opinions, three steering decisions, a committee
resolution, 18 audit events; its milestones carry the days that seed made up). After the upgrade:

- every row of every table is as it was in the columns it had; the new columns are NULL
  (``milestones.original_due``, ``rescheduled_*``; ``document_kinds.based_on``);
- the milestones keep the days they had: a plain upgrade changes no value, since the database
  cannot tell a day the old seed made up from one an office wrote into its own seed;
- the next ``lipctl init`` with the shipped seed brings every milestone that was never rescheduled
  in line with the seed (the made-up days become NULL, the words stay in ``due_text``) and sets the
  Maßnahmenkatalog's basis; a milestone rescheduled after the upgrade keeps its day through ``init``;
- a second upgrade changes nothing; the downgrade gives 0004's rows back while every milestone has
  a day, and stops (changing nothing) when one has none.
"""

from __future__ import annotations

import datetime as dt

from lipctl.errors import ExitCode
from lipctl.store import schema
from tests.fixtures import revisions

BEFORE, AFTER = "0004", "0005"
RESCHEDULE = ("original_due", "rescheduled_at", "rescheduled_by", "reschedule_reason")
#: The columns 0005 adds to existing tables, NULL after the upgrade.
NULL = {"milestones": RESCHEDULE, "document_kinds": ("based_on",)}
#: What later revisions add to these tables, NULL after `db upgrade` (which goes to the head): 0007's of
#: resolutions and memberships (memberships' voting is set), 0006's bodies' periods (the tallies' session
#: is set), 0009's addresses (bodies' language is set).
NULL["resolutions"] = ("members_statutory", "members_reason")
NULL["memberships"] = ("since", "until")
NULL["bodies"] = ("invitation_days", "information_interval_days", "email")
NULL["field_contacts"] = ("email", "phone")
#: The days the seed of revision 0004 made up from "bis Herbst 2020", "bis April 2021", "nach April 2021".
MADE_UP = {
    "grundsatzpapiere": dt.date(2020, 11, 30),
    "massnahmenkataloge": dt.date(2021, 4, 30),
    "ratsbeschluss": dt.date(2021, 4, 30),
}


def _populated(db_url: str) -> dict[str, list[revisions.Row]]:
    assert schema.REVISIONS[3:5] == (BEFORE, AFTER)
    revisions.load(db_url, BEFORE)
    before = revisions.rows(db_url)
    assert {m["slug"]: m["due"] for m in before["milestones"]} == MADE_UP
    assert len(before["audit_events"]) == 18 and len(before["audit_head"]) == 1
    return before


def test_a_populated_0004_database_upgrades_to_0005_with_every_row_kept(db_url: str, cli) -> None:
    _populated(db_url)
    _before, after = revisions.upgrade_keeps_rows(cli, db_url, BEFORE, null=NULL)
    # A plain upgrade changes no value: the days stay until init says otherwise.
    assert {m["slug"]: (m["due"], m["original_due"]) for m in after["milestones"]} == {
        slug: (day, None) for slug, day in MADE_UP.items()
    }

    revisions.second_upgrade_changes_nothing(cli, db_url, after)


def test_after_the_upgrade_init_drops_the_made_up_days_but_keeps_a_rescheduled_one(db_url: str, cli) -> None:
    _populated(db_url)
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    # The office moves the council's milestone before it loads the new seed.
    moved = cli.json(
        "--today", "2021-04-20", "milestone", "reschedule", "ratsbeschluss", "--due", "2021-09-30", "--reason", "Corona"
    )
    assert (moved["due_before"], moved["original_due"]) == ("2021-04-30", "2021-04-30")
    drafts_before = revisions.rows(db_url)["drafts"]

    assert cli("--today", "2021-05-01", "init").exit_code == ExitCode.OK
    after = revisions.rows(db_url)
    assert {m["slug"]: (m["due"], m["original_due"], m["due_text"]) for m in after["milestones"]} == {
        "grundsatzpapiere": (None, None, "bis Herbst 2020"),
        "massnahmenkataloge": (None, None, "bis April 2021"),
        "ratsbeschluss": (dt.date(2021, 9, 30), dt.date(2021, 4, 30), "Ergebnis nach April 2021 dem Rat zum Beschluss"),
    }
    assert {k["slug"]: k["based_on"] for k in after["document_kinds"]} == {
        "grundsatzpapier": None,
        "massnahmenkatalog": "grundsatzpapier",
    }
    assert after["drafts"] == drafts_before
    # The case: nothing is overdue as a milestone on 2021-05-01.
    status = cli.json("--today", "2021-05-01", "status")
    assert [o for o in status["overdue"] if o["kind"] == "milestone"] == []
    # init again changes nothing.
    assert cli("--today", "2021-05-01", "init").exit_code == ExitCode.OK
    assert revisions.rows(db_url)["milestones"] == after["milestones"]


def test_0005_downgrades_to_0004_with_every_row_as_it_was(db_url: str) -> None:
    before = _populated(db_url)
    revisions.downgrade(db_url, AFTER, BEFORE, back=before)


def test_the_downgrade_stops_while_a_milestone_has_no_day(db_url: str) -> None:
    _populated(db_url)
    revisions.refused_downgrade(
        db_url,
        AFTER,
        BEFORE,
        "milestones without a due date: grundsatzpapiere",
        prepare="UPDATE milestones SET due = NULL WHERE slug = 'grundsatzpapiere'",
    )
