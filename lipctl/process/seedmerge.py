"""How ``lipctl init`` brings a value that both the seed and lipctl change in line (issue 18): three-way.

The values are the ones an office also edits from the terminal (``field edit``, ``body edit``): a
field's contact and speakers, a body's chair, address and language. For each, three values meet:

- ``base``: what the seed set when it last applied (``seed_values``; MISSING where nothing is recorded),
- ``seed``: what the seed says now,
- ``current``: what the database holds (MISSING where the row does not exist yet).

The rule: apply a seed value only where the seed changed since it last applied; keep a value changed
in lipctl since then; where both changed, keep lipctl's and report a conflict. So ``init`` with the
unchanged seed never reverts an edit, and an edited seed still updates what nobody changed. No
database and no terminal here: lipctl.store.seeding asks, and acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class _Missing:
    """No value at all (no record, no row): unlike None, which is a value (a vacant post, no address)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

Value = str | None | _Missing


class Action(StrEnum):
    """What ``init`` does with one value."""

    SAME = "same"  # the database holds the seed's value: nothing to change
    APPLY = "apply"  # the seed changed and nobody changed the value in lipctl (or it is new): set the seed's
    KEEP = "keep"  # the seed did not change since it last applied: lipctl's value stays, silently
    CONFLICT = "conflict"  # both changed (or no record of the seed's last value): lipctl's stays, reported


def decide(base: Value, seed: str | None, current: Value) -> Action:
    """The three-way decision for one value (see the module's text)."""
    if current == seed:
        return Action.SAME
    if current is MISSING:
        return Action.APPLY
    if base is MISSING:
        return Action.CONFLICT
    if base == seed:
        return Action.KEEP
    if current == base:
        return Action.APPLY
    return Action.CONFLICT


def records(action: Action) -> bool:
    """Whether the seed's value becomes the one it last applied (``seed_values``) after ``action``.

    Not after KEEP (the seed did not change) nor after a CONFLICT: it is reported at every ``init``
    until the office settles it (an edit to the seed's value, or the seed changed back).
    """
    return action in (Action.SAME, Action.APPLY)


@dataclass(frozen=True)
class Merge:
    """One value's decision and the value the database holds after it."""

    key: str
    action: Action
    base: Value
    seed: str | None
    current: Value

    @property
    def result(self) -> str | None:
        """The value after ``init``: the seed's where it applies, else the database's."""
        if self.action in (Action.SAME, Action.APPLY):
            return self.seed
        assert not isinstance(self.current, _Missing)  # decide(): where nothing is stored, the seed applies
        return self.current


def merge(key: str, base: Value, seed: str | None, current: Value) -> Merge:
    return Merge(key, decide(base, seed, current), base, seed, current)
