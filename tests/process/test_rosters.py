"""lipctl.process.rosters: membership spans, seat history, the statutory number, the members override."""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl.errors import InvalidInput, Refused
from lipctl.process import rosters as r

D = dt.date
NOV1 = D(2021, 11, 1)


def term(since: dt.date | None = None, until: dt.date | None = None, *, voting: bool = True, person: str = "A") -> r.Term:
    return r.Term(person, voting, since, until)


@pytest.mark.parametrize(
    ("day", "on"),
    [(D(2021, 10, 31), False), (NOV1, True), (D(2022, 3, 31), True), (D(2022, 4, 1), False)],
)
def test_a_membership_holds_from_its_first_to_its_last_day_both_included(day: dt.date, on: bool) -> None:
    assert term(NOV1, D(2022, 3, 31)).on(day) is on


def test_a_membership_without_dates_always_holds() -> None:
    assert term().on(D(1990, 1, 1)) and term().on(D(2090, 1, 1))


def test_advisory_members_never_count() -> None:
    terms = [term(NOV1), term(NOV1, voting=False, person="B"), term(D(2022, 1, 1), person="C")]
    assert r.voting_on(terms, NOV1) == 1
    assert r.voting_on(terms, D(2022, 1, 1)) == 2


def test_the_seat_count_changes_between_two_dates() -> None:
    history = [(D(2016, 11, 1), 15), (NOV1, 9)]
    assert r.seats_on(history, D(2016, 10, 31)) is None
    assert r.seats_on(history, D(2016, 11, 1)) == 15
    assert r.seats_on(history, D(2021, 10, 31)) == 15
    assert r.seats_on(history, NOV1) == 9


def test_the_statutory_number_prefers_the_recorded_seats_then_the_seed_then_the_roster() -> None:
    roster = [term(NOV1), term(NOV1, person="B")]
    assert r.statutory(9, 23, roster, NOV1) == (9, "seats")
    assert r.statutory(None, 23, roster, NOV1) == (23, "seed")
    assert r.statutory(None, None, roster, NOV1) == (2, "roster")
    assert r.statutory(None, None, roster, D(2021, 10, 31)) == (None, None)
    assert r.statutory(None, None, [term(NOV1, voting=False)], NOV1) == (None, None)


def members(
    statutory: int | None, typed: int | None, override: bool = False, reason: str | None = None
) -> tuple[int, str | None]:
    return r.check_members(statutory, typed, override=override, reason=reason, body="ausschuss", day=NOV1)


def test_members_default_to_the_statutory_number_and_may_repeat_it() -> None:
    assert members(15, None) == (15, None)
    assert members(15, 15) == (15, None)


def test_a_different_number_is_refused_without_the_override() -> None:
    with pytest.raises(
        Refused, match="--members 9 differs from ausschuss's statutory number of voting members on 2021-11-01, 15"
    ):
        members(15, 9)


def test_the_override_needs_a_reason_and_records_it() -> None:
    with pytest.raises(InvalidInput, match="--members-override needs --reason"):
        members(15, 9, override=True)
    with pytest.raises(InvalidInput, match="--members-override needs --reason"):
        members(15, 9, override=True, reason="   ")
    assert members(15, 9, override=True, reason=" Sitz vakant ") == (9, "Sitz vakant")


def test_the_override_needs_a_number_that_differs() -> None:
    with pytest.raises(InvalidInput, match="--members-override needs --members N"):
        members(15, None, override=True, reason="x")
    with pytest.raises(InvalidInput, match="nothing to override"):
        members(15, 15, override=True, reason="x")


def test_a_reason_without_the_override_is_refused() -> None:
    with pytest.raises(InvalidInput, match="--reason is only used with --members-override"):
        members(15, None, reason="x")


def test_without_a_statutory_number_members_is_required_and_taken_as_typed() -> None:
    with pytest.raises(InvalidInput, match="no statutory number of voting members is recorded for ausschuss on 2021-11-01"):
        members(None, None)
    assert members(None, 9) == (9, None)
    assert members(None, 9, override=True, reason="x") == (9, "x")


def test_the_roster_above_the_seats_is_found_on_the_days_given() -> None:
    roster = [term(NOV1), term(NOV1, person="B"), term(D(2022, 1, 1), person="C")]
    assert r.over_seats([], 2, roster, [NOV1, D(2022, 1, 1)]) == [(D(2022, 1, 1), 3, 2)]
    assert r.over_seats([], 3, roster, [NOV1, D(2022, 1, 1)]) == []
    assert r.over_seats([], None, roster, [NOV1]) == []
    # a recorded seat count wins over the seed's from its day on
    assert r.over_seats([(D(2022, 1, 1), 3)], 2, roster, [NOV1, D(2022, 1, 1)]) == []
    assert r.over_seats([(D(2022, 1, 1), 2)], None, roster, [NOV1, D(2022, 1, 1)]) == [(D(2022, 1, 1), 3, 2)]


