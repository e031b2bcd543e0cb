"""Writing the process definition (seed.yaml) into the store: the ORM side of ``lipctl init``.

Each ``sync_*`` function brings one part of the store in line with the parsed definition and notes
what it changed in ``Sync.changes``; running it again over a store that is already right changes
nothing. Nothing that process records refer to is deleted: a field, a body or a kind that left the
seed stays. A contact that changed is noted in ``Sync.contacts`` (before and after) for the audit
log, which the service writes.

The values an office also edits from the terminal (a field's contacts, a body's chair, address and
language; issue 18) go through ``Sync.governed``: the three-way rule of lipctl.process.seedmerge
against the values the seed last applied (``seed_values``), with ``Sync.conflicts`` for the report.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.process import addresses, seedmerge
from lipctl.process import definition as d
from lipctl.process.states import ContactRole, DecisionScope, MembershipRole
from lipctl.store import models as m
from lipctl.store import repositories as repo


class Contact(NamedTuple):
    """A field's contact as the audit log shows it."""

    name: str
    unit: str | None
    title: str | None


class ContactChange(NamedTuple):
    field: str
    field_id: int
    role: ContactRole
    before: Contact | None
    after: Contact | None


class Sync:
    """Brings the store in line with a definition, collecting what changed."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.changes: list[dict[str, Any]] = []
        self.contacts: list[ContactChange] = []
        # issue 18: the values the seed last applied (loaded once), the ones to record, the conflicts
        self._applied: dict[str, m.SeedValue] | None = None
        self._recorded: dict[str, str | None] = {}
        self.conflicts: list[dict[str, Any]] = []

    def governed(self, key: str, seed: str | None, current: seedmerge.Value) -> str | None:
        """The value ``key`` takes: the seed's or the database's, by the three-way rule (a conflict is noted)."""
        if self._applied is None:
            self._applied = {row.key: row for row in self.s.scalars(select(m.SeedValue))}
        row = self._applied.get(key)
        base: seedmerge.Value = row.value if row is not None else seedmerge.MISSING
        merge = seedmerge.merge(key, base, seed, current)
        if seedmerge.records(merge.action) and (row is None or row.value != seed):
            self._recorded[key] = seed
        if merge.action is seedmerge.Action.CONFLICT:
            self.conflicts.append(
                {
                    "what": key,
                    "seed_before": None if base is seedmerge.MISSING else base,
                    "seed_recorded": base is not seedmerge.MISSING,
                    "seed": seed,
                    "kept": merge.result,
                }
            )
        return merge.result

    def record_seed_values(self, now: Any) -> None:
        """Store the seed's values that now stand as the ones it last applied (one statement per changed value)."""
        applied = self._applied or {}
        for key, value in self._recorded.items():
            row = applied.get(key)
            if row is None:
                self.s.add(m.SeedValue(key=key, value=value, applied_at=now))
            else:
                row.value, row.applied_at = value, now
        self._recorded = {}
        self.s.flush()

    def upsert(self, model: type, where: dict[str, Any], values: dict[str, Any], label: str) -> Any:
        obj = self.s.scalars(select(model).filter_by(**where)).first()
        if obj is None:
            obj = model(**where, **values)
            self.s.add(obj)
            self.s.flush()
            self.changes.append({"change": "added", "what": label})
            return obj
        diff = {k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v}
        if diff:
            for k, (_old, new) in diff.items():
                setattr(obj, k, new)
            self.s.flush()
            self.changes.append({"change": "updated", "what": label, "fields": sorted(diff)})
        return obj

    def aliases(self, model: type[Any], owner_col: str, owner_id: int, wanted: tuple[str, ...], label: str) -> None:
        existing = {a.alias: a for a in self.s.scalars(select(model).filter_by(**{owner_col: owner_id}))}
        for alias in wanted:
            if alias not in existing:
                self.s.add(model(**{owner_col: owner_id, "alias": alias}))
                self.changes.append({"change": "added", "what": f"{label} alias {alias}"})
        for alias, obj in existing.items():
            if alias not in wanted:
                self.s.delete(obj)
                self.changes.append({"change": "removed", "what": f"{label} alias {alias}"})

    def person(self, name: str) -> m.Person:
        return repo.person(self.s, name)


def _contact_of(contact: m.FieldContact | None, names: dict[int, str]) -> Contact | None:
    if contact is None or contact.person_id is None:
        return None
    return Contact(names[contact.person_id], contact.unit, contact.title)


