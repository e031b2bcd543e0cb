"""lipctl.process.replay: a document's states computed from its live records, and what relies on what.

The property: replaying the facts with some voided equals recording, one after the other as the
services do, only the facts that were never voided ("as if it had never been recorded").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lipctl.errors import Refused
from lipctl.process import lifecycle
from lipctl.process.replay import Blocker, Decision, Document, Opinion, Standing, Tally, Version, blocker, replay, without
from lipctl.process.states import DecisionOutcome, DraftState, ResolutionResult

S = DraftState
D0 = dt.date(2021, 1, 1)
REQUIRED = ("beirat", "runder-tisch")
A, F, R = ResolutionResult.ADOPTED, DecisionOutcome.FORWARD, DecisionOutcome.RETURN


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def doc(**kw: Any) -> Document:
    kw.setdefault("required", REQUIRED)
    kw.setdefault("chain", ("ausschuss",))
    return Document(**kw)


# --- examples -------------------------------------------------------------------------------


def test_a_version_waits_then_is_ready_on_the_day_of_the_last_required_opinion() -> None:
    v1 = Version(1, 1, day(0))
    assert replay(doc(versions=[v1])) == {1: Standing(S.SUBMITTED, day(0))}
    ops = [Opinion(1, 1, "beirat", day(3)), Opinion(2, 1, "andere", day(4)), Opinion(3, 1, "runder-tisch", day(5))]
    assert replay(doc(versions=[v1], opinions=ops)) == {1: Standing(S.READY_FOR_DECISION, day(5))}
    withdrawn = [ops[0], ops[1], dataclasses.replace(ops[2], voided=True)]
    assert replay(doc(versions=[v1], opinions=withdrawn)) == {1: Standing(S.SUBMITTED, day(0))}


def test_without_required_bodies_a_version_is_ready_at_once() -> None:
    assert replay(doc(versions=[Version(1, 1, day(2))], required=())) == {1: Standing(S.READY_FOR_DECISION, day(2))}


def test_a_voided_tally_leaves_the_version_forwarded_and_a_new_one_counts() -> None:
    v1 = Version(1, 1, day(0))
    ops = [Opinion(1, 1, "beirat", day(1)), Opinion(2, 1, "runder-tisch", day(1))]
    dec = Decision(1, 1, F, day(2))
    wrong = Tally(1, 1, "ausschuss", ResolutionResult.REJECTED, day(3), voided=True)
    right = Tally(2, 1, "ausschuss", A, day(3))
    assert replay(doc(versions=[v1], opinions=ops, decisions=[dec], tallies=[wrong])) == {1: Standing(S.FORWARDED, day(2))}
    assert replay(doc(versions=[v1], opinions=ops, decisions=[dec], tallies=[wrong, right])) == {1: Standing(S.ADOPTED, day(3))}


def test_withdrawing_the_next_version_gives_the_superseded_one_its_state_back() -> None:
    v1, v2 = Version(1, 1, day(0)), Version(2, 2, day(5))
    ops = [Opinion(1, 1, "beirat", day(1)), Opinion(2, 1, "runder-tisch", day(2))]
    dec = Decision(1, 1, F, day(3), voided=False)
    both = doc(versions=[v1, v2], opinions=ops, decisions=[dec])
    assert replay(both) == {1: Standing(S.SUPERSEDED, day(5)), 2: Standing(S.SUBMITTED, day(5))}
    assert replay(dataclasses.replace(both, versions=[v1, dataclasses.replace(v2, voided=True)])) == {
        1: Standing(S.FORWARDED, day(3))
    }


def test_the_second_body_of_the_chain_settles_the_adoption() -> None:
    v1 = Version(1, 1, day(0))
    facts = doc(
        versions=[v1],
        decisions=[Decision(1, 1, F, day(1), without_opinions=True)],
        tallies=[Tally(1, 1, "ausschuss", A, day(2)), Tally(2, 1, "rat", A, day(3))],
        chain=("ausschuss", "rat"),
    )
    assert replay(facts) == {1: Standing(S.ADOPTED, day(3))}
    first_only = dataclasses.replace(facts, tallies=[facts.tallies[0]])
    assert replay(first_only) == {1: Standing(S.FORWARDED, day(1))}
    # The council voted because the committee had adopted: that adoption is voided only after the council's vote.
    assert blocker(facts, "tally", 1) == Blocker("tally", 2, 1)
    assert blocker(first_only, "tally", 1) is None


def test_what_relies_on_what() -> None:
    v1, v2 = Version(1, 1, day(0)), Version(2, 2, day(9))
    ops = [Opinion(1, 1, "beirat", day(1)), Opinion(2, 1, "runder-tisch", day(2)), Opinion(3, 1, "beirat", day(4))]
    dec = Decision(1, 1, F, day(3))
    nq = Tally(1, 1, "ausschuss", ResolutionResult.NOT_QUORATE, day(5))
    second = Tally(2, 1, "ausschuss", ResolutionResult.REJECTED, day(6), second_convocation=True)
    facts = doc(versions=[v1, v2], opinions=ops, decisions=[dec], tallies=[nq, second])
    assert blocker(facts, "opinion", 1) == Blocker("decision", 1, 1)
    assert blocker(facts, "opinion", 3) is None  # received after the decision: it did not rely on it
    assert blocker(facts, "decision", 1) == Blocker("tally", 1, 1)
    assert blocker(facts, "tally", 1) == Blocker("tally", 2, 1)
    assert blocker(facts, "tally", 2) == Blocker("version", 2, 2)  # it settled v1 before v2 came
    assert blocker(facts, "version", 1) == Blocker("version", 2, 2)
    assert blocker(facts, "version", 2) is None
    no_v2 = dataclasses.replace(facts, versions=[v1, dataclasses.replace(v2, voided=True)])
    assert blocker(no_v2, "tally", 2) is None and blocker(no_v2, "version", 1) is None
    ordinary = dataclasses.replace(facts, tallies=[nq, dataclasses.replace(second, second_convocation=False)])
    assert blocker(ordinary, "tally", 1) is None


# --- the property: void == never recorded -------------------------------------------------------


@dataclasses.dataclass
class Recorder:
    """The services' way: each fact applied when it is recorded, with the guards they apply; no replay."""

    required: tuple[str, ...]
    chain: tuple[str, ...]
    states: dict[int, Standing] = dataclasses.field(default_factory=dict)
    received: dict[int, set[str]] = dataclasses.field(default_factory=dict)
    adopted: dict[int, set[str]] = dataclasses.field(default_factory=dict)
    order: list[int] = dataclasses.field(default_factory=list)  # live versions, in order

    def _set(self, draft: int, event: str, on: dt.date, **kw: Any) -> None:
        now = self.states[draft]
        nxt = lifecycle.apply(now.state, event, **kw)
        self.states[draft] = Standing(nxt, on if nxt != now.state else now.since)

    def record(self, fact: Any) -> None:
        """Apply one fact; Refused when the services would have refused it."""
        if isinstance(fact, Version):
            for old in self.order:
                if lifecycle.is_open(self.states[old].state):
                    self._set(old, "superseded", fact.submitted_on)
            self.states[fact.id] = Standing(lifecycle.apply(None, "submitted"), fact.submitted_on)
            self.received[fact.id], self.adopted[fact.id] = set(), set()
            self.order.append(fact.id)
            if not self.required:
                self._set(fact.id, "opinions_complete", fact.submitted_on)
        elif isinstance(fact, Opinion):
            lifecycle.check_opinion(self.states[fact.draft].state)
            self.received[fact.draft].add(fact.body)
            if self.states[fact.draft].state == S.SUBMITTED and not lifecycle.missing_opinions(
                self.required, self.received[fact.draft]
            ):
                self._set(fact.draft, "opinions_complete", fact.received_on)
        elif isinstance(fact, Decision):
            lacking = lifecycle.missing_opinions(self.required, self.received[fact.draft])
            if lacking and not fact.without_opinions:
                raise Refused("the decision relied on opinions that are not there", None)
            state = lifecycle.decide(
                self.states[fact.draft].state, fact.outcome, lacking, reason="r", without_opinions=fact.without_opinions
            )
            self.states[fact.draft] = Standing(state, fact.decided_on)
        else:
            assert fact.draft is not None
            if self.states[fact.draft].state != S.FORWARDED:
                raise Refused("not forwarded", None)
            body, last = lifecycle.deciding_body(self.chain, self.adopted[fact.draft], scope="document")
            if body != fact.body:
                raise Refused("another body's turn", None)
            self._set(fact.draft, lifecycle.tally_event(fact.result, final=fact.final, last=last), fact.decided_on)
            if fact.result == A:
                self.adopted[fact.draft].add(fact.body)


