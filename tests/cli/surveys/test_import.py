"""survey import: each format quirk, each rejection rule, idempotence, dry run, unreadable files."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from tests.fixtures.surveys import LS_HEADER, csv_bytes, db_path, ls_row, stored, whole_db_text
from tests.helpers import counts


def run_import(cli, *args: object):  # noqa: ANN201
    """The import with --format json: (exit code, parsed JSON or None, stderr)."""
    result = cli("survey", "import", *map(str, args), "--format", "json")
    data = json.loads(result.stdout) if result.stdout.strip() else None
    return result.exit_code, data, result.stderr


def audit_actions() -> list[str]:
    con = sqlite3.connect(db_path())
    rows = [r[0] for r in con.execute("SELECT action FROM audit_events WHERE action LIKE 'survey.%' ORDER BY id")]
    con.close()
    return rows


# --- LimeSurvey ------------------------------------------------------------------------------

TEXT_1 = 'Mehr "Sprachkurse" am Abend;\r\nauch für Eltern – bitte!'
TEXT_3 = "Ein Straßenfest im Sommer, mit Musik aus aller Welt."
TEXT_6 = '=HYPERLINK("http://example.org")'


def limesurvey_file(write) -> Path:  # noqa: ANN001
    rows = [
        LS_HEADER,
        ls_row("101", "2020-06-15 14:32:10", "Bildung", "Idee", TEXT_1),  # lines 2-3 (embedded CRLF)
        ls_row("102", "", "", "", ""),  # line 4: incomplete response (no submitdate)
        ls_row("103", "2020-06-16 09:00:00", "Stadtleben", "-oth-", TEXT_3, other="Wunsch"),  # line 5
        ls_row("104", "2020-06-17 10:00:00", "Sport", "Idee", "Mehr Sportplätze"),  # line 6: unknown field
        ls_row("105", "2020-06-17 11:00:00", "Soziales", "-oth-", "Danke!", other="Lob"),  # line 7: unknown category
        ls_row("106", "2020-06-18 12:00:00", "demokratie", "Kritik", TEXT_6, ip="192.168.7.7"),  # line 8
    ]
    return write("limesurvey.csv", csv_bytes(rows, bom=True))


def test_limesurvey_export_imported_with_lines_and_exact_text(seeded, write) -> None:
    path = limesurvey_file(write)
    code, data, _err = run_import(seeded, path, "--survey", "Beteiligung 2020")
    assert code == ExitCode.IMPORT_REJECTED_ROWS
    assert data["survey"] == "Beteiligung 2020"
    assert (data["dry_run"], data["imported"], data["duplicates"], data["rejected"], data["skipped"]) == (False, 3, 0, 2, 1)
    (f,) = data["files"]
    assert f["path"] == str(path)
    assert (f["rows_read"], f["imported"], f["duplicates"], f["rejected"], f["skipped"]) == (6, 3, 0, 2, 1)
    assert (f["profile"], f["encoding"], f["delimiter"]) == ("limesurvey", "utf-8-sig", ";")
    assert f["rejects"] == [
        {"line": 6, "reason": "unknown action field 'Sport'", "code": "unknown_field", "known": False},
        {"line": 7, "reason": "unknown category 'Lob'", "code": "unknown_category", "known": False},
    ]
    assert stored() == [
        {
            "response_key": "101",
            "field": "bildung",
            "category": "idee",
            "text": TEXT_1,
            "submitted_at": "2020-06-15 14:32:10",
            "line": 2,
            "survey": "Beteiligung 2020",
        },
        {
            "response_key": "103",
            "field": "stadtleben-kultur",
            "category": "wunsch",
            "text": TEXT_3,
            "submitted_at": "2020-06-16 09:00:00",
            "line": 5,
            "survey": "Beteiligung 2020",
        },
        {
            "response_key": "106",
            "field": "demokratie",
            "category": "kritik",
            "text": TEXT_6,
            "submitted_at": "2020-06-18 12:00:00",
            "line": 8,
            "survey": "Beteiligung 2020",
        },
    ]
    assert stored()[0]["text"].encode() == 'Mehr "Sprachkurse" am Abend;\r\nauch für Eltern – bitte!'.encode()
    assert audit_actions() == ["survey.imported"]


def test_personal_columns_never_reach_the_database(seeded, write) -> None:
    path = limesurvey_file(write)
    run_import(seeded, path, "--survey", "S")
    everything = whole_db_text()
    for secret in (b"10.1.2.3", b"192.168.7.7", b"tok-secret", b"erika@example.org", b"4711"):
        assert secret not in everything


def test_table_output_lists_rejects_on_stderr(seeded, write) -> None:
    path = limesurvey_file(write)
    result = seeded("survey", "import", str(path), "--survey", "S")
    assert result.exit_code == ExitCode.IMPORT_REJECTED_ROWS
    assert "limesurvey.csv" in result.stdout and "Rejected" in result.stdout
    assert f"{path}:6: rejected: unknown action field 'Sport'" in result.stderr
    assert f"{path}:7: rejected: unknown category 'Lob'" in result.stderr


def test_reimport_reports_duplicates_and_adds_nothing(seeded, write) -> None:
    path = limesurvey_file(write)
    run_import(seeded, path, "--survey", "S")
    before = stored()
    code, data, _err = run_import(seeded, path, "--survey", "s")  # the survey name, case-insensitively
    assert code == ExitCode.OK  # the two rejects were reported by the first import
    assert (data["imported"], data["duplicates"], data["rejected"], data["skipped"]) == (0, 3, 2, 1)
    assert (data["known_rejects"], data["new_rejects"]) == (2, 0)
    assert stored() == before
    assert counts()["import_batches"] == 2
    assert counts()["surveys"] == 1
    assert audit_actions() == ["survey.imported", "survey.imported"]


def test_dry_run_counts_the_same_and_stores_nothing(seeded, write) -> None:
    path = limesurvey_file(write)
    before = counts()
    code, dry, _err = run_import(seeded, path, "--survey", "S", "--dry-run")
    assert code == ExitCode.IMPORT_REJECTED_ROWS
    assert dry["dry_run"] is True
    assert counts() == before
    _code, real, _err = run_import(seeded, path, "--survey", "S")
    for key in ("imported", "duplicates", "rejected", "skipped"):
        assert dry[key] == real[key]
    assert dry["files"][0]["rejects"] == real["files"][0]["rejects"]


def test_limesurvey_with_comma_and_lf(seeded, write) -> None:
    rows = [LS_HEADER, ls_row("1", "2020-06-15 14:32:10", "Wirtschaft", "Wunsch", 'Zeile eins\nZeile "zwei"')]
    path = write("ls-comma.csv", csv_bytes(rows, delimiter=",", bom=True, newline="\n"))
    code, data, _err = run_import(seeded, path, "--survey", "S")
    assert code == ExitCode.OK
    assert data["files"][0]["delimiter"] == ","
    assert [(r["text"], r["line"]) for r in stored()] == [('Zeile eins\nZeile "zwei"', 2)]


# --- German Excel (cp1252), delimiters, Decidim ----------------------------------------------------


def test_cp1252_from_german_excel_with_german_dates(seeded, write) -> None:
    text = "Größere Räume für Übungen – „bitte“ bald"
    rows = [
        ["Datum", "Handlungsfeld", "Kategorie", "Anregung", "E-Mail"],
        ["15.06.2020 14:32", "Bildung", "Idee", text, "erika@example.org"],
        ["16.06.2020", "Stadtverwaltung und Diversität", "Kritik", "Öffnungszeiten; länger", "max@example.org"],
    ]
    path = write("excel.csv", csv_bytes(rows, encoding="cp1252", quote_all=False))
    code, data, _err = run_import(seeded, path, "--survey", "S")
    assert code == ExitCode.OK, data
    f = data["files"][0]
    assert (f["encoding"], f["delimiter"], f["profile"], f["imported"]) == ("cp1252", ";", "spreadsheet", 2)
    got = stored()
    assert [(r["field"], r["category"], r["text"], r["submitted_at"], r["line"]) for r in got] == [
        ("bildung", "idee", text, "2020-06-15 14:32:00", 2),
        ("stadtverwaltung-diversitaet", "kritik", "Öffnungszeiten; länger", "2020-06-16 00:00:00", 3),
    ]
    assert all(r["response_key"].startswith("sha256:") for r in got)  # no id column: a content hash
    assert b"example.org" not in whole_db_text()
    # the same file re-saved: the content hash finds the duplicates
    code, again, _err = run_import(seeded, path, "--survey", "S")
    assert (again["imported"], again["duplicates"]) == (0, 2)


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiter_sniffed(seeded, write, delimiter: str) -> None:
    rows = [
        ["id", "date", "field", "category", "text"],
        ["a1", "2020-06-15 14:32:10", "Soziales", "Wunsch", "Mehr Beratung, mehr Zeit; bitte\tjetzt"],
    ]
    path = write("d.csv", csv_bytes(rows, delimiter=delimiter, quote_all=False))
    code, data, _err = run_import(seeded, path, "--survey", "S")
    assert code == ExitCode.OK, data
    assert data["files"][0]["delimiter"] == delimiter
    assert [r["text"] for r in stored()] == ["Mehr Beratung, mehr Zeit; bitte\tjetzt"]


def test_delimiter_given(seeded, write) -> None:
    rows = [["id", "date", "field", "category", "text"], ["a1", "", "Soziales", "", "x"]]
    path = write("t.tsv", csv_bytes(rows, delimiter="\t", quote_all=False))
    code, data, _err = run_import(seeded, path, "--survey", "S", "--delimiter", "tab")
    assert code == ExitCode.OK and data["imported"] == 1


def test_decidim_export_of_a_german_instance(seeded, write) -> None:
    """Issue 18: a German-language Decidim export (translated headers) was refused for want of an action_field."""
    header = [
        "ID beantworten",
        "Beantwortet am",
        "IP-Hash",
        "Benutzerstatus",
        "1. Welches Handlungsfeld?",
        "2. Art Ihrer Anregung",
        "3. Ihre Anregung",
    ]
    rows = [
        header,
        ["7001", "2021-03-04 10:15:22", "9f8e7d", "Registriert", "Bildung", "Idee", "Mehr Sprachkurse am Abend."],
        ["7002", "2021-03-04 11:00:05", "8e7d6c", "Nicht registriert", "Soziales", "Wunsch", "Beratung in vielen Sprachen."],
    ]
    path = write("decidim-de.csv", csv_bytes(rows))
    code, data, _err = run_import(seeded, path, "--survey", "Zweite Online-Befragung")
    assert code == ExitCode.OK, data
    assert (data["files"][0]["profile"], data["imported"]) == ("decidim", 2)
    assert [(r["response_key"], r["field"], r["category"], r["text"], r["submitted_at"]) for r in stored()] == [
        ("7001", "bildung", "idee", "Mehr Sprachkurse am Abend.", "2021-03-04 10:15:22"),
        ("7002", "soziales", "wunsch", "Beratung in vielen Sprachen.", "2021-03-04 11:00:05"),
    ]
    assert b"9f8e7d" not in whole_db_text()  # the IP-Hash is personal: never stored
    mapped = seeded("survey", "import", str(path), "--survey", "X", "--map", "text=IP-Hash", "--dry-run")
    assert mapped.exit_code != ExitCode.OK and "IP-Hash" in mapped.stderr


def test_decidim_export(seeded, write) -> None:
    header = [
        "Answer ID",
        "Answered on",
        "IP Hash",
        "User status",
        "1. Welches Handlungsfeld?",
        "2. Art Ihrer Anregung",
        "3. Ihre Anregung",
    ]
    rows = [
        header,
        ["9001", "2020-06-15 14:32:10 UTC", "a3f9c2", "Registered", "Demokratie", "Idee", "Ein Jugendbeirat."],
        ["9002", "15.06.2020 15:00", "b4e1d0", "Unregistered", "Bildung, Soziales", "Wunsch", "Beides zusammen denken."],
        ["9003", "2020-06-16 08:00:00 UTC", "c5f2e1", "Registered", "Wirtschaft", "Kritik", "Zu wenig Ausbildungsplätze."],
    ]
    path = write("decidim.csv", csv_bytes(rows))
    code, data, _err = run_import(seeded, path, "--survey", "Decidim")
    assert code == ExitCode.IMPORT_REJECTED_ROWS
    f = data["files"][0]
    assert (f["profile"], f["rows_read"], f["imported"], f["rejected"]) == ("decidim", 3, 2, 1)
    assert f["rejects"] == [
        {"line": 3, "reason": "more than one action field: 'Bildung, Soziales'", "code": "several_fields", "known": False}
    ]
    assert [(r["response_key"], r["field"], r["category"], r["text"], r["submitted_at"]) for r in stored()] == [
        ("9001", "demokratie", "idee", "Ein Jugendbeirat.", "2020-06-15 14:32:10"),
        ("9003", "wirtschaft", "kritik", "Zu wenig Ausbildungsplätze.", "2020-06-16 08:00:00"),
    ]
    assert b"a3f9c2" not in whole_db_text() and b"Registered" not in whole_db_text()


# --- rejections --------------------------------------------------------------------------------


def rejections_file(write) -> Path:  # noqa: ANN001
    lines = [
        "id;date;field;category;text",  # 1
        '1;2020-06-15;bildung;;"ok"',  # 2 imported (no category)
        '2;2020-06-15;bildung;idee;""',  # 3 empty text
        '3;2020-06-15;bildung;idee;"   "',  # 4 empty text
        '4;2020-06-15;bildung;idee;"' + "x" * 10_001 + '"',  # 5 too long
        '5;2020-06-15;bildung;idee;"' + "y" * 10_000 + '"',  # 6 imported: exactly the limit
        '6;2020-13-45;bildung;idee;"z"',  # 7 bad date
        "7;2020-06-15;bildung",  # 8 short row
        ';2020-06-15;bildung;idee;"no id"',  # 9 empty id
        '8;2020-06-15;bildung;idee;"a"b"',  # 10 broken quoting
        '9;15.06.2020;Sport;idee;"t"',  # 11 unknown field
        '10;15.06.2020;bildung;Lob;"=1+2"',  # 12 unknown category
        '1;2020-06-15;bildung;;"ok, again"',  # 13 the same id again: a duplicate
    ]
    return write("rejects.csv", ("\n".join(lines) + "\n").encode())


EXPECTED_REJECTS = [
    (3, "empty_text", "the text is empty"),
    (4, "empty_text", "the text is empty"),
    (5, "text_too_long", "the text has 10001 characters, more than 10000 (a broken export?)"),
    (7, "bad_date", "cannot read the date '2020-13-45' (write 2020-06-15 14:32:10 or 15.06.2020 14:32)"),
    (8, "short_row", "the row has 3 columns, the header 5"),
    (9, "empty_id", "the response id is empty"),
    (10, "broken_row", "the row cannot be split into columns (';' expected after '\"')"),
    (11, "unknown_field", "unknown action field 'Sport'"),
    (12, "unknown_category", "unknown category 'Lob'"),
]


def test_every_rejection_rule_with_line_and_reason(seeded, write, tmp_path: Path) -> None:
    path = rejections_file(write)
    rejects_path = tmp_path / "out" / "rejects.csv"
    rejects_path.parent.mkdir()
    code, data, _err = run_import(seeded, path, "--survey", "S", "--rejects", rejects_path)
    assert code == ExitCode.IMPORT_REJECTED_ROWS
    f = data["files"][0]
    assert (f["rows_read"], f["imported"], f["duplicates"], f["rejected"], f["skipped"]) == (12, 2, 1, 9, 0)
    assert [(r["line"], r["code"], r["reason"]) for r in f["rejects"]] == EXPECTED_REJECTS
    assert [(r["response_key"], r["text"], r["line"]) for r in stored()] == [("1", "ok", 2), ("5", "y" * 10_000, 6)]
    with open(rejects_path, encoding="utf-8", newline="") as fh:
        written = list(csv.DictReader(fh))
    assert [(int(r["line"]), r["reason"]) for r in written] == [(line, reason) for line, _c, reason in EXPECTED_REJECTS]
    assert {r["file"] for r in written} == {str(path)}
    assert written[-1]["text"] == "'=1+2"  # a formula is shown as text in a spreadsheet
    assert written[4]["action_field"] == "bildung" and written[4]["text"] == ""  # the short row's cells, as far as they go
    assert list(written[0]) == ["file", "line", "reason", "response_id", "submitted_at", "action_field", "category", "text"]
    assert (rejects_path.stat().st_mode & 0o777) == 0o600


def test_rejects_folder_missing_is_refused_before_anything(seeded, write, tmp_path: Path) -> None:
    path = rejections_file(write)
    before = counts()
    code, data, err = run_import(seeded, path, "--survey", "S", "--rejects", tmp_path / "nope" / "r.csv")
    assert code == ExitCode.REFUSED and data is None
    assert "does not exist" in err
    assert counts() == before


def test_blank_and_delimiter_only_lines_are_not_rows(seeded, write) -> None:
    data = b'id;date;field;category;text\r\n\r\n1;;bildung;;"a"\r\n;;;;\r\n2;;soziales;;"b"\r\n'
    code, out, _err = run_import(seeded, write("blank.csv", data), "--survey", "S")
    assert code == ExitCode.OK
    assert out["files"][0]["rows_read"] == 2
    assert [(r["text"], r["line"]) for r in stored()] == [("a", 3), ("b", 5)]


# --- profiles ---------------------------------------------------------------------------------------


def test_own_profile_with_value_codes_and_map_override(seeded, write) -> None:
    profile = write(
        "profile.yaml",
        """
