"""survey undo / survey delete leave no term of the erased answers in the search index's files.

The index holds each answer's words case folded and stemmed ("ZEBRAMARKER…9" is stored as
"zebramarker…"): that term is what is looked for, as bytes — SQLite: the database file and its WAL;
PostgreSQL: search_terms' heap, TOAST and GIN index files (VACUUM FULL search_terms replaces them).
The patterns of tests/store/test_erasure.py, for the index.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from lipctl.search import terms
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.store.test_erasure import _pg, run, sqlite_bytes


def export(write, marker: str, n: int = 50) -> Path:
    rows = [
        LS_HEADER,
        *(ls_row(str(i), "2020-06-15 14:32:10", "Bildung", "Idee", f"{marker} Antwort {i}") for i in range(1, n + 1)),
    ]
    return write("export.csv", csv_bytes(rows))


def markers() -> tuple[str, bytes, str, bytes]:
    """A word only the erased answers hold, one only the kept answer holds, and their index terms as bytes."""
    gone = f"ZEBRAMARKER{uuid.uuid4().hex}9"
    kept = f"KEEPMARKER{uuid.uuid4().hex}9"
    ((gone_term,), (kept_term,)) = terms.terms(gone), terms.terms(kept)
    assert gone_term.startswith("zebramarker")
    return gone, gone_term.encode(), kept, kept_term.encode()


def search_terms_bytes(pg_url: str) -> bytes:
    with _pg(pg_url) as conn:
        conn.execute("CHECKPOINT")
        paths = [
            row[0]
            for row in conn.execute(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c WHERE c.oid = 'search_terms'::regclass "
                "OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'search_terms'::regclass) "
                "OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'search_terms'::regclass)"
            )
            if row[0] is not None
        ]
        return b"".join(bytes(conn.execute("SELECT pg_read_binary_file(%s)", (p,)).fetchone()[0]) for p in paths)  # type: ignore[index]


@pytest.mark.parametrize("how", ["undo", "delete"])
def test_erased_answers_leave_no_term_in_the_index(db_url: str, seeded, write, how: str) -> None:
    gone, gone_term, kept, kept_term = markers()
    imported = run(seeded, "survey", "import", str(export(write, gone)), "--survey", "Beteiligung 2020")
    other = write("other.csv", csv_bytes([LS_HEADER, ls_row("1", "2020-06-15 14:32:10", "Bildung", "Idee", kept)]))
    run(seeded, "survey", "import", str(other), "--survey", "Jugend")
    on_sqlite = "://" not in db_url

    def stored() -> bytes:
        return sqlite_bytes(db_url) if on_sqlite else search_terms_bytes(db_url)

    assert len(seeded.json("search", gone)) == 20
    assert gone_term in stored()
    if how == "undo":
        data = run(seeded, "survey", "undo", str(imported["files"][0]["batch"]), "--reason", "wrong export")
    else:
        data = run(seeded, "survey", "delete", "Beteiligung 2020", "--reason", "created by mistake")
    assert data["erasure"]["complete"] is True, data
    assert seeded.json("search", gone) == []
    after = stored()
    assert gone_term not in after
    assert kept_term in after  # the other survey's answer is still in the index: the check reads real data
    assert len(seeded.json("search", kept)) == 1
