"""The survey import on both stores: SQLite and a real PostgreSQL server."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from lipctl.errors import ExitCode
from lipctl.store import models as m
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.helpers import engine_on

TEXT = 'Mehr "Sprachkurse";\r\nauch für Eltern – «bitte»'


def test_import_reimport_stats_export_on_both_stores(db_url: str, cli, write) -> None:
    assert cli("init").exit_code == ExitCode.OK
    rows = [LS_HEADER]
    rows += [
        ls_row(str(i), "2020-06-15 14:32:10", "Bildung" if i % 2 else "Soziales", "Idee", f"{TEXT} {i}") for i in range(1, 4501)
    ]
    rows.append(ls_row("4501", "", "", "", ""))  # incomplete
    rows.append(ls_row("4502", "15.06.2020 14:32", "Sport", "Idee", "x"))  # rejected
    rows.append(ls_row("7", "2020-06-15 14:32:10", "Bildung", "Idee", "the same id again"))  # a duplicate, in another batch
    path = write("big.csv", csv_bytes(rows, bom=True))

    dry = cli("survey", "import", str(path), "--survey", "S", "--dry-run", "--format", "json")
    engine = engine_on(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.SurveyResponse)).scalar_one() == 0
    first = cli("survey", "import", str(path), "--survey", "S", "--format", "json")
    assert first.exit_code == ExitCode.IMPORT_REJECTED_ROWS
    a = json.loads(first.stdout)["files"][0]
    assert (a["rows_read"], a["imported"], a["duplicates"], a["rejected"], a["skipped"]) == (4503, 4500, 1, 1, 1)
    assert a["rejects"] == [
        {"line": 1 + 4500 * 2 + 2, "reason": "unknown action field 'Sport'", "code": "unknown_field", "known": False}
    ]
    assert json.loads(dry.stdout)["files"][0]["imported"] == 4500

    second = json.loads(cli("survey", "import", str(path), "--survey", "S", "--format", "json").stdout)["files"][0]
    assert (second["imported"], second["duplicates"]) == (0, 4501)

    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.SurveyResponse)).scalar_one() == 4500
        text, line = conn.execute(
            select(m.SurveyResponse.text, m.SurveyResponse.line).where(m.SurveyResponse.response_key == "7")
        ).one()
        assert (text, line) == (f"{TEXT} 7", 2 + 6 * 2)  # every earlier row spans two physical lines
        assert conn.execute(select(func.count()).select_from(m.ImportBatch)).scalar_one() == 2
        assert (
            conn.execute(
                select(func.count()).select_from(m.AuditEvent).where(m.AuditEvent.action == "survey.imported")
            ).scalar_one()
            == 2
        )
    engine.dispose()

    stats = cli.json("survey", "stats", "--survey", "S")
    assert (stats["total"], stats["by_field"]["bildung"], stats["by_field"]["soziales"]) == (4500, 2250, 2250)
    exported = cli.json("survey", "export", "--field", "soziales")
    assert len(exported) == 2250 and exported[0]["text"] == f"{TEXT} 2"
    assert (exported[0]["survey"], exported[0]["field"], exported[0]["category"]) == ("S", "soziales", "idee")
    assert exported[0]["submitted_at"].startswith("2020-06-15T14:32:10")
    [listed] = cli.json("survey", "list")
    assert (listed["name"], listed["responses"], listed["imports"]) == ("S", 4500, 2)
    assert listed["last_import"] is not None and listed["last_import"] >= listed["created_at"]

    bad = write("bad.csv", b"\x00\x01\x02")
    assert cli("survey", "import", str(path), str(bad), "--survey", "S").exit_code == ExitCode.REFUSED


def test_export_orders_by_date_with_undated_answers_last_on_both_stores(db_url: str, cli, write) -> None:
    assert cli("init").exit_code == ExitCode.OK
    rows = [
        ["Datum", "Handlungsfeld", "Kategorie", "Anregung"],
        ["", "Bildung", "Idee", "ohne Datum"],
        ["15.06.2020 14:32", "Bildung", "Idee", "mit Datum"],
        ["14.06.2020", "Bildung", "Kritik", "früher"],
    ]
    path = write("sheet.csv", csv_bytes(rows))
    assert cli("survey", "import", str(path), "--survey", "S").exit_code == ExitCode.OK
    exported = cli.json("survey", "export", "--field", "bildung")
    assert [(e["text"], e["submitted_at"]) for e in exported] == [
        ("früher", "2020-06-14T00:00:00"),
        ("mit Datum", "2020-06-15T14:32:00"),
        ("ohne Datum", None),
    ]


def test_a_survey_named_with_an_umlaut_is_found_in_any_case_on_both_stores(db_url: str, cli, write) -> None:
    """SQLite's lower() folds ASCII only: the name is compared in Python, so 'Übung' is 'ÜBUNG' and 'übung' on both stores."""
    assert cli("init").exit_code == ExitCode.OK
    path = write("a.csv", csv_bytes([LS_HEADER, ls_row("1", "2020-06-15 14:32:10", "Bildung", "Idee", "gut")], bom=True))
    first = cli("survey", "import", str(path), "--survey", "Übung 2020")
    assert first.exit_code == ExitCode.OK, first.stderr
    for spelling in ("Übung 2020", "ÜBUNG 2020", "übung 2020"):
        again = cli("survey", "import", str(path), "--survey", spelling, "--format", "json")
        assert again.exit_code == ExitCode.OK, again.stderr
        assert json.loads(again.stdout)["files"][0]["duplicates"] == 1
    engine = engine_on(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(m.Survey.name)).scalars().all() == ["Übung 2020"]
    engine.dispose()
    for spelling in ("übung 2020", "ÜBUNG 2020"):
        shown = cli("survey", "stats", "--survey", spelling)
        assert shown.exit_code == ExitCode.OK, shown.stderr
