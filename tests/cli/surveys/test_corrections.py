"""survey imports, undo, rename, delete: correcting what was imported, on SQLite and PostgreSQL.

Undoing a batch and deleting a survey really delete the answers (personal data); the batch row and
the audit events stay, with names and counts, never texts. Every refusal changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.helpers import counts, snapshot

FIRST = [
    LS_HEADER,
    ls_row("1", "2020-06-15 14:32:10", "Bildung", "Idee", "Mehr Sprachkurse am Abend"),
    ls_row("2", "2020-06-15 15:00:00", "Wirtschaft", "Kritik", "Zu wenige Kitaplätze"),
    ls_row("3", "2020-06-16 09:00:00", "Sport", "Idee", "unknown field: rejected"),
]
SECOND = [
    LS_HEADER,
    ls_row("2", "2020-06-15 15:00:00", "Wirtschaft", "Kritik", "Zu wenige Kitaplätze"),  # a duplicate of the first file's
    ls_row("4", "2020-06-17 10:00:00", "Soziales", "Wunsch", "Beratung in mehreren Sprachen"),
]
TEXTS = ("Mehr Sprachkurse am Abend", "Zu wenige Kitaplätze", "Beratung in mehreren Sprachen")


def _import(cli, path: Path, survey: str, expect: int = ExitCode.OK) -> dict:
    result = cli("survey", "import", str(path), "--survey", survey, "--format", "json")
    assert result.exit_code == expect, result.stderr
    return json.loads(result.stdout)


def two_batches(cli, write) -> tuple[int, int]:
    """Batch 1 (a.csv: 2 answers, 1 reject) and batch 2 (b.csv: 1 new answer, 1 duplicate) of 'Beteiligung 2020'."""
    a = _import(cli, write("a.csv", csv_bytes(FIRST)), "Beteiligung 2020", ExitCode.IMPORT_REJECTED_ROWS)
    b = _import(cli, write("b.csv", csv_bytes(SECOND)), "Beteiligung 2020")
    return a["files"][0]["batch"], b["files"][0]["batch"]


def events(cli, action: str) -> list[dict]:
    return [e for e in cli.json("log") if e["action"] == action]


def refused(cli, db_url: str, *args: str) -> str:
    """Run a command that must be refused: exit 1, one line on stderr, nothing changed; the line."""
    before = snapshot(db_url)
    result = cli(*args)
    assert result.exit_code == ExitCode.REFUSED, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert snapshot(db_url) == before
    return result.stderr.strip()


# --- survey imports ------------------------------------------------------------------------


def test_imports_lists_the_batches_oldest_first(db_url: str, seeded, write) -> None:
    first, second = two_batches(seeded, write)
    _import(seeded, write("c.csv", csv_bytes([LS_HEADER, ls_row("9", "2020-07-01 10:00:00", "Bildung", "", "x")])), "Jugend")
    rows = seeded.json("survey", "imports")
    assert [(r["batch"], r["survey"], Path(r["path"]).name) for r in rows] == [
        (first, "Beteiligung 2020", "a.csv"),
        (second, "Beteiligung 2020", "b.csv"),
        (second + 1, "Jugend", "c.csv"),
    ]
    one = rows[0]
    assert set(one) == {
        "batch", "survey", "path", "sha256", "profile", "rows_read", "imported", "duplicates", "rejected",
        "skipped", "actor", "started_at", "finished_at", "undone",
    }  # fmt: skip
    assert (one["profile"], one["rows_read"], one["imported"], one["duplicates"], one["rejected"], one["skipped"]) == (
        "limesurvey", 3, 2, 0, 1, 0,
    )  # fmt: skip
    assert (rows[1]["imported"], rows[1]["duplicates"]) == (1, 1)
    assert len(one["sha256"]) == 64 and one["actor"] == "tester" and one["undone"] is None
    assert one["started_at"] <= one["finished_at"]
    only = seeded.json("survey", "imports", "--survey", "BETEILIGUNG 2020")
    assert [r["batch"] for r in only] == [first, second]
    table = seeded("survey", "imports")
    assert table.exit_code == ExitCode.OK
    assert "a.csv" in table.stdout and one["sha256"][:12] in table.stdout and one["sha256"] not in table.stdout
    csv_out = seeded("survey", "imports", "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("batch,survey,path,sha256,profile,rows_read")
    assert one["sha256"] in csv_out.stdout


def test_imports_of_an_unknown_survey_is_refused(db_url: str, seeded, write) -> None:
    two_batches(seeded, write)
    line = refused(seeded, db_url, "survey", "imports", "--survey", "Nope")
    assert "no survey 'Nope'" in line and "Beteiligung 2020" in line


def test_imports_with_none_is_an_empty_list(db_url: str, seeded) -> None:
    assert seeded.json("survey", "imports") == []


# --- survey undo -----------------------------------------------------------------------------


def test_undo_deletes_the_batch_answers_and_keeps_the_batch_marked_undone(db_url: str, seeded, write) -> None:
    first, second = two_batches(seeded, write)
    result = seeded("survey", "undo", str(first), "--reason", "wrong export", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert (data["batch"], data["survey"], data["deleted"], data["rejects_forgotten"], data["reason"]) == (
        first, "Beteiligung 2020", 2, 1, "wrong export",
    )  # fmt: skip
    assert data["undone"]["by"] == "tester" and data["undone"]["reason"] == "wrong export"
    assert data["undone"]["at"].endswith("+00:00")  # UTC, as every "voided" says it
    assert data["erasure"]["complete"] is True and data["warnings"] == []
    if db_url.startswith("postgresql"):
        assert "WAL archives and backups" in data["note"]
        assert data["erasure"]["steps"] == ["delete", "vacuum_full"]
    else:
        assert "backups" in data["note"]
        assert data["erasure"]["steps"] == ["secure_delete", "vacuum", "wal_checkpoint_truncate"]
    # the first file's answer 2 was stored by batch 1 (batch 2 only counted it as a duplicate): gone too
    exported = seeded.json("survey", "export", "--field", "soziales") + seeded.json("survey", "export", "--field", "wirtschaft")
    assert [r["text"] for r in exported] == ["Beratung in mehreren Sprachen"]
    assert counts(db_url, ["survey_responses", "import_batches", "reported_rejects"]) == {
        "survey_responses": 1,
        "import_batches": 2,
        "reported_rejects": 0,
    }
    rows = {r["batch"]: r for r in seeded.json("survey", "imports")}
    assert rows[first]["undone"] == data["undone"]
    assert (rows[first]["imported"], rows[first]["rejected"]) == (2, 1)  # the counts of the import stay
    assert rows[second]["undone"] is None
    [event] = events(seeded, "survey.import_undone")
    assert (event["entity"], event["entity_id"]) == ("import_batch", first)
    details = event["details"]
    assert (details["survey"], details["deleted"], details["rejects_forgotten"], details["reason"]) == (
        "Beteiligung 2020", 2, 1, "wrong export",
    )  # fmt: skip
    assert not any(text in json.dumps(details, ensure_ascii=False) for text in TEXTS)


def test_undo_in_a_table_prints_the_note_on_stderr(db_url: str, seeded, write) -> None:
    first, _second = two_batches(seeded, write)
    result = seeded("survey", "undo", str(first), "--reason", "wrong export")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "Answers deleted" in result.stdout and "wrong export" in result.stdout
    expected = "WAL archives and backups" if db_url.startswith("postgresql") else "backups of the database file"
    assert "note: " in result.stderr and expected in result.stderr
    assert "warning" not in result.stderr


def test_an_undone_batch_imported_again_is_stored_and_its_rejects_reported_again(db_url: str, seeded, write) -> None:
    first, _second = two_batches(seeded, write)
    assert seeded("survey", "undo", str(first), "--reason", "test").exit_code == ExitCode.OK
    again = seeded("survey", "import", str(write("a.csv", csv_bytes(FIRST))), "--survey", "beteiligung 2020")
    assert again.exit_code == ExitCode.IMPORT_REJECTED_ROWS, again.stderr  # the reject is new again
    assert "rejected: unknown action field 'Sport'" in again.stderr
    rows = seeded.json("survey", "imports")
    got = [(r["imported"], r["duplicates"], r["undone"] is not None) for r in rows]
    assert got == [(2, 0, True), (1, 1, False), (2, 0, False)]
    assert seeded.json("survey", "stats")["total"] == 3


def test_undo_twice_is_refused_naming_when_and_by_whom(db_url: str, seeded, write) -> None:
    first, _second = two_batches(seeded, write)
    assert seeded("--actor", "anna", "survey", "undo", str(first), "--reason", "test").exit_code == ExitCode.OK
    line = refused(seeded, db_url, "survey", "undo", str(first), "--reason", "again")
    assert f"import batch {first} was undone on " in line and " UTC by anna" in line
    assert "survey imports" in line


def test_undo_of_an_unknown_batch_is_refused(db_url: str, seeded, write) -> None:
    assert "no survey has been imported yet" in refused(seeded, db_url, "survey", "undo", "1", "--reason", "x")
    _first, second = two_batches(seeded, write)
    for number in (str(second + 1), "0", "99999999999999"):
        line = refused(seeded, db_url, "survey", "undo", number, "--reason", "x")
        assert f"no import batch {number}" in line
        assert f"'lipctl survey imports' lists the batches (the last one is {second})" in line


def test_undo_needs_a_reason(db_url: str, seeded, write) -> None:
    first, _second = two_batches(seeded, write)
    assert "--reason is empty" in refused(seeded, db_url, "survey", "undo", str(first), "--reason", "  ")
    assert "--reason" in refused(seeded, db_url, "survey", "undo", str(first), "--reason", "a\x00b")
    before = snapshot(db_url)
    missing = seeded("survey", "undo", str(first))
    assert missing.exit_code == ExitCode.USAGE
    assert snapshot(db_url) == before


def test_undo_of_the_later_batch_keeps_the_earlier_ones_answers(db_url: str, seeded, write) -> None:
    first, second = two_batches(seeded, write)
    data = seeded.json("survey", "undo", str(second), "--reason", "second file was a test")
    assert (data["deleted"], data["rejects_forgotten"]) == (1, 0)
    assert seeded.json("survey", "stats")["total"] == 2
    assert [r["undone"] is not None for r in seeded.json("survey", "imports")] == [False, True]
    # the undone batch's file again: its new answer is stored again, the other is still a duplicate
    again = _import(seeded, write("b.csv", csv_bytes(SECOND)), "Beteiligung 2020")
    assert (again["imported"], again["duplicates"]) == (1, 1)
    assert first < second


# --- survey rename ---------------------------------------------------------------------------


def test_rename_in_any_case_and_later_imports_follow_the_new_name(db_url: str, seeded, write) -> None:
    two_batches(seeded, write)
    data = seeded.json("survey", "rename", "beteiligung 2020", "  Beteiligung 2021 ")
    assert data == {"survey": "Beteiligung 2021", "renamed_from": "Beteiligung 2020"}
    assert [s["name"] for s in seeded.json("survey", "list")] == ["Beteiligung 2021"]
    assert {r["survey"] for r in seeded.json("survey", "imports")} == {"Beteiligung 2021"}
    # a change of case only is a rename of the same survey
    assert seeded.json("survey", "rename", "Beteiligung 2021", "BETEILIGUNG 2021")["survey"] == "BETEILIGUNG 2021"
    again = _import(seeded, write("b.csv", csv_bytes(SECOND)), "beteiligung 2021")
    assert (again["survey"], again["imported"], again["duplicates"]) == ("beteiligung 2021", 0, 2)
    assert [(s["name"], s["responses"], s["imports"]) for s in seeded.json("survey", "list")] == [("BETEILIGUNG 2021", 3, 3)]
    renamed = events(seeded, "survey.renamed")
    assert [(e["details"]["old_name"], e["details"]["survey"], e["entity"]) for e in renamed] == [
        ("Beteiligung 2020", "Beteiligung 2021", "survey"),
        ("Beteiligung 2021", "BETEILIGUNG 2021", "survey"),
    ]


def test_rename_refusals(db_url: str, seeded, write) -> None:
    two_batches(seeded, write)
    _import(seeded, write("c.csv", csv_bytes([LS_HEADER, ls_row("9", "2020-07-01 10:00:00", "Bildung", "", "x")])), "Übung")
    line = refused(seeded, db_url, "survey", "rename", "Beteiligung 2020", "ÜBUNG")
    assert "a survey 'Übung' exists already" in line and "survey delete" in line
    assert "no survey 'Nope'" in refused(seeded, db_url, "survey", "rename", "Nope", "Neu")
    assert "named 'Übung' already" in refused(seeded, db_url, "survey", "rename", "übung", "Übung")
    assert "the new survey name is empty" in refused(seeded, db_url, "survey", "rename", "Übung", "   ")
    assert "NEW has 201 characters, more than 200" in refused(seeded, db_url, "survey", "rename", "Übung", "x" * 201)
    assert "NEW contains" in refused(seeded, db_url, "survey", "rename", "Übung", "a\tb")


def test_rename_run_twice_the_second_finds_no_survey_of_the_old_name(db_url: str, seeded, write) -> None:
    two_batches(seeded, write)
    assert seeded.json("survey", "rename", "Beteiligung 2020", "Beteiligung 2021")["survey"] == "Beteiligung 2021"
    line = refused(seeded, db_url, "survey", "rename", "Beteiligung 2020", "Beteiligung 2021")
    assert "no survey 'Beteiligung 2020'" in line and "known surveys: Beteiligung 2021" in line
    assert len(events(seeded, "survey.renamed")) == 1


# --- survey delete ---------------------------------------------------------------------------


def test_delete_removes_the_survey_entirely_even_when_a_draft_considered_it(db_url: str, seeded, write) -> None:
    first, second = two_batches(seeded, write)
    _import(seeded, write("c.csv", csv_bytes([LS_HEADER, ls_row("9", "2020-07-01 10:00:00", "Bildung", "", "bleibt")])), "Jugend")
    draft = seeded.json("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--considered-survey", "Beteiligung 2020")
    before = counts(db_url, ["draft_surveys", "import_batches", "survey_responses", "reported_rejects", "surveys"])
    assert before == {"draft_surveys": 1, "import_batches": 3, "survey_responses": 4, "reported_rejects": 1, "surveys": 2}
    result = seeded("survey", "delete", "BETEILIGUNG 2020", "--reason", "created by mistake", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert (data["survey"], data["deleted"], data["rejects_forgotten"], data["drafts"], data["reason"]) == (
        "Beteiligung 2020", 3, 1, [draft["id"]], "created by mistake",
    )  # fmt: skip
    assert data["batches"] == [
        {"batch": first, "deleted": 2, "undone": False},
        {"batch": second, "deleted": 1, "undone": False},
    ]
    assert data["erasure"]["complete"] is True and data["warnings"] == []
    assert counts(db_url, ["draft_surveys", "import_batches", "survey_responses", "reported_rejects", "surveys"]) == {
        "draft_surveys": 0,
        "import_batches": 1,
        "survey_responses": 1,
        "reported_rejects": 0,
        "surveys": 1,
    }
    assert [s["name"] for s in seeded.json("survey", "list")] == ["Jugend"]
    assert seeded.json("draft", "show", str(draft["id"]))["considered_surveys"] == []
    [event] = events(seeded, "survey.deleted")
    assert event["entity"] == "survey"
    details = event["details"]
    assert (details["survey"], details["deleted"], details["batches"], details["drafts"], details["reason"]) == (
        "Beteiligung 2020", 3, data["batches"], [draft["id"]], "created by mistake",
    )  # fmt: skip
    log_text = json.dumps(seeded.json("log"), ensure_ascii=False)
    assert not any(text in log_text for text in TEXTS)
    # the name is free again: a new import creates a new, empty survey
    assert _import(seeded, write("b.csv", csv_bytes(SECOND)), "Beteiligung 2020")["imported"] == 2


def test_delete_after_an_undo_counts_the_undone_batch_with_nothing(db_url: str, seeded, write) -> None:
    first, second = two_batches(seeded, write)
    assert seeded("survey", "undo", str(first), "--reason", "test").exit_code == ExitCode.OK
    data = seeded.json("survey", "delete", "Beteiligung 2020", "--reason", "test survey")
    assert data["deleted"] == 1
    assert data["batches"] == [{"batch": first, "deleted": 0, "undone": True}, {"batch": second, "deleted": 1, "undone": False}]
    assert "no import batch" in refused(seeded, db_url, "survey", "undo", str(second), "--reason", "x")


def test_delete_refusals(db_url: str, seeded, write) -> None:
    two_batches(seeded, write)
    line = refused(seeded, db_url, "survey", "delete", "Nope", "--reason", "x")
    assert "no survey 'Nope'" in line and "known surveys: Beteiligung 2020" in line
    assert "--reason is empty" in refused(seeded, db_url, "survey", "delete", "Beteiligung 2020", "--reason", "")
    long = "x" * 2001
    assert "--reason has 2,001 characters" in refused(seeded, db_url, "survey", "delete", "Beteiligung 2020", "--reason", long)


def test_delete_run_twice_the_second_finds_no_survey_and_undo_no_batch(db_url: str, seeded, write) -> None:
    first, _second = two_batches(seeded, write)
    assert seeded("survey", "delete", "Beteiligung 2020", "--reason", "test survey").exit_code == ExitCode.OK
    line = refused(seeded, db_url, "survey", "delete", "Beteiligung 2020", "--reason", "test survey")
    assert "no survey 'Beteiligung 2020'" in line and "import one with 'lipctl survey import'" in line
    line = refused(seeded, db_url, "survey", "undo", str(first), "--reason", "x")
    assert f"no import batch {first}" in line and "no survey has been imported yet" in line  # every batch went with it
    assert len(events(seeded, "survey.deleted")) == 1


def test_delete_in_a_table_prints_the_note(db_url: str, seeded, write) -> None:
    two_batches(seeded, write)
    result = seeded("survey", "delete", "Beteiligung 2020", "--reason", "created by mistake")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "Survey 'Beteiligung 2020' deleted" in result.stdout and "Answers deleted" in result.stdout
    assert "note: " in result.stderr and "warning" not in result.stderr


# --- what the other commands count afterwards ------------------------------------------------


def test_list_stats_status_and_export_no_longer_count_removed_answers(db_url: str, seeded, write) -> None:
    first, _second = two_batches(seeded, write)
    _import(seeded, write("c.csv", csv_bytes([LS_HEADER, ls_row("9", "2020-07-01 10:00:00", "Bildung", "", "bleibt")])), "Jugend")

    def figures() -> tuple:
        listed = [(s["name"], s["responses"]) for s in seeded.json("survey", "list")]
        stats = seeded.json("survey", "stats")
        status = {f["slug"]: f["survey_responses"] for f in seeded.json("status")["fields"]}
        export = [r["text"] for r in seeded.json("survey", "export", "--field", "bildung")]
        return listed, stats["total"], stats["by_field"]["bildung"], status["bildung"], status["soziales"], export

    assert figures() == (
        [("Beteiligung 2020", 3), ("Jugend", 1)], 4, 2, 2, 1, ["Mehr Sprachkurse am Abend", "bleibt"],
    )  # fmt: skip
    assert seeded("survey", "undo", str(first), "--reason", "test").exit_code == ExitCode.OK
    assert figures() == ([("Beteiligung 2020", 1), ("Jugend", 1)], 2, 1, 1, 1, ["bleibt"])
    assert seeded("survey", "delete", "Beteiligung 2020", "--reason", "test").exit_code == ExitCode.OK
    assert figures() == ([("Jugend", 1)], 1, 1, 1, 0, ["bleibt"])


@pytest.mark.slow
def test_survey_imports_reads_through_the_driver_alone(seeded, write) -> None:
    """A read command: no SQLAlchemy, no models (as tests/meta checks for the other read commands)."""
    from tests.meta.test_imports import imported_modules, offending

    two_batches(seeded, write)
    modules = imported_modules("-m", "lipctl", "survey", "imports", "--format", "json")
    assert {"lipctl.store.reader", "sqlite3"} <= modules
    assert offending(modules, ("sqlalchemy", "alembic", "yaml", "jinja2", "lipctl.store.models", "psycopg")) == []


@pytest.mark.postgres
def test_two_undos_of_one_batch_at_once_on_postgresql_the_second_is_refused(
    pg_url: str, seeded, write, make_env, monkeypatch
) -> None:
    """The batch row is locked before it is checked: an undo that waits for another sees it undone."""
    import threading
    import time

    import psycopg

    from lipctl.errors import Refused
    from lipctl.services import survey_admin
    from lipctl.store.location import resolve

    monkeypatch.setenv("LIPCTL_DB", pg_url)
    assert seeded("init").exit_code == ExitCode.OK
    first, _second = two_batches(seeded, write)
    outcome: list[object] = []
    with psycopg.connect(resolve(pg_url).libpq_url) as other:  # the other undo, holding the row
        other.execute("SELECT id FROM import_batches WHERE id = %s FOR UPDATE", (first,))
        worker = threading.Thread(
            target=lambda: outcome.append(_undo_or_error(survey_admin, make_env(actor="bert"), first)), daemon=True
        )
        worker.start()
        with psycopg.connect(resolve(pg_url).libpq_url, autocommit=True) as watch:
            for _ in range(200):  # until the worker waits for the row lock
                waiting = watch.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
                ).fetchone()
                if waiting and waiting[0]:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the second undo never waited for the row lock")
        other.execute(
            "UPDATE import_batches SET undone_at = '2021-02-01 10:00:00', undone_by = 'anna', undo_reason = 'first' "
            "WHERE id = %s",
            (first,),
        )
        other.commit()
    worker.join(30)
    [error] = outcome
    assert isinstance(error, Refused) and "was undone on 2021-02-01 10:00 UTC by anna" in error.message
    assert seeded.json("survey", "stats")["total"] == 3  # the refused undo deleted nothing


def _undo_or_error(service, env, batch: int) -> object:
    try:
        return service.undo(env, batch, "second")
    except Exception as exc:  # noqa: BLE001 - handed to the test's thread
        return exc
