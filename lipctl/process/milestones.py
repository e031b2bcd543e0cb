"""Milestones (Meilensteine): which are met on time or late, which are open, which are overdue.

A milestone applies to a document kind (every action field must have that document adopted by
the committee) or to the plan (the council adopted it). Its due date may be unknown: the seed gives
"bis Herbst 2020" or "nach April 2021", not a day, and no day is made up from it (``due`` is None,
the words stay in ``due_text``). A milestone without a due date is never overdue and, once met, met
on time. A rescheduled milestone (the Corona delays) is measured against its current due date; the
original one is shown beside it. Standard library only, but for the refusals' error classes.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import NamedTuple

from lipctl.errors import InvalidInput, Refused
from lipctl.i18n import _

PLAN = "plan"


class State(StrEnum):
    """Where a milestone (or one field's part of it) stands as of a day."""

    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"
    OPEN = "open"
    OVERDUE = "overdue"


class Milestone(NamedTuple):
    """Meilenstein: ``applies_to`` is a document kind slug or ``plan``; ``due`` None when the seed gives no day."""

    slug: str
    due: dt.date | None
    applies_to: str


class Overdue(NamedTuple):
    """A milestone past its due date and not met (überfälliger Meilenstein); ``field`` is None for the plan."""

    milestone: str
    due: dt.date
    field: str | None
    document: str | None
    days_overdue: int


class Progress(NamedTuple):
    """How far a milestone is met (Stand): the fields that met it (on time, late), the ones still open."""

    milestone: str
    due: dt.date | None
    applies_to: str
    met: tuple[str, ...]
    open: tuple[str, ...]
    overdue: bool
    met_late: tuple[str, ...] = ()
    state: State = State.OPEN

    @property
    def done(self) -> bool:
        return not self.open


def is_past(due: dt.date | None, today: dt.date) -> bool:
    """A due date is past once the day after it has begun (Frist abgelaufen); an unknown one never is."""
    return due is not None and today > due


def met_on_time(due: dt.date | None, met_on: dt.date) -> bool:
    """Met on the due date itself is on time; met without a known due date is on time too."""
    return due is None or met_on <= due


def state_of(due: dt.date | None, met_on: Sequence[dt.date | None], today: dt.date) -> State:
    """The state of a milestone from the day each of its parts was met (None: not met yet).

    Open or overdue while a part is not met; else met late if any part was met after ``due``."""
    if any(day is None for day in met_on) or not met_on:
        return State.OVERDUE if is_past(due, today) else State.OPEN
    late = any(day is not None and not met_on_time(due, day) for day in met_on)
    return State.MET_LATE if late else State.MET_ON_TIME


def progress(
    milestones: Sequence[Milestone],
    fields: Sequence[str],
    adopted: Mapping[tuple[str, str], dt.date],
    plan_adopted_on: dt.date | None,
    today: dt.date,
) -> list[Progress]:
    """Per milestone, which fields met it and when (Erfüllungsstand).

    ``adopted`` maps (field, kind) to the day the committee first adopted a version of it;
    ``plan_adopted_on`` is the day the plan's last deciding body adopted it (None: not adopted)."""
    out = []
    for ms in milestones:
        parts: list[tuple[str, dt.date | None]] = (
            [(PLAN, plan_adopted_on)] if ms.applies_to == PLAN else [(f, adopted.get((f, ms.applies_to))) for f in fields]
        )
        met = tuple(name for name, day in parts if day is not None)
        late = tuple(name for name, day in parts if day is not None and not met_on_time(ms.due, day))
        still = tuple(name for name, day in parts if day is None)
        state = state_of(ms.due, [day for _name, day in parts], today)
        out.append(Progress(ms.slug, ms.due, ms.applies_to, met, still, state is State.OVERDUE, late, state))
    return out


def overdue(
    milestones: Sequence[Milestone],
    fields: Sequence[str],
    adopted: Mapping[tuple[str, str], dt.date],
    plan_adopted_on: dt.date | None,
    today: dt.date,
) -> list[Overdue]:
    """The milestones past due and not met (überfällig), one entry per field that misses a document milestone."""
    out = []
    for p in progress(milestones, fields, adopted, plan_adopted_on, today):
        if not p.overdue or p.due is None:
            continue
        days = (today - p.due).days
        if p.applies_to == PLAN:
            out.append(Overdue(p.milestone, p.due, None, None, days))
        else:
            out.extend(Overdue(p.milestone, p.due, f, p.applies_to, days) for f in p.open)
    return sorted(out, key=lambda o: (o.due, o.milestone, fields.index(o.field) if o.field in fields else -1))


def check_reschedule(slug: str, current: dt.date | None, new: dt.date, reason: str) -> str:
    """A new due date for a milestone (milestone reschedule): a correction of the plan, so it may lie
    after --today; it must differ from the current one and give a reason. Returns the reason, stripped."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            _("--reason is empty"),
            _("say why milestone {slug} moves, e.g. --reason 'Verzögerung durch Corona'").format(slug=slug),
        )
    if current == new:
        raise Refused(
            _("milestone {slug} is already due on {due}").format(slug=slug, due=new.isoformat()),
            _("give a different --due date; nothing was changed"),
        )
    return reason


def basis_missing(basis_kind: str | None, basis_submitted_on: dt.date | None, day: dt.date) -> bool:
    """A document written "auf dieser Grundlage" (the Maßnahmenkatalog on the Grundsatzpapier) needs a
    version of its basis submitted for the same field on or before its own day (``day``).

    ``basis_kind`` is the kind it is based on (None: it needs no basis); ``basis_submitted_on`` the day
    the field's first live version of that kind was received (None: none yet)."""
    if basis_kind is None:
        return False
    return basis_submitted_on is None or basis_submitted_on > day
