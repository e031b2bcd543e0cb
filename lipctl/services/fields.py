"""Action fields, their contacts, and the bodies: what the seed put in the store."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from lipctl.process.states import ContactRole, MembershipRole
from lipctl.store import models as m
from lipctl.store import repositories as repo


def _person(contact: m.FieldContact | None, names: dict[int, str]) -> dict[str, Any] | None:
    if contact is None or contact.person_id is None:
        return None
    return {"name": names[contact.person_id], "unit": contact.unit}


def contacts(field: str | None = None) -> list[dict[str, Any]]:
    """Contacts per action field (Ansprechpartner*in, interne und externe Sprecher*in)."""
    from lipctl.context import current

    with current().uow() as uow:
        s = uow.session
        fields = [repo.get_field(s, field)] if field else repo.all_fields(s)
        names = dict(s.execute(select(m.Person.id, m.Person.name)).all())
        by_field: dict[int, dict[ContactRole, m.FieldContact]] = {}
        for c in s.scalars(select(m.FieldContact)):
            by_field.setdefault(c.field_id, {})[c.role] = c
        rows = []
        for f in fields:
            roles = by_field.get(f.id, {})
            contact = roles.get(ContactRole.CONTACT)
            rows.append(
                {
                    "field": f.slug,
                    "field_name": f.name,
                    "field_name_en": f.name_en,
                    "contact": names[contact.person_id] if contact and contact.person_id else None,
                    "contact_title": contact.title if contact else None,
                    "internal_speaker": _person(roles.get(ContactRole.INTERNAL_SPEAKER), names),
                    "external_speaker": _person(roles.get(ContactRole.EXTERNAL_SPEAKER), names),
                }
            )
        return rows


def latest_documents(session: Any) -> dict[int, list[dict[str, Any]]]:
    """Per field id: the latest version of each document, with its state (one query)."""
    latest = (
        select(m.Draft.field_id, m.Draft.kind, func.max(m.Draft.version).label("version"))
        .group_by(m.Draft.field_id, m.Draft.kind)
        .subquery()
    )
    rows = session.execute(
        select(m.Draft.id, m.Draft.field_id, m.Draft.kind, m.Draft.version, m.Draft.state, m.Draft.state_since).join(
            latest,
            (m.Draft.field_id == latest.c.field_id) & (m.Draft.kind == latest.c.kind) & (m.Draft.version == latest.c.version),
        )
    )
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r.field_id, []).append(
            {"id": r.id, "kind": r.kind, "version": r.version, "state": r.state.value, "since": r.state_since}
        )
    return out


def list_fields() -> list[dict[str, Any]]:
    """The action fields with the current stage of each document."""
    from lipctl.context import current

    with current().uow() as uow:
        s = uow.session
        kinds = repo.all_kinds(s)
        docs = latest_documents(s)
        aliases: dict[int, list[str]] = {}
        for fid, alias in s.execute(select(m.FieldAlias.field_id, m.FieldAlias.alias).order_by(m.FieldAlias.id)):
            aliases.setdefault(fid, []).append(alias)
        rows = []
        for f in repo.all_fields(s):
            by_kind = {d["kind"]: d for d in docs.get(f.id, [])}
            rows.append(
                {
                    "slug": f.slug,
                    "name": f.name,
                    "name_en": f.name_en,
                    "aliases": aliases.get(f.id, []),
                    "documents": [
                        {"kind": k.slug, "version": by_kind[k.slug]["version"], "state": by_kind[k.slug]["state"]}
                        if k.slug in by_kind
                        else {"kind": k.slug, "version": None, "state": None}
                        for k in kinds
                    ],
                }
            )
        return rows


def list_bodies() -> list[dict[str, Any]]:
    """The bodies with their seats, rules, chair and part in the process."""
    from lipctl.context import current

    with current().uow() as uow:
        s = uow.session
        rule_sets = {r.id: r for r in s.scalars(select(m.RuleSet))}
        fields = {f.id: f.slug for f in repo.all_fields(s)}
        names = dict(s.execute(select(m.Person.id, m.Person.name)).all())
        cats: dict[int, list[dict[str, Any]]] = {}
        for c in s.scalars(select(m.SeatCategory).order_by(m.SeatCategory.position)):
            cats.setdefault(c.body_id, []).append({"slug": c.slug, "name": c.name, "name_en": c.name_en, "seats": c.seats, "voting": c.voting})
        chairs = {
            ms.body_id: {"name": names[ms.person_id], "title": ms.title}
            for ms in s.scalars(select(m.Membership).where(m.Membership.role == MembershipRole.CHAIR))
        }
        reqs = {r.body_id: r.deadline_days for r in s.scalars(select(m.OpinionRequirement))}
        steps: dict[int, list[str]] = {}
        for st in s.scalars(select(m.DecisionStep).order_by(m.DecisionStep.scope, m.DecisionStep.position)):
            steps.setdefault(st.body_id, []).append(st.scope.value)
        rows = []
        for b in s.scalars(select(m.Body).order_by(m.Body.position, m.Body.id)):
            rs = rule_sets.get(b.rule_set_id) if b.rule_set_id else None
            rows.append(
                {
                    "slug": b.slug,
                    "name": b.name,
                    "name_en": b.name_en,
                    "kind": b.kind,
                    "field": fields.get(b.field_id) if b.field_id else None,
                    "seats": b.seats,
                    "seat_categories": cats.get(b.id, []),
                    "chair": chairs.get(b.id),
                    "rule_set": rs.slug if rs else None,
                    "opinion_required": b.id in reqs,
                    "opinion_deadline_days": reqs.get(b.id),
                    "decides_on": steps.get(b.id, []),
                    "role": b.role,
                }
            )
        return rows
