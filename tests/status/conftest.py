"""Fixtures for status and report tests: a realistic LIP process state as of 2021-02-01.

The state is built row by row in the store with SQLAlchemy (``Process``), the way the lifecycle
and vote commands leave it, so that the status can be checked against a known story:

- bildung: Grundsatzpapier returned twice (v1, v2), v3 submitted 2020-12-15 with the Beiräte's
  opinion in; the Runder Tisch's statement was due 2021-01-12 (overdue). Took the survey into account.
- wirtschaft: Grundsatzpapier adopted 2020-11-20 (Drucksache 0815/2020); catalogue v1 submitted
  2021-01-20, opinions not due yet.
- soziales: Grundsatzpapier forwarded 2020-12-10; the committee was not quorate on 2021-01-21.
- demokratie: Grundsatzpapier ready for the steering group since 2021-01-05.
- stadtleben-kultur: Grundsatzpapier submitted 2020-11-01, no opinions at all (both overdue);
  Maßnahmenkatalog v1 returned 2021-01-25.
- stadtverwaltung-diversitaet: nothing submitted yet.
- 60 survey responses of one survey, spread over fields and categories.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session

from lipctl.process.states import DecisionOutcome, DecisionScope, DraftState, ResolutionResult, Stance
from lipctl.store import models as m
from lipctl.store.engine import resolve_url

D = dt.date


class Process:
    """Writes process records into the test store, as the lifecycle and tally commands would."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _ids(self, s: Session, model: type, slug: str) -> int:
        return s.scalars(select(model.id).where(model.slug == slug)).one()

    def submit(self, field: str, kind: str, on: dt.date) -> int:
        with Session(self.engine) as s:
            fid = self._ids(s, m.ActionField, field)
            prev = s.scalars(select(m.Draft).where(m.Draft.field_id == fid, m.Draft.kind == kind).order_by(m.Draft.version.desc())).first()
            if prev is not None and prev.state in (DraftState.SUBMITTED, DraftState.READY_FOR_DECISION):
                prev.state, prev.state_since = DraftState.SUPERSEDED, on
            draft = m.Draft(
                field_id=fid, kind=kind, version=(prev.version + 1) if prev else 1, state=DraftState.SUBMITTED, state_since=on,
                submitted_on=on, submitted_at=dt.datetime.combine(on, dt.time(9)), submitted_by="tester",
            )
            s.add(draft)
            s.commit()
            return draft.id

    def opinion(self, draft_id: int, body: str, on: dt.date, stance: Stance = Stance.APPROVE) -> None:
        with Session(self.engine) as s:
            s.add(
                m.Opinion(
                    draft_id=draft_id, body_id=self._ids(s, m.Body, body), stance=stance, text="…", received_on=on,
                    recorded_at=dt.datetime.combine(on, dt.time(10)), recorded_by="tester",
                )
            )
            required = set(s.scalars(select(m.OpinionRequirement.body_id)))
            got = set(s.scalars(select(m.Opinion.body_id).where(m.Opinion.draft_id == draft_id)))
            draft = s.get(m.Draft, draft_id)
            if required <= got and draft.state is DraftState.SUBMITTED:
                draft.state, draft.state_since = DraftState.READY_FOR_DECISION, on
            s.commit()

    def decide(self, draft_id: int, outcome: DecisionOutcome, on: dt.date, reason: str = "reasons") -> None:
        with Session(self.engine) as s:
            s.add(
                m.SteeringDecision(
                    draft_id=draft_id, outcome=outcome, reason=reason, decided_on=on,
                    recorded_at=dt.datetime.combine(on, dt.time(11)), recorded_by="tester",
                )
            )
            draft = s.get(m.Draft, draft_id)
            draft.state = DraftState.FORWARDED if outcome is DecisionOutcome.FORWARD else DraftState.RETURNED
            draft.state_since = on
            s.commit()

    def tally(self, draft_id: int | None, yes: int, no: int, abstain: int, present: int, members: int, on: dt.date,
              result: ResolutionResult, drucksache: str | None = None, body: str = "internationaler-ausschuss") -> None:
        with Session(self.engine) as s:
            s.add(
                m.Resolution(
                    scope=DecisionScope.DOCUMENT if draft_id else DecisionScope.PLAN, draft_id=draft_id, body_id=self._ids(s, m.Body, body),
                    rule_set="nkomvg", yes=yes, no=no, abstain=abstain, present=present, members=members,
                    quorate=result is not ResolutionResult.NOT_QUORATE, result=result,
                    arithmetic=f"{yes} yes of {yes + no} yes/no votes; {result.value}", drucksache=drucksache, decided_on=on,
                    recorded_at=dt.datetime.combine(on, dt.time(18)), recorded_by="tester",
                )
            )
            if draft_id and result in (ResolutionResult.ADOPTED, ResolutionResult.REJECTED):
                draft = s.get(m.Draft, draft_id)
                draft.state = DraftState(result.value)
                draft.state_since = on
            s.commit()

    def responses(self, survey: str, counts: dict[tuple[str | None, str | None], int]) -> None:
        with Session(self.engine) as s:
            sv = s.scalars(select(m.Survey).where(m.Survey.name == survey)).first()
            if sv is None:
                sv = m.Survey(name=survey, created_at=dt.datetime(2020, 6, 1))
                s.add(sv)
                s.flush()
            n = s.query(m.SurveyResponse).count()
            for (field, cat), k in counts.items():
                fid = self._ids(s, m.ActionField, field) if field else None
                cid = self._ids(s, m.SurveyCategory, cat) if cat else None
                for _i in range(k):
                    n += 1
                    s.add(m.SurveyResponse(survey_id=sv.id, response_key=f"r{n}", field_id=fid, category_id=cid, text=f"Antwort {n}"))
            s.commit()

    def considered(self, draft_id: int, survey: str) -> None:
        with Session(self.engine) as s:
            sid = s.scalars(select(m.Survey.id).where(m.Survey.name == survey)).one()
            s.add(m.DraftSurvey(draft_id=draft_id, survey_id=sid))
            s.commit()


