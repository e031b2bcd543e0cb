"""lipctl draft list: every draft version, read through the driver (lipctl.store.reader).

The list staff scan most; on a store of 10,000 versions it is one query with the field's slug
joined in, and no SQLAlchemy import. The row has the same keys as ``drafts.draft_row``.
"""

from __future__ import annotations

from typing import Any

from lipctl.errors import InvalidInput
from lipctl.i18n import _
from lipctl.process.states import DraftState
from lipctl.store import queries


def parse_state(state: str) -> DraftState:
    try:
        return DraftState(state.strip().lower())
    except ValueError:
        raise InvalidInput(
            _("unknown state {state!r}").format(state=state),
            _("valid: {valid}").format(valid=", ".join(s.value for s in DraftState)),
        ) from None


def list_drafts(field: str | None = None, state: str | None = None) -> list[dict[str, Any]]:
    """Every draft version, by field, document and version (draft list)."""
    from lipctl.context import current

    wanted = parse_state(state) if state is not None else None
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
