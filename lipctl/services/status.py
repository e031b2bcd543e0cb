"""Where every action field stands (Sachstand), what waits on whom, and what is overdue.

Three steps: the store reads the facts in a handful of grouped queries (``read``, through
lipctl.store.read.status), the process rules compute each document's standing
(lipctl.process.standing, lipctl.process.milestones), and ``shape`` turns them into the status
document that ``lipctl status`` prints and the briefing renders.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, NamedTuple

from lipctl.process import milestones as ms
from lipctl.process import standing
from lipctl.process.states import DecisionScope
from lipctl.store.read import definition
from lipctl.store.read import meetings as read_meetings
from lipctl.store.read import opinions as read_opinions
from lipctl.store.read import status as q
from lipctl.store.read import surveys as read_surveys
from lipctl.store.reader import Reader

if TYPE_CHECKING:
    from lipctl.context import Env


class Names:
    """Display names of what the status refers to by slug (for tables and the briefing).

    A plain class, not a dataclass: building a dataclass costs a read command ~0.3 ms at start-up.
    """

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.bodies: dict[str, str] = {}
        self.body_kinds: dict[str, str] = {}
        self.milestones: dict[str, str] = {}
        self.process = "LIP"


def status(env: Env) -> tuple[dict[str, Any], Names]:
    """The status of every action field as of ``--today`` (lipctl status), and the names to show it with."""

    with env.reader() as r:
        return collect(r, env.today)


def collect(r: Reader, today: dt.date) -> tuple[dict[str, Any], Names]:
    """The status document (``status --format json``) and the names to show it with."""
    return shape(read(r), today)


# --- query --------------------------------------------------------------------------------------


class Facts(NamedTuple):
    """Everything the status is computed from, read in one transaction."""

    fields: list[definition.Field]
    kinds: list[definition.Kind]
    bodies: list[definition.Body]
    process: dict[str, Any]
    latest: list[q.LatestVersion]
    returns: list[q.Returns]
    requirements: list[tuple[str, int]]
    received: list[q.Received]
    resolutions: list[q.ResolutionRow]
    steps: list[q.DecisionStep]
    responses: dict[int, int]
    milestones: list[q.MilestoneRow]
    adopted: list[q.Document]
    plan_adopted_on: dict[int, dt.date]
    plan_version: q.LatestVersion | None = None  # the complete plan (issue 16)
    plan_resolutions: tuple[q.PlanResolution, ...] = ()
    information: list[read_meetings.Information] = []  # noqa: RUF012 - a NamedTuple default, never mutated
    # issue 18, survey rounds: each survey's round and period; per field the answers not handed over yet
    survey_periods: tuple[read_surveys.SurveyPeriod, ...] = ()
    handovers: dict[int, read_surveys.FieldHandover] = {}  # noqa: RUF012 - a NamedTuple default, never mutated


def read(r: Reader) -> Facts:
    """The facts of the status, in a fixed number of grouped queries (more drafts or responses add none)."""
    fields = definition.fields(r)
    kinds = definition.kinds(r)
    bodies = definition.bodies(r)
    process = definition.process_info(r)
    latest = q.latest_versions(r)
    returns = q.returns(r)
    requirements = read_opinions.requirements(r)
    latest_ids = [d.id for d in latest]
    plan = q.plan_version(r)
    received = q.received(r, latest_ids + ([plan.id] if plan is not None else []))
    resolutions = q.resolutions(r, latest_ids)
    steps = q.decision_steps(r)
    responses = q.responses_per_field(r)
    return Facts(
        fields,
        kinds,
        bodies,
        process,
        latest,
        returns,
        requirements,
        received,
        resolutions,
        steps,
        responses,
        q.milestones(r),
        q.adopted_documents(r),
        q.plan_adopted_on(r),
        plan,
        tuple(q.plan_resolutions(r)),
        read_meetings.information(r),
        tuple(read_surveys.survey_periods(r, dt.date.min)),  # issue 18: the status as of today comes in shape()
        read_surveys.handover_pending(r),
    )


# --- compute and shape --------------------------------------------------------------------------


def _name(row: Any) -> str:
    from lipctl.i18n import display_name

    return display_name(row.name, row.name_en)


def names_of(facts: Facts) -> Names:
    """The display names of the fields, kinds, bodies and milestones, and the process's short name."""
    names = Names()
    names.fields.update({f.slug: _name(f) for f in facts.fields})
    names.kinds.update({k.slug: _name(k) for k in facts.kinds})
    names.bodies.update({b.slug: _name(b) for b in facts.bodies})
    names.body_kinds.update({b.slug: b.kind for b in facts.bodies})
    names.milestones.update({m.slug: _name(m) for m in facts.milestones})
    names.process = facts.process.get("short_name") or facts.process.get("name") or names.process
    return names


