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


#: The details keys that name the day an act happened, in the order they are looked for.
DAY_KEYS = ("happened_on", "decided_on", "received_on", "submitted_on", "date")


def day_named(details: str | None) -> dt.date | None:
    """The day an act happened as an event's stored details (JSON text) name it (``decided_on``,
    ``received_on``, …), or None: for an event recorded without its day, and for the chain's migration."""
    if not details:
        return None
    try:
        values = json.loads(details)
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    for key in DAY_KEYS:
        value = values.get(key)
        if isinstance(value, str) and len(value) == 10:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                continue
    return None


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


class Head(NamedTuple):
    """The head lipctl keeps beside the chain (table audit_head): the number of events and the last hash."""

    events: int
    hash: str


#: What ``verify`` finds wrong, first one only (``Broken.problem``).
CHANGED = "changed"  # an event's content no longer gives its stored hash
REMOVED = "removed"  # an event follows one that is not there: the one before it was deleted
INSERTED = "inserted"  # an event without a link into the chain
APPENDED = "appended"  # an event after the head lipctl recorded
FORKED = "forked"  # two events follow the same one: one of them was inserted
CUT_OFF = "cut_off"  # the chain ends before the recorded head: the last events were deleted
HEAD_MISMATCH = "head_mismatch"  # the chain's end is not the recorded head
KEPT_MISSING = "kept_missing"  # a head kept elsewhere (log verify --head) is not in the chain


class Broken(NamedTuple):
    """Where the chain breaks: the event named (``event_id``, None when none can be), what is wrong
    (one of the problems above), the chain as far as it held (``events``, ``head``, the last intact
    event ``after``) and, for a fork, the other event that follows the same one."""

    event_id: int | None
    problem: str
    events: int
    head: str
    after: int | None = None
    other: int | None = None


class Verified(NamedTuple):
    """An intact chain: the number of events and the last hash."""

    events: int
    head: str


class _Stub(NamedTuple):
    """What the walk keeps of an event that arrived before its predecessor."""

    id: int
    prev_hash: str
    hash: str
    intact: bool


class _Walk:
    """The chain followed from GENESIS, one event at a time, as the events arrive (in id order).

    Events come in id order, which is the chain's order whenever every writer took the head's lock;
    an event whose predecessor has not been seen yet waits in ``pending``. Only the hashes of the
    walked chain are kept (the successor of each, for a fork), not the events.
    """

    def __init__(self, recorded: Head | None) -> None:
        self.recorded = recorded
        self.head = GENESIS
        self.seen = 0
        self.last: int | None = None
        self.followed: dict[str, int] = {}  # hash -> the id of the event that follows it
        self.pending: dict[str, list[_Stub]] = {}
        self.unlinked: int | None = None

    def add(self, link: Link) -> Broken | None:
        if not link.prev_hash or not link.hash:
            self.unlinked = link.id if self.unlinked is None else min(self.unlinked, link.id)
            return None
        stub = _Stub(link.id, link.prev_hash, link.hash, link_hash(link, link.prev_hash) == link.hash)
        if stub.prev_hash == self.head:
            return self._attach(stub)
        if stub.prev_hash in self.followed:
            return self._broken(stub.id, FORKED, other=self.followed[stub.prev_hash])
        self.pending.setdefault(stub.prev_hash, []).append(stub)
        return None

    def _attach(self, stub: _Stub) -> Broken | None:
        while True:
            recorded = self.recorded
            if recorded is not None and self.seen == recorded.events and self.head == recorded.hash:
                return self._broken(stub.id, APPENDED)  # lipctl's own head ended the chain here
            if not stub.intact:
                return self._broken(stub.id, CHANGED)
            self.followed[stub.prev_hash] = stub.id
            self.head, self.seen, self.last = stub.hash, self.seen + 1, stub.id
            waiting = self.pending.get(self.head)
            if not waiting:
                return None
            stub = waiting.pop(0)
            if not waiting:
                del self.pending[self.head]

    def _broken(self, event_id: int | None, problem: str, other: int | None = None) -> Broken:
        return Broken(event_id, problem, self.seen, self.head, self.last, other)

    def end(self, kept: str | None) -> Verified | Broken:
        if self.unlinked is not None or self.pending:
            return self._loose_end()
        recorded = self.recorded
        if recorded is not None:
            if self.seen < recorded.events:
                return self._broken(None, CUT_OFF)
            if self.head != recorded.hash:
                return self._broken(None, HEAD_MISMATCH)
        if kept is not None and kept != self.head and kept not in self.followed:
            return self._broken(None, KEPT_MISSING)
        return Verified(self.seen, self.head)

    def _loose_end(self) -> Broken:
        """The first (lowest id) event that the walk never reached, and why."""
        candidates: list[tuple[int, str, int | None]] = []
        if self.unlinked is not None:
            candidates.append((self.unlinked, INSERTED, None))
        waiting = [stub for group in self.pending.values() for stub in group]
        hashes = {stub.hash for stub in waiting}
        for stub in waiting:
            if stub.prev_hash in hashes:
                continue  # follows another waiting event: not where the chain broke
            if stub.prev_hash in self.followed:
                candidates.append((stub.id, FORKED, self.followed[stub.prev_hash]))
            else:
                candidates.append((stub.id, REMOVED, None))
        if not candidates:  # waiting events that only follow each other (a forged loop)
            candidates.append((min(stub.id for stub in waiting), INSERTED, None))
        event_id, problem, other = min(candidates)
        return self._broken(event_id, problem, other)


def verify(links: Iterable[Link], recorded: Head | None = None, kept: str | None = None) -> Verified | Broken:
    """Walk the chain from GENESIS by previous hash (not by id: concurrent writers append in lock
    order), and name the first event that does not hold; then compare the end with ``recorded``
    (lipctl's head: a cut-off end, events appended outside lipctl) and look for ``kept`` (a head
    noted earlier, which must still be in the chain).

    ``links`` may be a stream (in id order, for the usual case of an in-order chain): the walk keeps
    the chain's hashes, not its events.
    """
    walk = _Walk(recorded)
    for link in links:
        broken = walk.add(link)
        if broken is not None:
            return broken
    return walk.end(kept)
