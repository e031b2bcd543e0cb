"""Contacts and bodies from the terminal (issue 18): ``field edit`` and ``body edit --chair/--email/--language``.

Each command is one transaction with one audit event holding every value before and after. The values
are the ones the seed sets too: ``init`` keeps them by its three-way rule (lipctl.process.seedmerge)
until the seed itself changes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.process import contacts as rules
from lipctl.process.states import ContactRole
from lipctl.services import audit
from lipctl.store import models as m
from lipctl.store import repositories as repo
from lipctl.store import seeding

if TYPE_CHECKING:
    from lipctl.context import Env


def _role_rows(s: Session, field_id: int) -> dict[ContactRole, m.FieldContact]:
    rows = s.scalars(select(m.FieldContact).where(m.FieldContact.field_id == field_id).with_for_update())
    return {row.role: row for row in rows}


def _name(s: Session, person_id: int | None) -> str | None:
    person = s.get(m.Person, person_id) if person_id is not None else None
    return person.name if person is not None else None


def _set(changes: list[dict[str, Any]], what: str, obj: Any, attr: str, value: Any) -> None:
    """Set ``obj.attr`` to ``value`` and note the change with the value before, where it differs."""
    old = getattr(obj, attr)
    if old != value:
        setattr(obj, attr, value)
        changes.append({"what": what, "before": old, "after": value})


def _contact_row(s: Session, field: m.ActionField, roles: dict[ContactRole, m.FieldContact], role: ContactRole) -> m.FieldContact:
    row = roles.get(role)
    if row is None:
        row = m.FieldContact(field_id=field.id, role=role)
        s.add(row)
        roles[role] = row
    return row


def edit_field(env: Env, field: str, **options: Any) -> dict[str, Any]:
    """Change a field's contact (name, e-mail, phone) and speakers; ``options`` as ``rules.field_edit`` takes them."""
    wanted = rules.field_edit(**options)
    with env.uow(write=True) as uow:
        s = uow.session
        f = repo.get_field(s, field)
        roles = _role_rows(s, f.id)
        sync = seeding.Sync(s)  # for its person(): the person by name, added where new
        changes: list[dict[str, Any]] = []
        contact = roles.get(ContactRole.CONTACT)
        if "contact" in wanted:
            contact = _contact_row(s, f, roles, ContactRole.CONTACT)
            old = _name(s, contact.person_id)
            person = sync.person(wanted["contact"])
            if contact.person_id != person.id:
                contact.person_id = person.id
                changes.append({"what": "contact", "before": old, "after": person.name})
                for key in rules.left_with_former_contact(wanted):
                    _set(changes, f"contact_{key}", contact, key, None)
        rules.check_reachable(wanted, has_contact=contact is not None and contact.person_id is not None, field=f.slug)
        for key in ("email", "phone"):
            if key in wanted:
                assert contact is not None  # check_reachable: a person holds the post
                _set(changes, f"contact_{key}", contact, key, wanted[key])
        if "internal_speaker" in wanted:
            name, unit = wanted["internal_speaker"]
            row = _contact_row(s, f, roles, ContactRole.INTERNAL_SPEAKER)
            old = _name(s, row.person_id)
            person = sync.person(name)
            if row.person_id != person.id:
                row.person_id = person.id
                changes.append({"what": "internal_speaker", "before": old, "after": person.name})
            _set(changes, "internal_speaker_unit", row, "unit", unit)
        if "external_speaker" in wanted:
            row = _contact_row(s, f, roles, ContactRole.EXTERNAL_SPEAKER)
            old = _name(s, row.person_id)
            name = wanted["external_speaker"]
            person_id = sync.person(name).id if name else None
            if row.person_id != person_id:
                row.person_id = person_id
                changes.append({"what": "external_speaker", "before": old, "after": name})
                if name is None:  # vacant (N.n.): no unit or title of nobody
                    row.unit = row.title = None
        s.flush()
        if changes:
            audit.record(env, s, "field.edited", entity="action_field", entity_id=f.id, field=f.slug, changes=changes)
        result = _field_row(s, f, roles, changes)
        uow.commit()
    return result


def _field_row(
    s: Session, f: m.ActionField, roles: dict[ContactRole, m.FieldContact], changes: list[dict[str, Any]]
) -> dict[str, Any]:
    def person(role: ContactRole) -> dict[str, Any] | None:
        row = roles.get(role)
        if row is None or row.person_id is None:
            return None
        return {"name": _name(s, row.person_id), "unit": row.unit}

    contact = roles.get(ContactRole.CONTACT)
    return {
        "field": f.slug,
        "changes": changes,
        "contact": _name(s, contact.person_id) if contact else None,
        "contact_email": contact.email if contact else None,
        "contact_phone": contact.phone if contact else None,
        "internal_speaker": person(ContactRole.INTERNAL_SPEAKER),
        "external_speaker": person(ContactRole.EXTERNAL_SPEAKER),
    }


def edit_body(
    env: Env,
    body: str,
    *,
    chair: str | None = None,
    email: str | None = None,
    language: str | None = None,
    seats: int | None = None,
    since: str | None = None,
) -> dict[str, Any]:
    """Change a body's chair (the one without a day, as the seed names it), address, language and, with
    ``seats``, its seat count from a day on — in one transaction."""
    from lipctl.services import rosters

    wanted = rules.body_edit(chair=chair, email=email, language=language, seats=seats, since=since)
    day = rosters.checked_seats(env, seats, since) if seats is not None else None
    with env.uow(write=True) as uow:
        s = uow.session
        b = repo.get_body(s, body)
        s.refresh(b, with_for_update=True)
        changes: list[dict[str, Any]] = []
        if "chair" in wanted:
            chairs = seeding.seed_chairs(s, b.id)
            old = _name(s, chairs[0].person_id) if chairs else None
            if old != wanted["chair"]:
                sync = seeding.Sync(s)
                title = chairs[0].title if chairs else None  # the role's wording stays
                seeding.set_chair(sync, b.slug, b.id, wanted["chair"], title, chairs)
                changes.append({"what": "chair", "before": old, "after": wanted["chair"]})
        if "email" in wanted:
            _set(changes, "email", b, "email", wanted["email"])
        if "language" in wanted:
            _set(changes, "language", b, "language", wanted["language"])
        s.flush()
        if changes:
            audit.record(env, s, "body.edited", entity="body", entity_id=b.id, body=b.slug, changes=changes)
        seats_row = rosters.record_seats(env, s, b, seats, day) if seats is not None and day is not None else None
        chairs_now = seeding.seed_chairs(s, b.id)
        chair_now = _name(s, chairs_now[0].person_id) if chairs_now else None
        result = {
            "body": b.slug,
            "changes": changes,
            "chair": chair_now,
            "email": b.email,
            "language": b.language,
            "seats": seats_row,
        }
        uow.commit()
    return result
