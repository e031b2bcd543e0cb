"""Drafts and opinions as staff read them — draft list, show, history; opinion list — through the driver.

The queries are lipctl.store.read (no SQLAlchemy import); this module shapes what they return.
``draft_row`` also shapes what ``draft submit`` prints, ``opinion_row`` what ``opinion record`` prints.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from lipctl.process import lifecycle, standing
from lipctl.process.plan import PLAN_REF
from lipctl.store.read import definition, drafts, opinions
from lipctl.store.read import surveys as read_surveys  # issue 18

if TYPE_CHECKING:
    from lipctl.context import Env


def draft_row(d: drafts.Draft) -> dict[str, Any]:
    """A draft as scripts read it (id, field, kind, version, state, ref)."""
    return {
        "id": d.id,
        "field": d.field,
        "kind": d.kind,
        "version": d.version,
        "state": d.state,
        "ref": d.ref,
        "title": d.title,
        "state_since": d.state_since,
        "submitted_on": d.submitted_on,
        "submitted_by": d.submitted_by,
        "file_name": d.file_name,
        "file_size": d.file_size,
        "file_sha256": d.file_sha256,
        "voided": voided_json(d.voided_at, d.voided_by, d.void_reason),
    }


def voided_json(at: dt.datetime | None, by: str | None, reason: str | None) -> dict[str, Any] | None:
    """A record's ``voided`` as JSON shows it: null, or when (UTC), by whom, why."""
    if at is None:
        return None
    return {"at": at.replace(tzinfo=dt.UTC), "by": by, "reason": reason}


def voided_text(voided: dict[str, Any] | None) -> str:
    """The mark a listing puts on a voided record: voided 2021-03-02 by mueller: Zählfehler."""
    from lipctl.i18n import _

    if not voided:
        return ""
    at = voided["at"]
    return _("voided {date} by {actor}: {reason}").format(
        date=at.date().isoformat() if isinstance(at, dt.datetime) else str(at)[:10], actor=voided["by"], reason=voided["reason"]
    )


def list_drafts(
    env: Env, field: str | None = None, state: str | None = None, *, include_voided: bool = False
) -> list[dict[str, Any]]:
    """Every draft version, by field, document and version (draft list); withdrawn ones with ``include_voided``."""

    wanted = lifecycle.parse_state(state) if state is not None else None
    with env.reader() as r:
        slug = PLAN_REF if field is not None and field.strip().lower() == PLAN_REF else None
        if field is not None and slug is None:
            slug = definition.field_slug(r, field)
        return [
            draft_row(d)
            for d in drafts.drafts(r, slug, wanted.value if wanted is not None else None, include_voided=include_voided)
        ]


def opinion_row(o: opinions.Opinion) -> dict[str, Any]:
    """An opinion as listed (id, draft, body, stance, text, recorded_at)."""
    return {
        "id": o.id,
        "draft": o.draft_id,
        "ref": f"{o.field}/{o.kind}" if o.field is not None else PLAN_REF,
        "version": o.version,
        "body": o.body,
        "stance": o.stance,
        "text": o.text,
        "file_name": o.file_name,
        "file_size": o.file_size,
        "file_sha256": o.file_sha256,
        "received_on": o.received_on,
        "recorded_at": o.recorded_at,
        "recorded_by": o.recorded_by,
        "voided": voided_json(o.voided_at, o.voided_by, o.void_reason),
    }


def list_opinions(env: Env, ref: str | None = None, *, include_voided: bool = False) -> list[dict[str, Any]]:
    """Every opinion, or those on one draft version (opinion list); withdrawn ones with ``include_voided``."""

    with env.reader() as r:
        draft = drafts.draft_id(r, ref) if ref is not None else None
        rows = [opinion_row(o) for o in opinions.opinions(r, draft, include_voided=include_voided)]
        live_drafts = sorted({row["draft"] for row in rows if row["voided"] is None})
        if include_voided and live_drafts:  # an opinion on a withdrawn version is void with it: marked so
            withdrawn = drafts.voided_records(r, live_drafts)
            for row in rows:
                mark = withdrawn.get(("version", row["draft"])) if row["voided"] is None else None
                if mark is not None:
                    row["voided"] = voided_json(mark.at, mark.by, mark.reason)
        return rows


def decision_row(dec: drafts.Decision) -> dict[str, Any]:
    """A steering decision as 'draft show' gives it, with its id (for 'steering void')."""
    return {
        "id": dec.id,
        "result": lifecycle.decision_event(dec.outcome),
        "reason": dec.reason or None,
        "decided_on": dec.decided_on,
        "without_opinions": dec.without_opinions,
        "missing_opinions": json.loads(dec.missing_opinions) if dec.missing_opinions else [],
        "voided": voided_json(dec.voided_at, dec.voided_by, dec.void_reason),
    }


