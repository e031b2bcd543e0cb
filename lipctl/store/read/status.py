"""The queries of ``lipctl status`` (and the briefing's status part): where every document stands.

Everything is counted in SQL (GROUP BY): the store may hold 10,000 drafts and a million survey
responses, and the status still answers at once. Only the latest version of each document (at most
fields × kinds rows) is loaded. Each function takes a ``Reader`` and returns typed rows; the rules
that turn them into a status live in ``lipctl.process.standing``.
"""

import datetime as dt
from typing import NamedTuple

from lipctl.process.states import DecisionOutcome, DecisionScope, DraftState, ResolutionResult
from lipctl.store.read import definition
from lipctl.store.reader import Reader


class LatestVersion(NamedTuple):
    """The latest version of one document (field, kind); field_id None: the plan's."""

    id: int
    field_id: int | None
    kind: str
    version: int
    state: DraftState
    state_since: dt.date
    submitted_on: dt.date


class Returns(NamedTuple):
    """How often the steering group returned a document (any of its versions)."""

    field_id: int
    kind: str
    n: int


class Received(NamedTuple):
    """A body's opinion is in on a draft version."""

    draft_id: int
    body_id: int
    first_on: dt.date  # the day the body's first opinion on the version arrived


class ResolutionRow(NamedTuple):
    """A resolution (committee or council vote) on a draft version."""

    draft_id: int
    body_id: int
    result: ResolutionResult
    decided_on: dt.date
    drucksache: str | None


class MilestoneRow(NamedTuple):
    """A milestone: ``due`` None when the seed gives no day; ``original_due`` and ``rescheduled_at``
    set once it was rescheduled."""

    slug: str
    name: str
    name_en: str | None
    due: dt.date | None
    due_text: str | None
    applies_to: str
    original_due: dt.date | None = None
    rescheduled_at: dt.datetime | None = None
    rescheduled_by: str | None = None
    reschedule_reason: str | None = None


class Document(NamedTuple):
    """A document (field, kind) of which some version was adopted by the committee, and the first day one was."""

    field_id: int
    kind: str
    adopted_on: dt.date | None = None


def latest_versions(r: Reader) -> list[LatestVersion]:
    """The latest live version of every document (at most fields × kinds rows), by the (field, kind, version) index;
    a withdrawn version does not count."""
    rows = r.rows(
        """
        SELECT d.id, d.field_id, d.kind, d.version, d.state, d.state_since, d.submitted_on
        FROM drafts d
        JOIN (SELECT field_id, kind, max(version) AS version FROM drafts WHERE voided_at IS NULL GROUP BY field_id, kind) latest
          ON d.field_id = latest.field_id AND d.kind = latest.kind AND d.version = latest.version
        """,
        dates=("state_since", "submitted_on"),
    )
    return [
        LatestVersion(row.id, row.field_id, row.kind, row.version, DraftState(row.state), row.state_since, row.submitted_on)
        for row in rows
    ]


def returns(r: Reader) -> list[Returns]:
    """How often the steering group returned each document, from its decisions (a returned version may
    later show as superseded by the next one)."""
    rows = r.rows(
        """
        SELECT d.field_id, d.kind, count(*) AS n
        FROM drafts d JOIN steering_decisions sd ON sd.draft_id = d.id
        WHERE sd.outcome = :outcome AND sd.voided_at IS NULL AND d.voided_at IS NULL
        GROUP BY d.field_id, d.kind
        """,
        {"outcome": DecisionOutcome.RETURN.value},
    )
    return [Returns(row.field_id, row.kind, int(row.n)) for row in rows]


def received(r: Reader, draft_ids: list[int]) -> list[Received]:
    """Which bodies gave an opinion on these draft versions."""
    if not draft_ids:
        return []
    rows = r.rows(
        """
        SELECT draft_id, body_id, min(received_on) AS first_on FROM opinions
        WHERE draft_id IN (:ids) AND voided_at IS NULL GROUP BY draft_id, body_id
        """,
        {"ids": draft_ids},
        dates=("first_on",),
    )
    return [Received(row.draft_id, row.body_id, row.first_on) for row in rows]


