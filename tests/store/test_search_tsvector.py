"""PostgreSQL reads the search index's tsvector text as lipctl means it (lipctl.search.terms.tsvector):
one entry per occurrence is the same tsvector as one entry per term with its positions merged."""

from __future__ import annotations

import psycopg
import pytest

from lipctl.search import terms as t


@pytest.mark.parametrize(
    "text",
    [
        "Mehr Sprachkurse, mehr Kitas",
        "Kita Kita Kita und noch einmal Kita",
        " ".join(["Sprachkurs"] * 300 + ["Kita"]),  # more than 256 positions of one term: the merged form
    ],
)
def test_the_tsvector_text_is_the_merged_tsvector(pg_url: str, text: str) -> None:
    merged: dict[str, list[str]] = {}
    for i, term in enumerate(t.terms(text), 1):
        merged.setdefault(term, []).append(str(min(i, 16383)))
    expected = " ".join(f"'{term}':{','.join(p[:256])}" for term, p in merged.items())
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        same, shown = conn.execute(
            "SELECT %s::tsvector = %s::tsvector, %s::tsvector::text", (t.tsvector(text), expected, t.tsvector(text))
        ).fetchone()  # type: ignore[misc]
    assert same, shown
