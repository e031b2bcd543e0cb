"""The small query interface the services use: find things by the names staff type."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.errors import InvalidInput, NotFound
from lipctl.i18n import _
from lipctl.process.names import find, match_keys
from lipctl.store import models as m
from lipctl.store import queries
from lipctl.store.reader import Reader


def field_keys(session: Session) -> list[tuple[str, set[str]]]:
    return queries.field_keys(Reader.of(session))


def all_fields(session: Session) -> list[m.ActionField]:
    return list(session.scalars(select(m.ActionField).order_by(m.ActionField.position, m.ActionField.id)))


def get_field(session: Session, query: str) -> m.ActionField:
    """The action field named by slug, name or alias; NotFound lists the valid ones."""
    slug = queries.field_slug(Reader.of(session), query)
    return session.scalars(select(m.ActionField).where(m.ActionField.slug == slug)).one()


def body_keys(session: Session) -> list[tuple[str, set[str]]]:
    aliases: dict[int, list[str]] = {}
    for body_id, alias in session.execute(select(m.BodyAlias.body_id, m.BodyAlias.alias)):
        aliases.setdefault(body_id, []).append(alias)
    bodies = session.scalars(select(m.Body).order_by(m.Body.position, m.Body.id))
    return [(b.slug, match_keys(b.slug, b.name, aliases.get(b.id, []) + ([b.name_en] if b.name_en else []))) for b in bodies]


def get_body(session: Session, query: str) -> m.Body:
    keys = body_keys(session)
    slug = find(query, keys)
    if slug is None:
        raise NotFound(
            _("no body {name!r}").format(name=query),
            _("valid: {choices}").format(choices=", ".join(s for s, _k in keys)),
        )
    return session.scalars(select(m.Body).where(m.Body.slug == slug)).one()


def all_kinds(session: Session) -> list[m.DocumentKind]:
    return list(session.scalars(select(m.DocumentKind).order_by(m.DocumentKind.position, m.DocumentKind.id)))


def get_kind(session: Session, query: str) -> m.DocumentKind:
    kinds = all_kinds(session)
    slug = find(query, [(k.slug, match_keys(k.slug, k.name, queries.aliases_text(k.aliases) + ([k.name_en] if k.name_en else []))) for k in kinds])
    if slug is None:
        raise NotFound(
            _("no document kind {name!r}").format(name=query),
            _("valid: {choices}").format(choices=", ".join(k.slug for k in kinds)),
        )
    return next(k for k in kinds if k.slug == slug)


def all_categories(session: Session) -> list[m.SurveyCategory]:
    return list(session.scalars(select(m.SurveyCategory).order_by(m.SurveyCategory.position, m.SurveyCategory.id)))


def category_keys(session: Session) -> list[tuple[str, set[str]]]:
    return [
        (c.slug, match_keys(c.slug, c.name, queries.aliases_text(c.aliases) + ([c.name_en] if c.name_en else [])))
        for c in all_categories(session)
    ]


_REF = re.compile(r"^\s*(?P<field>[^/]+?)\s*/\s*(?P<kind>[^/]+?)\s*$")


def get_draft(session: Session, ref: str) -> m.Draft:
    """A draft by numeric id, or FIELD/KIND for the latest version of that document."""
    text = ref.strip()
    if text.isdigit():
        draft = session.get(m.Draft, int(text))
        if draft is None:
            raise NotFound(_("no draft with id {id}").format(id=text), _("list the drafts with 'lipctl draft list'"))
        return draft
    match = _REF.match(text)
    if not match:
        raise InvalidInput(
            _("{ref!r} is not a draft reference").format(ref=ref),
            _("write a numeric id or FIELD/KIND, e.g. bildung/grundsatzpapier"),
        )
    field = get_field(session, match["field"])
    kind = get_kind(session, match["kind"])
    draft = session.scalars(
        select(m.Draft).where(m.Draft.field_id == field.id, m.Draft.kind == kind.slug).order_by(m.Draft.version.desc()).limit(1)
    ).first()
    if draft is None:
        raise NotFound(
            _("{field} has no {kind} yet").format(field=field.name, kind=kind.name),
            _("submit one with 'lipctl draft submit {field} --kind {kind}'").format(field=field.slug, kind=kind.slug),
        )
    return draft


def get_survey(session: Session, name: str) -> m.Survey:
    """The survey of that name (any case); NotFound names the known ones."""
    survey = session.get(m.Survey, queries.survey(Reader.of(session), name).id)
    assert survey is not None
    return survey


def process_info(session: Session) -> dict[str, str | None]:
    return dict(session.execute(select(m.ProcessInfo.key, m.ProcessInfo.value)).all())