ACTIONS = st.lists(
    st.one_of(
        st.just(("submit",)),
        st.just(("opinion", REQUIRED[0])),
        st.just(("opinion", REQUIRED[1])),
        st.just(("decide", F, False)),
        st.just(("tally", A, False)),
        st.tuples(st.just("opinion"), st.sampled_from([*REQUIRED, "andere"])),
        st.tuples(st.just("decide"), st.sampled_from([F, R]), st.booleans()),
        st.tuples(
            st.just("tally"),
            st.sampled_from([A, ResolutionResult.REJECTED, ResolutionResult.NOT_QUORATE, ResolutionResult.DEFERRED]),
            st.booleans(),
        ),
    ),
    max_size=8,
)


class Story:
    """Random actions on the latest live version, recorded when the services would allow them."""

    def __init__(self, chain: tuple[str, ...], required: tuple[str, ...]) -> None:
        self.chain, self.required = chain, required
        self.rec = Recorder(required, chain)
        self.facts: list[Any] = []  # every fact, in the order recorded; voided ones replaced by their voided copy
        self.seq = 0
        self.versions = 0

    def act(self, action: tuple[Any, ...]) -> None:
        self.seq += 1
        on = day(self.seq)
        latest = self.rec.order[-1] if self.rec.order else None
        kind = action[0]
        if kind == "submit":
            self.versions += 1
            fact: Any = Version(1000 + self.seq, self.versions, on)
        elif latest is None:
            return
        elif kind == "opinion":
            fact = Opinion(self.seq, latest, action[1], on)
        elif kind == "decide":
            lacking = lifecycle.missing_opinions(self.required, self.rec.received[latest])
            fact = Decision(self.seq, latest, action[1], on, without_opinions=bool(lacking) and action[2])
        else:
            body, _last = (
                lifecycle.deciding_body(self.chain, self.rec.adopted[latest], scope="document")
                if len(self.rec.adopted[latest]) < len(self.chain)
                else (self.chain[0], True)
            )
            fact = Tally(self.seq, latest, body, action[1], on, second_convocation=action[2])
        try:
            self.rec.record(fact)
        except Refused:
            return
        self.facts.append(fact)

    def document(self) -> Document:
        of = lambda t: [f for f in self.facts if isinstance(f, t)]  # noqa: E731
        return Document(of(Version), of(Opinion), of(Decision), of(Tally), self.required, self.chain)

    def void(self, kind: type, index: int) -> bool:
        """Void a live fact of ``kind`` (the ``index``-th, or the next one nothing relies on); rebuild the recorder
        as if it had never been recorded. False when something relies on every candidate."""
        live = [i for i, f in enumerate(self.facts) if not f.voided and isinstance(f, kind)]
        if not live:
            return False
        for i in live[index % len(live) :] + live[: index % len(live)]:
            f = self.facts[i]
            kind = {Version: "version", Opinion: "opinion", Decision: "decision", Tally: "tally"}[type(f)]
            if blocker(self.document(), kind, f.id) is None:
                self.facts[i] = dataclasses.replace(f, voided=True)
                self._rebuild()
                return True
        return False

    def _rebuild(self) -> None:
        voided_versions = {f.id for f in self.facts if isinstance(f, Version) and f.voided}
        self.rec = Recorder(self.required, self.chain)
        for f in self.facts:
            if f.voided or (not isinstance(f, Version) and f.draft in voided_versions):
                continue
            self.rec.record(f)  # Refused here: a void the blocker rules let through broke what followed


