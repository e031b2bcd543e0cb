"""The audit trail (Protokoll), oldest first; read through the driver (lipctl.store.reader)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def events(since: dt.date | None = None, limit: int | None = None, entity: str | None = None) -> list[dict[str, Any]]:
    from lipctl.context import current

    where: list[str] = []
    params: dict[str, Any] = {}
    if since is not None:
        where.append("occurred_at >= :since")
        params["since"] = dt.datetime.combine(since, dt.time())
    if entity:
        where.append("entity = :entity")
        params["entity"] = entity
    sql = "SELECT id, occurred_at, actor, command, action, entity, entity_id, details FROM audit_events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if limit:
        # the newest N, still printed oldest first
        sql += " ORDER BY id DESC LIMIT :limit"
        params["limit"] = limit
    else:
        # occurred_at first lets the database walk its index for --since (ids and times rise together)
        sql += " ORDER BY occurred_at, id"
    with current().reader() as r:
        rows = [
            {
                "id": e.id,
                "occurred_at": e.occurred_at.replace(tzinfo=dt.UTC),
                "actor": e.actor,
                "command": e.command,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "details": json.loads(e.details) if e.details else {},
            }
            for e in r.rows(sql, params, times=("occurred_at",))
        ]
    return sorted(rows, key=lambda r: r["id"])