def resolutions(r: Reader, draft_ids: list[int]) -> list[ResolutionRow]:
    """The resolutions on these draft versions, oldest first (by date, then as recorded)."""
    if not draft_ids:
        return []
    rows = r.rows(
        """
        SELECT draft_id, body_id, result, decided_on, drucksache FROM resolutions
        WHERE draft_id IN (:ids) AND voided_at IS NULL ORDER BY decided_on, id
        """,
        {"ids": draft_ids},
        dates=("decided_on",),
    )
    return [
        ResolutionRow(row.draft_id, row.body_id, ResolutionResult(row.result), row.decided_on, row.drucksache) for row in rows
    ]


# The Beratungsfolgen are part of the process definition: read/definition.py's query, not a copy of it.
DecisionStep = definition.DecisionStep
decision_steps = definition.decision_steps


def responses_per_field(r: Reader) -> dict[int, int]:
    """Survey responses counted per action field (responses routed to no field are left out)."""
    # No WHERE field_id IS NOT NULL: a plain GROUP BY scans the covering (field_id, category_id) index
    # once, about a third faster on a million responses; the NULL group is simply dropped here.
    counts = r.pairs("SELECT field_id, count(*) FROM survey_responses GROUP BY field_id")
    return {field_id: int(n) for field_id, n in counts.items() if field_id is not None}


def milestones(r: Reader) -> list[MilestoneRow]:
    """The milestones in the seed's order (a due date may be unknown: NULL sorts differently per store)."""
    rows = r.rows(
        """
        SELECT slug, name, name_en, due, due_text, applies_to, original_due, rescheduled_at, rescheduled_by, reschedule_reason
        FROM milestones ORDER BY id
        """,
        dates=("due", "original_due"),
        times=("rescheduled_at",),
    )
    return [MilestoneRow(**row) for row in rows]


def adopted_documents(r: Reader) -> list[Document]:
    """The documents of which some live version was adopted, with the first day one was (its state's day)."""
    return [
        Document(row.field_id, row.kind, row.adopted_on)
        for row in r.rows(
            """
            SELECT field_id, kind, min(state_since) AS adopted_on FROM drafts
            WHERE state = :state AND voided_at IS NULL AND field_id IS NOT NULL GROUP BY field_id, kind
            """,
            {"state": DraftState.ADOPTED.value},
            dates=("adopted_on",),
        )
    ]


def plan_adopted_on(r: Reader) -> dict[int, dt.date]:
    """The bodies that adopted the plan (ids), each with the first day it did (live resolutions only): on a
    version of the plan, or before it was a document (no draft; revision 0008)."""
    rows = r.rows(
        """
        SELECT body_id, min(decided_on) AS first_on FROM resolutions
        WHERE scope = :scope AND result = :result AND voided_at IS NULL
        GROUP BY body_id
        """,
        {"scope": DecisionScope.PLAN.value, "result": ResolutionResult.ADOPTED.value},
        dates=("first_on",),
    )
    return {row.body_id: row.first_on for row in rows}


# --- the complete plan (Gesamtplan; issue 16, revision 0008) ----------------------------------


class PlanResolution(NamedTuple):
    """A resolution on the plan: on one of its versions (``draft_id``), or before it was a document (None)."""

    id: int
    draft_id: int | None
    body_id: int
    result: ResolutionResult
    decided_on: dt.date
    drucksache: str | None


def plan_version(r: Reader) -> LatestVersion | None:
    """The plan's current version (its latest live draft: no field, kind gesamtplan), None before the first."""
    rows = r.rows(
        """
        SELECT id, field_id, kind, version, state, state_since, submitted_on FROM drafts
        WHERE field_id IS NULL AND voided_at IS NULL ORDER BY version DESC LIMIT 1
        """,
        dates=("state_since", "submitted_on"),
    )
    return (
        LatestVersion(
            rows[0].id,
            rows[0].field_id,
            rows[0].kind,
            rows[0].version,
            DraftState(rows[0].state),
            rows[0].state_since,
            rows[0].submitted_on,
        )
        if rows
        else None
    )


def plan_resolutions(r: Reader) -> list[PlanResolution]:
    """Every live resolution on the plan (any version, or none), oldest first."""
    rows = r.rows(
        """
        SELECT id, draft_id, body_id, result, decided_on, drucksache FROM resolutions
        WHERE scope = :scope AND voided_at IS NULL ORDER BY decided_on, id
        """,
        {"scope": DecisionScope.PLAN.value},
        dates=("decided_on",),
    )
    return [
        PlanResolution(row.id, row.draft_id, row.body_id, ResolutionResult(row.result), row.decided_on, row.drucksache)
        for row in rows
    ]
