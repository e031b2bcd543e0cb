"""Committee and council resolutions (Beschlüsse): a tally, its computed result, and its effect.

The committee votes on a forwarded draft; the council on the whole plan. Who decides, in which
order, is the Beratungsfolge in seed.yaml (``decision_steps``); each body's rule set decides the
arithmetic (lipctl.process.votes). A tally is one resolution row and one audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy.orm import Session

from lipctl.errors import Refused
from lipctl.i18n import _
from lipctl.process import chronology, lifecycle, limits, plan, votes
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
        "meeting": res.meeting_id,
    }


def _store(
    env: Env,
    session: Session,
    scope: DecisionScope,
    draft_id: int | None,
    body: m.Body,
    rules: d.RuleSet,
    counts: votes.Tally | votes.Deferral,
    outcome: votes.Outcome,
    drucksache: str | None,
    day: dt.date,
    exception_reason: str | None = None,
    meeting_id: int | None = None,
) -> m.Resolution:

    res = m.Resolution(
        scope=scope,
        draft_id=draft_id,
        body_id=body.id,
        rule_set=rules.slug,
        yes=counts.yes,
        no=counts.no,
        abstain=counts.abstain,
        present=counts.present,
        members=counts.members,
        second_convocation=counts.second_convocation,
        quorate=outcome.quorate,
        result=outcome.result,
        arithmetic=outcome.arithmetic,
        drucksache=drucksache,
        decided_on=day,
        exception_reason=exception_reason,
        recorded_at=audit.utcnow(),
        recorded_by=env.actor,
        meeting_id=meeting_id,
    )
    session.add(res)
    session.flush()
    return res


# --- sessions, deferral, second convocation (issue 16) ---------------------------------------


def _decide(
    session: Session,
    meeting: m.Meeting,
    scope: DecisionScope,
    draft_id: int | None,
    what: str,
    rules: d.RuleSet,
    members: int,
    counts: dict[str, int | None],
    *,
    defer: bool,
    second_convocation: bool,
) -> tuple[votes.Tally | votes.Deferral, votes.Outcome]:
    """The counts as recorded and the result: a deferral, or a vote (in a second convocation where it is one)."""
    from lipctl.services import meetings

    second = meetings.second_convocation(session, meeting, scope, draft_id, what=what, requested=second_convocation)
    if defer:
        deferral = votes.Deferral(members, second_convocation=second, **counts)
        return deferral, votes.defer(deferral, rules)
    yes, no, abstain, present = (counts[k] for k in votes.COUNT_OPTIONS)
    assert yes is not None and no is not None and abstain is not None and present is not None
    tally = votes.Tally(yes, no, abstain, present, members, second)
    return tally, votes.decide(tally, rules)


def _paper(item: m.AgendaItem, number: str | None) -> str | None:
    """The Drucksache of the vote: --drucksache (noted on the agenda item where it has none), else the item's."""
    if number is None:
        return item.drucksache
    if item.drucksache is None:
        item.drucksache = number
    return number


def tally_document(
    env: Env,
    ref: str,
    *,
    yes: int | None = None,
    no: int | None = None,
    abstain: int | None = None,
    present: int | None = None,
    members: int | None = None,
    drucksache: str | None = None,
    date: str | None = None,
    defer: bool = False,
    second_convocation: bool = False,
    body: str | None = None,
    members_override: bool = False,
    reason: str | None = None,
    meeting: str | None = None,
) -> dict[str, Any]:
    """Record the committee's vote on a forwarded draft in a session; adopted or rejected settles that version.

    REF ``plan`` is the complete plan's current version: the committee's vote on it (by default the
    Beratungsfolge's committee) passes it on to the council when adopted."""

    votes.check_given(defer=defer, yes=yes, no=no, abstain=abstain, present=present, members=members)
    number = parse_drucksache(drucksache) if drucksache is not None else None
    day = parse_date(date, env.today) if date is not None or meeting is None else None
    with env.uow(write=True) as uow:
        s = uow.session
        if plan.is_plan_ref(ref):
            repo.lock_plan_chain(s)  # one plan tally at a time
        draft = repo.get_draft(s, ref)
        # Two offices tallying the same draft at once: the second waits here and then sees the
        # first one's result (SQLite serialises writers with BEGIN IMMEDIATE already).
        s.refresh(draft, with_for_update=True)
        from lipctl.services.drafts import refuse_withdrawn

        refuse_withdrawn(s, draft)
        requested = body
        if draft.field_id is None and requested is None:
            requested = _plan_body(s, "committee", "committee tally")
        counts = _Counts(yes, no, abstain, present, members, second_convocation, defer, members_override, reason, meeting)
        row = _tally_version(env, s, draft, requested, counts, number, day)
        uow.commit()
    return row


class _Counts(NamedTuple):
    """The numbers as typed (None: not given; ``members`` None: the statutory number), and the session."""

    yes: int | None
    no: int | None
    abstain: int | None
    present: int | None
    members: int | None
    second_convocation: bool
    deferred: bool
    members_override: bool = False  # --members-override: count with --members although it is not the statutory number
    members_reason: str | None = None
    meeting: str | None = None  # --meeting ID; None: the body's session on the tally's day (created if none)


def _plan_body(session: Session, body_kind: str, command: str) -> str:
    """The body of the plan's Beratungsfolge that ``command`` records by default (lipctl.process.plan)."""
    return plan.tallying_body([(b.slug, b.kind) for b in repo.decision_chain(session, DecisionScope.PLAN)], body_kind, command)


