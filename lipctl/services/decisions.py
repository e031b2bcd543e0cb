"""The steering group's decision (Entscheidung der Lenkungsgruppe): forward to the committee or return.

On a field's document or on the complete plan (REF ``plan``) alike.

Refused while a required opinion is missing, unless the user makes the explicit, recorded
exception (``without_opinions`` with a reason). Returning needs a reason.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from lipctl.errors import InvalidInput
from lipctl.i18n import _
from lipctl.process import chronology, lifecycle, limits
from lipctl.process.states import DecisionOutcome
from lipctl.services import audit
from lipctl.services import drafts as dr
from lipctl.store import models as m
from lipctl.store import repositories as repo
from lipctl.store.read import opinions as read_opinions

if TYPE_CHECKING:
    from lipctl.context import Env


def decide(
    env: Env,
    ref: str,
    *,
    forward: bool,
    ret: bool,
    reason: str | None = None,
    date: str | None = None,
    without_opinions: bool = False,
) -> dict[str, Any]:
    """Record the steering group's decision on a draft version (steering decide)."""

    if forward == ret:
        raise InvalidInput(_("say what the steering group decided"), _("pass either --forward or --return"))
    outcome = DecisionOutcome.FORWARD if forward else DecisionOutcome.RETURN
    reason = reason.strip() if reason and reason.strip() else None
    if reason is not None:
        limits.check_text(reason, "--reason", limits.MAX_REASON, multiline=True)
    day = dr.parse_day(date, env.today)
    with env.uow(write=True) as uow:
        s = uow.session
        draft = dr.locked_draft(s, ref)
        what = dr.label(s, draft)
        chronology.check_decision(day, what=what, submitted_on=draft.submitted_on)
        arrived = [(o.body, o.received_on) for o in read_opinions.opinions(repo.reader(s), draft.id)]
        required = [b for b, _d in read_opinions.requirements(repo.reader(s))]
        lacking = chronology.lacking_at_decision(day, arrived, required, without_opinions=without_opinions)
        before = draft.state
        after = lifecycle.decide(before, outcome, lacking, reason=reason, without_opinions=without_opinions, what=what)
        exception = bool(without_opinions and lacking)
        dec = m.SteeringDecision(
            draft_id=draft.id,
            outcome=outcome,
            reason=reason or "",
            decided_on=day,
            without_opinions=exception,
            missing_opinions=json.dumps(lacking) if exception else None,
            recorded_at=audit.utcnow(),
            recorded_by=env.actor,
        )
        s.add(dec)
        draft.state = after
        draft.state_since = day
        s.flush()
        doc = dr.doc_ref(s, draft)
        audit.record(
            env,
            s,
            "steering.decided",
            entity="draft",
            entity_id=draft.id,
            happened_on=day,
            decision=dec.id,
            ref=doc,
            version=draft.version,
            outcome=outcome.value,
            reason=reason,
            decided_on=day,
            without_opinions=exception or None,
            missing_opinions=lacking if exception else None,
            state_before=before.value,
            state=after.value,
        )
        uow.commit()
        return {
            "draft": draft.id,
            "result": after.value,
            "ref": doc,
            "field": doc.split("/")[0] if draft.field_id is not None else None,  # the plan has no field
            "kind": draft.kind,
            "version": draft.version,
            "reason": reason,
            "decided_on": day,
            "without_opinions": exception,
            "missing_opinions": lacking if exception else [],
            "decision": dec.id,
            "voided": None,  # just recorded; 'steering void ID' corrects it
        }
