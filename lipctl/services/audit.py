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

    ``happened_on`` is the day the recorded act happened (its --date), where it is one; the event's
    own time (``occurred_at``) is when it was recorded.
    """
    from lipctl.output.emit import to_jsonable

    event = AuditEvent(
        occurred_at=utcnow(),
        actor=env.actor,
        command=env.command or "lipctl",
        action=action,
        entity=entity,
        entity_id=entity_id,
        happened_on=happened_on,
        details=json.dumps(to_jsonable({k: v for k, v in details.items() if v is not None}), ensure_ascii=False, sort_keys=True)
        if details
        else None,
    )
    session.add(event)
    return event
