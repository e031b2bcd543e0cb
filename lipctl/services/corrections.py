"""Corrections (Protokollberichtigung): withdraw an opinion or a version, void a steering decision or a tally.

The voided record stays in the store, marked with who, when and why; the states of the document's
versions are computed again as if it had never been recorded (lipctl.process.replay) and written,
with one audit event, in the same transaction. Voiding what a later live record relies on is
refused, naming the record to void first; voiding twice is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from lipctl.errors import InvalidInput, NotFound, Refused
from lipctl.i18n import _
from lipctl.process import limits, replay
from lipctl.services import audit
from lipctl.services import drafts as dr
from lipctl.services.listings import voided_json
from lipctl.store import models as m
from lipctl.store import repositories as repo
from lipctl.store.read import drafts as read_drafts

if TYPE_CHECKING:
    from lipctl.context import Env

Voidable = m.Opinion | m.SteeringDecision | m.Resolution | m.Draft


# --- shared ---------------------------------------------------------------------------------


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(_("a correction needs a reason"), _("add --reason TEXT saying why the record is void"))
    limits.check_text(text, "--reason", limits.MAX_REASON, multiline=True)
    return text


def _number(text: str | int, what: str, hint: str) -> int:
    number = limits.id_in_range(str(text))
    if number is None:
        raise InvalidInput(_("{value!r} is not the id of {what}").format(value=str(text), what=what), hint)
    return number


def _refuse_twice(row: Voidable, what: str) -> None:
    if row.voided_at is not None:
        raise Refused(
            _("{what} was already voided on {date} by {actor}: {reason}").format(
                what=what, date=row.voided_at.date().isoformat(), actor=row.voided_by, reason=row.void_reason
            ),
            _("nothing to correct; record what is right with the recording command"),
        )


def _mark(env: Env, row: Voidable, reason: str) -> None:
    """Mark the record void: when (the day of the correction as of --today, at the time it is recorded), by whom, why.

    The audit event keeps the real time of recording (``occurred_at``) beside the day (``happened_on``)."""
    now = audit.utcnow()
    row.voided_at = now if now.date() == env.today else dt.datetime.combine(env.today, now.time())
    row.voided_by = env.actor
    row.void_reason = reason


def _group(body: m.Body | None) -> str:
    """The command group whose ``void`` voids the body's resolutions."""
    return "council" if body is not None and body.kind == "council" else "committee"


def _command_for(session: Session, found: replay.Blocker, ref: str) -> tuple[str, str]:
    """What relies on the record, and the command that voids it."""
    if found.kind == "decision":
        return (
            _("steering decision {id} on {ref} v{version}").format(id=found.id, ref=ref, version=found.version),
            f"lipctl steering void {found.id} --reason TEXT",
        )
    if found.kind == "tally":
        res = session.get(m.Resolution, found.id)
        assert res is not None
        body = session.get(m.Body, res.body_id)
        return (
            _("resolution {id} of {body}").format(id=found.id, body=body.slug if body else "?")
            + (f" ({ref} v{found.version})" if found.version is not None else ""),
            f"lipctl {_group(body)} void {found.id} --reason TEXT",
        )
    return (
        _("version {version} of {ref} (draft {id})").format(version=found.version, ref=ref, id=found.id),
        f"lipctl draft withdraw {ref} --version {found.version} --reason TEXT",
    )


def _refuse_if_relied_on(session: Session, facts: replay.Document, kind: str, record_id: int, what: str, ref: str) -> None:
    found = replay.blocker(facts, kind, record_id)
    if found is None:
        return
    other, command = _command_for(session, found, ref)
    raise Refused(
        _("{other} relies on {what}").format(other=other, what=what),
        _("void it first: {command}").format(command=command),
    )


def _recompute(versions: list[m.Draft], facts: replay.Document) -> list[dict[str, Any]]:
    """Write the states replay computes; the versions whose state changed, as the event and output give them."""
    standings = replay.replay(facts)
    changes = []
    for v in versions:
        now = standings.get(v.id)
        if now is None or (v.state, v.state_since) == (now.state, now.since):
            continue
        changes.append({"draft": v.id, "version": v.version, "state_before": v.state.value, "state": now.state.value})
        v.state, v.state_since = now.state, now.since
    return changes


