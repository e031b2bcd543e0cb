"""Meta-tests that keep the CLI honest: lazy imports, help on every command, every command documented.

The import checks run lipctl in a fresh interpreter (``python -X importtime``), because in this
process pytest and the other tests have long since imported everything.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from lipctl.errors import ExitCode

ROOT = Path(__file__).resolve().parents[2]

# What `--help` must not load: the store, the templates, the seed reader, rich's tables — and
# rich at all, since the root app renders plain Click help (rich_markup_mode=None).
HEAVY_FOR_HELP = ("sqlalchemy", "alembic", "yaml", "jinja2", "rich", "platformdirs", "psycopg", "lipctl.store", "lipctl.services")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def imported_modules(*code_or_args: str) -> set[str]:
    """Run ``python -X importtime ...`` in a fresh process; the modules it imported."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *code_or_args],
        check=False,
        env=_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set()
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+\d+ \|\s*(\S+)", line)
        if m:
            names.add(m.group(1))
    assert "lipctl" in names or "lipctl.process" in names, "importtime printed nothing we could read"
    return names


def offending(modules: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == f or m.startswith(f + ".") for f in forbidden))


# --- lazy imports ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("args", [("--help",), ("--version",)], ids=["help", "version"])
def test_root_help_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    modules = imported_modules("-m", "lipctl", *args)
    assert "lipctl.cli" in modules
    assert offending(modules, HEAVY_FOR_HELP) == []
    assert offending(modules, ("lipctl.commands",)) == []  # the root's help comes from lipctl.cli.COMMANDS


def subcommands(group: Any) -> dict[str, Any]:
    """A group's commands as Click's lazy-group contract gives them: ``list_commands``, then ``get_command``."""
    ctx = typer.Context(group)
    return {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}


def _root() -> Any:
    from lipctl.cli import app

    return typer.main.get_command(app)


def _group_names() -> list[str]:
    return sorted(name for name, cmd in subcommands(_root()).items() if hasattr(cmd, "list_commands"))


@pytest.mark.slow
def test_every_group_help_imports_nothing_heavy() -> None:
    groups = _group_names()
    assert groups, "no command groups registered"
    for group in groups:
        modules = imported_modules("-m", "lipctl", group, "--help")
        assert offending(modules, HEAVY_FOR_HELP) == [], group


@pytest.mark.slow
def test_an_ordinary_command_checks_the_schema_without_alembic(seeded, isolated: Path) -> None:
    # `draft submit` writes through SQLAlchemy but never migrates: the schema version is one query
    # on alembic_version, not Alembic's machinery; the seed file is not read either.
    modules = imported_modules("-m", "lipctl", "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--format", "json")
    assert "sqlalchemy" in modules  # it did reach the store, so the check below means something
    assert offending(modules, ("alembic", "yaml", "jinja2", "rich")) == []


# The commands staff type most and cron runs: read through the driver alone (lipctl.store.reader).
READ_COMMANDS = [
    ("contacts",),
    ("fields",),
    ("bodies",),
    ("status", "--format", "json"),
    ("status", "--format", "table"),
    ("survey", "stats"),
    ("log", "--since", "2020-01-01"),
    ("draft", "list", "--field", "bildung"),
    ("opinion", "list"),
    ("survey", "list"),
    ("survey", "export", "--field", "bildung"),
    ("search", "Sprachkurse"),  # issue 19: search reads through the driver too
]


@pytest.mark.slow
@pytest.mark.parametrize("args", [("draft", "show", "bildung/grundsatzpapier"), ("draft", "history", "1")], ids=" ".join)
def test_draft_show_and_history_import_no_sqlalchemy(seeded, isolated: Path, args: tuple[str, ...]) -> None:
    assert seeded("draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == 0
    modules = imported_modules("-m", "lipctl", *args, "--format", "json")
    assert "lipctl.store.reader" in modules
    assert offending(modules, ("sqlalchemy", "alembic", "yaml", "jinja2", "lipctl.store.models")) == []


@pytest.mark.slow
@pytest.mark.parametrize("args", READ_COMMANDS, ids=[" ".join(a) for a in READ_COMMANDS])
def test_read_commands_import_no_sqlalchemy(seeded, isolated: Path, args: tuple[str, ...]) -> None:
    modules = imported_modules("-m", "lipctl", *args)
    assert {"lipctl.store.reader", "sqlite3"} <= modules  # it did read the store
    assert offending(modules, ("sqlalchemy", "alembic", "yaml", "jinja2", "lipctl.store.models", "psycopg")) == []


@pytest.mark.slow
def test_process_rules_import_no_infrastructure() -> None:
    import pkgutil

    import lipctl.process

    names = sorted(f"lipctl.process.{m.name}" for m in pkgutil.iter_modules(lipctl.process.__path__))
    assert names
    code = "import " + ", ".join(["lipctl.process", *names])
    modules = imported_modules("-c", code)
    assert set(names) <= modules
    assert (
        offending(modules, ("sqlalchemy", "typer", "rich", "yaml", "jinja2", "alembic", "lipctl.store", "lipctl.services")) == []
    )


# --- every command: help, and a line in the README ---------------------------------------


def _command_paths() -> list[str]:
    paths: list[str] = []

    def walk(cmd, prefix: tuple[str, ...]) -> None:
        for name, sub in sorted(subcommands(cmd).items()):
            if sub.hidden:
                continue
            if hasattr(sub, "list_commands"):
                if sub.invoke_without_command:  # a group that also runs on its own (lipctl log)
                    paths.append(" ".join((*prefix, name)))
                walk(sub, (*prefix, name))
            else:
                paths.append(" ".join((*prefix, name)))

    walk(_root(), ())
    return paths


COMMANDS = _command_paths()


def test_the_tree_has_the_commands_of_the_foundation() -> None:
    assert {"init", "fields", "contacts", "bodies", "log"} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS)
