"""The vote arithmetic (lipctl.process.votes): every rule set of the seed at its edges, and properties."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lipctl.errors import InvalidInput, Refused
from lipctl.process.definition import RuleSet
from lipctl.process.drucksache import parse_drucksache
from lipctl.process.states import ResolutionResult
from lipctl.process.votes import Tally, decide, quorum_needed, validate, yes_needed
from lipctl.services.seed import default_seed_path, read_seed

RULES: dict[str, RuleSet] = {rs.slug: rs for rs in read_seed(default_seed_path()).rule_sets}

A, R, NQ, D = ResolutionResult.ADOPTED, ResolutionResult.REJECTED, ResolutionResult.NOT_QUORATE, ResolutionResult.DEFERRED

# (rule set, yes, no, abstain, present, members, second convocation, deferred) -> result, quorate
CASES = [
    # --- NKomVG §65/§66: quorum more than half of the voting members; more yes than no ------
    ("nkomvg", 7, 5, 2, 14, 15, False, False, A, True, "the issue's example"),
    ("nkomvg", 7, 0, 0, 7, 14, False, False, NQ, False, "exactly half present (even) is not quorate"),
    ("nkomvg", 5, 3, 0, 8, 14, False, False, A, True, "one more than half present"),
    ("nkomvg", 7, 0, 0, 7, 15, False, False, NQ, False, "7 of 15 is less than half"),
    ("nkomvg", 5, 3, 0, 8, 15, False, False, A, True, "8 of 15 is more than half"),
    ("nkomvg", 6, 6, 2, 14, 15, False, False, R, True, "a tie is rejected"),
    ("nkomvg", 5, 7, 2, 14, 15, False, False, R, True, "fewer yes than no"),
    ("nkomvg", 0, 0, 14, 14, 15, False, False, R, True, "all abstain: no majority"),
    ("nkomvg", 0, 0, 0, 8, 15, False, False, R, True, "zero yes/no votes, nobody voted"),
    ("nkomvg", 15, 0, 0, 15, 15, False, False, A, True, "unanimity"),
    ("nkomvg", 1, 0, 10, 11, 15, False, False, A, True, "abstentions are not counted"),
    ("nkomvg", 3, 2, 3, 8, 15, False, False, A, True, "OpenSlides 3 pitfall: ceil(5/2)+1 = 4 would reject 3 of 5"),
    ("nkomvg", 11, 10, 0, 21, 42, False, False, NQ, False, "Antragsgrün pitfall: ceil(42/2) = 21 is not a quorum"),
    ("nkomvg", 12, 10, 0, 22, 42, False, False, A, True, "42 members: quorum 22"),
    ("nkomvg", 3, 1, 0, 4, 15, True, False, A, True, "second convocation: quorate regardless of attendance"),
    ("nkomvg", 0, 0, 1, 1, 15, True, False, R, True, "second convocation, the one there abstains: quorate, 0:0 rejected"),
    ("nkomvg", 7, 5, 2, 14, 15, False, True, D, True, "the committee postponed the item"),
    ("nkomvg", 1, 0, 0, 1, 1, False, False, A, True, "a one-member body"),
    # --- two thirds of the yes/no votes --------------------------------------------------------
    ("two-thirds-of-votes-cast", 10, 5, 0, 15, 20, False, False, A, True, "10:5 is exactly two thirds"),
    ("two-thirds-of-votes-cast", 9, 5, 0, 14, 20, False, False, R, True, "9:5 is short of two thirds"),
    ("two-thirds-of-votes-cast", 10, 5, 4, 19, 20, False, False, A, True, "abstentions are not counted"),
    ("two-thirds-of-votes-cast", 6, 3, 0, 9, 15, False, False, A, True, "OpenSlides pitfall: two thirds of 9 is 6, not 7"),
    ("two-thirds-of-votes-cast", 5, 4, 0, 9, 15, False, False, R, True, "5 of 9 is not two thirds"),
    ("two-thirds-of-votes-cast", 5, 5, 0, 10, 15, False, False, R, True, "a tie"),
    ("two-thirds-of-votes-cast", 0, 0, 11, 11, 20, False, False, R, True, "all abstain"),
    ("two-thirds-of-votes-cast", 0, 0, 0, 11, 20, False, False, R, True, "zero yes/no votes"),
    ("two-thirds-of-votes-cast", 1, 0, 10, 11, 20, False, False, A, True, "one yes, nobody against"),
    ("two-thirds-of-votes-cast", 20, 0, 0, 20, 20, False, False, A, True, "unanimity"),
    ("two-thirds-of-votes-cast", 10, 0, 0, 10, 20, False, False, NQ, False, "exactly half present"),
    ("two-thirds-of-votes-cast", 11, 0, 0, 11, 20, False, False, A, True, "one more than half present"),
    # --- two thirds of the members present -----------------------------------------------------
    ("two-thirds-of-present", 10, 5, 0, 15, 20, False, False, A, True, "10 of 15 present"),
    ("two-thirds-of-present", 9, 5, 0, 14, 20, False, False, R, True, "9 of 14 present"),
    ("two-thirds-of-present", 10, 0, 5, 15, 20, False, False, A, True, "abstentions count against, 10 of 15 still enough"),
    ("two-thirds-of-present", 9, 0, 5, 14, 20, False, False, R, True, "abstentions count against"),
    ("two-thirds-of-present", 6, 3, 0, 9, 15, False, False, A, True, "OpenSlides pitfall: 6 of 9 present is two thirds"),
    ("two-thirds-of-present", 6, 0, 0, 9, 15, False, False, A, True, "non-voters present count against, 6 of 9 enough"),
    ("two-thirds-of-present", 5, 5, 0, 10, 15, False, False, R, True, "a tie"),
    ("two-thirds-of-present", 0, 0, 11, 11, 20, False, False, R, True, "all abstain"),
    (
        "two-thirds-of-present",
        0,
        0,
        1,
        1,
        20,
        True,
        False,
        R,
        True,
        "second convocation, one present abstaining: nothing carried",
    ),
    ("two-thirds-of-present", 20, 0, 0, 20, 20, False, False, A, True, "unanimity"),
    ("two-thirds-of-present", 10, 0, 0, 10, 20, False, False, NQ, False, "exactly half present"),
    # --- absolute majority of all members ------------------------------------------------------
    ("absolute-majority", 8, 0, 0, 8, 15, False, False, A, True, "OpenSlides pitfall: 8 of 15 suffices, not ceil(15/2)+1 = 9"),
    ("absolute-majority", 7, 0, 1, 8, 15, False, False, R, True, "7 of 15 is not more than half"),
    ("absolute-majority", 7, 0, 0, 8, 14, False, False, R, True, "exactly half of the members"),
    ("absolute-majority", 8, 6, 0, 14, 14, False, False, A, True, "one more than half of the members"),
    ("absolute-majority", 22, 0, 20, 42, 42, False, False, A, True, "42 members: 22"),
    ("absolute-majority", 21, 0, 0, 22, 42, False, False, R, True, "42 members: 21 is not enough"),
    ("absolute-majority", 7, 7, 0, 14, 14, False, False, R, True, "a tie"),
    ("absolute-majority", 0, 0, 14, 14, 14, False, False, R, True, "all abstain"),
    ("absolute-majority", 14, 0, 0, 14, 14, False, False, A, True, "unanimity"),
    ("absolute-majority", 4, 0, 0, 4, 14, True, False, R, True, "second convocation: quorate, but 4 of 14 is no majority"),
]


@pytest.mark.parametrize(
    ("rule", "yes", "no", "abstain", "present", "members", "second", "deferred", "result", "quorate"),
    [pytest.param(*c[:10], id=f"{c[0]}:{c[1]}-{c[2]}-{c[3]}/{c[4]}/{c[5]} {c[10]}") for c in CASES],
)
def test_rule_set_edges(rule, yes, no, abstain, present, members, second, deferred, result, quorate) -> None:
    outcome = decide(Tally(yes, no, abstain, present, members, second, deferred), RULES[rule])
    assert (outcome.result, outcome.quorate) == (result, quorate), outcome.arithmetic


def test_nobody_present_in_a_second_convocation_and_a_deferral_without_quorum_are_refused() -> None:
    with pytest.raises(InvalidInput, match="a second convocation with nobody present decides nothing"):
        decide(Tally(0, 0, 0, 0, 15, second_convocation=True), RULES["nkomvg"])
    with pytest.raises(Refused, match="5 of 15 members present is not quorate: a body without quorum cannot postpone"):
        decide(Tally(0, 0, 0, 5, 15, deferred=True), RULES["nkomvg"])


def test_every_seed_rule_set_is_covered() -> None:
    assert {c[0] for c in CASES} == set(RULES)


@pytest.mark.parametrize(
    ("rule", "tally", "text"),
    [
        (
            "nkomvg",
            Tally(7, 5, 2, 14, 15),
            "7 yes of 12 yes/no votes; 2 abstentions not counted; quorum 8 of 15, 14 present; more yes than no: adopted",
        ),
        (
            "nkomvg",
            Tally(6, 6, 1, 13, 15),
            "6 yes of 12 yes/no votes; 1 abstention not counted; quorum 8 of 15, 13 present; a tie: rejected",
        ),
        (
            "nkomvg",
            Tally(0, 0, 9, 9, 15),
            "0 yes of 0 yes/no votes; 9 abstentions not counted; quorum 8 of 15, 9 present; no yes or no votes: rejected",
        ),
        (
            "nkomvg",
            Tally(11, 10, 0, 21, 42),
            "11 yes of 21 yes/no votes; 0 abstentions not counted; quorum 22 of 42, 21 present; not quorate: no resolution",
        ),
        (
            "nkomvg",
            Tally(3, 1, 0, 4, 15, second_convocation=True),
            "3 yes of 4 yes/no votes; 0 abstentions not counted; second convocation: quorate regardless of attendance, 4 of 15 present; more yes than no: adopted",
        ),
        (
            "nkomvg",
            Tally(7, 5, 2, 14, 15, deferred=True),
            "7 yes of 12 yes/no votes; 2 abstentions not counted; quorum 8 of 15, 14 present; deferred: the body postponed its decision",
        ),
        (
            "two-thirds-of-votes-cast",
            Tally(9, 5, 0, 14, 20),
            "9 yes of 14 yes/no votes, two thirds needs 10; 0 abstentions not counted; quorum 11 of 20, 14 present; two thirds not reached: rejected",
        ),
        (
            "two-thirds-of-present",
            Tally(10, 0, 5, 15, 20),
            "10 yes of 15 present, two thirds needs 10; 0 no and 5 abstentions count against; quorum 11 of 20, 15 present; two thirds reached: adopted",
        ),
        (
            "absolute-majority",
            Tally(8, 0, 0, 8, 15),
            "8 yes of 15 members, more than half needs 8; 0 no and 0 abstentions count against; quorum 8 of 15, 8 present; more than half of all members: adopted",
        ),
    ],
)
def test_arithmetic_text(rule: str, tally: Tally, text: str) -> None:
    assert decide(tally, RULES[rule]).arithmetic == text


def test_quorum_rule_none_and_second_convocation_off() -> None:
    open_rules = RuleSet("open", "Open", quorum="none", majority="more_yes_than_no")
    outcome = decide(Tally(2, 1, 0, 3, 40), open_rules)
    assert (outcome.result, outcome.quorate) == (A, True)
    assert "no quorum rule, 3 present" in outcome.arithmetic
    strict = RuleSet(
        "strict", "Strict", quorum="more_than_half_of_members", majority="more_yes_than_no", second_convocation_quorate=False
    )
    outcome = decide(Tally(3, 1, 0, 4, 15, second_convocation=True), strict)
    assert (outcome.result, outcome.quorate) == (NQ, False)


@pytest.mark.parametrize(
    ("tally", "message"),
    [
        (Tally(-1, 0, 0, 5, 15), "vote counts cannot be negative: yes"),
        (Tally(0, -2, -1, 5, 15), "vote counts cannot be negative: no, abstain"),
        (Tally(0, 0, 0, -1, 15), "vote counts cannot be negative: present"),
        (Tally(0, 0, 0, 0, 0), "the body must have at least 1 voting member, found 0"),
        (Tally(0, 0, 0, 0, -3), "the body must have at least 1 voting member, found -3"),
        (Tally(1, 0, 0, 16, 15), "16 present, but the body has only 15 voting members"),
        (Tally(7, 5, 3, 14, 15), "7 yes + 5 no + 3 abstentions = 15 votes, more than the 14 members present"),
    ],
)
def test_impossible_numbers(tally: Tally, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        decide(tally, RULES["nkomvg"])
    assert err.value.message == message
    assert err.value.hint


# --- properties -------------------------------------------------------------------------------


@st.composite
def tallies(draw: st.DrawFn, *, room: int = 0) -> Tally:
    """A possible tally; ``room`` members present who did not vote at least."""
    members = draw(st.integers(1, 120))
    present = draw(st.integers(room, members)) if room <= members else members
    assume(present >= room)
    yes = draw(st.integers(0, present - room))
    no = draw(st.integers(0, present - room - yes))
    abstain = draw(st.integers(0, present - room - yes - no))
    second = draw(st.booleans())
    assume(not (second and present == 0))  # a second convocation needs someone present (§65(2) waives the quorum only)
    deferred = draw(st.booleans()) and (second or 2 * present > members)  # a body without quorum cannot postpone
    return Tally(yes, no, abstain, present, members, second, deferred)


rule_sets = st.sampled_from(sorted(RULES.values(), key=lambda r: r.slug))


@settings(max_examples=500)
@given(tallies(), st.integers(0, 120))
def test_nkomvg_outcome_never_depends_on_abstentions(t: Tally, more: int) -> None:
    other = Tally(t.yes, t.no, min(t.abstain + more, t.present - t.cast), t.present, t.members, t.second_convocation, t.deferred)
    zero = Tally(t.yes, t.no, 0, t.present, t.members, t.second_convocation, t.deferred)
    outcomes = {(o.result, o.quorate) for o in (decide(x, RULES["nkomvg"]) for x in (t, other, zero))}
    assert len(outcomes) == 1


@settings(max_examples=500)
@given(tallies(room=1), rule_sets)
def test_one_more_yes_never_turns_adopted_into_rejected(t: Tally, rules: RuleSet) -> None:
    before = decide(t, rules)
    more_yes = decide(Tally(t.yes + 1, t.no, t.abstain, t.present, t.members, t.second_convocation, t.deferred), rules)
    assert more_yes.quorate == before.quorate
    if before.result is A:
        assert more_yes.result is A
    if t.no:  # a no vote that becomes a yes vote
        switched = decide(Tally(t.yes + 1, t.no - 1, t.abstain, t.present, t.members, t.second_convocation, t.deferred), rules)
        if before.result is A:
            assert switched.result is A


@settings(max_examples=500)
@given(tallies(), rule_sets)
def test_result_is_one_of_four_and_quorum_is_consistent(t: Tally, rules: RuleSet) -> None:
    outcome = decide(t, rules)
    assert outcome.result in {A, R, NQ, D}
    assert (outcome.result is NQ) == (not outcome.quorate)
    assert outcome.final == (outcome.result in {A, R})
    if t.deferred and outcome.quorate:
        assert outcome.result is D
    if not t.second_convocation and rules.quorum == "more_than_half_of_members":
        assert outcome.quorate == (t.present >= quorum_needed(t.members))


@settings(max_examples=500)
@given(tallies(), rule_sets)
def test_yes_needed_is_the_exact_threshold(t: Tally, rules: RuleSet) -> None:
    """The threshold printed in the arithmetic is the smallest yes count that passes."""
    assume(not t.deferred and t.present > 0)  # a second convocation needs someone present
    t = Tally(t.yes, t.no, t.abstain, t.present, t.members, second_convocation=True)  # quorate under every seed rule set
    needed = yes_needed(rules.majority, t)
    room = t.present - t.no - t.abstain  # the most yes votes these others leave room for
    for y in range(0, room + 1):
        trial = decide(Tally(y, t.no, t.abstain, t.present, t.members, True), rules).result
        assert (trial is A) == (y >= needed), (y, needed)


@given(
    st.integers(-50, 200), st.integers(-50, 200), st.integers(-50, 200), st.integers(-50, 200), st.integers(-50, 200), rule_sets
)
def test_any_numbers_are_decided_or_refused(yes: int, no: int, abstain: int, present: int, members: int, rules: RuleSet) -> None:
    t = Tally(yes, no, abstain, present, members)
    possible = min(yes, no, abstain, present) >= 0 and members >= 1 and present <= members and yes + no + abstain <= present
    if possible:
        validate(t)
        assert decide(t, rules).result in {A, R, NQ, D}
    else:
        with pytest.raises(InvalidInput):
            decide(t, rules)


# --- Drucksache -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2472/2019", "2472/2019"),
        ("H-0375/2019", "H-0375/2019"),
        ("15-0067/2019 F1", "15-0067/2019 F1"),
        ("15-0067/2019 E1", "15-0067/2019 E1"),
        ("2472/2019 N1", "2472/2019 N1"),
        ("H-0375/2019 S2", "H-0375/2019 S2"),
        ("  h-0375/2019  ", "H-0375/2019"),
        ("15-0067/2019  f1", "15-0067/2019 F1"),
        ("0001/2021", "0001/2021"),
    ],
)
def test_drucksache_forms(text: str, canonical: str) -> None:
    assert parse_drucksache(text) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2472",
        "2472/19",
        "472/2019",
        "24720/2019",
        "2472-2019",
        "X-0375/2019",
        "H0375/2019",
        "1-0067/2019",
        "15-0067/2019F1",
        "15-0067/2019 F",
        "15-0067/2019 X1",
        "2472/2019 F123",
        "Drucks. 2472/2019",
        "2472/1899",
        "2472/2019/1",
    ],
)
def test_drucksache_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_drucksache(text)
    assert err.value.message == f"{text!r} is not a printed-matter number (Drucksache) in Hannover's forms"
    assert "2472/2019, H-0375/2019, 15-0067/2019 F1" in (err.value.hint or "")


def test_the_counts_as_typed_a_vote_needs_all_a_deferral_none() -> None:
    from lipctl.errors import MissingOption
    from lipctl.process.votes import check_given

    check_given(defer=False, yes=5, no=2, abstain=0, present=7, members=None)
    check_given(defer=True, yes=None, no=None, abstain=None, present=None, members=None)
    with pytest.raises(MissingOption) as missing:
        check_given(defer=False, yes=5, no=None, abstain=0, present=None, members=None)
    assert missing.value.message == "missing options --no, --present"
    # a count beyond what lipctl stores is refused naming it, also for a deferral and before the missing ones
    for defer in (False, True):
        with pytest.raises(InvalidInput) as beyond:
            check_given(defer=defer, yes=2**40, no=None, abstain=None, present=None, members=None)
        assert beyond.value.message.startswith("--yes 1099511627776 is beyond what lipctl records")