def _tally_version(
    env: Env,
    s: Session,
    draft: m.Draft,
    requested: str | None,
    counts: _Counts,
    number: str | None,
    day: dt.date | None,
    exception: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One body's vote on a forwarded version (a field's document or the plan) in one of its sessions,
    stored with its effect on the version and its audit event. ``day`` None: the session's (--meeting)."""
    from lipctl.services import meetings
    from lipctl.services.drafts import doc_ref

    is_plan = draft.field_id is None
    scope = DecisionScope.PLAN if is_plan else DecisionScope.DOCUMENT
    ref = doc_ref(s, draft)
    field = ref.split("/")[0] if not is_plan else None
    what = f"{ref} v{draft.version}"
    lifecycle.check_tally(
        draft.state, label=what, ref=ref, field=field or plan.PLAN_REF, kind=draft.kind, since=draft.state_since
    )
    deciding, last = _deciding_body(s, scope, draft.id, requested)
    c = counts
    session_, item = meetings.session_for_tally(env, s, deciding, scope, draft.id, meeting=c.meeting, day=day)
    day = session_.date
    chronology.check_tally(
        day, what=what, forwarded_on=draft.state_since, previous_tally=read_drafts.last_tally(repo.reader(s), draft.id)
    )
    rules = _rule_set(s, deciding)
    counted, statutory, why = _members(s, deciding, day, c.members, c.members_override, c.members_reason)
    recorded, outcome = _decide(
        s,
        session_,
        scope,
        draft.id,
        what,
        rules,
        counted,
        {"yes": c.yes, "no": c.no, "abstain": c.abstain, "present": c.present},
        defer=c.deferred,
        second_convocation=c.second_convocation,
    )
    number = _paper(item, number)
    _register_paper(env, s, number, deciding, day, None if is_plan else draft, draft.title or what)
    res = _store(env, s, scope, draft.id, deciding, rules, recorded, outcome, number, day, exception, session_.id)
    members_fields = _members_fields(res, statutory, why)
    event = lifecycle.tally_event(outcome.result, final=outcome.final, last=last)
    before = draft.state
    draft.state = lifecycle.apply(draft.state, event, what=what)
    if draft.state != before:
        draft.state_since = day
    row = _row(res, deciding, draft=draft.id, ref=ref, field=field, kind=draft.kind, version=draft.version)
    row["state"] = draft.state.value
    row.update(extra)
    row.update(members_fields)
    audit.record(
        env,
        s,
        "resolution.recorded",
        entity="draft",
        entity_id=draft.id,
        happened_on=day,
        resolution=res.id,
        ref=ref,
        version=draft.version,
        scope="plan" if is_plan else None,
        **_vote_fields(res, deciding),
        state_before=before.value,
        state=draft.state.value,
        without_all_fields=True if exception else None,
        reason=exception,
        missing=extra.get("missing") or None,
        **members_fields,
    )
    return row


def tally_plan(
    env: Env,
    *,
    yes: int | None = None,
    no: int | None = None,
    abstain: int | None = None,
    present: int | None = None,
    members: int | None = None,
    drucksache: str | None = None,
    date: str | None = None,
    defer: bool = False,
    second_convocation: bool = False,
    body: str | None = None,
    without_all_fields: bool = False,
    reason: str | None = None,
    members_override: bool = False,
    meeting: str | None = None,
) -> dict[str, Any]:
    """Record the council's vote on the complete plan's forwarded version (council tally), once the bodies
    before it in the Beratungsfolge (the committee) adopted that version. Refused while no version was
    submitted (lipctl draft submit plan).

    The readiness of the fields was checked when the version was submitted; a field that has lost its
    adopted document since (a voided resolution) needs ``without_all_fields`` with a ``reason`` here,
    unless the version was submitted as that exception."""

    if reason is not None and reason.strip():
        limits.check_text(reason.strip(), "--reason", limits.MAX_REASON, multiline=True)
    plan_reason, members_reason = plan.council_reasons(
        reason, without_all_fields=without_all_fields, members_override=members_override
    )
    votes.check_given(defer=defer, yes=yes, no=no, abstain=abstain, present=present, members=members)
    number = parse_drucksache(drucksache) if drucksache is not None else None
    day = parse_date(date, env.today) if date is not None or meeting is None else None
    with env.uow(write=True) as uow:
        s = uow.session
        repo.lock_plan_chain(s)  # one plan tally at a time
        draft_id = read_drafts.plan_draft_id(repo.reader(s))
        if draft_id is None:
            raise plan.no_version()
        draft = s.get(m.Draft, draft_id)
        assert draft is not None
        s.refresh(draft, with_for_update=True)
        from lipctl.services.drafts import plan_missing

        missing = plan_missing(s)
        exception = plan.check_final_vote(
            missing,
            submitted_with_exception=read_drafts.submitted_without_all_fields(repo.reader(s), draft.id),
            without_all_fields=without_all_fields,
            reason=plan_reason,
        )
        requested = body if body is not None else _plan_body(s, "council", "council tally")
        row = _tally_version(
            env,
            s,
            draft,
            requested,
            _Counts(yes, no, abstain, present, members, second_convocation, defer, members_override, members_reason, meeting),
            number,
            day,
            exception,
            missing=[{"field": x.field, "kinds": list(x.kinds)} for x in missing],
        )
        uow.commit()
    return row
