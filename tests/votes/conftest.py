"""Fixtures for the resolution tests: drafts put straight into the store, and a snapshot of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select

from lipctl.process.states import DraftState
from lipctl.store import models as m
from tests.helpers import snapshot

FIELDS = ["bildung", "soziales", "demokratie", "stadtleben-kultur", "wirtschaft", "stadtverwaltung-diversitaet"]
KINDS = ["grundsatzpapier", "massnahmenkatalog"]


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


@pytest.fixture
def snap(engine: Engine) -> Callable[[], dict[str, list[tuple]]]:
    return lambda: snapshot(engine)
