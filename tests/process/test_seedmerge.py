"""init's three-way rule per value (lipctl.process.seedmerge), without a database."""

from __future__ import annotations

import pytest

from lipctl.process.seedmerge import MISSING, Action, decide, merge, records


@pytest.mark.parametrize(
    ("base", "seed", "current", "action", "result"),
    [
        # the unchanged seed never reverts an edit
        ("Maya", "Maya", "Anna", Action.KEEP, "Anna"),
        # an edited seed updates what nobody changed
        ("Maya", "Anna", "Maya", Action.APPLY, "Anna"),
        # both changed: lipctl's value stays, and it is reported
        ("Maya", "Anna", "Berta", Action.CONFLICT, "Berta"),
        # both changed to the same value: nothing to do
        ("Maya", "Anna", "Anna", Action.SAME, "Anna"),
        ("Maya", "Maya", "Maya", Action.SAME, "Maya"),
        # None is a value (vacant post, no address), not a missing one
        (None, "a@b.de", None, Action.APPLY, "a@b.de"),
        (None, None, "a@b.de", Action.KEEP, "a@b.de"),
        ("a@b.de", None, "c@d.de", Action.CONFLICT, "c@d.de"),
        ("a@b.de", None, "a@b.de", Action.APPLY, None),
        # a row that does not exist yet takes the seed's value
        (MISSING, "Maya", MISSING, Action.APPLY, "Maya"),
        ("Maya", "Anna", MISSING, Action.APPLY, "Anna"),
        # no record of what the seed last set, and the database differs: kept and reported
        (MISSING, "Maya", "Anna", Action.CONFLICT, "Anna"),
        (MISSING, "Maya", "Maya", Action.SAME, "Maya"),
    ],
)
def test_the_three_way_decision(base, seed, current, action, result) -> None:
    assert decide(base, seed, current) is action
    got = merge("field.bildung.contact.name", base, seed, current)
    assert (got.action, got.result) == (action, result)


def test_only_what_the_seed_set_in_the_database_is_recorded_as_last_applied() -> None:
    assert [a for a in Action if records(a)] == [Action.SAME, Action.APPLY]


def test_missing_is_one_value_and_not_none() -> None:
    assert MISSING is type(MISSING)() and MISSING is not None and MISSING != None  # noqa: E711
    assert repr(MISSING) == "MISSING"
