"""Rosters (Mitgliederlisten) and seat counts (Sitzzahlen): member add/end/list, body edit --seats,
and the statutory number of voting members a tally counts with (lipctl.process.rosters)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.errors import InvalidInput, NotFound
from lipctl.i18n import _
from lipctl.process import limits
from lipctl.process import rosters as rules
from lipctl.process.states import MembershipRole
from lipctl.services import audit
from lipctl.store import models as m
from lipctl.store import repositories as repo

if TYPE_CHECKING:
    from lipctl.context import Env


def _day(value: str | None, option: str, default: dt.date) -> dt.date:
    from lipctl.context import parse_day

    return parse_day(value, option) or default


def _history(s: Session, body: m.Body) -> list[tuple[dt.date, int]]:
    rows = s.execute(select(m.BodySeats.since, m.BodySeats.seats).where(m.BodySeats.body_id == body.id)).all()
    return [(since, seats) for since, seats in rows]


def _memberships(s: Session, body: m.Body) -> list[tuple[m.Membership, str]]:
    rows = s.execute(
        select(m.Membership, m.Person.name)
        .join(m.Person, m.Person.id == m.Membership.person_id)
        .where(m.Membership.body_id == body.id)
        .order_by(m.Membership.id)
    ).all()
    return [(ms, name) for ms, name in rows]


def _term(ms: m.Membership, name: str) -> rules.Term:
    return rules.Term(name, ms.voting, ms.since, ms.until)


def statutory(s: Session, body: m.Body, day: dt.date) -> tuple[int | None, str | None]:
    """The statutory number of voting members of ``body`` on ``day`` and its source ('seats', 'seed', 'roster')."""
    terms = [_term(ms, n) for ms, n in _memberships(s, body)]
    return rules.statutory(rules.seats_on(_history(s, body), day), body.seats, terms, day)


def tally_members(
    s: Session, body: m.Body, day: dt.date, typed: int | None, *, override: bool, reason: str | None
) -> tuple[int, int | None, str | None]:
    """For a tally (Abstimmung) on ``day``: (members counted, statutory number or None, override reason or None)."""
    if reason is not None:
        limits.check_text(reason, "--reason", limits.MAX_REASON, multiline=True)
    number, _source = statutory(s, body, day)
    members, why = rules.check_members(number, typed, override=override, reason=reason, body=body.slug, day=day)
    return members, number, why


def _excess(
    body: m.Body, history: list[tuple[dt.date, int]], terms: list[rules.Term], days: list[dt.date]
) -> list[dict[str, Any]]:
    over = rules.over_seats(history, body.seats, terms, days)
    return [{"date": day, "voting": voting, "seats": seats} for day, voting, seats in over]


def _role(value: str | None) -> MembershipRole:
    text = (value or MembershipRole.MEMBER.value).strip().lower()
    try:
        return MembershipRole(text)
    except ValueError:
        raise InvalidInput(
            _("--role {value!r} is not a role in a body").format(value=value),
            _("valid: {choices}").format(choices=", ".join(r.value for r in MembershipRole)),
        ) from None


def _member_row(body: m.Body, ms: m.Membership, name: str) -> dict[str, Any]:
    return {
        "id": ms.id,
        "body": body.slug,
        "name": name,
        "role": ms.role.value,
        "voting": ms.voting,
        "title": ms.title,
        "from": ms.since,
        "until": ms.until,
    }


def add_member(
    env: Env, body: str, name: str, *, advisory: bool = False, role: str | None = None, since: str | None = None
) -> dict[str, Any]:
    """Record that ``name`` belongs to ``body`` from ``since`` (default --today): voting unless advisory."""
    name = limits.check_name(" ".join(name.split()), "NAME")
    if not name:
        raise InvalidInput(_("NAME is empty"), _("give the member's name"))
    kind = _role(role)
    day = _day(since, "--from", env.today)
    with env.uow(write=True) as uow:
        s = uow.session
        b = repo.get_body(s, body)
        s.refresh(b, with_for_update=True)  # one roster change per body at a time
        rows = _memberships(s, b)
        rules.check_overlap([_term(ms, n) for ms, n in rows if n == name], day, None, body=b.slug)
        terms = [_term(ms, n) for ms, n in rows]
        rules.check_room(_history(s, b), b.seats, terms, rules.Term(name, not advisory, day, None), body=b.slug)
        person = repo.person(s, name)
        ms = m.Membership(body_id=b.id, person_id=person.id, role=kind, voting=not advisory, since=day, until=None)
        s.add(ms)
        s.flush()
        row = _member_row(b, ms, name)
        audit.record(env, s, "member.added", entity="membership", entity_id=ms.id, happened_on=day, **row)
        uow.commit()
    return row


def end_member(env: Env, body: str, name: str, *, on: str | None = None) -> dict[str, Any]:
    """Record the last day (``on``, default --today) of ``name``'s current membership of ``body``."""
    name = " ".join(name.split())
    day = _day(on, "--on", env.today)
    with env.uow(write=True) as uow:
        s = uow.session
        b = repo.get_body(s, body)
        s.refresh(b, with_for_update=True)
        mine = [(ms, n) for ms, n in _memberships(s, b) if n == name]
        if not mine:
            raise NotFound(
                _("{name} is not on the roster of {body}").format(name=name, body=b.slug),
                _("'lipctl member list {body}' shows the roster").format(body=b.slug),
            )
        ms, n = mine[rules.to_end([_term(ms, n) for ms, n in mine])]
        rules.check_end(_term(ms, n), day)
        ms.until = day
        s.flush()
        row = _member_row(b, ms, n)
        audit.record(env, s, "member.ended", entity="membership", entity_id=ms.id, happened_on=day, **row)
        uow.commit()
    return row


