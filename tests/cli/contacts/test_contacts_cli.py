"""lipctl field edit, body edit --chair/--email/--language, contacts/bodies JSON (issue 18), on both stores."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.errors import ExitCode
from lipctl.store import models as m
from tests.helpers import engine_on, snapshot


@pytest.fixture
def office(db_url: str, seeded):
    """The CLI on a store (SQLite or PostgreSQL) initialised with the shipped seed."""
    return seeded


def events(action: str) -> list[dict]:
    engine = engine_on()
    try:
        with Session(engine) as s:
            return [
                json.loads(e.details or "{}")
                for e in s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action).order_by(m.AuditEvent.id))
            ]
    finally:
        engine.dispose()


def contact(office, field: str) -> dict:
    (row,) = office.json("contacts", field)
    return row


def test_field_edit_gives_the_contact_an_address_and_phone_and_contacts_json_shows_them(office) -> None:
    row = office.json("field", "edit", "bildung", "--email", " Maya.Nyagolova@Hannover-Stadt.de ", "--phone", "+49 511  168-0")
    assert row["changes"] == [
        {"what": "contact_email", "before": None, "after": "Maya.Nyagolova@Hannover-Stadt.de"},
        {"what": "contact_phone", "before": None, "after": "+49 511 168-0"},
    ]
    got = contact(office, "bildung")
    assert (got["contact"], got["contact_email"], got["contact_phone"]) == (
        "Maya Nyagolova",
        "Maya.Nyagolova@Hannover-Stadt.de",
        "+49 511 168-0",
    )
    assert contact(office, "soziales")["contact_email"] is None  # the same person, another field's contact
    assert events("field.edited") == [{"field": "bildung", "changes": row["changes"]}]
    table = office("contacts", "bildung")
    assert "Maya.Nyagolova@Hannover-Stadt.de" in table.stdout


def test_a_new_contact_starts_without_the_former_ones_address(office) -> None:
    office.json("field", "edit", "bildung", "--email", "maya@example.org", "--phone", "0511 1")
    row = office.json("field", "edit", "bildung", "--contact", "Erika Muster")
    assert row["changes"] == [
        {"what": "contact", "before": "Maya Nyagolova", "after": "Erika Muster"},
        {"what": "contact_email", "before": "maya@example.org", "after": None},
        {"what": "contact_phone", "before": "0511 1", "after": None},
    ]
    row = office.json("field", "edit", "bildung", "--contact", "Max Muster", "--email", "max@example.org")
    assert (row["contact"], row["contact_email"], row["contact_phone"]) == ("Max Muster", "max@example.org", None)
    assert contact(office, "bildung")["contact_title"] == "Ansprechpartnerin"  # the role's wording stays


def test_field_edit_changes_the_speakers_and_marks_a_post_vacant(office) -> None:
    row = office.json(
        "field", "edit", "stadtverwaltung-diversitaet", "--internal-speaker", "Eva Beispiel", "--unit", "Fachbereich Personal",
        "--external-speaker", "Nadia Ahmadi",
    )  # fmt: skip
    assert row["changes"] == [
        {"what": "internal_speaker", "before": "Helga Diers", "after": "Eva Beispiel"},
        {"what": "internal_speaker_unit", "before": "Fachbereich Personal und Organisation", "after": "Fachbereich Personal"},
        {"what": "external_speaker", "before": None, "after": "Nadia Ahmadi"},
    ]
    got = contact(office, "Stadtverwaltung")
    assert got["internal_speaker"] == {"name": "Eva Beispiel", "unit": "Fachbereich Personal"}
    assert got["external_speaker"] == {"name": "Nadia Ahmadi", "unit": None}
    office.json("field", "edit", "stadtverwaltung-diversitaet", "--vacant")
    assert contact(office, "Stadtverwaltung")["external_speaker"] is None
    assert len(events("field.edited")) == 2


def test_an_edit_to_the_values_already_there_changes_nothing_and_logs_nothing(office) -> None:
    before = snapshot()
    result = office("field", "edit", "bildung", "--contact", "Maya Nyagolova")
    assert result.exit_code == ExitCode.OK
    assert "nothing changed" in result.stderr
    assert snapshot() == before


def test_body_edit_sets_the_chair_address_and_language_with_the_seats_in_one_go(office) -> None:
    row = office.json(
        "body", "edit", "rat", "--chair", "Belit Onay", "--email", "rat@example.org", "--language", "EN", "--seats", "65",
        "--from", "2021-11-01",
    )  # fmt: skip
    assert row["changes"] == [
        {"what": "chair", "before": None, "after": "Belit Onay"},
        {"what": "email", "before": None, "after": "rat@example.org"},
        {"what": "language", "before": "de", "after": "en"},
    ]
    assert (row["chair"], row["email"], row["language"], row["seats"]["seats"]) == ("Belit Onay", "rat@example.org", "en", 65)
    bodies = {b["slug"]: b for b in office.json("bodies")}
    assert bodies["rat"]["chair"] == {"name": "Belit Onay", "title": None}
    assert (bodies["rat"]["email"], bodies["rat"]["language"]) == ("rat@example.org", "en")
    assert (bodies["runder-tisch"]["email"], bodies["runder-tisch"]["language"]) == (None, "de")
    assert events("body.edited") == [{"body": "rat", "changes": row["changes"]}]
    assert [e["seats"] for e in events("body.seats_recorded")] == [65]
    # the steering group's chair changes person; the title (the role's wording) stays
    office.json("body", "edit", "lenkungsgruppe", "--chair", "Sylvia Bruns")
    bodies = {b["slug"]: b for b in office.json("bodies")}
    assert bodies["lenkungsgruppe"]["chair"] == {"name": "Sylvia Bruns", "title": "Sozial- und Sportdezernentin"}


def test_body_edit_with_seats_and_more_still_warns_of_a_roster_above_the_seats(office) -> None:
    assert office("member", "add", "ausschuss", "Anna A", "--from", "2021-01-01").exit_code == ExitCode.OK
    result = office("body", "edit", "ausschuss", "--seats", "0", "--from", "2021-03-01", "--email", "a@example.org")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "0 (2021-03-01)" in result.stdout
    assert "Roster above the seats: 2021-03-01: 1 voting members" in result.stderr
    alone = office("body", "edit", "ausschuss", "--seats", "0", "--from", "2021-04-01")
    assert "2021-04-01: 1 voting members" in alone.stdout  # the same warning, --seats alone


def test_body_edit_run_twice_changes_nothing_the_second_time(office) -> None:
    first = office("body", "edit", "rat", "--email", "rat@example.org", "--language", "en")
    assert first.exit_code == ExitCode.OK, first.stderr
    before = snapshot()
    again = office("body", "edit", "rat", "--email", "rat@example.org", "--language", "en")
    assert again.exit_code == ExitCode.OK, again.stderr
    assert again.stdout == "" and "rat: nothing changed (the values were already so)" in again.stderr
    assert snapshot() == before
    assert len(events("body.edited")) == 1


def test_body_edit_with_seats_alone_answers_as_before(office) -> None:
    row = office.json("body", "edit", "ausschuss", "--seats", "15", "--from", "2021-11-01")
    assert (row["body"], row["seats"], row["seats_before"]) == ("internationaler-ausschuss", 15, None)


BAD_ADDRESSES = [
    "maya",
    "maya@",
    "@example.org",
    "maya@example",
    "Maya <maya@example.org>",
    "a@b.de, c@d.de",
    "maya @example.org",
]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_an_address_that_is_not_one_is_refused_with_the_form_expected(office, address: str) -> None:
    before = snapshot()
    result = office("field", "edit", "bildung", "--email", address)
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr.startswith(f"lipctl: --email {address.strip()!r} is not an e-mail address — ")
    assert "name@example.org" in result.stderr
    body = office("body", "edit", "rat", "--email", address)
    assert body.exit_code == ExitCode.REFUSED and "is not an e-mail address" in body.stderr
    assert snapshot() == before


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("field", "edit", "bildung", "--phone", "call me"), ExitCode.REFUSED, "--phone 'call me' is not a telephone number"),
        (("field", "edit", "bildung", "--internal-speaker", "Eva"), ExitCode.USAGE, "--internal-speaker and --unit go together"),
        (("field", "edit", "bildung", "--unit", "Fachbereich"), ExitCode.USAGE, "--internal-speaker and --unit go together"),
        (
            ("field", "edit", "bildung", "--vacant", "--external-speaker", "Eva"),
            ExitCode.REFUSED,
            "--vacant and --external-speaker exclude each other",
        ),
        (("field", "edit", "bildung", "--contact", "N.N."), ExitCode.REFUSED, "--contact 'N.N.' names nobody"),
        (("field", "edit", "bildung", "--contact", "  "), ExitCode.REFUSED, "--contact is empty"),
        (("field", "edit", "sport", "--vacant"), ExitCode.REFUSED, "no action field 'sport'"),
        (("field", "edit", "bildung"), ExitCode.USAGE, "nothing to change"),
        (("body", "edit", "stadtrat-x", "--email", "a@b.de"), ExitCode.REFUSED, "no body 'stadtrat-x'"),
        (("body", "edit", "rat"), ExitCode.USAGE, "nothing to change"),
        (("body", "edit", "rat", "--language", "fr"), ExitCode.REFUSED, "--language 'fr' is not a language lipctl writes"),
        (("body", "edit", "rat", "--chair", "x" * 201), ExitCode.REFUSED, "--chair has 201 characters"),
        (("body", "edit", "rat", "--email", "a@b.de", "--seats", "-1"), ExitCode.REFUSED, "--seats -1 is negative"),
        (
            ("body", "edit", "rat", "--chair", "Belit Onay", "--from", "2021-01-01"),
            ExitCode.REFUSED,
            "--from is the day the seats apply from — give --seats N with it, or leave --from out",
        ),
        (("body", "edit", "rat", "--from", "2021-01-01"), ExitCode.REFUSED, "--from is the day the seats apply from"),
        (("body", "edit", "rat", "--chair", "N.N."), ExitCode.REFUSED, "--chair 'N.N.' names nobody"),
        (("field", "edit", "bildung", "--internal-speaker", "Eva", "--unit", "  "), ExitCode.REFUSED, "--unit is empty"),
    ],
)
def test_refusals_name_the_problem_and_change_nothing(office, args: tuple[str, ...], code: ExitCode, says: str) -> None:
    before = snapshot()
    result = office(*args)
    assert result.exit_code == code, result.stderr
    assert result.stderr.startswith("lipctl: ") and says in result.stderr
    assert snapshot() == before


def test_the_open_data_export_publishes_no_address_or_phone(office, tmp_path) -> None:
    """OParl shows names and public roles only: the addresses and phones kept for reminders stay in the office."""
    office.json("field", "edit", "bildung", "--email", "maya@example.org", "--phone", "0511 168-4242")
    office.json("body", "edit", "rat", "--email", "rat@example.org", "--chair", "Belit Onay")
    out = tmp_path / "oparl"
    result = office("oparl", "export", "--output", str(out), "--base-url", "https://lip.example.org/oparl")
    assert result.exit_code == ExitCode.OK, result.stderr
    published = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.json"))
    assert "Belit Onay" in published
    assert "example.org/" in published  # the base URL: the files were read
    for private in ("maya@example.org", "rat@example.org", "168-4242"):
        assert private not in published
