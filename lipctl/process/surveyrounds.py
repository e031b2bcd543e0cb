"""Survey rounds (Umfragerunden): a survey's round number, its period and its status as of a day.

A survey runs for a period, ``opens_on`` to ``closes_on``, both days included (Befragungszeitraum).
``survey open`` gives it the period (and reopens a closed survey with a new one); ``survey close``
ends it on a day, which may be before the period's last day. Its status as of a day:

- ``planned``: the period has not begun;
- ``open``: the day lies in the period and the survey was not closed on or before it;
- ``closed``: the period is over, or the survey was closed on or before that day;
- ``None``: no period was ever given (a survey known from its imports alone).

Answers are still accepted in a closed survey (late exports happen); an answer dated outside the
period is only counted (``outside_period``). Round numbers are positive and each belongs to one
survey; a new survey opened without ``--round`` takes the next number. Standard library only,
but for the refusals' error classes.
"""

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple

from lipctl.errors import InvalidInput, Refused
from lipctl.i18n import _
from lipctl.process.limits import check_count


class Status(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"


class Round(NamedTuple):
    """What the rules know of one survey: its round and period, and the day it was closed (if so)."""

    name: str
    round: int | None
    opens_on: dt.date | None
    closes_on: dt.date | None
    closed_on: dt.date | None = None


def status(survey: Round, today: dt.date) -> Status | None:
    """The survey's status as of ``today`` (None: it has no period)."""
    if survey.opens_on is None or survey.closes_on is None:
        return None
    if survey.closed_on is not None and survey.closed_on <= today:
        return Status.CLOSED
    if today < survey.opens_on:
        return Status.PLANNED
    if today > survey.closes_on:
        return Status.CLOSED
    return Status.OPEN


def check_round(number: int | None) -> int | None:
    """--round: a positive whole number that an INTEGER column holds (None: not given)."""
    if number is not None:
        check_count(number, "--round")
    if number is not None and number < 1:
        raise InvalidInput(
            _("--round must be a positive number, not {n}").format(n=number), _("number the rounds from 1, e.g. --round 2")
        )
    return number


def check_period(opens_on: dt.date, closes_on: dt.date) -> None:
    """A period ends on or after the day it begins."""
    if closes_on < opens_on:
        raise InvalidInput(
            _("the period ends ({until}) before it begins ({start})").format(until=closes_on, start=opens_on),
            _("give an --until on or after --from"),
        )


def round_for(name: str, wanted: int | None, current: int | None, others: Iterable[Round]) -> int:
    """The round number a survey opened now gets: ``wanted`` (--round), else the one it has, else the next.

    A number another survey has is refused: a round is one survey."""
    taken = {o.round: o.name for o in others if o.round is not None and o.name.lower() != name.lower()}
    if wanted is None:
        if current is not None:
            return current
        return max(taken, default=0) + 1
    if wanted in taken:
        raise Refused(
            _("round {n} is the survey {name!r} already").format(n=wanted, name=taken[wanted]),
            _("give another --round, or leave it out for the next number ({next})").format(next=max(taken) + 1),
        )
    return wanted


def check_close(survey: Round, today: dt.date) -> None:
    """``survey close`` on ``today``: the survey must have a period that has begun, and be open still."""
    if survey.opens_on is None or survey.closes_on is None:
        raise Refused(
            _("the survey {name!r} has no period to close").format(name=survey.name),
            _("give it one with 'lipctl survey open NAME --from DATE --until DATE'"),
        )
    if survey.closed_on is not None:
        raise Refused(
            _("the survey {name!r} was closed on {day} already").format(name=survey.name, day=survey.closed_on),
            _("to let it run again, reopen it with 'lipctl survey open NAME --from DATE --until DATE'"),
        )
    if today < survey.opens_on:
        raise Refused(
            _("the survey {name!r} opens only on {day}").format(name=survey.name, day=survey.opens_on),
            _("close it once it has opened, or give it another period with 'lipctl survey open'"),
        )


def outside(survey: Round, submitted_at: dt.datetime | None) -> bool:
    """Whether an answer dated ``submitted_at`` lies outside the survey's period (an undated one never does).

    The store counts the same rule in SQL (lipctl.store.read.surveys.outside_period): before the first
    day, or on or after the day after the last."""
    if submitted_at is None or survey.opens_on is None or survey.closes_on is None:
        return False
    start, end = period_bounds(survey.opens_on, survey.closes_on)
    return submitted_at < start or submitted_at >= end


def last_day(opens_on: dt.date, closes_on: dt.date, closed_on: dt.date | None) -> dt.date:
    """The survey's actual last day: the planned one, or the day ``survey close`` ended it early (a close
    after the planned end does not lengthen it; a period never ends before it opens)."""
    if closed_on is None:
        return closes_on
    return max(opens_on, min(closes_on, closed_on))


def period_bounds(opens_on: dt.date, closes_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as half-open times [first day 00:00, the day after the last 00:00), as the store compares them."""
    start = dt.datetime.combine(opens_on, dt.time())
    end = dt.datetime.combine(closes_on + dt.timedelta(days=1), dt.time())
    return start, end