def test_one_membership_of_a_body_at_a_time() -> None:
    ended = term(D(2016, 11, 1), D(2021, 10, 31))
    r.check_overlap([ended], NOV1, None, body="rat")  # the next day: fine
    with pytest.raises(Refused, match="A is already a member of rat from 2016-11-01 until 2021-10-31"):
        r.check_overlap([ended], D(2021, 10, 31), None, body="rat")
    with pytest.raises(Refused, match="without dates"):
        r.check_overlap([term()], NOV1, None, body="rat")


def test_a_membership_ends_once_on_or_after_its_first_day() -> None:
    r.check_end(term(NOV1), NOV1)  # a one-day membership
    with pytest.raises(InvalidInput, match="--on 2021-10-31 is before the membership began"):
        r.check_end(term(NOV1), D(2021, 10, 31))
    with pytest.raises(Refused, match="already ended on 2022-01-01"):
        r.check_end(term(NOV1, D(2022, 1, 1)), D(2022, 2, 1))


def test_the_days_a_count_may_change_are_the_later_seat_records_and_first_days() -> None:
    history = [(D(2021, 1, 1), 3), (D(2022, 6, 1), 4)]
    roster = [term(D(2020, 1, 1)), term(D(2022, 2, 1), person="B"), term(D(2022, 2, 1), D(2022, 3, 1), person="C")]
    assert r.change_days(history, roster, NOV1) == [NOV1, D(2022, 2, 1), D(2022, 6, 1)]
    assert r.change_days([], [], NOV1) == [NOV1]


def test_the_seats_in_force_are_the_recorded_count_else_the_seeds() -> None:
    history = [(D(2021, 1, 1), 3), (D(2022, 6, 1), 4)]
    assert r.seats_in_force(history, 9, D(2020, 12, 31)) == 9  # before any record: the seed's
    assert r.seats_in_force(history, 9, D(2022, 5, 31)) == 3
    assert r.seats_in_force(history, None, D(2022, 6, 1)) == 4
    assert r.seats_in_force([], None, NOV1) is None


def test_a_new_seat_count_rules_until_the_next_recorded_one() -> None:
    history = [(NOV1, 3), (D(2022, 6, 1), 4)]  # the count just recorded from NOV1 among them
    roster = [term(D(2022, 2, 1), person="B"), term(D(2022, 9, 1), person="C")]
    assert r.governed_days(history, roster, NOV1) == [NOV1, D(2022, 2, 1)]  # C's first day is under the next count
    assert r.governed_days([(NOV1, 3)], roster, NOV1) == [NOV1, D(2022, 2, 1), D(2022, 9, 1)]


def test_the_roster_days_are_the_first_days_and_the_recorded_counts() -> None:
    roster = [term(), term(D(2022, 2, 1), person="B")]
    assert r.roster_days([(D(2021, 1, 1), 3)], roster) == [D(2021, 1, 1), D(2022, 2, 1)]
    assert r.roster_days([], [term()]) == [D.min]  # the seed's count and a roster without days: any day


def test_a_voting_member_is_added_only_within_the_seats_on_every_later_day() -> None:
    roster = [term(NOV1), term(NOV1, person="B")]
    r.check_room([], 3, roster, term(NOV1, person="C"), body="ik")  # room: 3 of 3
    r.check_room([], 2, roster, term(NOV1, voting=False, person="C"), body="ik")  # advisory: always
    with pytest.raises(Refused, match="ik has 2 voting seats on 2021-11-01; with C its roster would have 3 voting members"):
        r.check_room([], 2, roster, term(NOV1, person="C"), body="ik")
    # room today, but a member already recorded to join later would be one too many then
    later = [*roster, term(D(2022, 1, 1), person="D")]
    with pytest.raises(Refused, match="on 2022-01-01; with C its roster would have 4"):
        r.check_room([], 3, later, term(NOV1, person="C"), body="ik")
    # fewer seats recorded from a later day count from that day
    with pytest.raises(Refused, match="ik has 2 voting seats on 2022-06-01"):
        r.check_room([(D(2022, 6, 1), 2)], 3, roster, term(NOV1, person="C"), body="ik")


def test_seats_are_zero_or_more() -> None:
    r.check_seats(0)
    with pytest.raises(InvalidInput, match="--seats -1 is negative"):
        r.check_seats(-1)


def test_member_end_closes_the_current_membership_else_the_latest() -> None:
    ended, current = term(D(2016, 11, 1), D(2021, 10, 31)), term(NOV1)
    assert r.to_end([ended, current]) == 1
    assert r.to_end([current, ended]) == 0
    assert r.to_end([ended, term(D(2022, 1, 1), D(2022, 2, 1))]) == 1  # none current: the latest (check_end refuses it)
