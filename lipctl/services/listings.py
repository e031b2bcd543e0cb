"""Drafts and opinions as staff read them — draft list, show, history; opinion list — through the driver.

Each is a handful of queries with the names joined in (lipctl.store.reader), and no SQLAlchemy
import. A draft row has the same keys as ``drafts.draft_row``; ``opinion_rows`` also serves
``opinion record`` inside its unit of work (``Reader.of(session)``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from lipctl.process import lifecycle
from lipctl.store import queries
from lipctl.store.reader import Reader, Row

_DRAFTS = """
    SELECT d.id, f.slug AS field, d.kind, d.version, d.state, d.title, d.state_since, d.submitted_on,
           d.submitted_by, d.file_name, d.file_size, d.file_sha256, d.field_id, d.file_copy
    FROM drafts d JOIN action_fields f ON f.id = d.field_id
"""


def draft_row(d: Row) -> dict[str, Any]:
    """A draft as scripts read it (SPEC §3: id, field, kind, version, state, ref)."""
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


def draft_by_id(r: Reader, draft_id: int) -> Row:
    [draft] = _drafts(r, "d.id = :id", {"id": draft_id})
    return draft


def _drafts(r: Reader, where: str = "", params: dict[str, Any] | None = None) -> list[Row]:
    sql = _DRAFTS + (f" WHERE {where}" if where else "") + " ORDER BY f.position, f.id, d.kind, d.version"
    return r.rows(sql, params, dates=("state_since", "submitted_on"))


def list_drafts(field: str | None = None, state: str | None = None) -> list[dict[str, Any]]:
    """Every draft version, by field, document and version (draft list)."""
    from lipctl.context import current

    wanted = lifecycle.parse_state(state) if state is not None else None
    with current().reader() as r:
        where, params = [], {}
        if field is not None:
            where.append("f.slug = :field")
            params["field"] = queries.field_slug(r, field)
        if wanted is not None:
            where.append("d.state = :state")
            params["state"] = wanted.value
        return [draft_row(d) for d in _drafts(r, " AND ".join(where), params)]


def opinion_rows(r: Reader, draft_id: int | None = None) -> list[dict[str, Any]]:
    """Opinions as listed (SPEC §3: id, draft, body, stance, text, recorded_at), oldest first."""
    sql = """
        SELECT o.id, o.draft_id, f.slug AS field, d.kind, d.version, b.slug AS body, o.stance, o.text,
               o.file_name, o.file_size, o.file_sha256, o.received_on, o.recorded_at, o.recorded_by
        FROM opinions o
        JOIN bodies b ON b.id = o.body_id
        JOIN drafts d ON d.id = o.draft_id
        JOIN action_fields f ON f.id = d.field_id
    """
    params = {}
    if draft_id is not None:
        sql += " WHERE o.draft_id = :draft"
        params["draft"] = draft_id
    sql += " ORDER BY o.id"
    return [
        {
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
        for o in r.rows(sql, params, dates=("received_on",), times=("recorded_at",))
    ]


def list_opinions(ref: str | None = None) -> list[dict[str, Any]]:
    """Every opinion, or those on one draft version (opinion list)."""
    from lipctl.context import current

    with current().reader() as r:
        return opinion_rows(r, queries.draft_id(r, ref) if ref is not None else None)


def show(ref: str) -> dict[str, Any]:
    """One version with its opinions, what is missing or overdue, its decision and considered surveys (draft show)."""
    from lipctl.context import current

    ctx = current()
    with ctx.reader() as r:
        draft = draft_by_id(r, queries.draft_id(r, ref))
        row = draft_row(draft)
        need = queries.opinion_requirements(r)
        got = queries.received_opinions(r, draft.id)
        open_ = draft.state in lifecycle.AWAITING_OPINIONS
        row["missing_opinions"] = lifecycle.missing_opinions([b for b, _d in need], got) if open_ else []
        row["opinions_due"] = [
            {"body": b, "due": lifecycle.opinion_due(draft.submitted_on, d), "received": b in got} for b, d in need
        ]
        row["overdue_opinions"] = (
            [{"body": b, "due": due} for b, due in lifecycle.overdue_opinions(draft.submitted_on, need, got, ctx.today)]
            if open_
            else []
        )
        row["opinions"] = opinion_rows(r, draft.id)
        decisions = r.rows(
            "SELECT outcome, reason, decided_on, without_opinions, missing_opinions FROM steering_decisions WHERE draft_id = :id",
            {"id": draft.id},
            dates=("decided_on",),
            flags=("without_opinions",),
        )
        row["decision"] = (
            {
                "result": lifecycle.decision_event(dec.outcome),
                "reason": dec.reason or None,
                "decided_on": dec.decided_on,
                "without_opinions": dec.without_opinions,
                "missing_opinions": json.loads(dec.missing_opinions) if dec.missing_opinions else [],
            }
            if (dec := next(iter(decisions), None))
            else None
        )
        row["considered_surveys"] = r.column(
            "SELECT s.name FROM surveys s JOIN draft_surveys ds ON ds.survey_id = s.id WHERE ds.draft_id = :id ORDER BY ds.id",
            {"id": draft.id},
        )
        row["file_copy"] = draft.file_copy
        return row


def history(ref: str) -> list[dict[str, Any]]:
    """Every audit event of every version of the document, in order, with actor and time (draft history)."""
    from lipctl.context import current
    from lipctl.report.labels import event_summary

    with current().reader() as r:
        draft = draft_by_id(r, queries.draft_id(r, ref))
        versions = r.pairs(
            "SELECT id, version FROM drafts WHERE field_id = :field AND kind = :kind",
            {"field": draft.field_id, "kind": draft.kind},
        )
        events = r.rows(
            """
            SELECT id, occurred_at, actor, command, action, entity_id, details FROM audit_events
            WHERE entity = 'draft' AND entity_id IN (:versions) ORDER BY id
            """,
            {"versions": list(versions)},
            times=("occurred_at",),
        )
        rows = []
        for e in events:
            details = json.loads(e.details) if e.details else {}
            rows.append(
                {
                    "id": e.id,
                    "occurred_at": e.occurred_at.replace(tzinfo=dt.UTC),
                    "actor": e.actor,
                    "action": e.action,
                    "draft": e.entity_id,
                    "version": versions.get(e.entity_id),
                    "command": e.command,
                    "summary": event_summary(e.action, details),
                    "details": details,
                }
            )
        return rows
