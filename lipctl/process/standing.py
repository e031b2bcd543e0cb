"""Where a document stands (Sachstand): what it waits on, which opinions are missing or overdue.

The rules behind ``lipctl status`` and the briefing, on plain values (body and field slugs, states,
dates): no database, no terminal. The store reads the facts (lipctl.store.read.status), these
functions compute the standing, the service shapes it for output.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, Protocol

from lipctl.process import lifecycle
from lipctl.process.states import DraftState, ResolutionResult

__all__ = [
    "Chairs",
    "DocumentStanding",
    "OverdueKey",
    "Vote",
    "days_in_state",
    "deciding_body",
    "document",
    "last_votes",
    "not_submitted",
    "overdue_order",
    "plan_adopted",
    "plan_adopted_on",
    "roles",
]

STEERING_GROUP = "steering_group"
EXPERT_GROUP = "expert_group"
COMMITTEE = "committee"


class BodyLike(Protocol):
    """What the rules need to know of a body: its slug, kind, field (expert groups) and position."""

    @property
    def slug(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def field_id(self) -> int | None: ...
    @property
    def position(self) -> int: ...


class Chairs(NamedTuple):
    """Who acts on the documents: the steering group, the committee, and each field's expert group."""

    steering: str | None
    committee: str | None
    expert_groups: dict[int, str]


def roles(bodies: Iterable[BodyLike]) -> Chairs:
    """The steering group (the first by position), the committee (the first by position) and each field's expert group."""
    ordered = sorted(bodies, key=lambda b: b.position)  # stable: bodies of one position keep their order
    steering = next((b.slug for b in ordered if b.kind == STEERING_GROUP), None)
    committee = next((b.slug for b in ordered if b.kind == COMMITTEE), None)
    expert_groups = {b.field_id: b.slug for b in ordered if b.kind == EXPERT_GROUP and b.field_id is not None}
    return Chairs(steering, committee, expert_groups)


class Vote(NamedTuple):
    """A resolution on a draft version, as the status shows it."""

    draft: int
    body: str
    result: ResolutionResult
    decided_on: dt.date
    drucksache: str | None


def last_votes(votes: Iterable[Vote]) -> tuple[dict[int, Vote], dict[int, set[str]]]:
    """Per draft version: its last resolution (``votes`` oldest first), and the bodies that adopted it.

    The last one shows a "not quorate" or "deferred"; the adopted ones tell which body of the
    Beratungsfolge comes next.
    """
    last: dict[int, Vote] = {}
    adopted: dict[int, set[str]] = {}
    for vote in votes:
        last[vote.draft] = vote
        if vote.result == ResolutionResult.ADOPTED:
            adopted.setdefault(vote.draft, set()).add(vote.body)
    return last, adopted


def deciding_body(chain: Sequence[str], adopted: Iterable[str]) -> str | None:
    """Who decides on a forwarded document: the first body of the Beratungsfolge that has not adopted it
    (the last body once all have), None without a Beratungsfolge."""
    return next(iter(lifecycle.pending_in_chain(chain, adopted)), chain[-1] if chain else None)


def days_in_state(since: dt.date, today: dt.date) -> int:
    """Days since the version entered its state (never negative, also for a --today before it)."""
    return max((today - since).days, 0)


class DocumentStanding(NamedTuple):
    """Where one submitted version stands as of a day."""

    waiting_on: list[str]
    missing_opinions: list[str]
    overdue_opinions: list[tuple[str, dt.date]]
    deciding_body: str | None
    days_in_state: int


def document(
    state: DraftState,
    *,
    since: dt.date,
    submitted_on: dt.date,
    requirements: Sequence[tuple[str, int]],
    received: Iterable[str],
    chain: Sequence[str],
    adopted_by: Iterable[str],
    steering: str | None,
    expert_group: str | None,
    today: dt.date,
) -> DocumentStanding:
    """The standing of the latest version of a document.

    ``requirements`` are the bodies whose opinion every draft needs with their deadline in days,
    ``received`` the bodies whose opinion is in, ``chain`` the document's Beratungsfolge and
    ``adopted_by`` the bodies of it that adopted this version. Opinions count as missing or overdue
    only while the version still awaits them (before the steering decision).
    """
    got = set(received)
    open_for_opinions = state in lifecycle.AWAITING_OPINIONS
    missing = lifecycle.missing_opinions([body for body, _days in requirements], got) if open_for_opinions else []
    deciding = deciding_body(chain, adopted_by)
    waiting = lifecycle.waiting_on(state, missing, steering=steering or "", deciding_body=deciding, expert_group=expert_group)
    overdue = lifecycle.overdue_opinions(submitted_on, requirements, got, today) if open_for_opinions else []
    return DocumentStanding([w for w in waiting if w], missing, overdue, deciding, days_in_state(since, today))


def not_submitted(expert_group: str | None) -> list[str]:
    """Whom a document without any version waits on: its field's expert group (if there is one)."""
    return [expert_group] if expert_group else []


def plan_adopted(chain: Sequence[str], adopted_by: Iterable[str]) -> bool:
    """The plan is adopted once every body of its Beratungsfolge adopted it (by default: the council)."""
    bodies = set(adopted_by)
    return bool(bodies) and set(chain) <= bodies


def plan_adopted_on(chain: Sequence[str], adopted_on: Mapping[str, dt.date]) -> dt.date | None:
    """The day the plan was adopted: when the last body of its Beratungsfolge first adopted it (without a
    Beratungsfolge, the last adopting body's day); None while it is not adopted. ``adopted_on`` maps each
    body that adopted the plan to the first day it did."""
    if not plan_adopted(chain, adopted_on):
        return None
    return max(day for body, day in adopted_on.items() if body in chain or not chain)


class OverdueKey(NamedTuple):
    """What orders the overdue list: due date, milestones before opinions, field order, document, body."""

    due: dt.date
    opinion: bool
    field: int
    document: str
    body: str


def overdue_order(
    due: dt.date, *, milestone: bool, field: str | None, document: str | None, body: str | None, fields: Sequence[str]
) -> OverdueKey:
    """The sort key of an overdue item: oldest first; on one day milestones first, then by field order,
    document and body (``fields`` are the field slugs in their order; the plan sorts before them)."""
    position = fields.index(field) if field in fields else -1
    return OverdueKey(due, not milestone, position, document or "", body or "")


def is_late(received_on: dt.date, due: dt.date) -> bool:
    """Whether an opinion arrived after its due date (verspätet): accepted, and marked."""
    return received_on > due


def late_opinions(
    submitted_on: dt.date, requirements: Sequence[tuple[str, int]], first_received: dict[str, dt.date]
) -> list[tuple[str, dt.date, dt.date]]:
    """The required opinions that arrived after their due date: (body, due, received), in required order.

    ``requirements`` are (body, deadline in days); ``first_received`` the day each body's first
    opinion on the version arrived (a later one does not make an opinion in time late)."""
    out = []
    for body, days in requirements:
        received = first_received.get(body)
        due = lifecycle.opinion_due(submitted_on, days)
        if received is not None and is_late(received, due):
            out.append((body, due, received))
    return out
