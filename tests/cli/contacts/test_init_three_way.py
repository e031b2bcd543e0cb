"""init and lipctl's own edits meet three-way (issue 18): the unchanged seed never reverts an edit, an edited
seed updates what nobody changed, both changed is a reported conflict with the edit kept; --dry-run stores
nothing. On both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.errors import ExitCode
from lipctl.services.seed import default_seed_path
from tests.helpers import engine_on, snapshot


@pytest.fixture
def office(db_url: str, seeded):
    return seeded


def seed_file(tmp_path: Path, change) -> Path:
    """The shipped seed with ``change(data)`` applied, as a file."""
    data = yaml.safe_load(default_seed_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def field(data: dict, slug: str) -> dict:
    return next(f for f in data["action_fields"] if f["slug"] == slug)


def body(data: dict, slug: str) -> dict:
    return next(b for b in data["bodies"] if b["slug"] == slug)


def contacts(office) -> dict[str, dict]:
    return {c["field"]: c for c in office.json("contacts")}


def bodies(office) -> dict[str, dict]:
    return {b["slug"]: b for b in office.json("bodies")}


def test_init_with_the_unchanged_seed_never_reverts_an_edit(office) -> None:
    office.json("field", "edit", "bildung", "--contact", "Erika Muster", "--email", "erika@example.org")
    office.json("field", "edit", "stadtverwaltung-diversitaet", "--external-speaker", "Nadia Ahmadi")
    office.json("body", "edit", "lenkungsgruppe", "--chair", "Sylvia Bruns", "--email", "lg@example.org", "--language", "en")
    edited = snapshot()

    result = office.json("init")
    assert (result["changes"], result["conflicts"]) == ([], [])
    assert snapshot() == edited
    got = contacts(office)
    assert (got["bildung"]["contact"], got["bildung"]["contact_email"]) == ("Erika Muster", "erika@example.org")
    assert got["stadtverwaltung-diversitaet"]["external_speaker"]["name"] == "Nadia Ahmadi"
    lg = bodies(office)["lenkungsgruppe"]
    assert (lg["chair"]["name"], lg["email"], lg["language"]) == ("Sylvia Bruns", "lg@example.org", "en")


def test_an_edited_seed_updates_what_nobody_changed_and_keeps_what_was_edited(office, tmp_path: Path) -> None:
    office.json("field", "edit", "bildung", "--email", "maya@example.org")

    def change(data: dict) -> None:
        field(data, "soziales")["contact"] = {"name": "Ali Yilmaz", "title": "Ansprechpartner", "email": "ali@example.org"}
        field(data, "demokratie")["contact"]["phone"] = "0511 168-1"
        body(data, "runder-tisch")["email"] = "runder-tisch@example.org"
        body(data, "rat")["chair"] = {"name": "Belit Onay", "title": "Oberbürgermeister"}

    result = office.json("init", "--seed", seed_file(tmp_path, change))
    assert result["conflicts"] == []
    assert {c["what"] for c in result["changes"]} >= {"soziales contact", "demokratie contact", "body runder-tisch email"}
    got = contacts(office)
    assert (got["soziales"]["contact"], got["soziales"]["contact_email"]) == ("Ali Yilmaz", "ali@example.org")
    assert got["demokratie"]["contact_phone"] == "0511 168-1"
    assert got["bildung"]["contact_email"] == "maya@example.org"  # the seed did not change it: the edit stays
    b = bodies(office)
    assert b["runder-tisch"]["email"] == "runder-tisch@example.org"
    assert b["rat"]["chair"] == {"name": "Belit Onay", "title": "Oberbürgermeister"}
    # and the shipped seed afterwards puts back what it changed, as nobody edited it in between
    back = office.json("init")
    assert back["conflicts"] == []
    assert contacts(office)["soziales"]["contact"] == "Maya Nyagolova"
    assert bodies(office)["rat"]["chair"] is None


def test_a_value_changed_in_both_is_kept_and_reported_as_a_conflict_until_settled(office, tmp_path: Path) -> None:
    office.json("field", "edit", "bildung", "--email", "maya@example.org")
    office.json("body", "edit", "lenkungsgruppe", "--chair", "Sylvia Bruns")

    def change(data: dict) -> None:
        field(data, "bildung")["contact"]["email"] = "bildung@example.org"
        body(data, "lenkungsgruppe")["chair"]["name"] = "Konstanze B."

    seed = seed_file(tmp_path, change)
    conflicts = [
        {
            "what": "field.bildung.contact.email",
            "seed_before": None,
            "seed_recorded": True,
            "seed": "bildung@example.org",
            "kept": "maya@example.org",
        },
        {
            "what": "body.lenkungsgruppe.chair.name",
            "seed_before": "Konstanze Beckedorf",
            "seed_recorded": True,
            "seed": "Konstanze B.",
            "kept": "Sylvia Bruns",
        },
    ]
    first = office.json("init", "--seed", seed)
    assert first["conflicts"] == conflicts
    assert contacts(office)["bildung"]["contact_email"] == "maya@example.org"
    assert bodies(office)["lenkungsgruppe"]["chair"]["name"] == "Sylvia Bruns"
    logged = _events("seed.loaded")[-1]
    assert logged["conflicts"] == conflicts

    table = office("init", "--seed", seed)  # reported again: nothing settled it
    assert table.exit_code == ExitCode.OK
    assert "2 conflicts" in table.stderr and "field.bildung.contact.email" in table.stdout

    # settled by setting the seed's value in lipctl: no conflict any more
    office.json("field", "edit", "bildung", "--email", "bildung@example.org")
    office.json("body", "edit", "lenkungsgruppe", "--chair", "Konstanze B.")
    assert office.json("init", "--seed", seed)["conflicts"] == []


def test_dry_run_shows_changes_and_conflicts_and_stores_nothing(office, tmp_path: Path) -> None:
    office.json("field", "edit", "bildung", "--email", "maya@example.org")

    def change(data: dict) -> None:
        field(data, "bildung")["contact"]["email"] = "bildung@example.org"
        body(data, "rat")["email"] = "rat@example.org"

    seed = seed_file(tmp_path, change)
    before = snapshot()
    result = office.json("init", "--seed", seed, "--dry-run")
    assert result["dry_run"] is True
    assert result["changes"] == [{"change": "updated", "what": "body rat email"}]
    assert [c["what"] for c in result["conflicts"]] == ["field.bildung.contact.email"]
    assert snapshot() == before
    table = office("init", "--seed", seed, "--dry-run")
    assert table.exit_code == ExitCode.OK
    assert "1 change would be made" in table.stderr and "1 conflict" in table.stderr
    assert snapshot() == before
    nothing = office("init", "--dry-run")
    assert nothing.exit_code == ExitCode.OK and "nothing would change" in nothing.stderr


def test_dry_run_on_a_database_that_does_not_exist_is_refused(db_url: str, cli) -> None:
    result = cli("init", "--dry-run")
    assert result.exit_code == ExitCode.REFUSED
    assert "run 'lipctl init'" in result.stderr  # SQLite: no file; PostgreSQL: no schema


def test_a_chair_on_the_roster_is_not_removed_by_init(office) -> None:
    assert office("member", "add", "rat", "Belit Onay", "--role", "chair", "--from", "2021-01-04").exit_code == ExitCode.OK
    assert office.json("init")["changes"] == []
    roster = office.json("member", "list", "rat")["members"]
    assert [(r["name"], r["role"], r["from"]) for r in roster] == [("Belit Onay", "chair", "2021-01-04")]


def test_a_seed_with_an_address_that_is_not_one_is_refused_naming_the_key(office, tmp_path: Path) -> None:
    seed = seed_file(tmp_path, lambda data: body(data, "rat").update(email="rat at hannover"))
    before = snapshot()
    result = office("init", "--seed", seed)
    assert result.exit_code == ExitCode.REFUSED
    assert "bodies[1].email: email 'rat at hannover' is not an e-mail address" in result.stderr
    assert snapshot() == before


def test_an_address_for_a_vacant_contact_is_refused(office, tmp_path: Path) -> None:
    seed = seed_file(tmp_path, lambda data: field(data, "bildung").update(contact={"name": "N.n."}))
    assert office("init", "--seed", seed).exit_code == ExitCode.OK
    before = snapshot()
    result = office("field", "edit", "bildung", "--email", "bildung@example.org")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == (
        "lipctl: the contact of bildung is vacant: an address or phone needs a person — name the contact with --contact NAME\n"
    )
    assert snapshot() == before
    row = office.json("field", "edit", "bildung", "--contact", "Erika Muster", "--email", "bildung@example.org")
    assert (row["contact"], row["contact_email"]) == ("Erika Muster", "bildung@example.org")


def _events(action: str) -> list[dict]:
    from lipctl.store import models as m

    engine = engine_on()
    try:
        with Session(engine) as s:
            rows = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action).order_by(m.AuditEvent.id))
            return [json.loads(e.details or "{}") for e in rows]
    finally:
        engine.dispose()
