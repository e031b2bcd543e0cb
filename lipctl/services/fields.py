"""Action fields, their contacts, and the bodies: what the seed put in the store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lipctl.process.states import ContactRole, MembershipRole
from lipctl.store.read import definition

if TYPE_CHECKING:
    from lipctl.context import Env
    from lipctl.store.read.drafts import Latest


def _person(contact: definition.Contact | None, names: dict[int, str]) -> dict[str, Any] | None:
    if contact is None or contact.person_id is None:
        return None
    return {"name": names[contact.person_id], "unit": contact.unit}


def contacts(env: Env, field: str | None = None) -> list[dict[str, Any]]:
    """Contacts per action field (Ansprechpartner*in, interne und externe Sprecher*in)."""

    with env.reader() as r:
        fields = definition.fields(r)
        if field:
            slug = definition.field_slug(r, field)
            fields = [f for f in fields if f.slug == slug]
        names = definition.people(r)
        by_field: dict[int, dict[ContactRole, definition.Contact]] = {}
        for c in definition.contacts(r):
            by_field.setdefault(c.field_id, {})[ContactRole(c.role)] = c
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
                    "contact_email": contact.email if contact else None,  # issue 18
                    "contact_phone": contact.phone if contact else None,
                    "internal_speaker": _person(roles.get(ContactRole.INTERNAL_SPEAKER), names),
                    "external_speaker": _person(roles.get(ContactRole.EXTERNAL_SPEAKER), names),
                }
            )
        return rows


def list_fields(env: Env) -> list[dict[str, Any]]:
    """The action fields with the current stage of each document."""
    from lipctl.store.read.drafts import latest_versions  # only here: 'contacts' and 'bodies' need no drafts

    with env.reader() as r:
        kinds = definition.kinds(r)
        docs: dict[int | None, dict[str, Latest]] = {}  # None: the plan (never a field of the list)
        for d in latest_versions(r):
            docs.setdefault(d.field_id, {})[d.kind] = d
        aliases = definition.field_aliases(r)
        rows = []
        for f in definition.fields(r):
            by_kind = docs.get(f.id, {})
            rows.append(
                {
                    "slug": f.slug,
                    "name": f.name,
                    "name_en": f.name_en,
                    "aliases": aliases.get(f.id, []),
                    "documents": [
                        {"kind": k.slug, "version": by_kind[k.slug].version, "state": by_kind[k.slug].state}
                        if k.slug in by_kind
                        else {"kind": k.slug, "version": None, "state": None}
                        for k in kinds
                    ],
                }
            )
        return rows


def list_bodies(env: Env) -> list[dict[str, Any]]:
    """The bodies with their seats (the statutory number as of --today), rules, chair and part in the process."""
    from lipctl.process import rosters

    with env.reader() as r:
        rule_sets = definition.rule_sets(r)
        fields = {f.id: f.slug for f in definition.fields(r)}
        names = definition.people(r)
        cats: dict[int, list[dict[str, Any]]] = {}
        for c in definition.seat_categories(r):
            cats.setdefault(c.body_id, []).append(
                {"slug": c.slug, "name": c.name, "name_en": c.name_en, "seats": c.seats, "voting": c.voting}
            )
        chairs = {
            c.body_id: {"name": names[c.person_id], "title": c.title} for c in definition.members(r, MembershipRole.CHAIR.value)
        }
        reqs = definition.opinion_deadlines(r)
        steps: dict[int, list[str]] = {}
        for st in definition.decision_steps(r):
            steps.setdefault(st.body_id, []).append(st.scope)
        history = definition.seat_history(r)
        terms = definition.roster_terms(r)
        rows = []
        for b in definition.bodies(r):
            # The statutory number of voting members as of --today (issue 16): a recorded seat count, else
            # the seed's seats, else the voting members on the roster (lipctl.process.rosters).
            seats, source = rosters.statutory(
                rosters.seats_on(history.get(b.id, []), env.today),
                b.seats,
                [rosters.Term(*t) for t in terms.get(b.id, [])],
                env.today,
            )
            rows.append(
                {
                    "slug": b.slug,
                    "name": b.name,
                    "name_en": b.name_en,
                    "kind": b.kind,
                    "field": fields.get(b.field_id) if b.field_id else None,
                    "seats": seats,
                    "seats_source": source,
                    "seat_categories": cats.get(b.id, []),
                    "chair": chairs.get(b.id),
                    "rule_set": rule_sets.get(b.rule_set_id) if b.rule_set_id else None,
                    "opinion_required": b.id in reqs,
                    "opinion_deadline_days": reqs.get(b.id),
                    "decides_on": steps.get(b.id, []),
                    "role": b.role,
                    "email": b.email,  # issue 18
                    "language": b.language,
                }
            )
        return rows
