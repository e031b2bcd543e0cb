"""Read queries on the process definition (fields, document kinds, bodies), through a Reader.

Plain SQL on the tables of lipctl.store.models, so that the read commands need no SQLAlchemy;
the repositories use the same functions inside a unit of work (``Reader.of(session)``).
"""

from __future__ import annotations

import re
from typing import Any

from lipctl.errors import InvalidInput, NotFound
from lipctl.i18n import _
from lipctl.process.limits import id_in_range
from lipctl.process.names import find, match_keys
from lipctl.store.reader import Reader, Row


def _aliases_text(text: str | None) -> list[str]:
    """Aliases stored newline-separated in one column."""
    return [a for a in (text or "").split("\n") if a]


def fields(r: Reader) -> list[Row]:
    return r.rows("SELECT id, slug, name, name_en, position FROM action_fields ORDER BY position, id")


def field_aliases(r: Reader) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for row in r.rows("SELECT field_id, alias FROM field_aliases ORDER BY id"):
        out.setdefault(row.field_id, []).append(row.alias)
    return out


def _keys(rows: list[Row], aliases: dict[int, list[str]] | None = None) -> list[tuple[str, set[str]]]:
    """Each row's slug with the names staff may type for it: slug, name, aliases, English name.

    Aliases come from an alias table (``aliases``: id -> names) or from the row's own
    newline-separated ``aliases`` column."""
    return [
        (
            row.slug,
            match_keys(
                row.slug,
                row.name,
                (aliases.get(row.id, []) if aliases is not None else _aliases_text(row.aliases))
                + ([row.name_en] if row.name_en else []),
            ),
        )
        for row in rows
    ]


def field_keys(r: Reader) -> list[tuple[str, set[str]]]:
    """Every field's slug with the names staff may type for it (slug, name, aliases, English name)."""
    return _keys(fields(r), field_aliases(r))


def _lookup(query: str, keys: list[tuple[str, set[str]]], missing: str) -> str:
    """The slug whose keys match ``query``; NotFound (``missing``) lists the valid slugs."""
    slug = find(query, keys)
    if slug is None:
        raise NotFound(missing, _("valid: {choices}").format(choices=", ".join(s for s, _k in keys)))
    return slug


def field_slug(r: Reader, query: str) -> str:
    """The slug of the action field named by slug, name or alias; NotFound lists the valid ones."""
    return _lookup(query, field_keys(r), _("no action field {name!r}").format(name=query))


def kinds(r: Reader) -> list[Row]:
    return r.rows("SELECT id, slug, name, name_en, aliases, position FROM document_kinds ORDER BY position, id")


def kind_slug(r: Reader, query: str) -> str:
    """The slug of the document kind named by slug, name or alias; NotFound lists the valid ones."""
    return _lookup(query, _keys(kinds(r)), _("no document kind {name!r}").format(name=query))


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
    field = next(f for f in fields(r) if f.slug == field_slug(r, match["field"]))
    kind = next(k for k in kinds(r) if k.slug == kind_slug(r, match["kind"]))
    latest = r.column(
        "SELECT id FROM drafts WHERE field_id = :field AND kind = :kind ORDER BY version DESC LIMIT 1",
        {"field": field.id, "kind": kind.slug},
    )
    if not latest:
        raise NotFound(
            _("{field} has no {kind} yet").format(field=field.name, kind=kind.name),
            _("submit one with 'lipctl draft submit {field} --kind {kind}'").format(field=field.slug, kind=kind.slug),
        )
    return latest[0]


def latest_versions(r: Reader) -> list[Row]:
    """The latest version of every document (at most fields × kinds rows), by the (field, kind, version) index."""
    return r.rows(
        """
        SELECT d.id, d.field_id, d.kind, d.version, d.state, d.state_since, d.submitted_on
        FROM drafts d
        JOIN (SELECT field_id, kind, max(version) AS version FROM drafts GROUP BY field_id, kind) latest
          ON d.field_id = latest.field_id AND d.kind = latest.kind AND d.version = latest.version
        """,
        dates=("state_since", "submitted_on"),
    )


def opinion_requirements(r: Reader) -> list[tuple[str, int]]:
    """The bodies whose opinion every draft needs, with their deadline in days (seed.yaml)."""
    rows = r.rows(
        """
        SELECT b.slug, q.deadline_days FROM opinion_requirements q JOIN bodies b ON b.id = q.body_id
        ORDER BY q.position, q.id
        """
    )
    return [(row.slug, row.deadline_days) for row in rows]


def received_opinions(r: Reader, draft_id: int) -> list[str]:
    """Slugs of the bodies that have given an opinion on the draft."""
    return r.column(
        "SELECT DISTINCT b.slug FROM opinions o JOIN bodies b ON b.id = o.body_id WHERE o.draft_id = :draft ORDER BY b.slug",
        {"draft": draft_id},
    )


def bodies(r: Reader) -> list[Row]:
    return r.rows(
        "SELECT id, slug, name, name_en, kind, role, field_id, rule_set_id, seats, position FROM bodies ORDER BY position, id"
    )


def categories(r: Reader) -> list[Row]:
    return r.rows("SELECT id, slug, name, name_en, aliases, position FROM survey_categories ORDER BY position, id")


def category_keys(r: Reader) -> list[tuple[str, set[str]]]:
    """Every survey category's slug with the names an export may use for it."""
    return _keys(categories(r))


def survey(r: Reader, name: str) -> Row:
    """The survey of that name (any case); NotFound names the known ones."""
    wanted = name.strip().lower()
    # A name no survey can have (a NUL, bytes that are not UTF-8) is not sent to the store: PostgreSQL refuses a NUL.
    ok = "\x00" not in wanted and wanted.encode("utf-8", "replace").decode("utf-8") == wanted
    found = r.rows("SELECT id, name FROM surveys WHERE lower(name) = :name ORDER BY id", {"name": wanted}) if ok else []
    if not found:
        names = r.column("SELECT name FROM surveys ORDER BY name")
        raise NotFound(
            _("no survey {name!r}").format(name=name),
            _("known surveys: {names}").format(names=", ".join(names)) if names else _("import one with 'lipctl survey import'"),
        )
    return found[0]


def body_slug(r: Reader, query: str) -> str:
    """The slug of the body named by slug, name or alias; NotFound lists the valid ones."""
    aliases: dict[int, list[str]] = {}
    for row in r.rows("SELECT body_id, alias FROM body_aliases ORDER BY id"):
        aliases.setdefault(row.body_id, []).append(row.alias)
    return _lookup(query, _keys(bodies(r), aliases), _("no body {name!r}").format(name=query))


def people(r: Reader) -> dict[int, str]:
    return r.pairs("SELECT id, name FROM people")


def process_info(r: Reader) -> dict[str, Any]:
    return r.pairs("SELECT key, value FROM process_info")
