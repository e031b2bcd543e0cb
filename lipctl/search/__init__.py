"""Full-text search (Volltextsuche) over opinion texts, survey answers and draft titles (issue 19).

- ``terms``: the one tokenizer and German stemmer (Snowball, through PyStemmer) for the index and
  the query, and the snippet with the hits marked — plain Python, no database.
- ``index``: keeping the index current, called by the writing commands (survey import, opinion
  record, draft submit, withdrawals, survey undo/delete) inside their unit of work.
- ``read``: the query, on the read commands' bare driver connection (lipctl.store.reader).

Both stores hold the same stemmed terms: SQLite in the FTS5 table ``search_fts`` (unicode61, no
stemming of its own, bm25), PostgreSQL in ``search_terms.terms``, a tsvector built from the terms
as they are (no parser, no dictionary) under a GIN index (ts_rank). So both match the same sets.
"""
