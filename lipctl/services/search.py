"""lipctl search: find opinion texts, survey answers and draft titles again (Volltextsuche), issue 19.

A read command: one read-only transaction on the driver alone; it never writes (the writing commands
keep the index current: lipctl.search.index).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lipctl.errors import InvalidInput
from lipctl.i18n import _
from lipctl.process import limits

if TYPE_CHECKING:
    from lipctl.context import Env


def search(env: Env, text: str, *, scope: str | None = None, field: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The records whose text holds every word of ``text`` (stemmed: "Sprachkurse" finds "Sprachkurs"), best first.

    Each row: kind (opinion, answer, draft), id, reference, field, date, snippet (the hits between « and »),
    pieces (the snippet as [text, hit] pairs) and rank (higher is better; comparable within one store).
    """
    from lipctl.search import index
    from lipctl.search import read as found
    from lipctl.search import terms as t
    from lipctl.store.read import definition

    if not text.strip():
        raise InvalidInput(_("the search text is empty"), _("give one or more words, e.g. lipctl search Sprachkurse"))
    limits.check_search_text(text)
    query = t.parse_query(text)
    if not query.terms and not query.phrases:
        raise InvalidInput(
            _("the search text {text!r} holds no word").format(text=text),
            _("search for words: letters or digits"),
        )
    kind = None
    if scope is not None:
        kind = index.SCOPES.get(scope.strip().lower())
        if kind is None:
            raise InvalidInput(
                _("unknown --in {value!r}").format(value=scope),
                _("use one of: {values}").format(values=", ".join(index.SCOPES)),
            )
    limits.check_search_limit(limit)
    with env.reader() as r:
        field_id = None
        if field is not None:
            slug = definition.field_slug(r, field)
            field_id = next(f.id for f in definition.fields(r) if f.slug == slug)
        hits = found.hits(r, query, kind=kind, field_id=field_id, limit=limit)
        readers = {index.OPINION: found.opinions, index.ANSWER: found.answers, index.DRAFT: found.drafts}
        records = {
            k: read(r, [h.id for h in hits if h.kind == k]) for k, read in readers.items() if any(h.kind == k for h in hits)
        }
    wanted = query.wanted
    rows = []
    for hit in hits:
        record = records.get(hit.kind, {}).get(hit.id)
        if record is None:  # pragma: no cover - the index and the records change in the same transactions
            continue
        pieces = t.snippet(record.text, wanted)
        rows.append(
            {
                "kind": index.KIND_NAMES[hit.kind],
                "id": record.id,
                "reference": record.reference,
                "field": record.field,
                "date": record.date,
                "snippet": t.marked(pieces),
                "pieces": [[p.text, p.hit] for p in pieces],
                "rank": hit.rank,
            }
        )
    return rows
