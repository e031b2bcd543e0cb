"""The audit trail (Protokoll), oldest first."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from lipctl.store import models as m


def events(since: dt.date | None = None, limit: int | None = None, entity: str | None = None) -> list[dict[str, Any]]:
    from lipctl.context import current

    with current().uow() as uow:
        # occurred_at first lets the database walk its index for --since (ids and times rise together)
        q = select(m.AuditEvent).order_by(m.AuditEvent.occurred_at, m.AuditEvent.id)
        if since is not None:
            q = q.where(m.AuditEvent.occurred_at >= dt.datetime.combine(since, dt.time()))
        if entity:
            q = q.where(m.AuditEvent.entity == entity)
        if limit:
            # the newest N, still printed oldest first
            q = q.order_by(None).order_by(m.AuditEvent.id.desc()).limit(limit)
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
            for e in uow.session.scalars(q)
        ]
        return sorted(rows, key=lambda r: r["id"])
