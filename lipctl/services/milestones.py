"""lipctl milestone list and reschedule; the basis rule of draft submit ("auf dieser Grundlage").

A milestone's due date is part of the plan: ``reschedule`` corrects it (the Corona delays) and may
set a day after --today. The due date it had before its first reschedule stays beside the current
one (``original_due``); every move is an audit event with the old and the new date and the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from lipctl.errors import InvalidInput, NotFound, Refused
from lipctl.i18n import _
from lipctl.process import milestones as rules
from lipctl.store.read import milestones as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lipctl.context import Env


def list_milestones(env: Env) -> list[dict[str, Any]]:
    """Every milestone with its due date (or the seed's words), the original one, and its state as of --today."""
    from lipctl.services import status

    with env.reader() as r:
        facts = status.read(r)
    data, _names = status.shape(facts, env.today)
    rows = {row.slug: row for row in facts.milestones}
    out = []
    for item in data["milestones"]:
        row = rows[item["milestone"]]
        out.append(
            {
                "milestone": item["milestone"],
                "name": item["name"],
                "name_en": item["name_en"],
                "due": item["due"],
                "due_text": item["due_text"],
                "original_due": item["original_due"],
                "state": item["state"],
                "applies_to": item["applies_to"],
                "met": item["met"],
                "met_late": item["met_late"],
                "open": item["open"],
                "rescheduled": None
                if row.rescheduled_at is None
                else {"at": row.rescheduled_at, "by": row.rescheduled_by, "reason": row.reschedule_reason},
            }
        )
    return out


def reschedule(env: Env, key: str, due: str, reason: str | None) -> dict[str, Any]:
    """Move milestone ``key`` to ``due`` for ``reason`` (milestone reschedule); the first move keeps the original date."""
    from lipctl.context import parse_day
    from lipctl.services import audit
    from lipctl.store import models as m
    from lipctl.store import repositories as repo

    day = parse_day(due, "--due")
    if day is None:
        raise InvalidInput(_("--due is empty"), _("give the new due date, e.g. --due 2021-09-30"))
    with env.uow(write=True) as uow:
        s = uow.session
        known = q.refs(repo.reader(s))
        ref = next((x for x in known if x.slug == key.strip().lower()), None)
        if ref is None:
            raise NotFound(
                _("no milestone {key!r}").format(key=key), _("valid: {choices}").format(choices=", ".join(x.slug for x in known))
            )
        text = rules.check_reschedule(ref.slug, ref.due, day, reason or "")
        ms = s.get(m.Milestone, ref.id)
        assert ms is not None
        first = ms.rescheduled_at is None
        before = ms.due
        if first:
            ms.original_due = ms.due
        ms.due = day
        ms.rescheduled_at = audit.utcnow()
        ms.rescheduled_by = env.actor
        ms.reschedule_reason = text
        s.flush()
        audit.record(
            env,
            s,
            "milestone.rescheduled",
            entity="milestone",
            entity_id=ms.id,
            happened_on=env.today,
            milestone=ms.slug,
            due_before=before,
            due=day,
            original_due=ms.original_due,
            due_text=ms.due_text,
            reason=text,
        )
        row = {
            "milestone": ms.slug,
            "name": ms.name,
            "due_before": before,
            "due": day,
            "due_text": ms.due_text,
            "original_due": ms.original_due,
            "reason": text,
            "rescheduled_by": env.actor,
        }
        uow.commit()
    return row


def check_basis(
    s: Session, field_id: int, field: str, kind: str, day: dt.date, *, without_basis: bool, reason: str | None
) -> dict[str, Any] | None:
    """draft submit's basis rule: a document written "auf dieser Grundlage" (seed: ``based_on``) is
    refused until a version of its basis was submitted for the field by ``day``, unless the exception
    is asked for with a reason. Returns the exception to record in the audit event (None: no exception)."""
    from lipctl.store import repositories as repo

    basis = q.basis(repo.reader(s), field_id, kind)
    missing = rules.basis_missing(basis.kind, basis.submitted_on, day)
    if without_basis and not (reason or "").strip():
        raise InvalidInput(
            _("--without-grundsatzpapier needs --reason"), _("say why the document comes before its basis, e.g. --reason 'Eilig'")
        )
    if reason is not None and not without_basis:
        raise InvalidInput(_("--reason goes with --without-grundsatzpapier"), _("leave out --reason, or add the exception"))
    if not missing:
        return None  # as steering decide --without-opinions: nothing to except, nothing recorded
    if not without_basis:
        raise Refused(
            _("{field} has no {basis} submitted by {day}; the {kind} is written on its basis").format(
                field=field, basis=basis.kind, day=day.isoformat(), kind=kind
            ),
            _("submit {field}/{basis} first, or give --without-grundsatzpapier --reason TEXT").format(
                field=field, basis=basis.kind
            ),
        )
    return {"basis": basis.kind, "reason": (reason or "").strip()}
