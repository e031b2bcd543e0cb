"""Hostile survey files (#13): mojibake, a profile that does not fit, known rejects, a multi-file message.

Every test that stores runs on SQLite and PostgreSQL (``db_url``) and looks into the store with
SQLAlchemy, so that what the user is told is checked against what the database holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lipctl.errors import ExitCode
from lipctl.store import models as m
from lipctl.store.engine import resolve_url
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.helpers import counts, engine_on

GREETING = "Grüße aus der Südstadt: mehr Begegnung, größere Räume"


def run_import(cli, *args: object):
    """The import with --format json: (exit code, parsed JSON or None, stderr)."""
    result = cli("survey", "import", *map(str, args), "--format", "json")
    data = json.loads(result.stdout) if result.stdout.strip() else None
    return result.exit_code, data, result.stderr


class Store:
    """A look into the database the CLI writes, on either store."""

    def __init__(self, db_url: str) -> None:
        self.url = resolve_url(db_url)

    def _query(self, query):
        engine = engine_on(self.url)
        try:
            with engine.connect() as conn:
                return conn.execute(query).all()
        finally:
            engine.dispose()

    def texts(self) -> list[str]:
        return [t for (t,) in self._query(select(m.SurveyResponse.text).order_by(m.SurveyResponse.id))]

    def count(self, model) -> int:
        return self._query(select(func.count()).select_from(model))[0][0]

    def batches(self) -> list[tuple[int, str, int]]:
        rows = self._query(select(m.ImportBatch.id, m.ImportBatch.path, m.ImportBatch.imported).order_by(m.ImportBatch.id))
        return [tuple(r) for r in rows]


@pytest.fixture
def store(db_url: str, cli) -> Store:
    assert cli("init").exit_code == ExitCode.OK
    return Store(db_url)


def greetings(n: int, *, start: int = 1) -> list[list[str]]:
    return [ls_row(str(i), "2020-06-15 14:32:10", "Bildung", "Idee", f"{GREETING} {i}") for i in range(start, start + n)]


# --- 1. silent mojibake --------------------------------------------------------------------------


def test_one_bad_byte_near_the_end_of_a_utf8_file_rejects_its_row_not_the_encoding(store: Store, cli, write) -> None:
    """2,000 rows with umlauts and, near the end, one row with a cp1252 'ü' (0xFC): the 2,000 are
    stored as they were written, the one row is rejected as bad_encoding with its line, exit 3."""
    rows = [
        LS_HEADER,
        *greetings(1990),
        ls_row("9999", "2020-06-15 14:32:10", "Bildung", "Idee", "BAD-MARK"),
        *greetings(10, start=1991),
    ]
    data = csv_bytes(rows)  # UTF-8 without BOM: the encoding is detected
    assert len(data) > 200_000  # far beyond the 64 KiB head
    data = data.replace(b"BAD-MARK", b"Gr\xfc\xdfe")
    path = write("umfrage.csv", data)

    code, out, err = run_import(cli, path, "--survey", "S")
    assert code == ExitCode.IMPORT_REJECTED_ROWS, err
    (f,) = out["files"]
    assert f["encoding"] == "utf-8"
    assert (f["rows_read"], f["imported"], f["rejected"]) == (2001, 2000, 1)
    (reject,) = f["rejects"]
    assert (reject["line"], reject["code"], reject["known"]) == (1992, "bad_encoding", False)
    assert "0xFC" in reject["reason"] and "UTF-8" in reject["reason"]
    texts = store.texts()
    assert len(texts) == 2000
    assert texts[0] == f"{GREETING} 1" and texts[-1] == f"{GREETING} 2000"
    assert not any("Ã" in t for t in texts)

    table = cli("survey", "import", str(path), "--survey", "T")
    assert f"{path}:1992: rejected: " in table.stderr and "0xFC" in table.stderr


def test_a_bad_byte_after_a_late_first_umlaut_is_still_utf8(store: Store, cli, write) -> None:
    """An ASCII head (> 64 KiB), then UTF-8 umlauts, then a bad byte: UTF-8, the row rejected."""
    rows = [["id", "date", "field", "category", "text"]]
    rows += [[str(i), "2020-06-15", "bildung", "idee", "a" * 200] for i in range(1, 600)]
    rows += [["600", "2020-06-15", "bildung", "idee", "Straßenfest für alle"], ["601", "2020-06-15", "bildung", "idee", "BAD"]]
    data = csv_bytes(rows).replace(b'"BAD"', b'"Stra\xdfe"')
    code, out, err = run_import(cli, write("late.csv", data), "--survey", "S")
    assert code == ExitCode.IMPORT_REJECTED_ROWS, err
    f = out["files"][0]
    assert (f["encoding"], f["imported"], f["rejected"]) == ("utf-8", 600, 1)
    assert [(r["line"], r["code"]) for r in f["rejects"]] == [(602, "bad_encoding")]
    assert store.texts()[-1] == "Straßenfest für alle"


def test_a_bad_byte_in_the_head_after_an_umlaut_is_utf8_too(store: Store, cli, write) -> None:
    rows = [LS_HEADER, *greetings(3), ls_row("4", "2020-06-15 14:32:10", "Bildung", "Idee", "BAD"), *greetings(2, start=5)]
    data = csv_bytes(rows, bom=True).replace(b'"BAD"', b'"\xff\xfe"')
    code, out, err = run_import(cli, write("small.csv", data), "--survey", "S")
    assert code == ExitCode.IMPORT_REJECTED_ROWS, err
    f = out["files"][0]
    assert (f["encoding"], f["imported"], [(r["line"], r["code"]) for r in f["rejects"]]) == (
        "utf-8-sig",
        5,
        [(5, "bad_encoding")],
    )
    assert store.texts() == [f"{GREETING} {i}" for i in (1, 2, 3, 5, 6)]


@pytest.mark.parametrize("where", ["in the head", "after 64 KiB of ASCII"])
def test_a_cp1252_file_is_still_read_as_cp1252(store: Store, cli, write, where: str) -> None:
    """The first byte that is not UTF-8 comes before any multi-byte sequence: cp1252, as before."""
    rows = [["id", "date", "field", "category", "text"]]
    if where != "in the head":
        rows += [[str(i), "2020-06-15", "bildung", "idee", "a" * 200] for i in range(1, 600)]
    rows += [["600", "2020-06-15", "bildung", "idee", "Straßenfest für alle"], ["601", "2020-06-15", "soziales", "idee", "Größe"]]
    code, out, err = run_import(cli, write("excel.csv", csv_bytes(rows, encoding="cp1252")), "--survey", "S")
    assert code == ExitCode.OK, err
    f = out["files"][0]
    assert (f["encoding"], f["rejected"], f["imported"]) == ("cp1252", 0, len(rows) - 1)
    assert store.texts()[-2:] == ["Straßenfest für alle", "Größe"]
    assert store.count(m.ImportBatch) == 1


# --- 2. a profile that does not fit the file -----------------------------------------------------

EXCEL_HEADER = ["id", "Datum", "Handlungsfeld", "Kategorie", "Anregung"]


def excel_export(write) -> Path:
    rows = [
        EXCEL_HEADER,
        ["1", "15.06.2020", "Bildung", "Idee", "Mehr Sprachkurse"],
        ["2", "32.06.2020", "Soziales", "Idee", "x"],
    ]
    return write("umfrage_excel.csv", csv_bytes(rows, encoding="cp1252", quote_all=False))


def test_a_profile_column_missing_from_the_header_refuses_the_file(store: Store, cli, write) -> None:
    path = excel_export(write)
    before = counts(store.url)
    code, out, err = run_import(cli, path, "--survey", "S", "--profile", "limesurvey")
    assert code == ExitCode.REFUSED and out is None
    assert "'submitdate'" in err and "submitted_at" in err and str(path) in err
    assert "id, Datum, Handlungsfeld, Kategorie, Anregung" in err  # the header, as the file has it
    assert "Traceback" not in err
    assert counts(store.url) == before

    # The right profile imports it, and the impossible date is rejected, not stored as null.
    code, out, err = run_import(cli, path, "--survey", "S", "--profile", "spreadsheet")
    assert code == ExitCode.IMPORT_REJECTED_ROWS, err
    assert [(r["line"], r["code"]) for r in out["files"][0]["rejects"]] == [(3, "bad_date")]
    assert store.texts() == ["Mehr Sprachkurse"]


def test_a_missing_profile_column_can_be_mapped_or_left_out(store: Store, cli, write) -> None:
    path = excel_export(write)
    code, out, err = run_import(cli, path, "--survey", "S", "--profile", "limesurvey", "--map", "submitted_at=Datum")
    assert code == ExitCode.IMPORT_REJECTED_ROWS, err
    assert out["files"][0]["imported"] == 1


def test_a_refused_file_among_several_stores_nothing(store: Store, cli, write) -> None:
    good = write("ls.csv", csv_bytes([LS_HEADER, *greetings(3)], bom=True))
    before = counts(store.url)
    code, _out, err = run_import(cli, good, excel_export(write), "--survey", "S", "--profile", "limesurvey")
    assert code == ExitCode.REFUSED and "'submitdate'" in err
    assert counts(store.url) == before


def test_a_header_only_file_says_it_is_empty(store: Store, cli, write) -> None:
    path = write("leer.csv", csv_bytes([LS_HEADER], bom=True))
    code, out, err = run_import(cli, path, "--survey", "S")
    assert code == ExitCode.OK
    f = out["files"][0]
    assert (f["empty"], f["rows_read"], f["imported"]) == (True, 0, 0)
    assert out["empty_files"] == [str(path)]
    assert f"{path} has no rows after its header" in err
    table = cli("survey", "import", str(path), "--survey", "S")
    assert table.exit_code == ExitCode.OK and f"{path} has no rows after its header" in table.stderr
    full = write("voll.csv", csv_bytes([LS_HEADER, *greetings(1)], bom=True))
    code, out, err = run_import(cli, full, "--survey", "S")
    assert (code, out["files"][0]["empty"], out["empty_files"], err) == (ExitCode.OK, False, [], "")


# --- 3. known rejects ----------------------------------------------------------------------------


def bad_rows(*ids: str) -> list[list[str]]:
    return [ls_row(i, "2020-06-15 14:32:10", "Sport", "Idee", f"Sportplatz {i}") for i in ids]


def test_rejects_reported_before_are_known_and_do_not_exit_3_again(store: Store, cli, write) -> None:
    first = write("export-1.csv", csv_bytes([LS_HEADER, *greetings(5), *bad_rows("b1", "b2")], bom=True))
    dry_code, dry, _err = run_import(cli, first, "--survey", "S", "--dry-run")
    assert (dry_code, dry["known_rejects"], dry["new_rejects"]) == (ExitCode.IMPORT_REJECTED_ROWS, 0, 2)
    assert store.count(m.ReportedReject) == 0  # a dry run stores nothing

    code, out, _err = run_import(cli, first, "--survey", "S")
    assert code == ExitCode.IMPORT_REJECTED_ROWS
    assert (out["rejected"], out["known_rejects"], out["new_rejects"]) == (2, 0, 2)
    assert [r["known"] for r in out["files"][0]["rejects"]] == [False, False]
    assert store.count(m.ReportedReject) == 2

    again_code, again, _err = run_import(cli, first, "--survey", "S")
    assert again_code == ExitCode.OK
    assert (again["rejected"], again["known_rejects"], again["new_rejects"]) == (2, 2, 0)
    f = again["files"][0]
    assert (f["known_rejects"], f["new_rejects"]) == (2, 0)
    assert [(r["line"], r["known"]) for r in f["rejects"]] == [(r["line"], True) for r in out["files"][0]["rejects"]]
    table = cli("survey", "import", str(first), "--survey", "S")
    assert table.exit_code == ExitCode.OK
    assert f"{first}:7: rejected (reported before): unknown action field 'Sport'" in table.stderr

    # A later export: more answers, the same two bad rows (on other lines, with LF now) and one new one.
    later = write(
        "export-2.csv", csv_bytes([LS_HEADER, *greetings(9), *bad_rows("b1"), *bad_rows("b3", "b2")], bom=True, newline="\n")
    )
    code, out, _err = run_import(cli, later, "--survey", "S")
    assert code == ExitCode.IMPORT_REJECTED_ROWS
    assert (out["rejected"], out["known_rejects"], out["new_rejects"], out["imported"]) == (3, 2, 1, 4)
    assert [(r["line"], r["known"]) for r in out["files"][0]["rejects"]] == [(11, True), (12, False), (13, True)]
    assert store.count(m.ReportedReject) == 3

    # The same bad rows in another survey are new there.
    code, out, _err = run_import(cli, first, "--survey", "Andere")
    assert (code, out["known_rejects"], out["new_rejects"]) == (ExitCode.IMPORT_REJECTED_ROWS, 0, 2)


def test_the_same_bad_row_twice_in_one_file_is_new_both_times(store: Store, cli, write) -> None:
    path = write("twice.csv", csv_bytes([LS_HEADER, *bad_rows("b1"), *greetings(1), *bad_rows("b1")], bom=True))
    code, out, _err = run_import(cli, path, "--survey", "S")
    assert (code, out["known_rejects"], out["new_rejects"]) == (ExitCode.IMPORT_REJECTED_ROWS, 0, 2)
    code, out, _err = run_import(cli, path, "--survey", "S")
    assert (code, out["known_rejects"], out["new_rejects"]) == (ExitCode.OK, 2, 0)
    assert store.count(m.ReportedReject) == 1


def test_known_rejects_across_lookup_chunks_and_past_the_listed_ones(
    store: Store, cli, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rejects are looked up LOOKUP at a time and listed up to REJECTS_LISTED: shrunk here, so that a row
    rejected twice in one file meets its own batch in a later chunk, and rejects beyond the list still count."""
    from lipctl.services import surveys

    monkeypatch.setattr(surveys, "LOOKUP", 2)
    monkeypatch.setattr(surveys, "REJECTS_LISTED", 3)
    path = write("chunks.csv", csv_bytes([LS_HEADER, *greetings(2), *bad_rows("b1", "b2", "b3", "b1", "b4")], bom=True))
    code, out, _err = run_import(cli, path, "--survey", "S")
    f = out["files"][0]
    assert (code, out["rejected"], out["known_rejects"], out["new_rejects"]) == (ExitCode.IMPORT_REJECTED_ROWS, 5, 0, 5)
    assert ([r["known"] for r in f["rejects"]], f["rejects_omitted"]) == ([False, False, False], 2)
    assert store.count(m.ReportedReject) == 4

    code, out, _err = run_import(cli, path, "--survey", "S")
    f = out["files"][0]
    assert (code, out["rejected"], out["known_rejects"], out["new_rejects"]) == (ExitCode.OK, 5, 5, 0)
    assert ([r["known"] for r in f["rejects"]], f["rejects_omitted"]) == ([True, True, True], 2)
    assert store.count(m.ReportedReject) == 4


