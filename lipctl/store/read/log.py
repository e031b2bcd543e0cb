"""The audit trail (Protokoll): every event as it was recorded."""

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

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


_EVENTS = "SELECT id, occurred_at, actor, command, action, entity, entity_id, details FROM audit_events"


def events(r: Reader, since: dt.date | None = None, limit: int | None = None, entity: str | None = None) -> list[Event]:
    """The events from ``since`` on, of one ``entity`` kind; with ``limit`` only the newest that many (newest first)."""
    where: list[str] = []
    params: dict[str, object] = {}
    if since is not None:
        where.append("occurred_at >= :since")
        params["since"] = dt.datetime.combine(since, dt.time())
    if entity:
        where.append("entity = :entity")
        params["entity"] = entity
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
    return [Event(**row) for row in r.rows(sql, params, times=("occurred_at",))]


def draft_events(r: Reader, draft_ids: Sequence[int]) -> list[Event]:
    """Every event of these drafts, in order."""
    return [
        Event(**row)
        for row in r.rows(
            _EVENTS + " WHERE entity = 'draft' AND entity_id IN (:ids) ORDER BY id",
            {"ids": list(draft_ids)},
            times=("occurred_at",),
        )
    ]
