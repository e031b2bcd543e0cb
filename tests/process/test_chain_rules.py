"""The Beratungsfolge and the tally guard as pure rules (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl.errors import Refused
from lipctl.process import lifecycle as lc
from lipctl.process.states import DraftState as S

CHAIN = ["internationaler-ausschuss", "verwaltungsausschuss"]


def test_first_body_that_has_not_adopted_decides() -> None:
    assert lc.deciding_body(CHAIN, set(), scope="document") == ("internationaler-ausschuss", False)
    assert lc.deciding_body(CHAIN, {"internationaler-ausschuss"}, scope="document") == ("verwaltungsausschuss", True)
    assert lc.pending_in_chain(CHAIN, ["internationaler-ausschuss"]) == ["verwaltungsausschuss"]


@pytest.mark.parametrize(
    ("adopted", "requested", "message"),
    [
        (set(CHAIN), None, "already been adopted by every body of the Beratungsfolge"),
        (set(), "rat", "rat does not decide on the document"),
        ({"internationaler-ausschuss"}, "internationaler-ausschuss", "has already adopted it"),
        (set(), "verwaltungsausschuss", "verwaltungsausschuss decides after internationaler-ausschuss"),
    ],
)
def test_out_of_order_requests_are_refused(adopted: set[str], requested: str | None, message: str) -> None:
    with pytest.raises(Refused, match=message):
        lc.deciding_body(CHAIN, adopted, scope="document", requested=requested)


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (S.SUBMITTED, "has not forwarded it"),
        (S.READY_FOR_DECISION, "has not forwarded it"),
        (S.ADOPTED, "already adopted on 2021-01-15; that result is final"),
        (S.REJECTED, "already rejected on 2021-01-15"),
        (S.RETURNED, "was returned to the expert group"),
        (S.SUPERSEDED, "the committee votes only on a forwarded version"),
    ],
)
def test_only_a_forwarded_version_is_tallied(state: S, message: str) -> None:
    args = {
        "label": "bildung/grundsatzpapier v1",
        "ref": "bildung/grundsatzpapier",
        "field": "bildung",
        "kind": "grundsatzpapier",
        "since": dt.date(2021, 1, 15),
    }
    lc.check_tally(S.FORWARDED, **args)
    with pytest.raises(Refused, match=message):
        lc.check_tally(state, **args)


def test_a_steering_decision_forwards_or_returns() -> None:
    from lipctl.process.lifecycle import decision_event

    assert (decision_event("forward"), decision_event("return")) == ("forwarded", "returned")
    with pytest.raises(ValueError):
        decision_event("adopt")


def test_state_names_are_read_in_any_case_and_refused_with_the_valid_ones() -> None:
    from lipctl.errors import InvalidInput
    from lipctl.process.lifecycle import parse_state
    from lipctl.process.states import DraftState

    assert parse_state(" Forwarded ") is DraftState.FORWARDED
    with pytest.raises(InvalidInput) as caught:
        parse_state("lost")
    assert str(caught.value).startswith("unknown state 'lost' — valid: submitted, ready_for_decision")
