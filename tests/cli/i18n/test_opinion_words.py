"""Opinions read as words in both languages; JSON keeps the stance's slug."""

from __future__ import annotations

import json

import pytest

from lipctl.errors import ExitCode


@pytest.mark.parametrize(("lang", "words"), [("en", ["approval", "changes needed"]), ("de", ["Zustimmung", "Änderungsbedarf"])])
def test_opinion_list_shows_stances_in_words(seeded, lang: str, words: list[str]) -> None:
    assert seeded("draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    for body, stance in (("integrationsbeiraete", "approve"), ("runder-tisch", "amend")):
        result = seeded("opinion", "record", "bildung/grundsatzpapier", "--from", body, "--stance", stance, "--text", "ok")
        assert result.exit_code == ExitCode.OK, result.stderr
    listing = seeded("--lang", lang, "opinion", "list", "bildung/grundsatzpapier")
    assert listing.exit_code == ExitCode.OK
    assert words[0] in listing.stdout and words[1] in listing.stdout
    shown = seeded("--lang", lang, "opinion", "list", "bildung/grundsatzpapier", "--format", "json")
    assert [o["stance"] for o in json.loads(shown.stdout)] == ["approve", "amend"]
    one = seeded(
        "--lang",
        lang,
        "opinion",
        "record",
        "bildung/grundsatzpapier",
        "--from",
        "runder-tisch",
        "--stance",
        "approve",
        "--text",
        "x",
    )
    assert one.exit_code == ExitCode.OK


def test_draft_show_and_history_name_the_stance_in_german(seeded) -> None:
    assert seeded("draft", "submit", "bildung", "--kind", "grundsatzpapier").exit_code == ExitCode.OK
    result = seeded(
        "opinion", "record", "bildung/grundsatzpapier", "--from", "runder-tisch", "--stance", "reject", "--text", "zu vage"
    )
    assert result.exit_code == ExitCode.OK, result.stderr
    show = seeded("--lang", "de", "draft", "show", "bildung/grundsatzpapier")
    assert "runder-tisch: Ablehnung" in show.stdout
    history = seeded("--lang", "de", "draft", "history", "bildung/grundsatzpapier")
    assert "Stellungnahme von runder-tisch: Ablehnung — zu vage" in history.stdout
    english = seeded("draft", "history", "bildung/grundsatzpapier")
    assert "opinion of runder-tisch: rejection — zu vage" in english.stdout
