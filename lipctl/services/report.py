"""The briefing for the International Committee (Sachstandsbericht), as HTML or Markdown.

The data comes from the store in one read transaction (the status, the decisions since a date,
survey participation counted in SQL); the templates in lipctl/report/templates render it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lipctl.errors import InvalidInput
from lipctl.files import outputs
from lipctl.i18n import _
from lipctl.services.status import collect
from lipctl.store import models as m
from lipctl.store import repositories as repo
from lipctl.store.reader import Reader

SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}

# The pipeline a document passes through, in order (submitted → opinions → steering → committee).
STAGES = ("submitted", "opinions", "steering", "committee")


def target(output: Path | str, *, force: bool = False) -> tuple[outputs.Target, str]:
    """The file to write and its format; refuses an unknown suffix and every path lipctl must not write.

    An earlier briefing (lipctl's own, recognised by its generator mark) is replaced without --force.
    """
    path = Path(output).expanduser()
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(
            _("cannot write a briefing to {path}: unknown file type {suffix!r}").format(path=str(path), suffix=path.suffix or ""),
            _("name the file FILE.html or FILE.md"),
        )
    return outputs.check_output(path, outputs.REPORT, force=force), fmt


def parse_since(value: str | None) -> dt.date | None:
    from lipctl.context import parse_day

    return parse_day(value, "--since")


def write_report(output: Path | str, since: str | None = None, *, force: bool = False) -> str:
    """Render the briefing to ``output`` (HTML or Markdown by its suffix) and return the path written."""
    from lipctl.context import current
    from lipctl.report import render

    out, fmt = target(output, force=force)  # before anything else: a refused path costs nothing
    since_day = parse_since(since)
    ctx = current()
    data = briefing(ctx.today, since_day)
    text = mark(render.html(data) if fmt == "html" else render.markdown(data), fmt)
    # A cron job may overwrite the briefing while someone opens it: never leave half a file.
    outputs.write_atomically(out, text)
    return str(out.given)


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


def briefing(today: dt.date, since: dt.date | None) -> dict[str, Any]:
    """Everything the briefing shows, as plain data (one read transaction, then the contacts)."""
    from lipctl.context import current
    from lipctl.services import fields as fields_svc

    with current().uow() as uow:
        s = uow.session
        status, names = collect(Reader.of(s), today)
        info = repo.process_info(s)
        decisions = _decisions(s, since, today)
        survey = _survey(s, status)
        considered = _considered(s)
        committee = s.scalars(select(m.Body.slug).where(m.Body.kind == "committee").order_by(m.Body.position, m.Body.id)).first()
    contacts = {c["field"]: c for c in fields_svc.contacts()}
    for f in status["fields"]:
        f["contacts"] = contacts.get(f["slug"])
        for d in f["documents"]:
            d["pipeline"] = pipeline(d)
    docs = [d for f in status["fields"] for d in f["documents"]]
    return {
        "as_of": today,
        "since": since,
        "process": info,
        "committee": names.bodies.get(committee) if committee else None,
        "names": names,
        "status": status,
        "decisions": decisions,
        "survey": survey,
        "considered": considered,
        "summary": {
            "documents": len(docs),
            "adopted": sum(1 for d in docs if d["state"] == "adopted"),
            "in_progress": sum(1 for d in docs if d["state"] not in (None, "adopted")),
            "not_submitted": sum(1 for d in docs if d["state"] is None),
            "overdue": len(status["overdue"]),
            "responses": survey["total"],
        },
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


def _decisions(s: Session, since: dt.date | None, today: dt.date) -> list[dict[str, Any]]:
    """Steering decisions and resolutions from ``since`` up to ``today``, oldest first."""
    bodies = {b.id: b for b in s.scalars(select(m.Body))}
    field_slugs = {f.id: f.slug for f in repo.all_fields(s)}
    steering = next((b for b in sorted(bodies.values(), key=lambda b: b.position) if b.kind == "steering_group"), None)
    rows: list[dict[str, Any]] = []

    q = (
        select(m.SteeringDecision, m.Draft.field_id, m.Draft.kind, m.Draft.version)
        .join(m.Draft, m.Draft.id == m.SteeringDecision.draft_id)
        .where(m.SteeringDecision.decided_on <= today)
    )
    if since is not None:
        q = q.where(m.SteeringDecision.decided_on >= since)
    for dec, field_id, kind, version in s.execute(q):
        rows.append(
            {
                "type": "steering",
                "date": dec.decided_on,
                "body": steering.slug if steering else None,
                "field": field_slugs[field_id],
                "kind": kind,
                "version": version,
                "draft": dec.draft_id,
                "result": dec.outcome.value,
                "text": dec.reason,
                "without_opinions": dec.without_opinions,
                "drucksache": None,
                "votes": None,
                "order": (dec.decided_on, 0, dec.id),
            }
        )

    q2 = (
        select(m.Resolution, m.Draft.field_id, m.Draft.kind, m.Draft.version)
        .outerjoin(m.Draft, m.Draft.id == m.Resolution.draft_id)
        .where(m.Resolution.decided_on <= today)
    )
    if since is not None:
        q2 = q2.where(m.Resolution.decided_on >= since)
    for res, field_id, kind, version in s.execute(q2):
        rows.append(
            {
                "type": "resolution",
                "date": res.decided_on,
                "body": bodies[res.body_id].slug,
                "field": field_slugs.get(field_id) if field_id else None,
                "kind": kind,
                "version": version,
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


def _survey(s: Session, status: dict[str, Any]) -> dict[str, Any]:
    """Survey participation counted in SQL: per field (from the status), per category, per survey."""
    by_field = [{"field": f["slug"], "name_row": f, "count": f["survey_responses"]} for f in status["fields"]]
    cat_counts = dict(s.execute(select(m.SurveyResponse.category_id, func.count()).group_by(m.SurveyResponse.category_id)).all())
    categories = []
    for c in repo.all_categories(s):
        categories.append({"category": c.slug, "name": c.name, "name_en": c.name_en, "count": int(cat_counts.get(c.id, 0))})
    if cat_counts.get(None):
        categories.append({"category": None, "name": None, "name_en": None, "count": int(cat_counts[None])})
    surveys = [
        {"name": name, "count": int(n)}
        for name, n in s.execute(
            select(m.Survey.name, func.count(m.SurveyResponse.id))
            .outerjoin(m.SurveyResponse, m.SurveyResponse.survey_id == m.Survey.id)
            .group_by(m.Survey.id, m.Survey.name)
            .order_by(m.Survey.name)
        )
    ]
    total = sum(x["count"] for x in surveys)
    unrouted = total - sum(x["count"] for x in by_field)
    return {"total": total, "by_field": by_field, "by_category": categories, "surveys": surveys, "unrouted": unrouted}


def _considered(s: Session) -> list[dict[str, Any]]:
    """Which draft versions took which survey into account (draft_surveys)."""
    q = (
        select(m.ActionField.slug, m.Draft.kind, m.Draft.version, m.Draft.id, m.Draft.state, m.Survey.name)
        .select_from(m.DraftSurvey)
        .join(m.Draft, m.Draft.id == m.DraftSurvey.draft_id)
        .join(m.ActionField, m.ActionField.id == m.Draft.field_id)
        .join(m.Survey, m.Survey.id == m.DraftSurvey.survey_id)
        .order_by(m.ActionField.position, m.Draft.kind, m.Draft.version, m.Survey.name)
    )
    return [
        {"field": f, "kind": k, "version": v, "draft": i, "state": st.value, "survey": name}
        for f, k, v, i, st, name in s.execute(q)
    ]
