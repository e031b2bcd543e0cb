"""Survey rounds (issue 18) on SQLite and PostgreSQL: open, close, list and status by --today, answers
outside the period counted at import and in stats, and the handover to the expert groups."""

from __future__ import annotations

import json

import pytest

from lipctl.errors import ExitCode
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.helpers import snapshot

NAME = "Zweite Online-Umfrage"
ANSWERS = [
    LS_HEADER,
    ls_row("1", "2021-02-28 23:59:00", "Bildung", "Idee", "zu früh"),
    ls_row("2", "2021-03-01 00:00:00", "Bildung", "Idee", "am ersten Tag"),
    ls_row("3", "2021-03-31 23:59:59", "Wirtschaft", "Kritik", "am letzten Tag"),
    ls_row("4", "2021-04-01 00:00:00", "Bildung", "Wunsch", "zu spät"),
]


def _open(cli, *extra: str, today: str = "2021-02-15") -> dict:
    return cli.json("--today", today, "survey", "open", NAME, "--from", "2021-03-01", "--until", "2021-03-31", *extra)


def refused(cli, db_url: str, *args: str) -> str:
    """A command that must be refused: exit 1, one line on stderr, nothing changed; the line."""
    before = snapshot(db_url)
    result = cli(*args)
    assert result.exit_code == ExitCode.REFUSED, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert snapshot(db_url) == before
    return result.stderr.strip()


def _import(cli, write, rows=ANSWERS, name: str = "a.csv") -> dict:
    result = cli(
        "--today", "2021-04-02", "survey", "import", str(write(name, csv_bytes(rows))), "--survey", NAME, "--format", "json"
    )
    assert result.exit_code == ExitCode.OK, result.stderr
    return json.loads(result.stdout)


def test_open_creates_the_survey_and_the_status_follows_today(db_url: str, seeded) -> None:
    opened = _open(seeded, "--round", "2")
    assert (opened["survey"], opened["round"], opened["opens_on"], opened["closes_on"]) == (NAME, 2, "2021-03-01", "2021-03-31")
    assert (opened["status"], opened["created"]) == ("planned", True)
    for today, state in (("2021-02-28", "planned"), ("2021-03-01", "open"), ("2021-03-31", "open"), ("2021-04-01", "closed")):
        [row] = seeded.json("--today", today, "survey", "list")
        assert (row["name"], row["round"], row["status"], row["responses"]) == (NAME, 2, state, 0)
        listed = seeded.json("--today", today, "status")["surveys"]
        assert [(s["name"], s["round"], s["opens_on"], s["closes_on"], s["status"]) for s in listed] == [
            (NAME, 2, "2021-03-01", "2021-03-31", state)
        ]
    table = seeded("--today", "2021-03-10", "survey", "list")
    assert table.exit_code == 0 and "2021-03-01 – 2021-03-31" in table.stdout and "open" in table.stdout
    text = seeded("--today", "2021-03-10", "status")
    assert NAME in text.stdout


def test_a_new_survey_without_round_takes_the_next_number_and_an_old_one_keeps_its_own(db_url: str, seeded) -> None:
    _open(seeded, "--round", "2")
    other = seeded.json("survey", "open", "Dritte", "--from", "2021-05-01", "--until", "2021-05-31")
    assert other["round"] == 3
    again = seeded.json("survey", "open", NAME.upper(), "--from", "2021-03-01", "--until", "2021-04-15")
    assert (again["survey"], again["round"], again["closes_on"], again["created"]) == (NAME, 2, "2021-04-15", False)