def list_members(env: Env, body: str, *, on: str | None = None) -> dict[str, Any]:
    """The roster of ``body`` on ``on`` (default --today), with the seats and the statutory number then."""
    day = _day(on, "--on", env.today)
    with env.uow() as uow:
        s = uow.session
        b = repo.get_body(s, body)
        rows = [(ms, n) for ms, n in _memberships(s, b) if _term(ms, n).on(day)]
        terms = [_term(ms, n) for ms, n in _memberships(s, b)]
        seats = rules.seats_in_force(_history(s, b), b.seats, day)
        number, source = statutory(s, b, day)
        order = {MembershipRole.CHAIR: 0, MembershipRole.DEPUTY: 1, MembershipRole.MEMBER: 2}
        members = [_member_row(b, ms, n) for ms, n in sorted(rows, key=lambda r: (order[r[0].role], not r[0].voting, r[1]))]
        voting = rules.voting_on(terms, day)
        return {
            "body": b.slug,
            "on": day,
            "seats": seats,
            "voting": voting,
            "statutory": number,
            "statutory_from": source,
            "over_seats": seats is not None and voting > seats,
            "members": members,
        }


def edit_seats(env: Env, body: str, *, seats: int, since: str | None = None) -> dict[str, Any]:
    """Record ``body``'s statutory number of voting members from ``since`` (default --today) on; the history stays."""
    day = checked_seats(env, seats, since)
    with env.uow(write=True) as uow:
        s = uow.session
        b = repo.get_body(s, body)
        s.refresh(b, with_for_update=True)
        row = record_seats(env, s, b, seats, day)
        uow.commit()
    return row


def checked_seats(env: Env, seats: int, since: str | None) -> dt.date:
    """Refuse a seat count that cannot be; the day it applies from (``--from``, default --today)."""
    limits.check_count(seats, "--seats")
    rules.check_seats(seats)
    return _day(since, "--from", env.today)


def record_seats(env: Env, s: Session, b: m.Body, seats: int, day: dt.date) -> dict[str, Any]:
    """Record the seat count in the open transaction (``body edit --seats``, alone or with other changes: issue 18)."""
    before = rules.seats_in_force(_history(s, b), b.seats, day)
    same_day = s.scalars(select(m.BodySeats).where(m.BodySeats.body_id == b.id, m.BodySeats.since == day)).first()
    if same_day is not None:
        same_day.seats, same_day.recorded_at, same_day.recorded_by = seats, audit.utcnow(), env.actor
    else:
        same_day = m.BodySeats(body_id=b.id, seats=seats, since=day, recorded_at=audit.utcnow(), recorded_by=env.actor)
        s.add(same_day)
    s.flush()
    terms = [_term(ms, n) for ms, n in _memberships(s, b)]
    history = _history(s, b)
    row = {
        "body": b.slug,
        "seats": seats,
        "from": day,
        "seats_before": before,
        "history": [{"from": d, "seats": n} for d, n in sorted(history)],
        "over_seats": _excess(b, history, terms, rules.governed_days(history, terms, day)),
    }
    audit.record(
        env,
        s,
        "body.seats_recorded",
        entity="body",
        entity_id=b.id,
        happened_on=day,
        body=b.slug,
        seats=seats,
        seats_before=before,
        **{"from": day},
    )
    return row


def over_seats_everywhere(s: Session) -> list[dict[str, Any]]:
    """For db check: every body whose roster has more voting members than seats on some day (from when)."""
    out = []
    for b in s.scalars(select(m.Body).order_by(m.Body.position, m.Body.id)):
        terms = [_term(ms, n) for ms, n in _memberships(s, b)]
        if not any(t.voting for t in terms):
            continue
        history = _history(s, b)
        over = _excess(b, history, terms, rules.roster_days(history, terms))
        if over:
            out.append({"body": b.slug, **over[0]})
    return out
