"""The queries of ``lipctl calendar``: every dated thing of the process, one query per kind.

Each function reads all rows of its kind in one statement (the feed is linear in the data and its
number of statements does not grow with it: tests/cli/calendar checks the count), ordered so that
the feed comes out the same from the same data.
"""

import datetime as dt
from typing import NamedTuple

from lipctl.store.reader import Reader

__all__ = [
    "AgendaRow",
    "DueRow",
    "MeetingRow",
    "MilestoneRow",
    "Revision",
    "agenda",
    "dues",
    "meetings",
    "milestones",
    "revisions",
]


class DueRow(NamedTuple):
    """One required opinion (Einschätzung/Stellungnahme) of one body on one draft version."""

    draft_id: int
    field: str | None  # None: the complete plan
    field_en: str | None
    kind: str
    kind_name: str | None
    kind_en: str | None
    version: int
    state: str
    submitted_on: dt.date
    voided_at: dt.datetime | None
    void_reason: str | None
    body_id: int
    body: str
    body_en: str | None
    deadline_days: int
    received_on: dt.date | None  # the day the body's first (not withdrawn) opinion on the version arrived


class MeetingRow(NamedTuple):
    """A session (Sitzung) of a body."""

    id: int
    body: str
    body_en: str | None
    date: dt.date
    start: str | None  # HH:MM, Europe/Berlin
    location: str | None
    second_convocation_of: int | None
    urgent_reason: str | None
    created_at: dt.datetime


class AgendaRow(NamedTuple):
    """An item on a session's agenda (Tagesordnungspunkt)."""

    meeting_id: int
    number: str | None
    scope: str
    drucksache: str | None
    field: str | None
    field_en: str | None
    kind: str | None
    kind_name: str | None
    kind_en: str | None
    version: int | None


class MilestoneRow(NamedTuple):
    """A milestone (Meilenstein) with its current and original due date."""

    id: int
    slug: str
    name: str
    name_en: str | None
    due: dt.date | None
    due_text: str | None
    original_due: dt.date | None
    rescheduled_at: dt.datetime | None
    reschedule_reason: str | None


class Revision(NamedTuple):
    """How often the audit log recorded a change of one record, and when last (naive UTC)."""

    entity: str
    entity_id: int
    changes: int
    last: dt.datetime


def dues(r: Reader) -> list[DueRow]:
    """Every draft version (withdrawn ones too) × every body whose opinion a draft needs, with the first opinion's day."""
    rows = r.rows(
        """
        SELECT d.id AS draft_id, f.name AS field, f.name_en AS field_en, d.kind, k.name AS kind_name, k.name_en AS kind_en,
               d.version, d.state, d.submitted_on, d.voided_at, d.void_reason,
               b.id AS body_id, b.name AS body, b.name_en AS body_en, q.deadline_days, o.first_on AS received_on
        FROM drafts d
        CROSS JOIN opinion_requirements q
        JOIN bodies b ON b.id = q.body_id
        LEFT JOIN action_fields f ON f.id = d.field_id
        LEFT JOIN document_kinds k ON k.slug = d.kind
        LEFT JOIN (SELECT draft_id, body_id, min(received_on) AS first_on FROM opinions
                   WHERE voided_at IS NULL GROUP BY draft_id, body_id) o
          ON o.draft_id = d.id AND o.body_id = q.body_id
        ORDER BY d.id, q.position, q.id
        """,
        dates=("submitted_on", "received_on"),
        times=("voided_at",),
    )
    return [DueRow(**row) for row in rows]


def meetings(r: Reader) -> list[MeetingRow]:
    """Every session, by day."""
    rows = r.rows(
        """
        SELECT mt.id, b.name AS body, b.name_en AS body_en, mt.date, mt.start, mt.location,
               mt.second_convocation_of, mt.urgent_reason, mt.created_at
        FROM meetings mt JOIN bodies b ON b.id = mt.body_id
        ORDER BY mt.date, mt.id
        """,
        dates=("date",),
        times=("created_at",),
    )
    return [MeetingRow(**row) for row in rows]


def agenda(r: Reader) -> list[AgendaRow]:
    """Every agenda item of every session, in each session's order."""
    rows = r.rows(
        """
        SELECT ai.meeting_id, ai.number, ai.scope, ai.drucksache, f.name AS field, f.name_en AS field_en,
               d.kind, k.name AS kind_name, k.name_en AS kind_en, d.version
        FROM agenda_items ai
        LEFT JOIN drafts d ON d.id = ai.draft_id
        LEFT JOIN action_fields f ON f.id = d.field_id
        LEFT JOIN document_kinds k ON k.slug = d.kind
        ORDER BY ai.meeting_id, ai.position, ai.id
        """
    )
    return [AgendaRow(**row) for row in rows]


def milestones(r: Reader) -> list[MilestoneRow]:
    """Every milestone, in the seed's order."""
    rows = r.rows(
        """
        SELECT id, slug, name, name_en, due, due_text, original_due, rescheduled_at, reschedule_reason
        FROM milestones ORDER BY id
        """,
        dates=("due", "original_due"),
        times=("rescheduled_at",),
    )
    return [MilestoneRow(**row) for row in rows]


def revisions(r: Reader, entities: tuple[str, ...]) -> list[Revision]:
    """Per record of these kinds (audit ``entity``): the number of its audit events and the last one's time."""
    rows = r.rows(
        """
        SELECT entity, entity_id, count(*) AS changes, max(occurred_at) AS last FROM audit_events
        WHERE entity IN (:entities) AND entity_id IS NOT NULL
        GROUP BY entity, entity_id
        """,
        {"entities": list(entities)},
        times=("last",),
    )
    return [Revision(row.entity, int(row.entity_id), int(row.changes), row.last) for row in rows]
