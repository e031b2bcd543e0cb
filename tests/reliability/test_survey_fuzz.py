"""Hypothesis: the importer never shows a traceback, never half-imports an unreadable file, and its
counts always add up (rows_read == imported + duplicates + rejected + skipped)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lipctl.errors import ExitCode
from tests.conftest import Cli
from tests.fixtures.surveys import csv_bytes
from tests.helpers import counts

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """One initialised database for all examples of a test (each example checks the growth)."""
    cli = Cli()
    assert cli("init").exit_code == ExitCode.OK
    return cli


def check(cli: Cli, file: Path, db_path: str) -> dict | None:
    before = counts(db_path)
    result = cli("survey", "import", str(file), "--survey", "Fuzz", "--format", "json")
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr, result.stderr
    if result.exit_code == ExitCode.REFUSED:
        assert result.stdout == ""
        assert counts(db_path) == before  # an unreadable file changes nothing: no rows, no batch, no survey, no event
        return None
    assert result.exit_code in (ExitCode.OK, ExitCode.IMPORT_REJECTED_ROWS), result.stderr
    data = json.loads(result.stdout)
    for f in data["files"]:
        assert f["rows_read"] == f["imported"] + f["duplicates"] + f["rejected"] + f["skipped"]
        assert f["known_rejects"] + f["new_rejects"] == f["rejected"]
        assert len(f["rejects"]) == f["rejected"]
        assert sum(r["known"] for r in f["rejects"]) == f["known_rejects"]
    # exit 3 for rejects not reported before; a re-import's known rejects do not fail it again
    assert (data["new_rejects"] > 0) == (result.exit_code == ExitCode.IMPORT_REJECTED_ROWS)
    after = counts(db_path)
    assert after["survey_responses"] == before["survey_responses"] + data["imported"]
    # one batch and one audit event per file
    assert after["import_batches"] == before["import_batches"] + 1 and after["audit_events"] == before["audit_events"] + 1
    return data


@SETTINGS
@given(content=st.binary(max_size=600))
def test_random_bytes(db: Cli, tmp_path: Path, content: bytes) -> None:
    file = tmp_path / "random.csv"
    file.write_bytes(content)
    check(db, file, str(tmp_path / "lip.db"))


# Text as people type it: any letters, quotes, delimiters and line breaks; no control characters.
CELL = st.text(st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\r\n\t\"';,"), max_size=30)
FIELD = st.sampled_from(["Bildung", "bildung", "Soziales", "Stadtleben", "Sport", "", "DEMOKRATIE", "Wirtschaft"])
CATEGORY = st.sampled_from(["Idee", "Wunsch", "kritik", "", "Lob", "-oth-"])
DATE = st.sampled_from(["2020-06-15 14:32:10", "15.06.2020 14:32", "15.06.2020", "", "morgen", "2020-02-30"])
ROW = st.tuples(st.sampled_from(["1", "2", "3", "", "x"]), DATE, FIELD, CATEGORY, st.sampled_from(["", "Wunsch", "Lob"]), CELL)


@SETTINGS
@given(
    rows=st.lists(ROW, max_size=15),
    delimiter=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    newline=st.sampled_from(["\r\n", "\n"]),
    short=st.sets(st.integers(0, 14)),
)
def test_random_well_formed_csv(
    db: Cli, tmp_path: Path, rows, delimiter: str, encoding: str, newline: str, short: set[int]
) -> None:  # noqa: ANN001
    header = ["id", "submitdate", "lastpage", "startlanguage", "G01Q01", "G01Q02", "G01Q02[other]", "G01Q03"]
    body = []
    for i, (rid, date, field, category, other, text) in enumerate(rows):
        row = [rid, date, "3", "de", field, category, other, text]
        body.append(row[:5] if i in short else row)
    try:
        content = csv_bytes(
            [header, *body],
            delimiter=delimiter,
            encoding="utf-8" if encoding == "utf-8-sig" else encoding,
            bom=encoding == "utf-8-sig",
            newline=newline,
        )
    except UnicodeEncodeError:
        content = csv_bytes([header, *body], delimiter=delimiter, bom=True, newline=newline)
    file = tmp_path / "wellformed.csv"
    file.write_bytes(content)
    db_path = str(tmp_path / "lip.db")
    data = check(db, file, db_path)
    assert data is not None  # a well-formed file with a header is always readable
    f = data["files"][0]
    assert f["rows_read"] == len(rows) - sum(1 for r in body if not "".join(r).strip())
    again = check(db, file, db_path)
    assert again is not None and again["imported"] == 0  # idempotent
    assert again["files"][0]["duplicates"] == f["imported"] + f["duplicates"]
