"""Addresses, phones, languages (lipctl.process.addresses) and what field/body edit may change
(lipctl.process.contacts), without a database."""

from __future__ import annotations

import pytest

from lipctl.errors import InvalidInput, MissingOption, Refused
from lipctl.process import addresses, contacts


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("maya.nyagolova@hannover-stadt.de", "maya.nyagolova@hannover-stadt.de"),
        ("  Integration@Hannover-Stadt.DE ", "Integration@Hannover-Stadt.DE"),
        ("runder.tisch+lip@example.org", "runder.tisch+lip@example.org"),
        ("buero@müllerstraße.de", "buero@müllerstraße.de"),  # an internationalised domain
    ],
)
def test_an_address_is_kept_as_written(typed: str, stored: str) -> None:
    assert addresses.check_email(typed, "--email") == stored


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "maya",
        "maya@",
        "@example.org",
        "maya@localhost",
        "maya@example..org",
        "maya@-example.org",
        "Maya <maya@example.org>",
        "<maya@example.org>",
        "a@b.de, c@d.de",
        "maya @example.org",
        "mäya@example.org",
        "a" * 250 + "@example.org",
    ],
)
def test_what_is_not_an_address_is_refused_naming_it_and_the_form(bad: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        addresses.check_email(bad, "--email")
    assert exc.value.message.startswith("--email '") and exc.value.message.endswith("is not an e-mail address")
    assert "name@example.org" in (exc.value.hint or "")


@pytest.mark.parametrize(("typed", "stored"), [("+49 511  168-0", "+49 511 168-0"), ("0511/168 12345", "0511/168 12345")])
def test_a_phone_number_as_people_write_it(typed: str, stored: str) -> None:
    assert addresses.check_phone(typed, "--phone") == stored


@pytest.mark.parametrize("bad", ["", "call me", "12", "0511 168 ext. 5", "1" * 41])
def test_what_is_not_a_phone_number_is_refused(bad: str) -> None:
    with pytest.raises(InvalidInput, match="is not a telephone number"):
        addresses.check_phone(bad, "--phone")


def test_languages() -> None:
    assert addresses.check_language(" EN ", "--language") == "en"
    assert addresses.DEFAULT_LANGUAGE == "de"
    with pytest.raises(InvalidInput, match="valid: de, en"):
        addresses.check_language("fr", "--language")


def test_field_edit_options() -> None:
    assert contacts.field_edit(contact="  Erika   Muster ", email="e@example.org") == {
        "contact": "Erika Muster",
        "email": "e@example.org",
    }
    assert contacts.field_edit(internal_speaker="Eva", unit="FB Kultur") == {"internal_speaker": ("Eva", "FB Kultur")}
    assert contacts.field_edit(vacant=True) == {"external_speaker": None}
    with pytest.raises(MissingOption, match="nothing to change"):
        contacts.field_edit()
    with pytest.raises(MissingOption, match="go together"):
        contacts.field_edit(internal_speaker="Eva")
    with pytest.raises(MissingOption, match="go together"):
        contacts.field_edit(unit="FB Kultur")
    with pytest.raises(InvalidInput, match="exclude each other"):
        contacts.field_edit(external_speaker="Eva", vacant=True)
    with pytest.raises(InvalidInput, match="use --vacant"):
        contacts.field_edit(external_speaker="N.n.")


def test_body_edit_options() -> None:
    assert contacts.body_edit(chair="Belit Onay", language="EN") == {"chair": "Belit Onay", "language": "en"}
    assert contacts.body_edit(seats=65) == {}
    with pytest.raises(MissingOption, match="nothing to change"):
        contacts.body_edit()


def _seed() -> dict:
    import yaml

    from lipctl.services.seed import default_seed_path

    return yaml.safe_load(default_seed_path().read_text(encoding="utf-8"))


def test_the_seed_gives_the_contact_an_address_and_a_body_its_address_and_language() -> None:
    from lipctl.process.definition import parse_definition

    data = _seed()
    data["action_fields"][0]["contact"].update(email="maya@example.org", phone="0511 168-0")
    data["bodies"][1].update(email="rat@example.org", language="en")
    pd = parse_definition(data)
    assert (pd.fields[0].contact.email, pd.fields[0].contact.phone) == ("maya@example.org", "0511 168-0")
    assert (pd.bodies[1].email, pd.bodies[1].language) == ("rat@example.org", "en")
    shipped = parse_definition(_seed())  # the source names no address: none is invented
    assert {f.contact.email for f in shipped.fields if f.contact} == {None}
    assert {(b.email, b.language) for b in shipped.bodies} == {(None, "de")}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d["action_fields"][0]["contact"].update(email="maya"), "action_fields[0].contact.email"),
        (lambda d: d["action_fields"][0]["contact"].update(phone="ruf an"), "action_fields[0].contact.phone"),
        (lambda d: d["action_fields"][0]["internal_speaker"].update(email="a@b.de"), "action_fields[0].internal_speaker.email"),
        (lambda d: d["bodies"][0].update(language="fr"), "bodies[0].language"),
    ],
)
def test_a_seed_value_that_cannot_be_is_refused_naming_its_key(change, key: str) -> None:
    from lipctl.errors import SeedInvalid
    from lipctl.process.definition import parse_definition

    data = _seed()
    change(data)
    with pytest.raises(SeedInvalid) as exc:
        parse_definition(data)
    assert exc.value.key == key


def test_a_new_contact_leaves_the_former_contacts_address_and_phone_unless_given_anew() -> None:
    assert contacts.left_with_former_contact({"contact": "Ada Muster"}) == ("email", "phone")
    assert contacts.left_with_former_contact({"contact": "Ada Muster", "email": "ada@hannover-stadt.de"}) == ("phone",)
    assert contacts.left_with_former_contact({"contact": "A", "email": "a@b.de", "phone": "0511 1"}) == ()


def test_an_address_or_phone_needs_a_contact_who_holds_the_post() -> None:
    contacts.check_reachable({"email": "a@b.de"}, has_contact=True, field="bildung")
    contacts.check_reachable({"internal_speaker": ("A", "B")}, has_contact=False, field="bildung")
    for wanted in ({"email": "a@b.de"}, {"phone": "0511 1"}):
        with pytest.raises(Refused) as caught:
            contacts.check_reachable(wanted, has_contact=False, field="bildung")
        assert (caught.value.message, caught.value.hint) == (
            "the contact of bildung is vacant: an address or phone needs a person",
            "name the contact with --contact NAME",
        )