def legislative_terms_json(pd: d.ProcessDefinition) -> str | None:
    """The seed's legislative terms as the process_info value ``legislative_terms`` (issue 17)."""
    import json

    if not pd.legislative_terms:
        return None
    terms = [
        {"name": t.name, "start": t.start.isoformat(), "end": t.end.isoformat() if t.end else None} for t in pd.legislative_terms
    ]
    return json.dumps(terms, ensure_ascii=False, sort_keys=True)


def sync_process_info(sync: Sync, pd: d.ProcessDefinition) -> None:
    info = {
        "name": pd.name,
        "name_en": pd.name_en,
        "short_name": pd.short_name,
        "city": pd.city,
        "office": pd.office,
        "founding_drucksache": pd.founding_drucksache,
        "founding_body": pd.founding_body,
        # issue 17: the council's terms for the OParl export, as JSON (no table of their own)
        "legislative_terms": legislative_terms_json(pd),
    }
    for key, value in info.items():
        sync.upsert(m.ProcessInfo, {"key": key}, {"value": value}, f"process {key}")


def sync_document_kinds(sync: Sync, pd: d.ProcessDefinition) -> None:
    for pos, kind in enumerate(pd.document_kinds):
        sync.upsert(
            m.DocumentKind,
            {"slug": kind.slug},
            {
                "name": kind.name,
                "name_en": kind.name_en,
                "aliases": "\n".join(kind.aliases) or None,
                "position": pos,
                "based_on": kind.based_on,
            },
            f"document kind {kind.slug}",
        )


def sync_rule_sets(sync: Sync, pd: d.ProcessDefinition) -> dict[str, int]:
    """The rule sets; returns their ids by slug."""
    rule_ids = {}
    for rs in pd.rule_sets:
        obj = sync.upsert(
            m.RuleSet,
            {"slug": rs.slug},
            {
                "name": rs.name,
                "quorum": rs.quorum,
                "majority": rs.majority,
                "second_convocation_quorate": rs.second_convocation_quorate,
                "description": rs.description,
            },
            f"rule set {rs.slug}",
        )
        rule_ids[rs.slug] = obj.id
    return rule_ids


def sync_fields(sync: Sync, pd: d.ProcessDefinition) -> dict[str, int]:
    """The action fields with their aliases and contacts; returns their ids by slug."""
    field_ids = {}
    names = dict(sync.s.execute(select(m.Person.id, m.Person.name)).all())
    for pos, f in enumerate(pd.fields):
        obj = sync.upsert(
            m.ActionField, {"slug": f.slug}, {"name": f.name, "name_en": f.name_en, "position": pos}, f"action field {f.slug}"
        )
        field_ids[f.slug] = obj.id
        sync.aliases(m.FieldAlias, "field_id", obj.id, f.aliases, f"action field {f.slug}")
        for role, ref in (
            (ContactRole.CONTACT, f.contact),
            (ContactRole.INTERNAL_SPEAKER, f.internal_speaker),
            (ContactRole.EXTERNAL_SPEAKER, f.external_speaker),
        ):
            _sync_contact(sync, f.slug, obj.id, role, ref, names)
    return field_ids


#: The values of each contact role that the seed sets and ``field edit`` changes (issue 18; revision 0009 too).
CONTACT_VALUES = {
    ContactRole.CONTACT: ("name", "unit", "title", "email", "phone"),
    ContactRole.INTERNAL_SPEAKER: ("name", "unit", "title"),
    ContactRole.EXTERNAL_SPEAKER: ("name", "unit", "title"),
}


def contact_key(field: str, role: ContactRole, attr: str) -> str:
    """The ``seed_values`` key of one value of a field's contact (``field.bildung.contact.email``)."""
    return f"field.{field}.{role.value}.{attr}"


def body_key(body: str, attr: str) -> str:
    """The ``seed_values`` key of one value of a body (``body.rat.email``, ``body.rat.chair.name``)."""
    return f"body.{body}.{attr}"


