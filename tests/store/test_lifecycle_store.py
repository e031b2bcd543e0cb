"""The lifecycle services on SQLite and PostgreSQL: a taken version number is retried, never doubled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from lipctl.errors import ExitCode, Refused
from lipctl.store import models as m
from tests.helpers import engine_on, snapshot


@pytest.fixture
def store(cli, db_url: str) -> Iterator[Engine]:
    assert cli("init").exit_code == ExitCode.OK
    assert cli("draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    engine = engine_on()
    yield engine
    engine.dispose()


@pytest.fixture
def collide() -> Iterator[list[int]]:
    """Make the next ``n`` submits insert a version that is already taken, as a concurrent office would."""
    left = [0]
    seen: list[int] = []

    def before_flush(session: Session, _ctx, _instances) -> None:
        for obj in session.new:
            if isinstance(obj, m.Draft) and left[0] > 0:
                left[0] -= 1
                seen.append(obj.version)
                obj.version = 1  # taken: the unique (field_id, kind, version) constraint refuses it

    event.listen(Session, "before_flush", before_flush)
    yield left
    event.remove(Session, "before_flush", before_flush)


def test_a_taken_version_number_is_retried_in_a_fresh_transaction(store: Engine, collide: list[int], make_env) -> None:
    from lipctl.services import drafts

    collide[0] = 2
    row = drafts.submit(make_env(), "bildung", "grundsatzpapier", title="nach dem Wettlauf")
    assert collide[0] == 0 and (row["version"], row["superseded"]["version"]) == (2, 1)
    with store.connect() as conn:
        assert conn.execute(text("SELECT version, state FROM drafts ORDER BY version")).all() == [
            (1, "superseded"),
            (2, "submitted"),
        ]
        actions = conn.execute(text("SELECT action FROM audit_events WHERE entity = 'draft' ORDER BY id")).scalars().all()
    assert actions == ["draft.submitted", "draft.submitted", "draft.superseded"]  # the failed attempts left nothing


def test_when_the_number_keeps_being_taken_the_submit_is_refused_and_nothing_stored(
    store: Engine, collide: list[int], make_env
) -> None:
    from lipctl.services import drafts

    before = snapshot(store)
    collide[0] = drafts.SUBMIT_ATTEMPTS
    with pytest.raises(Refused, match="another submission of the same document kept taking the version number"):
        drafts.submit(make_env(), "bildung", "grundsatzpapier")
    assert snapshot(store) == before
