"""Values typed in either language, shown in the interface language (issue 19).

"One types `--stance amend` and reads 'changes needed'; results show `not_quorate` raw; `--state
eingereicht` is refused in German mode; 'returned'/'forwarded' stay English in `draft show`."
JSON and CSV keep the codes.
"""

from __future__ import annotations

import json

import pytest

from lipctl import vocabulary
from lipctl.errors import ExitCode, InvalidInput
from lipctl.process import lifecycle

REF = "bildung/grundsatzpapier"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("amend", "amend"),
        ("changes needed", "amend"),
        ("Änderungsbedarf", "amend"),
        ("ÄNDERUNGSBEDARF", "amend"),
        ("Zustimmung", "approve"),
        ("rejection", "reject"),
        ("Ablehnung", "reject"),
    ],
)
def test_a_stance_in_either_language(typed: str, code: str) -> None:
    assert lifecycle.parse_stance(typed).value == code


@pytest.mark.parametrize(
    ("typed", "code"),
    [("eingereicht", "submitted"), ("ready for decision", "ready_for_decision"), ("entscheidungsreif", "ready_for_decision"),
     ("ready-for-decision", "ready_for_decision"), ("zurückgegeben", "returned"), ("beschlossen", "adopted")],
)  # fmt: skip
def test_a_state_in_either_language(typed: str, code: str) -> None:
    assert lifecycle.parse_state(typed).value == code


def test_an_unknown_word_names_the_choices() -> None:
    with pytest.raises(InvalidInput) as refused:
        lifecycle.parse_stance("vielleicht")
    assert "amend (changes needed)" in str(refused.value)
    assert vocabulary.code_of(vocabulary.RESULTS, "nicht beschlussfähig") == "not_quorate"


def test_through_the_cli_in_both_modes(seeded) -> None:
    assert seeded("draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    english = seeded("opinion", "record", REF, "--from", "runder-tisch", "--stance", "Änderungsbedarf", "--text", "x",
                     "--format", "json")  # fmt: skip
    assert english.exit_code == ExitCode.OK, english.stderr
    assert json.loads(english.stdout)["stance"] == "amend"
    german = seeded("--lang", "de", "opinion", "record", REF, "--from", "integrationsbeiraete", "--stance", "approve",
                    "--text", "y", "--format", "json")  # fmt: skip
    assert german.exit_code == ExitCode.OK and json.loads(german.stdout)["stance"] == "approve"
    listed = seeded("--lang", "de", "draft", "list", "--state", "entscheidungsreif", "--format", "csv")
    assert listed.exit_code == ExitCode.OK and "ready_for_decision" in listed.stdout  # CSV keeps the code
    assert seeded("--lang", "de", "draft", "list", "--state", "eingereicht", "--format", "json").exit_code == ExitCode.OK
    assert seeded("steering", "decide", REF, "--return", "--reason", "nachbessern").exit_code == ExitCode.OK
    shown = seeded("--lang", "de", "draft", "show", REF)
    assert "zurückgegeben" in shown.stdout and "return " not in shown.stdout and "returned" not in shown.stdout
    opinions = seeded("--lang", "de", "opinion", "list")
    assert "Änderungsbedarf" in opinions.stdout and "amend" not in opinions.stdout
