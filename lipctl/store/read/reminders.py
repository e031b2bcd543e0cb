"""What the reminders read beside the status's facts and the addresses (lipctl.store.read.definition):
the milestones' ids, and the items reminded of on a day."""

from __future__ import annotations

import datetime as dt

from lipctl.store.reader import Reader


def milestone_ids(r: Reader) -> dict[str, int]:
    return r.pairs("SELECT slug, id FROM milestones")


def sent_on(r: Reader, day: dt.date) -> set[str]:
    """The items reminded of on ``day`` (Europe/Berlin)."""
    return set(r.column("SELECT item FROM reminders_sent WHERE day = :day", {"day": day}))
