"""lipctl.process.limits: what a search and a reminder run may be asked for (no database).

The refusals are the ones the CLI shows (tests/cli/search, tests/cli/remind): the message and the hint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lipctl.errors import InvalidInput
from lipctl.process import limits


def _refusal(check: Callable[[Any], object], value: object) -> tuple[str, str | None]:
    with pytest.raises(InvalidInput) as refused:
        check(value)
    return refused.value.message, refused.value.hint


def test_a_search_text_of_at_most_500_characters_is_taken_unchanged() -> None:
    assert limits.MAX_SEARCH_TEXT == 500
    for text in ("Sprachkurse", " x ", "ä" * 500):
        assert limits.check_search_text(text) == text


def test_a_longer_search_text_is_refused_with_its_length() -> None:
    assert _refusal(limits.check_search_text, "x" * 501) == (
        "the search text is 501 characters long (at most 500)",
        "search for a few words",
    )


@pytest.mark.parametrize("limit", [1, 20, 1000])
def test_a_search_limit_from_1_to_1000_is_taken(limit: int) -> None:
    assert limits.check_search_limit(limit) == limit


@pytest.mark.parametrize("limit", [0, -1, 1001, 2**40])
def test_a_search_limit_outside_1_to_1000_is_refused(limit: int) -> None:
    assert _refusal(limits.check_search_limit, limit) == (f"--limit {limit} is out of range", "give a number from 1 to 1000")


@pytest.mark.parametrize("days", [0, 7, 365])
def test_within_0_or_more_days_is_taken(days: int) -> None:
    assert limits.check_within(days) == days


@pytest.mark.parametrize("days", [-1, -30])
def test_within_a_negative_number_of_days_is_refused(days: int) -> None:
    assert _refusal(limits.check_within, days) == (
        f"--within must be 0 or more days, not {days}",
        "e.g. --within 7 for the coming week",
    )
