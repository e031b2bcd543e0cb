"""Survey rounds (Umfragerunden, issue 18): open a survey for a period, close it, hand a field's answers
to its expert group (Übergabe an die Facharbeitsgruppe). One transaction per command, one audit event.

The rules (a period, round numbers, what may be closed) are lipctl.process.surveyrounds; the
handover is one INSERT … SELECT in lipctl.store.surveyrounds, whatever the number of answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from lipctl.errors import InvalidInput
from lipctl.i18n import _
from lipctl.process import limits
from lipctl.process import surveyrounds as rules
from lipctl.process.standing import EXPERT_GROUP
from lipctl.store.read import definition
from lipctl.store.read import surveys as read

if TYPE_CHECKING:
    from lipctl.context import Env
    from lipctl.store import models as m


def _round(sv: m.Survey) -> rules.Round:
    return rules.Round(sv.name, sv.round, sv.opens_on, sv.closes_on, sv.closed_on)


def _row(sv: m.Survey, env: Env) -> dict[str, Any]:
    state = rules.status(_round(sv), env.today)
    return {
        "survey": sv.name,
        "round": sv.round,
        "opens_on": sv.opens_on,
        "closes_on": sv.closes_on,
        "closed_on": sv.closed_on,
        "status": state.value if state is not None else None,
    }


def open_survey(env: Env, name: str, opens: str | None, closes: str | None, number: int | None) -> dict[str, Any]:
    """survey open: give the survey (created when new) its period and round; reopens a closed one."""
    from lipctl.context import parse_day
    from lipctl.services import audit
    from lipctl.store import models as m
    from lipctl.store import repositories as repo

    start, end = parse_day(opens, "--from"), parse_day(closes, "--until")
    if start is None or end is None:
        raise InvalidInput(_("--from and --until are both needed"), _("e.g. --from 2021-03-01 --until 2021-03-31"))
    rules.check_round(number)
    rules.check_period(start, end)
    title = name.strip()
    if not title:
        raise InvalidInput(_("the survey name is empty"), _("give its name, e.g. 'Zweite Online-Umfrage'"))
    limits.check_name(title, "NAME")
    with env.uow(write=True) as uow:
        s = uow.session
        r = repo.reader(s)
        found = read.find_survey(r, title)
        others = [rules.Round(p.name, p.round, p.opens_on, p.closes_on, p.closed_on) for p in read.survey_periods(r, env.today)]
        if found is None:
            sv = m.Survey(name=title, created_at=audit.utcnow())
            s.add(sv)
            before = None
        else:
            stored = s.get(m.Survey, found.id)
            assert stored is not None
            sv, before = stored, _row(stored, env)
        sv.round = rules.round_for(sv.name, number, sv.round, others)
        sv.opens_on, sv.closes_on = start, end
        sv.closed_on = sv.closed_by = None  # opening a closed survey reopens it
        s.flush()
        row = _row(sv, env)
        if before == row:  # the same period and round again: nothing to record (a second run of a script)
            return {**row, "created": False, "reopened": False, "changed": False}
        audit.record(
            env,
            s,
            "survey.opened",
            entity="survey",
            entity_id=sv.id,
            happened_on=env.today,
            survey=sv.name,
            round=sv.round,
            opens_on=start,
            closes_on=end,
            created=before is None,
            before={k: before[k] for k in ("round", "opens_on", "closes_on", "closed_on")} if before else None,
        )
        uow.commit()
    return {**row, "created": before is None, "reopened": bool(before and before["closed_on"]), "changed": True}


def close_survey(env: Env, name: str) -> dict[str, Any]:
    """survey close: the survey ends on --today (answers arriving later are still imported)."""
    from lipctl.services import audit
    from lipctl.store import repositories as repo

    with env.uow(write=True) as uow:
        s = uow.session
        sv = repo.get_survey(s, name)
        rules.check_close(_round(sv), env.today)
        sv.closed_on, sv.closed_by = env.today, env.actor
        s.flush()
        audit.record(
            env, s, "survey.closed", entity="survey", entity_id=sv.id, happened_on=env.today, survey=sv.name, round=sv.round
        )
        row = _row(sv, env)
        uow.commit()
    return row


@contextmanager
def handing_over(
    env: Env, field: str, survey: str | None, date: str | None = None
) -> Iterator[tuple[dict[str, Any], Iterator[dict[str, Any]]]]:
    """survey export --field F --handover [--date D]: the handover of the field's answers not handed over
    yet (of one survey) to its expert group on that day (default --today, never after it), and the
    export's rows (lipctl.services.responses.answers), read in the same transaction.

    The block writes the rows; the handover is committed when the block ends without an error — an
    export that could not be written, or was not read whole, hands nothing over. Nothing new to hand
    over: nothing is recorded (``answers`` 0).
    """
    from lipctl.services import audit
    from lipctl.services.drafts import parse_day
    from lipctl.services.responses import answers
    from lipctl.store import models as m
    from lipctl.store import repositories as repo
    from lipctl.store import surveyrounds as store

    day = parse_day(date, env.today, hint=_("give the day the answers were handed over"))
    with env.uow(write=True) as uow:
        s = uow.session
        fld = repo.get_field(s, field)
        sv = repo.get_survey(s, survey) if survey else None
        group = next((b for b in definition.bodies(repo.reader(s)) if b.kind == EXPERT_GROUP and b.field_id == fld.id), None)
        handover = m.SurveyHandover(
            field_id=fld.id,
            body_id=group.id if group else None,
            handed_on=day,
            answers=0,
            recorded_at=audit.utcnow(),
            recorded_by=env.actor,
        )
        s.add(handover)
        s.flush()
        handover.answers = store.hand_over(s.connection(), handover.id, fld.id, sv.id if sv else None)
        result = {
            "handover": handover.id if handover.answers else None,
            "field": fld.slug,
            "group": group.slug if group else None,
            "handed_on": day,
            "answers": handover.answers,
            "survey": sv.name if sv else None,
        }
        if handover.answers:
            audit.record(
                env,
                s,
                "survey.handed_over",
                entity="survey_handover",
                entity_id=handover.id,
                happened_on=day,
                field=fld.slug,
                group=result["group"],
                survey=result["survey"],
                answers=handover.answers,
            )
        rows = answers(repo.reader(s), fld.slug, sv.name if sv else None)
        try:
            yield result, rows
        finally:
            rows.close()  # a block that stopped early ends the read here, while the transaction is open
        if handover.answers:
            uow.commit()  # nothing new to hand over: the export was written, the unit of work rolls back
