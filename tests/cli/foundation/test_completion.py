"""Shell completion (issue 19): `lipctl completion SHELL`, and what the shell gets at TAB.

The shell runs lipctl with Click's completion variables (``_LIPCTL_COMPLETE``, ``COMP_WORDS`` and
``COMP_CWORD`` for bash, ``_TYPER_COMPLETE_ARGS`` for zsh and fish); these tests set them as the
scripts do and read what lipctl answers, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lipctl.errors import ExitCode


def _bash(cli, line: str, **extra: str) -> list[str]:
    """What bash offers for the last word of ``line`` (a trailing space: a new, empty word)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    env = {"_LIPCTL_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword), **extra}
    result = cli(env=env)
    assert result.exit_code == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.fixture
def store(db_url: str, seeded):
    assert seeded("draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    return seeded


def test_commands_and_options_complete(store) -> None:
    assert _bash(store, "lipctl dr") == ["draft"]
    assert _bash(store, "lipctl draft s") == ["submit", "show"]
    assert set(_bash(store, "lipctl status --f")) == {"--format", "--fail-on-overdue"}


def test_field_and_body_slugs_come_from_the_database(store) -> None:
    assert _bash(store, "lipctl draft submit s") == ["soziales", "stadtleben-kultur", "stadtverwaltung-diversitaet"]
    assert len(_bash(store, "lipctl draft submit ")) == 6
    assert _bash(store, "lipctl opinion record bildung/grundsatzpapier --from r") == ["rat", "runder-tisch"]
    assert "internationaler-ausschuss" in _bash(store, "lipctl committee tally bildung/grundsatzpapier --body i")


def test_draft_references_and_ids(store) -> None:
    assert _bash(store, "lipctl draft show b") == ["bildung/grundsatzpapier"]
    assert _bash(store, "lipctl opinion record ") == ["bildung/grundsatzpapier"]
    assert _bash(store, "lipctl draft show 1") == ["1"]
    assert store("draft", "submit", "soziales", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    assert _bash(store, "lipctl draft show ") == ["bildung/grundsatzpapier", "soziales/grundsatzpapier"]
    # The complete plan, once a version of it is submitted (REF plan).
    assert store("draft", "submit", "plan", "--without-all-fields", "--reason", "Entwurf").exit_code == ExitCode.OK
    assert _bash(store, "lipctl steering decide p") == ["plan"]


def test_survey_names(store, tmp_path: Path) -> None:
    answers = tmp_path / "antworten.csv"
    answers.write_text("id,submitted_at,action_field,text\n1,2020-06-15 10:00:00,bildung,Mehr Kita-Plätze\n", encoding="utf-8")
    assert store("survey", "import", str(answers), "--survey", "Online-Beteiligung 2020").exit_code == ExitCode.OK
    assert _bash(store, "lipctl draft submit bildung --considered-survey O") == ["Online-Beteiligung 2020"]
    # the survey commands that take a survey's name as their argument (issue 18's open and close too)
    for command in ("open", "close", "rename", "delete"):
        assert _bash(store, f"lipctl survey {command} O") == ["Online-Beteiligung 2020"], command


def test_search_scopes(store) -> None:
    assert _bash(store, "lipctl search Kita --in ") == ["opinions", "surveys", "drafts"]
    assert _bash(store, "lipctl search Kita --field b") == ["bildung"]


def test_the_database_of_the_command_line_wins(store, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert store("--db", str(other), "init").exit_code == ExitCode.OK
    # A fresh database has no drafts: its --db, before or after the command, is the one asked.
    assert _bash(store, f"lipctl --db {other} draft show ") == []
    assert _bash(store, f"lipctl draft show --db {other} ") == []
    assert _bash(store, "lipctl draft show ") == ["bildung/grundsatzpapier"]


def test_no_database_offers_nothing_and_fails_nothing(cli, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "lip.db"
    assert _bash(cli, f"lipctl --db {missing} draft submit ") == []
    assert not missing.parent.exists()


def test_zsh_and_fish(store) -> None:
    zsh = store(env={"_LIPCTL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "lipctl draft show b"})
    assert zsh.exit_code == 0 and '"bildung/grundsatzpapier"' in zsh.stdout
    fish = store(
        env={
            "_LIPCTL_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            "_TYPER_COMPLETE_ARGS": "lipctl opinion record bildung/grundsatzpapier --from ru",
        }
    )
    assert fish.exit_code == 0 and fish.stdout.split() == ["runder-tisch"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script(cli, shell: str) -> None:
    result = cli("completion", shell)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert f"_LIPCTL_COMPLETE=complete_{shell}" in result.stdout
    assert "lipctl" in result.stdout


def test_an_unknown_shell_is_a_usage_error(cli) -> None:
    result = cli("completion", "tcsh")
    assert result.exit_code == ExitCode.USAGE
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in result.stderr


def test_bash_runs_the_script_and_completes(tmp_path: Path, isolated: Path) -> None:
    """End to end: a real bash sources the script and asks the installed lipctl, as at a terminal."""
    bin_dir = Path(sys.executable).parent
    lipctl = bin_dir / "lipctl"
    if not lipctl.exists():
        pytest.skip("the lipctl console script is not installed beside this interpreter")
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", LIPCTL_DB=str(tmp_path / "lip.db"))
    subprocess.run([str(lipctl), "init"], env=env, check=True, capture_output=True)
    probe = (
        'eval "$(lipctl completion bash)"\n'
        "COMP_WORDS=(lipctl draft submit st); COMP_CWORD=3\n"
        "_lipctl_completion lipctl\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    run = subprocess.run(["bash", "--norc", "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["stadtleben-kultur", "stadtverwaltung-diversitaet"]
