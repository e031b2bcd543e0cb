"""Append an audit event (Protokolleintrag) in the same transaction as the change it records."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session

from lipctl.store.models import AuditEvent


def utcnow() -> dt.datetime:
    """Naive UTC, as all timestamps are stored."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def record(
    session: Session, action: str, *, entity: str | None = None, entity_id: int | None = None, **details: Any
) -> AuditEvent:
    from lipctl.context import current
    from lipctl.output.emit import to_jsonable

    ctx = current()
    event = AuditEvent(
        occurred_at=utcnow(),
        actor=ctx.actor,
        command=ctx.command or "lipctl",
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=json.dumps(to_jsonable({k: v for k, v in details.items() if v is not None}), ensure_ascii=False, sort_keys=True)
        if details
        else None,
    )
    session.add(event)
    return event