def show(env: Env, ref: str) -> dict[str, Any]:
    """One version with its opinions, what is missing or overdue, its decision and considered surveys (draft show)."""

    with env.reader() as r:
        draft = drafts.draft(r, drafts.draft_id(r, ref))
        row = draft_row(draft)
        need = opinions.requirements(r)
        got = opinions.received(r, draft.id)
        # A withdrawn version waits for nothing: it counts for nothing, whatever state it was left in.
        open_ = draft.voided_at is None and draft.state in lifecycle.AWAITING_OPINIONS
        row["missing_opinions"] = lifecycle.missing_opinions([b for b, _d in need], got) if open_ else []
        # The version's opinions, withdrawn ones too; those that count are the ones ``got`` names.
        every_opinion = opinions.opinions(r, draft.id, include_voided=True)
        first: dict[str, dt.date] = {}
        for o in (o for o in every_opinion if o.voided_at is None):
            first[o.body] = min(first.get(o.body, o.received_on), o.received_on)
        late = {b: due for b, due, _got in standing.late_opinions(draft.submitted_on, need, first)}
        row["opinions_due"] = [
            {
                "body": b,
                "due": lifecycle.opinion_due(draft.submitted_on, d),
                "received": b in got,
                "received_on": first.get(b),
                "late": b in late,
            }
            for b, d in need
        ]
        row["overdue_opinions"] = (
            [{"body": b, "due": due} for b, due in lifecycle.overdue_opinions(draft.submitted_on, need, got, env.today)]
            if open_
            else []
        )
        # The version's opinions and decisions, withdrawn and voided ones marked (they count for nothing).
        row["opinions"] = [
            {
                **opinion_row(o),
                "late": o.voided_at is None and o.body in late and standing.is_late(o.received_on, late[o.body]),
            }
            for o in every_opinion
        ]
        every = [decision_row(d) for d in drafts.decisions(r, draft.id)]
        live = [d for d in every if d["voided"] is None]
        row["decision"] = live[0] if live else None
        row["voided_decisions"] = [d for d in every if d["voided"] is not None]
        row["considered_surveys"] = drafts.considered_surveys(r, draft.id)
        # issue 18, survey rounds: had the considered answers been handed to the field's group by the version's day?
        row["survey_handovers"] = [c._asdict() for c in read_surveys.considered_handovers(r, draft.id)]
        row["file_copy"] = draft.file_copy
        return row


def history(env: Env, ref: str) -> list[dict[str, Any]]:
    """Every audit event of every version of the document, in order, with actor and time (draft history)."""
    from lipctl.report.labels import event_summary

    with env.reader() as r:
        draft = drafts.draft(r, drafts.draft_id(r, ref))
        versions = drafts.versions(r, draft.field_id, draft.kind)
        voided = drafts.voided_records(r, list(versions))
        rows = []
        for e in drafts.history_events(r, list(versions)):
            details = json.loads(e.details) if e.details else {}
            record = recorded(e.action, e.entity_id, details)
            mark = voided.get(record) if record is not None else None
            void = voided_json(mark.at, mark.by, mark.reason) if mark is not None else None
            summary = _correction(e.action, details) if e.action in _CORRECTIONS else event_summary(e.action, details)
            rows.append(
                {
                    "id": e.id,
                    "happened_on": e.happened_on,
                    "occurred_at": e.occurred_at.replace(tzinfo=dt.UTC),
                    "actor": e.actor,
                    "action": e.action,
                    "draft": e.entity_id,
                    "version": versions.get(e.entity_id) if e.entity_id is not None else None,
                    "command": e.command,
                    "summary": f"{summary} — {voided_text(void)}" if void else summary,
                    "voided": void,
                    "details": details,
                }
            )
        return rows


_CORRECTIONS = ("opinion.withdrawn", "steering.voided", "resolution.voided", "draft.withdrawn")


def _correction(action: str, d: dict[str, Any]) -> str:
    """One line for a correction event in draft history: what was voided, why, and the states computed again."""
    from lipctl.i18n import _
    from lipctl.report.labels import state_label

    if action == "opinion.withdrawn":
        text = _("opinion {id} of {body} withdrawn").format(id=d.get("opinion"), body=d.get("body"))
    elif action == "steering.voided":
        text = _("steering decision {id} voided").format(id=d.get("decision"))
    elif action == "resolution.voided":
        text = _("resolution {id} of {body} voided").format(id=d.get("resolution"), body=d.get("body"))
    else:
        text = _("v{version} withdrawn").format(version=d.get("version"))
    text += f": {d.get('reason')}"
    changes = d.get("changes") or []
    if changes:
        text += (
            " ("
            + "; ".join(f"v{c['version']}: {state_label(c['state_before'])} → {state_label(c['state'])}" for c in changes)
            + ")"
        )
    return text


#: The event that recorded a voidable record, and the detail that names it (None: the event's draft).
_RECORDING = {
    "draft.submitted": ("version", None),
    "opinion.recorded": ("opinion", "opinion"),
    "steering.decided": ("decision", "decision"),
    "resolution.recorded": ("tally", "resolution"),
}


def recorded(action: str, entity_id: int | None, details: dict[str, Any]) -> tuple[str, int] | None:
    """The record an event recorded, as (kind, id), where it is one that can be voided."""
    if action not in _RECORDING:
        return None
    kind, key = _RECORDING[action]
    number = entity_id if key is None else details.get(key)
    return (kind, int(number)) if isinstance(number, int) else None


def list_resolutions(env: Env, body_kind: str, *, since: str | None = None, include_voided: bool = False) -> list[dict[str, Any]]:
    """The resolutions of the committee (``committee``) or the council (``council``), oldest first
    (committee list, council list): what each was on, its result with the arithmetic, Drucksache, date, session."""
    from lipctl.context import parse_day
    from lipctl.store.read import resolutions as q

    day = parse_day(since, "--since")
    with env.reader() as r:
        rows = q.listed(r, body_kind, since=day, include_voided=include_voided)
    return [
        {
            "id": x.id,
            "date": x.decided_on,
            "body": x.body,
            "ref": "plan" if x.scope == "plan" else f"{x.field}/{x.kind}",
            "version": x.version,
            "result": x.result,
            "yes": x.yes,
            "no": x.no,
            "abstain": x.abstain,
            "present": x.present,
            "members": x.members,
            "arithmetic": x.arithmetic,
            "drucksache": x.drucksache,
            "meeting": x.meeting_id,
            "exception_reason": x.exception_reason,
            "voided": voided_json(x.voided_at, x.voided_by, x.void_reason),
        }
        for x in rows
    ]
