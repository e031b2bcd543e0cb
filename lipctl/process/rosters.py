"""Rosters (Mitgliederlisten) and seat counts (Sitzzahlen): who counts as a statutory member on a day.

Plain rules, no database. A membership lasts from ``since`` to ``until``, both days included
(None: from/until an unknown day, i.e. always). Advisory members (beratende Mitglieder) never
count. The statutory number of voting members on a day is the recorded seat count in force then
(the latest ``body edit --seats`` whose from-date is on or before the day), else the seed's seats,
else the number of voting members on the roster that day, else unknown.

The Rat's statutory members include the Oberbürgermeister*in, who votes ex officio (§45 NKomVG):
the office records that seat in the seat count, or the person on the roster with ``--role chair``
(a voting membership); nothing here adds a member the office did not record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lipctl.errors import InvalidInput, Refused
from lipctl.i18n import _


@dataclass(frozen=True)
class Term:
    """One membership's span and vote: Mitgliedschaft von/bis, stimmberechtigt oder beratend."""

    person: str
    voting: bool
    since: dt.date | None
    until: dt.date | None

    def on(self, day: dt.date) -> bool:
        """Whether the membership holds on ``day`` (both ends included)."""
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


def voting_on(terms: Iterable[Term], day: dt.date) -> int:
    """The voting members on ``day`` (advisory members never count)."""
    return sum(1 for t in terms if t.voting and t.on(day))


def seats_on(history: Sequence[tuple[dt.date, int]], day: dt.date) -> int | None:
    """The recorded seat count in force on ``day``: the one with the latest from-date on or before it."""
    current = [(since, seats) for since, seats in history if since <= day]
    return max(current)[1] if current else None


def seats_in_force(history: Sequence[tuple[dt.date, int]], seed_seats: int | None, day: dt.date) -> int | None:
    """The seats on ``day``: the recorded count in force then, else the seed's (None: neither)."""
    recorded = seats_on(history, day)
    return recorded if recorded is not None else seed_seats


def statutory(seats: int | None, seed_seats: int | None, terms: Sequence[Term], day: dt.date) -> tuple[int | None, str | None]:
    """The statutory number of voting members on ``day`` and where it comes from ('seats', 'seed', 'roster')."""
    if seats is not None:
        return seats, "seats"
    if seed_seats is not None:
        return seed_seats, "seed"
    on_roster = voting_on(terms, day)
    if on_roster:
        return on_roster, "roster"
    return None, None


def check_members(
    statutory_number: int | None, typed: int | None, *, override: bool, reason: str | None, body: str, day: dt.date
) -> tuple[int, str | None]:
    """The members a tally counts with, and the override's reason (None: the statutory number, or none known).

    Unknown statutory number: --members is required and taken as typed. Known: --members may be
    left out or repeat it; a different number needs --members-override with --reason.
    """
    reason = (reason or "").strip() or None
    if reason is not None and not override:
        raise InvalidInput(_("--reason is only used with --members-override"), _("leave out --reason, or add --members-override"))
    if override and typed is None:
        raise InvalidInput(_("--members-override needs --members N"), _("give the number of members the tally counts with"))
    if override and reason is None:
        raise InvalidInput(
            _("--members-override needs --reason TEXT"), _("say why the tally counts with another number; the reason is recorded")
        )
    if statutory_number is None:
        if typed is None:
            raise InvalidInput(
                _("no statutory number of voting members is recorded for {body} on {day}").format(body=body, day=day),
                _("pass --members N, or record it with 'lipctl body edit BODY --seats N --from DATE' or 'lipctl member add'"),
            )
        return typed, reason if override else None
    if typed is None or typed == statutory_number:
        if override:
            raise InvalidInput(
                _("--members {n} is the statutory number: there is nothing to override").format(n=statutory_number),
                _("leave out --members-override and --reason"),
            )
        return statutory_number, None
    if not override:
        raise Refused(
            _("--members {typed} differs from {body}'s statutory number of voting members on {day}, {n}").format(
                typed=typed, body=body, day=day, n=statutory_number
            ),
            _("leave out --members, or record a deviation with --members-override --reason TEXT"),
        )
    return typed, reason


def over_seats(
    history: Sequence[tuple[dt.date, int]], seed_seats: int | None, terms: Sequence[Term], days: Iterable[dt.date]
) -> list[tuple[dt.date, int, int]]:
    """The days (of ``days``) on which the roster has more voting members than the seats in force then —
    the recorded seat count (``history``: from-date, seats), else the seed's: (day, voting, seats)."""
    found = []
    for day in sorted(set(days)):
        seats = seats_in_force(history, seed_seats, day)
        if seats is not None and (n := voting_on(terms, day)) > seats:
            found.append((day, n, seats))
    return found