def test_close_ends_the_survey_and_reopening_gives_it_a_new_period(db_url: str, seeded) -> None:
    _open(seeded, "--round", "2")
    closed = seeded.json("--today", "2021-03-20", "survey", "close", NAME)
    assert (closed["status"], closed["closed_on"]) == ("closed", "2021-03-20")
    [row] = seeded.json("--today", "2021-03-25", "survey", "list")
    assert row["status"] == "closed"
    reopened = _open(seeded, today="2021-03-25")
    assert (reopened["status"], reopened["closed_on"], reopened["reopened"]) == ("open", None, True)
    log = [e for e in seeded.json("log") if e["action"].startswith("survey.")]
    assert [e["action"] for e in log] == ["survey.opened", "survey.closed", "survey.opened"]


def test_opening_again_for_the_same_period_records_nothing(db_url: str, seeded) -> None:
    _open(seeded, "--round", "2")
    before = snapshot(db_url)
    again = seeded("--today", "2021-02-15", "survey", "open", NAME, "--from", "2021-03-01", "--until", "2021-03-31")
    assert again.exit_code == ExitCode.OK, again.stderr
    assert f"{NAME}: nothing changed (it was already open for that period)" in again.stderr
    assert snapshot(db_url) == before
    row = _open(seeded, "--round", "2")
    assert (row["round"], row["created"], row["changed"]) == (2, False, False)
    moved = seeded.json("survey", "open", NAME, "--from", "2021-03-01", "--until", "2021-04-15")
    assert (moved["closes_on"], moved["changed"]) == ("2021-04-15", True)
    log = [e for e in seeded.json("log") if e["action"] == "survey.opened"]
    assert len(log) == 2


def test_refusals_change_nothing(db_url: str, seeded) -> None:
    line = refused(seeded, db_url, "survey", "open", NAME, "--from", "", "--until", "2021-03-01")
    assert "--from and --until are both needed" in line
    line = refused(seeded, db_url, "survey", "open", "  ", "--from", "2021-03-01", "--until", "2021-03-31")
    assert "the survey name is empty" in line
    line = refused(seeded, db_url, "survey", "open", NAME, "--from", "2021-03-31", "--until", "2021-03-01")
    assert "the period ends (2021-03-01) before it begins (2021-03-31)" in line
    for bad in ("0", "-2"):
        line = refused(seeded, db_url, "survey", "open", NAME, "--from", "2021-03-01", "--until", "2021-03-31", "--round", bad)
        assert f"--round must be a positive number, not {bad}" in line
    line = refused(
        seeded, db_url, "survey", "open", NAME, "--from", "2021-03-01", "--until", "2021-03-31", "--round", "99999999999"
    )
    assert line.startswith("lipctl: --round") and "99999999999" in line
    before = snapshot(db_url)
    usage = seeded("survey", "open", NAME, "--from", "2021-03-01", "--until", "2021-03-31", "--round", "zwei")
    assert usage.exit_code == ExitCode.USAGE and "Invalid value for '--round': 'zwei' is not a valid int" in usage.stderr
    assert snapshot(db_url) == before
    line = refused(seeded, db_url, "survey", "close", "Unbekannt")
    assert "no survey 'Unbekannt'" in line
    _open(seeded, "--round", "2")
    line = refused(seeded, db_url, "survey", "open", "Andere", "--from", "2021-03-01", "--until", "2021-03-31", "--round", "2")
    assert f"round 2 is the survey {NAME!r} already" in line
    line = refused(seeded, db_url, "--today", "2021-02-15", "survey", "close", NAME)
    assert "opens only on 2021-03-01" in line
    seeded.json("--today", "2021-03-20", "survey", "close", NAME)
    line = refused(seeded, db_url, "--today", "2021-03-21", "survey", "close", NAME)
    assert "was closed on 2021-03-20 already" in line


