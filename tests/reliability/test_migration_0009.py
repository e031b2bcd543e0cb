"""Migration 0009 (addresses of contacts and bodies, the seed values last applied; issue 18): a populated
database of revision 0008 (tests/fixtures/revisions/0008.json: init, imports, drafts, opinions, a roster with a
chair from a day and an advisory member, the plan adopted) upgrades with every row kept. After the upgrade:

- every row of the fixture's tables is as it was in the fixture's columns; bodies' ``email`` and the
  contacts' ``email``/``phone`` are NULL, bodies' ``language`` is ``de``;
- ``seed_values`` holds the values in the database as the ones the seed last applied: every field's
  contact and speakers, every body's seed chair (the undated one; the committee's chair on the roster is
  not the seed's), address (none) and language (de);
- the next ``init`` with the same seed changes no contact, chair or address and reports no conflict, and
  leaves the roster's chair alone; an edit after it survives the next ``init``;
- a second upgrade changes nothing; the downgrade gives the fixture's rows back.
"""

from __future__ import annotations

from lipctl.errors import ExitCode
from lipctl.store import schema
from tests.fixtures import revisions

BEFORE = "0008"
AFTER = "0009"
#: The table 0009 adds.
NEW = {"seed_values"}


def _populated(db_url: str) -> dict[str, list[revisions.Row]]:
    at = schema.REVISIONS.index(BEFORE)
    assert schema.REVISIONS[at : at + 2] == (BEFORE, AFTER)
    revisions.load(db_url, BEFORE)
    return revisions.rows(db_url)


def test_a_populated_0008_database_upgrades_with_every_row_kept_and_the_seed_values_recorded(db_url: str, cli) -> None:
    _populated(db_url)
    before, after = revisions.upgrade_keeps_rows(cli, db_url, BEFORE, new_tables=NEW)
    assert {(b["email"], b["language"]) for b in after["bodies"]} == {(None, "de")}
    assert {(c["email"], c["phone"]) for c in after["field_contacts"]} == {(None, None)}

    recorded = {r["key"]: r["value"] for r in after["seed_values"]}
    assert recorded["field.bildung.contact.name"] == "Maya Nyagolova"
    assert recorded["field.bildung.contact.title"] == "Ansprechpartnerin"
    assert recorded["field.bildung.contact.email"] is None
    assert recorded["field.bildung.internal_speaker.unit"] == "VHS-Hannover"
    assert recorded["field.stadtverwaltung-diversitaet.external_speaker.name"] is None  # N.n.
    assert recorded["body.lenkungsgruppe.chair.name"] == "Konstanze Beckedorf"
    assert recorded["body.lenkungsgruppe.chair.title"] == "Sozial- und Sportdezernentin"
    assert recorded["body.internationaler-ausschuss.chair.name"] is None  # its chair is the roster's (from a day)
    assert recorded["body.rat.email"] is None and recorded["body.rat.language"] == "de"
    fields, bodies = len(before["action_fields"]), len(before["bodies"])
    assert len(recorded) == fields * (5 + 3 + 3) + bodies * 4

    revisions.second_upgrade_changes_nothing(cli, db_url, after)


def test_the_next_init_changes_no_contact_and_keeps_the_rosters_chair_and_later_edits(db_url: str, cli) -> None:
    before = _populated(db_url)
    assert cli("db", "upgrade").exit_code == ExitCode.OK
    first = cli.json("--today", "2021-06-01", "init")
    assert first["conflicts"] == []
    assert not [c for c in first["changes"] if "contact" in c["what"] or "speaker" in c["what"] or "chair" in c["what"]]
    after = revisions.rows(db_url)
    assert revisions.projected(after["memberships"], before["memberships"]) == before["memberships"]
    assert revisions.projected(after["field_contacts"], before["field_contacts"]) == before["field_contacts"]

    cli.json("field", "edit", "bildung", "--email", "maya@example.org")
    again = cli.json("--today", "2021-06-01", "init")
    assert (again["changes"], again["conflicts"]) == ([], [])
    (row,) = cli.json("contacts", "bildung")
    assert row["contact_email"] == "maya@example.org"


def test_0009_downgrades_with_every_row_as_it_was(db_url: str) -> None:
    before = _populated(db_url)
    revisions.downgrade(db_url, AFTER, BEFORE, back=before)
