"""Keeping the search index current (Suchindex): called by the writing commands, inside their unit of work.

``search`` is a read command (a reader role may run it) and never writes: every command that adds,
removes or changes a text brings the index up to date in its own transaction —

- ``opinion record`` (``add_opinion``) and ``draft submit`` (``add_draft``): one row each;
- ``survey import`` (``add_survey_batch``): once per file, after its rows are stored — set-based,
  CHUNK answers per read and per write, not per row: the importer's per-row path is untouched;
- ``opinion withdraw`` and ``draft withdraw`` (``withdrawn``): the record (for a version: its
  opinions too) leaves the index; search finds live records only;
- ``survey undo`` and ``survey delete`` (``remove_answers``): the answers' terms are deleted with
  the answers; on SQLite the FTS5 index is then merged (``optimize``) so that no deleted term stays
  in an old segment (lipctl.store.erasure vacuums afterwards).

One key per record on both stores: ``id * SPAN + kind`` (the FTS5 rowid; PostgreSQL's
``search_terms.key``), so a record is found, replaced and deleted by its key alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from lipctl.search import terms as t

OPINION, ANSWER, DRAFT = 1, 2, 3
SPAN = 4
"""Keys are ``id * SPAN + kind``."""
KIND_NAMES = {OPINION: "opinion", ANSWER: "answer", DRAFT: "draft"}
SCOPES = {"opinions": OPINION, "surveys": ANSWER, "drafts": DRAFT}
"""``search --in`` -> kind."""

FTS = "search_fts"
"""SQLite: the FTS5 table (its shadow tables are named search_fts_data, _idx, _content, _docsize, _config)."""
TERMS = "search_terms"
"""PostgreSQL: key, field_id, terms (tsvector) under a GIN index."""
CHUNK = 2000
"""Records per read and per write when many are indexed (an import's file, the upgrade)."""
ANALYZE_AFTER = 50_000
"""PostgreSQL: a file that adds this many answers to the index has its statistics brought up to date."""


_FTS_INSERT = (
    f"INSERT INTO {FTS} (rowid, terms, field) "  # noqa: S608 - constants
    "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?)"
)


def is_index_table(name: str) -> bool:
    """Whether the table is the search index's (not in lipctl's models: db check leaves it to this module)."""
    return name in (TERMS, FTS) or name.startswith(FTS + "_")


def key(kind: int, record_id: int) -> int:
    return record_id * SPAN + kind


def _conn(session_or_conn: Any) -> Any:
    """The SQLAlchemy Connection of a Session (or the Connection itself)."""
    from sqlalchemy.orm import Session

    return session_or_conn.connection() if isinstance(session_or_conn, Session) else session_or_conn


def write(conn: Any, rows: Iterable[tuple[int, int, int | None, str | None]]) -> int:
    """Index ``rows`` — (kind, id, field_id, text) of records not in the index yet — in one statement; how many
    were written (a text without a word is left out: nothing could find it)."""
    conn = _conn(conn)
    raw = conn.connection.driver_connection
    if conn.dialect.name == "sqlite":
        data = [(key(kind, rid), doc, field) for kind, rid, field, text in rows if (doc := t.document(text))]
        if data:
            # One statement for the whole chunk (not an executemany: SQLite runs that once per row): the rows
            # as one JSON array, taken apart by json_each.
            import json

            raw.execute(_FTS_INSERT, (json.dumps(data, ensure_ascii=False),))
        return len(data)
    written = 0
    with raw.cursor() as cur, cur.copy(f"COPY {TERMS} (key, field_id, terms) FROM STDIN") as copy:
        for kind, rid, field, text in rows:
            vector = t.tsvector(text)
            if vector:
                copy.write_row((key(kind, rid), field, vector))
                written += 1
    return written


def remove(conn: Any, keys: Sequence[int]) -> None:
    """Take the records with these keys out of the index (one statement)."""
    if not keys:
        return
    conn = _conn(conn)
    raw = conn.connection.driver_connection
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(keys))
        raw.execute(f"DELETE FROM {FTS} WHERE rowid IN ({marks})", list(keys))  # noqa: S608 - placeholders only
    else:
        with raw.cursor() as cur:
            cur.execute(f"DELETE FROM {TERMS} WHERE key = ANY(%s)", (list(keys),))  # noqa: S608 - a constant


def add_opinion(session: Any, opinion_id: int, field_id: int | None, text: str | None) -> None:
    """A recorded opinion's text (opinion record)."""
    write(session, [(OPINION, opinion_id, field_id, text)])


def add_draft(session: Any, draft_id: int, field_id: int | None, title: str | None) -> None:
    """A submitted version's title (draft submit)."""
    write(session, [(DRAFT, draft_id, field_id, title)])


