"""The resolutions of the committee and the council as a list (committee list, council list)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from lipctl.store.reader import Reader


class Listed(NamedTuple):
    """One resolution with what it was on: a field's document version, or the plan (``field`` None)."""

    id: int
    scope: str
    body: str
    field: str | None
    kind: str | None
    version: int | None
    result: str
    arithmetic: str
    yes: int | None
    no: int | None
    abstain: int | None
    present: int | None
    members: int | None
    drucksache: str | None
    decided_on: dt.date
    meeting_id: int | None
    exception_reason: str | None
    voided_at: dt.datetime | None
    voided_by: str | None
    void_reason: str | None


def listed(r: Reader, body_kind: str, *, since: dt.date | None, include_voided: bool) -> list[Listed]:
    """The resolutions of the bodies of ``body_kind`` (committee, council), oldest first; voided ones on request."""
    where = ["b.kind = :kind"]
    params: dict[str, object] = {"kind": body_kind}
    if not include_voided:
        where.append("res.voided_at IS NULL")
    if since is not None:
        where.append("res.decided_on >= :since")
        params["since"] = since
    rows = r.rows(
        f"""
        SELECT res.id, res.scope, b.slug AS body, f.slug AS field, d.kind, d.version, res.result, res.arithmetic,
               res.yes, res.no, res.abstain, res.present, res.members, res.drucksache, res.decided_on,
               res.meeting_id, res.exception_reason, res.voided_at, res.voided_by, res.void_reason
        FROM resolutions res
        JOIN bodies b ON b.id = res.body_id
        LEFT OUTER JOIN drafts d ON d.id = res.draft_id
        LEFT OUTER JOIN action_fields f ON f.id = d.field_id
        WHERE {" AND ".join(where)}
        ORDER BY res.decided_on, res.id
        """,  # noqa: S608 - fixed conditions; the values are parameters
        params,
        dates=("decided_on",),
        times=("voided_at",),
    )
    return [Listed(**row) for row in rows]
