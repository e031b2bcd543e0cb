"""Migration 0013 (survey answers lighter to store): a populated database of revision 0008 upgrades with
every row kept; the answers' survey is no longer a foreign key and the index of the category alone is
gone, on both stores; the report still counts answers per category; the downgrade puts both back.

The database is built from the rows a lipctl of revision 0008 wrote through its commands
(tests/fixtures/revisions/0008.json: imports with rejects, the lifecycle, sessions, rosters, the plan).
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from lipctl.errors import ExitCode
from tests.fixtures import revisions
from tests.helpers import engine_on

BEFORE = "0008"
AFTER = "0013"


def _populated(db_url: str) -> dict[str, list[revisions.Row]]:
    revisions.load(db_url, BEFORE)
    before = revisions.rows(db_url)
    assert len(before["survey_responses"]) == 81
    return before


def _keys_and_indexes(db_url: str) -> tuple[list[str], list[str]]:
    engine = engine_on(db_url)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            keys = [fk["referred_table"] for fk in inspector.get_foreign_keys("survey_responses")]
            indexes = sorted(i["name"] or "" for i in inspector.get_indexes("survey_responses"))
            return keys, indexes
    finally:
        engine.dispose()


def test_a_populated_0008_database_upgrades_with_every_row_kept_and_the_answers_lighter(db_url: str, cli) -> None:
    _populated(db_url)
    keys, indexes = _keys_and_indexes(db_url)
    assert keys == ["surveys"] and "ix_survey_responses_category" in indexes
    _before, after = revisions.upgrade_keeps_rows(cli, db_url, BEFORE)

    keys, indexes = _keys_and_indexes(db_url)
    assert keys == []
    assert "ix_survey_responses_category" not in indexes and "ix_survey_responses_field_category" in indexes
    stats = cli.json("survey", "stats")
    assert stats  # the counts read on after the upgrade
    check = revisions.second_upgrade_changes_nothing(cli, db_url, after)
    assert json.loads(check.stdout)["unlinked_references"] == []


def test_the_report_counts_answers_per_category_from_the_field_and_category_index(db_url: str, cli, tmp_path) -> None:
    _populated(db_url)
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    out = tmp_path / "bericht.md"
    assert cli("--lang", "en", "--today", "2021-07-05", "report", "--output", str(out)).exit_code == ExitCode.OK
    text = out.read_text(encoding="utf-8")
    # the fixture's 81 answers: one LimeSurvey idea, 80 from spreadsheets without a category
    assert "| Idea | 1 |" in text and "| Wish | 0 |" in text and "| no category | 80 |" in text


def test_0013_downgrades_with_every_row_and_the_key_back(db_url: str) -> None:
    before = _populated(db_url)
    revisions.downgrade(db_url, AFTER, BEFORE, back=before)
    keys, indexes = _keys_and_indexes(db_url)
    assert keys == ["surveys"] and "ix_survey_responses_category" in indexes
