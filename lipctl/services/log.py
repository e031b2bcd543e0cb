"""The audit trail (Protokoll), oldest first; read through the driver (lipctl.store.read.log)."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lipctl.context import Env


def events(env: Env, since: dt.date | None = None, limit: int | None = None, entity: str | None = None) -> list[dict[str, Any]]:
    from lipctl.process.limits import MAX_INT
    from lipctl.store.read import log

    if limit is not None:
        limit = min(limit, MAX_INT)  # more than any store holds: all of them

    with env.reader() as r:
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
            for e in log.events(r, since, limit, entity)
        ]
    return sorted(rows, key=lambda r: r["id"])
