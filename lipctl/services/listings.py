"""The listings staff scan most — draft list, opinion list — read through the driver (lipctl.store.reader).

On a store of 10,000 versions each is one query with the names joined in, and no SQLAlchemy
import. A draft row has the same keys as ``drafts.draft_row``; ``opinion_rows`` also serves
``draft show`` and ``opinion record`` inside their unit of work (``Reader.of(session)``).
"""

from __future__ import annotations

from typing import Any

from lipctl.process import lifecycle
from lipctl.store import queries
from lipctl.store.reader import Reader


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
        sql = """
            SELECT d.id, f.slug AS field, d.kind, d.version, d.state, d.title, d.state_since, d.submitted_on,
                   d.submitted_by, d.file_name, d.file_size, d.file_sha256
            FROM drafts d JOIN action_fields f ON f.id = d.field_id
        """
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY f.position, f.id, d.kind, d.version"
        return [
            {
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
            for d in r.rows(sql, params, dates=("state_since", "submitted_on"))
        ]


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
