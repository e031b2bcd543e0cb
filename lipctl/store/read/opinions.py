"""Opinions on drafts: which bodies must give one, which have, and the opinions themselves."""

import datetime as dt
from typing import NamedTuple

from lipctl.store.reader import Reader


class Opinion(NamedTuple):
    id: int
    draft_id: int
    field: str | None  # None: an opinion on the complete plan
    kind: str
    version: int
    body: str
    stance: str
    text: str | None
    file_name: str | None
    file_size: int | None
    file_sha256: str | None
    received_on: dt.date
    recorded_at: dt.datetime
    recorded_by: str | None
    voided_at: dt.datetime | None = None  # naive UTC; set when the opinion itself was withdrawn (not its version)
    voided_by: str | None = None
    void_reason: str | None = None


_OPINIONS = """
    SELECT o.id, o.draft_id, f.slug AS field, d.kind, d.version, b.slug AS body, o.stance, o.text,
           o.file_name, o.file_size, o.file_sha256, o.received_on, o.recorded_at, o.recorded_by,
           o.voided_at, o.voided_by, o.void_reason
    FROM opinions o
    JOIN bodies b ON b.id = o.body_id
    JOIN drafts d ON d.id = o.draft_id
    LEFT JOIN action_fields f ON f.id = d.field_id
"""


def opinions(r: Reader, draft_id: int | None = None, *, include_voided: bool = False) -> list[Opinion]:
    """Every opinion, or those on one draft version, oldest first; withdrawn ones (or those on a withdrawn
    version) only with ``include_voided``."""
    sql, params = _OPINIONS, {}
    where = []
    if draft_id is not None:
        where.append("o.draft_id = :draft")
        params["draft"] = draft_id
    if not include_voided:
        where.append("o.voided_at IS NULL AND d.voided_at IS NULL")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY o.id"
    return [Opinion(**row) for row in r.rows(sql, params, dates=("received_on",), times=("recorded_at", "voided_at"))]


def requirements(r: Reader) -> list[tuple[str, int]]:
    """The bodies whose opinion every draft needs, with their deadline in days (seed.yaml)."""
    rows = r.rows(
        """
        SELECT b.slug, q.deadline_days FROM opinion_requirements q JOIN bodies b ON b.id = q.body_id
        ORDER BY q.position, q.id
        """
    )
    return [(row.slug, row.deadline_days) for row in rows]


def received(r: Reader, draft_id: int) -> list[str]:
    """Slugs of the bodies that have given an opinion on the draft (withdrawn ones do not count)."""
    return r.column(
        """
        SELECT DISTINCT b.slug FROM opinions o JOIN bodies b ON b.id = o.body_id
        WHERE o.draft_id = :draft AND o.voided_at IS NULL ORDER BY b.slug
        """,
        {"draft": draft_id},
    )


def opinion_givers(r: Reader) -> list[str]:
    """Slugs of the bodies that give opinions on drafts (those the seed gives an ``opinion_name``), in their order."""
    return r.column("SELECT slug FROM bodies WHERE opinion_name IS NOT NULL ORDER BY position, id")