def withdrawn(session: Any, kind: str, record_id: int) -> None:
    """A record voided by a correction (lipctl.process.replay's kinds): an opinion leaves the index; a version
    leaves it with its opinions (they count no more). Decisions and tallies hold no indexed text."""
    if kind == "opinion":
        remove(session, [key(OPINION, record_id)])
    elif kind == "version":
        conn = _conn(session)
        from sqlalchemy import text

        opinions = conn.execute(text("SELECT id FROM opinions WHERE draft_id = :d"), {"d": record_id}).scalars().all()
        remove(conn, [key(DRAFT, record_id), *(key(OPINION, o) for o in opinions)])


def add_survey_batch(conn: Any, batch_id: int) -> int:
    """Index the answers one import file stored (its ``import_batches`` row, counts written); how many.

    The file's answers are the newest ids this connection drew: read CHUNK ids at a time downwards from
    the last (SQLite: max(id), the one writer; PostgreSQL: the sequence's currval in this session — a
    concurrent import's answers in between are passed over by ``batch_id``) until all ``imported`` are
    found. One statement, then two per CHUNK ids, whatever the table holds.
    """
    from sqlalchemy import text

    conn = _conn(conn)
    last = (
        "(SELECT max(id) FROM survey_responses)"
        if conn.dialect.name == "sqlite"
        else "CASE WHEN imported > 0 THEN currval(pg_get_serial_sequence('survey_responses', 'id')) END"
    )
    expected, top = conn.execute(text(f"SELECT imported, {last} FROM import_batches WHERE id = :b"), {"b": batch_id}).one()  # noqa: S608 - constants
    if not expected:
        return 0
    query = text("SELECT id, field_id, text FROM survey_responses WHERE id > :low AND id <= :high AND batch_id = :b ORDER BY id")
    found = 0
    high = int(top)
    while found < expected and high > 0:
        low = max(0, high - CHUNK)
        rows = conn.execute(query, {"low": low, "high": high, "b": batch_id}).all()
        if rows:
            write(conn, [(ANSWER, rid, field, body) for rid, field, body in rows])
            found += len(rows)
        high = low
    if found >= ANALYZE_AFTER and conn.dialect.name == "postgresql":
        # Until PostgreSQL's statistics know the new terms, a common word is ranked from a sort of all its
        # matches (~0.4 s at a million answers) instead of a walk down the key (~10 ms); autovacuum would
        # analyse the table a while later. ~0.2 s once per large file; a role that does not own the table
        # gets a warning from PostgreSQL, not an error.
        conn.execute(text(f"ANALYZE {TERMS}"))
    return found


def remove_answers(session: Any, survey_id: int, batch_id: int | None = None) -> None:
    """Before a survey's answers (of one import batch, or all) are deleted: their terms leave the index.

    SQLite: the FTS5 index keeps a deleted record's terms in its older segments until they are merged;
    ``optimize`` merges them all now (the caller's secure_delete zeroes the freed pages)."""
    from sqlalchemy import text

    conn = _conn(session)
    where = "survey_id = :s" + (" AND batch_id = :b" if batch_id is not None else "")
    answers = f"SELECT id * :span + :kind FROM survey_responses WHERE {where}"  # noqa: S608 - constants
    params = {"s": survey_id, "b": batch_id, "span": SPAN, "kind": ANSWER}
    if conn.dialect.name == "sqlite":
        conn.execute(text(f"DELETE FROM {FTS} WHERE rowid IN ({answers})"), params)  # noqa: S608 - constants
        conn.execute(text(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')"))  # noqa: S608 - a constant
    else:
        conn.execute(text(f"DELETE FROM {TERMS} WHERE key IN ({answers})"), params)  # noqa: S608 - constants


def rebuild(conn: Any) -> int:
    """Fill the empty index from every live record (the upgrade to 0012): CHUNK records per read and write."""
    from sqlalchemy import text

    conn = _conn(conn)
    sources = (
        (
            OPINION,
            "SELECT o.id, d.field_id, o.text FROM opinions o JOIN drafts d ON d.id = o.draft_id "
            "WHERE o.id > :after AND o.voided_at IS NULL AND d.voided_at IS NULL ORDER BY o.id",
        ),
        (DRAFT, "SELECT id, field_id, title FROM drafts WHERE id > :after AND voided_at IS NULL ORDER BY id"),
        (ANSWER, "SELECT id, field_id, text FROM survey_responses WHERE id > :after ORDER BY id"),
    )
    total = 0
    for kind, sql in sources:
        after = 0
        while rows := conn.execute(text(sql + f" LIMIT {CHUNK}"), {"after": after}).all():
            total += write(conn, [(kind, rid, field, body) for rid, field, body in rows])
            after = rows[-1][0]
    return total
