"""What the OParl export reads (Quelle des Exports): plain rows, through the driver (no SQLAlchemy).

Only what may be published is selected: no survey answers, no opinion texts, no steering
reasons, no actors of the audit trail, no void reasons. The audit events give their time, what
they are about (entity, the ids their details name) and nothing else.

Issue 16's tables are read here too: sessions (``meetings``), their agendas (``agenda_items``), the
committee's information (``committee_information``: its Drucksache and stored document, never who
recorded it), the Drucksachen register (``papers``), rosters (``memberships`` with their dates and
voting right) and the seat counts' history (``body_seats``). The reasons of urgent invitations and of
members overrides are internal notes and are not read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
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
    """Mitgliedschaft in a body: the seed's chairs and the rosters (voting or advisory, from/until)."""

    id: int
    body_id: int
    person_id: int
    role: str
    title: str | None
    seat_category: str | None
    voting: bool | None
    since: dt.date | None = None
    until: dt.date | None = None


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
    yes: int | None  # None: a deferral recorded without counts
    no: int | None
    abstain: int | None
    present: int | None
    members: int
    quorate: bool | None
    result: str
    drucksache: str | None
    decided_on: dt.date
    voided: bool
    meeting_id: int | None = None
    second_convocation: bool = False


class MeetingRow(NamedTuple):
    """Sitzung: a session of a deciding body (the urgency's reason is not read)."""

    id: int
    body_id: int
    date: dt.date
    start: str | None  # HH:MM, Berlin time
    location: str | None
    invited_on: dt.date | None
    second_convocation_of: int | None
    created_at: dt.datetime


class AgendaItemRow(NamedTuple):
    """Tagesordnungspunkt: a draft version or the plan on a session's agenda."""

    id: int
    meeting_id: int
    number: str | None
    scope: str
    draft_id: int | None
    drucksache: str | None
    position: int
    created_at: dt.datetime


class InformationRow(NamedTuple):
    """Unterrichtung des Ausschusses: in a session, with its Drucksache and stored document."""

    id: int
    meeting_id: int
    body_id: int
    informed_on: dt.date
    drucksache: str | None
    file_name: str | None
    file_size: int | None
    file_sha256: str | None
    file_copy: str | None
    recorded_at: dt.datetime


class PaperRow(NamedTuple):
    """Drucksache of the register: its number, type and what it carries."""

    id: int
    number: str
    kind: str  # resolution | information | amendment
    carries: str  # draft | plan | information | founding
    draft_id: int | None
    body_id: int | None
    date: dt.date | None
    title: str | None
    registered_at: dt.datetime


class SeatsRow(NamedTuple):
    """Sitzzahl: a body's statutory number of voting members from a day on."""

    body_id: int
    seats: int
    since: dt.date


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
    item: int | None = None  # meeting.item_added: the agenda item
    information: int | None = None  # committee.informed: the information record


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
    meetings: Sequence[MeetingRow] = ()
    agenda_items: Sequence[AgendaItemRow] = ()
    information: Sequence[InformationRow] = ()
    papers: Sequence[PaperRow] = ()
    seats: Sequence[SeatsRow] = ()


# The audit actions whose times date the exported objects (never survey imports: they date nothing here).
ACTIONS = (
    "seed.",
    "contact.",
    "draft.",
    "opinion.",
    "steering.",
    "resolution.",
    "meeting.",
    "committee.",
    "paper.",
    "member.",
    "body.",
)


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
                "SELECT m.id, m.body_id, m.person_id, m.role, m.title, c.name AS seat_category, m.voting, m.since, m.until"
                " FROM memberships m LEFT JOIN seat_categories c ON c.id = m.seat_category_id ORDER BY m.id",
                flags=("voting",),
                dates=("since", "until"),
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
                " decided_on, voided_at IS NOT NULL AS voided, meeting_id, second_convocation FROM resolutions ORDER BY id",
                dates=("decided_on",),
                flags=("quorate", "voided", "second_convocation"),
            )
        ],
        events=events(r),
        meetings=[
            MeetingRow(**row)
            for row in r.rows(
                "SELECT id, body_id, date, start, location, invited_on, second_convocation_of, created_at"
                " FROM meetings ORDER BY date, id",
                dates=("date", "invited_on"),
                times=("created_at",),
            )
        ],
        agenda_items=[
            AgendaItemRow(**row)
            for row in r.rows(
                "SELECT id, meeting_id, number, scope, draft_id, drucksache, position, created_at"
                " FROM agenda_items ORDER BY meeting_id, position, id",
                times=("created_at",),
            )
        ],
        information=[
            InformationRow(**row)
            for row in r.rows(
                "SELECT id, meeting_id, body_id, informed_on, drucksache, file_name, file_size, file_sha256, file_copy,"
                " recorded_at FROM committee_information ORDER BY id",
                dates=("informed_on",),
                times=("recorded_at",),
            )
        ],
        papers=[
            PaperRow(**row)
            for row in r.rows(
                "SELECT id, number, kind, carries, draft_id, body_id, date, title, registered_at FROM papers ORDER BY id",
                dates=("date",),
                times=("registered_at",),
            )
        ],
        seats=[
            SeatsRow(**row)
            for row in r.rows("SELECT body_id, seats, since FROM body_seats ORDER BY body_id, since", dates=("since",))
        ],
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
                _id(details.get("item")),
                _id(details.get("information")),
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