def shape(facts: Facts, today: dt.date) -> tuple[dict[str, Any], Names]:
    """The status document as of ``today``, and the names to show it with."""
    slug_of_body = {b.id: b.slug for b in facts.bodies}
    chains: dict[DecisionScope, list[str]] = {DecisionScope.DOCUMENT: [], DecisionScope.PLAN: []}
    for step in facts.steps:
        chains[step.scope].append(slug_of_body[step.body_id])
    field_rows, opinion_overdue = _fields(facts, today, slug_of_body, chains[DecisionScope.DOCUMENT])
    milestone_rows, milestone_overdue = _milestones(facts, today, slug_of_body, chains[DecisionScope.PLAN])
    field_slugs = [f.slug for f in facts.fields]
    information_rows, information_overdue = _information(facts, today)
    overdue = sorted(
        milestone_overdue + opinion_overdue + information_overdue,
        key=lambda o: standing.overdue_order(
            o["due"],
            milestone=o["kind"] == "milestone",
            field=o["field"],
            document=o["document"],
            body=o["body"],
            fields=field_slugs,
        ),
    )
    data = {
        "as_of": today,
        "fields": field_rows,
        "milestones": milestone_rows,
        "plan": _plan(facts, today, slug_of_body, chains[DecisionScope.PLAN]),
        "information": information_rows,
        "surveys": _surveys(facts, today),  # issue 18, survey rounds
        "overdue": overdue,
        "overdue_count": len(overdue),
    }
    return data, names_of(facts)


def _surveys(facts: Facts, today: dt.date) -> list[dict[str, Any]]:
    """Each survey's round, period and status as of ``today`` (issue 18, survey rounds)."""
    from lipctl.process import surveyrounds as sr

    rows = []
    for p in facts.survey_periods:
        state = sr.status(sr.Round(p.name, p.round, p.opens_on, p.closes_on, p.closed_on), today)
        rows.append(
            {
                "name": p.name,
                "round": p.round,
                "opens_on": p.opens_on,
                "closes_on": p.closes_on,
                "closed_on": p.closed_on,
                "status": state.value if state is not None else None,
            }
        )
    return rows


