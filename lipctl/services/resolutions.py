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


def _members(body: m.Body, members: int | None) -> int:
    if members is not None:
        return members
    if body.seats is None:
        raise InvalidInput(
            _("the seed gives no number of voting members for {body}").format(body=body.slug),
            _("pass --members N, the statutory number of voting members (advisory members do not count)"),
        )
    return body.seats


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


def _counts_given(defer: bool, **counts: int | None) -> None:
    """A vote needs every count (a missing one is a usage error, exit 2); a deferral needs none."""
    _check_counts(**counts)
    if not defer:
        votes.require_counts(**counts)


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
    meeting: str | None = None,
) -> dict[str, Any]:
    """Record the committee's vote on a forwarded draft in a session; adopted or rejected settles that version."""
    from lipctl.process import lifecycle
    from lipctl.services import meetings

    counts = {"yes": yes, "no": no, "abstain": abstain, "present": present}
    _counts_given(defer, **counts, members=members)
    number = parse_drucksache(drucksache) if drucksache is not None else None
    day = parse_date(date, env.today) if date is not None or meeting is None else None
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
        deciding, last = _deciding_body(s, DecisionScope.DOCUMENT, draft.id, body)
        session_, item = meetings.session_for_tally(env, s, deciding, DecisionScope.DOCUMENT, draft.id, meeting=meeting, day=day)
        day = session_.date
        chronology.check_tally(
            day,
            what=f"{doc_ref} v{draft.version}",
            forwarded_on=draft.state_since,
            previous_tally=read_drafts.last_tally(repo.reader(s), draft.id),
        )
        rules = _rule_set(s, deciding)
        what = f"{doc_ref} v{draft.version}"
        recorded, outcome = _decide(
            s,
            session_,
            DecisionScope.DOCUMENT,
            draft.id,
            what,
            rules,
            _members(deciding, members),
            counts,
            defer=defer,
            second_convocation=second_convocation,
        )
        number = _paper(item, number)
        res = _store(env, s, DecisionScope.DOCUMENT, draft.id, deciding, rules, recorded, outcome, number, day, None, session_.id)
        event = lifecycle.tally_event(outcome.result, final=outcome.final, last=last)
        before = draft.state
        draft.state = lifecycle.apply(draft.state, event, what=f"{doc_ref} v{draft.version}")
        if draft.state != before:
            draft.state_since = day
        row = _row(res, deciding, draft=draft.id, ref=doc_ref, field=field.slug, kind=draft.kind, version=draft.version)
        row["state"] = draft.state.value
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
    meeting: str | None = None,
) -> dict[str, Any]:
    """Record the council's vote on the plan in a session; refused until every field's documents are adopted."""
    from lipctl.services import meetings

    reason = (reason or "").strip() or None
    if reason is not None:
        limits.check_text(reason, "--reason", limits.MAX_REASON, multiline=True)
    counts = {"yes": yes, "no": no, "abstain": abstain, "present": present}
    _counts_given(defer, **counts, members=members)
    if without_all_fields and reason is None:
        raise InvalidInput(
            _("--without-all-fields needs --reason TEXT"),
            _("say why the council votes before every action field is ready; the reason is recorded"),
        )
    if reason is not None and not without_all_fields:
        raise InvalidInput(
            _("--reason is only used with --without-all-fields"), _("leave out --reason, or add --without-all-fields")
        )
    number = parse_drucksache(drucksache) if drucksache is not None else None
    day = parse_date(date, env.today) if date is not None or meeting is None else None
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
        session_, item = meetings.session_for_tally(env, s, deciding, DecisionScope.PLAN, None, meeting=meeting, day=day)
        day = session_.date
        rules = _rule_set(s, deciding)
        recorded, outcome = _decide(
            s,
            session_,
            DecisionScope.PLAN,
            None,
            "plan",
            rules,
            _members(deciding, members),
            counts,
            defer=defer,
            second_convocation=second_convocation,
        )
        number = _paper(item, number)
        exception = reason if missing else None
        res = _store(env, s, DecisionScope.PLAN, None, deciding, rules, recorded, outcome, number, day, exception, session_.id)
        row = _row(res, deciding, draft=None)
        row["missing"] = missing
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
        )
        uow.commit()
    return row
