"""The rules of sessions (lipctl.process.meetings) and of deferral (lipctl.process.votes), at each boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl.errors import ExitCode, InvalidInput, MissingOption, Refused
from lipctl.process import meetings as rules
from lipctl.process.definition import RuleSet
from lipctl.process.states import DecisionScope, ResolutionResult
from lipctl.process.votes import Deferral, Tally, decide, defer, require_counts

NKOMVG = RuleSet("nkomvg", "NKomVG", "more_than_half_of_members", "more_yes_than_no", True)
SESSION = dt.date(2021, 3, 10)
R, NQ, D = ResolutionResult.REJECTED, ResolutionResult.NOT_QUORATE, ResolutionResult.DEFERRED


# --- Ladungsfrist ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_ahead", "passes"), [(6, False), (7, True), (8, True)])
def test_the_invitation_period_of_seven_days(days_ahead: int, passes: bool) -> None:
    invited = SESSION - dt.timedelta(days=days_ahead)
    if passes:
        assert rules.check_invitation(SESSION, invited, 7, urgent=False, reason=None) == days_ahead
    else:
        with pytest.raises(
            Refused, match="went out 6 days before the session; the invitation period \\(Ladungsfrist\\) is 7 days"
        ):
            rules.check_invitation(SESSION, invited, 7, urgent=False, reason=None)


def test_a_short_period_passes_as_urgent_with_a_reason() -> None:
    invited = SESSION - dt.timedelta(days=6)
    assert rules.check_invitation(SESSION, invited, 7, urgent=True, reason="Frist des Landes") == 6
    with pytest.raises(InvalidInput, match="--urgent needs --reason"):
        rules.check_invitation(SESSION, invited, 7, urgent=True, reason="  ")
    with pytest.raises(InvalidInput, match="--reason is only used with --urgent"):
        rules.check_invitation(SESSION, invited, 7, urgent=False, reason="eilig")


def test_urgent_is_refused_where_the_period_was_kept_or_cannot_be_known() -> None:
    with pytest.raises(InvalidInput, match="--urgent is not needed: the invitation went out 7 days ahead"):
        rules.check_invitation(SESSION, SESSION - dt.timedelta(days=7), 7, urgent=True, reason="eilig")
    with pytest.raises(InvalidInput, match="--urgent needs --invited-on"):
        rules.check_invitation(SESSION, None, 7, urgent=True, reason="eilig")


def test_without_an_invitation_date_nothing_is_checked() -> None:
    assert rules.check_invitation(SESSION, None, 7, urgent=False, reason=None) is None


def test_an_invitation_after_the_session_is_refused() -> None:
    with pytest.raises(InvalidInput, match="--invited-on 2021-03-11 is after the session's date 2021-03-10"):
        rules.check_invitation(SESSION, SESSION + dt.timedelta(days=1), 7, urgent=False, reason=None)


def test_the_period_is_the_bodys_own_else_seven_days() -> None:
    assert rules.invitation_period(None) == rules.DEFAULT_INVITATION_DAYS == 7
    assert rules.check_invitation(SESSION, SESSION - dt.timedelta(days=3), 3, urgent=False, reason=None) == 3
    with pytest.raises(Refused, match="is 14 days"):
        rules.check_invitation(SESSION, SESSION - dt.timedelta(days=13), 14, urgent=False, reason=None)


# --- second convocation ---------------------------------------------------------------------------


def test_second_convocation_after_not_quorate_is_allowed() -> None:
    assert rules.second_convocation_refusal(what="bildung/grundsatzpapier v1", meeting=2, first=1, first_results=[NQ]) is None
    # a later deferral of the same item in the first session does not take it back
    assert rules.second_convocation_refusal(what="x", meeting=2, first=1, first_results=[NQ, D]) is None


def test_second_convocation_after_deferred_is_refused_naming_the_section() -> None:
    refusal = rules.second_convocation_refusal(what="bildung/grundsatzpapier v1", meeting=2, first=1, first_results=[D])
    assert isinstance(refusal, Refused)
    assert refusal.message == (
        "bildung/grundsatzpapier v1 was deferred in session 1, not postponed for lack of quorum: §65(2) NKomVG does not apply"
    )


def test_second_convocation_without_a_first_session_is_refused() -> None:
    refusal = rules.second_convocation_refusal(what="x", meeting="rat 2021-01-21", first=None, first_results=[])
    assert isinstance(refusal, Refused)
    assert "the session of rat 2021-01-21 is not a second convocation: §65(2) NKomVG" in refusal.message


def test_second_convocation_for_an_item_not_tallied_in_the_first_session_is_refused() -> None:
    refusal = rules.second_convocation_refusal(what="soziales/grundsatzpapier v2", meeting=2, first=1, first_results=[])
    assert isinstance(refusal, Refused)
    assert "was not tallied 'not_quorate' in session 1: §65(2) NKomVG" in refusal.message


def test_a_second_convocation_is_the_same_bodys_on_a_later_day() -> None:
    day = dt.date(2021, 3, 10)
    rules.check_second_convocation_of(first_id=1, first_body="a", first_date=day, body="a", date=day + dt.timedelta(days=1))
    with pytest.raises(Refused, match="session 1 is one of rat, not of a"):
        rules.check_second_convocation_of(first_id=1, first_body="rat", first_date=day, body="a", date=day + dt.timedelta(days=7))
    with pytest.raises(InvalidInput, match="comes after the first session"):
        rules.check_second_convocation_of(first_id=1, first_body="a", first_date=day, body="a", date=day)
    with pytest.raises(Refused, match="is itself a second convocation"):
        rules.check_second_convocation_of(
            first_id=1, first_body="a", first_date=day, body="a", date=day + dt.timedelta(days=7), first_is_second=True
        )


def test_present_zero_in_a_second_convocation_is_refused() -> None:
    with pytest.raises(InvalidInput, match="a second convocation with nobody present decides nothing"):
        decide(Tally(0, 0, 0, 0, 15, second_convocation=True), NKOMVG)


def test_one_present_in_a_second_convocation_is_quorate() -> None:
    outcome = decide(Tally(1, 0, 0, 1, 15, second_convocation=True), NKOMVG)
    assert (outcome.result, outcome.quorate) == (ResolutionResult.ADOPTED, True)


def test_all_abstaining_in_a_second_convocation_is_a_tie_rejected() -> None:
    outcome = decide(Tally(0, 0, 4, 4, 15, second_convocation=True), NKOMVG)
    assert (outcome.result, outcome.quorate) == (R, True)
    assert outcome.arithmetic.endswith("no yes or no votes: rejected")


# --- deferral -------------------------------------------------------------------------------------


def test_a_deferral_needs_no_counts() -> None:
    outcome = defer(Deferral(15), NKOMVG)
    assert (outcome.result, outcome.quorate, outcome.final) == (D, None, False)
    assert outcome.arithmetic == "deferred: the body postponed its decision (a procedural decision, no vote counts)"


def test_a_deferral_with_the_number_present_shows_the_quorum() -> None:
    outcome = defer(Deferral(15, present=9), NKOMVG)
    assert (outcome.result, outcome.quorate) == (D, True)
    assert outcome.arithmetic == "quorum 8 of 15, 9 present; deferred: the body postponed its decision"


@pytest.mark.parametrize("present", [0, 7])
def test_a_body_without_quorum_cannot_defer(present: int) -> None:
    with pytest.raises(Refused, match=f"{present} of 15 members present is not quorate"):
        defer(Deferral(15, present=present), NKOMVG)


def test_a_deferral_refuses_impossible_counts() -> None:
    with pytest.raises(InvalidInput, match="16 present, but the body has only 15"):
        defer(Deferral(15, present=16), NKOMVG)
    with pytest.raises(InvalidInput, match="cannot be negative: yes"):
        defer(Deferral(15, yes=-1), NKOMVG)


def test_missing_counts_are_a_usage_error_without_defer() -> None:
    with pytest.raises(MissingOption) as caught:
        require_counts(yes=1, no=None, abstain=None, present=3)
    assert caught.value.exit_code == ExitCode.USAGE
    assert caught.value.message == "missing options --no, --abstain"
    require_counts(yes=1, no=0, abstain=0, present=3)


# --- informing the committee ----------------------------------------------------------------------


def test_the_committee_is_informed_again_after_the_interval() -> None:
    last = dt.date(2021, 1, 1)
    due = rules.information_due(last, 90)
    assert due == dt.date(2021, 4, 1)
    assert rules.information_overdue(due, dt.date(2021, 4, 1)) is None
    assert rules.information_overdue(due, dt.date(2021, 4, 2)) == 1
    assert rules.information_due(None, 90) is None
    assert rules.information_due(None, 90, first_session=last) == due
    assert rules.information_due(last, None) is None


@pytest.mark.parametrize(("value", "ok"), [("5", True), ("5.1", True), ("12.3a", True), ("", False), ("TOP 5", False)])
def test_agenda_item_numbers(value: str, ok: bool) -> None:
    if ok:
        assert rules.parse_item_number(value) == value
    else:
        with pytest.raises(InvalidInput, match="is not an agenda item number"):
            rules.parse_item_number(value)


@pytest.mark.parametrize(("value", "ok"), [("16:00", True), ("09:30", True), ("24:00", False), ("4pm", False)])
def test_start_times(value: str, ok: bool) -> None:
    if ok:
        assert rules.parse_start(value) == value
    else:
        with pytest.raises(InvalidInput, match="is not a time"):
            rules.parse_start(value)


# --- recording in a session (moved out of services/meetings.py) ------------------------------


def test_a_session_is_recorded_in_once_it_has_taken_place() -> None:
    day = dt.date(2021, 3, 4)
    rules.check_held(5, day, day, hint="x")  # on its day
    rules.check_held(5, day, dt.date(2021, 3, 5), hint="x")
    with pytest.raises(InvalidInput, match=r"session 5 is on 2021-03-04, after today \(2021-03-03\)") as exc:
        rules.check_held(5, day, dt.date(2021, 3, 3), hint="record it later")
    assert exc.value.hint == "record it later"


def test_a_date_beside_the_session_must_be_its_day() -> None:
    day = dt.date(2021, 3, 4)
    rules.check_on_its_day(5, day, None)
    rules.check_on_its_day(5, day, day)
    with pytest.raises(InvalidInput, match=r"--date 2021-03-05 is not the day of session 5 \(2021-03-04\)"):
        rules.check_on_its_day(5, day, dt.date(2021, 3, 5))


def test_a_vote_without_a_session_goes_into_the_one_of_its_day() -> None:
    day = dt.date(2021, 3, 4)
    assert rules.one_session_of_the_day("rat", day, []) is None
    assert rules.one_session_of_the_day("rat", day, [7]) == 7
    with pytest.raises(Refused, match="rat has 2 sessions on 2021-03-04") as exc:
        rules.one_session_of_the_day("rat", day, [7, 9])
    assert "--meeting ID (7, 9)" in exc.value.hint


def test_agenda_numbers_are_unique_in_a_session() -> None:
    rules.check_agenda_number(5, None, ["5.1", None])
    rules.check_agenda_number(5, "5.2", ["5.1", None])
    with pytest.raises(Refused, match="session 5 already has an item 5.1"):
        rules.check_agenda_number(5, "5.1", ["5.1", None])


def test_sessions_are_kept_for_the_bodies_that_decide_and_take_what_they_decide_on() -> None:
    S = DecisionScope  # noqa: N806
    committee, council, round_table = 5, 6, 3
    scopes = rules.decided_by([(committee, S.DOCUMENT), (committee, S.PLAN), (council, S.PLAN)])
    assert scopes == {committee: {S.DOCUMENT, S.PLAN}, council: {S.PLAN}}
    rules.check_keeps_sessions("rat", scopes[council])
    with pytest.raises(Refused, match="runder-tisch decides on nothing in the seed's decision chain"):
        rules.check_keeps_sessions("runder-tisch", scopes.get(round_table, set()))
    rules.check_decides_on(1, "internationaler-ausschuss", scopes[committee], S.DOCUMENT)
    with pytest.raises(Refused, match="session 2 is one of rat, which does not decide on a document"):
        rules.check_decides_on(2, "rat", scopes[council], S.DOCUMENT)
