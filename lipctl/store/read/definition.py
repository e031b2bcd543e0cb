"""The process definition the seed put in the store: action fields, document kinds, bodies, contacts, categories.

The look-ups by the names staff type (slug, name, alias, English name) raise NotFound with the
valid choices; they serve the read commands and, through ``Reader.of(session)``, the writing ones.
"""

from typing import Any, NamedTuple

from lipctl.errors import NotFound
from lipctl.i18n import _
from lipctl.process import addresses
from lipctl.process.names import find, match_keys
from lipctl.process.states import DecisionScope
from lipctl.store.reader import Reader


class Field(NamedTuple):
    id: int
    slug: str
    name: str
    name_en: str | None
    position: int


class Kind(NamedTuple):
    id: int
    slug: str
    name: str
    name_en: str | None
    aliases: str | None
    position: int


class Body(NamedTuple):
    id: int
    slug: str
    name: str
    name_en: str | None
    kind: str
    role: str | None
    field_id: int | None
    rule_set_id: int | None
    seats: int | None
    position: int
    email: str | None = None  # issue 18: where reminders go, and their language
    language: str = addresses.DEFAULT_LANGUAGE


class Category(NamedTuple):
    id: int
    slug: str
    name: str
    name_en: str | None
    aliases: str | None
    position: int


class Contact(NamedTuple):
    field_id: int
    role: str
    person_id: int | None
    unit: str | None
    title: str | None
    email: str | None = None  # issue 18: the contact's (role 'contact') address and phone
    phone: str | None = None


class SeatCategory(NamedTuple):
    body_id: int
    slug: str
    name: str
    name_en: str | None
    seats: int | None
    voting: bool | None


class Member(NamedTuple):
    body_id: int
    person_id: int
    title: str | None


class DecisionStep(NamedTuple):
    """One body of a Beratungsfolge (decision chain); the rows come in order of ``position``."""

    body_id: int
    scope: DecisionScope


def _aliases_text(text: str | None) -> list[str]:
    """Aliases stored newline-separated in one column."""
    return [a for a in (text or "").split("\n") if a]


def fields(r: Reader) -> list[Field]:
    return [Field(**row) for row in r.rows("SELECT id, slug, name, name_en, position FROM action_fields ORDER BY position, id")]