def _void(
    env: Env, s: Session, row: Voidable, kind: str, what: str, reason: str
) -> tuple[m.Draft | None, str, list[dict[str, Any]]]:
    """Void ``row`` (``kind`` as lipctl.process.replay names it): lock its document, refuse (twice, relied on),
    mark it and write the states computed without it. Gives the draft it concerns (None: a tally on the plan),
    the document's FIELD/KIND ("plan") and the versions whose state changed.

    The record is read again once the rows are locked: a correction that committed while this one waited is
    seen (voiding twice is refused)."""
    draft_id = row.id if isinstance(row, m.Draft) else row.draft_id
    if draft_id is None:  # the plan: no versions; its decision steps are locked, one plan tally at a time
        repo.lock_plan_chain(s)
        s.refresh(row)
        draft, versions, ref = None, [], "plan"
        facts = read_drafts.plan_facts(repo.reader(s))
    else:
        draft = s.get(m.Draft, draft_id)
        assert draft is not None
        versions = repo.document_for_update(s, draft.field_id, draft.kind)
        s.refresh(row)
        facts = read_drafts.document_facts(repo.reader(s), draft.field_id, draft.kind)
        ref = dr.doc_ref(s, draft)
    _refuse_twice(row, what)
    _refuse_if_relied_on(s, facts, kind, row.id, what, ref)
    _mark(env, row, reason)
    from lipctl.search import index as search_index  # issue 19: a withdrawn text is no longer found

    search_index.withdrawn(s, kind, row.id)
    return draft, ref, _recompute(versions, replay.without(facts, kind, row.id))


