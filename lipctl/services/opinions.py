"""Opinions (Einschätzungen der Integrationsbeiräte, Stellungnahmen des Runden Tisches) on a draft.

Any order, several per body: a later one counts for the readiness check, every one stays.
When the last required opinion arrives, the draft becomes ready for the steering group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from lipctl.errors import InvalidInput, Refused
from lipctl.i18n import _
from lipctl.process import chronology, lifecycle, limits
from lipctl.process.states import DraftState
from lipctl.search import index as search_index
from lipctl.services import audit
from lipctl.services import drafts as dr
from lipctl.services.listings import opinion_row
from lipctl.store import models as m
from lipctl.store import repositories as repo
from lipctl.store.read import opinions as read_opinions

if TYPE_CHECKING:
    from lipctl.context import Env

#: Bodies that decide rather than give an opinion.
DECIDING_KINDS = ("committee", "council", "steering_group")


def record(
    env: Env, ref: str, body: str, stance: str, *, text: str | None = None, file: str | None = None, date: str | None = None
) -> dict[str, Any]:
    """Record a body's opinion on a draft version (opinion record)."""

    verdict = lifecycle.parse_stance(stance)
    text = text.strip() if text and text.strip() else None
    if text is not None:
        limits.check_text(text, "--text", limits.MAX_OPINION_TEXT, multiline=True)
    if file:
        limits.check_file_name(file)
    if text is None and not file:
        raise InvalidInput(_("an opinion needs its text or its document"), _("pass --text TEXT or --file PATH"))
    day = dr.parse_day(date, env.today)
    facts = dr.read_file(env, file, keep_copy=False) if file else None
    with env.uow(write=True) as uow:
        s = uow.session
        who = repo.get_body(s, body)
        draft = dr.locked_draft(s, ref)
        what = dr.label(s, draft)
        if who.opinion_name is None:
            raise _not_a_giver(s, who)
        lifecycle.check_opinion(draft.state, what=what)
        chronology.check_opinion(day, what=what, submitted_on=draft.submitted_on)
        op = m.Opinion(
            draft_id=draft.id,
            body_id=who.id,
            stance=verdict,
            text=text,
            received_on=day,
            recorded_at=audit.utcnow(),
            recorded_by=env.actor,
            file_name=facts.name if facts else None,
            file_size=facts.size if facts else None,
            file_sha256=facts.sha256 if facts else None,
        )
        s.add(op)
        s.flush()
        search_index.add_opinion(s, op.id, draft.field_id, text)  # issue 19: the search index (lipctl.search)
        doc = dr.doc_ref(s, draft)
        audit.record(
            env,
            s,
            "opinion.recorded",
            entity="draft",
            entity_id=draft.id,
            happened_on=day,
            opinion=op.id,
            ref=doc,
            version=draft.version,
            body=who.slug,
            stance=verdict.value,
            text=text,
            received_on=day,
            file_name=op.file_name,
            file_size=op.file_size,
            file_sha256=op.file_sha256,
        )
        lacking = dr.missing(s, draft)
        if draft.state == DraftState.SUBMITTED and not lacking:
            dr.mark_ready(env, s, draft, doc, day)
        uow.commit()
        row = opinion_row(read_opinions.opinions(repo.reader(s), draft.id)[-1])
        row["draft_state"] = draft.state.value
        row["missing_opinions"] = lacking if draft.state in lifecycle.AWAITING_OPINIONS else []
        return row


def _not_a_giver(session: Session, who: m.Body) -> Refused:
    """The refusal for an opinion from a body that gives none on drafts (a deciding body, an expert group)."""
    givers = ", ".join(read_opinions.opinion_givers(repo.reader(session))) or "—"
    if who.kind in DECIDING_KINDS:
        return Refused(
            _("{body} decides on drafts; it does not give an opinion").format(body=who.slug),
            _("record its decision with 'lipctl steering decide' or a tally; opinions come from: {bodies}").format(bodies=givers),
        )
    return Refused(
        _("{body} gives no opinion on drafts").format(body=who.slug),
        _("opinions come from: {bodies}").format(bodies=givers),
    )
