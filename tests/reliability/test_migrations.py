"""Migrations: the list of revisions, drift between models and migrations, an upgrade that loses nothing."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from lipctl.errors import ExitCode
from lipctl.store import models as m
from lipctl.store import schema
from lipctl.store.engine import resolve_url
from tests.helpers import counts, model_tables
from tests.stress import _harness as h


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


def _upgraded_engine(db_url: str, target: str = "head"):  # noqa: ANN202
    url = resolve_url(db_url)
    if url.get_backend_name() == "sqlite":
        Path(url.database).touch(mode=0o600)
    engine = create_engine(url)
    with engine.begin() as conn:
        schema.upgrade(conn, target)
    return engine


def test_models_and_migrations_do_not_drift(db_url: str) -> None:
    """The database the migrations build is the one the models describe (Alembic's autogenerate finds nothing)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = _upgraded_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            diff = compare_metadata(context, m.Base.metadata)
            assert diff == []
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert {t.name for t in m.Base.metadata.sorted_tables} | {"alembic_version"} == tables


def _available(cli, *path: str) -> bool:
    return cli(*path, "--help").exit_code == ExitCode.OK


def _fill(cli, folder) -> list[str]:  # noqa: ANN001
    """Data through the commands that exist in this lipctl; returns what was used."""
    used = ["init"]
    assert cli("init").exit_code == ExitCode.OK
    for n in range(2):
        csv_file = h.write_survey(folder / f"survey{n}.csv", 40, prefix=f"s{n}-")
        result = cli("survey", "import", str(csv_file), "--survey", f"Umfrage {n}")
        assert result.exit_code == ExitCode.OK, result.stderr
    used.append("survey import")
    if _available(cli, "draft", "submit"):
        for field in ("bildung", "soziales"):
            result = cli("draft", "submit", field, "--kind", "grundsatzpapier", "--title", f"Grundsatzpapier {field}")
            assert result.exit_code == ExitCode.OK, result.stderr
        used.append("draft submit")
        if _available(cli, "opinion", "record"):
            result = cli(
                "opinion",
                "record",
                "bildung/grundsatzpapier",
                "--from",
                "runder-tisch",
                "--stance",
                "amend",
                "--text",
                "Mehr Sprachkurse",
            )
            assert result.exit_code == ExitCode.OK, result.stderr
            used.append("opinion record")
    return used


def test_a_database_of_the_first_revision_upgrades_to_head_with_nothing_lost(db_url: str, cli, isolated, capsys) -> None:  # noqa: ANN001
    """Built at REVISIONS[0], filled through the commands, upgraded with 'lipctl db upgrade'.

    While the models still match the first revision (today: there is only 0001), the commands
    fill it as they are. Once a later revision changes a table the commands write, fill the
    first-revision database with SQL written for that revision instead.
    """
    first = schema.REVISIONS[0]
    _upgraded_engine(db_url, first).dispose()
    with pytest.MonkeyPatch.context() as mp:
        # This lipctl, told that the first revision is the newest, so that its commands write to it.
        mp.setattr(schema, "HEAD", first)
        mp.setattr(schema, "upgrade", functools.partial(schema.upgrade, target=first))
        used = _fill(cli, isolated)
    before = counts(db_url, model_tables())
    assert before["survey_responses"] == 80
    assert before["action_fields"] == 6

    result = cli("db", "upgrade", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout and '"schema": "' + schema.HEAD + '"' in result.stdout
    after = counts(db_url, model_tables())
    changed = first != schema.HEAD
    expected = dict(before, audit_events=before["audit_events"] + (1 if changed else 0))
    expected.update({name: 0 for name in after if name not in before})  # tables a later revision adds start empty
    assert after == expected
    check = cli.json("db", "check")
    assert check["ok"] is True and check["schema"] == schema.HEAD
    with capsys.disabled():
        print(
            f"\n   migration {first} -> {schema.HEAD} ({db_url.split(':')[0] if '://' in db_url else 'sqlite'}), filled by {', '.join(used)}: "
            f"rows before {sum(before.values())}, after {sum(after.values())} (audit events +{int(changed)})"
        )
    assert cli("fields").exit_code == ExitCode.OK
