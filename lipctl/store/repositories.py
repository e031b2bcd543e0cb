"""The small query interface the services use: find things by the names staff type.

A look-up resolves the name once on the read side (lipctl.store.read, through ``Reader.of``, which
flushes the unit of work first so that its own writes count) and then loads the one row the service
changes through the ORM by the resolved key: a single SELECT by a unique key, or none when the
session already holds the row. The refusals (NotFound with the valid names) are the read side's.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.store import models as m
from lipctl.store.read import definition, drafts, surveys
from lipctl.store.reader import Reader


def field_keys(session: Session) -> list[tuple[str, set[str]]]:
    return definition.field_keys(Reader.of(session))


def all_fields(session: Session) -> list[m.ActionField]:
    return list(session.scalars(select(m.ActionField).order_by(m.ActionField.position, m.ActionField.id)))


def get_field(session: Session, query: str) -> m.ActionField:
    """The action field named by slug, name or alias; NotFound lists the valid ones."""
    slug = definition.field_slug(Reader.of(session), query)
    return session.scalars(select(m.ActionField).where(m.ActionField.slug == slug)).one()


def get_body(session: Session, query: str) -> m.Body:
    """The body named by slug, name or alias; NotFound lists the valid ones."""
    slug = definition.body_slug(Reader.of(session), query)
    return session.scalars(select(m.Body).where(m.Body.slug == slug)).one()


def all_kinds(session: Session) -> list[m.DocumentKind]:
    return list(session.scalars(select(m.DocumentKind).order_by(m.DocumentKind.position, m.DocumentKind.id)))


def get_kind(session: Session, query: str) -> m.DocumentKind:
    """The document kind named by slug, name or alias; NotFound lists the valid ones."""
    slug = definition.kind_slug(Reader.of(session), query)
    return session.scalars(select(m.DocumentKind).where(m.DocumentKind.slug == slug)).one()


def all_categories(session: Session) -> list[m.SurveyCategory]:
    return list(session.scalars(select(m.SurveyCategory).order_by(m.SurveyCategory.position, m.SurveyCategory.id)))


def category_keys(session: Session) -> list[tuple[str, set[str]]]:
    return definition.category_keys(Reader.of(session))


def get_draft(session: Session, ref: str) -> m.Draft:
    """A draft by numeric id, or FIELD/KIND for the latest version of that document."""
    draft = session.get(m.Draft, drafts.draft_id(Reader.of(session), ref))
    assert draft is not None
    return draft


def get_survey(session: Session, name: str) -> m.Survey:
    """The survey of that name (any case); NotFound names the known ones."""
    survey = session.get(m.Survey, surveys.survey(Reader.of(session), name).id)
    assert survey is not None
    return survey


def process_info(session: Session) -> dict[str, str | None]:
    return definition.process_info(Reader.of(session))
