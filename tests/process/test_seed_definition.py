"""The seed file's meaning, checked without a database (lipctl.process.definition)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from lipctl.errors import SeedInvalid
from lipctl.process.definition import parse_definition

SEED = Path(__file__).resolve().parents[2] / "data" / "seed.yaml"
SOURCE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "lip-2.0-hannover.txt"


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


def test_six_fields_with_the_seeds_contacts(raw: dict) -> None:
    pd = parse_definition(raw)
    got = {
        f.name: (
            f.contact and f.contact.name,
            f.internal_speaker and (f.internal_speaker.name, f.internal_speaker.unit),
            f.external_speaker and f.external_speaker.name,
        )
        for f in pd.fields
    }
    assert got == {
        "Bildung": ("Maya Nyagolova", ("Stephan Kaps", "VHS-Hannover"), "Helga Barbara Gundlach"),
        "Soziales": ("Maya Nyagolova", ("Birgit Teschner", "Fachbereich Soziales"), "Ferdos Mirabadi"),
        "Demokratie": ("Massih Khoshbeen", ("Dr. Bettina Doering", "Bereich Migration und Integration"), "Nezir Begovic"),
        "Stadtleben und Kultur": ("Björn Schönfeld", ("Parisa Hussein-Nejad", "Fachbereich Kultur"), "Kavaye Ozong"),
        "Wirtschaft": ("Björn Schönfeld", ("Gabriele Zingsheim", "Fachbereich Wirtschaft"), "Sylwia Chalupka-Dunse"),
        "Stadtverwaltung und Diversität": (
            "Dr. Günter Max Behrendt",
            ("Helga Diers", "Fachbereich Personal und Organisation"),
            None,
        ),
    }


@pytest.mark.skipif(not SOURCE.exists(), reason="the shared seed text is not beside the repository")
def test_every_person_of_the_source_text_is_in_the_seed(raw: dict) -> None:
    pd = parse_definition(raw)
    text = SOURCE.read_text(encoding="utf-8")
    people = {p.name for f in pd.fields for p in (f.contact, f.internal_speaker, f.external_speaker) if p}
    people.add(pd.body("lenkungsgruppe").chair.name)
    for name in people:
        assert name in text, name
    for unit in {f.internal_speaker.unit for f in pd.fields if f.internal_speaker}:
        assert f"({unit})" in text, unit


def test_steering_group_composition_and_process_facts(raw: dict) -> None:
    pd = parse_definition(raw)
    steering = pd.body("lenkungsgruppe")
    assert [(c.slug, c.seats) for c in steering.seat_categories] == [
        ("fachbereichsleitungen", 12),
        ("zivilgesellschaft", 10),
        ("integrationsbeiraete", 1),
    ]
    assert steering.voting_seats == 23
    assert steering.chair.name == "Konstanze Beckedorf"
    assert steering.chair.title == "Sozial- und Sportdezernentin"
    assert pd.founding_drucksache == "2472/2019"
    assert [r.body for r in pd.requirements] == ["integrationsbeiraete", "runder-tisch"]
    # The complete plan: the committee ("das letzte Wort"), then the council (issue 16).
    assert pd.decision_chain == {"document": ("internationaler-ausschuss",), "plan": ("internationaler-ausschuss", "rat")}
    # The source gives a season, a month and "after": no day is made up, the words are kept.
    assert {m.applies_to: (m.due, m.due_text) for m in pd.milestones} == {
        "grundsatzpapier": (None, "bis Herbst 2020"),
        "massnahmenkatalog": (None, "bis April 2021"),
        "plan": (None, "Ergebnis nach April 2021 dem Rat zum Beschluss"),
    }
    assert {k.slug: k.based_on for k in pd.document_kinds} == {"grundsatzpapier": None, "massnahmenkatalog": "grundsatzpapier"}
    assert len([b for b in pd.bodies if b.kind == "expert_group"]) == 6


@pytest.mark.parametrize(
    ("mutate", "key", "problem"),
    [
        (
            lambda d: d["action_fields"][0].update(contakt=d["action_fields"][0].pop("contact")),
            "action_fields[0].contakt",
            "unknown key",
        ),
        (lambda d: d["action_fields"][0].pop("contact"), "action_fields[0].contact", "missing"),
        (lambda d: d["action_fields"][1].update(nmae="x"), "action_fields[1].nmae", "unknown key"),
        (lambda d: d["bodies"][0].update(rule_set="nkomvgg"), "bodies[0].rule_set", "no rule set 'nkomvgg'"),
        (lambda d: d["requires_opinions_from"][0].update(body="beirat"), "requires_opinions_from[0].body", "no body 'beirat'"),
        (
            lambda d: d["requires_opinions_from"][0].update(deadline_days="vier Wochen"),
            "requires_opinions_from[0].deadline_days",
            "whole number",
        ),
        (lambda d: d["milestones"][0].update(due="Herbst 2020"), "milestones[0].due", "expected a date"),
        (lambda d: d["milestones"][0].update(due=None, due_text=None), "milestones[0].due", "missing"),
        (lambda d: d["milestones"][0].pop("due_text"), "milestones[0].due", "null with due_text"),
        (lambda d: d["document_kinds"][1].update(based_on="leitbild"), "document_kinds[1].based_on", "no other document kind"),
        (lambda d: d["document_kinds"][0].update(based_on="grundsatzpapier"), "document_kinds[0].based_on", "no other"),
        (
            lambda d: d["action_fields"].append(dict(d["action_fields"][0])),
            "action_fields[6].slug",
            "duplicate action field 'bildung'",
        ),
        (lambda d: d["action_fields"][2].update(slug="Demokratie"), "action_fields[2].slug", "is not a slug"),
        (lambda d: d.update(format=2), "format", "not supported"),
        (lambda d: d["decision_chain"].update(plan=["lenkungsgruppe"]), "decision_chain.plan[0]", "has no rule_set"),
    ],
)
def test_a_broken_seed_names_the_key_and_the_problem(raw: dict, mutate, key: str, problem: str) -> None:
    data = copy.deepcopy(raw)
    mutate(data)
    with pytest.raises(SeedInvalid) as info:
        parse_definition(data, "other-city.yaml")
    assert info.value.key == key
    assert problem in info.value.problem
    assert str(info.value).startswith(f"other-city.yaml: {key}: ")


def test_a_milestone_may_have_a_day_or_only_its_words(raw: dict) -> None:
    data = copy.deepcopy(raw)
    data["milestones"][0].update(due="2020-11-30")
    data["milestones"][1].pop("due")  # absent is null, as long as due_text is given
    data["milestones"][2].update(due=None, due_text="nach April 2021")
    pd = parse_definition(data)
    assert [(m.due, m.due_text) for m in pd.milestones] == [
        (dt.date(2020, 11, 30), "bis Herbst 2020"),
        (None, "bis April 2021"),
        (None, "nach April 2021"),
    ]


def test_vacant_post_may_be_written_as_nn(raw: dict) -> None:
    data = copy.deepcopy(raw)
    data["action_fields"][0]["external_speaker"] = {"name": "N.n."}
    assert parse_definition(data).fields[0].external_speaker is None
