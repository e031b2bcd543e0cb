"""The pure lifecycle rules: every (state, event) pair, the decision guard, due dates, whom a draft waits on."""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl.errors import InvalidInput, Refused
from lipctl.process import lifecycle as lc
from lipctl.process.states import DraftState as S

ALLOWED = {
    (None, "submitted"): S.SUBMITTED,
    (S.SUBMITTED, "opinions_complete"): S.READY_FOR_DECISION,
    (S.READY_FOR_DECISION, "opinions_complete"): S.READY_FOR_DECISION,
    (S.READY_FOR_DECISION, "forwarded"): S.FORWARDED,
    (S.READY_FOR_DECISION, "returned"): S.RETURNED,
    (S.SUBMITTED, "superseded"): S.SUPERSEDED,
    (S.READY_FOR_DECISION, "superseded"): S.SUPERSEDED,
    (S.FORWARDED, "superseded"): S.SUPERSEDED,
    (S.FORWARDED, "adopted"): S.ADOPTED,
    (S.FORWARDED, "rejected"): S.REJECTED,
    (S.FORWARDED, "no_resolution"): S.FORWARDED,
}
STATES = [None, *S]


@pytest.mark.parametrize("state", STATES, ids=lambda s: str(s))
@pytest.mark.parametrize("event", lc.EVENTS)
def test_every_state_and_event(state: S | None, event: str) -> None:
    if (state, event) in ALLOWED:
        assert lc.apply(state, event) == ALLOWED[(state, event)]
        if state is not None:
            assert lc.apply(state.value, event) == ALLOWED[(state, event)]  # strings as stored
    else:
        with pytest.raises(Refused) as err:
            lc.apply(state, event, what="bildung/grundsatzpapier v3")
        assert err.value.hint, "every refusal says what to do instead"
        if state is not None:
            assert "bildung/grundsatzpapier v3" in err.value.message


@pytest.mark.parametrize(
    ("state", "event", "words", "hint"),
    [
        (S.SUPERSEDED, "forwarded", "superseded by a newer version", "latest version"),
        (S.RETURNED, "forwarded", "returned to the expert group", "draft submit"),
        (S.FORWARDED, "returned", "already forwarded", "committee tally"),
        (S.ADOPTED, "rejected", "already adopted; that is final", "new version"),
        (S.REJECTED, "superseded", "already rejected; that is final", "new version"),
        (S.READY_FOR_DECISION, "adopted", "has not forwarded it", "steering decide"),
        (S.SUBMITTED, "no_resolution", "has not forwarded it", "steering decide"),
        (S.SUBMITTED, "forwarded", "waiting for the required opinions", "--without-opinions"),
    ],
)
def test_refusals_say_why_and_what_instead(state: S, event: str, words: str, hint: str) -> None:
    with pytest.raises(Refused) as err:
        lc.apply(state, event)
    assert words in err.value.message
    assert hint in err.value.hint


def test_unknown_event_is_invalid() -> None:
    with pytest.raises(InvalidInput, match="unknown lifecycle event 'vetoed'"):
        lc.apply(S.SUBMITTED, "vetoed")


def test_decide_names_the_missing_bodies_unless_the_exception_is_made() -> None:
    with pytest.raises(Refused) as err:
        lc.decide(
            S.SUBMITTED, "forward", ["integrationsbeiraete", "runder-tisch"], reason="eilt", what="bildung/grundsatzpapier v1"
        )
    assert err.value.message == "bildung/grundsatzpapier v1: the opinion of integrationsbeiraete, runder-tisch is still missing"
    assert lc.decide(S.SUBMITTED, "forward", ["runder-tisch"], reason="eilt", without_opinions=True) == S.FORWARDED
    assert lc.decide(S.SUBMITTED, "return", ["runder-tisch"], reason="eilt", without_opinions=True) == S.RETURNED
    with pytest.raises(Refused, match="needs a reason"):
        lc.decide(S.SUBMITTED, "forward", ["runder-tisch"], reason="  ", without_opinions=True)


