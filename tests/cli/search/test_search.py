"""lipctl search (issue 19): the same hits on SQLite and PostgreSQL, through the CLI.

One fixed data set — two draft titles, three opinions, four survey answers in two fields — and
the hits each query must give, as a set: the order may differ between the stores (bm25 and
ts_rank), the hits may not. The index is kept by the writing commands; search itself writes nothing.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from lipctl.errors import ExitCode
from tests.fixtures.surveys import LS_HEADER, csv_bytes, ls_row
from tests.helpers import snapshot

ANSWERS = [
    LS_HEADER,
    ls_row("1", "2020-06-15 14:32:10", "Bildung", "Idee", "Mehr Sprachkurse am Abend, bitte!"),
    ls_row("2", "2020-06-15 15:00:00", "Wirtschaft", "Kritik", "Zu wenige Kitaplätze und kein Sprachkurs in der Nähe"),
    ls_row("3", "2020-06-16 09:00:00", "Bildung", "Wunsch", "Beratung in mehreren Sprachen für Eltern"),
    ls_row("4", "2020-06-17 10:00:00", "Wirtschaft", "Idee", "Anerkennung ausländischer Abschlüsse beschleunigen"),
]


DAY = "2020-10-01"


@pytest.fixture
def data(db_url: str, seeded, write):
    """The fixed data set on the store of db_url."""
    cli = seeded
    for args in (
        ("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "Sprachförderung für Eltern", "--date", DAY),
        ("draft", "submit", "wirtschaft", "--kind", "grundsatzpapier", "--title", "Arbeit und Anerkennung", "--date", DAY),
        (
            "opinion", "record", "bildung/grundsatzpapier", "--from", "runder-tisch", "--stance", "amend",
            "--text", "Mehr Sprachkurse, auch für Mütter mit kleinen Kindern", "--date", "2020-10-05",
        ),
        (
            "opinion", "record", "bildung/grundsatzpapier", "--from", "integrationsbeiraete", "--stance", "approve",
            "--text", "Gute Grundlage; die Straße der Begegnung fehlt", "--date", "2020-10-06",
        ),
        (
            "opinion", "record", "wirtschaft/grundsatzpapier", "--from", "runder-tisch", "--stance", "amend",
            "--text", "Anerkennungsverfahren dauern zu lange", "--date", "2020-10-07",
        ),
    ):  # fmt: skip
        result = cli(*args)
        assert result.exit_code == ExitCode.OK, result.stderr
    result = cli("survey", "import", str(write("a.csv", csv_bytes(ANSWERS))), "--survey", "Beteiligung 2020")
    assert result.exit_code == ExitCode.OK, result.stderr
    return cli


def found(cli, *args: str) -> set[tuple[str, str]]:
    """The hits of ``lipctl search ARGS`` as (kind, reference)."""
    return {(hit["kind"], hit["reference"]) for hit in cli.json("search", *args)}


OP1 = ("opinion", "runder-tisch → bildung/grundsatzpapier v1 (#1)")
OP2 = ("opinion", "integrationsbeiraete → bildung/grundsatzpapier v1 (#2)")
OP3 = ("opinion", "runder-tisch → wirtschaft/grundsatzpapier v1 (#3)")
DR1 = ("draft", "bildung/grundsatzpapier v1 (#1)")
DR2 = ("draft", "wirtschaft/grundsatzpapier v1 (#2)")
A1, A2, A3, A4 = (("answer", f"Beteiligung 2020 #{n}") for n in "1234")

EXPECTED = [
    (("Sprachkurse",), {OP1, A1, A2}),  # singular and plural alike
    (("sprachkurs",), {OP1, A1, A2}),
    (("SPRACHKURSEN",), {OP1, A1, A2}),  # case folded, another inflection
    (("Strasse",), {OP2}),  # ß and ss
    (("Mutter",), {OP1}),  # umlauts: "Mütter"
    (("mehr", "Sprachkurse"), {OP1, A1}),  # every word required
    (('"Mehr Sprachkurse am"',), {A1}),  # a phrase: in this order
    (('"Sprachkurse mehr"',), set()),
    (("Eltern",), {DR1, A3}),
    (("Anerkennung",), {DR2, A4}),  # "Anerkennungsverfahren" is another word
    (("Sprachkurse", "--in", "opinions"), {OP1}),
    (("Sprachkurse", "--in", "surveys"), {A1, A2}),
    (("Eltern", "--in", "drafts"), {DR1}),
    (("Sprachkurse", "--field", "bildung"), {OP1, A1}),
    (("Anerkennung", "--field", "Wirtschaft", "--in", "surveys"), {A4}),
    (("Kindergarten",), set()),
]


@pytest.mark.parametrize(("args", "expected"), EXPECTED, ids=[" ".join(a) for a, _e in EXPECTED])
def test_the_same_hits_on_both_stores(data, args: tuple[str, ...], expected: set) -> None:
    assert found(data, *args) == expected


def test_a_hit_is_shown_with_its_record(data) -> None:
    (hit,) = data.json("search", "Straße")
    assert hit["kind"] == "opinion"
    assert hit["field"] == "bildung"
    assert hit["date"] == "2020-10-06"
    assert hit["snippet"] == "Gute Grundlage; die «Straße» der Begegnung fehlt"
    assert isinstance(hit["rank"], float)
    assert set(hit) == {"kind", "id", "reference", "field", "date", "snippet", "rank"}


def test_ranking_puts_the_text_with_more_hits_first(data) -> None:
    # "Mehr Sprachkurse am Abend, bitte!" holds both words in 6; the opinion holds both in 8 words
    hits = data.json("search", "mehr", "Sprachkurse", "--in", "surveys")
    assert [h["reference"] for h in hits] == ["Beteiligung 2020 #1"]
    ranked = data.json("search", "Sprachkurs")
    assert len(ranked) == 3
    assert [h["rank"] for h in ranked] == sorted((h["rank"] for h in ranked), reverse=True)


def test_limit(data) -> None:
    assert len(data.json("search", "Sprachkurse", "--limit", "2")) == 2


def test_markdown_marks_the_hit_in_bold(data) -> None:
    result = data("search", "Strasse", "--format", "markdown")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "Gute Grundlage; die **Straße** der Begegnung fehlt" in result.stdout


def test_csv_and_table_mark_the_hit(data) -> None:
    result = data("search", "Eltern", "--in", "drafts", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["kind"], r["snippet"]) for r in rows] == [("draft", "Sprachförderung für «Eltern»")]
    table = data("search", "Eltern", "--in", "drafts")
    assert table.exit_code == ExitCode.OK, table.stderr
    assert "Sprachförderung für «Eltern»" in table.stdout
    assert "draft title" in table.stdout


def test_a_long_text_is_cut_around_the_hit(db_url: str, seeded) -> None:
    text = "Vorweg " * 40 + "fehlen Sprachkurse " + "danach " * 40
    assert seeded("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--date", "2020-10-01").exit_code == 0
    args = ("--from", "runder-tisch", "--stance", "amend", "--text", text, "--date", "2020-10-02")
    assert seeded("opinion", "record", "bildung/grundsatzpapier", *args).exit_code == 0
    (hit,) = seeded.json("search", "Sprachkurs")
    assert hit["snippet"].startswith("…")
    assert hit["snippet"].endswith("…")
    assert "fehlen «Sprachkurse» danach" in hit["snippet"]
    assert len(hit["snippet"]) < 130


def test_nothing_found_says_so(data) -> None:
    result = data("search", "Kindergarten")
    assert result.exit_code == ExitCode.OK
    assert result.stdout == ""
    assert "nothing found" in result.stderr
    assert data.json("search", "Kindergarten") == []


# --- the index kept current by the writers ---------------------------------------------------


def test_a_new_opinion_is_found_at_once(data) -> None:
    assert found(data, "Dolmetscher") == set()
    args = ("--from", "runder-tisch", "--stance", "amend", "--text", "Dolmetscherinnen und Dolmetscher", "--date", "2020-10-08")
    assert data("opinion", "record", "wirtschaft/grundsatzpapier", *args).exit_code == ExitCode.OK
    assert found(data, "Dolmetscher") == {("opinion", "runder-tisch → wirtschaft/grundsatzpapier v1 (#4)")}


def test_a_withdrawn_opinion_is_no_longer_found(data) -> None:
    result = data("opinion", "withdraw", "1", "--reason", "falscher Beirat")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert found(data, "Sprachkurse") == {A1, A2}


def test_a_withdrawn_version_takes_its_title_and_opinions_along(data) -> None:
    result = data("draft", "withdraw", "wirtschaft/grundsatzpapier", "--version", "1", "--reason", "versehentlich")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert found(data, "Anerkennung") == {A4}
    assert found(data, "Anerkennungsverfahren") == set()


def test_undone_and_deleted_answers_are_no_longer_found(data, write) -> None:
    more = [LS_HEADER, ls_row("9", "2020-06-18 10:00:00", "Bildung", "Idee", "Sprachkurse für Senioren")]
    result = data("survey", "import", str(write("b.csv", csv_bytes(more))), "--survey", "Jugend 2020", "--format", "json")
    batch = json.loads(result.stdout)["files"][0]["batch"]
    assert ("answer", "Jugend 2020 #9") in found(data, "Senioren")
    assert data("survey", "undo", str(batch), "--reason", "falsche Datei").exit_code == ExitCode.OK
    assert found(data, "Senioren") == set()
    assert data("survey", "delete", "Beteiligung 2020", "--reason", "Test").exit_code == ExitCode.OK
    assert found(data, "Sprachkurse") == {OP1}


def test_a_second_import_of_the_same_file_indexes_nothing_twice(data, write) -> None:
    result = data("survey", "import", str(write("a.csv", csv_bytes(ANSWERS))), "--survey", "Beteiligung 2020")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert len(data.json("search", "Sprachkurse", "--in", "surveys")) == 2


# --- refusals: one line, exit 1, nothing changed ----------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("",), "the search text is empty"),
        (("  ",), "the search text is empty"),
        (("?!", "--"), "holds no word"),
        (("«»",), "holds no word"),
        (("Sprachkurse", "--in", "minutes"), "unknown --in 'minutes'"),
        (("Sprachkurse", "--field", "sport"), "no action field 'sport'"),
        (("Sprachkurse", "--limit", "0"), "--limit 0 is out of range"),
        (("x" * 501,), "at most 500"),
    ],
    ids=["empty", "blank", "punctuation", "quotes", "scope", "field", "limit", "long"],
)
def test_refusals(data, db_url: str, args: tuple[str, ...], says: str) -> None:
    before = snapshot(db_url)
    result = data("search", *args)
    assert result.exit_code == ExitCode.REFUSED, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert says in result.stderr
    assert snapshot(db_url) == before


def test_with_more_matches_than_candidates_the_newest_are_ranked(data, monkeypatch: pytest.MonkeyPatch) -> None:
    import lipctl.search.read

    monkeypatch.setattr(lipctl.search.read, "CANDIDATES", 2)
    # three records hold "Sprachkurs": keys are id * 4 + kind, so the two answers (ids 1, 2) outrank opinion 1
    assert found(data, "Sprachkurse") == {A1, A2}
    assert found(data, "Sprachkurse", "--in", "opinions") == {OP1}
