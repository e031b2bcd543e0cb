"""the search index (Suchindex) over opinion texts, survey answers and draft titles

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

Issue 19, ``lipctl search``. Both stores hold the same terms — each word case folded and stemmed
by lipctl.search.terms (Snowball German, in Python: FTS5 has no German stemmer) — keyed by
``id * 4 + kind`` (1 opinion, 2 survey answer, 3 draft title), with the record's action field:

- SQLite: the FTS5 table ``search_fts(terms, field UNINDEXED)`` with the unicode61 tokenizer without
  diacritics removal (the terms are stemmed already; it only splits them at the spaces), ranked by bm25.
  FTS5 keeps it in its shadow tables search_fts_data, _idx, _content, _docsize and _config.
- PostgreSQL: the table ``search_terms(key, field_id, terms tsvector)`` with a GIN index; the
  tsvector is cast from the terms as they are (no parser, no dictionary), ranked by ts_rank.

The upgrade fills the index from every live record (withdrawn opinions and versions are not
found), CHUNK records per read and per write, through the same lipctl.search.index.write the
commands use. It changes no row of any other table. The downgrade drops the index.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from lipctl.search import index

    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {index.FTS} USING fts5("
            "terms, field UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')"
        )
    else:
        conn.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {index.TERMS} (key bigint PRIMARY KEY, field_id integer, terms tsvector NOT NULL)"
        )
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{index.TERMS}_terms ON {index.TERMS} USING gin (terms)")
    index.rebuild(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {index.TERMS}")  # the planner's statistics of the new terms (see read.hits)


def downgrade() -> None:
    from lipctl.search import index

    conn = op.get_bind()
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {index.FTS if conn.dialect.name == 'sqlite' else index.TERMS}")
