"""The global options (--db, --actor, --today, --lang, --debug) after the command too (issue 19).

``lipctl status --today 2020-12-01`` means what ``lipctl --today 2020-12-01 status`` means; given
both before and after the command, the later one wins; a typed option wins over its environment
variable, wherever it stands.
"""

from __future__ import annotations

import json
from pathlib import Path

from lipctl.errors import ExitCode


def _as_of(result) -> str:
    assert result.exit_code == ExitCode.OK, result.stderr
    return json.loads(result.stdout)["as_of"]


def test_today_after_the_command_is_the_same_as_before_it(seeded) -> None:
    before = seeded("--today", "2020-12-01", "status", "--format", "json")
    after = seeded("status", "--today", "2020-12-01", "--format", "json")
    assert _as_of(before) == _as_of(after) == "2020-12-01"
    assert before.stdout == after.stdout


def test_the_later_of_two_wins_and_a_typed_option_beats_the_environment(seeded) -> None:
    assert _as_of(seeded("--today", "2020-12-01", "status", "--today", "2021-03-04", "--format", "json")) == "2021-03-04"
    # LIPCTL_TODAY (set by the test environment) loses against the option after the command.
    assert _as_of(seeded("status", "--format", "json", "--today", "2019-01-02", env={"LIPCTL_TODAY": "2020-06-30"})) == (
        "2019-01-02"
    )
    assert _as_of(seeded("status", "--format", "json", env={"LIPCTL_TODAY": "2020-06-30"})) == "2020-06-30"


def test_lang_after_the_command_translates_the_output(seeded) -> None:
    result = seeded("fields", "--lang", "de")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "Handlungsfeld" in result.stdout
    refused = seeded("fields", "--lang", "xx")
    assert refused.exit_code == ExitCode.USAGE
    assert "'xx' is not a language of lipctl" in refused.stderr


def test_db_after_the_command_opens_that_database(cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert cli("init", "--db", str(other)).exit_code == ExitCode.OK
    assert other.exists()
    result = cli("contacts", "--db", str(other), "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert len(json.loads(result.stdout)) == 6


def test_actor_after_a_subcommand_is_recorded(seeded) -> None:
    result = seeded("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--actor", "dana")
    assert result.exit_code == ExitCode.OK, result.stderr
    events = json.loads(seeded("log", "--format", "json").stdout)
    assert events[-1]["actor"] == "dana"


def test_a_bad_value_after_the_command_is_refused_as_before_it(seeded) -> None:
    before = seeded("--today", "bad", "status")
    after = seeded("status", "--today", "bad")
    assert before.exit_code == after.exit_code != ExitCode.OK
    assert after.stderr == before.stderr
    assert "--today 'bad' is not a date" in after.stderr


def test_debug_after_the_command_is_taken(seeded) -> None:
    # An unknown draft: an ordinary refusal, one line; --debug after the command is accepted like before it.
    plain = seeded("draft", "show", "bildung/nichts")
    debug = seeded("draft", "show", "bildung/nichts", "--debug")
    assert plain.exit_code == debug.exit_code != ExitCode.OK
    assert "No such option" not in debug.stderr
    # An ordinary refusal is one line, with --debug too (issue 19: it printed a traceback).
    assert debug.stderr == plain.stderr
    assert len(debug.stderr.splitlines()) == 1 and "Traceback" not in debug.stderr
    assert seeded("--debug", "draft", "show", "bildung/nichts").stderr == plain.stderr


def test_the_options_stay_out_of_the_commands_help(seeded) -> None:
    result = seeded("status", "--help")
    assert result.exit_code == ExitCode.OK
    options = result.stdout.split("Options:")[1].split("Examples:")[0]
    assert "--format" in options
    assert not any(f"--{name}" in options for name in ("db", "actor", "today", "lang", "debug"))


def test_init_names_the_database_by_its_path(cli, tmp_path: Path) -> None:
    """Issue 19: init greeted with "Database sqlite:////…/lipctl.db: schema 0001."."""
    from lipctl.store.schema import HEAD

    db = tmp_path / "office.db"
    first = cli("--db", str(db), "init")
    assert first.exit_code == ExitCode.OK, first.stderr
    assert first.stderr.splitlines()[0] == f"Database {db}, created (schema {HEAD})"
    again = cli("--db", str(db), "init")
    assert again.stderr.splitlines() == [f"Database {db}, up to date; nothing changed"]
    assert "sqlite:" not in first.stderr + again.stderr


def test_a_server_database_is_shown_by_its_url_without_password() -> None:
    from lipctl.store.location import shown

    assert shown("postgresql+psycopg://clerk:geheim@db.example/lip") == "postgresql+psycopg://clerk:***@db.example/lip"
    assert shown("sqlite:////var/lib/lipctl/lipctl.db") == "/var/lib/lipctl/lipctl.db"
    assert shown("sqlite:///relative.db") == "relative.db"


def _leaves(cmd, path: tuple[str, ...]):
    subs = getattr(cmd, "commands", {})
    if not subs:
        yield path
    for name, sub in subs.items():
        yield from _leaves(sub, (*path, name))


def test_every_help_names_its_placeholders(cli) -> None:
    """Issue 19: ``--kind <str>``, ``draft submit [OPTIONS] {field}`` looked raw; now KIND, FIELD, DATE, N."""
    import re

    from lipctl.cli import COMMANDS, command_tree

    seen = 0
    for module in sorted({m for m, _text in COMMANDS.values()}):
        for path in _leaves(command_tree(module), ()):
            result = cli(*path, "--help")
            assert result.exit_code == ExitCode.OK, (path, result.stderr)
            raw = re.findall(r"<(?:str|int|path|float)>|\{[a-z_]+\}", result.stdout)
            assert not raw, f"lipctl {' '.join(path)} --help: {raw}"
            seen += 1
    assert seen > 30
    submit = cli("draft", "submit", "--help").stdout
    assert "Usage: lipctl draft submit [OPTIONS] FIELD" in submit
    assert "--date DATE" in submit and "--file FILE" in submit
    assert "--yes N" in cli("committee", "tally", "--help").stdout
    assert "--today DATE" in cli("--help").stdout


def test_the_main_commands_end_their_help_with_examples_that_parse(cli) -> None:
    """Issue 19: --help had no examples. Each example names its own command and only options that command knows."""
    import shlex

    from lipctl.commands._examples import EXAMPLES

    for path, lines in EXAMPLES.items():
        words = path.split()
        shown = cli(*words, "--help")
        assert shown.exit_code == ExitCode.OK, path
        assert "Examples:" in shown.stdout, path
        for line in lines:
            assert line in shown.stdout, (path, line)
            typed = shlex.split(line.split("  #")[0].replace("$(date +%F)", "today"))
            args = typed[1:]
            while args and args[0].startswith("--") and args[0] in ("--db", "--today"):
                args = args[2:]
            assert args[: len(words)] == words, line
            options = {w.split("=")[0] for w in args if w.startswith("--")}
            for option in options:
                assert option in shown.stdout, (line, option)
    import subprocess
    import sys

    german = subprocess.run(  # a process of its own: this one built its command tree in English
        [sys.executable, "-m", "lipctl", "--lang", "de", "status", "--help"], capture_output=True, text=True, check=True
    )
    assert "Beispiele:" in german.stdout
