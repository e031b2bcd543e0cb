"""The small query interface the services use: find things by the names staff type.

A look-up resolves the name once on the read side (lipctl.store.read, through ``Reader.of``, which
flushes the unit of work first so that its own writes count) and then loads the one row the service
changes through the ORM by the resolved key: a single SELECT by a unique key, or none when the
session already holds the row. The refusals (NotFound with the valid names) are the read side's.

Below the look-ups: the ORM loads of the rows a write changes or locks (a document's versions, the
Beratungsfolge), and ``reader(session)``, the read side inside the unit of work, for what a write
shows: services never build a query or a ``Reader`` themselves.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.process.states import DecisionScope, ResolutionResult
from lipctl.store import models as m
from lipctl.store.read import definition, drafts, status, surveys
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


def person(session: Session, name: str) -> m.Person:
    """The person of this name, added (and flushed, so it has its id) where there is none yet."""
    found = session.scalars(select(m.Person).where(m.Person.name == name)).first()
    if found is None:
        found = m.Person(name=name)
        session.add(found)
        session.flush()
    return found


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


def reader(session: Session) -> Reader:
    """The read side inside this unit of work (its own writes flushed first): for what a write shows."""
    return Reader.of(session)


# --- drafts -------------------------------------------------------------------------------


def latest_for_update(session: Session, field_id: int | None, kind: str) -> m.Draft | None:
    """The latest version of a field's document, its row locked for this transaction (None: the first one)."""
    return session.scalars(
        select(m.Draft)
        .where(m.Draft.field_id == field_id, m.Draft.kind == kind)
        .order_by(m.Draft.version.desc())
        .limit(1)
        .with_for_update()
    ).first()


def latest_live(session: Session, field_id: int | None, kind: str) -> m.Draft | None:
    """The latest version of a field's document that was not withdrawn (None: there is none)."""
    return session.scalars(
        select(m.Draft)
        .where(m.Draft.field_id == field_id, m.Draft.kind == kind, m.Draft.voided_at.is_(None))
        .order_by(m.Draft.version.desc())
        .limit(1)
    ).first()


def other_versions(session: Session, draft: m.Draft) -> list[m.Draft]:
    """Every other live (not withdrawn) version of the draft's document, oldest first."""
    return list(
        session.scalars(
            select(m.Draft)
            .where(
                m.Draft.field_id == draft.field_id,
                m.Draft.kind == draft.kind,
                m.Draft.id != draft.id,
                m.Draft.voided_at.is_(None),
            )
            .order_by(m.Draft.version)
        )
    )


def document_for_update(session: Session, field_id: int | None, kind: str) -> list[m.Draft]:
    """Every version of a field's document (withdrawn ones too), oldest first, their rows locked for this
    transaction: a correction computes the document's states again while nobody records on it."""
    return list(
        session.scalars(
            select(m.Draft).where(m.Draft.field_id == field_id, m.Draft.kind == kind).order_by(m.Draft.version).with_for_update()
        )
    )


def adopted_documents(session: Session) -> set[tuple[int, str]]:
    """(field id, kind) of every document with a committee-adopted version (the status's query, read/status.py)."""
    return {(d.field_id, d.kind) for d in status.adopted_documents(Reader.of(session))}


# --- the Beratungsfolge -------------------------------------------------------------------


def decision_chain(session: Session, scope: DecisionScope) -> list[m.Body]:
    """The bodies that decide on the scope, in the order of the Beratungsfolge."""
    steps = session.scalars(select(m.DecisionStep).where(m.DecisionStep.scope == scope).order_by(m.DecisionStep.position))
    return [session.get(m.Body, step.body_id) for step in steps]  # type: ignore[misc]


def adopting_bodies(session: Session, scope: DecisionScope, draft_id: int | None) -> set[int]:
    """The ids of the bodies that have adopted the draft (or, with None, the plan); a voided resolution does not count."""
    return set(
        session.scalars(
            select(m.Resolution.body_id).where(
                m.Resolution.scope == scope,
                m.Resolution.draft_id == draft_id if draft_id is not None else m.Resolution.draft_id.is_(None),
                m.Resolution.result == ResolutionResult.ADOPTED,
                m.Resolution.voided_at.is_(None),
            )
        )
    )


def lock_plan_chain(session: Session) -> None:
    """Lock the plan's decision steps for this transaction: one plan tally at a time."""
    session.execute(select(m.DecisionStep.id).where(m.DecisionStep.scope == DecisionScope.PLAN).with_for_update()).all()
