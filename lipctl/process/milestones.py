"""Milestones (Meilensteine): which are met, and which are overdue as of a date.

A milestone applies to a document kind (every action field must have that document adopted by
the committee) or to the plan (the council adopted it). Standard library only.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

PLAN = "plan"


class Milestone(NamedTuple):
    """Meilenstein: ``applies_to`` is a document kind slug or ``plan``."""

    slug: str
    due: dt.date
    applies_to: str


class Overdue(NamedTuple):
    """A milestone past its due date and not met (überfälliger Meilenstein); ``field`` is None for the plan."""

    milestone: str
    due: dt.date
    field: str | None
    document: str | None
    days_overdue: int


class Progress(NamedTuple):
    """How far a milestone is met (Stand): the fields that met it, the ones still open."""

    milestone: str
    due: dt.date
    applies_to: str
    met: tuple[str, ...]
    open: tuple[str, ...]
    overdue: bool

    @property
    def done(self) -> bool:
        return not self.open


def is_past(due: dt.date, today: dt.date) -> bool:
    """A due date is past once the day after it has begun (Frist abgelaufen)."""
    return today > due


def progress(
    milestones: Sequence[Milestone],
    fields: Sequence[str],
    adopted: Iterable[tuple[str, str]],
    plan_adopted: bool,
    today: dt.date,
) -> list[Progress]:
    """Per milestone, which fields met it (Erfüllungsstand); ``adopted`` holds (field, kind) pairs adopted by the committee."""
    done = set(adopted)
    out = []
    for ms in milestones:
        if ms.applies_to == PLAN:
            met: tuple[str, ...] = (PLAN,) if plan_adopted else ()
            still: tuple[str, ...] = () if plan_adopted else (PLAN,)
        else:
            met = tuple(f for f in fields if (f, ms.applies_to) in done)
            still = tuple(f for f in fields if (f, ms.applies_to) not in done)
        out.append(Progress(ms.slug, ms.due, ms.applies_to, met, still, bool(still) and is_past(ms.due, today)))
    return out


def overdue(
    milestones: Sequence[Milestone],
    fields: Sequence[str],
    adopted: Iterable[tuple[str, str]],
    plan_adopted: bool,
    today: dt.date,
) -> list[Overdue]:
    """The milestones past due and not met (überfällig), one entry per field that misses a document milestone."""
    out = []
    for p in progress(milestones, fields, adopted, plan_adopted, today):
        if not p.overdue:
            continue
        days = (today - p.due).days
        if p.applies_to == PLAN:
            out.append(Overdue(p.milestone, p.due, None, None, days))
        else:
            out.extend(Overdue(p.milestone, p.due, f, p.applies_to, days) for f in p.open)
    return sorted(out, key=lambda o: (o.due, o.milestone, fields.index(o.field) if o.field in fields else -1))