@pytest.fixture
def engine(seeded) -> Iterator[Engine]:  # noqa: ANN001
    eng = create_engine(resolve_url(os.environ["LIPCTL_DB"]))
    yield eng
    eng.dispose()


@pytest.fixture
def process(engine: Engine) -> Process:
    return Process(engine)


SURVEY = "Online-Beteiligung 2020"
RESPONSES = {
    ("bildung", "idee"): 12, ("bildung", "wunsch"): 6, ("bildung", "kritik"): 4,
    ("wirtschaft", "idee"): 5, ("wirtschaft", "kritik"): 3,
    ("soziales", "wunsch"): 9,
    ("demokratie", "idee"): 7, ("demokratie", None): 2,
    ("stadtleben-kultur", "idee"): 8, ("stadtleben-kultur", "wunsch"): 4,
}


@pytest.fixture
def story(process: Process) -> dict[str, int]:
    """The realistic state described in the module docstring; returns the draft ids by name."""
    p = process
    ids: dict[str, int] = {}
    p.responses(SURVEY, RESPONSES)

    # bildung: returned twice, v3 waiting on the Runder Tisch (overdue since 2021-01-12)
    v1 = p.submit("bildung", "grundsatzpapier", D(2020, 6, 1))
    p.opinion(v1, "integrationsbeiraete", D(2020, 6, 20), Stance.AMEND)
    p.opinion(v1, "runder-tisch", D(2020, 6, 25), Stance.AMEND)
    p.decide(v1, DecisionOutcome.RETURN, D(2020, 7, 10), "Ziele zu unkonkret")
    v2 = p.submit("bildung", "grundsatzpapier", D(2020, 9, 1))
    p.opinion(v2, "runder-tisch", D(2020, 9, 15), Stance.REJECT)
    p.opinion(v2, "integrationsbeiraete", D(2020, 9, 20))
    p.decide(v2, DecisionOutcome.RETURN, D(2020, 10, 8), "Umfrageergebnisse einarbeiten")
    v3 = p.submit("bildung", "grundsatzpapier", D(2020, 12, 15))
    p.opinion(v3, "integrationsbeiraete", D(2021, 1, 5))
    p.considered(v3, SURVEY)
    ids.update(bildung_v1=v1, bildung_v2=v2, bildung_v3=v3)

    # wirtschaft: policy paper adopted; catalogue just submitted
    w = p.submit("wirtschaft", "grundsatzpapier", D(2020, 8, 3))
    p.opinion(w, "integrationsbeiraete", D(2020, 8, 20))
    p.opinion(w, "runder-tisch", D(2020, 8, 28))
    p.decide(w, DecisionOutcome.FORWARD, D(2020, 10, 30), "zustimmungsfähig")
    p.tally(w, 9, 4, 1, 14, 15, D(2020, 11, 20), ResolutionResult.ADOPTED, "0815/2020")
    ids["wirtschaft_gp"] = w
    ids["wirtschaft_mk"] = p.submit("wirtschaft", "massnahmenkatalog", D(2021, 1, 20))

    # soziales: forwarded, the committee was not quorate
    so = p.submit("soziales", "grundsatzpapier", D(2020, 10, 1))
    p.opinion(so, "runder-tisch", D(2020, 10, 20))
    p.opinion(so, "integrationsbeiraete", D(2020, 10, 22))
    p.decide(so, DecisionOutcome.FORWARD, D(2020, 12, 10), "zustimmungsfähig")
    p.tally(so, 4, 2, 1, 7, 15, D(2021, 1, 21), ResolutionResult.NOT_QUORATE, "0123/2021")
    ids["soziales_gp"] = so

    # demokratie: ready for the steering group
    de = p.submit("demokratie", "grundsatzpapier", D(2020, 12, 1))
    p.opinion(de, "integrationsbeiraete", D(2020, 12, 20))
    p.opinion(de, "runder-tisch", D(2021, 1, 5))
    ids["demokratie_gp"] = de

    # stadtleben-kultur: policy paper submitted, no opinion at all; catalogue returned a week ago
    ids["stadtleben_gp"] = p.submit("stadtleben-kultur", "grundsatzpapier", D(2020, 11, 1))
    mk = p.submit("stadtleben-kultur", "massnahmenkatalog", D(2020, 11, 15))
    p.opinion(mk, "integrationsbeiraete", D(2020, 12, 1), Stance.AMEND)
    p.opinion(mk, "runder-tisch", D(2020, 12, 1), Stance.AMEND)
    p.decide(mk, DecisionOutcome.RETURN, D(2021, 1, 25), "Maßnahmen ohne Zuständigkeiten")
    ids["stadtleben_mk"] = mk
    return ids