VOIDS = st.tuples(st.just("void"), st.sampled_from([Tally, Decision, Opinion, Version]), st.integers(0, 50))


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(st.one_of(ACTIONS.map(tuple), VOIDS.map(lambda v: (v,))), max_size=12),
    chain=st.sampled_from([("ausschuss",), ("ausschuss", "rat")]),
    required=st.sampled_from([REQUIRED, ()]),
)
def test_the_state_after_a_void_is_the_state_as_if_it_had_never_been_recorded(
    steps: list[tuple[Any, ...]], chain: tuple[str, ...], required: tuple[str, ...]
) -> None:
    """Runs of recording, each followed by a void; after every step the replay equals the recording."""
    story = Story(chain, required)
    for run in steps:
        for step in run:
            if step[0] == "void":
                story.void(step[1], step[2])
            else:
                story.act(step)
            assert replay(story.document()) == story.rec.states


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        blocker(doc(versions=[Version(1, 1, day(0))]), "survey", 1)
    with pytest.raises(ValueError):
        without(doc(versions=[Version(1, 1, day(0))]), "survey", 1)


def test_without_marks_the_one_record_of_its_kind_void_and_nothing_else() -> None:
    facts = doc(
        versions=[Version(1, 1, day(0)), Version(2, 2, day(5))],
        opinions=[Opinion(1, 1, "beirat", day(1)), Opinion(2, 1, "runder-tisch", day(2))],
        decisions=[Decision(1, 1, F, day(3))],
        tallies=[Tally(1, 1, "ausschuss", A, day(4))],
    )
    for kind, items in (("version", "versions"), ("opinion", "opinions"), ("decision", "decisions"), ("tally", "tallies")):
        after = without(facts, kind, 1)
        assert [x.voided for x in getattr(after, items)] == [x.id == 1 for x in getattr(facts, items)], kind
        others = {"versions", "opinions", "decisions", "tallies"} - {items}
        assert all(getattr(after, o) == getattr(facts, o) for o in others), kind
        assert (after.required, after.chain) == (facts.required, facts.chain)
