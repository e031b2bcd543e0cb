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
import json

from lipctl.errors import ExitCode
from lipctl.store import schema
from tests.fixtures import revisions

BEFORE, AFTER = "0004", "0005"
RESCHEDULE = ("original_due", "rescheduled_at", "rescheduled_by", "reschedule_reason")
#: The columns 0005 adds to existing tables.
ADDED = {"milestones": RESCHEDULE, "document_kinds": ("based_on",)}
#: What later revisions add, after `db upgrade` (which goes to the head): 0007's resolutions' columns NULL;
#: memberships' voting (true) and its new tables are test_migration_0007's.
ADDED["resolutions"] = ("members_statutory", "members_reason")
ADDED["memberships"] = ("since", "until")
LATER_FILLED = {"memberships": ("voting",)}
LATER_TABLES = {"papers", "body_seats"}
#: What 0006 adds after it (`db upgrade` goes to the head): the bodies' periods (NULL), the tally's
#: session (set: the upgrade attaches every tally to one) and new tables.
ADDED["bodies"] = ("invitation_days", "information_interval_days")
ADDED["resolutions"] = (*ADDED["resolutions"], "meeting_id")
ATTACHED = ("meeting_id",)
LATER_TABLES |= {"meetings", "agenda_items", "committee_information"}
# 0009's (issue 18): the addresses (NULL; bodies' language 'de') and the seed values last applied
# (test_migration_0009.py).
ADDED["bodies"] = (*ADDED["bodies"], "email")
ADDED["field_contacts"] = ("email", "phone")
LATER_FILLED["bodies"] = ("language",)
LATER_TABLES |= {"seed_values"}
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


def _kept(before: dict[str, list[revisions.Row]], after: dict[str, list[revisions.Row]]) -> None:
    """Every table of ``before`` as it was in its columns; 0005's columns NULL."""
    assert set(after) - LATER_TABLES >= set(before)  # later revisions may add tables
    for name, rows in before.items():
        if name == "audit_head":  # the upgrade's own event moves the head of the chain
            continue
        added = ADDED.get(name, ())
        got = after[name][: len(rows)] if name == "audit_events" else after[name]
        got = revisions.without(got, *LATER_FILLED.get(name, ()))
        assert revisions.projected(revisions.without(got, *added), rows) == rows, f"{name}: rows changed"
        nulls = [c for c in added if c not in ATTACHED]
        assert {(c, r[c]) for r in got for c in nulls} <= {(c, None) for c in nulls}, f"{name}: {nulls} not NULL"


def test_a_populated_0004_database_upgrades_to_0005_with_every_row_kept(db_url: str, cli) -> None:
    before = _populated(db_url)
    logged = len(before["audit_events"])

    result = cli("db", "upgrade", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout)["schema"] == schema.HEAD  # through 0005 to the newest revision
    after = revisions.rows(db_url)
    _kept(before, after)
    assert [(e["action"], json.loads(e["details"])) for e in after["audit_events"][logged:]] == [
        ("schema.upgraded", {"before": BEFORE, "after": schema.HEAD})
    ]
    # A plain upgrade changes no value: the days stay until init says otherwise.
    assert {m["slug"]: (m["due"], m["original_due"]) for m in after["milestones"]} == {
        slug: (day, None) for slug, day in MADE_UP.items()
    }

    # A second upgrade finds nothing to do and changes nothing, not even the log.
    again = cli("db", "upgrade", "--format", "json")
    assert again.exit_code == ExitCode.OK, again.stderr
    assert json.loads(again.stdout)["changed"] is False
    assert revisions.rows(db_url) == after
    check = cli.json("db", "check")
    assert check["ok"] is True and check["schema"] == schema.HEAD


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
    revisions.downgrade(db_url, AFTER, BEFORE)
    assert revisions.rows(db_url) == before


def test_the_downgrade_stops_while_a_milestone_has_no_day(db_url: str) -> None:
    _populated(db_url)
    revisions.refused_downgrade(
        db_url,
        AFTER,
        BEFORE,
        "milestones without a due date: grundsatzpapiere",
        prepare="UPDATE milestones SET due = NULL WHERE slug = 'grundsatzpapiere'",
    )
