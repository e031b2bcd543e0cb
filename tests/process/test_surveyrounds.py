"""Survey rounds on their own: the status by day, the period's checks, round numbers, closing."""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl.errors import InvalidInput, Refused
from lipctl.process import surveyrounds as sr

D = dt.date
T = dt.datetime.fromisoformat  # naive UTC, as the store keeps answers' times
SECOND = sr.Round("Zweite Online-Umfrage", 2, D(2021, 3, 1), D(2021, 3, 31))


def test_the_status_follows_the_day_and_both_ends_of_the_period_belong_to_it() -> None:
    assert sr.status(SECOND, D(2021, 2, 28)) is sr.Status.PLANNED
    assert sr.status(SECOND, D(2021, 3, 1)) is sr.Status.OPEN
    assert sr.status(SECOND, D(2021, 3, 31)) is sr.Status.OPEN
    assert sr.status(SECOND, D(2021, 4, 1)) is sr.Status.CLOSED


def test_a_survey_closed_early_is_closed_from_that_day_and_one_without_period_has_no_status() -> None:
    early = SECOND._replace(closed_on=D(2021, 3, 20))
    assert sr.status(early, D(2021, 3, 19)) is sr.Status.OPEN
    assert sr.status(early, D(2021, 3, 20)) is sr.Status.CLOSED
    assert sr.status(sr.Round("alt", None, None, None), D(2021, 3, 20)) is None


def test_a_period_that_ends_before_it_begins_is_refused_one_day_is_a_period() -> None:
    with pytest.raises(InvalidInput, match=r"ends \(2021-02-28\) before it begins \(2021-03-01\)"):
        sr.check_period(D(2021, 3, 1), D(2021, 2, 28))
    sr.check_period(D(2021, 3, 1), D(2021, 3, 1))


@pytest.mark.parametrize("number", [0, -1])
def test_a_round_is_a_positive_number(number: int) -> None:
    with pytest.raises(InvalidInput, match="--round must be a positive number"):
        sr.check_round(number)
    assert sr.check_round(3) == 3 and sr.check_round(None) is None


def test_a_round_beyond_what_the_store_holds_is_refused() -> None:
    with pytest.raises(InvalidInput, match="--round"):
        sr.check_round(2**31)
    assert sr.check_round(2**31 - 1) == 2**31 - 1


def test_round_numbers_next_kept_or_given_and_each_belongs_to_one_survey() -> None:
    first = sr.Round("Erste", 1, None, None)
    assert sr.round_for("Neu", None, None, []) == 1
    assert sr.round_for("Neu", None, None, [first, SECOND]) == 3
    assert sr.round_for("zweite online-umfrage", None, 2, [first, SECOND]) == 2  # its own number, any case
    assert sr.round_for("Neu", 5, None, [first, SECOND]) == 5
    with pytest.raises(Refused, match="round 2 is the survey 'Zweite Online-Umfrage' already"):
        sr.round_for("Neu", 2, None, [first, SECOND])


def test_closing_needs_a_begun_period_and_an_open_survey() -> None:
    sr.check_close(SECOND, D(2021, 3, 15))
    sr.check_close(SECOND, D(2021, 5, 1))  # after the period: the office records that it closed it
    with pytest.raises(Refused, match="has no period to close"):
        sr.check_close(sr.Round("alt", None, None, None), D(2021, 3, 15))
    with pytest.raises(Refused, match="opens only on 2021-03-01"):
        sr.check_close(SECOND, D(2021, 2, 1))
    with pytest.raises(Refused, match="was closed on 2021-03-20 already"):
        sr.check_close(SECOND._replace(closed_on=D(2021, 3, 20)), D(2021, 3, 25))


def test_answers_outside_the_period_by_their_time_undated_ones_never() -> None:
    assert not sr.outside(SECOND, T("2021-03-01 00:00:00"))
    assert not sr.outside(SECOND, T("2021-03-31 23:59:59"))
    assert sr.outside(SECOND, T("2021-02-28 23:59:00"))
    assert sr.outside(SECOND, T("2021-04-01 00:00:00"))
    assert not sr.outside(SECOND, None)
    assert not sr.outside(sr.Round("alt", None, None, None), T("2000-01-01 00:00"))


def test_the_actual_last_day_is_the_planned_one_or_an_earlier_close_never_before_the_opening() -> None:
    opens, closes = dt.date(2021, 3, 1), dt.date(2021, 3, 31)
    assert sr.last_day(opens, closes, None) == closes
    assert sr.last_day(opens, closes, dt.date(2021, 3, 15)) == dt.date(2021, 3, 15)  # closed early
    assert sr.last_day(opens, closes, dt.date(2021, 4, 10)) == closes  # a late close does not lengthen it
    assert sr.last_day(opens, closes, dt.date(2021, 2, 20)) == opens
