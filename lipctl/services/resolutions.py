"""Committee and council resolutions (Beschlüsse): a tally, its computed result, and its effect.

The committee votes on a forwarded draft; the council on the whole plan. Who decides, in which
order, is the Beratungsfolge in seed.yaml (``decision_steps``); each body's rule set decides the
arithmetic (lipctl.process.votes). A tally is one resolution row and one audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from lipctl.errors import InvalidInput, Refused
from lipctl.i18n import _
from lipctl.process import chronology, lifecycle, limits, votes
from lipctl.process import definition as d
from lipctl.process.drucksache import parse_drucksache
from lipctl.process.states import DecisionScope
from lipctl.services import audit
from lipctl.store import models as m
from lipctl.store import repositories as repo
from lipctl.store.read import drafts as read_drafts

if TYPE_CHECKING:
    from lipctl.context import Env


def parse_date(value: str | None, today: dt.date) -> dt.date:
    """The date of the meeting: --date, else the "as of" date; never after it."""
    from lipctl.services.drafts import parse_day

    return parse_day(value, today, "--date", _("record a vote once it has taken place"))


def _check_counts(**counts: int | None) -> None:
    """Every count fits the INTEGER columns of both stores (impossible numbers are votes.validate's to refuse)."""
    for name, value in counts.items():
        if value is not None:
            limits.check_count(value, f"--{name}")


def _rule_set(session: Session, body: m.Body) -> d.RuleSet:
    row = session.get(m.RuleSet, body.rule_set_id) if body.rule_set_id else None
    if row is None:
        raise Refused(
            _("{body} has no vote rules in the seed").format(body=body.name),
            _("give the body a rule_set in seed.yaml and run 'lipctl init --seed FILE'"),
        )
    return d.RuleSet(row.slug, row.name, row.quorum, row.majority, row.second_convocation_quorate, row.description)


def _deciding_body(session: Session, scope: DecisionScope, draft_id: int | None, requested: str | None) -> tuple[m.Body, bool]:
    """The next body of the Beratungsfolge that has not adopted yet, and whether it is the last one."""
    chain = repo.decision_chain(session, scope)
    if not chain:
        raise Refused(
            _("the seed names no body that decides on the {scope}").format(scope=scope.value),
            _("add decision_chain.{scope} to seed.yaml and run 'lipctl init --seed FILE'").format(scope=scope.value),
        )
    adopted = repo.adopting_bodies(session, scope, draft_id)
    by_id = {b.id: b for b in chain}
    asked = repo.get_body(session, requested).slug if requested is not None else None
    slug, last = lifecycle.deciding_body(
        [b.slug for b in chain], {by_id[i].slug for i in adopted if i in by_id}, scope=scope.value, requested=asked
    )
    return next(b for b in chain if b.slug == slug), last


def _members(
    s: Session, body: m.Body, day: dt.date, members: int | None, override: bool, reason: str | None
) -> tuple[int, int | None, str | None]:
    """Rosters (issue 16): the members the tally counts with, the statutory number on ``day`` and the
    override's reason — lipctl.services.rosters.tally_members (process rules in lipctl.process.rosters)."""
    from lipctl.services import rosters

    return rosters.tally_members(s, body, day, members, override=override, reason=reason)


def _register_paper(
    env: Env, s: Session, number: str | None, body: m.Body, day: dt.date, draft: m.Draft | None, title: str | None
) -> None:
    """Drucksachen register (issue 16): the tally's --drucksache is its paper's number (lipctl.services.papers)."""
    if number is None:
        return
    from lipctl.process.papers import Carried
    from lipctl.services import papers

    carried = Carried("draft", draft.id) if draft is not None else Carried("plan")
    papers.register_for_tally(env, s, number, carried=carried, body=body, day=day, title=title)


def _members_fields(res: m.Resolution, statutory: int | None, why: str | None) -> dict[str, Any]:
    res.members_statutory, res.members_reason = statutory, why
    return {"members_statutory": statutory, "members_reason": why}


def _refuse_unless_forwarded(session: Session, draft: m.Draft, ref: str) -> None:
    field = session.get(m.ActionField, draft.field_id)
    assert field is not None
    lifecycle.check_tally(
        draft.state, label=f"{ref} v{draft.version}", ref=ref, field=field.slug, kind=draft.kind, since=draft.state_since
    )


def _row(res: m.Resolution, body: m.Body, **extra: Any) -> dict[str, Any]:
    return {
        "id": res.id,
        "scope": res.scope.value,
        **extra,
        **_vote_fields(res, body),
        "second_convocation": res.second_convocation,  # the row says False where the event leaves it out
        "exception_reason": res.exception_reason,
        "voided": None,  # a resolution just recorded; 'committee void ID' / 'council void ID' correct it
    }


def _vote_fields(res: m.Resolution, body: m.Body) -> dict[str, Any]:
    """The vote as the resolution.recorded event gives it, for a document and the plan alike."""
    return {
        "body": body.slug,
        "rule_set": res.rule_set,
        "result": res.result.value,
        "yes": res.yes,
        "no": res.no,
        "abstain": res.abstain,
        "present": res.present,
        "members": res.members,
        "quorate": res.quorate,
        "second_convocation": res.second_convocation or None,
        "arithmetic": res.arithmetic,
        "drucksache": res.drucksache,
        "date": res.decided_on,
    }


def _store(
    env: Env,
    session: Session,
    scope: DecisionScope,
    draft_id: int | None,
    body: m.Body,
    rules: d.RuleSet,
    tally: votes.Tally,
    outcome: votes.Outcome,
    drucksache: str | None,
    day: dt.date,
    exception_reason: str | None = None,
) -> m.Resolution:

    res = m.Resolution(
        scope=scope,
        draft_id=draft_id,
        body_id=body.id,
        rule_set=rules.slug,
        yes=tally.yes,
        no=tally.no,
        abstain=tally.abstain,
        present=tally.present,
        members=tally.members,
        second_convocation=tally.second_convocation,
        quorate=outcome.quorate,
        result=outcome.result,
        arithmetic=outcome.arithmetic,
        drucksache=drucksache,
        decided_on=day,
        exception_reason=exception_reason,
        recorded_at=audit.utcnow(),
        recorded_by=env.actor,
    )
    session.add(res)
    session.flush()
    return res


def tally_document(
    env: Env,
    ref: str,
    *,
    yes: int,
    no: int,
    abstain: int,
    present: int,
    members: int | None = None,
    drucksache: str | None = None,
    date: str | None = None,
    defer: bool = False,
    second_convocation: bool = False,
    body: str | None = None,
    members_override: bool = False,
    reason: str | None = None,
) -> dict[str, Any]:
    """Record the committee's vote on a forwarded draft; adopted or rejected settles that version.

    ``members_override``/``reason``: count with --members although it differs from the statutory number."""
    from lipctl.process import lifecycle

    _check_counts(yes=yes, no=no, abstain=abstain, present=present, members=members)
    number = parse_drucksache(drucksache) if drucksache is not None else None
    day = parse_date(date, env.today)
    with env.uow(write=True) as uow:
        s = uow.session
        draft = repo.get_draft(s, ref)
        # Two offices tallying the same draft at once: the second waits here and then sees the
        # first one's result (SQLite serialises writers with BEGIN IMMEDIATE already).
        s.refresh(draft, with_for_update=True)
        from lipctl.services.drafts import refuse_withdrawn

        refuse_withdrawn(s, draft)
        field = s.get(m.ActionField, draft.field_id)
        assert field is not None
        doc_ref = f"{field.slug}/{draft.kind}"
        _refuse_unless_forwarded(s, draft, doc_ref)
        chronology.check_tally(
            day,
            what=f"{doc_ref} v{draft.version}",
            forwarded_on=draft.state_since,
            previous_tally=read_drafts.last_tally(repo.reader(s), draft.id),
        )
        deciding, last = _deciding_body(s, DecisionScope.DOCUMENT, draft.id, body)
        rules = _rule_set(s, deciding)
        counted, statutory, why = _members(s, deciding, day, members, members_override, reason)
        tally = votes.Tally(yes, no, abstain, present, counted, second_convocation, defer)
        outcome = votes.decide(tally, rules)
        _register_paper(env, s, number, deciding, day, draft, draft.title or f"{doc_ref} v{draft.version}")
        res = _store(env, s, DecisionScope.DOCUMENT, draft.id, deciding, rules, tally, outcome, number, day)
        members_fields = _members_fields(res, statutory, why)
        event = lifecycle.tally_event(outcome.result, final=outcome.final, last=last)
        before = draft.state
        draft.state = lifecycle.apply(draft.state, event, what=f"{doc_ref} v{draft.version}")
        if draft.state != before:
            draft.state_since = day
        row = _row(res, deciding, draft=draft.id, ref=doc_ref, field=field.slug, kind=draft.kind, version=draft.version)
        row["state"] = draft.state.value
        row.update(members_fields)
        audit.record(
            env,
            s,
            "resolution.recorded",
            entity="draft",
            entity_id=draft.id,
            happened_on=day,
            resolution=res.id,
            ref=doc_ref,
            version=draft.version,
            **_vote_fields(res, deciding),
            state_before=before.value,
            state=draft.state.value,
            **members_fields,
        )
        uow.commit()
    return row


def missing_documents(session: Session) -> list[dict[str, Any]]:
    """Per action field, the document kinds that have no committee-adopted version yet."""
    adopted = repo.adopted_documents(session)
    kinds = [k.slug for k in repo.all_kinds(session)]
    out = []
    for f in repo.all_fields(session):
        lacking = [k for k in kinds if (f.id, k) not in adopted]
        if lacking:
            out.append({"field": f.slug, "kinds": lacking})
    return out


def tally_plan(
    env: Env,
    *,
    yes: int,
    no: int,
    abstain: int,
    present: int,
    members: int | None = None,
    drucksache: str | None = None,
    date: str | None = None,
    defer: bool = False,
    second_convocation: bool = False,
    body: str | None = None,
    without_all_fields: bool = False,
    reason: str | None = None,
    members_override: bool = False,
) -> dict[str, Any]:
    """Record the council's vote on the plan; refused until every field's documents are adopted.

    One ``reason`` serves both exceptions: --without-all-fields and --members-override."""

    reason = (reason or "").strip() or None
    if reason is not None:
        limits.check_text(reason, "--reason", limits.MAX_REASON, multiline=True)
    _check_counts(yes=yes, no=no, abstain=abstain, present=present, members=members)
    if without_all_fields and reason is None:
        raise InvalidInput(
            _("--without-all-fields needs --reason TEXT"),
            _("say why the council votes before every action field is ready; the reason is recorded"),
        )
    if reason is not None and not without_all_fields and not members_override:
        raise InvalidInput(
            _("--reason is only used with --without-all-fields or --members-override"),
            _("leave out --reason, or add the exception it explains"),
        )
    number = parse_drucksache(drucksache) if drucksache is not None else None
    day = parse_date(date, env.today)
    with env.uow(write=True) as uow:
        s = uow.session
        repo.lock_plan_chain(s)  # one plan tally at a time
        missing = missing_documents(s)
        if missing and not without_all_fields:
            listed = ", ".join("{field} ({kinds})".format(field=x["field"], kinds=", ".join(x["kinds"])) for x in missing)
            raise Refused(
                _("the plan is not ready for the council: no committee-adopted document yet for {missing}").format(
                    missing=listed
                ),
                _("record the committee's resolutions first, or record an exception with --without-all-fields --reason TEXT"),
            )
        deciding, _last = _deciding_body(s, DecisionScope.PLAN, None, body)
        rules = _rule_set(s, deciding)
        counted, statutory, why = _members(s, deciding, day, members, members_override, reason if members_override else None)
        tally = votes.Tally(yes, no, abstain, present, counted, second_convocation, defer)
        outcome = votes.decide(tally, rules)
        exception = reason if missing else None
        _register_paper(env, s, number, deciding, day, None, None)
        res = _store(env, s, DecisionScope.PLAN, None, deciding, rules, tally, outcome, number, day, exception)
        members_fields = _members_fields(res, statutory, why)
        row = _row(res, deciding, draft=None)
        row["missing"] = missing
        row.update(members_fields)
        audit.record(
            env,
            s,
            "resolution.recorded",
            entity="resolution",
            entity_id=res.id,
            happened_on=day,
            resolution=res.id,
            scope="plan",
            **_vote_fields(res, deciding),
            without_all_fields=True if missing else None,
            reason=exception,
            missing=missing or None,
            **members_fields,
        )
        uow.commit()
    return row
