"""Fixtures for the survey tests: CSV files written byte by byte, and a look into the store."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

LS_HEADER = [
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "token",
    "ipaddr",
    "refurl",
    "G01Q01",
    "G01Q02",
    "G01Q02[other]",
    "G01Q03",
]


def ls_row(
    rid: str,
    submit: str,
    field: str,
    category: str,
    text: str,
    *,
    other: str = "",
    ip: str = "10.1.2.3",
    token: str = "tok-secret",
) -> list[str]:
    """A LimeSurvey response: standard columns, personal columns, field, category, [other], text."""
    return [
        rid,
        submit,
        "3",
        "de",
        "4711",
        token,
        ip,
        "https://example.org/?mail=erika@example.org",
        field,
        category,
        other,
        text,
    ]


def csv_bytes(
    rows: Sequence[Sequence[str]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
    bom: bool = False,
    newline: str = "\r\n",
    quote_all: bool = True,
) -> bytes:
    """A CSV file as an exporter writes it (quotes doubled, every or only needed fields quoted)."""

    def cell(value: str) -> str:
        if quote_all or any(ch in value for ch in (delimiter, '"', "\r", "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    text = "".join(delimiter.join(cell(c) for c in row) + newline for row in rows)
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.fixture
def write(tmp_path: Path):  # noqa: ANN201
    """write(name, bytes) -> path of the new file."""

    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write


def db_path() -> str:
    return os.environ["LIPCTL_DB"]


def stored() -> list[dict]:
    """Every stored response, in file order, with field and category slugs."""
    con = sqlite3.connect(db_path())
    con.row_factory = sqlite3.Row
    rows = con.execute(
        "SELECT r.response_key, f.slug AS field, c.slug AS category, r.text, substr(r.submitted_at, 1, 19) AS submitted_at, r.line, s.name AS survey "
        "FROM survey_responses r JOIN surveys s ON s.id = r.survey_id JOIN action_fields f ON f.id = r.field_id "
        "LEFT JOIN survey_categories c ON c.id = r.category_id ORDER BY r.id"
    ).fetchall()
    con.close()
    return [dict(r) for r in rows]


def whole_db_text() -> bytes:
    """Every value of every table, for 'this never reached the database' checks."""
    con = sqlite3.connect(db_path())
    parts = []
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in con.execute(f'SELECT * FROM "{table}"'):
            parts.append(repr(row))
    con.close()
    return "\n".join(parts).encode()