def _fields(
    facts: Facts, today: dt.date, slug_of_body: dict[int, str], chain: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One row per action field with its documents, and the overdue opinions."""
    chairs = standing.roles(facts.bodies)
    returns = {(row.field_id, row.kind): row.n for row in facts.returns}
    received: dict[int, dict[str, dt.date]] = {}
    for row in facts.received:
        received.setdefault(row.draft_id, {})[slug_of_body[row.body_id]] = row.first_on
    last, adopted_by = standing.last_votes(
        standing.Vote(v.draft_id, slug_of_body[v.body_id], v.result, v.decided_on, v.drucksache) for v in facts.resolutions
    )
    by_field: dict[int | None, dict[str, q.LatestVersion]] = {}
    for version in facts.latest:
        by_field.setdefault(version.field_id, {})[version.kind] = version

    field_rows: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    for f in facts.fields:
        expert_group = chairs.expert_groups.get(f.id)
        docs = []
        for k in facts.kinds:
            d = by_field.get(f.id, {}).get(k.slug)
            if d is None:
                docs.append(_not_submitted(k.slug, expert_group))
                continue
            ref = f"{f.slug}/{d.kind}"
            stand = standing.document(
                d.state,
                since=d.state_since,
                submitted_on=d.submitted_on,
                requirements=facts.requirements,
                received=set(received.get(d.id, {})),
                chain=chain,
                adopted_by=adopted_by.get(d.id, set()),
                steering=chairs.steering,
                expert_group=expert_group,
                today=today,
            )
            overdue.extend(_overdue_opinion(f.slug, d, ref, body, due, today) for body, due in stand.overdue_opinions)
            late = standing.late_opinions(d.submitted_on, facts.requirements, received.get(d.id, {}))
            docs.append(_document(d, ref, stand, returns.get((f.id, d.kind), 0), last.get(d.id), late))
        field_rows.append(
            {
                "slug": f.slug,
                "name": f.name,
                "name_en": f.name_en,
                "documents": docs,
                "survey_responses": facts.responses.get(f.id, 0),
                "not_handed_over": facts.handovers[f.id].pending if f.id in facts.handovers else 0,  # issue 18
            }
        )
    return field_rows, overdue


def _document(
    d: q.LatestVersion,
    ref: str,
    stand: standing.DocumentStanding,
    returns: int,
    vote: standing.Vote | None,
    late: list[tuple[str, dt.date, dt.date]],
) -> dict[str, Any]:
    """One submitted document's row: its latest version and where it stands."""
    return {
        "kind": d.kind,
        "draft": d.id,
        "ref": ref,
        "version": d.version,
        "state": d.state.value,
        "since": d.state_since,
        "days_in_state": stand.days_in_state,
        "waiting_on": stand.waiting_on,
        "missing_opinions": stand.missing_opinions,
        "late_opinions": [{"body": b, "due": due, "received_on": got} for b, due, got in late],
        "returns": returns,
        "last_resolution": None
        if vote is None
        else {"body": vote.body, "result": vote.result.value, "decided_on": vote.decided_on, "drucksache": vote.drucksache},
    }


def _not_submitted(kind: str, expert_group: str | None) -> dict[str, Any]:
    return {
        "kind": kind,
        "draft": None,
        "ref": None,
        "version": None,
        "state": None,
        "since": None,
        "days_in_state": None,
        "waiting_on": standing.not_submitted(expert_group),
        "missing_opinions": [],
        "late_opinions": [],
        "returns": 0,
        "last_resolution": None,
    }


def _overdue_opinion(field_slug: str, d: q.LatestVersion, ref: str, body: str, due: dt.date, today: dt.date) -> dict[str, Any]:
    return {
        "kind": "opinion",
        "milestone": None,
        "field": field_slug,
        "document": d.kind,
        "draft": d.id,
        "ref": ref,
        "version": d.version,
        "body": body,
        "due": due,
        "days_overdue": (today - due).days,
    }


def _plan(facts: Facts, today: dt.date, slug_of_body: dict[int, str], chain: list[str]) -> dict[str, Any]:
    """The complete plan (Gesamtplan): its current version, where it stands, and every live resolution
    on it (those recorded before it was a document have ``draft`` null)."""
    from lipctl.process.plan import PLAN_REF

    resolutions = [
        {
            "id": res.id,
            "draft": res.draft_id,
            "body": slug_of_body[res.body_id],
            "result": res.result.value,
            "decided_on": res.decided_on,
            "drucksache": res.drucksache,
        }
        for res in facts.plan_resolutions
    ]
    d = facts.plan_version
    if d is None:
        return {
            "ref": PLAN_REF,
            "draft": None,
            "version": None,
            "state": None,
            "since": None,
            "waiting_on": [],
            "resolutions": resolutions,
        }
    received = {slug_of_body[row.body_id] for row in facts.received if row.draft_id == d.id}
    adopted_by = {
        slug_of_body[res.body_id] for res in facts.plan_resolutions if res.draft_id == d.id and res.result.value == "adopted"
    }
    stand = standing.document(
        d.state,
        since=d.state_since,
        submitted_on=d.submitted_on,
        requirements=facts.requirements,
        received=received,
        chain=chain,
        adopted_by=adopted_by,
        steering=standing.roles(facts.bodies).steering,
        expert_group=None,
        today=today,
    )
    return {
        "ref": PLAN_REF,
        "draft": d.id,
        "kind": d.kind,
        "version": d.version,
        "state": d.state.value,
        "since": d.state_since,
        "days_in_state": stand.days_in_state,
        "waiting_on": stand.waiting_on,
        "missing_opinions": stand.missing_opinions,
        "adopted_by": [b for b in chain if b in adopted_by],
        "resolutions": resolutions,
    }


def _milestones(
    facts: Facts, today: dt.date, slug_of_body: dict[int, str], plan_chain: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each milestone's progress (met on time, met late, open, overdue), and the overdue ones."""
    slug_of_field = {f.id: f.slug for f in facts.fields}
    field_slugs = [f.slug for f in facts.fields]
    adopted = {(slug_of_field[d.field_id], d.kind): d.adopted_on or today for d in facts.adopted}
    plan_by = {slug_of_body[b]: day for b, day in facts.plan_adopted_on.items()}
    # The plan is adopted by the last body of its Beratungsfolge, who votes only after the others
    # (a council resolution recorded before revision 0008 had no committee vote before it).
    plan_adopted_on = standing.plan_adopted_on(plan_chain[-1:], plan_by)
    defs = [ms.Milestone(m.slug, m.due, m.applies_to) for m in facts.milestones]
    by_slug = {m.slug: m for m in facts.milestones}
    milestone_rows = [
        {
            "milestone": p.milestone,
            "name": by_slug[p.milestone].name,
            "name_en": by_slug[p.milestone].name_en,
            "due": p.due,
            "due_text": by_slug[p.milestone].due_text,
            "original_due": by_slug[p.milestone].original_due,
            "rescheduled": by_slug[p.milestone].rescheduled_at is not None,
            "applies_to": p.applies_to,
            "state": p.state.value,
            "met": list(p.met),
            "met_late": list(p.met_late),
            "open": list(p.open),
            "overdue": p.overdue,
        }
        for p in ms.progress(defs, field_slugs, adopted, plan_adopted_on, today)
    ]
    overdue = [
        {
            "kind": "milestone",
            "milestone": o.milestone,
            "field": o.field,
            "document": o.document,
            "draft": None,
            "ref": None,
            "version": None,
            "body": None,
            "due": o.due,
            "days_overdue": o.days_overdue,
        }
        for o in ms.overdue(defs, field_slugs, adopted, plan_adopted_on, today)
    ]
    return milestone_rows, overdue


def _information(facts: Facts, today: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """When each body to be informed regularly (the committee) was last informed, when next, and whether that is overdue."""
    from lipctl.process import meetings

    rows, overdue = [], []
    for info in facts.information:
        due = meetings.information_due(info.last_informed, info.interval_days, first_session=info.first_session)
        late = meetings.information_overdue(due, today)
        rows.append(
            {
                "body": info.slug,
                "last_informed": info.last_informed,
                "meeting": info.meeting,
                "interval_days": info.interval_days,
                "next_due": due,
                "overdue": late is not None,
            }
        )
        if late is not None and due is not None:
            overdue.append(
                {
                    "kind": "information",
                    "milestone": None,
                    "field": None,
                    "document": None,
                    "draft": None,
                    "ref": None,
                    "version": None,
                    "body": info.slug,
                    "due": due,
                    "days_overdue": late,
                }
            )
    return rows, overdue
