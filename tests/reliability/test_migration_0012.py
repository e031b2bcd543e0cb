"""Migration 0012 (the search index, issue 19): a populated database of revision 0008 upgrades with every
row kept, and its texts are found at once.

The database is built from the rows a lipctl of revision 0008 wrote through its commands
(tests/fixtures/revisions/0008.json: the round table's opinion "Mehr Sprachkurse" on
bildung/grundsatzpapier among them). After the upgrade:

- every row of every table of the fixture is as it was (its columns only: other revisions may add
  columns after the merge); the upgrade's own audit event is the one new row of the log;
- the index holds the fixture's live texts: ``search Sprachkurs`` finds the opinion on both stores,
  and SQLite's FTS5 shadow tables do not upset ``db check``;
- a second upgrade changes nothing; the downgrade drops the index and leaves every other row.
"""

from __future__ import annotations

from lipctl.errors import ExitCode
from tests.fixtures import revisions
from tests.helpers import connected

#: The revision before 0012, and the fixture its database is built from: 0009–0011 (issue 18) were
#: written beside 0012 and chained before it at the merge, so the 0008 fixture goes up to 0011 first.
BEFORE = "0011"
FIXTURE = "0008"
AFTER = "0012"


def _populated(db_url: str) -> dict[str, list[revisions.Row]]:
    fixture = revisions.load(db_url, FIXTURE)
    revisions.upgraded_engine(db_url, BEFORE).dispose()
    before = revisions.rows(db_url)
    assert set(fixture["tables"]) <= set(before)
    texts = [r["text"] for r in before["opinions"]]
    assert "Mehr Sprachkurse" in texts
    return before


def _index_rows(db_url: str) -> int:
    with connected(db_url) as conn:
        table = "search_fts" if conn.dialect.name == "sqlite" else "search_terms"
        return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()  # noqa: S608 - a constant


def test_a_populated_0008_database_upgrades_with_every_row_kept_and_is_searchable(db_url: str, cli) -> None:
    _populated(db_url)
    before, after = revisions.upgrade_keeps_rows(cli, db_url, BEFORE)  # through 0012 to the newest revision

    hits = cli.json("search", "Sprachkurs")
    assert ("opinion", "bildung", "Mehr «Sprachkurse»") in [(h["kind"], h["field"], h["snippet"]) for h in hits]
    live_opinions = [o for o in before["opinions"] if o["text"] and o["voided_at"] is None]
    assert _index_rows(db_url) >= len(live_opinions)

    revisions.second_upgrade_changes_nothing(cli, db_url, after)  # db check not upset by FTS5's shadow tables


def test_answers_stored_before_are_found_after_the_upgrade(db_url: str, cli) -> None:
    before = _populated(db_url)
    answers = before["survey_responses"]
    assert answers, "the fixture holds survey answers"
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    word = next(w for w in answers[0]["text"].split() if w.isalpha() and len(w) > 3)
    hits = cli.json("search", word, "--in", "surveys", "--limit", "1000")
    assert answers[0]["id"] in {h["id"] for h in hits}


def test_0012_downgrades_with_every_row_as_it_was(db_url: str) -> None:
    before = _populated(db_url)
    revisions.downgrade(db_url, AFTER, BEFORE, back=before)
