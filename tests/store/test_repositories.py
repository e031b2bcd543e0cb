"""The services' look-ups (lipctl.store.repositories): the name resolved on the read side, then one row through the ORM.

On SQLite and PostgreSQL (``db_url``): each look-up returns the row the name means, loads only that
row (one ORM SELECT, none when the session already holds it), sees the unit of work's own unflushed
writes, and refuses an unknown name exactly as the read side does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lipctl.errors import LipctlError, NotFound
from lipctl.store import models as m
from lipctl.store import repositories as repo
from lipctl.store.location import resolve
from lipctl.store.read import definition, drafts, surveys
from lipctl.store.reader import open_reader
from tests.helpers import engine_on


@pytest.fixture
def store(db_url: str, cli, tmp_path: Path) -> str:
    """The shipped seed, one document and one survey."""
    answers = tmp_path / "answers.csv"
    answers.write_text("id;action_field;category;text;submitted_at\n1;Bildung;Idee;Mehr Kita;2020-06-02\n", encoding="utf-8")
    for args in (
        ("init",),
        ("--today", "2020-09-01", "draft", "submit", "Bildung", "--kind", "Grundsatzpapier", "--title", "T1"),
        ("survey", "import", str(answers), "--survey", "Beteiligung 2020", "--profile", "spreadsheet"),
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
    return db_url


@pytest.fixture
def engine(store: str) -> Iterator[Engine]:
    engine = engine_on()
    yield engine
    engine.dispose()


class Statements:
    """The SQL statements SQLAlchemy sends (the read side's driver statements are not among them)."""

    def __init__(self, engine: Engine) -> None:
        self.sent: list[str] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.sent.append(" ".join(statement.split()))

    def during(self, look_up: Callable[[], Any]) -> tuple[Any, list[str]]:
        self.sent.clear()
        found = look_up()
        return found, list(self.sent)


LOOK_UPS: list[tuple[str, str, str]] = [
    # (look-up, what staff type, the table whose one row it loads)
    ("get_field", "Bildung", "action_fields"),
    ("get_kind", "grundsatzpapier ", "document_kinds"),
    ("get_body", "Integrationsbeirat", "bodies"),
]


@pytest.mark.parametrize(("name", "query", "table"), LOOK_UPS)
def test_a_look_up_loads_the_one_row_the_name_means(store: str, engine: Engine, name: str, query: str, table: str) -> None:
    statements = Statements(engine)
    with Session(engine) as session:
        session.connection()  # the transaction is open before counting
        found, sent = statements.during(lambda: getattr(repo, name)(session, query))
        assert [s.split(" FROM ")[1].split()[0] for s in sent] == [table]
        assert " WHERE " in sent[0] and ".slug = " in sent[0]
        with open_reader(resolve(store)) as r:
            expected = {"get_field": definition.field_slug, "get_kind": definition.kind_slug, "get_body": definition.body_slug}
            assert found.slug == expected[name](r, query)


def test_a_draft_and_a_survey_come_from_the_session_when_it_holds_them(engine: Engine) -> None:
    statements = Statements(engine)
    with Session(engine) as session:
        session.connection()
        draft, sent = statements.during(lambda: repo.get_draft(session, "bildung/grundsatzpapier"))
        assert isinstance(draft, m.Draft) and draft.version == 1 and len(sent) == 1
        again, sent = statements.during(lambda: repo.get_draft(session, str(draft.id)))
        assert again is draft and sent == []
        survey, sent = statements.during(lambda: repo.get_survey(session, " BETEILIGUNG 2020 "))
        assert isinstance(survey, m.Survey) and survey.name == "Beteiligung 2020" and len(sent) == 1
        again, sent = statements.during(lambda: repo.get_survey(session, "beteiligung 2020"))
        assert again is survey and sent == []


def test_a_look_up_sees_the_unit_of_works_own_unflushed_writes(engine: Engine) -> None:
    with Session(engine) as session:
        bildung = repo.get_field(session, "bildung")
        session.add(m.FieldAlias(field_id=bildung.id, alias="Schulen"))  # pending, not yet flushed
        assert repo.get_field(session, "Schulen") is bildung
        session.rollback()
        with pytest.raises(NotFound):
            repo.get_field(session, "Schulen")


REFUSALS: list[tuple[Callable[..., Any], Callable[..., Any], str]] = [
    (repo.get_field, definition.field_slug, "Sport"),
    (repo.get_kind, definition.kind_slug, "Satzung"),
    (repo.get_body, definition.body_slug, "Bezirksrat"),
    (repo.get_draft, drafts.draft_id, "soziales/grundsatzpapier"),
    (repo.get_draft, drafts.draft_id, "99"),
    (repo.get_draft, drafts.draft_id, "a/b/c"),
    (repo.get_survey, surveys.survey, "Beteiligung 2030"),
]


@pytest.mark.parametrize(("look_up", "read", "query"), REFUSALS)
def test_an_unknown_name_is_refused_as_the_read_side_refuses_it(
    store: str, engine: Engine, look_up: Callable[..., Any], read: Callable[..., Any], query: str
) -> None:
    with open_reader(resolve(store)) as r, pytest.raises(LipctlError) as bare:
        read(r, query)
    with Session(engine) as session, pytest.raises(LipctlError) as inside:
        look_up(session, query)
    assert type(inside.value) is type(bare.value)
    assert (inside.value.message, inside.value.hint) == (bare.value.message, bare.value.hint)
    assert inside.value.hint  # says what to do
