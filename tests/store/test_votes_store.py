"""Resolutions are stored the same on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lipctl.errors import ExitCode
from lipctl.process.states import DecisionScope, DraftState, ResolutionResult
from lipctl.store import models as m
from tests.helpers import engine_on


def test_tallies_stored_on_both_stores(db_url: str, cli) -> None:  # noqa: ANN001
    assert cli("init").exit_code == ExitCode.OK
    engine = engine_on(db_url)
    try:
        with Session(engine) as s:
            field_id = s.scalars(select(m.ActionField.id).where(m.ActionField.slug == "demokratie")).one()
            draft = m.Draft(
                field_id=field_id,
                kind="massnahmenkatalog",
                version=1,
                state=DraftState.FORWARDED,
                state_since=dt.date(2021, 1, 10),
                submitted_on=dt.date(2020, 12, 1),
                submitted_at=dt.datetime(2020, 12, 1, 9),
                submitted_by="tester",
            )
            s.add(draft)
            s.commit()
            draft_id = draft.id
        ref = "Demokratie/Maßnahmenkatalog"
        first = cli.json(  # a meeting two weeks before the second one (a vote is never dated before an earlier one)
            "committee",
            "tally",
            ref,
            "--yes",
            "11",
            "--no",
            "10",
            "--abstain",
            "0",
            "--present",
            "21",
            "--members",
            "42",
            "--date",
            "2021-01-14",
        )
        assert (first["result"], first["quorate"], first["state"]) == ("not_quorate", False, "forwarded")
        refused = cli(
            "committee", "tally", ref, "--yes", "12", "--no", "10", "--abstain", "1", "--present", "22", "--members", "21"
        )
        assert refused.exit_code == ExitCode.REFUSED
        second = cli.json(
            "committee",
            "tally",
            ref,
            "--yes",
            "12",
            "--no",
            "10",
            "--abstain",
            "0",
            "--present",
            "22",
            "--members",
            "42",
            "--drucksache",
            "15-0067/2019 f1",
            "--date",
            "2021-01-28",
        )
        assert (second["result"], second["state"], second["drucksache"]) == ("adopted", "adopted", "15-0067/2019 F1")
        with Session(engine) as s:
            rows = list(s.scalars(select(m.Resolution).order_by(m.Resolution.id)))
            assert [
                (r.scope, r.draft_id, r.result, r.quorate, r.yes, r.no, r.present, r.members, r.decided_on) for r in rows
            ] == [
                (DecisionScope.DOCUMENT, draft_id, ResolutionResult.NOT_QUORATE, False, 11, 10, 21, 42, dt.date(2021, 1, 14)),
                (DecisionScope.DOCUMENT, draft_id, ResolutionResult.ADOPTED, True, 12, 10, 22, 42, dt.date(2021, 1, 28)),
            ]
            assert rows[1].arithmetic == (
                "12 yes of 22 yes/no votes; 0 abstentions not counted; quorum 22 of 42, 22 present; more yes than no: adopted"
            )
            assert s.get(m.Draft, draft_id).state == DraftState.ADOPTED
            events = list(
                s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "resolution.recorded").order_by(m.AuditEvent.id))
            )
            assert [json.loads(e.details)["result"] for e in events] == ["not_quorate", "adopted"]
            # the store's own line of defence: an impossible tally written around lipctl is refused
            body_id = rows[0].body_id
            s.add(
                m.Resolution(
                    scope=DecisionScope.DOCUMENT,
                    draft_id=draft_id,
                    body_id=body_id,
                    rule_set="nkomvg",
                    yes=5,
                    no=5,
                    abstain=5,
                    present=10,
                    members=42,
                    quorate=False,
                    result=ResolutionResult.NOT_QUORATE,
                    arithmetic="-",
                    decided_on=dt.date(2021, 1, 1),
                    recorded_at=dt.datetime(2021, 1, 1),
                    recorded_by="x",
                )
            )
            with pytest.raises(IntegrityError):
                s.commit()
    finally:
        engine.dispose()


def test_two_offices_tally_the_same_draft_at_once(db_url: str, cli, make_env) -> None:  # noqa: ANN001
    """The draft row is locked for the tally: one result is final, the other is refused, never two."""
    import threading

    from lipctl.errors import Refused
    from lipctl.services import resolutions

    assert cli("init").exit_code == ExitCode.OK
    engine = engine_on(db_url)
    try:
        for round_ in range(5):
            field = ["bildung", "soziales", "demokratie", "wirtschaft", "stadtleben-kultur"][round_]
            with Session(engine) as s:
                field_id = s.scalars(select(m.ActionField.id).where(m.ActionField.slug == field)).one()
                s.add(
                    m.Draft(
                        field_id=field_id,
                        kind="grundsatzpapier",
                        version=1,
                        state=DraftState.FORWARDED,
                        state_since=dt.date(2021, 1, 10),
                        submitted_on=dt.date(2020, 12, 1),
                        submitted_at=dt.datetime(2020, 12, 1, 9),
                        submitted_by="tester",
                    )
                )
                s.commit()
            barrier = threading.Barrier(2)
            outcomes: list[str] = []

            def tally(yes: int, no: int, ref: str = f"{field}/grundsatzpapier") -> None:
                barrier.wait()
                try:
                    row = resolutions.tally_document(make_env(), ref, yes=yes, no=no, abstain=0, present=14, members=15)
                    outcomes.append(row["result"])
                except Refused as exc:
                    assert "that result is final for this version" in exc.message
                    outcomes.append("refused")

            threads = [threading.Thread(target=tally, args=(10, 4)), threading.Thread(target=tally, args=(4, 10))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(outcomes) in (["adopted", "refused"], ["refused", "rejected"]), outcomes
            with Session(engine) as s:
                field_id = s.scalars(select(m.ActionField.id).where(m.ActionField.slug == field)).one()
                draft = s.scalars(select(m.Draft).where(m.Draft.field_id == field_id)).one()
                results = list(s.scalars(select(m.Resolution.result).where(m.Resolution.draft_id == draft.id)))
                assert [r.value for r in results] == [o for o in outcomes if o != "refused"]
                assert draft.state.value == results[0].value
    finally:
        engine.dispose()
