"""lipctl.search.terms: the one tokenizer and German stemmer of the index and the query, and the snippet.

No database: what a text becomes (its terms) decides what a query finds on both stores alike.
"""

from __future__ import annotations

import pytest

from lipctl.search import terms as t


@pytest.mark.parametrize(
    "forms",
    [
        ("Sprachkurs", "Sprachkurse", "Sprachkursen", "Sprachkurses", "SPRACHKURS"),
        ("Kurs", "Kurse", "Kursen"),
        ("Angebot", "Angebote", "Angeboten", "Angebots"),
        ("Haus", "Häuser", "Hauses", "HÄUSER"),
        ("Übung", "Übungen", "übungen", "Uebung".replace("Ue", "Ü")),
        ("Straße", "Strasse", "STRASSE", "Straßen"),
        ("Mütter", "Mutter"),
        ("Integration", "integration"),
        ("Kita", "Kitas", "KITAS"),
        ("Auto", "Autos"),
    ],
    ids=lambda forms: forms[0],
)
def test_inflected_forms_share_one_term(forms: tuple[str, ...]) -> None:
    assert len({t.term(word) for word in forms}) == 1, {w: t.term(w) for w in forms}


def test_different_words_keep_different_terms() -> None:
    assert t.term("Sprachkurs") != t.term("Sprache")
    assert t.term("Anerkennung") != t.term("Anerkennungsverfahren")


def test_a_text_is_split_at_everything_but_letters_and_digits() -> None:
    assert t.terms("Mehr Sprachkurse! (Kita-Plätze, 2020; e_mail)") == ["mehr", "sprachkur", "kita", "platz", "2020", "e", "mail"]
    assert t.terms("") == []
    assert t.terms("?! -- «»") == []


def test_a_decomposed_umlaut_is_the_composed_one() -> None:
    decomposed = "Mu\u0308tter"
    assert t.terms(decomposed) == t.terms("Mütter") == [t.term("Mutter")]


def test_case_is_folded() -> None:
    assert t.terms("STRASSE") == t.terms("straße") == t.terms("Straße")


def test_a_very_long_word_gives_a_bounded_term() -> None:
    assert len(t.term("x" * 10_000)) <= t.MAX_TERM


def test_the_cache_gives_the_same_terms_and_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(t, "CACHE_LIMIT", 5)
    monkeypatch.setattr(t, "_cache", t._Terms())
    words = [f"wort{i}e" for i in range(20)]
    first = [t.term(w) for w in words]
    assert len(t._cache) <= 5
    assert [t.term(w) for w in words] == first


def test_document_and_tsvector_hold_the_same_terms() -> None:
    text = "Mehr Sprachkurse, mehr Kitas"
    assert t.document(text) == "mehr sprachkur mehr kita"
    # each occurrence its own entry: PostgreSQL merges a term's positions on input (tests/store/test_search_tsvector.py)
    assert t.tsvector(text) == "'mehr':1 'sprachkur':2 'mehr':3 'kita':4"
    assert t.document(None) == t.tsvector(None) == ""


def test_the_query_requires_every_term_and_keeps_phrases() -> None:
    q = t.parse_query('Kita "mehr Sprachkurse" kita')
    assert q.terms == ("kita",)
    assert q.phrases == (("mehr", "sprachkur"),)
    assert t.fts5_match(q) == '"kita" AND "mehr sprachkur"'
    assert t.tsquery(q) == "'kita' & ('mehr' <-> 'sprachkur')"
    assert q.wanted == {"kita", "mehr", "sprachkur"}


def test_a_phrase_of_one_word_is_a_term_and_typographic_quotes_count() -> None:
    assert t.parse_query('"Sprachkurse"') == t.Query(("sprachkur",), ())
    assert t.parse_query("„mehr Kitas“").phrases == (("mehr", "kita"),)
    assert t.parse_query('"mehr Kitas').phrases == (("mehr", "kita"),)  # unclosed: closed at the end


def test_a_query_of_no_word_is_empty() -> None:
    assert t.parse_query(' "" ?! ') == t.Query((), ())


def test_the_snippet_marks_every_inflected_hit() -> None:
    pieces = t.snippet("Mehr Sprachkurse; ein Sprachkurs reicht nicht", {"sprachkur"})
    assert t.marked(pieces) == "Mehr «Sprachkurse»; ein «Sprachkurs» reicht nicht"
    assert t.marked(pieces, "**", "**") == "Mehr **Sprachkurse**; ein **Sprachkurs** reicht nicht"


def test_the_snippet_of_a_long_text_is_cut_at_words_around_the_first_hit() -> None:
    text = " ".join(f"wort{i}" for i in range(100)) + " Sprachkurse " + " ".join(f"rest{i}" for i in range(100))
    shown = t.marked(t.snippet(text, {"sprachkur"}, width=60))
    assert (shown.startswith("… wort") and shown.endswith(" …")) or shown.endswith("…")
    assert "«Sprachkurse»" in shown
    assert len(shown) <= 64
    assert "  " not in shown


def test_the_snippet_without_a_hit_is_the_beginning() -> None:
    assert t.marked(t.snippet("Kurz\nund  gut", {"x"})) == "Kurz und gut"
