"""lipctl log: who, what, which draft, up to when; one readable line of details (#15)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from lipctl.errors import ExitCode
from lipctl.services.log import SUMMARY_WIDTH, summary


@pytest.fixture
def office(db_url: str, cli):
    """Two people's work on two documents, recorded on --today's day 2021-02-01."""
    for args in [
        ("init",),
        ("--actor", "anna", "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "Erste Fassung"),
        ("--actor", "anna", "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "Zweite Fassung"),
        ("--actor", "ben", "opinion", "record", "bildung/grundsatzpapier", "--from", "runder-tisch", "--stance", "amend",
         "--text", "Zeile eins\nZeile zwei " + "lang " * 40),
        ("--actor", "ben", "draft", "submit", "wirtschaft", "--kind", "grundsatzpapier"),
    ]:  # fmt: skip
        result = cli(*args)
        assert result.exit_code == ExitCode.OK, (args, result.stderr)
    return cli


def _actions(rows: list[dict]) -> list[str]:
    return [r["action"] for r in rows]


def test_json_keeps_its_keys_and_gains_the_day_of_the_act(office) -> None:
    rows = office.json("log")
    assert set(rows[0]) >= {"id", "occurred_at", "actor", "command", "action", "entity", "entity_id", "details", "happened_on"}
    submitted = [r for r in rows if r["action"] == "draft.submitted"]
    assert [r["happened_on"] for r in submitted] == ["2021-02-01"] * 3
    assert rows[0]["happened_on"] is None  # schema.upgraded: no act of the process
    assert submitted[0]["details"]["title"] == "Erste Fassung"  # the full details stay


def test_by_names_who_recorded(office) -> None:
    assert {r["actor"] for r in office.json("log", "--by", "ben")} == {"ben"}
    assert _actions(office.json("log", "--by", "ben")) == ["opinion.recorded", "draft.submitted"]
    assert office.json("log", "--by", "nobody") == []


def test_action_by_name_or_family(office) -> None:
    assert set(_actions(office.json("log", "--action", "draft"))) == {"draft.submitted", "draft.superseded"}
    assert set(_actions(office.json("log", "--action", "draft."))) == {"draft.submitted", "draft.superseded"}
    assert set(_actions(office.json("log", "--action", "draft.superseded"))) == {"draft.superseded"}
    both = office.json("log", "--action", "opinion", "--action", "draft.superseded")
    assert set(_actions(both)) == {"opinion.recorded", "draft.superseded"}
    assert office.json("log", "--action", "draf") == []  # a family is a whole first part
    bad = office("log", "--action", "draft_%")
    assert bad.exit_code == ExitCode.REFUSED and "--action 'draft_%' is not an event name" in bad.stderr


def test_draft_by_document_or_version(office) -> None:
    every = office.json("log", "--draft", "bildung/grundsatzpapier")
    assert {r["entity_id"] for r in every} == {1, 2}
    assert set(_actions(every)) == {"draft.submitted", "draft.superseded", "opinion.recorded"}
    one = office.json("log", "--draft", "1")
    assert {r["entity_id"] for r in one} == {1}
    missing = office("log", "--draft", "99")
    assert missing.exit_code == ExitCode.REFUSED and missing.stderr.startswith("lipctl: no draft with id 99")


def test_since_and_until_are_days_of_recording_in_either_form(office) -> None:
    today = dt.datetime.now(dt.UTC).date()  # occurred_at is when lipctl recorded: the real clock
    n = len(office.json("log"))
    assert len(office.json("log", "--since", today.strftime("%d.%m.%Y"), "--until", today.isoformat())) == n
    assert office.json("log", "--until", (today - dt.timedelta(days=1)).strftime("%d.%m.%Y")) == []
    assert office.json("log", "--since", (today + dt.timedelta(days=1)).isoformat()) == []


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_a_bad_date_names_its_option(office, option: str) -> None:
    result = office("log", option, "x")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.startswith(f"lipctl: {option} 'x' is not a date")


def test_until_before_since_is_refused(office) -> None:
    result = office("log", "--since", "2021-02-02", "--until", "01.02.2021")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.startswith("lipctl: --until 2021-02-01 is before --since 2021-02-02")


def test_the_table_shows_one_readable_line_per_event(office) -> None:
    result = office("log", "--by", "ben")
    assert result.exit_code == ExitCode.OK
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "Recorded", "(UTC)", "Day", "Actor", "Event", "Details"]
    assert len(lines) == 4  # heading, rule, two events: the opinion's line break did not split its row
    opinion = lines[2]
    assert "2021-02-01" in opinion and "ben" in opinion
    assert "bildung/grundsatzpapier v2: opinion of runder-tisch: changes needed — Zeile eins Zeile zwei" in opinion
    assert "{" not in opinion  # no raw JSON
    assert opinion.endswith("…")
    assert "wirtschaft/grundsatzpapier v1 submitted" in lines[3]


def test_csv_keeps_the_whole_details(office) -> None:
    result = office("log", "--action", "opinion", "--format", "csv")
    header, row = result.stdout.splitlines()[0], result.stdout
    assert header == "id,occurred_at,happened_on,actor,command,action,summary,details"
    assert "lang lang" in row and '""stance"": ""amend""' in row


def test_control_characters_in_details_are_left_to_the_output_helpers() -> None:
    from lipctl.output.emit import Column, plain_table

    line = summary("draft.submitted", {"ref": "bildung/grundsatzpapier", "version": 1, "title": "A\x1b[2JB"})
    assert line == "bildung/grundsatzpapier v1 submitted — A\x1b[2JB"
    shown = plain_table([{"summary": line}], [Column("summary", "Details")])
    assert "\x1b" not in shown and "A\\x1b[2JB" in shown


def test_control_characters_reach_no_terminal(db_url: str, cli) -> None:
    assert cli("init").exit_code == ExitCode.OK
    assert cli("--actor", "x", "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "A<b>B").exit_code == 0
    out = cli("log", "--format", "markdown").stdout
    assert "A\\<b\\>B" in out


def test_summaries_by_family_and_a_generic_fallback() -> None:
    assert summary("steering.decided", {"ref": "b/g", "version": 2, "outcome": "return", "reason": "zu kurz"}) == (
        "b/g v2: steering group: returned — zu kurz"
    )
    assert summary(
        "resolution.recorded",
        {"ref": "b/g", "version": 1, "body": "internationaler-ausschuss", "result": "adopted", "yes": 9, "no": 1, "abstain": 0},
    ) == ("b/g v1: internationaler-ausschuss: adopted (9:1:0)")
    assert summary("opinion.withdrawn", {"ref": "b/g", "version": 1, "body": "rat", "reason": "falsch erfasst"}) == (
        "b/g v1 (rat): withdrawn — falsch erfasst"
    )
    assert summary("survey.imported", {"survey": "S", "imported": 3, "duplicates": 1, "rejected": 0}) == (
        "S: 3 imported, 1 duplicates, 0 rejected"
    )
    assert summary("something.new", {"a": 1, "b": "zwei", "c": [1, 2]}) == "a=1, b=zwei, c=[1, 2]"


def test_summaries_of_the_office_week_events() -> None:
    """Issue 18's events read as a line each, not as key=value."""
    edited = {"field": "bildung", "changes": [{"what": "email", "before": None, "after": "a@example.org"}]}
    assert summary("field.edited", edited) == "bildung: email: — → a@example.org"
    chair = {
        "body": "rat",
        "changes": [{"what": "chair", "before": "A", "after": "B"}, {"what": "language", "before": "de", "after": "en"}],
    }
    assert summary("body.edited", chair) == "rat: chair: A → B; language: de → en"
    opened = {"survey": "Zweite Online-Umfrage", "round": 2, "opens_on": "2021-03-01", "closes_on": "2021-03-31"}
    assert summary("survey.opened", opened) == "Zweite Online-Umfrage: open from 2021-03-01 until 2021-03-31 (round 2)"
    assert summary("survey.closed", {"survey": "Umfrage"}) == "Umfrage: closed"
    handed = {"survey": "Umfrage", "field": "bildung", "group": "expertinnengruppe-bildung", "answers": 12}
    assert summary("survey.handed_over", handed) == "Umfrage: 12 answers of bildung handed to expertinnengruppe-bildung"
    sent = {"body": "rat", "to": "rat@example.org", "items": ["a", "b"]}
    assert summary("reminder.sent", sent) == "reminder to rat (rat@example.org): 2 items"
    loaded = {"seed": "seed.yaml", "changes": 1, "conflicts": [{"key": "x"}]}
    assert summary("seed.loaded", loaded) == "1 changes from seed.yaml, 1 kept against the seed (edited in lipctl)"
    long = summary("something.new", {f"k{i}": "x" * 30 for i in range(10)})
    assert len(long) == SUMMARY_WIDTH and long.endswith("…")
    assert summary("x.y", {}) == ""