def change_days(history: Sequence[tuple[dt.date, int]], terms: Sequence[Term], since: dt.date) -> list[dt.date]:
    """The days from ``since`` on where the number of voting members or of seats may change: ``since``,
    each later recorded seat count and each later first day of a membership (a last day lowers it)."""
    days = {since}
    days.update(d for d, _n in history if d > since)
    days.update(t.since for t in terms if t.since is not None and t.since > since)
    return sorted(days)


def governed_days(history: Sequence[tuple[dt.date, int]], terms: Sequence[Term], since: dt.date) -> list[dt.date]:
    """The days a seat count recorded from ``since`` rules and on which the count may change: those of
    ``change_days`` before the next later recorded count (from then on that one rules)."""
    later = [d for d, _n in history if d > since]
    return [d for d in change_days(history, terms, since) if not later or d < min(later)]


def roster_days(history: Sequence[tuple[dt.date, int]], terms: Sequence[Term]) -> list[dt.date]:
    """Every day on which the roster's voting members or the seats may change: each first day of a
    membership and each recorded count (the seed's count alone: any day, ``date.min``)."""
    days = {t.since for t in terms if t.since is not None} | {d for d, _n in history}
    return sorted(days) or [dt.date.min]


def check_room(
    history: Sequence[tuple[dt.date, int]], seed_seats: int | None, terms: Sequence[Term], new: Term, *, body: str
) -> None:
    """A voting member is added only where the roster stays within the seats in force, on the new member's
    first day and on every later day the count changes (an advisory member always has room)."""
    if not new.voting or new.since is None:
        return
    grown = [*terms, new]
    over = over_seats(history, seed_seats, grown, change_days(history, grown, new.since))
    if over:
        day, voting, seats = over[0]
        raise Refused(
            _("{body} has {seats} voting seats on {day}; with {name} its roster would have {n} voting members").format(
                body=body, seats=seats, day=day, name=new.person, n=voting
            ),
            _(
                "end a membership first ('lipctl member end'), add {name} with --advisory, or record the seats "
                "with 'lipctl body edit {body} --seats N --from DATE'"
            ).format(name=new.person, body=body),
        )


def check_seats(seats: int) -> None:
    """A body's number of voting seats is 0 or more."""
    if seats < 0:
        raise InvalidInput(_("--seats {n} is negative").format(n=seats), _("give the number of voting seats, 0 or more"))


def to_end(terms: Sequence[Term]) -> int:
    """Which of one person's memberships of a body ``member end`` closes (its index): the current one —
    the last without a last day — else the latest, which check_end then refuses as ended."""
    open_ = [i for i, t in enumerate(terms) if t.until is None]
    return open_[-1] if open_ else len(terms) - 1


def check_overlap(existing: Sequence[Term], since: dt.date | None, until: dt.date | None, *, body: str) -> None:
    """A person holds one membership of a body at a time: refuse a span that meets an existing one."""
    for t in existing:
        starts_before_end = t.since is None or until is None or t.since <= until
        ends_after_start = t.until is None or since is None or since <= t.until
        if starts_before_end and ends_after_start:
            raise Refused(
                _("{person} is already a member of {body} {span}").format(person=t.person, body=body, span=span(t)),
                _("end that membership first ('lipctl member end'), or add the new one from a later day"),
            )


def span(t: Term) -> str:
    """A membership's span in words: 'since 2021-11-01', 'from 2016-11-01 until 2021-10-31', 'without dates'."""
    if t.since is None and t.until is None:
        return _("without dates")
    if t.until is None:
        return _("since {since}").format(since=t.since)
    if t.since is None:
        return _("until {until}").format(until=t.until)
    return _("from {since} until {until}").format(since=t.since, until=t.until)


def check_end(term: Term, on: dt.date) -> None:
    """A membership ends on or after its first day, once."""
    if term.until is not None:
        raise Refused(
            _("{person}'s membership already ended on {until}").format(person=term.person, until=term.until),
            _("nothing to end; 'lipctl member list BODY' shows the roster"),
        )
    if term.since is not None and on < term.since:
        raise InvalidInput(
            _("--on {on} is before the membership began ({since})").format(on=on, since=term.since),
            _("give the last day of membership, on or after {since}").format(since=term.since),
        )