def _sync_contact(
    sync: Sync, field: str, field_id: int, role: ContactRole, ref: d.PersonRef | None, names: dict[int, str]
) -> None:
    """One contact of a field, three-way (Sync.governed); a change is noted with the person before and after
    (``names`` is kept current)."""
    session = sync.s
    current = session.scalars(select(m.FieldContact).filter_by(field_id=field_id, role=role)).first()
    before = _contact_of(current, names)
    seed = {
        "name": ref.name if ref else None,
        "unit": ref.unit if ref else None,
        "title": ref.title if ref else None,
        "email": ref.email if ref else None,
        "phone": ref.phone if ref else None,
    }
    now: dict[str, seedmerge.Value] = dict.fromkeys(seed, seedmerge.MISSING)
    if current is not None:
        now = {
            "name": names[current.person_id] if current.person_id is not None else None,
            "unit": current.unit,
            "title": current.title,
            "email": current.email,
            "phone": current.phone,
        }
    final = {attr: sync.governed(contact_key(field, role, attr), seed[attr], now[attr]) for attr in CONTACT_VALUES[role]}
    person = sync.person(final["name"]) if final["name"] else None
    if person is not None:
        names[person.id] = person.name
    values: dict[str, Any] = {"person_id": person.id if person else None, **final}
    values.pop("name")
    if current is None:
        session.add(m.FieldContact(field_id=field_id, role=role, **values))
        sync.changes.append({"change": "added", "what": f"{field} {role.value}"})
        return
    if all(getattr(current, k) == v for k, v in values.items()):
        return
    for k, v in values.items():
        setattr(current, k, v)
    session.flush()
    sync.changes.append({"change": "updated", "what": f"{field} {role.value}"})
    sync.contacts.append(ContactChange(field, field_id, role, before, _contact_of(current, names)))


def sync_bodies(sync: Sync, pd: d.ProcessDefinition, field_ids: dict[str, int], rule_ids: dict[str, int]) -> dict[str, int]:
    """The bodies with their aliases, seat categories and chair; returns their ids by slug."""
    body_ids = {}
    known = set(sync.s.scalars(select(m.Body.slug)))
    for pos, b in enumerate(pd.bodies):
        obj = sync.upsert(
            m.Body,
            {"slug": b.slug},
            {
                "name": b.name,
                "name_en": b.name_en,
                "kind": b.kind,
                "role": b.role,
                "opinion_name": b.opinion_name,
                "field_id": field_ids.get(b.field) if b.field else None,
                "rule_set_id": rule_ids.get(b.rule_set) if b.rule_set else None,
                "seats": b.voting_seats,
                "position": pos,
                "invitation_days": b.invitation_days,
                "information_interval_days": b.information_interval_days,
            },
            f"body {b.slug}",
        )
        body_ids[b.slug] = obj.id
        _sync_reachable(sync, b, obj, created=b.slug not in known)
        sync.aliases(m.BodyAlias, "body_id", obj.id, b.aliases, f"body {b.slug}")
        for cpos, cat in enumerate(b.seat_categories):
            sync.upsert(
                m.SeatCategory,
                {"body_id": obj.id, "slug": cat.slug},
                {"name": cat.name, "name_en": cat.name_en, "seats": cat.seats, "voting": cat.voting, "position": cpos},
                f"body {b.slug} seats {cat.slug}",
            )
        _sync_chair(sync, b, obj.id, created=b.slug not in known)
    return body_ids


def _sync_reachable(sync: Sync, b: d.Body, obj: m.Body, *, created: bool) -> None:
    """The body's address and language (issue 18), three-way (Sync.governed)."""
    for attr, seed in (("email", b.email), ("language", b.language)):
        current: seedmerge.Value = seedmerge.MISSING if created else getattr(obj, attr)
        value = sync.governed(body_key(b.slug, attr), seed, current)
        if attr == "language" and value is None:
            value = addresses.DEFAULT_LANGUAGE
        if getattr(obj, attr) != value:
            setattr(obj, attr, value)
            if not created:
                sync.changes.append({"change": "updated", "what": f"body {b.slug} {attr}"})


def _sync_chair(sync: Sync, b: d.Body, body_id: int, *, created: bool) -> None:
    """The body's chair as the seed names it (a membership without a day), three-way (Sync.governed).

    A chair on the roster (``member add --role chair``, from a day) is the roster's: init leaves it alone.
    """
    session = sync.s
    chairs = seed_chairs(session, body_id)
    names = dict(session.execute(select(m.Person.id, m.Person.name).where(m.Person.id.in_([c.person_id for c in chairs]))).all())
    cur_name: seedmerge.Value = seedmerge.MISSING if created else (names[chairs[0].person_id] if chairs else None)
    cur_title: seedmerge.Value = seedmerge.MISSING if created else (chairs[0].title if chairs else None)
    name = sync.governed(body_key(b.slug, "chair.name"), b.chair.name if b.chair else None, cur_name)
    title = sync.governed(body_key(b.slug, "chair.title"), b.chair.title if b.chair else None, cur_title)
    set_chair(sync, b.slug, body_id, name, title, chairs)


