"""Terms of the search index: one tokenizer and stemmer for the index and the query (Suchbegriffe).

A text becomes its terms thus: Unicode NFC (a decomposed "ü" is one letter), split into runs of
letters and digits (anything else separates words: punctuation, hyphens, underscores), case folded
(``casefold``: "ß" -> "ss"), and each word stemmed with the Snowball German stemmer (PyStemmer,
maintained by the Snowball project; its German stemmer maps ä, ö, ü to a, o, u).

The stemmer is applied twice: Snowball takes an "s" after r ("Sprachkurs" -> "sprachkur") but only
one suffix per word ("Sprachkurse" -> "sprachkurs"); a second pass brings both to "sprachkur", so a
query finds the singular and the plural alike. Snowball also keeps the plural -s after a vowel
(Kitas, Autos): a final "s" after a vowel is dropped from a term of more than three letters ("haus"
becomes "hau", with "Häuser" and "Hauses" alike). Index and query share this function, so whatever
it does, it does to both.

Survey answers have a small vocabulary: a word -> term cache makes a word seen before cost one dict
look-up (the import indexes a million answers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, NamedTuple

_WORD = re.compile(r"[^\W_]+")
CACHE_LIMIT = 200_000
"""Words kept in the cache; past it the cache starts afresh (bounded memory on a stream of rare words)."""
MAX_TERM = 64
"""Longer "words" (a pasted hash, a URL without separators) are cut: an index term has a bounded size."""

_VOWELS = frozenset("aeiouy")
_stemmer: Any = None


class _Terms(dict[str, str]):
    """word -> term; a word not seen yet is stemmed once (``__missing__``), so that a text's words are
    mapped in one C-level pass (``map(cache.__getitem__, words)``)."""

    def __missing__(self, word: str) -> str:
        found = _stem_word(word.casefold())
        if len(self) >= CACHE_LIMIT:
            self.clear()
        self[word] = found
        return found


_cache = _Terms()


def _stem_word(word: str) -> str:
    global _stemmer
    if _stemmer is None:
        import Stemmer  # PyStemmer: imported by the commands that search or index, never at start-up

        _stemmer = Stemmer.Stemmer("german")
    once: str = _stemmer.stemWord(word[:MAX_TERM])
    twice: str = _stemmer.stemWord(once)
    if len(twice) > 3 and twice[-1] == "s" and twice[-2] in _VOWELS:
        return twice[:-1]  # the plural -s of loanwords and short forms, which Snowball keeps: Kitas, Autos
    return twice


def term(word: str) -> str:
    """The index term of one word (case folded and stemmed); ``word`` is a run of letters and digits."""
    return _cache[word]


def words(text: str) -> list[str]:
    """The words of ``text`` as written (NFC), in order."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return _WORD.findall(text)


def terms(text: str) -> list[str]:
    """The terms of ``text``, in order (a word twice gives its term twice: positions for phrases)."""
    return list(map(_cache.__getitem__, words(text)))


def document(text: str | None) -> str:
    """The terms of ``text`` as the index stores them: separated by single spaces ("" for no text)."""
    return " ".join(map(_cache.__getitem__, words(text))) if text else ""


def tsvector(text: str | None) -> str:
    """The terms of ``text`` as PostgreSQL's tsvector input: each term quoted, with its positions (1-based).

    Cast with ``::tsvector`` it is taken as it is: no parser, no dictionary (``to_tsvector`` would
    split and fold again). Positions above 16383 are kept by PostgreSQL as 16383.
    """
    if not text:
        return ""
    found = terms(text)
    if len(found) <= 256:
        # Each occurrence as its own entry ("'kita':1 'mehr':2 'kita':3"): PostgreSQL's tsvector input
        # merges the positions of a term itself, so no dict per answer (9 µs instead of 13 µs an answer).
        return " ".join(map(_POSITIONED.format, found, range(1, len(found) + 1)))
    positions: dict[str, list[str]] = {}
    for i, t in enumerate(found, 1):
        positions.setdefault(t, []).append(str(min(i, 16383)))
    return " ".join(f"'{t}':{','.join(p[:256])}" for t, p in positions.items())


_POSITIONED = "'{}':{}"


# --- the query ------------------------------------------------------------------------------


class Query(NamedTuple):
    """A search: every term must occur (AND); each phrase ("…" in the text) must occur as written, in order."""

    terms: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]

    @property
    def wanted(self) -> frozenset[str]:
        """Every term of the query: those marked in a snippet."""
        return frozenset(self.terms) | frozenset(t for p in self.phrases for t in p)


def parse_query(text: str) -> Query:
    """The query typed: words, and phrases in double quotes ("Mehr Sprachkurse"). No terms: an empty Query.

    An unclosed quote is read as if closed at the end; a phrase of one word is a term.
    """
    loose: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for n, part in enumerate(text.replace("„", '"').replace("“", '"').replace("”", '"').split('"')):
        found = terms(part)
        if n % 2 == 1 and len(found) > 1:
            phrases.append(tuple(found))
        else:
            loose.extend(found)
    return Query(tuple(dict.fromkeys(loose)), tuple(dict.fromkeys(phrases)))


def fts5_match(query: Query) -> str:
    """The query as an FTS5 MATCH expression: each term and phrase double-quoted (never FTS5 syntax), ANDed."""
    parts = [f'"{t}"' for t in query.terms] + ['"' + " ".join(p) + '"' for p in query.phrases]
    return " AND ".join(parts)


def tsquery(query: Query) -> str:
    """The query as PostgreSQL tsquery input (cast with ``::tsquery``: taken as it is): terms ANDed, phrases with <->."""
    parts = [f"'{t}'" for t in query.terms] + ["(" + " <-> ".join(f"'{t}'" for t in p) + ")" for p in query.phrases]
    return " & ".join(parts)


# --- the snippet ----------------------------------------------------------------------------


class Piece(NamedTuple):
    """A piece of a snippet: text, and whether it is a hit (a word whose term the query holds)."""

    text: str
    hit: bool


def snippet(text: str, wanted: Iterable[str], *, width: int = 120) -> list[Piece]:
    """The part of ``text`` around its first hit, about ``width`` characters, with every hit in it as its own
    piece; "…" where text is left out. Line breaks become spaces. No hit: the text's beginning."""
    wanted = frozenset(wanted)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text) if term(m.group()) in wanted]
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    if start > 0:  # begin at a word
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    pieces: list[Piece] = []
    if start > 0:
        pieces.append(Piece("…", False))
    at = start
    for s, e in spans:
        if s < start or e > end:
            continue
        if s > at:
            pieces.append(Piece(text[at:s], False))
        pieces.append(Piece(text[s:e], True))
        at = e
    if end > at:
        pieces.append(Piece(text[at:end], False))
    if end < len(text):
        pieces.append(Piece("…", False))
    return pieces


def marked(pieces: Iterable[Piece], before: str = "«", after: str = "»") -> str:
    """The snippet as one text, each hit between ``before`` and ``after``."""
    return "".join(f"{before}{p.text}{after}" if p.hit else p.text for p in pieces)