def _result(row: Voidable, draft: m.Draft | None, ref: str, changes: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """What a correction gives: the voided record, its version (none for a tally on the plan), the states changed."""
    return {
        "id": row.id,
        "voided": voided_json(row.voided_at, row.voided_by, row.void_reason),
        "draft": draft.id if draft is not None else None,
        "ref": ref if draft is not None else None,
        "version": draft.version if draft is not None else None,
        "state": draft.state.value if draft is not None else None,
        **extra,
        "changes": changes,
    }


# --- the corrections ------------------------------------------------------------------------


def withdraw_opinion(env: Env, opinion_id: str | int, reason: str | None) -> dict[str, Any]:
    """Withdraw an opinion (opinion withdraw): the version's readiness is computed again."""
    hint = _("'lipctl opinion list' shows the opinions with their ids")
    number = _number(opinion_id, _("an opinion"), hint)
    text = _reason(reason)
    with env.uow(write=True) as uow:
        s = uow.session
        op = s.get(m.Opinion, number)
        if op is None:
            raise NotFound(_("no opinion with id {id}").format(id=number), hint)
        draft, ref, changes = _void(env, s, op, "opinion", _("opinion {id}").format(id=op.id), text)
        assert draft is not None
        body = s.get(m.Body, op.body_id)
        audit.record(
            env,
            s,
            "opinion.withdrawn",
            entity="draft",
            entity_id=draft.id,
            happened_on=env.today,
            opinion=op.id,
            ref=ref,
            version=draft.version,
            body=body.slug if body else None,
            reason=text,
            changes=changes or None,
        )
        uow.commit()
        return _result(op, draft, ref, changes, body=body.slug if body else None, missing_opinions=dr.missing(s, draft))


def void_decision(env: Env, decision_id: str | int, reason: str | None) -> dict[str, Any]:
    """Void a steering decision (steering void): the version returns to the state it had before."""
    hint = _("'lipctl draft show REF' shows the decision's id")
    number = _number(decision_id, _("a steering decision"), hint)
    text = _reason(reason)
    with env.uow(write=True) as uow:
        s = uow.session
        dec = s.get(m.SteeringDecision, number)
        if dec is None:
            raise NotFound(_("no steering decision with id {id}").format(id=number), hint)
        draft, ref, changes = _void(env, s, dec, "decision", _("steering decision {id}").format(id=dec.id), text)
        assert draft is not None
        audit.record(
            env,
            s,
            "steering.voided",
            entity="draft",
            entity_id=draft.id,
            happened_on=env.today,
            decision=dec.id,
            ref=ref,
            version=draft.version,
            outcome=dec.outcome.value,
            reason=text,
            changes=changes or None,
        )
        uow.commit()
        return _result(dec, draft, ref, changes, decision=dec.id)


def void_resolution(env: Env, resolution_id: str | int, reason: str | None, *, group: str) -> dict[str, Any]:
    """Void a tally (committee void, council void): a document's version returns to forwarded."""
    hint = _("the tally's JSON gives its id ('lipctl {group} tally ... --format json')").format(group=group)
    number = _number(resolution_id, _("a resolution"), hint)
    text = _reason(reason)
    with env.uow(write=True) as uow:
        s = uow.session
        res = s.get(m.Resolution, number)
        if res is None:
            raise NotFound(_("no resolution with id {id}").format(id=number), hint)
        body = s.get(m.Body, res.body_id)
        assert body is not None
        if _group(body) != group:
            raise Refused(
                _("resolution {id} is {body}'s, not the {group}'s").format(id=res.id, body=body.slug, group=group),
                _("void it with: lipctl {kind} void {id} --reason TEXT").format(kind=_group(body), id=res.id),
            )
        draft, ref, changes = _void(env, s, res, "tally", _("resolution {id}").format(id=res.id), text)
        # A tally on the plan is the resolution's own event; one on a version is the draft's.
        on: dict[str, Any] = (
            {"entity": "resolution", "entity_id": res.id, "scope": "plan"}
            if draft is None
            else {"entity": "draft", "entity_id": draft.id, "ref": ref, "version": draft.version}
        )
        audit.record(
            env,
            s,
            "resolution.voided",
            happened_on=env.today,
            resolution=res.id,
            body=body.slug,
            result=res.result.value,
            reason=text,
            changes=changes or None,
            **on,
        )
        uow.commit()
        scope = res.scope.value  # the plan's: with a version of it (revision 0008) or without (before)
        return _result(res, draft, ref, changes, scope=scope, body=body.slug, result=res.result.value)


def withdraw_draft(env: Env, ref: str, version: int | None, reason: str | None) -> dict[str, Any]:
    """Withdraw a version submitted by mistake (draft withdraw): the version it superseded gets its state back."""
    text = _reason(reason)
    with env.uow(write=True) as uow:
        s = uow.session
        target = s.get(m.Draft, _version_named(s, ref, version))
        assert target is not None
        draft, doc, changes = _void(env, s, target, "version", dr.label(s, target), text)
        assert draft is target
        restored = repo.latest_live(s, draft.field_id, draft.kind)
        audit.record(
            env,
            s,
            "draft.withdrawn",
            entity="draft",
            entity_id=draft.id,
            happened_on=env.today,
            ref=doc,
            version=draft.version,
            reason=text,
            changes=changes or None,
        )
        uow.commit()
        return _result(
            draft,
            draft,
            doc,
            changes,
            latest=(
                {"id": restored.id, "version": restored.version, "state": restored.state.value} if restored is not None else None
            ),
        )


def _version_named(session: Session, ref: str, version: int | None) -> int:
    """The draft REF names: a numeric id (``--version``, if given, must agree), or FIELD/KIND with ``--version N``."""
    r = repo.reader(session)
    if ref.strip().isascii() and ref.strip().isdigit():
        draft = read_drafts.draft(r, read_drafts.draft_id(r, ref))
        if version is not None and version != draft.version:
            raise InvalidInput(
                _("draft {id} is v{actual} of {ref}, not v{version}").format(
                    id=draft.id, actual=draft.version, ref=draft.ref, version=version
                ),
                _("name the version by its id alone, or by FIELD/KIND --version N"),
            )
        return draft.id
    if version is None:
        raise InvalidInput(
            _("withdrawing a version needs its number: FIELD/KIND alone would name whichever version is the latest"),
            _("add --version N (or give the draft's numeric id)"),
        )
    field_id, field, kind = read_drafts.document(r, ref)
    found = read_drafts.version_id(r, field_id, kind, version)
    if found is None:
        raise NotFound(
            _("{ref} has no version {version}").format(ref=f"{field}/{kind}" if field_id is not None else field, version=version),
            _("'lipctl draft list --field {field} --include-voided' lists its versions").format(field=field),
        )
    return found