def seed_chairs(session: Session, body_id: int) -> list[m.Membership]:
    """The body's chair as the seed names it and ``body edit --chair`` sets it: the chair memberships
    without a day (a roster's chair, from a day on, is not one of them); one, or none when vacant."""
    return list(
        session.scalars(
            select(m.Membership)
            .filter_by(body_id=body_id, role=MembershipRole.CHAIR, since=None, until=None)
            .order_by(m.Membership.id)
        )
    )


def set_chair(sync: Sync, body: str, body_id: int, name: str | None, title: str | None, chairs: list[m.Membership]) -> None:
    """Make ``name`` (None: nobody) the body's chair without a day, with ``title``; ``chairs``: those now."""
    session = sync.s
    wanted = sync.person(name).id if name else None
    for chair in chairs:
        if chair.person_id != wanted:
            session.delete(chair)
            sync.changes.append({"change": "removed", "what": f"body {body} chair"})
    if wanted is not None:
        sync.upsert(
            m.Membership,
            {"body_id": body_id, "person_id": wanted, "role": MembershipRole.CHAIR, "since": None, "until": None},
            {"title": title},
            f"body {body} chair",
        )


def sync_requirements(sync: Sync, pd: d.ProcessDefinition, body_ids: dict[str, int]) -> None:
    """The bodies whose opinion a draft needs; one no longer listed is removed."""
    existing = {r.body_id: r for r in sync.s.scalars(select(m.OpinionRequirement))}
    for pos, req in enumerate(pd.requirements):
        sync.upsert(
            m.OpinionRequirement,
            {"body_id": body_ids[req.body]},
            {"deadline_days": req.deadline_days, "position": pos},
            f"opinion requirement {req.body}",
        )
        existing.pop(body_ids[req.body], None)
    for obj in existing.values():
        sync.s.delete(obj)
        sync.changes.append({"change": "removed", "what": "opinion requirement"})


def sync_decision_chain(sync: Sync, pd: d.ProcessDefinition, body_ids: dict[str, int]) -> None:
    """Each scope's chain of bodies, replaced whole when it differs."""
    session = sync.s
    for scope in (DecisionScope.DOCUMENT, DecisionScope.PLAN):
        steps = pd.decision_chain.get(scope.value, ())
        old = list(session.scalars(select(m.DecisionStep).filter_by(scope=scope).order_by(m.DecisionStep.position)))
        if [s.body_id for s in old] == [body_ids[slug] for slug in steps]:
            continue
        for s in old:
            session.delete(s)
        session.flush()
        for pos, slug in enumerate(steps):
            session.add(m.DecisionStep(scope=scope, position=pos, body_id=body_ids[slug]))
        sync.changes.append({"change": "updated" if old else "added", "what": f"decision chain {scope.value}"})


def sync_milestones(sync: Sync, pd: d.ProcessDefinition) -> None:
    """The milestones as the seed gives them, but for the due date of one an office rescheduled
    (``milestone reschedule``): that date is the office's record, and init does not put the seed's back."""
    for ms in pd.milestones:
        existing = sync.s.scalars(select(m.Milestone).filter_by(slug=ms.slug)).first()
        values: dict[str, Any] = {"name": ms.name, "name_en": ms.name_en, "due_text": ms.due_text, "applies_to": ms.applies_to}
        if existing is None or existing.rescheduled_at is None:
            values["due"] = ms.due
        sync.upsert(m.Milestone, {"slug": ms.slug}, values, f"milestone {ms.slug}")


def sync_categories(sync: Sync, pd: d.ProcessDefinition) -> None:
    for pos, category in enumerate(pd.categories):
        sync.upsert(
            m.SurveyCategory,
            {"slug": category.slug},
            {"name": category.name, "name_en": category.name_en, "aliases": "\n".join(category.aliases) or None, "position": pos},
            f"category {category.slug}",
        )


def sync_events(sync: Sync, pd: d.ProcessDefinition) -> None:
    for ev in pd.events:
        sync.upsert(m.ProcessEvent, {"date": ev.date, "name": ev.name}, {"note": ev.note}, f"event {ev.name}")
