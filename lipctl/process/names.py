"""Matching names the way staff type them: slug, name or alias, case-insensitive."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_VACANT = {"n.n.", "nn", "n. n."}


def is_vacant(name: str) -> bool:
    """Whether ``name`` is the way the seed and the office write a vacant post: N.n. (nomen nominandum)."""
    return name.lower() in _VACANT


def fold(text: str) -> str:
    """A key for case-insensitive comparison: casefolded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def slugify(text: str) -> str:
    """A slug from a German name: 'Stadtverwaltung und Diversität' -> 'stadtverwaltung-und-diversitaet'."""
    text = unicodedata.normalize("NFC", text).lower().translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def match_keys(slug: str, name: str, aliases: Iterable[str] = ()) -> set[str]:
    """Every spelling under which a thing may be named."""
    keys = {fold(slug), fold(name), slugify(name)}
    for alias in aliases:
        keys.add(fold(alias))
        keys.add(slugify(alias))
    return keys


def find(query: str, candidates: Iterable[tuple[str, set[str]]]) -> str | None:
    """The slug whose keys contain the query (folded or slugified), or None."""
    wanted = {fold(query), slugify(query)}
    for slug, keys in candidates:
        if wanted & keys:
            return slug
    return None