def test_every_command_has_help_text(cli, path: str) -> None:
    result = cli(*path.split(), "--help")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "Usage:" in result.stdout
    cmd = _root()
    for part in path.split():
        cmd = subcommands(cmd)[part]
    assert (cmd.help or "").strip(), f"`lipctl {path}` has no docstring (its help text)"
    # Click re-wraps the text; compare with the whitespace normalised.
    opening = " ".join(cmd.help.split())[:40]
    assert opening in " ".join(result.stdout.split())


@pytest.mark.parametrize("group", _group_names())
def test_every_group_has_help_text(cli, group: str) -> None:
    result = cli(group, "--help")
    assert result.exit_code == ExitCode.OK, result.stderr
    cmd = subcommands(_root())[group]
    assert (cmd.help or "").strip(), f"`lipctl {group}` has no help text"


README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", COMMANDS)
def test_every_command_is_in_the_readme(path: str) -> None:
    assert f"`lipctl {path}" in README, f"README.md has no reference line for `lipctl {path}`"


# --- a command line builds only the part of the tree it names ----------------------------


def test_the_command_table_matches_the_modules() -> None:
    """Every module registers exactly the names the table gives it, and nothing else."""
    from lipctl.cli import COMMANDS, command_tree

    seen: dict[str, str] = {}
    for module in dict.fromkeys(m for m, _text in COMMANDS.values()):
        names = command_tree(module).commands
        assert names, module
        seen.update(dict.fromkeys(names, module))
    assert seen == {name: module for name, (module, _text) in COMMANDS.items()}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_root_help_lists_what_each_command_says_of_itself(lang: str) -> None:
    """The one-line help in the table is the command's own help (docstring or group help), in each language."""
    import lipctl.i18n
    from lipctl.cli import COMMANDS, command_tree

    lipctl.i18n.set_language(lang)
    try:
        for name, (module, text) in COMMANDS.items():
            own = command_tree(module).commands[name]
            assert own.help == lipctl.i18n._(text), name
    finally:
        lipctl.i18n._language = None
        lipctl.i18n._translations = None


def test_the_root_help_lists_every_command_in_the_table_order(cli) -> None:
    from lipctl.cli import COMMANDS

    result = cli("--help")
    assert result.exit_code == 0
    listed = [
        line.split()[0]
        for line in result.stdout.split("Commands:")[1].splitlines()
        if line.startswith("  ") and not line.startswith("   ")
    ]
    assert listed == list(COMMANDS)


def test_the_root_lists_its_commands_without_building_them() -> None:
    """Click's lazy group: list_commands names all; get_command builds one module's commands, on demand."""
    from lipctl.cli import COMMANDS

    root = _root()
    ctx = typer.Context(root)
    assert root.list_commands(ctx) == list(COMMANDS)
    assert dict(root.commands) == {}
    assert root.get_command(ctx, "contacts").name == "contacts"
    assert set(root.commands) == {name for name, (module, _text) in COMMANDS.items() if module == "fields"}
    assert root.get_command(ctx, "nonsense") is None


def test_a_mistyped_command_is_refused_with_a_suggestion(cli) -> None:
    result = cli("stauts")
    assert result.exit_code == ExitCode.USAGE
    assert "No such command 'stauts'. Did you mean 'status'?" in result.stderr


@pytest.mark.slow
def test_a_command_imports_only_its_own_command_module(seeded, isolated: Path) -> None:
    modules = imported_modules("-m", "lipctl", "contacts", "--format", "json")
    assert "lipctl.commands.fields" in modules
    assert offending(modules, ("lipctl.commands.draft", "lipctl.commands.survey", "lipctl.commands.db")) == []
