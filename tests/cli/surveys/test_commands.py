"""survey list, stats and export: what the office and the expert groups see."""

from __future__ import annotations

import csv
import io
import json

from lipctl.errors import ExitCode
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row


def imported(seeded, write):  # noqa: ANN001, ANN201
    first = [
        LS_HEADER,
        ls_row("1", "2020-06-15 14:32:10", "Bildung", "Idee", "=SUMME(A1:A9)"),
        ls_row("2", "2020-06-15 15:00:00", "Bildung", "Kritik", "Zu wenige Kitaplätze;\r\nbitte ändern"),
        ls_row("3", "2020-06-16 09:00:00", "Wirtschaft", "", "Anerkennung von Abschlüssen"),
    ]
    second = [LS_HEADER, ls_row("1", "2020-07-01 10:00:00", "Bildung", "Wunsch", "@Ratsbüro: mehr Sprachkurse")]
    a = write("a.csv", csv_bytes(first, bom=True))
    b = write("b.csv", csv_bytes(second, bom=True))
    assert seeded("survey", "import", str(a), "--survey", "Beteiligung 2020").exit_code == ExitCode.OK
    assert seeded("survey", "import", str(b), "--survey", "Jugend 2020").exit_code == ExitCode.OK
    return seeded


def test_list(seeded, write) -> None:
    cli = imported(seeded, write)
    rows = cli.json("survey", "list")
    assert [(r["name"], r["responses"], r["imports"]) for r in rows] == [("Beteiligung 2020", 3, 1), ("Jugend 2020", 1, 1)]
    assert all(r["last_import"] for r in rows)


def test_stats_json_shape(seeded, write) -> None:
    cli = imported(seeded, write)
    data = cli.json("survey", "stats")
    assert data == {
        "survey": None,
        "total": 4,
        "by_field": {
            "bildung": 3,
            "soziales": 0,
            "demokratie": 0,
            "stadtleben-kultur": 0,
            "wirtschaft": 1,
            "stadtverwaltung-diversitaet": 0,
        },
        "by_category": {"idee": 1, "wunsch": 1, "kritik": 1, "none": 1},
        "outside_period": {},  # issue 18: no survey has a period
    }
    one = cli.json("survey", "stats", "--survey", "beteiligung 2020")
    assert (one["survey"], one["total"], one["by_field"]["bildung"]) == ("Beteiligung 2020", 3, 2)


def test_stats_table_by_category(seeded, write) -> None:
    cli = imported(seeded, write)
    result = cli("survey", "stats", "--by", "category")
    assert result.exit_code == ExitCode.OK
    assert "kritik" in result.stdout and "1 (25 %)" in result.stdout and "total: 4" in result.stdout


def test_stats_unknown_survey(seeded) -> None:
    result = seeded("survey", "stats", "--survey", "Nope")
    assert result.exit_code == ExitCode.REFUSED
    assert "no survey 'Nope'" in result.stderr


def test_export_csv_guards_formulas_and_keeps_text(seeded, write) -> None:
    cli = imported(seeded, write)
    result = cli("survey", "export", "--field", "Bildung", "--format", "csv")
    assert result.exit_code == ExitCode.OK
    # stdout_bytes: Click's Result.stdout turns \r\n into \n
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8"), newline="")))
    assert [(r["survey"], r["category"], r["text"]) for r in rows] == [
        ("Beteiligung 2020", "idee", "'=SUMME(A1:A9)"),
        ("Beteiligung 2020", "kritik", "Zu wenige Kitaplätze;\r\nbitte ändern"),
        ("Jugend 2020", "wunsch", "'@Ratsbüro: mehr Sprachkurse"),
    ]


def test_export_json_stores_text_as_it_came(seeded, write) -> None:
    cli = imported(seeded, write)
    rows = cli.json("survey", "export", "--field", "bildung", "--survey", "Beteiligung 2020")
    assert [r["text"] for r in rows] == ["=SUMME(A1:A9)", "Zu wenige Kitaplätze;\r\nbitte ändern"]
    assert rows[0]["submitted_at"] == "2020-06-15T14:32:10"
    assert set(rows[0]) == {"id", "survey", "field", "category", "submitted_at", "text"}


def test_export_markdown(seeded, write) -> None:
    cli = imported(seeded, write)
    result = cli("survey", "export", "--field", "wirtschaft", "--format", "markdown")
    assert result.exit_code == ExitCode.OK
    assert "| Anerkennung von Abschlüssen |" in result.stdout


def test_export_unknown_field(seeded) -> None:
    result = seeded("survey", "export", "--field", "Sport")
    assert result.exit_code == ExitCode.REFUSED
    assert "no action field 'Sport'" in result.stderr


def test_json_import_prints_only_json(seeded, write) -> None:
    path = write("a.csv", csv_bytes([LS_HEADER, ls_row("1", "2020-06-15 14:32:10", "Bildung", "Idee", "x")], bom=True))
    result = seeded("survey", "import", str(path), "--survey", "S", "--format", "json")
    assert result.exit_code == ExitCode.OK
    assert json.loads(result.stdout)["imported"] == 1
    assert result.stderr == ""
