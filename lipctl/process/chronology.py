"""The order of events (Chronologie): a record must tell a history that can have happened.

Dates of acts that have happened (a submission, an opinion, a decision, a tally) are checked
against what they rely on: nothing is decided before what it decides on, and a steering decision
counts only the opinions that had arrived by its date. Dates of what is planned are not checked
here. Every refusal names both dates. Pure: no database, no terminal.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from lipctl.errors import InvalidInput, Refused
from lipctl.i18n import _
from lipctl.process import lifecycle


def _iso(day: dt.date) -> str:
    return day.isoformat()


def check_submission(
    day: dt.date,
    *,
    what: str,
    previous: str | None = None,
    previous_submitted: dt.date | None = None,
    returned_on: dt.date | None = None,
    previous_state: str | None = None,
    previous_since: dt.date | None = None,
) -> None:
    """A new version (``what``, received on ``day``) comes after the version it revises, after the
    steering decision that returned that version for revision (``returned_on``), and after the
    last thing that happened to a version it supersedes (``previous_state`` since ``previous_since``)."""
    if returned_on is not None and day < returned_on:
        raise InvalidInput(
            _("--date {date}: {what} cannot be submitted before {previous} was returned for revision ({returned})").format(
                date=_iso(day), what=what, previous=previous, returned=_iso(returned_on)
            ),
            _("give the date the revised version was received"),
        )
    if previous_submitted is not None and day < previous_submitted:
        raise InvalidInput(
            _("--date {date}: {what} cannot be submitted before {previous} ({submitted})").format(
                date=_iso(day), what=what, previous=previous, submitted=_iso(previous_submitted)
            ),
            _("give the date the new version was received"),
        )
    if previous_since is not None and day < previous_since:
        raise InvalidInput(
            _("--date {date}: {what} cannot supersede {previous}, which is {state} since {since}").format(
                date=_iso(day), what=what, previous=previous, state=previous_state, since=_iso(previous_since)
            ),
            _("give the date the new version was received"),
        )


def _not_before_submission(day: dt.date, what: str, submitted_on: dt.date, hint: str) -> None:
    """Whatever happens to a version (an opinion, a decision) happens on or after its submission."""
    if day < submitted_on:
        raise InvalidInput(
            _("--date {date} is before {draft} was submitted ({submitted})").format(
                date=_iso(day), draft=what, submitted=_iso(submitted_on)
            ),
            hint,
        )


def check_opinion(day: dt.date, *, what: str, submitted_on: dt.date) -> None:
    """An opinion on a version is received on or after the day the version was submitted."""
    _not_before_submission(day, what, submitted_on, _("give the date the opinion was received"))


def check_decision(day: dt.date, *, what: str, submitted_on: dt.date) -> None:
    """A steering decision on a version is taken on or after the day the version was submitted."""
    _not_before_submission(day, what, submitted_on, _("give the date of the steering group's meeting"))


def check_tally(day: dt.date, *, what: str, forwarded_on: dt.date, previous_tally: dt.date | None = None) -> None:
    """A vote on a version is taken on or after its forward to the committee, and not before an
    earlier vote on it (a postponed item is voted on later, not earlier)."""
    if day < forwarded_on:
        raise InvalidInput(
            _("--date {date} is before {draft} was forwarded to the committee ({since})").format(
                date=_iso(day), draft=what, since=_iso(forwarded_on)
            ),
            _("give the date of the meeting that voted"),
        )
    if previous_tally is not None and day < previous_tally:
        raise InvalidInput(
            _("--date {date} is before the earlier vote on {draft} ({earlier})").format(
                date=_iso(day), draft=what, earlier=_iso(previous_tally)
            ),
            _("give the date of the meeting that voted"),
        )


def received_by(opinions: Iterable[tuple[str, dt.date]], day: dt.date) -> list[str]:
    """The bodies whose opinion had arrived by ``day`` (a decision counts only those): (body, received_on) pairs in."""
    return sorted({body for body, received in opinions if received <= day})


def arrived_after(opinions: Iterable[tuple[str, dt.date]], day: dt.date, required: Sequence[str]) -> list[tuple[str, dt.date]]:
    """The required opinions that arrived only after ``day`` (body, first received), in required order."""
    first: dict[str, dt.date] = {}
    for body, received in opinions:
        if body not in first or received < first[body]:
            first[body] = received
    return [(b, first[b]) for b in required if b in first and first[b] > day]


def lacking_at_decision(
    day: dt.date, opinions: Sequence[tuple[str, dt.date]], required: Sequence[str], *, without_opinions: bool
) -> list[str]:
    """The required opinions a steering decision taken on ``day`` goes without: those not arrived by its
    date (``opinions``: (body, received_on) pairs). A decision dated before an opinion it would rely on
    is refused, unless it is the explicit exception (``without_opinions``)."""
    lacking = lifecycle.missing_opinions(required, received_by(opinions, day))
    later = arrived_after(opinions, day, lacking)
    if later and not without_opinions:
        body, received = later[0]
        raise Refused(
            _("--date {date} is before the opinion of {body} arrived ({received}): the decision cannot rely on it").format(
                date=_iso(day), body=body, received=_iso(received)
            ),
            _("give the date of the steering group's meeting, or decide without it: --without-opinions --reason TEXT"),
        )
    return lacking