def test_a_bad_encoding_row_is_known_on_the_next_import(store: Store, cli, write) -> None:
    data = csv_bytes([LS_HEADER, *greetings(3), *bad_rows("x")], bom=True).replace(b"Sportplatz x", b"Sportpl\xe4tz")
    path = write("enc.csv", data)
    assert run_import(cli, path, "--survey", "S")[0] == ExitCode.IMPORT_REJECTED_ROWS
    code, out, _err = run_import(cli, path, "--survey", "S")
    assert (code, out["known_rejects"], out["files"][0]["rejects"][0]["code"]) == (ExitCode.OK, 1, "bad_encoding")


# --- 4. a multi-file message that is true ------------------------------------------------------


def test_when_a_later_file_fails_the_message_names_what_was_stored(
    store: Store,
    cli,
    write,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lipctl.surveys.reader

    monkeypatch.setattr(lipctl.surveys.reader, "LINE_LIMIT", 1000)
    header = "id;date;field;category;text\r\n"
    one = write("one.csv", (header + '1;2020-06-15;bildung;idee;"eins"\r\n').encode())
    two = write("two.csv", (header + '2;2020-06-15;bildung;idee;"zwei"\r\n').encode())
    bad = write("bad.csv", (header + '3;2020-06-15;bildung;idee;"' + "x" * 5000 + '"\r\n').encode())
    never = write("never.csv", (header + '4;2020-06-15;bildung;idee;"vier"\r\n').encode())
    before = counts(store.url)
    code, out, err = run_import(cli, one, two, bad, never, "--survey", "S")
    assert code == ExitCode.REFUSED and out is None
    assert f"{bad}: line 2 is longer than 1,000 characters" in err
    batches = store.batches()
    assert [(path, n) for _id, path, n in batches] == [(str(one.absolute()), 1), (str(two.absolute()), 1)]
    (b1, _p, _n), (b2, _p2, _n2) = batches
    assert f"stored: {one} (batch {b1}), {two} (batch {b2})" in err
    assert f"not stored: {bad}, {never}" in err
    assert "nothing" not in err.split("stored:")[1]  # no sentence claims that nothing changed
    assert store.texts() == ["eins", "zwei"]
    assert counts(store.url)["import_batches"] == before["import_batches"] + 2

    # Run again once the file is fixed: only what is missing is added.
    bad.write_bytes((header + '3;2020-06-15;bildung;idee;"drei"\r\n').encode())
    code, out, err = run_import(cli, one, two, bad, never, "--survey", "S")
    assert code == ExitCode.OK, err
    assert store.texts() == ["eins", "zwei", "drei", "vier"]


def test_when_the_first_of_several_files_fails_nothing_is_stored_and_it_says_so(
    store: Store,
    cli,
    write,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lipctl.surveys.reader

    monkeypatch.setattr(lipctl.surveys.reader, "LINE_LIMIT", 1000)
    header = "id;date;field;category;text\r\n"
    bad = write("bad.csv", (header + '3;2020-06-15;bildung;idee;"' + "x" * 5000 + '"\r\n').encode())
    good = write("good.csv", (header + '1;2020-06-15;bildung;idee;"eins"\r\n').encode())
    before = counts(store.url)
    code, _out, err = run_import(cli, bad, good, "--survey", "S")
    assert code == ExitCode.REFUSED
    assert f"not stored: {bad}, {good}" in err and "stored: " not in err.replace("not stored: ", "")
    assert counts(store.url) == before


@pytest.mark.parametrize(
    "error",
    [
        pytest.param("store", id="the store refuses the second file"),
        pytest.param("unexpected", id="an unexpected error in the second file"),
    ],
)
def test_a_store_error_in_a_later_file_does_not_claim_that_nothing_changed(
    store: Store,
    cli,
    write,
    monkeypatch: pytest.MonkeyPatch,
    error: str,
) -> None:
    from lipctl.errors import StoreError
    from lipctl.services import surveys

    header = "id;date;field;category;text\r\n"
    one = write("one.csv", (header + '1;2020-06-15;bildung;idee;"eins"\r\n').encode())
    two = write("two.csv", (header + '2;2020-06-15;bildung;idee;"zwei"\r\n').encode())
    real = surveys._import_file
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            if error == "store":
                raise StoreError("the database is locked by another lipctl command", "nothing was changed; try again in a moment")
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(surveys, "_import_file", flaky)
    code, _out, err = run_import(cli, one, two, "--survey", "S")
    assert code == ExitCode.REFUSED
    assert "nothing was changed" not in err and "Traceback" not in err
    ((batch, _path, _n),) = store.batches()
    assert f"stored: {one} (batch {batch}); not stored: {two}" in err
    assert ("locked" if error == "store" else "disk on fire") in err
    assert store.texts() == ["eins"]


def test_a_bad_byte_inside_a_multi_line_cell_rejects_that_record_and_keeps_the_line_numbers(store: Store, cli, write) -> None:
    rows = [LS_HEADER, *greetings(2), ls_row("m", "2020-06-15 14:32:10", "Bildung", "Idee", "erste Zeile\r\nBAD\r\ndritte")]
    rows += greetings(1, start=3)
    data = csv_bytes(rows).replace(b"BAD", b"zweite \xe4 Zeile")
    code, out, err = run_import(cli, write("multi.csv", data), "--survey", "S")
    assert code == ExitCode.IMPORT_REJECTED_ROWS, err
    f = out["files"][0]
    assert [(r["line"], r["code"]) for r in f["rejects"]] == [(4, "bad_encoding")]
    assert "on line 5, column 8" in f["rejects"][0]["reason"]
    assert f["imported"] == 3
    engine = engine_on(store.url)
    try:
        with engine.connect() as conn:
            lines = conn.execute(select(m.SurveyResponse.line).order_by(m.SurveyResponse.id)).scalars().all()
    finally:
        engine.dispose()
    assert lines == [2, 3, 7]  # the row after the three-line record is on line 7


def test_a_given_encoding_rejects_the_rows_it_cannot_read(store: Store, cli, write) -> None:
    rows = [LS_HEADER, *greetings(1), ls_row("2", "2020-06-15 14:32:10", "Bildung", "Idee", "BAD")]
    data = csv_bytes(rows).replace(b"BAD", b"\x81")  # not in cp1252 either
    code, out, err = run_import(cli, write("given.csv", data), "--survey", "S", "--encoding", "utf-8")
    assert code == ExitCode.IMPORT_REJECTED_ROWS, err
    assert [(r["line"], r["code"]) for r in out["files"][0]["rejects"]] == [(3, "bad_encoding")]
    code, out, err = run_import(cli, write("given1252.csv", data), "--survey", "T", "--encoding", "cp1252")
    assert code == ExitCode.IMPORT_REJECTED_ROWS, err
    f = out["files"][0]
    assert (f["encoding"], f["imported"], f["rejects"][0]["reason"]) == (
        "cp1252",
        1,
        "byte 0x81 on line 3, column 134, is not cp1252",
    )


def test_known_rejects_as_a_real_process(tmp_path: Path) -> None:
    """The exit codes a cron job sees: 3 for new rejects, 0 when every reject was reported before."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIPCTL_", "LC_", "LANG"))}
    env.update(LIPCTL_DB=str(tmp_path / "cron.db"), LIPCTL_LANG="en", LIPCTL_ACTOR="cron")
    path = tmp_path / "nightly.csv"
    path.write_bytes(csv_bytes([LS_HEADER, *greetings(2), *bad_rows("b1")], bom=True))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lipctl", *args], check=False, env=env, capture_output=True, text=True, timeout=120
        )

    assert run("init").returncode == 0
    first = run("survey", "import", str(path), "--survey", "Nacht")
    assert first.returncode == ExitCode.IMPORT_REJECTED_ROWS, first.stderr
    assert f"{path}:4: rejected: unknown action field 'Sport'" in first.stderr
    second = run("survey", "import", str(path), "--survey", "Nacht")
    assert second.returncode == ExitCode.OK, second.stderr
    assert f"{path}:4: rejected (reported before): unknown action field 'Sport'" in second.stderr
    assert "Traceback" not in first.stderr + second.stderr


def test_a_file_with_lone_cr_line_ends_follows_the_same_encoding_rule(store: Store, cli, write) -> None:
    """Old Mac exports end lines in a lone CR: an ASCII head, then a cp1252 umlaut, is cp1252 there too;
    a UTF-8 one with a bad byte rejects that row."""
    rows = [["id", "date", "field", "category", "text"]]
    rows += [[str(i), "2020-06-15", "bildung", "idee", "a" * 200] for i in range(1, 400)]
    rows += [["400", "2020-06-15", "bildung", "idee", "Straßenfest\rfür alle"]]
    code, out, err = run_import(cli, write("mac.csv", csv_bytes(rows, encoding="cp1252", newline="\r")), "--survey", "S")
    assert code == ExitCode.OK, err
    f = out["files"][0]
    assert (f["encoding"], f["imported"]) == ("cp1252", 400)
    assert store.texts()[-1] == "Straßenfest\rfür alle"
    rows = [rows[0], ["1", "2020-06-15", "bildung", "idee", "Grüße"], ["2", "2020-06-15", "bildung", "idee", "BAD"]]
    data = csv_bytes(rows, newline="\r").replace(b"BAD", b"Gr\xfc\xdfe")
    code, out, err = run_import(cli, write("mac8.csv", data), "--survey", "T")
    assert code == ExitCode.IMPORT_REJECTED_ROWS, err
    assert [(r["line"], r["code"]) for r in out["files"][0]["rejects"]] == [(3, "bad_encoding")]


def test_an_own_profile_may_name_optional_keys_but_never_required_ones(seeded, write) -> None:
    path = write("sheet.csv", csv_bytes([["Feld", "Anregung"], ["Bildung", "Mehr Kurse"]]))
    profile = write("p.yaml", b"columns: {action_field: Feld, text: Anregung, category: Kategorie}\noptional: [category]\n")
    code, out, err = run_import(seeded, path, "--survey", "S", "--profile", profile)
    assert (code, out["imported"]) == (ExitCode.OK, 1), err
    strict = write("strict.yaml", b"columns: {action_field: Feld, text: Anregung, category: Kategorie}\n")
    code, _out, err = run_import(seeded, path, "--survey", "S", "--profile", strict)
    assert code == ExitCode.REFUSED and "'Kategorie' for category" in err and "the header has: Feld, Anregung" in err
    bad = write("bad.yaml", b"columns: {action_field: Feld, text: Anregung}\noptional: [text]\n")
    code, _out, err = run_import(seeded, path, "--survey", "S", "--profile", bad)
    assert code == ExitCode.REFUSED and "optional: 'text' is not a key that may be missing" in err
