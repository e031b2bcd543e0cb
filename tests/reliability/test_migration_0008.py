"""Migration 0008 (the complete plan as a document): a populated database of the revision before upgrades
with every row kept.

The database of revision 0007 is built from the rows a lipctl of revision 0006 wrote through its
commands (tests/fixtures/revisions/0006.json: init, imports with rejects, three draft versions,
opinions, steering decisions, committee resolutions in their sessions, one voided, one in a second
convocation, the committee informed, and a council vote on the plan recorded without a draft, as
``council tally --without-all-fields`` did), upgraded to 0007 by its migration (which registers the
numbers in use): no lipctl ever had 0007 as its newest revision on top of 0006 — 0007 and 0008 were
written beside 0006 and chained after it when they merged. After the upgrade:

- every row of every table is as it was (0008 adds no column: ``drafts.field_id`` may be NULL, for the
  plan only, and the plan's versions are unique);
- the council's plan resolution without a draft stays readable: ``status`` lists it under ``plan`` and the
  council's milestone stays met; after ``init`` the plan's Beratungsfolge is committee, then council;
- a plan version can be submitted; a draft of a field's kind without a field is refused by the store;
- a second upgrade changes nothing; the downgrade gives the rows back while no plan version exists, and
  stops (changing nothing) when one does.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lipctl.errors import ExitCode
from lipctl.store import schema
from tests.fixtures import revisions
from tests.helpers import engine_on

#: The revision before 0008, and the fixture its database is built from.
BEFORE = "0007"
FIXTURE = "0006"
AFTER = "0008"


def _populated(db_url: str) -> dict[str, list[revisions.Row]]:
    assert schema.REVISIONS[schema.REVISIONS.index(AFTER) - 1] == BEFORE
    revisions.load(db_url, FIXTURE)
    revisions.upgraded_engine(db_url, BEFORE).dispose()  # 0007's migration, as `db upgrade` runs it
    before = revisions.rows(db_url)
    assert [p["number"] for p in before["papers"]] == ["2472/2019", "0142/2021", "1234/2021", "H-0101/2021"]
    plan = [r for r in before["resolutions"] if r["scope"] == "plan"]
    assert [(r["draft_id"], r["result"]) for r in plan] == [(None, "adopted")]
    return before


def test_a_populated_database_upgrades_to_0008_with_every_row_kept(db_url: str, cli) -> None:
    _populated(db_url)
    _before, after = revisions.upgrade_keeps_rows(cli, db_url, BEFORE)  # through 0008 to the newest revision
    revisions.second_upgrade_changes_nothing(cli, db_url, after)


def test_the_old_plan_resolution_stays_readable_and_the_plan_becomes_a_document(db_url: str, cli, tmp_path) -> None:
    _populated(db_url)
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    status = cli.json("--today", "2021-06-01", "status")
    assert status["plan"]["draft"] is None and status["plan"]["version"] is None
    assert [(r["draft"], r["body"], r["result"], r["drucksache"]) for r in status["plan"]["resolutions"]] == [
        (None, "rat", "adopted", "1234/2021")
    ]
    met = {ms["milestone"]: ms["state"] for ms in status["milestones"]}
    assert met["ratsbeschluss"].startswith("met")

    # init brings the plan's Beratungsfolge in line with the seed: the committee, then the council.
    assert cli("--today", "2021-06-01", "init").exit_code == ExitCode.OK
    steps = revisions.rows(db_url)["decision_steps"]
    bodies = {b["id"]: b["slug"] for b in revisions.rows(db_url)["bodies"]}
    assert [bodies[s["body_id"]] for s in steps if s["scope"] == "plan"] == ["internationaler-ausschuss", "rat"]
    status = cli.json("--today", "2021-06-01", "status")
    assert {ms["milestone"]: ms["state"] for ms in status["milestones"]}["ratsbeschluss"] == met["ratsbeschluss"]
    assert len(status["plan"]["resolutions"]) == 1

    submitted = cli.json("--today", "2021-06-01", "draft", "submit", "plan", "--without-all-fields", "--reason", "Neufassung")
    assert (submitted["ref"], submitted["field"], submitted["kind"], submitted["version"]) == ("plan", None, "gesamtplan", 1)
    assert cli("--today", "2021-06-01", "report", "--output", str(tmp_path / "briefing.md")).exit_code == ExitCode.OK


def test_the_store_allows_no_field_only_for_the_plan_and_each_plan_version_once(db_url: str, cli) -> None:
    _populated(db_url)
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    engine = engine_on(db_url)
    insert = sa.text(
        "INSERT INTO drafts (field_id, kind, version, state, state_since, submitted_on, submitted_at, submitted_by)"
        " VALUES (NULL, :kind, :version, 'submitted', '2021-06-01', '2021-06-01', '2021-06-01 10:00:00', 'tester')"
    )
    try:
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert, {"kind": "grundsatzpapier", "version": 9})
        with engine.begin() as conn:
            conn.execute(insert, {"kind": "gesamtplan", "version": 1})
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert, {"kind": "gesamtplan", "version": 1})
    finally:
        engine.dispose()


def test_0008_downgrades_with_every_row_as_it_was(db_url: str) -> None:
    before = _populated(db_url)
    revisions.downgrade(db_url, AFTER, BEFORE, back=before)


def test_the_downgrade_stops_while_a_plan_version_exists(db_url: str, cli) -> None:
    _populated(db_url)
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    assert cli("--today", "2021-06-01", "draft", "submit", "plan", "--without-all-fields", "--reason", "x").exit_code == 0
    revisions.downgrade(db_url, schema.HEAD, AFTER)  # 0009 (issue 18) first, as the head is later now
    revisions.refused_downgrade(db_url, AFTER, BEFORE, "version\\(s\\) of the complete plan")
