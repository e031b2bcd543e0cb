"""Migration 0010 (survey rounds): a populated database of revision 0008 upgrades with every row kept.

The database is built from tests/fixtures/revisions/0008.json (made by ``make.py 0008``: surveys
'Umfrage 0' and 'Umfrage 1' with 81 answers, imports, drafts, opinions, decisions, the plan adopted).
After the upgrade:

- every row of every table is as it was, in the fixture's columns (other revisions merged after this
  one may add columns to the same tables);
- the existing surveys have round NULL and no period (``survey list``: status none) — nothing says
  when they ran or which round they were; their answers all count as not handed over;
- ``survey open`` numbers an existing survey from 1, closes it, and a handover links its answers;
- a second upgrade changes nothing; the downgrade gives the fixture's rows back.
"""

from __future__ import annotations

from lipctl.errors import ExitCode
from lipctl.store import schema
from tests.fixtures import revisions

#: The revision before 0010 (0009, the contacts), and the fixture its database is built from: no lipctl
#: had 0009 as its head for long enough to make one (0009 and 0010 were written beside each other and
#: chained at the merge), so the 0008 fixture is upgraded to 0009 first, as `db upgrade` would.
BEFORE = "0009"
FIXTURE = "0008"
AFTER = "0010"
#: The tables 0010 adds.
NEW = {"survey_handovers", "survey_handover_answers"}


def _populated(db_url: str) -> dict[str, list[revisions.Row]]:
    assert schema.REVISIONS[schema.REVISIONS.index(AFTER) - 1] == BEFORE
    fixture = revisions.load(db_url, FIXTURE)
    revisions.upgraded_engine(db_url, BEFORE).dispose()
    before = revisions.rows(db_url)
    assert set(fixture["tables"]) - revisions.SKIPPED <= set(before)  # every table of the fixture compared
    assert [s["name"] for s in before["surveys"]] == ["Umfrage 0", "Umfrage 1"]
    assert len(before["survey_responses"]) == 81
    return before


def test_a_populated_0008_database_upgrades_to_0010_with_every_row_kept(db_url: str, cli) -> None:
    _populated(db_url)
    _before, after = revisions.upgrade_keeps_rows(cli, db_url, BEFORE, new_tables=NEW)  # through 0010 to the head
    assert [(s["round"], s["opens_on"], s["closes_on"], s["closed_on"], s["closed_by"]) for s in after["surveys"]] == [
        (None, None, None, None, None)
    ] * 2
    assert after["survey_handovers"] == [] and after["survey_handover_answers"] == []

    revisions.second_upgrade_changes_nothing(cli, db_url, after)


def test_the_old_surveys_have_no_period_and_can_be_given_one(db_url: str, cli) -> None:
    _populated(db_url)
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    listed = cli.json("--today", "2021-06-01", "survey", "list")
    assert [(s["name"], s["round"], s["opens_on"], s["status"]) for s in listed] == [
        ("Umfrage 0", None, None, None),
        ("Umfrage 1", None, None, None),
    ]
    assert sum(s["responses"] for s in listed) == 81
    status = cli.json("--today", "2021-06-01", "status")
    assert all(f["not_handed_over"] == f["survey_responses"] for f in status["fields"])
    assert sum(f["survey_responses"] for f in status["fields"]) == 81

    opened = cli.json("--today", "2021-06-01", "survey", "open", "umfrage 1", "--from", "2020-06-01", "--until", "2020-06-30")
    assert (opened["survey"], opened["round"], opened["status"], opened["created"]) == ("Umfrage 1", 1, "closed", False)
    assert cli.json("--today", "2021-06-01", "survey", "close", "Umfrage 1")["closed_on"] == "2021-06-01"
    assert cli("--today", "2021-06-01", "survey", "export", "--field", "bildung", "--handover").exit_code == ExitCode.OK
    status = cli.json("--today", "2021-06-01", "status")
    assert {f["slug"]: f["not_handed_over"] for f in status["fields"]}["bildung"] == 0


def test_0010_downgrades_with_every_row_as_it_was(db_url: str) -> None:
    before = _populated(db_url)
    revisions.downgrade(db_url, AFTER, BEFORE, back=before)