def test_returning_needs_a_reason_forwarding_does_not() -> None:
    with pytest.raises(Refused, match="returning a draft to the expert group needs a reason"):
        lc.decide(S.READY_FOR_DECISION, "return", [], reason=None)
    assert lc.decide(S.READY_FOR_DECISION, "return", [], reason="Ziele schärfen") == S.RETURNED
    assert lc.decide(S.READY_FOR_DECISION, "forward", [], reason=None) == S.FORWARDED


@pytest.mark.parametrize("state", [S.SUPERSEDED, S.RETURNED, S.FORWARDED, S.ADOPTED, S.REJECTED])
def test_decide_in_the_wrong_state_is_refused_even_with_the_exception(state: S) -> None:
    with pytest.raises(Refused):
        lc.decide(state, "forward", [], reason="x", without_opinions=True)


def test_opinions_only_on_open_versions() -> None:
    for state in (S.SUBMITTED, S.READY_FOR_DECISION, S.FORWARDED):
        lc.check_opinion(state)
    for state, words in ((S.SUPERSEDED, "superseded"), (S.RETURNED, "returned"), (S.ADOPTED, "final"), (S.REJECTED, "final")):
        with pytest.raises(Refused, match=words):
            lc.check_opinion(state)


def test_stance_names() -> None:
    assert lc.parse_stance(" Approve ").value == "approve"
    with pytest.raises(InvalidInput) as err:
        lc.parse_stance("maybe")
    assert err.value.hint == "valid: approve (approval), amend (changes needed), reject (rejection)"


def test_missing_opinions_keep_the_required_order_and_ignore_others() -> None:
    required = ["integrationsbeiraete", "runder-tisch"]
    assert lc.missing_opinions(required, []) == required
    assert lc.missing_opinions(required, ["runder-tisch", "rat"]) == ["integrationsbeiraete"]
    assert lc.missing_opinions(required, iter(["runder-tisch", "integrationsbeiraete", "runder-tisch"])) == []


def test_due_and_overdue_counts_from_the_day_after_the_due_date() -> None:
    submitted = dt.date(2020, 12, 15)
    assert lc.opinion_due(submitted, 28) == dt.date(2021, 1, 12)
    reqs = [("integrationsbeiraete", 28), ("runder-tisch", 14)]
    assert lc.overdue_opinions(submitted, reqs, [], dt.date(2020, 12, 29)) == []
    assert lc.overdue_opinions(submitted, reqs, [], dt.date(2020, 12, 30)) == [("runder-tisch", dt.date(2020, 12, 29))]
    assert lc.overdue_opinions(submitted, reqs, ["runder-tisch"], dt.date(2021, 1, 13)) == [
        ("integrationsbeiraete", dt.date(2021, 1, 12))
    ]


def test_waiting_on() -> None:
    kw = {"steering": "lenkungsgruppe", "deciding_body": "internationaler-ausschuss", "expert_group": "expertinnengruppe-bildung"}
    assert lc.waiting_on(S.SUBMITTED, ["runder-tisch"], **kw) == ["runder-tisch"]
    assert lc.waiting_on(S.READY_FOR_DECISION, [], **kw) == ["lenkungsgruppe"]
    assert lc.waiting_on(S.FORWARDED, [], **kw) == ["internationaler-ausschuss"]
    assert lc.waiting_on("returned", [], **kw) == ["expertinnengruppe-bildung"]
    for state in (S.ADOPTED, S.REJECTED, S.SUPERSEDED):
        assert lc.waiting_on(state, ["runder-tisch"], **kw) == []


def test_a_tally_settles_a_version_only_when_final_and_rejected_or_at_the_last_body() -> None:
    from lipctl.process.states import ResolutionResult as R

    assert lc.tally_event(R.ADOPTED, final=True, last=True) == "adopted"
    assert lc.tally_event(R.ADOPTED, final=True, last=False) == "no_resolution"  # passed on to the next body
    assert lc.tally_event(R.REJECTED, final=True, last=False) == "rejected"
    assert lc.tally_event(R.REJECTED, final=False, last=True) == "no_resolution"
