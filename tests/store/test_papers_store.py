"""The Drucksachen register under concurrency, on both stores: a number belongs to one paper."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.errors import ExitCode, Refused
from lipctl.process.states import DraftState
from lipctl.store import models as m
from tests.helpers import engine_on


def test_two_offices_register_the_same_new_number_for_two_drafts_at_once(db_url: str, cli, make_env) -> None:
    """One tally registers the paper; the other is refused, naming the owner; never two papers."""
    from lipctl.services import resolutions

    assert cli("init").exit_code == ExitCode.OK
    engine = engine_on(db_url)
    try:
        for round_, (one, other) in enumerate([("bildung", "soziales"), ("demokratie", "wirtschaft")]):
            with Session(engine) as s:
                for field in (one, other):
                    field_id = s.scalars(select(m.ActionField.id).where(m.ActionField.slug == field)).one()
                    s.add(
                        m.Draft(
                            field_id=field_id,
                            kind="grundsatzpapier",
                            version=1,
                            state=DraftState.FORWARDED,
                            state_since=dt.date(2021, 1, 10),
                            submitted_on=dt.date(2020, 12, 1),
                            submitted_at=dt.datetime(2020, 12, 1, 9),  # noqa: DTZ001 (naive UTC, as lipctl stores it)
                            submitted_by="tester",
                        )
                    )
                s.commit()
            number = f"07{round_}0/2021"
            barrier = threading.Barrier(2)
            outcomes: dict[str, str] = {}

            def tally(
                field: str, barrier: threading.Barrier = barrier, outcomes: dict[str, str] = outcomes, number: str = number
            ) -> None:
                barrier.wait()
                try:
                    resolutions.tally_document(
                        make_env(), f"{field}/grundsatzpapier", yes=9, no=1, abstain=0, present=10, members=15, drucksache=number
                    )
                    outcomes[field] = "adopted"
                except Refused as exc:
                    outcomes[field] = exc.message

            threads = [threading.Thread(target=tally, args=(f,)) for f in (one, other)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            [winner] = [f for f, o in outcomes.items() if o == "adopted"]
            [loser] = [o for o in outcomes.values() if o != "adopted"]
            assert loser == f"Drucksache {number} is already registered for {winner}/grundsatzpapier v1"
            with Session(engine) as s:
                papers = list(s.scalars(select(m.Paper).where(m.Paper.number == number)))
                assert len(papers) == 1 and papers[0].carries == "draft"
                assert len(list(s.scalars(select(m.Resolution).where(m.Resolution.drucksache == number)))) == 1
    finally:
        engine.dispose()
