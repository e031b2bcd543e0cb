"""lipctl milestone list / reschedule, the milestones in status, and the basis rule of draft submit,
through the CLI on SQLite and PostgreSQL (``db_url``).

The seed gives no day for any milestone ("bis Herbst 2020", "bis April 2021", "nach April 2021"):
``due`` is null, ``due_text`` keeps the words, and such a milestone is never overdue. The office sets
or moves a day with ``milestone reschedule`` (the Corona delays); the date it had before the first
move stays beside it, and ``init`` does not put the seed's date back over a moved one.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from lipctl.errors import ExitCode
from tests.helpers import snapshot

SEED = Path(__file__).resolve().parents[3] / "data" / "seed.yaml"
KEYS = ["grundsatzpapiere", "massnahmenkataloge", "ratsbeschluss"]


def _events(cli, action: str) -> list[dict]:
    return [e for e in cli.json("log") if e["action"] == action]


def _refused(cli, db_url: str, *args: str) -> str:
    before = snapshot(db_url)
    result = cli(*args)
    assert result.exit_code == ExitCode.REFUSED, (result.exit_code, result.stderr)
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert snapshot(db_url) == before, "a refusal changed nothing"
    return result.stderr.strip()


def _dated_seed(tmp_path: Path, **due: str | None) -> Path:
    """The shipped seed with days for some milestones (as an office's own seed might give them)."""
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    for ms in data["milestones"]:
        if ms["slug"] in due:
            ms["due"] = due[ms["slug"]]
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_seed_s_milestones_have_no_made_up_day_and_are_never_overdue(db_url: str, seeded) -> None:
    rows = seeded.json("--today", "2021-05-01", "milestone", "list")
    assert [(r["milestone"], r["due"], r["due_text"], r["original_due"], r["state"], r["rescheduled"]) for r in rows] == [
        ("grundsatzpapiere", None, "bis Herbst 2020", None, "open", None),
        ("massnahmenkataloge", None, "bis April 2021", None, "open", None),
        ("ratsbeschluss", None, "Ergebnis nach April 2021 dem Rat zum Beschluss", None, "open", None),
    ]
    assert (rows[0]["name"], rows[0]["name_en"]) == ("Strategisches Grundlagenpapier", "Strategic policy papers")
    # The case: the council milestone is "after April 2021", not overdue on 2021-05-01 (nor ever).
    for today in ("2021-05-01", "2030-01-01"):
        result = seeded("--today", today, "status", "--fail-on-overdue")
        assert result.exit_code == ExitCode.OK, result.stderr
        assert "Nothing is overdue." in result.stdout
        assert "Council resolution on the LIP 2.0 Ergebnis nach April 2021 dem Rat zum Beschluss: open" in " ".join(
            result.stdout.split()
        )
    data = seeded.json("--today", "2030-01-01", "status")
    assert data["overdue"] == [] and [m["state"] for m in data["milestones"]] == ["open"] * 3
    text = seeded("--today", "2021-05-01", "milestone", "list").stdout
    assert "bis Herbst 2020" in text and "open" in text


def test_reschedule_sets_a_day_keeps_the_original_and_is_logged(db_url: str, cli, tmp_path: Path) -> None:
    seed = _dated_seed(tmp_path, ratsbeschluss="2021-04-30")
    assert cli("--today", "2020-08-01", "init", "--seed", str(seed)).exit_code == ExitCode.OK
    assert cli.json("--today", "2021-05-01", "status")["overdue"][0]["milestone"] == "ratsbeschluss"  # a day the seed gave

    # The Corona delay: moved on 2021-04-20 to a day that lies ahead (a plan, not an act).
    row = cli.json(
        "--today", "2021-04-20", "--actor", "clara", "milestone", "reschedule", "ratsbeschluss",
        "--due", "30.09.2021", "--reason", "Verzögerung durch Corona",
    )  # fmt: skip
    assert {k: row[k] for k in ("milestone", "due_before", "due", "original_due", "reason", "rescheduled_by")} == {
        "milestone": "ratsbeschluss",
        "due_before": "2021-04-30",
        "due": "2021-09-30",
        "original_due": "2021-04-30",
        "reason": "Verzögerung durch Corona",
        "rescheduled_by": "clara",
    }
    # A second move keeps the first original date.
    row = cli.json(
        "--today",
        "2021-09-01",
        "milestone",
        "reschedule",
        "ratsbeschluss",
        "--due",
        "2021-12-16",
        "--reason",
        "Rat tagt erst im Dezember",
    )
    assert (row["due_before"], row["due"], row["original_due"]) == ("2021-09-30", "2021-12-16", "2021-04-30")

    listed = {r["milestone"]: r for r in cli.json("--today", "2021-10-01", "milestone", "list")}
    council = listed["ratsbeschluss"]
    assert (council["due"], council["original_due"], council["state"]) == ("2021-12-16", "2021-04-30", "open")
    assert council["rescheduled"]["reason"] == "Rat tagt erst im Dezember"  # the last move; every one is in the log
    status = cli.json("--today", "2021-10-01", "status")
    assert [o for o in status["overdue"] if o["milestone"] == "ratsbeschluss"] == []
    shown = next(m for m in status["milestones"] if m["milestone"] == "ratsbeschluss")
    assert (shown["due"], shown["original_due"], shown["rescheduled"]) == ("2021-12-16", "2021-04-30", True)
    text = cli("--today", "2021-12-17", "status").stdout
    assert "2021-12-16 (originally 2021-04-30): overdue" in " ".join(text.split())

    events = _events(cli, "milestone.rescheduled")
    assert [e["entity"] for e in events] == ["milestone", "milestone"] and events[0]["actor"] == "clara"
    assert [
        {k: e["details"].get(k) for k in ("milestone", "due_before", "due", "original_due", "reason")} for e in events
    ] == [
        {"milestone": "ratsbeschluss", "due_before": "2021-04-30", "due": "2021-09-30", "original_due": "2021-04-30",
         "reason": "Verzögerung durch Corona"},
        {"milestone": "ratsbeschluss", "due_before": "2021-09-30", "due": "2021-12-16", "original_due": "2021-04-30",
         "reason": "Rat tagt erst im Dezember"},
    ]  # fmt: skip


def test_init_does_not_put_the_seed_s_day_back_over_a_moved_one(db_url: str, cli, tmp_path: Path) -> None:
    seed = _dated_seed(tmp_path, grundsatzpapiere="2020-11-30", ratsbeschluss="2021-04-30")
    assert cli("--today", "2020-08-01", "init", "--seed", str(seed)).exit_code == ExitCode.OK
    cli.json("milestone", "reschedule", "ratsbeschluss", "--due", "2021-09-30", "--reason", "Corona")
    assert cli("--today", "2021-02-01", "init", "--seed", str(seed)).exit_code == ExitCode.OK
    listed = {r["milestone"]: (r["due"], r["original_due"]) for r in cli.json("milestone", "list")}
    assert listed["ratsbeschluss"] == ("2021-09-30", "2021-04-30"), "the office's day stays"
    assert listed["grundsatzpapiere"] == ("2020-11-30", None)
    # A milestone never moved follows the seed: the shipped seed has no day for it.
    assert cli("--today", "2021-02-01", "init", "--seed", str(SEED)).exit_code == ExitCode.OK
    listed = {r["milestone"]: (r["due"], r["original_due"], r["due_text"]) for r in cli.json("milestone", "list")}
    assert listed == {
        "grundsatzpapiere": (None, None, "bis Herbst 2020"),
        "massnahmenkataloge": (None, None, "bis April 2021"),
        "ratsbeschluss": ("2021-09-30", "2021-04-30", "Ergebnis nach April 2021 dem Rat zum Beschluss"),
    }


def test_reschedule_refusals_change_nothing(db_url: str, seeded) -> None:
    seeded.json("milestone", "reschedule", "grundsatzpapiere", "--due", "2020-12-31", "--reason", "Corona")
    unknown = _refused(seeded, db_url, "milestone", "reschedule", "ratsbeschlus", "--due", "2021-09-30", "--reason", "x")
    assert unknown == "lipctl: no milestone 'ratsbeschlus' — valid: " + ", ".join(KEYS)
    empty = _refused(seeded, db_url, "milestone", "reschedule", "ratsbeschluss", "--due", "2021-09-30", "--reason", "  ")
    assert empty.startswith("lipctl: --reason is empty — ")
    same = _refused(seeded, db_url, "milestone", "reschedule", "grundsatzpapiere", "--due", "31.12.2020", "--reason", "x")
    assert (
        same
        == "lipctl: milestone grundsatzpapiere is already due on 2020-12-31 — give a different --due date; nothing was changed"
    )
    bad = _refused(seeded, db_url, "milestone", "reschedule", "ratsbeschluss", "--due", "Herbst 2021", "--reason", "x")
    assert "--due" in bad
    blank = _refused(seeded, db_url, "milestone", "reschedule", "ratsbeschluss", "--due", " ", "--reason", "x")
    assert blank.startswith("lipctl: --due is empty — ")
    missing = seeded("milestone", "reschedule", "ratsbeschluss", "--due", "2021-09-30")
    assert missing.exit_code == ExitCode.USAGE and "--reason" in missing.stderr


def test_met_on_time_and_met_late_against_the_current_day(db_url: str, seeded, story) -> None:
    """Wirtschaft's policy paper was adopted on 2020-11-20 (the story)."""
    for due, late in (("2020-11-20", []), ("2020-11-19", ["wirtschaft"])):
        seeded.json("milestone", "reschedule", "grundsatzpapiere", "--due", due, "--reason", "Plan")
        (papers,) = [m for m in seeded.json("status")["milestones"] if m["milestone"] == "grundsatzpapiere"]
        assert (papers["met"], papers["met_late"], papers["state"]) == (["wirtschaft"], late, "overdue")
    # The others' papers are not adopted: overdue, but not Wirtschaft's.
    overdue = [o["field"] for o in seeded.json("status")["overdue"] if o["milestone"] == "grundsatzpapiere"]
    assert "wirtschaft" not in overdue and len(overdue) == 5


# --- the basis of a document: "Auf dieser Grundlage kann ein Maßnahmenkatalog … entwickelt werden" ---


def test_a_catalogue_before_its_field_s_policy_paper_is_refused(db_url: str, seeded) -> None:
    msg = _refused(seeded, db_url, "--today", "2020-09-01", "draft", "submit", "bildung", "--kind", "massnahmenkatalog")
    assert msg == (
        "lipctl: bildung has no grundsatzpapier submitted by 2020-09-01; the massnahmenkatalog is written on its basis"
        " — submit bildung/grundsatzpapier first, or give --without-grundsatzpapier --reason TEXT"
    )
    no_reason = _refused(
        seeded,
        db_url,
        "--today",
        "2020-09-01",
        "draft",
        "submit",
        "bildung",
        "--kind",
        "massnahmenkatalog",
        "--without-grundsatzpapier",
    )
    assert no_reason.startswith("lipctl: --without-grundsatzpapier needs --reason — ")
    stray = _refused(
        seeded, db_url, "--today", "2020-09-01", "draft", "submit", "bildung", "--kind", "massnahmenkatalog", "--reason", "x"
    )
    assert stray.startswith("lipctl: --reason goes with --without-grundsatzpapier — ")
    # Another field's policy paper is no basis; nor is one received after the catalogue's day.
    seeded.json("--today", "2020-09-10", "draft", "submit", "soziales", "--kind", "grundsatzpapier")
    seeded.json("--today", "2020-09-10", "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    _refused(seeded, db_url, "--today", "2020-09-10", "draft", "submit", "wirtschaft", "--kind", "massnahmenkatalog")
    later = _refused(
        seeded,
        db_url,
        "--today",
        "2020-09-12",
        "draft",
        "submit",
        "bildung",
        "--kind",
        "massnahmenkatalog",
        "--date",
        "2020-09-09",
    )
    assert "no grundsatzpapier submitted by 2020-09-09" in later


def test_a_catalogue_on_its_basis_or_as_a_recorded_exception(db_url: str, seeded) -> None:
    seeded.json("--today", "2020-09-10", "draft", "submit", "bildung", "--kind", "grundsatzpapier")
    # Submitted is enough (the catalogue is developed on the paper while it goes its way): same day too.
    row = seeded.json("--today", "2020-09-10", "draft", "submit", "bildung", "--kind", "massnahmenkatalog")
    assert row["ref"] == "bildung/massnahmenkatalog"
    early = seeded.json(
        "--today", "2020-09-11", "draft", "submit", "wirtschaft", "--kind", "massnahmenkatalog",
        "--without-grundsatzpapier", "--reason", "Katalog lag schon vor",
    )  # fmt: skip
    submitted = {e["details"]["ref"]: e["details"] for e in _events(seeded, "draft.submitted")}
    assert "without_basis" not in submitted["bildung/massnahmenkatalog"]
    assert submitted["wirtschaft/massnahmenkatalog"]["without_basis"] == {
        "basis": "grundsatzpapier",
        "reason": "Katalog lag schon vor",
    }
    assert early["version"] == 1
    # The policy paper itself needs no basis.
    assert seeded.json("--today", "2020-09-12", "draft", "submit", "wirtschaft", "--kind", "grundsatzpapier")["version"] == 1


def test_the_same_reschedule_run_twice_is_refused_the_second_time(db_url: str, seeded) -> None:
    args = ("milestone", "reschedule", "massnahmenkataloge", "--due", "2021-06-30", "--reason", "Corona")
    row = seeded.json(*args)
    assert (row["due_before"], row["due"], row["original_due"], row["due_text"]) == (None, "2021-06-30", None, "bis April 2021")
    again = _refused(seeded, db_url, *args)
    assert again == (
        "lipctl: milestone massnahmenkataloge is already due on 2021-06-30 — give a different --due date; nothing was changed"
    )
    assert len(_events(seeded, "milestone.rescheduled")) == 1


def test_a_seed_milestone_with_neither_a_day_nor_due_text_is_refused(db_url: str, seeded, tmp_path: Path) -> None:
    """No day is made up for it, and the words are not left out either: init refuses the seed, and changes nothing."""
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    council = next(ms for ms in data["milestones"] if ms["slug"] == "ratsbeschluss")
    council["due"] = None
    del council["due_text"]
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    msg = _refused(seeded, db_url, "init", "--seed", str(path))
    assert msg == (
        f"lipctl: {path}: milestones[2].due: missing: give a date YYYY-MM-DD, or null with due_text saying what the source"
        " gives — fix the seed file and run 'lipctl init' again"
    )
    listed = {r["milestone"]: r["due_text"] for r in seeded.json("milestone", "list")}
    assert listed["ratsbeschluss"] == "Ergebnis nach April 2021 dem Rat zum Beschluss"