def _alias_table(r: Reader, sql: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for owner, alias in (tuple(row.values()) for row in r.rows(sql)):
        out.setdefault(owner, []).append(alias)
    return out


def field_aliases(r: Reader) -> dict[int, list[str]]:
    return _alias_table(r, "SELECT field_id, alias FROM field_aliases ORDER BY id")


def _keys(rows: list[Any], aliases: dict[int, list[str]] | None = None) -> list[tuple[str, set[str]]]:
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


def kinds(r: Reader) -> list[Kind]:
    return [
        Kind(**row)
        for row in r.rows("SELECT id, slug, name, name_en, aliases, position FROM document_kinds ORDER BY position, id")
    ]


def kind_slug(r: Reader, query: str) -> str:
    """The slug of the document kind named by slug, name or alias; NotFound lists the valid ones."""
    return _lookup(query, _keys(kinds(r)), _("no document kind {name!r}").format(name=query))


def bodies(r: Reader) -> list[Body]:
    return [
        Body(**row)
        for row in r.rows(
            "SELECT id, slug, name, name_en, kind, role, field_id, rule_set_id, seats, position, email, language"
            " FROM bodies ORDER BY position, id"
        )
    ]


def body_slug(r: Reader, query: str) -> str:
    """The slug of the body named by slug, name or alias; NotFound lists the valid ones."""
    aliases = _alias_table(r, "SELECT body_id, alias FROM body_aliases ORDER BY id")
    return _lookup(query, _keys(bodies(r), aliases), _("no body {name!r}").format(name=query))


def categories(r: Reader) -> list[Category]:
    return [
        Category(**row)
        for row in r.rows("SELECT id, slug, name, name_en, aliases, position FROM survey_categories ORDER BY position, id")
    ]


def category_keys(r: Reader) -> list[tuple[str, set[str]]]:
    """Every survey category's slug with the names an export may use for it."""
    return _keys(categories(r))


def people(r: Reader) -> dict[int, str]:
    """Every person's name by id."""
    return r.pairs("SELECT id, name FROM people")


def process_info(r: Reader) -> dict[str, Any]:
    return r.pairs("SELECT key, value FROM process_info")


def contacts(r: Reader) -> list[Contact]:
    """The contacts of every action field (one row per field and role)."""
    return [Contact(**row) for row in r.rows("SELECT field_id, role, person_id, unit, title, email, phone FROM field_contacts")]


def rule_sets(r: Reader) -> dict[int, str]:
    """Every rule set's slug by id."""
    return r.pairs("SELECT id, slug FROM rule_sets")


def seat_categories(r: Reader) -> list[SeatCategory]:
    return [
        SeatCategory(**row)
        for row in r.rows(
            "SELECT body_id, slug, name, name_en, seats, voting FROM seat_categories ORDER BY position, id", flags=("voting",)
        )
    ]


def members(r: Reader, role: str) -> list[Member]:
    """The memberships of one role (e.g. the chairs), in the order they were stored."""
    return [
        Member(**row)
        for row in r.rows("SELECT body_id, person_id, title FROM memberships WHERE role = :role ORDER BY id", {"role": role})
    ]


def opinion_deadlines(r: Reader) -> dict[int, int]:
    """The deadline in days of every body whose opinion a draft needs, by body id."""
    return r.pairs("SELECT body_id, deadline_days FROM opinion_requirements")


def decision_steps(r: Reader) -> list[DecisionStep]:
    """Both Beratungsfolgen (document and plan), each in order."""
    return [
        DecisionStep(row.body_id, DecisionScope(row.scope))
        for row in r.rows("SELECT body_id, scope FROM decision_steps ORDER BY scope, position")
    ]


def seat_history(r: Reader) -> dict[int, list[tuple[Any, int]]]:
    """Each body's recorded seat counts (``body edit --seats``): (from-date, seats), for the day's number."""
    from lipctl.store.reader import as_date

    out: dict[int, list[tuple[Any, int]]] = {}
    for row in r.rows("SELECT body_id, since, seats FROM body_seats ORDER BY body_id, since"):
        out.setdefault(row.body_id, []).append((as_date(row.since), row.seats))
    return out


def roster_terms(r: Reader) -> dict[int, list[tuple[str, bool, Any, Any]]]:
    """Each body's memberships as (person, voting, since, until), for the voting members on a day."""
    from lipctl.store.reader import as_date

    out: dict[int, list[tuple[str, bool, Any, Any]]] = {}
    rows = r.rows(
        "SELECT ms.body_id, p.name, ms.voting, ms.since, ms.until FROM memberships ms"
        " JOIN people p ON p.id = ms.person_id ORDER BY ms.body_id, ms.id",
        flags=("voting",),
    )
    for row in rows:
        out.setdefault(row.body_id, []).append((row.name, row.voting, as_date(row.since), as_date(row.until)))
    return out


# --- addresses (issue 18, revision 0009, helper "contacts"): where reminders go -------------------


class BodyAddress(NamedTuple):
    """A body's e-mail address (None: none known) and the language its mail is written in (``de``, ``en``)."""

    body_id: int
    slug: str
    email: str | None
    language: str


class ContactAddress(NamedTuple):
    """A field's contact (Ansprechpartner*in): name, e-mail address and phone (None where vacant or not known)."""

    field_id: int
    field: str
    name: str | None
    email: str | None
    phone: str | None


def body_addresses(r: Reader) -> dict[str, BodyAddress]:
    """Every body's address and language, by slug (one query)."""
    rows = r.rows("SELECT id AS body_id, slug, email, language FROM bodies ORDER BY position, id")
    return {row.slug: BodyAddress(row.body_id, row.slug, row.email, row.language or addresses.DEFAULT_LANGUAGE) for row in rows}


def contact_addresses(r: Reader) -> dict[str, ContactAddress]:
    """Every action field's contact with address and phone, by field slug (one query)."""
    rows = r.rows(
        "SELECT f.id AS field_id, f.slug, p.name, c.email, c.phone FROM action_fields f"
        " LEFT JOIN field_contacts c ON c.field_id = f.id AND c.role = 'contact'"
        " LEFT JOIN people p ON p.id = c.person_id ORDER BY f.position, f.id"
    )
    return {row.slug: ContactAddress(row.field_id, row.slug, row.name, row.email, row.phone) for row in rows}
