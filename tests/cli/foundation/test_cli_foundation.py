"""init, fields, contacts, bodies, log — and the refusals every later command relies on."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
import yaml

from lipctl.errors import ExitCode
from lipctl.store.schema import HEAD
from tests.helpers import counts

SEED = Path(__file__).resolve().parents[3] / "data" / "seed.yaml"


def test_init_creates_the_database_and_fields_lists_six(cli, isolated: Path) -> None:
    result = cli("init")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "6 action fields" in result.stderr
    result = cli("--lang", "de", "fields")  # the seed's German names; English mode shows its name_en
    assert result.exit_code == ExitCode.OK
    for name in ("Bildung", "Wirtschaft", "Soziales", "Stadtleben und Kultur", "Demokratie", "Stadtverwaltung und Diversität"):
        assert name in result.stdout
    rows = cli.json("fields")
    assert [r["slug"] for r in rows] == [
        "bildung",
        "soziales",
        "demokratie",
        "stadtleben-kultur",
        "wirtschaft",
        "stadtverwaltung-diversitaet",
    ]
    assert rows[0]["documents"] == [
        {"kind": "grundsatzpapier", "version": None, "state": None},
        {"kind": "massnahmenkatalog", "version": None, "state": None},
    ]


def test_init_again_changes_nothing(seeded, isolated: Path) -> None:
    before = counts(isolated / "lip.db")
    result = seeded("init")
    assert result.exit_code == ExitCode.OK
    assert "nothing changed" in result.stderr
    assert counts(isolated / "lip.db") == before


def test_contacts_json_is_exactly_the_seed(seeded) -> None:
    rows = seeded.json("contacts")
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    expected = []
    for f in seed["action_fields"]:

        def person(p):  # noqa: ANN001, ANN202
            return None if p is None else {"name": p["name"], "unit": p.get("unit")}

        expected.append(
            {
                "field": f["slug"],
                "field_name": f["name"],
                "field_name_en": f["name_en"],
                "contact": f["contact"]["name"],
                "contact_title": f["contact"]["title"],
                "contact_email": f["contact"]["email"],  # issue 18
                "contact_phone": f["contact"]["phone"],
                "internal_speaker": person(f["internal_speaker"]),
                "external_speaker": person(f["external_speaker"]),
            }
        )
    assert rows == expected
    vacant = rows[-1]
    assert vacant["field_name"] == "Stadtverwaltung und Diversität"
    assert vacant["external_speaker"] is None


@pytest.mark.parametrize("query", ["stadtleben", "Stadtleben", "STADTLEBEN UND KULTUR", "stadtleben-kultur", "Kultur"])
def test_contacts_by_alias_name_or_slug(seeded, query: str) -> None:
    result = seeded("--lang", "de", "contacts", query)  # German mode shows the seed's German name
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "Stadtleben und Kultur" in result.stdout
    assert "Björn Schönfeld" in result.stdout
    assert "Bildung" not in result.stdout


def test_vacant_speaker_is_shown_as_vacant(seeded) -> None:
    result = seeded("contacts", "Stadtverwaltung")
    assert "vacant (N.n.)" in result.stdout


def test_unknown_field_lists_the_valid_ones(seeded) -> None:
    result = seeded("contacts", "Sport")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line
    assert line == (
        "lipctl: no action field 'Sport' — valid: bildung, soziales, demokratie, stadtleben-kultur, wirtschaft, "
        "stadtverwaltung-diversitaet"
    )
    assert "Traceback" not in result.stderr


def test_bodies_show_the_steering_group(seeded) -> None:
    bodies = {b["slug"]: b for b in seeded.json("bodies")}
    steering = bodies["lenkungsgruppe"]
    assert [(c["name"], c["seats"]) for c in steering["seat_categories"]] == [
        ("Fachbereichsleiter*innen", 12),
        ("Vertreter*innen der Zivilgesellschaft", 10),
        ("Delegierte*r der Integrationsbeiräte", 1),
    ]
    assert steering["seats"] == 23
    assert steering["chair"] == {"name": "Konstanze Beckedorf", "title": "Sozial- und Sportdezernentin"}
    assert bodies["integrationsbeiraete"]["opinion_required"] is True
    assert bodies["runder-tisch"]["opinion_deadline_days"] == 28
    assert bodies["internationaler-ausschuss"]["decides_on"] == ["document", "plan"]  # the plan: committee, then council
    assert bodies["rat"]["decides_on"] == ["plan"]
    assert bodies["expertinnengruppe-bildung"]["field"] == "bildung"
    assert len(bodies) == 11


@pytest.mark.parametrize("fmt", ["csv", "markdown", "table"])
def test_other_formats(seeded, fmt: str) -> None:
    result = seeded("contacts", "--format", fmt)
    assert result.exit_code == ExitCode.OK
    assert "Helga Barbara Gundlach" in result.stdout
    if fmt == "csv":
        assert result.stdout.splitlines()[0] == "field_name,contact,contact_email,contact_phone,internal_speaker,external_speaker"
    if fmt == "markdown":
        assert result.stdout.startswith("| Action field |")


def test_a_changed_contact_is_updated_and_logged(seeded, isolated: Path) -> None:
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    seed["action_fields"][5]["external_speaker"] = {"name": "Anna Beispiel"}
    other = isolated / "changed.yaml"
    other.write_text(yaml.safe_dump(seed, allow_unicode=True), encoding="utf-8")
    result = seeded("--actor", "office", "init", "--seed", str(other))
    assert result.exit_code == ExitCode.OK, result.stderr
    rows = seeded.json("contacts", "stadtverwaltung-diversitaet")
    assert rows[0]["external_speaker"] == {"name": "Anna Beispiel", "unit": None}
    events = [e for e in seeded.json("log") if e["action"] == "contact.changed"]
    assert len(events) == 1
    assert events[0]["actor"] == "office"
    assert events[0]["command"] == "init"
    assert events[0]["details"] == {
        "field": "stadtverwaltung-diversitaet",
        "role": "external_speaker",
        "after": {"name": "Anna Beispiel", "unit": None, "title": None},
    }


def test_a_seed_with_a_typo_is_refused_and_changes_nothing(seeded, isolated: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace("rule_set: nkomvg\n  - slug: rat", "rule_set: nkomgv\n  - slug: rat", 1)
    bad = isolated / "typo.yaml"
    bad.write_text(text, encoding="utf-8")
    before = counts(isolated / "lip.db")
    result = seeded("init", "--seed", str(bad))
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.strip() == (
        f"lipctl: {bad}: bodies[0].rule_set: no rule set 'nkomgv'; defined: absolute-majority, nkomvg, "
        "two-thirds-of-present, two-thirds-of-votes-cast — fix the seed file and run 'lipctl init' again"
    )
    assert counts(isolated / "lip.db") == before


def test_a_seed_that_is_not_yaml_names_the_line(cli, isolated: Path) -> None:
    bad = isolated / "broken.yaml"
    bad.write_text("format: 1\nprocess:\n  name: [unclosed\n", encoding="utf-8")
    result = cli("init", "--seed", str(bad))
    assert result.exit_code == ExitCode.REFUSED
    assert f"{bad}: line " in result.stderr
    assert "not valid YAML" in result.stderr
    assert not (isolated / "lip.db").exists(), "a refused seed must not even create the database"


def test_missing_seed_file(cli, isolated: Path) -> None:
    result = cli("init", "--seed", str(isolated / "nope.yaml"))
    assert result.exit_code == ExitCode.REFUSED
    assert "seed file" in result.stderr and "not found" in result.stderr


def test_commands_before_init_say_what_to_do(cli, isolated: Path) -> None:
    result = cli("contacts")
    assert result.exit_code == ExitCode.REFUSED
    assert "run 'lipctl init' first" in result.stderr
    assert not (isolated / "lip.db").exists()


def test_a_database_of_a_newer_schema_is_refused_and_not_touched(seeded, isolated: Path) -> None:
    db = isolated / "lip.db"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = counts(db)
    raw = db.read_bytes()
    for args in (["contacts"], ["init"], ["log"]):
        result = seeded(*args)
        assert result.exit_code == ExitCode.REFUSED, args
        assert "schema version 9999, written by a newer lipctl" in result.stderr
        assert "install the newer lipctl" in result.stderr
    assert counts(db) == before
    assert db.read_bytes() == raw


def test_unreachable_postgres_never_shows_the_password(cli) -> None:
    url = "postgresql+psycopg://office:S3cr3t%25pw@127.0.0.1:1/lip"
    for args in (["--db", url, "contacts"], ["--db", url, "init"]):
        result = cli(*args)
        assert result.exit_code == ExitCode.REFUSED
        assert "cannot open the database postgresql+psycopg://office:***@127.0.0.1:1/lip" in result.stderr
        for secret in ("S3cr3t", "S3cr3t%pw", "S3cr3t%25pw"):
            assert secret not in result.stderr + result.stdout


def test_database_file_is_private(cli, isolated: Path) -> None:
    assert cli("init").exit_code == ExitCode.OK
    mode = stat.S_IMODE(os.stat(isolated / "lip.db").st_mode)
    assert mode == 0o600


def test_default_location_is_the_user_data_folder(cli, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIPCTL_DB")
    result = cli("init")
    assert result.exit_code == ExitCode.OK, result.stderr
    db = isolated / "xdg-data" / "lipctl" / "lipctl.db"
    assert db.exists()
    assert stat.S_IMODE(os.stat(db.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600


def test_db_in_a_missing_folder_is_refused(cli, isolated: Path) -> None:
    result = cli("--db", str(isolated / "no" / "such" / "lip.db"), "init")
    assert result.exit_code == ExitCode.REFUSED
    assert "does not exist" in result.stderr
    assert not (isolated / "no").exists()


def test_bad_today_is_refused(seeded) -> None:
    result = seeded(
        "--today", "01/02/2021", "contacts"
    )  # ISO and German forms are dates (tests/reliability/test_hostile_limits.py)
    assert result.exit_code == ExitCode.REFUSED
    assert "is not a date" in result.stderr and "YYYY-MM-DD" in result.stderr


def test_usage_error_exits_2(seeded) -> None:
    result = seeded("contacts", "--format", "yaml")
    assert result.exit_code == ExitCode.USAGE


def test_log_lists_init(seeded) -> None:
    events = seeded.json("log")
    assert [e["action"] for e in events] == ["schema.upgraded", "seed.loaded"]
    assert events[0]["actor"] == "tester"
    assert events[0]["details"] == {"after": HEAD}
    assert json.loads(json.dumps(events))  # plain JSON


def test_audit_log_is_append_only_in_the_database(seeded, isolated: Path) -> None:
    with sqlite3.connect(isolated / "lip.db") as conn:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM audit_events")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit_events SET actor = 'someone else'")
