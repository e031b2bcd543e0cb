"""lipctl.process.papers: the paper type from the number, and a number belonging to one paper."""

from __future__ import annotations

import pytest

from lipctl.errors import Refused
from lipctl.process import papers as p
from lipctl.process.drucksache import parse_drucksache


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("2472/2019", p.RESOLUTION),
        ("15-0067/2019", p.RESOLUTION),
        ("h-0375/2019", p.INFORMATION),
        ("2472/2019 e1", p.AMENDMENT),
        ("15-0067/2019 E12", p.AMENDMENT),
        ("15-0067/2019 N1", p.RESOLUTION),  # a Neufassung is a resolution paper again
        ("15-0067/2019 F1", p.RESOLUTION),
    ],
)
def test_the_type_follows_from_the_number(number: str, kind: str) -> None:
    assert p.classify(parse_drucksache(number)) == kind


def test_the_type_names_are_hannovers() -> None:
    assert [p.TYPE_NAMES[k] for k in (p.RESOLUTION, p.INFORMATION, p.AMENDMENT)] == [
        "Beschlussdrucksache",
        "Informationsdrucksache",
        "Änderungsantrag",
    ]


def test_a_number_is_used_again_for_what_it_carries() -> None:
    p.check_owner("0042/2021", p.Carried("draft", 3), p.Carried("draft", 3), "bildung/grundsatzpapier v1")
    p.check_owner("0043/2021", p.Carried("plan"), p.Carried("plan"), "the complete plan")


@pytest.mark.parametrize(
    ("owner", "wanted"),
    [
        (p.Carried("draft", 3), p.Carried("draft", 4)),  # another version needs its own paper (N1, E1 …)
        (p.Carried("draft", 3), p.Carried("plan")),
        (p.Carried("founding"), p.Carried("draft", 3)),
    ],
)
def test_a_number_used_for_something_else_is_refused_naming_its_owner(owner: p.Carried, wanted: p.Carried) -> None:
    with pytest.raises(Refused, match="Drucksache 2472/2019 is already registered for OWNER"):
        p.check_owner("2472/2019", owner, wanted, "OWNER")
