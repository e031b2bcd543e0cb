"""Draft versions: which draft a reference names, the versions with their field, decisions, stored documents."""

import datetime as dt
import re
from typing import Any, NamedTuple

from lipctl.errors import InvalidInput, NotFound
from lipctl.i18n import _
from lipctl.process.limits import id_in_range
from lipctl.store.read import definition, status
from lipctl.store.reader import Reader


class Draft(NamedTuple):
    id: int
    field: str  # the action field's slug
    kind: str
    version: int
    state: str
    title: str | None
    state_since: dt.date
    submitted_on: dt.date
    submitted_by: str
    file_name: str | None
    file_size: int | None
    file_sha256: str | None
    field_id: int
    file_copy: str | None


class Decision(NamedTuple):
    """The steering group's decision on a version."""

    outcome: str
    reason: str
    decided_on: dt.date
    without_opinions: bool
    missing_opinions: str | None  # JSON list of body slugs


class Stored(NamedTuple):
    """Where a version's document is kept: chunks in the database (PostgreSQL) or a file copy."""

    size: int
    chunks: int


_DRAFTS = """
    SELECT d.id, f.slug AS field, d.kind, d.version, d.state, d.title, d.state_since, d.submitted_on,
           d.submitted_by, d.file_name, d.file_size, d.file_sha256, d.field_id, d.file_copy
    FROM drafts d JOIN action_fields f ON f.id = d.field_id
"""


def drafts(r: Reader, field: str | None = None, state: str | None = None) -> list[Draft]:
    """Every draft version (of the field with slug ``field``, in ``state``), by field, document and version."""
    where, params = [], {}
    if field is not None:
        where.append("f.slug = :field")
        params["field"] = field
    if state is not None:
        where.append("d.state = :state")
        params["state"] = state
    return _drafts(r, " AND ".join(where), params)


def draft(r: Reader, draft_id: int) -> Draft:
    [found] = _drafts(r, "d.id = :id", {"id": draft_id})
    return found


def _drafts(r: Reader, where: str = "", params: dict[str, Any] | None = None) -> list[Draft]:
    sql = _DRAFTS + (f" WHERE {where}" if where else "") + " ORDER BY f.position, f.id, d.kind, d.version"
    return [Draft(**row) for row in r.rows(sql, params, dates=("state_since", "submitted_on"))]


def _shown_id(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


_REF = re.compile(r"^\s*(?P<field>[^/]+?)\s*/\s*(?P<kind>[^/]+?)\s*$")


def draft_id(r: Reader, ref: str) -> int:
    """The draft named by a numeric id, or by FIELD/KIND for the latest version of that document."""
    text = ref.strip()
    if text.isascii() and text.isdigit():
        # An id beyond the INTEGER column (99999999999999999999999) is unknown on both stores, never sent to them.
        number = id_in_range(text)
        if number is None or not r.column("SELECT id FROM drafts WHERE id = :id", {"id": number}):
            raise NotFound(_("no draft with id {id}").format(id=_shown_id(text)), _("list the drafts with 'lipctl draft list'"))
        return number
    match = _REF.match(text)
    if not match:
        raise InvalidInput(
            _("{ref!r} is not a draft reference").format(ref=ref),
            _("write a numeric id or FIELD/KIND, e.g. bildung/grundsatzpapier"),
        )
    field = next(f for f in definition.fields(r) if f.slug == definition.field_slug(r, match["field"]))
    kind = next(k for k in definition.kinds(r) if k.slug == definition.kind_slug(r, match["kind"]))
    latest = r.column(
        "SELECT id FROM drafts WHERE field_id = :field AND kind = :kind ORDER BY version DESC LIMIT 1",
        {"field": field.id, "kind": kind.slug},
    )
    if not latest:
        raise NotFound(
            _("{field} has no {kind} yet").format(field=field.name, kind=kind.name),
            _("submit one with 'lipctl draft submit {field} --kind {kind}'").format(field=field.slug, kind=kind.slug),
        )
    return int(latest[0])


# The latest version of every document: the status's query (read/status.py), not a second copy of it.
Latest = status.LatestVersion
latest_versions = status.latest_versions


def versions(r: Reader, field_id: int, kind: str) -> dict[int, int]:
    """Every version of one document: version number by draft id."""
    return r.pairs("SELECT id, version FROM drafts WHERE field_id = :field AND kind = :kind", {"field": field_id, "kind": kind})


def decision(r: Reader, draft_id: int) -> Decision | None:
    """The steering group's decision on the version, if any."""
    rows = r.rows(
        "SELECT outcome, reason, decided_on, without_opinions, missing_opinions FROM steering_decisions WHERE draft_id = :id",
        {"id": draft_id},
        dates=("decided_on",),
        flags=("without_opinions",),
    )
    return Decision(**rows[0]) if rows else None


def last_tally(r: Reader, draft_id: int) -> dt.date | None:
    """The day of the latest vote (a resolution that counts) on the version, if any."""
    rows = r.rows(
        "SELECT max(decided_on) AS day FROM resolutions WHERE draft_id = :id AND voided_at IS NULL",
        {"id": draft_id},
        dates=("day",),
    )
    return rows[0].day if rows else None


def considered_surveys(r: Reader, draft_id: int) -> list[str]:
    """The names of the surveys the version says it considered, in the order given."""
    return r.column(
        "SELECT s.name FROM surveys s JOIN draft_surveys ds ON ds.survey_id = s.id WHERE ds.draft_id = :id ORDER BY ds.id",
        {"id": draft_id},
    )


def stored(r: Reader, sha256: str) -> Stored | None:
    """The document of that SHA-256 as stored in the database, if it is."""
    rows = r.rows("SELECT size, chunks FROM documents WHERE sha256 = :s", {"s": sha256})
    return Stored(int(rows[0].size), int(rows[0].chunks)) if rows else None


def chunk(r: Reader, sha256: str, seq: int) -> bytes | None:
    """One chunk of a stored document, or None when it is missing."""
    found = r.column("SELECT data FROM document_chunks WHERE sha256 = :s AND seq = :n", {"s": sha256, "n": seq})
    return bytes(found[0]) if found else None
