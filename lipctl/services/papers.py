"""The Drucksachen register (paper list): numbers, their type and what each carries.

A tally's --drucksache registers its paper, or uses the registered one when it carries the same
thing (the same draft version, or the plan); a number registered for something else is refused,
naming its owner (lipctl.process.papers). The founding resolution is loaded from the seed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lipctl.i18n import _
from lipctl.process import papers as rules
from lipctl.services import audit
from lipctl.store import models as m

if TYPE_CHECKING:
    from lipctl.context import Env
    from lipctl.process import definition as d


def _carried(paper: m.Paper) -> rules.Carried:
    return rules.Carried(paper.carries, paper.draft_id)


def _draft_ref(s: Session, draft_id: int | None) -> tuple[str | None, int | None]:
    draft = s.get(m.Draft, draft_id) if draft_id is not None else None
    if draft is None:
        return None, None
    field = s.get(m.ActionField, draft.field_id)
    assert field is not None
    return f"{field.slug}/{draft.kind}", draft.version


def owner_label(s: Session, carried: rules.Carried) -> str:
    """What a paper carries, in words: 'bildung/grundsatzpapier v1', 'the plan', …"""
    if carried.what == "draft":
        ref, version = _draft_ref(s, carried.draft_id)
        return f"{ref} v{version}"
    if carried.what == "plan":
        return _("the complete plan")
    if carried.what == "founding":
        return _("the founding resolution of the process")
    return _("information")


def register_for_tally(
    env: Env, s: Session, number: str, *, carried: rules.Carried, body: m.Body, day: dt.date, title: str | None
) -> m.Paper:
    """The paper ``number`` for a tally: the registered one if it carries the same thing, else a new one."""
    paper = s.scalars(select(m.Paper).where(m.Paper.number == number).with_for_update()).first()
    if paper is not None:
        rules.check_owner(number, _carried(paper), carried, owner_label(s, _carried(paper)))
        return paper
    paper = m.Paper(
        number=number,
        kind=rules.classify(number),
        carries=carried.what,
        draft_id=carried.draft_id,
        body_id=body.id,
        date=day,
        title=title,
        registered_at=audit.utcnow(),
        registered_by=env.actor,
    )
    try:
        with s.begin_nested():  # two offices registering the same new number at once: the second sees the first's
            s.add(paper)
            s.flush()
    except IntegrityError:
        first = s.scalars(select(m.Paper).where(m.Paper.number == number)).one()
        rules.check_owner(number, _carried(first), carried, owner_label(s, _carried(first)))
        return first
    audit.record(
        env,
        s,
        "paper.registered",
        entity="paper",
        entity_id=paper.id,
        happened_on=day,
        **_row(s, paper, {body.id: body.slug}),
    )
    return paper


def sync_founding(env: Env, s: Session, pd: d.ProcessDefinition) -> list[dict[str, Any]]:
    """The founding resolution (seed: process.founding_resolution) as a paper; the changes made."""
    number = pd.founding_drucksache
    if number is None:
        return []
    from lipctl.process.drucksache import parse_drucksache

    number = parse_drucksache(number)
    body = s.scalars(select(m.Body).where(m.Body.slug == pd.founding_body)).first() if pd.founding_body else None
    values = {
        "kind": rules.classify(number),
        "carries": "founding",
        "draft_id": None,
        "body_id": body.id if body else None,
        "date": pd.founding_date,
        "title": pd.founding_title,
    }
    paper = s.scalars(select(m.Paper).where(m.Paper.number == number)).first()
    if paper is None:
        paper = m.Paper(number=number, registered_at=audit.utcnow(), registered_by=env.actor, **values)
        s.add(paper)
        s.flush()  # audited with the rest of the seed: init's seed.loaded event counts this change
        return [{"change": "added", "what": f"paper {number}"}]
    if paper.carries != "founding":  # a database that used the number before the register existed: db check lists it
        return []
    diff = sorted(k for k, v in values.items() if getattr(paper, k) != v)
    for k in diff:
        setattr(paper, k, values[k])
    s.flush()
    return [{"change": "updated", "what": f"paper {number}", "fields": diff}] if diff else []


def _row(s: Session, paper: m.Paper, bodies: dict[int, str]) -> dict[str, Any]:
    ref, version = _draft_ref(s, paper.draft_id)
    if paper.body_id is not None and paper.body_id not in bodies:
        body = s.get(m.Body, paper.body_id)
        bodies[paper.body_id] = body.slug if body else "?"
    return {
        "number": paper.number,
        "type": paper.kind,
        "type_name": rules.TYPE_NAMES.get(paper.kind, paper.kind),
        "date": paper.date,
        "title": paper.title,
        "carries": paper.carries,
        "ref": ref,
        "version": version,
        "body": bodies.get(paper.body_id) if paper.body_id is not None else None,
    }


def list_papers(env: Env) -> list[dict[str, Any]]:
    """Every registered paper, in order of registration, with the resolutions that carry its number."""
    with env.uow() as uow:
        s = uow.session
        bodies: dict[int, str] = {}
        used: dict[str, list[int]] = {}
        for number, rid in s.execute(
            select(m.Resolution.drucksache, m.Resolution.id).where(m.Resolution.drucksache.is_not(None)).order_by(m.Resolution.id)
        ):
            used.setdefault(number or "", []).append(rid)
        out = []
        for paper in s.scalars(select(m.Paper).order_by(m.Paper.id)):
            out.append({**_row(s, paper, bodies), "resolutions": used.get(paper.number, [])})
        return out


def reuse(s: Session) -> list[dict[str, Any]]:
    """Resolutions whose Drucksache number's paper carries something else (a reuse from before revision 0007)."""
    papers = {p.number: p for p in s.scalars(select(m.Paper))}
    out = []
    for res in s.scalars(select(m.Resolution).where(m.Resolution.drucksache.is_not(None)).order_by(m.Resolution.id)):
        paper = papers.get(res.drucksache or "")
        if paper is None:
            continue
        mine = rules.Carried("plan", None) if res.scope.value == "plan" else rules.Carried("draft", res.draft_id)
        if _carried(paper) != mine:
            out.append(
                {
                    "drucksache": res.drucksache,
                    "resolution": res.id,
                    "used_for": owner_label(s, mine),
                    "owner": owner_label(s, _carried(paper)),
                }
            )
    return out