def test_answers_outside_the_period_are_imported_and_counted(db_url: str, seeded, write) -> None:
    _open(seeded, "--round", "2")
    seeded.json("--today", "2021-03-31", "survey", "close", NAME)
    result = _import(seeded, write)  # into a closed survey: accepted
    assert (result["imported"], result["outside_period"]) == (4, 2)
    assert result["files"][0]["outside_period"] == 2
    again = _import(seeded, write, name="b.csv")  # nothing new stored: nothing new counted
    assert (again["imported"], again["outside_period"]) == (0, 0)
    stats = seeded.json("survey", "stats")
    assert (stats["total"], stats["outside_period"]) == (4, {NAME: 2})
    table = seeded("survey", "stats")
    assert f"{NAME}: 2 outside its period" in table.stdout
    text = seeded(
        "--today", "2021-04-02", "survey", "import", str(write("c.csv", csv_bytes(ANSWERS[:2]))), "--survey", "Ohne Zeitraum"
    )
    assert text.exit_code == 0 and "outside" not in text.stderr  # a survey without a period counts none


def test_handover_records_which_answers_went_to_which_group_once(db_url: str, seeded, write) -> None:
    _open(seeded, "--round", "2")
    _import(seeded, write)
    fields = {f["slug"]: f for f in seeded.json("--today", "2021-04-02", "status")["fields"]}
    assert (fields["bildung"]["survey_responses"], fields["bildung"]["not_handed_over"]) == (3, 3)

    result = seeded("--today", "2021-04-05", "survey", "export", "--field", "bildung", "--handover", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 3
    assert "handed over: 3 answers to" in result.stderr and "on 2021-04-05" in result.stderr
    status = seeded.json("--today", "2021-04-05", "status")
    pending = {f["slug"]: f["not_handed_over"] for f in status["fields"]}
    assert (pending["bildung"], pending["wirtschaft"]) == (0, 1)

    again = seeded("--today", "2021-04-06", "survey", "export", "--field", "bildung", "--handover")
    assert again.exit_code == 0 and "nothing handed over" in again.stderr
    [event] = [e for e in seeded.json("log") if e["action"] == "survey.handed_over"]
    assert event["details"]["answers"] == 3 and event["details"]["field"] == "bildung"

    late = [LS_HEADER, ls_row("5", "2021-04-03 10:00:00", "Bildung", "Idee", "nachgereicht")]
    _import(seeded, write, late, name="late.csv")
    assert {f["slug"]: f["not_handed_over"] for f in seeded.json("status")["fields"]}["bildung"] == 1


def test_a_refused_handover_changes_nothing(db_url: str, seeded, write) -> None:
    _open(seeded, "--round", "2")
    _import(seeded, write)
    line = refused(seeded, db_url, "survey", "export", "--field", "sport", "--handover")
    assert "no action field 'sport'" in line
    line = refused(seeded, db_url, "survey", "export", "--field", "bildung", "--survey", "Unbekannt", "--handover")
    assert "no survey 'Unbekannt'" in line
    line = refused(
        seeded, db_url, "--today", "2021-04-05", "survey", "export", "--field", "bildung", "--handover", "--date", "2021-04-06"
    )
    assert "--date 2021-04-06 is after today (2021-04-05)" in line
    line = refused(seeded, db_url, "survey", "export", "--field", "bildung", "--date", "2021-04-01")
    assert "--date is the day of a handover" in line


def test_a_handover_on_an_earlier_day(db_url: str, seeded, write) -> None:
    _open(seeded, "--round", "2")
    _import(seeded, write)
    result = seeded("--today", "2021-04-09", "survey", "export", "--field", "bildung", "--handover", "--date", "03.04.2021")
    assert result.exit_code == 0 and "on 2021-04-03" in result.stderr
    [event] = [e for e in seeded.json("log") if e["action"] == "survey.handed_over"]
    assert event["happened_on"] == "2021-04-03"


@pytest.mark.parametrize("handed", [True, False])
def test_draft_show_tells_whether_the_considered_answers_were_handed_over(db_url: str, seeded, write, handed: bool) -> None:
    _open(seeded, "--round", "2")
    _import(seeded, write)
    if handed:
        assert seeded("--today", "2021-04-05", "survey", "export", "--field", "bildung", "--handover").exit_code == 0
    submitted = seeded(
        "--today", "2021-04-10", "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--considered-survey", NAME
    )
    assert submitted.exit_code == 0, submitted.stderr
    shown = seeded.json("--today", "2021-04-10", "draft", "show", "bildung/grundsatzpapier")
    [considered] = shown["survey_handovers"]
    assert (considered["survey"], considered["answers"]) == (NAME, 3)
    assert considered["handed_over"] == (3 if handed else 0)
    assert considered["last_handover"] == ("2021-04-05" if handed else None)
    table = seeded("--today", "2021-04-10", "draft", "show", "bildung/grundsatzpapier")
    assert ("3 of 3 handed over" if handed else "0 of 3 handed over") in table.stdout


def test_the_briefing_shows_the_answers_not_handed_over_and_the_survey_periods(db_url: str, seeded, write, tmp_path) -> None:
    _open(seeded, "--round", "2")
    _import(seeded, write)
    assert seeded("--today", "2021-04-05", "survey", "export", "--field", "wirtschaft", "--handover").exit_code == 0
    md, html = tmp_path / "briefing.md", tmp_path / "briefing.html"
    for out in (md, html):
        result = seeded("--today", "2021-04-05", "report", "--output", str(out))
        assert result.exit_code == ExitCode.OK, result.stderr
    text = md.read_text(encoding="utf-8")
    section = text[text.index("Answers not handed over to the expert groups yet") :]
    assert "| Education | 3 |" in section and "Economy" not in section.split("\n\n#")[0]
    assert f"Survey {NAME} (round 2): 2021-03-01 – 2021-03-31, closed" in text.replace("\\", "")
    page = html.read_text(encoding="utf-8")
    assert "Answers not handed over to the expert groups yet" in page and "<td>Education</td><td>3</td>" in page
    plain = seeded("--today", "2021-04-05", "status").stdout
    assert "3 not handed over" in plain and f"{NAME} (round 2)" in plain


def test_answers_handed_over_can_still_be_undone_and_deleted(db_url: str, seeded, write) -> None:
    _open(seeded, "--round", "2")
    batch = _import(seeded, write)["files"][0]["batch"]
    assert seeded("--today", "2021-04-05", "survey", "export", "--field", "bildung", "--handover").exit_code == 0
    undone = seeded("survey", "undo", str(batch), "--reason", "falsche Datei", "--format", "json")
    assert undone.exit_code == 0, undone.stderr
    assert json.loads(undone.stdout)["deleted"] == 4
    _import(seeded, write, name="again.csv")  # the same answers, new rows: not handed over
    assert {f["slug"]: f["not_handed_over"] for f in seeded.json("status")["fields"]}["bildung"] == 3
    assert seeded("--today", "2021-04-06", "survey", "export", "--field", "bildung", "--handover").exit_code == 0
    deleted = seeded("survey", "delete", NAME, "--reason", "Testlauf", "--format", "json")
    assert deleted.exit_code == 0, deleted.stderr
    assert seeded.json("survey", "list") == []


def test_in_german(db_url: str, seeded, write) -> None:
    _open(seeded, "--round", "2")
    _import(seeded, write)
    listed = seeded("--lang", "de", "--today", "2021-03-10", "survey", "list")
    assert listed.exit_code == 0 and "01.03.2021 – 31.03.2021  offen" in listed.stdout
    handed = seeded("--lang", "de", "--today", "2021-04-05", "survey", "export", "--field", "bildung", "--handover")
    assert "übergeben: 3 Antworten an" in handed.stderr and "am 2021-04-05" in handed.stderr
    before = snapshot(db_url)
    bad = seeded("--lang", "de", "survey", "open", "Neu", "--from", "2021-03-31", "--until", "2021-03-01")
    assert bad.exit_code == ExitCode.REFUSED
    assert "der Zeitraum endet (2021-03-01), bevor er beginnt (2021-03-31)" in bad.stderr
    assert snapshot(db_url) == before
