"""Migrations: the list of revisions, drift between models and migrations, an upgrade that loses nothing."""

from __future__ import annotations

import ast
import json

from sqlalchemy import inspect

from lipctl.errors import ExitCode
from lipctl.store import models as m
from lipctl.store import schema
from tests.fixtures import revisions


def test_revisions_list_matches_the_migration_scripts() -> None:
    """schema.REVISIONS (read by every command without Alembic) is the scripts' chain, oldest first."""
    scripts = {}
    for path in (schema.MIGRATIONS / "versions").glob("*.py"):
        if path.name == "__init__.py":
            continue
        values = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if node.targets[0].id in ("revision", "down_revision"):
                    values[node.targets[0].id] = ast.literal_eval(node.value)
        scripts[values["revision"]] = values["down_revision"]
    chain: list[str] = []
    parent = None
    while True:
        children = [rev for rev, down in scripts.items() if down == parent]
        assert len(children) <= 1, f"branches in the migrations: {children}"
        if not children:
            break
        chain.append(children[0])
        parent = children[0]
    assert sorted(chain) == sorted(scripts), "every script is on one chain"
    assert tuple(chain) == schema.REVISIONS
    assert schema.HEAD == chain[-1]

    from alembic.script import ScriptDirectory

    alembic_chain = [s.revision for s in ScriptDirectory(str(schema.MIGRATIONS)).walk_revisions()][::-1]
    assert tuple(alembic_chain) == schema.REVISIONS


#: For the tests that import it from here: tests/fixtures/revisions builds a schema at a revision.
_upgraded_engine = revisions.upgraded_engine


def test_models_and_migrations_do_not_drift(db_url: str) -> None:
    """The database the migrations build is the one the models describe (Alembic's autogenerate finds nothing)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from lipctl.search.index import is_index_table  # issue 19: the search index is lipctl.search's, not a model

    def include_name(name: str | None, type_: str, _parent: object) -> bool:
        return not (type_ == "table" and name is not None and is_index_table(name))

    engine = _upgraded_engine(db_url)
    try:
        with engine.connect() as conn:
            opts = {"compare_type": True, "compare_server_default": False, "include_name": include_name}
            context = MigrationContext.configure(conn, opts=opts)
            diff = compare_metadata(context, m.Base.metadata)
            assert diff == []
            tables = {t for t in inspect(conn).get_table_names() if not is_index_table(t)}
    finally:
        engine.dispose()
    assert {t.name for t in m.Base.metadata.sorted_tables} | {"alembic_version"} == tables


#: Columns a later revision adds that the upgrade fills for existing rows (every other added column starts NULL).
COMPUTED = {
    "audit_events": {"happened_on", "prev_hash", "hash"},
    "memberships": {"voting"},
    "bodies": {"language"},  # 0009: 'de', the default (test_migration_0009.py)
}
#: Tables a later revision adds that the upgrade fills (every other added table starts empty).
FILLED = {"audit_head", "papers", "seed_values"}  # papers: 0007 registers the numbers in use (test_migration_0007.py)
# seed_values: 0009 records the values the seed last applied (test_migration_0009.py)
# issue 19: 0012 fills the search index (FTS5 and its shadow tables; PostgreSQL's search_terms) from the stored texts
FILLED |= {"search_terms", "search_fts", *(f"search_fts_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config"))}


def test_a_database_of_the_first_revision_upgrades_to_head_with_nothing_lost(db_url: str, cli) -> None:
    """Built at REVISIONS[0] from the rows a lipctl of that revision wrote (tests/fixtures/revisions),
    upgraded with 'lipctl db upgrade' through every revision to head.

    Every row of every table is kept in the columns it had; the columns later revisions add are
    NULL for existing rows, except those an upgrade computes (COMPUTED: the audit chain of 0004,
    checked in test_migration_0004.py); the tables they add are empty, except FILLED; the log
    gains one event, the upgrade's own.
    """
    first = schema.REVISIONS[0]
    revisions.load(db_url, first)
    before = revisions.rows(db_url)
    assert len(before["survey_responses"]) == 81 and len(before["action_fields"]) == 6
    assert len(before["drafts"]) == 2 and len(before["opinions"]) == 1 and len(before["import_batches"]) == 3

    result = cli("db", "upgrade", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout)["schema"] == schema.HEAD
    after = revisions.rows(db_url)

    for name in set(after) - set(before):  # tables of later revisions
        assert (after.pop(name) != []) == (name in FILLED), name
    events = after["audit_events"]
    assert len(events) == len(before["audit_events"]) + 1
    upgraded = events.pop()
    assert (upgraded["action"], json.loads(upgraded["details"])) == ("schema.upgraded", {"before": first, "after": schema.HEAD})
    assert set(after) == set(before)
    for name, rows in before.items():
        added = set(after[name][0]) - set(rows[0]) if rows else set()
        assert revisions.without(after[name], *added) == rows, f"{name}: rows changed"
        for column in added - COMPUTED.get(name, set()):
            assert {r[column] for r in after[name]} == {None}, f"{name}.{column}: not empty"
    check = cli.json("db", "check")
    assert check["ok"] is True and check["schema"] == schema.HEAD
    assert cli("fields").exit_code == ExitCode.OK


def test_a_database_of_an_older_revision_is_upgraded_only_by_init_or_db_upgrade(db_url: str, cli) -> None:
    """On a populated database of an older revision, ``init --dry-run`` (a preview: it may not upgrade) and
    the commands that write refuse with what to run; nothing in the database changes. ``init`` then
    upgrades it and loads the seed, and the refused command goes through."""
    revisions.load(db_url, "0008")
    before = revisions.rows(db_url)
    told = (
        f"lipctl: the database has the older schema version 0008 (this lipctl uses {schema.HEAD})"
        " — run 'lipctl init' or 'lipctl db upgrade' to upgrade it\n"
    )
    submit = ("draft", "submit", "soziales", "--kind", "grundsatzpapier", "--title", "Entwurf Soziales")
    for args in (("init", "--dry-run"), submit):
        result = cli(*args)
        assert (result.exit_code, result.stdout, result.stderr) == (ExitCode.REFUSED, "", told), args
    assert revisions.rows(db_url) == before

    result = cli("init")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert cli(*submit).exit_code == ExitCode.OK
    assert cli.json("db", "check")["schema"] == schema.HEAD
