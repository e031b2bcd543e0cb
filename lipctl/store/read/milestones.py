"""The queries of ``lipctl milestone`` and of the basis rule of ``draft submit`` (a document written
"auf dieser Grundlage"): which milestone a key names, and when a field's basis document came in."""

import datetime as dt
from typing import NamedTuple

from lipctl.store.read.status import MilestoneRow, milestones
from lipctl.store.reader import Reader

__all__ = ["Basis", "MilestoneRef", "MilestoneRow", "basis", "milestones", "refs"]


class MilestoneRef(NamedTuple):
    id: int
    slug: str
    due: dt.date | None


class Basis(NamedTuple):
    """The kind a document kind is written on the basis of (None: none), and the day the field's first
    live version of that kind was received (None: none yet)."""

    kind: str | None
    submitted_on: dt.date | None


def refs(r: Reader) -> list[MilestoneRef]:
    """Every milestone's id, key and current due date, in the seed's order."""
    return [MilestoneRef(**row) for row in r.rows("SELECT id, slug, due FROM milestones ORDER BY id", dates=("due",))]


def basis(r: Reader, field_id: int, kind: str) -> Basis:
    """What a new version of ``kind`` in the field is based on, and since when the field has it."""
    based_on = r.rows("SELECT based_on FROM document_kinds WHERE slug = :kind", {"kind": kind})
    basis_kind = based_on[0].based_on if based_on else None
    if basis_kind is None:
        return Basis(None, None)
    rows = r.rows(
        """
        SELECT min(submitted_on) AS first_on FROM drafts
        WHERE field_id = :field AND kind = :kind AND voided_at IS NULL
        """,
        {"field": field_id, "kind": basis_kind},
        dates=("first_on",),
    )
    return Basis(basis_kind, rows[0].first_on if rows else None)
