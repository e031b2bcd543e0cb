"""Append an audit event (Protokolleintrag) in the same transaction as the change it records."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from lipctl.store.models import AuditEvent

if TYPE_CHECKING:
    from lipctl.context import Env


def utcnow() -> dt.datetime:
    """Naive UTC, as all timestamps are stored."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def record(
    env: Env,
    session: Session,
    action: str,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    happened_on: dt.date | None = None,
    **details: Any,
) -> AuditEvent:
    """The event ``action`` by ``env.actor`` through ``env.command``, added to ``session`` (committed with the change).

    ``happened_on`` is the day the recorded act happened (its --date), where it is one (else the
    day its details name: ``decided_on``, ``received_on``, …); the event's own time
    (``occurred_at``) is when it was recorded. The event is linked into the audit chain
    (lipctl.process.auditchain) under the lock of its head: its ``prev_hash`` is the head's hash,
    its ``hash`` that of its stored content, and the head moves on to it.
    """
    from lipctl.output.emit import to_jsonable
    from lipctl.process.auditchain import day_named, event_hash
    from lipctl.store.auditlog import locked_head

    text = (
        json.dumps(to_jsonable({k: v for k, v in details.items() if v is not None}), ensure_ascii=False, sort_keys=True)
        if details
        else None
    )
    day = happened_on if happened_on is not None else day_named(text)  # as migration 0004 reads the day
    if isinstance(day, dt.datetime):  # a Date column keeps the day only: hash what is stored
        day = day.date()
    head = locked_head(session)  # waits for a concurrent writer's commit (PostgreSQL)
    # The time after the lock: it rises along the chain. The content is hashed as it is stored.
    content: dict[str, Any] = {
        "occurred_at": utcnow(),
        "actor": env.actor,
        "command": env.command or "lipctl",
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "details": text,
        "happened_on": day,
    }
    own = event_hash(head.hash, **content)
    event = AuditEvent(**content, prev_hash=head.hash, hash=own)
    head.hash, head.events = own, head.events + 1
    session.add(event)
    return event
