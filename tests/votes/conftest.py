"""Fixtures for the resolution tests: drafts put straight into the store, and a snapshot of it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine, select

from lipctl.process.states import DraftState
from lipctl.store import models as m
from lipctl.store.engine import resolve_url

FIELDS = ["bildung", "soziales", "demokratie", "stadtleben-kultur", "wirtschaft", "stadtverwaltung-diversitaet"]
KINDS = ["grundsatzpapier", "massnahmenkatalog"]


@pytest.fixture
def engine(seeded) -> Iterator[Engine]:  # noqa: ANN001
    """An engine on the test's initialised database (LIPCTL_DB)."""
    eng = create_engine(resolve_url(os.environ["LIPCTL_DB"]))
    yield eng
    eng.dispose()


@pytest.fixture
def make_draft(engine: Engine) -> Callable[..., int]:
    """Insert a draft in a given state (until the lifecycle commands exist); returns its id."""

    def make(
        field: str = "bildung", kind: str = "grundsatzpapier", state: DraftState = DraftState.FORWARDED, version: int = 1
    ) -> int:
        from sqlalchemy.orm import Session

        with Session(engine) as s:
            field_id = s.scalars(select(m.ActionField.id).where(m.ActionField.slug == field)).one()
            draft = m.Draft(
                field_id=field_id,
                kind=kind,
                version=version,
                state=state,
                state_since=dt.date(2021, 1, 15),
                submitted_on=dt.date(2020, 12, 1),
                submitted_at=dt.datetime(2020, 12, 1, 9, 0),
                submitted_by="tester",
            )
            s.add(draft)
            s.commit()
            return draft.id

    return make


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of the tables a tally may touch, to show that a refusal changed nothing."""
    out = {}
    with engine.connect() as conn:
        for table in (m.Draft.__table__, m.Resolution.__table__, m.AuditEvent.__table__):
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]
    return out


@pytest.fixture
def snap(engine: Engine) -> Callable[[], dict[str, list[tuple]]]:
    return lambda: snapshot(engine)
