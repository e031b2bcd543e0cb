"""The same refusal, table and --help in German and in English, as the user sees them; JSON keys,
slugs and exit codes do not change with the language."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from lipctl.errors import ExitCode
from tests.fixtures.i18n import lipctl

VALID = "bildung, soziales, demokratie, stadtleben-kultur, wirtschaft, stadtverwaltung-diversitaet"


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("de", f"lipctl: kein Handlungsfeld 'Sport' — gültig: {VALID}\n"),
        ("en", f"lipctl: no action field 'Sport' — valid: {VALID}\n"),
    ],
)
def test_unknown_field_is_refused_in_the_language(seeded, lang: str, line: str) -> None:
    result = seeded("--lang", lang, "contacts", "Sport")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == line
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"LIPCTL_LANG": "de"}, "lipctl: Seed-Datei {path} nicht gefunden — den Pfad bei --seed prüfen\n"),
        ({"LIPCTL_LANG": "en"}, "lipctl: seed file {path} not found — check the path given to --seed\n"),
    ],
)
def test_missing_seed_is_refused_in_the_language_and_nothing_is_stored(cli, isolated: Path, env: dict, line: str) -> None:
    missing = isolated / "nowhere.yaml"
    result = cli("init", "--seed", str(missing), env=env)
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == line.format(path=missing)
    db = isolated / "lip.db"
    if db.exists():  # the schema may exist, but no seed was loaded
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM action_fields").fetchone() == (0,)


def test_usage_errors_keep_their_exit_code_in_german(seeded) -> None:
    result = seeded("--lang", "de", "contacts", "--format", "pdf")
    assert result.exit_code == ExitCode.USAGE


# --- tables --------------------------------------------------------------------------------


def test_contacts_table_in_german(seeded) -> None:
    result = seeded("--lang", "de", "contacts")
    assert result.exit_code == ExitCode.OK, result.stderr
    heading = result.stdout.splitlines()[0].split()
    assert heading[:2] == ["Handlungsfeld", "Ansprechpartner*in"]
    assert "Interne*r" in heading and "Externe*r" in heading
    lines = {line.split("  ")[0]: line for line in result.stdout.splitlines()[2:]}
    assert set(lines) == {
        "Bildung",
        "Soziales",
        "Demokratie",
        "Stadtleben und Kultur",
        "Wirtschaft",
        "Stadtverwaltung und Diversität",
    }
    assert lines["Stadtverwaltung und Diversität"].rstrip().endswith("unbesetzt (N.n.)")
    assert "Helga Diers (Fachbereich Personal und Organisation)" in lines["Stadtverwaltung und Diversität"]


def test_contacts_table_in_english(seeded) -> None:
    result = seeded("--lang", "en", "contacts")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout.splitlines()[0].split()[:4] == ["Action", "field", "Contact", "person"]
    lines = {line.split("  ")[0]: line for line in result.stdout.splitlines()[2:]}
    assert set(lines) == {
        "Education",
        "Social affairs",
        "Democracy",
        "City life and culture",
        "Economy",
        "City administration and diversity",
    }
    assert lines["City administration and diversity"].rstrip().endswith("vacant (N.n.)")


def test_bodies_and_fields_tables_name_things_in_the_language(seeded) -> None:
    de = seeded("--lang", "de", "bodies").stdout
    en = seeded("--lang", "en", "bodies").stdout
    assert "Lenkungsgruppe " in de and "12 Fachbereichsleiter*innen" in de and "Gremium" in de.splitlines()[0]
    assert "Steering group " in en and "12 Department heads" in en and "Body" in en.splitlines()[0]
    assert "lenkungsgruppe" in de and "lenkungsgruppe" in en  # slugs stay
    de = seeded("--lang", "de", "fields").stdout
    assert de.splitlines()[0].split() == ["Kurzname", "Handlungsfeld", "Dokumente"]
    assert "bildung" in de and "Bildung" in de and "Education" not in de


def test_a_draft_state_is_a_word_of_the_language_in_the_fields_table(seeded) -> None:
    assert seeded("draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    de = {line.split()[0]: line for line in seeded("--lang", "de", "fields").stdout.splitlines()[2:]}
    en = {line.split()[0]: line for line in seeded("--lang", "en", "fields").stdout.splitlines()[2:]}
    assert "grundsatzpapier: v1 eingereicht; massnahmenkatalog: —" in de["bildung"]
    assert "grundsatzpapier: v1 submitted; massnahmenkatalog: —" in en["bildung"]
    (row,) = [r for r in seeded.json("--lang", "de", "fields") if r["slug"] == "bildung"]
    assert row["documents"][0] == {"kind": "grundsatzpapier", "version": 1, "state": "submitted"}


@pytest.mark.parametrize(("args", "env"), [(["--lang", "fr"], {}), ([], {"LIPCTL_LANG": "fr"})])
def test_an_unknown_language_is_a_usage_error(seeded, args: list[str], env: dict) -> None:
    result = seeded(*args, "fields", env=env)
    assert result.exit_code == ExitCode.USAGE
    assert "'fr' is not a language of lipctl: use de or en" in result.stderr
    assert result.stdout == ""


def test_log_shows_german_dates_and_json_stays_iso(seeded) -> None:
    import re

    result = seeded("--lang", "de", "log")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}\b", result.stdout)
    events = json.loads(seeded("--lang", "de", "log", "--format", "json").stdout)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}.*", events[0]["occurred_at"])


@pytest.mark.parametrize("command", [("contacts",), ("fields",), ("bodies",), ("contacts", "stadtleben")])
def test_json_does_not_change_with_the_language(seeded, command: tuple[str, ...]) -> None:
    de = seeded("--lang", "de", *command, "--format", "json")
    en = seeded("--lang", "en", *command, "--format", "json")
    assert de.exit_code == en.exit_code == ExitCode.OK
    assert json.loads(de.stdout) == json.loads(en.stdout)


def test_contacts_json_has_the_german_name_and_the_english_one_beside_it(seeded) -> None:
    rows = seeded("--lang", "en", "contacts", "bildung", "--format", "json")
    (row,) = json.loads(rows.stdout)
    assert (row["field"], row["field_name"], row["field_name_en"]) == ("bildung", "Bildung", "Education")


def test_csv_keeps_the_seeds_names_and_keys(seeded) -> None:
    de = seeded("--lang", "de", "contacts", "--format", "csv").stdout
    en = seeded("--lang", "en", "contacts", "--format", "csv").stdout
    header = "field_name,contact,contact_email,contact_phone,internal_speaker,external_speaker"  # issue 18: the contact's address
    assert de.splitlines()[0] == en.splitlines()[0] == header
    assert "Stadtleben und Kultur" in en


# --- help, in a real process (help texts are translated when the modules are imported) ------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "env", "expected", "absent"),
    [
        (
            ["--lang", "de", "--help"],
            {},
            ["Verwaltung des Lokalen Integrationsplans", "Sprache der Oberfläche: de oder en."],
            "Language of the interface",
        ),
        (
            ["--lang", "en", "--help"],
            {"LIPCTL_LANG": "de"},
            ["Administration of the Local Integration Plan", "Language of the interface: de or en."],
            "Sprache",
        ),
        (
            ["contacts", "--help"],
            {"LIPCTL_LANG": "de"},
            ["Ansprechpersonen je Handlungsfeld", "Ausgabeformat: table, json, csv oder markdown."],
            "Contacts per",
        ),
        (
            ["contacts", "--help"],
            {"LANG": "de_DE.UTF-8"},
            ["Ansprechpersonen je Handlungsfeld", "Handlungsfeld: Kurzname, Name oder Alias"],
            "Contacts per",
        ),
        (
            ["contacts", "--help"],
            {"LANG": "en_GB.UTF-8"},
            ["Contacts per action field: contact person", "Output format: table, json"],
            "Ansprechpersonen",
        ),
        (["survey", "--help"], {"LIPCTL_LANG": "de"}, ["Online-Umfragen", "Umfrage-Exporte importieren"], "Import survey"),
    ],
)
def test_help_in_both_languages(args: list[str], env: dict, expected: list[str], absent: str) -> None:
    result = lipctl(*args, env=env)
    assert result.returncode == ExitCode.OK, result.stderr
    for text in expected:
        assert text in " ".join(result.stdout.split()), result.stdout
    assert absent not in result.stdout


_WALK = """
import json, typer
from lipctl.cli import app
out = {}
def walk(cmd, path):
    out[path] = cmd.help or ""
    for p in cmd.params:
        if getattr(p, "help", None) and p.name != "help":
            out[path + " " + p.name] = p.help
    ctx = typer.Context(cmd)  # Click's lazy-group contract: list_commands, then get_command
    for name in getattr(cmd, "list_commands", lambda ctx: [])(ctx):
        walk(cmd.get_command(ctx, name), (path + " " + name).strip())
walk(typer.main.get_command(app), "")
print(json.dumps(out))
"""


@pytest.mark.slow
def test_every_help_text_is_german_in_german(german) -> None:  # noqa: ANN001
    """Every command's, group's, option's and argument's help, as Typer holds it after
    ``LIPCTL_LANG=de``, is the catalogue's German for the English text."""
    import os
    import subprocess
    import sys

    from tests.fixtures.i18n import REPO

    def helps(lang: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LIPCTL_", "LC_", "LANG"))}
        env.update(LIPCTL_LANG=lang, PYTHONPATH=str(REPO))
        cmd = [sys.executable, "-c", _WALK]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=REPO, check=False)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    en, de = helps("en"), helps("de")
    assert en.keys() == de.keys()
    wrong = []
    for path, text in en.items():
        entry = german.get(text)
        if not text:
            wrong.append(f"{path or 'lipctl'}: no help text")
        elif entry is None or not entry.string or entry.fuzzy or de[path] != entry.string:
            wrong.append(f"{path or 'lipctl'}: {de[path]!r}")
    assert not wrong, "help not in German:\n" + "\n".join(wrong)
    assert len(en) > 40
