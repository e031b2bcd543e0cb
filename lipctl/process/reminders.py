"""Reminders (Erinnerungen): who owes what within N days or is overdue, one mail per recipient, sent once a day.

Plain rules on plain values (slugs, dates, instants): no database, no terminal, no mail.

- A body owes an opinion (Einschätzung/Stellungnahme) on the latest version of a document while that
  version awaits opinions and the body's is not in; it is due on the day lifecycle.opinion_due gives
  (the same arithmetic as ``lipctl status``).
- An expert group (Fachgruppe) owes its field's document by a milestone while the milestone is open
  for that field (lipctl.process.milestones.progress); a milestone without a known day owes nothing yet.
- An item is reminded when it is due within ``within`` days of today or overdue.
- Idempotence: an item (draft version and body, or milestone and field) is sent at most once per day,
  the day counted in Europe/Berlin from the current instant; a later run the same day sends only the
  items not sent yet (an item that became due since), the next day everything owed again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import NamedTuple
from zoneinfo import ZoneInfo

from lipctl.process import lifecycle
from lipctl.process import milestones as ms

#: The office's time zone: the day a reminder belongs to.
BERLIN = ZoneInfo("Europe/Berlin")

OPINION = "opinion"
DOCUMENT = "document"


class Item(NamedTuple):
    """One thing a recipient owes: an opinion on a draft version, or a document by a milestone.

    ``key`` names the item for the record of sent reminders (stable across runs); ``recipient`` is
    the body's slug (the expert group's for a document)."""

    key: str
    kind: str
    recipient: str
    due: dt.date
    field: str | None
    document: str | None
    ref: str | None = None
    draft: int | None = None
    version: int | None = None
    milestone: str | None = None

    def days_left(self, today: dt.date) -> int:
        """Days until the item is due (negative: overdue by that many days)."""
        return (self.due - today).days


class Version(NamedTuple):
    """The latest version of a document, as the reminders need it (lipctl.store.read.status.LatestVersion fits)."""

    id: int
    field: str | None
    kind: str
    version: int
    awaiting_opinions: bool
    submitted_on: dt.date


class Reminder(NamedTuple):
    """The mail to one recipient: its items, soonest due first."""

    recipient: str
    items: tuple[Item, ...]


def opinion_key(draft: int, body: str) -> str:
    return f"{OPINION}:{draft}:{body}"


def document_key(milestone: str, field: str) -> str:
    return f"{DOCUMENT}:{milestone}:{field}"


def recipient(body_email: str | None, contact_email: str | None) -> str | None:
    """Where a body's reminder goes: the body's own address, else (an expert group without one) its
    field's contact's; None: nobody to write to (the run names the body)."""
    return body_email or contact_email or None


def is_owed_soon(due: dt.date, today: dt.date, within: int) -> bool:
    """Due within ``within`` days of ``today`` (the day itself included) or already overdue."""
    return (due - today).days <= within  # not today + within days: --within 3000000 is past the last date


def owed_opinions(
    versions: Iterable[Version],
    requirements: Sequence[tuple[str, int]],
    received: Mapping[int, Collection[str]],
    today: dt.date,
    within: int,
) -> list[Item]:
    """The opinions owed within ``within`` days or overdue: per version awaiting opinions, each required
    body whose opinion is not in (``received`` maps a version's id to the bodies whose opinion is in)."""
    out = []
    for v in versions:
        if not v.awaiting_opinions:
            continue
        got = received.get(v.id, ())
        deadlines = dict(requirements)
        for body in lifecycle.missing_opinions([b for b, _days in requirements], got):
            due = lifecycle.opinion_due(v.submitted_on, deadlines[body])
            if is_owed_soon(due, today, within):
                ref = f"{v.field}/{v.kind}" if v.field else "plan"
                out.append(Item(opinion_key(v.id, body), OPINION, body, due, v.field, v.kind, ref, v.id, v.version))
    return out


def owed_documents(
    milestones: Sequence[ms.Milestone],
    fields: Sequence[str],
    adopted: Mapping[tuple[str, str], dt.date],
    expert_groups: Mapping[str, str],
    today: dt.date,
    within: int,
) -> list[Item]:
    """The documents the expert groups owe by a milestone within ``within`` days or overdue: one item per
    field still open for a document milestone (``expert_groups`` maps a field to its group; a field
    without one is left out). The plan's milestones are the council's, not a group's."""
    out = []
    for p in ms.progress(milestones, fields, adopted, None, today):
        if p.applies_to == ms.PLAN or p.due is None or not is_owed_soon(p.due, today, within):
            continue
        for field in p.open:
            group = expert_groups.get(field)
            if group is not None:
                out.append(
                    Item(document_key(p.milestone, field), DOCUMENT, group, p.due, field, p.applies_to, milestone=p.milestone)
                )
    return out


def berlin_day(instant: dt.datetime) -> dt.date:
    """The calendar day in Europe/Berlin at ``instant`` (an aware datetime; a naive one is taken as UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(BERLIN).date()


def unsent(items: Iterable[Item], sent_today: Collection[str]) -> list[Item]:
    """The items not yet reminded of today (``sent_today``: the keys recorded for this Berlin day)."""
    return [item for item in items if item.key not in sent_today]


def group(items: Iterable[Item], order: Sequence[str] = ()) -> list[Reminder]:
    """One reminder per recipient, recipients in ``order`` (the bodies' order; others after, by slug),
    each with its items soonest due first, then by reference."""
    by_recipient: dict[str, list[Item]] = {}
    for item in items:
        by_recipient.setdefault(item.recipient, []).append(item)
    rank = {slug: i for i, slug in enumerate(order)}
    recipients = sorted(by_recipient, key=lambda r: (rank.get(r, len(rank)), r))
    return [
        Reminder(
            r,
            tuple(sorted(by_recipient[r], key=lambda i: (i.due, i.kind, i.field or "", i.document or "", i.key))),
        )
        for r in recipients
    ]
