"""The briefing for the International Committee (Sachstandsbericht), as HTML or Markdown.

The data comes from the store in one read transaction on the driver's own connection (the status,
the decisions since a date, survey participation counted in SQL, the contacts: lipctl.store.read),
is shaped here into plain data, and the templates in lipctl/report/templates render it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from lipctl.errors import InvalidInput
from lipctl.files import outputs
from lipctl.i18n import _
from lipctl.process import standing
from lipctl.process.states import ContactRole
from lipctl.services import status as status_svc
from lipctl.store.read import definition
from lipctl.store.read import log as audit_log
from lipctl.store.read import report as q
from lipctl.store.reader import Reader

if TYPE_CHECKING:
    from lipctl.context import Env
    from lipctl.process.auditchain import Head

SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}

# The pipeline a document passes through, in order (submitted → opinions → steering → committee).
STAGES = ("submitted", "opinions", "steering", "committee")


def _unknown_suffix(path: Path) -> InvalidInput:
    return InvalidInput(
        _("cannot write a briefing to {path}: unknown file type {suffix!r}").format(path=str(path), suffix=path.suffix or ""),
        _("name the file with one of {suffixes}, or give - for standard output").format(suffixes=_suffixes()),
    )


def _suffixes() -> str:
    return ", ".join(SUFFIXES)


def parse_since(value: str | None) -> dt.date | None:
    from lipctl.context import parse_day

    return parse_day(value, "--since")


def write_report(env: Env, output: Path | str, since: str | None = None, *, force: bool = False) -> str:
    """Render the briefing to ``output`` (HTML or Markdown by its suffix; - writes Markdown to standard output)
    and return the path written. The file is checked before the store is read; an earlier briefing
    (lipctl's own, recognised by its generator mark) is replaced without ``force``."""

    def text(fmt: str) -> str:
        from lipctl.report import render

        data = briefing(env, parse_since(since))
        return mark(render.html(data) if fmt == "html" else render.markdown(data), fmt)

    return outputs.write_document(output, outputs.REPORT, SUFFIXES, _unknown_suffix, text, stdout_kind="markdown", force=force)


def mark(text: str, fmt: str) -> str:
    """The briefing with lipctl's generator mark, by which the next run recognises it as its own."""
    from lipctl import __version__

    if fmt == "html":
        meta = f'{outputs.REPORT_HTML_MARK} {__version__}">'
        head = re.search(r"<head[^>]*>", text, re.IGNORECASE)
        if head is None:
            return meta + "\n" + text
        return f"{text[: head.end()]}\n{meta}{text[head.end() :]}"
    return f"{outputs.REPORT_MARKDOWN_MARK} {__version__} (lipctl report) -->\n{text}"


class Facts(NamedTuple):
    """Everything the briefing shows, read in one transaction."""

    status: status_svc.Facts
    steering: list[q.SteeringDecision]
    resolutions: list[q.Resolution]
    categories: list[definition.Category]
    per_category: dict[int | None, int]
    per_survey: list[q.SurveyCount]
    considered: list[q.Considered]
    contacts: list[q.Contact]
    audit: Head | None = None  # the audit log's head (lipctl log verify), for the footer


def read(r: Reader, since: dt.date | None, today: dt.date) -> Facts:
    """The briefing's facts: the status's, the decisions from ``since`` to ``today``, the survey counts, the contacts."""
    return Facts(
        status_svc.read(r),
        q.steering_decisions(r, since, today),
        q.resolutions(r, since, today),
        definition.categories(r),
        q.responses_per_category(r),
        q.responses_per_survey(r),
        q.considered(r),
        q.contacts(r),
        audit_log.head(r),
    )


def briefing(env: Env, since: dt.date | None) -> dict[str, Any]:
    """Everything the briefing shows as of ``env.today``, as plain data (one read transaction)."""
    with env.reader() as r:
        facts = read(r, since, env.today)
    return shape(facts, env.today, since)


def shape(facts: Facts, today: dt.date, since: dt.date | None) -> dict[str, Any]:
    """The briefing's data for the templates."""
    status, names = status_svc.shape(facts.status, today)
    contacts = _contacts(facts)
    for f in status["fields"]:
        f["contacts"] = contacts.get(f["slug"])
        for d in f["documents"]:
            d["pipeline"] = pipeline(d)
    survey = _survey(facts, status)
    committee = standing.roles(facts.status.bodies).committee
    docs = [d for f in status["fields"] for d in f["documents"]]
    return {
        "as_of": today,
        "since": since,
        "process": facts.status.process,
        "committee": names.bodies.get(committee) if committee else None,
        "names": names,
        "status": status,
        "decisions": _decisions(facts),
        "survey": survey,
        "considered": [
            {"field": c.field, "kind": c.kind, "version": c.version, "draft": c.draft, "state": c.state.value, "survey": c.survey}
            for c in facts.considered
        ],
        "summary": {
            "documents": len(docs),
            "adopted": sum(1 for d in docs if d["state"] == "adopted"),
            "in_progress": sum(1 for d in docs if d["state"] not in (None, "adopted")),
            "not_submitted": sum(1 for d in docs if d["state"] is None),
            "overdue": len(status["overdue"]),
            "responses": survey["total"],
        },
        "audit": {"events": facts.audit.events, "head": facts.audit.hash} if facts.audit is not None else None,
    }


def pipeline(doc: dict[str, Any]) -> list[str]:
    """Each stage's mark for the pipeline picture: done, current, todo, returned, rejected."""
    state = doc["state"]
    marks = {
        None: ["todo", "todo", "todo", "todo"],
        "submitted": ["done", "current", "todo", "todo"],
        "ready_for_decision": ["done", "done", "current", "todo"],
        "returned": ["done", "done", "returned", "todo"],
        "forwarded": ["done", "done", "done", "current"],
        "adopted": ["done", "done", "done", "done"],
        "rejected": ["done", "done", "done", "rejected"],
        "superseded": ["done", "todo", "todo", "todo"],
    }
    return marks.get(state, ["todo"] * len(STAGES))


def _decisions(facts: Facts) -> list[dict[str, Any]]:
    """Steering decisions and resolutions from ``since`` up to ``today``, oldest first."""
    body_slug = {b.id: b.slug for b in facts.status.bodies}
    field_slug = {f.id: f.slug for f in facts.status.fields}
    steering = standing.roles(facts.status.bodies).steering
    rows: list[dict[str, Any]] = []
    for dec in facts.steering:
        rows.append(
            {
                "type": "steering",
                "date": dec.decided_on,
                "body": steering,
                "field": field_slug.get(dec.field_id) if dec.field_id is not None else None,  # None: the plan
                "kind": dec.kind,
                "version": dec.version,
                "draft": dec.draft_id,
                "result": dec.outcome.value,
                "text": dec.reason,
                "without_opinions": dec.without_opinions,
                "drucksache": None,
                "votes": None,
                "order": (dec.decided_on, 0, dec.id),
            }
        )
    for res in facts.resolutions:
        rows.append(
            {
                "type": "resolution",
                "date": res.decided_on,
                "body": body_slug[res.body_id],
                "field": field_slug.get(res.field_id) if res.field_id else None,
                "kind": res.kind,
                "version": res.version,
                "draft": res.draft_id,
                "scope": res.scope.value,
                "result": res.result.value,
                "text": res.arithmetic,
                "without_opinions": False,
                "drucksache": res.drucksache,
                "votes": {"yes": res.yes, "no": res.no, "abstain": res.abstain, "present": res.present, "members": res.members},
                "quorate": res.quorate,
                "exception_reason": res.exception_reason,
                "order": (res.decided_on, 1, res.id),
            }
        )
    rows.sort(key=lambda r: r.pop("order"))
    return rows


def _survey(facts: Facts, status: dict[str, Any]) -> dict[str, Any]:
    """Survey participation: per field (from the status), per category, per survey."""
    by_field = [
        {"field": f["slug"], "name_row": f, "count": f["survey_responses"], "not_handed_over": f["not_handed_over"]}
        for f in status["fields"]
    ]
    counts = facts.per_category
    categories = [
        {"category": c.slug, "name": c.name, "name_en": c.name_en, "count": counts.get(c.id, 0)} for c in facts.categories
    ]
    if counts.get(None):
        categories.append({"category": None, "name": None, "name_en": None, "count": counts[None]})
    surveys: list[dict[str, Any]] = [{"name": s.name, "count": s.responses} for s in facts.per_survey]
    total = sum(x["count"] for x in surveys)
    unrouted = total - sum(x["count"] for x in by_field)
    return {"total": total, "by_field": by_field, "by_category": categories, "surveys": surveys, "unrouted": unrouted}


def _contacts(facts: Facts) -> dict[str, dict[str, Any]]:
    """Per action field (by slug): its contact and the internal and external speakers."""
    by_field: dict[int, dict[ContactRole, q.Contact]] = {}
    for c in facts.contacts:
        by_field.setdefault(c.field_id, {})[c.role] = c
    out = {}
    for f in facts.status.fields:
        roles = by_field.get(f.id, {})
        contact = roles.get(ContactRole.CONTACT)
        out[f.slug] = {
            "field": f.slug,
            "field_name": f.name,
            "field_name_en": f.name_en,
            "contact": contact.person if contact else None,
            "contact_title": contact.title if contact else None,
            "internal_speaker": _person(roles.get(ContactRole.INTERNAL_SPEAKER)),
            "external_speaker": _person(roles.get(ContactRole.EXTERNAL_SPEAKER)),
        }
    return out


def _person(contact: q.Contact | None) -> dict[str, Any] | None:
    if contact is None or contact.person is None:
        return None
    return {"name": contact.person, "unit": contact.unit}
