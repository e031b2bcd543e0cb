"""The store behaves the same on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from lipctl.errors import ExitCode
from lipctl.store import models as m
from tests.helpers import counts, engine_on, model_tables


def test_init_seed_and_contacts(db_url: str, cli) -> None:
    result = cli("init")
    assert result.exit_code == ExitCode.OK, result.stderr
    rows = cli.json("contacts")
    assert len(rows) == 6
    assert rows[3]["field_name"] == "Stadtleben und Kultur"
    assert rows[3]["internal_speaker"] == {"name": "Parisa Hussein-Nejad", "unit": "Fachbereich Kultur"}
    stored = counts(db_url, model_tables())
    assert stored["action_fields"] == 6
    assert stored["bodies"] == 11
    assert stored["field_contacts"] == 18
    assert stored["people"] == 16  # 4 contact persons (two serve two fields), 6 internal, 5 external (one vacant), the chair
    assert cli("init").exit_code == ExitCode.OK
    assert counts(db_url, model_tables()) == stored


def test_newer_schema_refused(db_url: str, cli) -> None:
    assert cli("init").exit_code == ExitCode.OK
    engine = engine_on(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    before = counts(db_url, model_tables())
    for args in (["fields"], ["init"]):
        result = cli(*args)
        assert result.exit_code == ExitCode.REFUSED
        assert "written by a newer lipctl" in result.stderr
    assert counts(db_url, model_tables()) == before


def test_audit_log_refuses_update_and_delete(db_url: str, cli) -> None:
    assert cli("init").exit_code == ExitCode.OK
    engine = engine_on(db_url)
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    engine.dispose()
    assert counts(db_url, model_tables())["audit_events"] == 2


def test_unique_versions_are_enforced_by_the_database(db_url: str, cli) -> None:
    """Two drafts with the same (field, kind, version) cannot both be stored, whoever writes them."""
    import datetime as dt

    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session

    assert cli("init").exit_code == ExitCode.OK
    engine = engine_on(db_url)
    now = dt.datetime(2021, 2, 1, 9, 0)

    def draft(session: Session) -> m.Draft:
        field = session.scalars(select(m.ActionField).where(m.ActionField.slug == "bildung")).one()
        return m.Draft(
            field_id=field.id,
            kind="grundsatzpapier",
            version=2,
            state="submitted",
            state_since=now.date(),
            submitted_on=now.date(),
            submitted_at=now,
            submitted_by="t",
        )

    with Session(engine) as s:
        s.add(draft(s))
        s.commit()
    with pytest.raises(IntegrityError):
        with Session(engine) as s:
            s.add(draft(s))
            s.commit()
    engine.dispose()
