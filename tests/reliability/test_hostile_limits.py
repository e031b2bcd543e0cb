"""Hostile input, limits: the same refusal on SQLite and PostgreSQL, before the database sees the value.

Issue 13's reproductions ended in "unexpected error" (and on PostgreSQL refused a whole survey file
where SQLite stored the row): a date whose offset leaves the range, a NUL byte after 64 KiB, a
300-character title, a 500-character survey name, bytes that are not UTF-8 in an argument,
``draft show 99999999999999999999999``, huge tally counts. Each is a test here on both stores, with
both sides of each limit; every refusal leaves the database as it was. The limits themselves and the
one date parser are tested without a database first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from lipctl.errors import ExitCode, InvalidInput
from lipctl.process import limits
from lipctl.process.dates import DateError, parse_date, parse_timestamp
from lipctl.process.routing import RowRejected
from lipctl.store import models as m
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.helpers import connected, snapshot
from tests.process.test_routing import cells, rules

REPO = Path(__file__).resolve().parents[2]
OFFSET_DATE = "0001-01-01T00:30:00+01:00"
MAX_INT = 2**31 - 1


# --- the limits and the one date parser, without a database ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-06-15", dt.date(2020, 6, 15)),
        (" 15.06.2020 ", dt.date(2020, 6, 15)),
        ("1900-01-01", dt.date(1900, 1, 1)),
        ("31.12.2999", dt.date(2999, 12, 31)),
    ],
)
def test_one_date_parser_reads_iso_and_german_dates(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "out_of_range"),
    [
        ("32.06.2020", False),
        ("2020-13-01", False),
        ("15.6.2020", False),
        ("gestern", False),
        ("", False),
        ("2020-06-15 14:00", False),  # a calendar date has no time
        (OFFSET_DATE, False),
        ("1899-12-31", True),
        ("01.01.3000", True),
        ("0001-01-01", True),
        ("9999-12-31", True),
    ],
)
def test_one_date_parser_refuses_with_one_message(text: str, out_of_range: bool) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert info.value.out_of_range is out_of_range
    message, hint = info.value.describe("--date")
    if out_of_range:
        assert message.endswith("is outside the dates lipctl records") and hint == "give a date from 1900-01-01 to 2999-12-31"
    else:
        assert message.endswith("is not a date") and hint == "write it as YYYY-MM-DD or DD.MM.YYYY"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-06-15T14:32:10+02:00", dt.datetime(2020, 6, 15, 12, 32, 10)),
        ("15.06.2020 14:32 UTC", dt.datetime(2020, 6, 15, 14, 32)),
        ("1900-01-01T01:00:00+01:00", dt.datetime(1900, 1, 1)),  # the first moment, after conversion to UTC
        ("2999-12-31T23:59:59Z", dt.datetime(2999, 12, 31, 23, 59, 59)),
    ],
)
def test_timestamps_are_converted_to_utc_inside_the_range(text: str, expected: dt.datetime) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize(
    "text", [OFFSET_DATE, "1900-01-01T00:30:00+01:00", "2999-12-31T23:30:00-01:00", "9999-12-31T23:30:00-01:00"]
)
def test_a_timestamp_whose_offset_leaves_the_range_is_out_of_range(text: str) -> None:
    with pytest.raises(DateError) as info:
        parse_timestamp(text)
    assert info.value.out_of_range


@pytest.mark.parametrize(
    ("value", "limit", "multiline", "problem"),
    [
        ("x" * 200, limits.MAX_NAME, False, None),
        ("x" * 201, limits.MAX_NAME, False, "has 201 characters, more than 200"),
        ("a\x00b", limits.MAX_NAME, False, "contains a NUL character: 'a\\x00b'"),
        ("a\x1b[2Jb", limits.MAX_NAME, False, "contains the control character U+001B: 'a\\x1b[2Jb'"),
        ("a\tb", limits.MAX_NAME, False, "contains the control character U+0009"),
        ("a\x85b", limits.MAX_NAME, False, "contains the control character U+0085"),
        ("caf\udce9", limits.MAX_NAME, False, "contains bytes that are not UTF-8: 'caf\\xe9'"),
        ("line one\r\n\tline two", limits.MAX_REASON, True, None),
        ("a\x00b", limits.MAX_REASON, True, "contains a NUL character"),
        ("a\x7fb", limits.MAX_REASON, True, "contains the control character U+007F"),
    ],
)
def test_text_limits(value: str, limit: int, multiline: bool, problem: str | None) -> None:
    if problem is None:
        assert limits.check_text(value, "--title", limit, multiline=multiline) == value
        return
    with pytest.raises(InvalidInput) as info:
        limits.check_text(value, "--title", limit, multiline=multiline)
    assert info.value.message.startswith("--title ") and problem in info.value.message
    assert info.value.hint


def test_integer_limits() -> None:
    assert limits.check_count(MAX_INT, "--yes") == MAX_INT
    with pytest.raises(InvalidInput, match=r"--yes 2147483648 is beyond what lipctl records \(at most 2,147,483,647\)"):
        limits.check_count(MAX_INT + 1, "--yes")
    assert limits.id_in_range("2147483647") == MAX_INT
    assert limits.id_in_range("0007") == 7
    for text in ("2147483648", "9" * 23, "9" * 5000, "²", "١٢", "12a"):
        assert limits.id_in_range(text) is None


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ({"text": "a\x00b"}, "bad_text"),
        ({"text": "a\x1b]0;pwned\x07b"}, "bad_text"),
        ({"text": "a\x9bb"}, "bad_text"),
        ({"rid": "1\x00"}, "bad_id"),
        ({"date": "32.06.2020"}, "bad_date"),
        ({"date": OFFSET_DATE}, "bad_date"),
        ({"text": "x" * (limits.MAX_SURVEY_TEXT + 1)}, "text_too_long"),
    ],
)
def test_a_bad_cell_rejects_its_row(cell: dict[str, str], code: str) -> None:
    with pytest.raises(RowRejected) as info:
        rules().route(cells(**cell))
    assert info.value.code == code


def test_a_text_with_tabs_and_line_breaks_is_routed() -> None:
    assert rules().route(cells(text="eins\tzwei\r\ndrei", date="1900-01-01T01:00:00+01:00"))[5] == "eins\tzwei\r\ndrei"


# --- on both stores -------------------------------------------------------------------------------


def rows(db_url: str, table: str) -> list[dict[str, object]]:
    t = m.Base.metadata.tables[table]
    with connected(db_url) as conn:
        return [dict(r._mapping) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]


@pytest.fixture
def store(db_url: str, cli):
    """An initialised database on SQLite or PostgreSQL, with one submitted draft (id 1)."""
    assert cli("init").exit_code == ExitCode.OK
    result = cli("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "Erster Entwurf")
    assert result.exit_code == ExitCode.OK, result.stderr
    return db_url


def refused(cli, db_url: str, *args: str, message: str, code: ExitCode = ExitCode.REFUSED) -> None:
    before = snapshot(db_url)
    result = cli(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "unexpected error" not in result.stderr and "Traceback" not in result.stderr
    assert snapshot(db_url) == before


@pytest.mark.parametrize(
    "args",
    [
        ["--today", OFFSET_DATE, "status"],
        ["--today", OFFSET_DATE, "draft", "submit", "bildung", "--kind", "grundsatzpapier"],
        ["steering", "decide", "1", "--return", "--reason", "x", "--without-opinions", "--date", OFFSET_DATE],
        ["opinion", "record", "1", "--from", "runder-tisch", "--stance", "approve", "--text", "x", "--date", OFFSET_DATE],
        [
            "council",
            "tally",
            *["--yes", "1", "--no", "0", "--abstain", "0", "--present", "1", "--members", "1"],
            "--date",
            OFFSET_DATE,
        ],
        ["log", "--since", OFFSET_DATE],
    ],
)
def test_the_offset_date_is_refused_as_an_option(store: str, cli, args: list[str]) -> None:
    option = "--today" if args[0] == "--today" else "--since" if args[0] == "log" else "--date"
    refused(cli, store, *args, message=f"lipctl: {option} '{OFFSET_DATE}' is not a date — write it as YYYY-MM-DD or DD.MM.YYYY")


@pytest.mark.parametrize(
    ("today", "ok"), [("1900-01-01", True), ("1899-12-31", False), ("31.12.2999", True), ("3000-01-01", False)]
)
def test_today_at_both_ends_of_the_range(store: str, cli, today: str, ok: bool) -> None:
    if ok:  # a field without a version yet: a v2 of bildung may not be dated before its v1 (2021-02-01)
        result = cli("--today", today, "draft", "submit", "wirtschaft", "--kind", "grundsatzpapier")
        assert result.exit_code == ExitCode.OK, result.stderr
        assert cli("--today", today, "status").exit_code == ExitCode.OK
    else:
        refused(
            cli,
            store,
            "--today",
            today,
            "draft",
            "submit",
            "bildung",
            "--kind",
            "grundsatzpapier",
            message=f"--today '{today}' is outside the dates lipctl records — give a date from 1900-01-01 to 2999-12-31",
        )


def test_a_german_date_is_a_date(store: str, cli) -> None:
    result = cli(
        "--today",
        "01.02.2021",
        "steering",
        "decide",
        "1",
        "--return",
        "--reason",
        "x",
        "--without-opinions",
        "--date",
        "01.02.2021",
    )
    assert result.exit_code == ExitCode.OK, result.stderr
    assert rows(store, "steering_decisions")[0]["decided_on"] == dt.date(2021, 2, 1)


def test_title_at_and_beyond_its_limit(store: str, cli) -> None:
    for n in (201, 300):
        refused(
            cli,
            store,
            "draft",
            "submit",
            "bildung",
            "--kind",
            "grundsatzpapier",
            "--title",
            "T" * n,
            message=f"--title has {n} characters, more than 200 — shorten it to at most 200 characters",
        )
    result = cli("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "T" * 200)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert rows(store, "drafts")[-1]["title"] == "T" * 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "a\x00b"], "--title contains a NUL character"),
        (
            ["draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "a\x1b]0;pwned\x07b"],
            "--title contains the control character U+001B",
        ),
        (
            ["steering", "decide", "1", "--return", "--without-opinions", "--reason", "a\x00b"],
            "--reason contains a NUL character",
        ),
        (["steering", "decide", "1", "--return", "--without-opinions", "--reason", "r" * 2001], "--reason has 2,001 characters"),
        (
            [
                "council",
                "tally",
                *["--yes", "1", "--no", "0", "--abstain", "0", "--present", "1", "--members", "1", "--without-all-fields"],
                "--reason",
                "a\x00",
            ],
            "--reason contains a NUL character",
        ),
        (["--actor", "a\x00b", "draft", "submit", "bildung", "--kind", "grundsatzpapier"], "--actor contains a NUL character"),
        (["--actor", "A" * 121, "draft", "submit", "bildung", "--kind", "grundsatzpapier"], "--actor has 121 characters"),
        (
            ["--actor", "a\nb", "draft", "submit", "bildung", "--kind", "grundsatzpapier"],
            "--actor contains the control character U+000A",
        ),
        (
            ["opinion", "record", "1", "--from", "runder-tisch", "--stance", "approve", "--text", "a\x00b"],
            "--text contains a NUL character",
        ),
        (
            ["opinion", "record", "1", "--from", "runder-tisch", "--stance", "approve", "--text", "o" * 100_001],
            "--text has 100,001 characters, more than 100,000",
        ),
        (["survey", "stats", "--survey", "a\x00b"], "--survey contains a NUL character"),
        (["draft", "show", "bildung\x00/grundsatzpapier"], "REF contains a NUL character"),
    ],
)
def test_nul_control_characters_and_lengths_are_refused(store: str, cli, args: list[str], message: str) -> None:
    refused(cli, store, *args, message=message)


def test_texts_at_their_limits_are_stored(store: str, cli) -> None:
    reason = ("Begründung\tmit Tab\r\n" * 200)[:2000].strip()
    result = cli("--actor", "A" * 120, "steering", "decide", "1", "--return", "--without-opinions", "--reason", reason)
    assert result.exit_code == ExitCode.OK, result.stderr
    (decision,) = rows(store, "steering_decisions")
    assert (decision["reason"], decision["recorded_by"]) == (reason, "A" * 120)
    assert cli("draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    text = "o" * 100_000
    result = cli("opinion", "record", "2", "--from", "runder-tisch", "--stance", "approve", "--text", text)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert rows(store, "opinions")[0]["text"] == text


def test_a_document_file_name_at_and_beyond_its_limit(store: str, cli, tmp_path: Path) -> None:
    long_name = tmp_path / ("n" * 197 + ".pdf")  # 201 characters, a valid file name (255 bytes)
    long_name.write_bytes(b"%PDF-1.4")
    submit = ["draft", "submit", "bildung", "--kind", "grundsatzpapier", "--file", str(long_name)]
    refused(cli, store, *submit, message="--file: the file name has 201 characters, more than 200")
    opinion = ["opinion", "record", "1", "--from", "runder-tisch", "--stance", "approve", "--file", str(long_name)]
    refused(cli, store, *opinion, message="--file: the file name has 201 characters, more than 200")
    if "://" not in store:  # no copy of the document was kept either
        assert not any((Path(store).parent / "files").glob("*"))
    fits = tmp_path / ("n" * 196 + ".pdf")
    fits.write_bytes(b"%PDF-1.4")
    result = cli("opinion", "record", "1", "--from", "runder-tisch", "--stance", "approve", "--file", str(fits))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert rows(store, "opinions")[0]["file_name"] == fits.name


@pytest.mark.parametrize("ref", ["99999999999999999999999", "2147483648", "9" * 5000, "0"])
def test_a_draft_id_beyond_the_column_is_unknown(store: str, cli, ref: str) -> None:
    shown = ref if len(ref) <= 40 else ref[:39] + "…"
    for args in (["draft", "show", ref], ["draft", "history", ref], ["opinion", "list", ref]):
        refused(cli, store, *args, message=f"lipctl: no draft with id {shown} — list the drafts with 'lipctl draft list'")
    refused(cli, store, "steering", "decide", ref, "--forward", "--without-opinions", "--reason", "x", message="no draft with id")


def test_digits_that_are_not_ascii_are_not_an_id(store: str, cli) -> None:
    refused(cli, store, "draft", "show", "²", message="'²' is not a draft reference")


COUNTS = ("--no", "0", "--abstain", "0", "--without-all-fields", "--reason", "vor der Sommerpause")


@pytest.mark.parametrize("option", ["--yes", "--present", "--members"])
def test_huge_tally_counts_are_refused(store: str, cli, option: str) -> None:
    values = {"--yes": "1", "--present": "1", "--members": "1"}
    for huge in (str(MAX_INT + 1), "99999999999999999999"):
        values[option] = huge
        args = [x for k, v in values.items() for x in (k, v)]
        refused(cli, store, "council", "tally", *args, *COUNTS, message=f"{option} {huge} is beyond what lipctl records")


def test_the_largest_count_is_stored(store: str, cli) -> None:
    big = str(MAX_INT)
    # the complete plan at the council: submitted, its opinions in, forwarded, adopted by the committee
    for args in (
        ("draft", "submit", "plan", "--without-all-fields", "--reason", "vor der Sommerpause"),
        ("opinion", "record", "plan", "--from", "integrationsbeiraete", "--stance", "approve", "--text", "ok"),
        ("opinion", "record", "plan", "--from", "runder-tisch", "--stance", "approve", "--text", "ok"),
        ("steering", "decide", "plan", "--forward", "--reason", "ok"),
        ("committee", "tally", "plan", "--yes", "9", "--no", "0", "--abstain", "0", "--present", "9", "--members", "15"),
    ):
        assert cli(*args).exit_code == ExitCode.OK, args
    result = cli("council", "tally", "--yes", big, "--present", big, "--members", big, *COUNTS)
    assert result.exit_code == ExitCode.OK, result.stderr
    (_committee, res) = rows(store, "resolutions")
    assert (res["yes"], res["present"], res["members"]) == (MAX_INT, MAX_INT, MAX_INT)


# --- surveys --------------------------------------------------------------------------------------


def import_json(cli, *args: str):
    result = cli("survey", "import", *args, "--format", "json")
    assert "unexpected error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    return result.exit_code, (json.loads(result.stdout) if result.stdout.strip() else None), result.stderr


def test_survey_name_at_and_beyond_its_limit(store: str, cli, tmp_path: Path) -> None:
    path = tmp_path / "umfrage.csv"
    path.write_bytes(csv_bytes([LS_HEADER, ls_row("1", "2020-06-15 10:00:00", "Bildung", "Idee", "Mehr Kurse")]))
    for n in (201, 500):
        refused(
            cli, store, "survey", "import", str(path), "--survey", "S" * n, message=f"--survey has {n} characters, more than 200"
        )
    refused(cli, store, "survey", "import", str(path), "--survey", "S\x00", message="--survey contains a NUL character")
    code, data, err = import_json(cli, str(path), "--survey", "S" * 200)
    assert code == ExitCode.OK, err
    assert data["imported"] == 1
    assert [s["name"] for s in rows(store, "surveys")] == ["S" * 200]


def test_bad_cells_after_64_kib_reject_their_rows_only(store: str, cli, tmp_path: Path) -> None:
    """A NUL byte and an escape sequence beyond the head the reader inspects, and dates out of range:
    each rejects its row with its line; every other row is stored, the same on both stores."""
    filler = [ls_row(str(i), "2020-06-15 10:00:00", "Bildung", "Idee", f"Antwort {i} " + "x" * 200) for i in range(1, 401)]
    bad = [
        ls_row("901", "2020-06-16 10:00:00", "Bildung", "Idee", "mit\x00NUL"),
        ls_row("902", "2020-06-16 10:00:00", "Bildung", "Idee", "mit \x1b]0;pwned\x07 Escape"),
        ls_row("903", OFFSET_DATE, "Bildung", "Idee", "Datum vor dem Jahr 1"),
        ls_row("904", "32.06.2020", "Bildung", "Idee", "kein Datum"),
        ls_row("905", "1900-01-01T00:30:00+01:00", "Bildung", "Idee", "1899 in UTC"),
        ls_row("906", "2020-06-17 10:00:00", "Bildung", "Idee", "gut\tmit Tab"),
    ]
    data_bytes = csv_bytes([LS_HEADER, *filler, *bad])
    assert data_bytes.index(b"\x00") > 64 * 1024, "the NUL must come after the head the reader inspects"
    path = tmp_path / "umfrage.csv"
    path.write_bytes(data_bytes)
    code, data, err = import_json(cli, str(path), "--survey", "Beteiligung 2020")
    assert code == ExitCode.IMPORT_REJECTED_ROWS, err
    assert (data["imported"], data["rejected"]) == (401, 5)
    first_bad = 402  # header on line 1, 400 filler rows
    assert [(r["line"], r["code"]) for r in data["files"][0]["rejects"]] == [
        (first_bad, "bad_text"),
        (first_bad + 1, "bad_text"),
        (first_bad + 2, "bad_date"),
        (first_bad + 3, "bad_date"),
        (first_bad + 4, "bad_date"),
    ]
    reasons = [r["reason"] for r in data["files"][0]["rejects"]]
    assert reasons[0] == "the text contains a NUL character"
    assert reasons[2] == f"the date '{OFFSET_DATE}' is outside the dates lipctl records (1900-01-01 to 2999-12-31, in UTC)"
    assert reasons[3] == "cannot read the date '32.06.2020' (write 2020-06-15 14:32:10 or 15.06.2020 14:32)"
    texts = [r["text"] for r in rows(store, "survey_responses")]
    assert len(texts) == 401 and "gut\tmit Tab" in texts
    assert not any("\x00" in t or "\x1b" in t for t in texts)


def test_a_nul_in_the_head_of_a_survey_file_rejects_its_row_too(store: str, cli, tmp_path: Path) -> None:
    """The reader inspects the first 64 KiB: a NUL there no longer refuses the whole file; a file of NULs still is."""
    path = tmp_path / "umfrage.csv"
    path.write_bytes(
        csv_bytes(
            [
                LS_HEADER,
                ls_row("1", "2020-06-15 10:00:00", "Bildung", "Idee", "mit\x00NUL"),
                ls_row("2", "2020-06-15 10:00:00", "Bildung", "Idee", "ohne"),
            ]
        )
    )
    code, data, err = import_json(cli, str(path), "--survey", "Beteiligung 2020")
    assert code == ExitCode.IMPORT_REJECTED_ROWS, err
    assert (data["imported"], data["rejected"], data["files"][0]["rejects"][0]["code"]) == (1, 1, "bad_text")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"id;text\r\n" + b"\x00" * 100)
    refused(cli, store, "survey", "import", str(binary), "--survey", "B", message="binary.csv is not a text file")


# --- bytes that are not UTF-8, from a real command line -------------------------------------------------


def run(db_url: str, *args: bytes | str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "LIPCTL_DB": db_url, "LIPCTL_LANG": "en", "LC_ALL": "C.UTF-8", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "lipctl", *args], capture_output=True, env=environment, cwd=REPO, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [b"draft", b"submit", b"bildung", b"--kind", b"grundsatzpapier", b"--title", b"Entwurf f\xfcr alle"],
            b"--title contains",
        ),
        ([b"draft", b"show", b"\xff"], b"REF contains"),
        ([b"survey", b"import", b"x.csv", b"--survey", b"Umfrage \xe4"], b"--survey contains"),
        ([b"survey", b"import", b"Umfrage \xe4.csv", b"--survey", b"x"], b"FILES contains"),
        ([b"--actor", b"M\xfcller", b"draft", b"submit", b"bildung", b"--kind", b"grundsatzpapier"], b"--actor contains"),
        ([b"--today", b"\xff", b"status"], b"--today '\\xff' is not a date"),
        ([b"steering", b"decide", b"1", b"--return", b"--without-opinions", b"--reason", b"\xe4"], b"--reason contains"),
    ],
)
def test_bytes_that_are_not_utf8_in_an_argument_are_refused(store: str, args: list[bytes], message: bytes) -> None:
    before = snapshot(store)
    result = run(store, *args)
    assert result.returncode == ExitCode.REFUSED, result.stderr
    assert message in result.stderr, result.stderr
    if b"not a date" not in message:
        assert b"bytes that are not UTF-8" in result.stderr and b"give it as UTF-8 text without NUL characters" in result.stderr
    assert b"unexpected error" not in result.stderr and b"Traceback" not in result.stderr
    assert snapshot(store) == before


def test_a_database_url_that_is_not_utf8_is_refused_without_showing_it(store: str) -> None:
    url = b"postgresql+psycopg://u:S3cr3t@127.0.0.1:1/x\xff"
    result = run(store, b"--db", url, b"fields")
    assert result.returncode == ExitCode.REFUSED
    assert result.stderr.startswith(b"lipctl: --db contains bytes that are not UTF-8 \xe2\x80\x94 give it as UTF-8 text")
    assert b"S3cr3t" not in result.stderr and b"unexpected error" not in result.stderr


def test_an_actor_that_is_not_utf8_from_the_environment_is_refused(store: str) -> None:
    before = snapshot(store)
    result = run(
        store, b"draft", b"submit", b"bildung", b"--kind", b"grundsatzpapier", env={"LIPCTL_ACTOR": os.fsdecode(b"M\xfcller")}
    )
    assert result.returncode == ExitCode.REFUSED
    assert b"--actor contains bytes that are not UTF-8: 'M\\xfcller'" in result.stderr
    assert snapshot(store) == before