def test_limit_still_gives_the_newest(office) -> None:
    rows = office.json("log", "--limit", "2")
    assert _actions(rows) == ["opinion.recorded", "draft.submitted"]
    assert json.dumps(rows)  # plain JSON


def test_an_event_whose_record_was_voided_later_is_marked_in_the_log(office) -> None:
    opinion = next(r for r in office.json("log") if r["action"] == "opinion.recorded")["details"]["opinion"]
    result = office("--actor", "mueller", "opinion", "withdraw", str(opinion), "--reason", "falscher Entwurf")
    assert result.exit_code == ExitCode.OK, result.stderr
    rows = office.json("log")
    recorded = next(r for r in rows if r["action"] == "opinion.recorded")
    assert recorded["voided"]["by"] == "mueller" and recorded["voided"]["reason"] == "falscher Entwurf"
    assert recorded["summary"].endswith("— voided 2021-02-01 by mueller: falscher Entwurf")
    assert all(r["voided"] is None for r in rows if r["action"] != "opinion.recorded")
    table = office("log", "--action", "opinion")
    assert "voided 2021-02-01 by mueller: falscher Entwurf" in table.stdout


def test_since_and_until_at_the_ends_of_the_dates_lipctl_takes(office) -> None:
    n = len(office.json("log"))
    assert len(office.json("log", "--since", "1900-01-01", "--until", "31.12.2999")) == n
    for option, day in (("--since", "1899-12-31"), ("--until", "3000-01-01")):
        result = office("log", option, day)
        assert result.exit_code == ExitCode.REFUSED
        assert result.stderr == (
            f"lipctl: {option} '{day}' is outside the dates lipctl records — give a date from 1900-01-01 to 2999-12-31\n"
        )
