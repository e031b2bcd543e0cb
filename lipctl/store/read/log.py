"""The audit trail (Protokoll): every event as it was recorded, and its hash chain as stored."""

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from lipctl.process.auditchain import Head, Link
from lipctl.store.reader import Reader


class Event(NamedTuple):
    id: int
    occurred_at: dt.datetime  # naive UTC
    actor: str
    command: str
    action: str
    entity: str | None
    entity_id: int | None
    details: str | None  # JSON text
    happened_on: dt.date | None = None  # the day of the recorded act, where it is one


_EVENTS = "SELECT id, occurred_at, actor, command, action, entity, entity_id, details, happened_on FROM audit_events"


def events(
    r: Reader,
    since: dt.date | None = None,
    limit: int | None = None,
    entity: str | None = None,
    *,
    until: dt.date | None = None,
    actor: str | None = None,
    actions: Sequence[str] = (),
    drafts: Sequence[int] | None = None,
) -> list[Event]:
    """The events recorded from ``since`` up to ``until`` (days, inclusive), of one ``entity`` kind,
    by ``actor``, of ``actions`` (each a name, or a family ending in a dot: ``draft.``), about the
    drafts ``drafts`` (ids); with ``limit`` only the newest that many (newest first)."""
    where: list[str] = []
    params: dict[str, object] = {}
    if since is not None:
        where.append("occurred_at >= :since")
        params["since"] = dt.datetime.combine(since, dt.time())
    if until is not None and until < dt.date.max:
        where.append("occurred_at < :until")
        params["until"] = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
    if entity:
        where.append("entity = :entity")
        params["entity"] = entity
    if actor is not None:
        where.append("actor = :actor")
        params["actor"] = actor
    if drafts is not None:
        where.append("entity = 'draft' AND entity_id IN (:drafts)")
        params["drafts"] = list(drafts)
    if actions:
        alternatives = []
        for n, action in enumerate(actions):
            if action.endswith("."):  # a family: substr, not LIKE (SQLite's LIKE ignores case, a '_' is a wildcard)
                alternatives.append(f"substr(action, 1, {len(action)}) = :action_{n}")
            else:
                alternatives.append(f"action = :action_{n}")
            params[f"action_{n}"] = action
        where.append("(" + " OR ".join(alternatives) + ")")
    sql = _EVENTS
    if where:
        sql += " WHERE " + " AND ".join(where)
    if limit:
        # the newest N (the caller prints them oldest first)
        sql += " ORDER BY id DESC LIMIT :limit"
        params["limit"] = limit
    else:
        # occurred_at first lets the database walk its index for --since (ids and times rise together)
        sql += " ORDER BY occurred_at, id"
    return [Event(**row) for row in r.rows(sql, params, dates=("happened_on",), times=("occurred_at",))]


def draft_events(r: Reader, draft_ids: Sequence[int]) -> list[Event]:
    """Every event of these drafts, in order."""
    return [
        Event(**row)
        for row in r.rows(
            _EVENTS + " WHERE entity = 'draft' AND entity_id IN (:ids) ORDER BY id",
            {"ids": list(draft_ids)},
            dates=("happened_on",),
            times=("occurred_at",),
        )
    ]


# --- the hash chain (lipctl.process.auditchain) ---------------------------------------------

_LINKS = (
    "SELECT id, prev_hash, hash, occurred_at, actor, command, action, entity, entity_id, details, happened_on"
    " FROM audit_events WHERE id > :after ORDER BY id LIMIT :page"
)


def links(r: Reader, page: int = 2_000) -> Iterator[Link]:
    """Every event as the chain sees it, in id order, read ``page`` at a time (a long log is never held whole)."""
    after = 0
    while True:
        rows = r.rows(_LINKS, {"after": after, "page": page}, dates=("happened_on",), times=("occurred_at",))
        for row in rows:
            yield Link(**row)
        if len(rows) < page:
            return
        after = rows[-1]["id"]


def head(r: Reader) -> Head | None:
    """The head lipctl keeps (audit_head): the number of events and the last hash; None when the row is gone."""
    rows = r.rows("SELECT events, hash FROM audit_head WHERE id = 1")
    return Head(int(rows[0]["events"]), str(rows[0]["hash"])) if rows else None
