"""The search's queries, on the read commands' bare driver connection (lipctl.store.reader; no SQLAlchemy).

``hits`` asks the index for the best ``limit`` keys (SQLite: FTS5 MATCH ranked by bm25;
PostgreSQL: the GIN index's @@, ranked by ts_rank); ``opinions``, ``answers`` and ``drafts`` then
read the few records found, with what a person needs to know them again.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from lipctl.search import terms as t
from lipctl.search.index import FTS, SPAN, TERMS
from lipctl.store.reader import Reader


class Hit(NamedTuple):
    key: int
    rank: float
    """Higher is better (SQLite: -bm25; PostgreSQL: ts_rank): comparable within one store only."""

    @property
    def kind(self) -> int:
        return self.key % SPAN

    @property
    def id(self) -> int:
        return self.key // SPAN


CANDIDATES = 10_000
"""At most this many matching records are ranked: the newest (highest keys). A word in a third of a
million answers would otherwise rank all of them (about a second on either store); with more matches,
the best of the newest CANDIDATES come first, and more words narrow the search."""


def hits(r: Reader, query: t.Query, *, kind: int | None = None, field_id: int | None = None, limit: int = 20) -> list[Hit]:
    """The best ``limit`` records whose terms hold every term and phrase of ``query``, best first (among the
    newest CANDIDATES matches)."""
    params: dict[str, object] = {"limit": limit, "span": SPAN, "candidates": CANDIDATES}
    where = []
    if kind is not None:
        where.append("{key} % :span = :kind")
        params["kind"] = kind
    if field_id is not None:
        where.append("{field} = :field")
        params["field"] = field_id
    if r.backend == "sqlite":
        params["q"] = t.fts5_match(query)
        extra = "".join(" AND " + w.format(key="rowid", field="field") for w in where)
        # FTS5 walks the matches by rowid, newest first, and stops at the limit: bm25 only for those.
        sql = (
            f"SELECT key, rank FROM (SELECT rowid AS key, -bm25({FTS}) AS rank FROM {FTS} "  # noqa: S608 - constants
            f"WHERE {FTS} MATCH :q{extra} ORDER BY rowid DESC LIMIT :candidates) ORDER BY rank DESC, key LIMIT :limit"
        )
    else:
        params["q"] = t.tsquery(query)
        extra = "".join(" AND " + w.format(key="key", field="field_id") for w in where)
        # The candidates' keys alone (a small sort, or the primary key walked backwards once the table is
        # analysed), then ts_rank for those only.
        sql = (
            "SELECT s.key, ts_rank(s.terms, CAST(:q AS tsquery)) AS rank FROM ("  # noqa: S608 - constants
            f"SELECT key FROM {TERMS} WHERE terms @@ CAST(:q AS tsquery){extra} ORDER BY key DESC LIMIT :candidates"
            f") AS c JOIN {TERMS} s ON s.key = c.key ORDER BY rank DESC, s.key LIMIT :limit"
        )
    return [Hit(int(row.key), float(row.rank)) for row in r.rows(sql, params)]


class Record(NamedTuple):
    """A record found: what it is, how to name it, its action field, its day, its text."""

    id: int
    reference: str
    field: str | None
    date: dt.date | None
    text: str


def opinions(r: Reader, ids: list[int]) -> dict[int, Record]:
    rows = r.rows(
        """
        SELECT o.id, f.slug AS field, d.kind, d.version, b.slug AS body, o.received_on AS date, o.text
        FROM opinions o JOIN drafts d ON d.id = o.draft_id JOIN bodies b ON b.id = o.body_id
        LEFT JOIN action_fields f ON f.id = d.field_id
        WHERE o.id IN (:ids)
        """,
        {"ids": ids},
        dates=("date",),
    )
    return {
        row.id: Record(
            row.id,
            f"{row.body} → {row.field or 'plan'}/{row.kind} v{row.version} (#{row.id})",
            row.field,
            row.date,
            row.text or "",
        )
        for row in rows
    }


def answers(r: Reader, ids: list[int]) -> dict[int, Record]:
    rows = r.rows(
        """
        SELECT a.id, f.slug AS field, s.name AS survey, a.response_key, a.submitted_at AS date, a.text
        FROM survey_responses a JOIN surveys s ON s.id = a.survey_id LEFT JOIN action_fields f ON f.id = a.field_id
        WHERE a.id IN (:ids)
        """,
        {"ids": ids},
        times=("date",),
    )
    return {
        row.id: Record(row.id, f"{row.survey} #{row.response_key}", row.field, row.date.date() if row.date else None, row.text)
        for row in rows
    }


def drafts(r: Reader, ids: list[int]) -> dict[int, Record]:
    rows = r.rows(
        """
        SELECT d.id, f.slug AS field, d.kind, d.version, d.submitted_on AS date, d.title
        FROM drafts d LEFT JOIN action_fields f ON f.id = d.field_id
        WHERE d.id IN (:ids)
        """,
        {"ids": ids},
        dates=("date",),
    )
    return {
        row.id: Record(
            row.id, f"{row.field or 'plan'}/{row.kind} v{row.version} (#{row.id})", row.field, row.date, row.title or ""
        )
        for row in rows
    }
