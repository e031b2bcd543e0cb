"""The queries only the committee briefing (``lipctl report``) needs; its status part is read/status.py.

Decisions since a date, survey participation counted in SQL, which draft versions took which survey
into account, and the contacts per action field. Each function takes a ``Reader`` and returns typed
rows, dates and flags already converted.
"""

import datetime as dt
from typing import Any, NamedTuple

from lipctl.process.states import ContactRole, DecisionOutcome, DecisionScope, DraftState, ResolutionResult
from lipctl.store.read import definition
from lipctl.store.reader import Reader


class SteeringDecision(NamedTuple):
    """A steering group decision, with the draft version it was on."""

    id: int
    draft_id: int
    outcome: DecisionOutcome
    reason: str
    decided_on: dt.date
    without_opinions: bool
    field_id: int | None  # None: a decision on the plan
    kind: str
    version: int


class Resolution(NamedTuple):
    """A committee or council resolution, with the draft version it was on (none for the plan)."""

    id: int
    draft_id: int | None
    body_id: int
    scope: DecisionScope
    result: ResolutionResult
    arithmetic: str
    drucksache: str | None
    yes: int
    no: int
    abstain: int
    present: int
    members: int
    quorate: bool
    exception_reason: str | None
    decided_on: dt.date
    field_id: int | None
    kind: str | None
    version: int | None


class SurveyCount(NamedTuple):
    name: str
    responses: int


class Considered(NamedTuple):
    """A draft version that took a survey into account."""

    field: str
    kind: str
    version: int
    draft: int
    state: DraftState
    survey: str


class Contact(NamedTuple):
    """A role for an action field; ``person`` is None for a vacant post."""

    field_id: int
    role: ContactRole
    person: str | None
    unit: str | None
    title: str | None


def _between(column: str, since: dt.date | None, today: dt.date) -> tuple[str, dict[str, Any]]:
    """``column`` from ``since`` (if given) up to ``today``, as SQL and its parameters."""
    if since is None:
        return f"{column} <= :today", {"today": today}
    return f"{column} <= :today AND {column} >= :since", {"today": today, "since": since}


def steering_decisions(r: Reader, since: dt.date | None, today: dt.date) -> list[SteeringDecision]:
    """The steering group's decisions from ``since`` (if given) up to ``today``."""
    where, params = _between("sd.decided_on", since, today)
    rows = r.rows(
        f"""
        SELECT sd.id, sd.draft_id, sd.outcome, sd.reason, sd.decided_on, sd.without_opinions, d.field_id, d.kind, d.version
        FROM steering_decisions sd JOIN drafts d ON d.id = sd.draft_id
        WHERE {where} AND sd.voided_at IS NULL AND d.voided_at IS NULL
        """,  # noqa: S608 - the WHERE clause is built by _between from a column name and placeholders
        params,
        dates=("decided_on",),
        flags=("without_opinions",),
    )
    return [
        SteeringDecision(
            row.id,
            row.draft_id,
            DecisionOutcome(row.outcome),
            row.reason,
            row.decided_on,
            row.without_opinions,
            row.field_id,
            row.kind,
            row.version,
        )
        for row in rows
    ]


def resolutions(r: Reader, since: dt.date | None, today: dt.date) -> list[Resolution]:
    """The resolutions (on documents and on the plan) from ``since`` (if given) up to ``today``."""
    where, params = _between("res.decided_on", since, today)
    rows = r.rows(
        f"""
        SELECT res.id, res.draft_id, res.body_id, res.scope, res.result, res.arithmetic, res.drucksache,
               res.yes, res.no, res.abstain, res.present, res.members, res.quorate, res.exception_reason,
               res.decided_on, d.field_id, d.kind, d.version
        FROM resolutions res LEFT OUTER JOIN drafts d ON d.id = res.draft_id
        WHERE {where} AND res.voided_at IS NULL AND d.voided_at IS NULL
        """,  # noqa: S608 - the WHERE clause is built by _between from a column name and placeholders
        params,
        dates=("decided_on",),
        flags=("quorate",),
    )
    return [
        Resolution(
            row.id,
            row.draft_id,
            row.body_id,
            DecisionScope(row.scope),
            ResolutionResult(row.result),
            row.arithmetic,
            row.drucksache,
            row.yes,
            row.no,
            row.abstain,
            row.present,
            row.members,
            row.quorate,
            row.exception_reason,
            row.decided_on,
            row.field_id,
            row.kind,
            row.version,
        )
        for row in rows
    ]


def responses_per_category(r: Reader) -> dict[int | None, int]:
    """Survey responses counted per category (None: without a category)."""
    # Grouped as every other count is, on the covering (field_id, category_id) index; summed here.
    counts: dict[int | None, int] = {}
    for row in r.rows("SELECT field_id, category_id, count(*) AS n FROM survey_responses GROUP BY field_id, category_id"):
        counts[row["category_id"]] = counts.get(row["category_id"], 0) + int(row["n"])
    return counts


def responses_per_survey(r: Reader) -> list[SurveyCount]:
    """Every survey with its number of responses, by name."""
    rows = r.rows(
        """
        SELECT s.name, count(sr.id) AS n
        FROM surveys s LEFT OUTER JOIN survey_responses sr ON sr.survey_id = s.id
        GROUP BY s.id, s.name
        ORDER BY s.name
        """
    )
    return [SurveyCount(row.name, int(row.n)) for row in rows]


def considered(r: Reader) -> list[Considered]:
    """Which draft versions took which survey into account (draft_surveys)."""
    rows = r.rows(
        """
        SELECT f.slug AS field, d.kind, d.version, d.id AS draft, d.state, s.name AS survey
        FROM draft_surveys ds
        JOIN drafts d ON d.id = ds.draft_id
        JOIN action_fields f ON f.id = d.field_id
        JOIN surveys s ON s.id = ds.survey_id
        WHERE d.voided_at IS NULL
        ORDER BY f.position, d.kind, d.version, s.name
        """
    )
    return [Considered(row.field, row.kind, row.version, row.draft, DraftState(row.state), row.survey) for row in rows]


def contacts(r: Reader) -> list[Contact]:
    """The contacts of every action field (read/definition.py's), with the person's name."""
    names = definition.people(r)
    return [
        Contact(c.field_id, ContactRole(c.role), names.get(c.person_id) if c.person_id is not None else None, c.unit, c.title)
        for c in definition.contacts(r)
    ]
