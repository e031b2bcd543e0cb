"""What the OParl export reads (Quelle des Exports): plain rows, through the driver (no SQLAlchemy).

Only what may be published is selected: no survey answers, no opinion texts, no steering
reasons, no actors of the audit trail, no void reasons. The audit events give their time, what
they are about (entity, the ids their details name) and nothing else.

When issue 16's tables arrive (meetings, agenda items, the Drucksachen register, rosters), their
rows are read here and added to ``Snapshot``; lipctl.oparl.build turns them into objects.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, NamedTuple

from lipctl.store.read import definition
from lipctl.store.read import drafts as read_drafts
from lipctl.store.reader import Reader


class BodyRow(NamedTuple):
    """Gremium (an Organization)."""

    id: int
    slug: str
    name: str
    kind: str
    opinion_name: str | None
    field_id: int | None
    seats: int | None


class ContactRow(NamedTuple):
    """A field's contact post (Ansprechpartner*in, interne/externe Sprecher*in); person_id None: vacant."""

    id: int
    field_id: int
    role: str
    person_id: int | None
    unit: str | None
    title: str | None


class MemberRow(NamedTuple):
    """Mitgliedschaft in a body (today: the steering group's chair)."""

    id: int
    body_id: int
    person_id: int
    role: str
    title: str | None
    seat_category: str | None
    voting: bool | None


class OpinionRow(NamedTuple):
    """An advisory body's opinion on a version: its stance only, never its text."""

    id: int
    draft_id: int
    body_id: int
    stance: str
    received_on: dt.date
    voided: bool


class DecisionRow(NamedTuple):
    """The steering group's decision on a version: its outcome only, never its reason."""

    id: int
    draft_id: int
    outcome: str
    decided_on: dt.date
    voided: bool


class ResolutionRow(NamedTuple):
    """Beschluss: a committee's or the council's tally."""

    id: int
    scope: str
    draft_id: int | None
    body_id: int
    yes: int
    no: int
    abstain: int
    present: int
    members: int
    quorate: bool
    result: str
    drucksache: str | None
    decided_on: dt.date
    voided: bool


class EventRow(NamedTuple):
    """An audit event as the export sees it: when, what, about which record — no actor, no details."""

    occurred_at: dt.datetime  # naive UTC
    action: str
    entity: str | None
    entity_id: int | None
    opinion: int | None
    decision: int | None
    resolution: int | None
    role: str | None  # contact.changed: the post that changed
    before: str | None = None  # contact.changed: the name of who held the post before (a public role)


class Snapshot(NamedTuple):
    """Everything the export is built from, read in one transaction."""

    info: dict[str, Any]
    fields: list[definition.Field]
    kinds: list[definition.Kind]
    bodies: list[BodyRow]
    seat_categories: list[definition.SeatCategory]
    people: dict[int, str]
    contacts: list[ContactRow]
    members: list[MemberRow]
    drafts: list[read_drafts.Draft]
    opinions: list[OpinionRow]
    decisions: list[DecisionRow]
    resolutions: list[ResolutionRow]
    events: list[EventRow]


# The audit actions whose times date the exported objects (never survey imports: they date nothing here).
ACTIONS = ("seed.", "contact.", "draft.", "opinion.", "steering.", "resolution.")


def read(r: Reader) -> Snapshot:
    """The snapshot, in a stable order (every query orders by a key)."""
    return Snapshot(
        info=definition.process_info(r),
        fields=definition.fields(r),
        kinds=definition.kinds(r),
        bodies=[
            BodyRow(**row)
            for row in r.rows("SELECT id, slug, name, kind, opinion_name, field_id, seats FROM bodies ORDER BY position, id")
        ],
        seat_categories=definition.seat_categories(r),
        people=definition.people(r),
        contacts=[
            ContactRow(**row)
            for row in r.rows("SELECT id, field_id, role, person_id, unit, title FROM field_contacts ORDER BY field_id, id")
        ],
        members=[
            MemberRow(**row)
            for row in r.rows(
                "SELECT m.id, m.body_id, m.person_id, m.role, m.title, c.name AS seat_category, c.voting"
                " FROM memberships m LEFT JOIN seat_categories c ON c.id = m.seat_category_id ORDER BY m.id",
                flags=("voting",),
            )
        ],
        drafts=read_drafts.drafts(r, include_voided=True),
        opinions=[
            OpinionRow(**row)
            for row in r.rows(
                "SELECT id, draft_id, body_id, stance, received_on, voided_at IS NOT NULL AS voided FROM opinions ORDER BY id",
                dates=("received_on",),
                flags=("voided",),
            )
        ],
        decisions=[
            DecisionRow(**row)
            for row in r.rows(
                "SELECT id, draft_id, outcome, decided_on, voided_at IS NOT NULL AS voided FROM steering_decisions ORDER BY id",
                dates=("decided_on",),
                flags=("voided",),
            )
        ],
        resolutions=[
            ResolutionRow(**row)
            for row in r.rows(
                "SELECT id, scope, draft_id, body_id, yes, no, abstain, present, members, quorate, result, drucksache,"
                " decided_on, voided_at IS NOT NULL AS voided FROM resolutions ORDER BY id",
                dates=("decided_on",),
                flags=("quorate", "voided"),
            )
        ],
        events=events(r),
    )


def events(r: Reader) -> list[EventRow]:
    """The dating events, oldest first; of their details only the ids of the records they are about."""
    where = " OR ".join(f"substr(action, 1, {len(a)}) = :a{n}" for n, a in enumerate(ACTIONS))
    params = {f"a{n}": a for n, a in enumerate(ACTIONS)}
    out = []
    for row in r.rows(
        f"SELECT occurred_at, action, entity, entity_id, details FROM audit_events WHERE {where} ORDER BY id",  # noqa: S608 - fixed text
        params,
        times=("occurred_at",),
    ):
        details = _details(row.details)
        out.append(
            EventRow(
                row.occurred_at,
                row.action,
                row.entity,
                row.entity_id,
                _id(details.get("opinion")),
                _id(details.get("decision")),
                _id(details.get("resolution")),
                details.get("role") if isinstance(details.get("role"), str) else None,
                _before(row.action, details),
            )
        )
    return out


def _details(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _before(action: str, details: dict[str, Any]) -> str | None:
    before = details.get("before") if action == "contact.changed" else None
    name = before.get("name") if isinstance(before, dict) else None
    return name if isinstance(name, str) else None


def _id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