columns:
  response_id: Nr
  submitted_at: Eingang
  action_field: F1
  category: F2
  text: F3
values:
  action_field: {A1: bildung, A2: wirtschaft}
  category: {K1: idee, K2: wunsch, K3: kritik}
""".encode(),
    )
    rows = [
        ["Nr", "Eingang", "F1", "F2", "F3", "F3b"],
        ["1", "2020-06-15 10:00:00", "A1", "K3", "alt", "Neuer Text"],
        ["2", "2020-06-15 11:00:00", "A2", "K1", "alt", "Noch einer"],
        ["3", "2020-06-15 12:00:00", "A9", "K1", "alt", "Unbekannt"],
    ]
    path = write("own.csv", csv_bytes(rows))
    code, data, _err = run_import(seeded, path, "--survey", "S", "--profile", profile, "--map", "text=F3b")
    assert code == ExitCode.IMPORT_REJECTED_ROWS
    assert data["files"][0]["rejects"] == [
        {"line": 4, "reason": "unknown action field 'A9'", "code": "unknown_field", "known": False}
    ]
    assert [(r["field"], r["category"], r["text"]) for r in stored()] == [
        ("bildung", "kritik", "Neuer Text"),
        ("wirtschaft", "idee", "Noch einer"),
    ]


def test_mapping_a_personal_column_is_refused(seeded, write) -> None:
    path = limesurvey_file(write)
    before = counts()
    code, _data, err = run_import(seeded, path, "--survey", "S", "--map", "text=ipaddr")
    assert code == ExitCode.REFUSED
    assert "'ipaddr' holds personal data and is never stored" in err
    assert counts() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--profile", "nosuch"], "no profile 'nosuch'"),
        (["--map", "colour=G01Q01"], "--map 'colour=G01Q01' is not KEY=COLUMN"),
        (["--map", "text=Q99"], "no column 'Q99' for text in the header"),
        (["--encoding", "klingon"], "unknown encoding 'klingon'"),
        (["--delimiter", ";;"], "--delimiter ';;' is not one character"),
    ],
)
def test_bad_options_are_refused_and_change_nothing(seeded, write, args: list[str], message: str) -> None:
    path = limesurvey_file(write)
    before = counts()
    code, _data, err = run_import(seeded, path, "--survey", "S", *args)
    assert code == ExitCode.REFUSED
    assert message in err
    assert counts() == before


def test_broken_profile_file_names_the_key(seeded, write) -> None:
    profile = write("bad.yaml", b"columns:\n  text: F3\n  colour: F4\n")
    code, _data, err = run_import(seeded, limesurvey_file(write), "--survey", "S", "--profile", profile)
    assert code == ExitCode.REFUSED
    assert "columns.colour: unknown key" in err


# --- unreadable files ------------------------------------------------------------------------------

UNREADABLE = {
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "is not a text file"),
    "empty": (b"", "is empty"),
    "no header": (b'1;2020-06-15;bildung;idee;"text"\n2;2020-06-15;bildung;idee;"more"\n', "no column"),
    "utf-16 without text": (b"\xff\xfe\x00\xd8", "UTF-16"),
    "not cp1252": (b"id;text\n1;\x81\x8d\x8f\x90\x9d\n", "neither UTF-8 nor cp1252"),
}


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_unreadable_file_changes_nothing_and_exits_1(seeded, write, kind: str) -> None:
    content, message = UNREADABLE[kind]
    good = limesurvey_file(write)
    bad = write("bad.csv", content)
    before = counts()
    code, data, err = run_import(seeded, good, bad, "--survey", "S")  # a good file first: it is not imported either
    assert code == ExitCode.REFUSED, err
    assert data is None
    assert message in err and "bad.csv" in err
    assert counts() == before


def test_missing_file_and_folder(seeded, tmp_path: Path) -> None:
    before = counts()
    code, _d, err = run_import(seeded, tmp_path / "nope.csv", "--survey", "S")
    assert code == ExitCode.REFUSED and "no file" in err
    code, _d, err = run_import(seeded, tmp_path, "--survey", "S")
    assert code == ExitCode.REFUSED and "is a folder" in err
    assert counts() == before


def test_wrong_encoding_given_is_unreadable(seeded, write) -> None:
    path = limesurvey_file(write)
    code, _d, err = run_import(seeded, path, "--survey", "S", "--encoding", "ascii")
    assert code == ExitCode.REFUSED and "cannot be read as ascii" in err
    assert counts()["survey_responses"] == 0


def test_late_cp1252_byte_after_an_ascii_head_is_read_as_cp1252(seeded, write) -> None:
    rows = [["id", "date", "field", "category", "text"]]
    rows += [[str(i), "2020-06-15", "bildung", "idee", "a" * 200] for i in range(1, 600)]  # > 64 KiB of ASCII
    rows.append(["600", "2020-06-15", "bildung", "idee", "Straßenfest für alle"])
    path = write("late.csv", csv_bytes(rows, encoding="cp1252", newline="\r\n"))
    code, data, _err = run_import(seeded, path, "--survey", "S")
    assert code == ExitCode.OK, data
    f = data["files"][0]
    assert (f["encoding"], f["imported"], f["rows_read"]) == ("cp1252", 600, 600)
    assert stored()[-1]["text"] == "Straßenfest für alle"
    assert counts()["import_batches"] == 1  # the first, UTF-8 attempt left nothing behind


def test_late_broken_bytes_in_a_utf8_file_reject_their_row_only(seeded, write) -> None:
    """UTF-8 (a BOM, umlauts) with two bad bytes late: that row is rejected, nothing is re-read as cp1252 (#13)."""
    head = "id;date;field;category;text\r\n" + "".join(f'{i};2020-06-15;bildung;idee;"{"ä" * 100}"\r\n' for i in range(1, 400))
    path = write("broken.csv", b"\xef\xbb\xbf" + head.encode() + b'999;2020-06-15;bildung;idee;"\xff\xfe"\r\n')
    code, data, _err = run_import(seeded, path, "--survey", "S")
    assert code == ExitCode.IMPORT_REJECTED_ROWS
    f = data["files"][0]
    assert (f["encoding"], f["imported"], f["rejected"]) == ("utf-8-sig", 399, 1)
    assert f["rejects"] == [
        {"line": 401, "code": "bad_encoding", "reason": "byte 0xFF on line 401, column 30, is not UTF-8", "known": False}
    ]
    assert {r["text"] for r in stored()} == {"ä" * 100}


def test_a_line_longer_than_the_limit_refuses_the_file(seeded, write, monkeypatch: pytest.MonkeyPatch) -> None:
    import lipctl.surveys.reader

    monkeypatch.setattr(lipctl.surveys.reader, "LINE_LIMIT", 1000)
    lines = ["id;date;field;category;text", '1;2020-06-15;bildung;idee;"ok"', '2;2020-06-15;bildung;idee;"' + "x" * 5000 + '"']
    path = write("long.csv", ("\r\n".join(lines) + "\r\n").encode())
    before = counts()
    code, data, err = run_import(seeded, path, "--survey", "S")
    assert code == ExitCode.REFUSED and data is None
    assert f"{path}: line 3 is longer than 1,000 characters" in err
    assert counts() == before


def test_a_file_failing_half_way_after_another_keeps_the_first_and_says_so(
    seeded, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lipctl.surveys.reader

    monkeypatch.setattr(lipctl.surveys.reader, "LINE_LIMIT", 1000)
    good = write("good.csv", b'id;date;field;category;text\r\n1;2020-06-15;bildung;idee;"ok"\r\n')
    bad = write("bad.csv", ('id;date;field;category;text\r\n2;2020-06-15;bildung;idee;"' + "x" * 5000 + '"\r\n').encode())
    code, _data, err = run_import(seeded, good, bad, "--survey", "S")
    assert code == ExitCode.REFUSED
    assert f"{bad}: line 2 is longer than 1,000 characters" in err
    assert f"stored: {good} (batch 1); not stored: {bad} — running the same command again adds only what is missing" in err
    assert [r["text"] for r in stored()] == ["ok"]
    assert counts()["import_batches"] == 1


def test_limesurvey_with_full_text_headings(seeded, write) -> None:
    header = ["Response ID", "Date submitted", "Last page", "Start language", "Seed", "Access code", "IP address",
              "Referrer URL", "Handlungsfeld", "Kategorie", "Kategorie [other]", "Ihre Anregung"]  # fmt: skip
    rows = [
        header,
        [
            "17",
            "2020-06-15 14:32:10",
            "2",
            "de",
            "1",
            "abc",
            "10.9.9.9",
            "https://x.example/",
            "Soziales",
            "Wunsch",
            "",
            "Mehr Beratung",
        ],
        ["18", "", "1", "de", "1", "abd", "10.9.9.8", "", "", "", "", ""],
    ]
    path = write("full.csv", csv_bytes(rows, bom=True))
    code, data, _err = run_import(seeded, path, "--survey", "S")
    assert code == ExitCode.OK, data
    f = data["files"][0]
    assert (f["profile"], f["imported"], f["skipped"]) == ("limesurvey", 1, 1)
    assert [(r["response_key"], r["field"], r["category"], r["text"]) for r in stored()] == [
        ("17", "soziales", "wunsch", "Mehr Beratung")
    ]
    assert b"10.9.9.9" not in whole_db_text()
    code, _data, err = run_import(seeded, path, "--survey", "S", "--map", "text=IP address")
    assert code == ExitCode.REFUSED and "'IP address' holds personal data" in err


def test_excel_unicode_text_utf16_with_tabs(seeded, write) -> None:
    rows = [["id", "date", "field", "category", "text"], ["1", "15.06.2020", "Bildung", "Idee", "Grüße aus Linden"]]
    path = write("unicode.txt", "".join("\t".join(r) + "\r\n" for r in rows).encode("utf-16"))
    code, data, _err = run_import(seeded, path, "--survey", "S")
    assert code == ExitCode.OK, data
    assert (data["files"][0]["encoding"], data["files"][0]["delimiter"]) == ("utf-16", "\t")
    assert [(r["text"], r["line"]) for r in stored()] == [("Grüße aus Linden", 2)]


def test_cron_rerun_with_force_rewrites_its_own_rejects_file(db_url: str, seeded, write, tmp_path: Path) -> None:
    """A cron line with --force, run again on the same export: the rejects file is rewritten, the
    import adds nothing, and the rejects already reported no longer fail the job (both stores)."""
    path = limesurvey_file(write)
    rejects = tmp_path / "rejects.csv"
    args = ("survey", "import", str(path), "--survey", "S", "--rejects", str(rejects), "--force")
    first = seeded(*args)
    assert first.exit_code == ExitCode.IMPORT_REJECTED_ROWS, first.stderr
    written = rejects.read_bytes()
    assert b"unknown action field 'Sport'" in written
    again = seeded(*args)
    assert again.exit_code == ExitCode.OK, again.stderr
    assert f"{path}:6: rejected (reported before): unknown action field 'Sport'" in again.stderr
    assert rejects.read_bytes() == written  # the same rows, written again over the first run's file
    assert (rejects.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".lipctl-")) == []
    listed = seeded.json("survey", "list")
    assert [(s["name"], s["responses"], s["imports"]) for s in listed] == [("S", 3, 2)]
