"""The audit log's hash chain (Protokollkette): each event names the SHA-256 of the one before it.

An event's hash covers the previous event's hash and the event's own canonical content, so that
an event changed, removed or inserted outside lipctl breaks the chain where it happened; the
head (the last hash and the number of events), kept elsewhere, finds a cut-off end. Pure: the
migration that computes the chain for existing databases and ``lipctl log verify`` use the same
function as every write.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import NamedTuple

#: The "previous hash" of the first event.
GENESIS = "0" * 64

#: Bumped if the canonical form ever changes (then a migration recomputes the chain).
FORM = 1


class Link(NamedTuple):
    """One stored event as the chain sees it."""

    id: int
    prev_hash: str | None
    hash: str | None
    occurred_at: dt.datetime
    actor: str
    command: str
    action: str
    entity: str | None
    entity_id: int | None
    details: str | None
    happened_on: dt.date | None


def event_hash(
    prev_hash: str,
    *,
    occurred_at: dt.datetime,
    actor: str,
    command: str,
    action: str,
    entity: str | None,
    entity_id: int | None,
    details: str | None,
    happened_on: dt.date | None,
) -> str:
    """The SHA-256 (hex) of an event: the previous hash and the event's content, in one canonical form.

    ``occurred_at`` is naive UTC as stored (whole seconds); ``details`` the stored JSON text.
    """
    canonical = json.dumps(
        [
            FORM,
            prev_hash,
            occurred_at.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds"),
            actor,
            command,
            action,
            entity,
            entity_id,
            details,
            happened_on.isoformat() if happened_on is not None else None,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def link_hash(link: Link, prev_hash: str) -> str:
    """What ``link``'s hash must be when it follows ``prev_hash``."""
    return event_hash(
        prev_hash,
        occurred_at=link.occurred_at,
        actor=link.actor,
        command=link.command,
        action=link.action,
        entity=link.entity,
        entity_id=link.entity_id,
        details=link.details,
        happened_on=link.happened_on,
    )


class Broken(NamedTuple):
    """Where the chain breaks: the event (id), what is wrong (``changed``, ``inserted``, ``removed``,
    ``forked``, ``unlinked``) and the head as far as the chain held."""

    event_id: int | None
    problem: str
    events: int
    head: str


class Verified(NamedTuple):
    """An intact chain: the number of events and the last hash."""

    events: int
    head: str


def verify(links: Iterable[Link]) -> Verified | Broken:
    """Walk the chain from GENESIS by previous hash (not by id: concurrent writers append in lock
    order), and name the first event that does not hold.

    - ``changed``: an event's content no longer gives its stored hash;
    - ``forked``: two events claim the same predecessor (one was inserted outside lipctl);
    - ``removed``: an event names a predecessor that is not there (the one before it was deleted);
    - ``unlinked``: an event without a chain link (inserted outside lipctl, or a gap).
    """
    by_prev: dict[str, list[Link]] = {}
    unlinked: list[Link] = []
    count = 0
    for link in links:
        count += 1
        if not link.prev_hash or not link.hash:
            unlinked.append(link)
            continue
        by_prev.setdefault(link.prev_hash, []).append(link)
    head, seen = GENESIS, 0
    while True:
        nexts = by_prev.pop(head, [])
        if not nexts:
            break
        if len(nexts) > 1:
            nexts.sort(key=lambda x: x.id)
            return Broken(nexts[1].id, "forked", seen, head)
        link = nexts[0]
        if link_hash(link, head) != link.hash:
            return Broken(link.id, "changed", seen, head)
        head, seen = link.hash or "", seen + 1
    if unlinked:
        first = min(unlinked, key=lambda x: x.id)
        return Broken(first.id, "unlinked", seen, head)
    if seen != count:
        rest = sorted((x for group in by_prev.values() for x in group), key=lambda x: x.id)
        return Broken(rest[0].id if rest else None, "removed", seen, head)
    return Verified(seen, head)
