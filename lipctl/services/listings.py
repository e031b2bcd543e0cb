"""Drafts and opinions as staff read them — draft list, show, history; opinion list — through the driver.

The queries are lipctl.store.read (no SQLAlchemy import); this module shapes what they return.
``draft_row`` also shapes what ``draft submit`` prints, ``opinion_row`` what ``opinion record`` prints.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from lipctl.process import lifecycle, standing
from lipctl.store.read import definition, drafts, opinions
from lipctl.store.read import log as audit_log

if TYPE_CHECKING:
    from lipctl.context import Env


def draft_row(d: drafts.Draft) -> dict[str, Any]:
    """A draft as scripts read it (id, field, kind, version, state, ref)."""
    return {
        "id": d.id,
        "field": d.field,
        "kind": d.kind,
        "version": d.version,
        "state": d.state,
        "ref": f"{d.field}/{d.kind}",
        "title": d.title,
        "state_since": d.state_since,
        "submitted_on": d.submitted_on,
        "submitted_by": d.submitted_by,
        "file_name": d.file_name,
        "file_size": d.file_size,
        "file_sha256": d.file_sha256,
    }


def list_drafts(env: Env, field: str | None = None, state: str | None = None) -> list[dict[str, Any]]:
    """Every draft version, by field, document and version (draft list)."""

    wanted = lifecycle.parse_state(state) if state is not None else None
    with env.reader() as r:
        slug = definition.field_slug(r, field) if field is not None else None
        return [draft_row(d) for d in drafts.drafts(r, slug, wanted.value if wanted is not None else None)]


def opinion_row(o: opinions.Opinion) -> dict[str, Any]:
    """An opinion as listed (id, draft, body, stance, text, recorded_at)."""
    return {
        "id": o.id,
        "draft": o.draft_id,
        "ref": f"{o.field}/{o.kind}",
        "version": o.version,
        "body": o.body,
        "stance": o.stance,
        "text": o.text,
        "file_name": o.file_name,
        "file_size": o.file_size,
        "file_sha256": o.file_sha256,
        "received_on": o.received_on,
        "recorded_at": o.recorded_at,
        "recorded_by": o.recorded_by,
    }


def list_opinions(env: Env, ref: str | None = None) -> list[dict[str, Any]]:
    """Every opinion, or those on one draft version (opinion list)."""

    with env.reader() as r:
        return [opinion_row(o) for o in opinions.opinions(r, drafts.draft_id(r, ref) if ref is not None else None)]


def show(env: Env, ref: str) -> dict[str, Any]:
    """One version with its opinions, what is missing or overdue, its decision and considered surveys (draft show)."""

    with env.reader() as r:
        draft = drafts.draft(r, drafts.draft_id(r, ref))
        row = draft_row(draft)
        need = opinions.requirements(r)
        got = opinions.received(r, draft.id)
        open_ = draft.state in lifecycle.AWAITING_OPINIONS
        row["missing_opinions"] = lifecycle.missing_opinions([b for b, _d in need], got) if open_ else []
        listed = opinions.opinions(r, draft.id)
        first: dict[str, dt.date] = {}
        for o in listed:
            first[o.body] = min(first.get(o.body, o.received_on), o.received_on)
        late = {b: due for b, due, _got in standing.late_opinions(draft.submitted_on, need, first)}
        row["opinions_due"] = [
            {
                "body": b,
                "due": lifecycle.opinion_due(draft.submitted_on, d),
                "received": b in got,
                "received_on": first.get(b),
                "late": b in late,
            }
            for b, d in need
        ]
        row["overdue_opinions"] = (
            [{"body": b, "due": due} for b, due in lifecycle.overdue_opinions(draft.submitted_on, need, got, env.today)]
            if open_
            else []
        )
        row["opinions"] = [
            {**opinion_row(o), "late": o.body in late and standing.is_late(o.received_on, late[o.body])} for o in listed
        ]
        dec = drafts.decision(r, draft.id)
        row["decision"] = (
            {
                "result": lifecycle.decision_event(dec.outcome),
                "reason": dec.reason or None,
                "decided_on": dec.decided_on,
                "without_opinions": dec.without_opinions,
                "missing_opinions": json.loads(dec.missing_opinions) if dec.missing_opinions else [],
            }
            if dec is not None
            else None
        )
        row["considered_surveys"] = drafts.considered_surveys(r, draft.id)
        row["file_copy"] = draft.file_copy
        return row


def history(env: Env, ref: str) -> list[dict[str, Any]]:
    """Every audit event of every version of the document, in order, with actor and time (draft history)."""
    from lipctl.report.labels import event_summary

    with env.reader() as r:
        draft = drafts.draft(r, drafts.draft_id(r, ref))
        versions = drafts.versions(r, draft.field_id, draft.kind)
        rows = []
        for e in audit_log.draft_events(r, list(versions)):
            details = json.loads(e.details) if e.details else {}
            rows.append(
                {
                    "id": e.id,
                    "occurred_at": e.occurred_at.replace(tzinfo=dt.UTC),
                    "actor": e.actor,
                    "action": e.action,
                    "draft": e.entity_id,
                    "version": versions.get(e.entity_id) if e.entity_id is not None else None,
                    "command": e.command,
                    "summary": event_summary(e.action, details),
                    "details": details,
                }
            )
        return rows
