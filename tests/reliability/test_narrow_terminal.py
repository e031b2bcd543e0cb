"""Listings on a real terminal of a given width (issue 19): the slug people type next is never broken.

Run as a subprocess on a pseudo-terminal (rich draws the table only for a terminal). On a 100-column
terminal the bodies' table cannot fit beside ``expertinnengruppe-stadtverwaltung-diversitaet`` (45
characters) without breaking words, so each body becomes a block; wider, it stays a table. ``search``
takes the same layout, its hits still marked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.stress import _harness as h

SLUGS = [
    "internationaler-ausschuss",
    "rat",
    "lenkungsgruppe",
    "integrationsbeiraete",
    "runder-tisch",
    "expertinnengruppe-stadtverwaltung-diversitaet",
    "expertinnengruppe-stadtleben-kultur",
]


def _screen(db: Path, columns: int, *args: str) -> list[str]:
    """The lines lipctl drew on a pseudo-terminal of ``columns`` columns, without styles."""
    code, screen, stderr = h.on_terminal(db, *args, columns=columns, colour=False)
    assert code == 0, stderr
    return re.sub(r"\x1b\[[0-9;]*m", "", screen).replace("\r\n", "\n").split("\n")


def _whole_on_a_line(lines: list[str], slug: str) -> bool:
    return any(re.search(rf"(^|[\s│┃]){re.escape(slug)}($|[\s│┃])", line) for line in lines)


@pytest.mark.parametrize("columns", [80, 100])
def test_bodies_on_a_narrow_terminal_keep_every_slug_whole(fresh_db: Path, columns: int) -> None:
    lines = _screen(fresh_db, columns, "bodies")
    assert max(len(line) for line in lines) <= columns
    for slug in SLUGS:
        assert _whole_on_a_line(lines, slug), slug
    assert not any("━" in line for line in lines)  # blocks, not a table squeezed to breaking
    steering = lines.index("lenkungsgruppe")
    assert lines[steering + 1].split() == ["Body", "Steering", "group"]
    assert "Konstanze Beckedorf" in "\n".join(lines[steering : steering + 6])


def test_bodies_on_a_wide_terminal_stay_a_table(fresh_db: Path) -> None:
    lines = _screen(fresh_db, 230, "bodies")
    assert any("━" in line for line in lines)
    for slug in SLUGS:
        assert _whole_on_a_line(lines, slug), slug


def test_a_table_that_fits_stays_a_table_at_100_columns(fresh_db: Path) -> None:
    lines = _screen(fresh_db, 100, "fields")
    assert any("━" in line for line in lines)
    assert _whole_on_a_line(lines, "stadtverwaltung-diversitaet")


OPINION = "Gute Grundlage; die Straße der Begegnung fehlt, ebenso Sprachkurse am Abend"


def _searchable(db: Path) -> None:
    """A draft of bildung and one opinion on it, found by ``search Strasse``."""
    for args in (
        ("draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "Sprachförderung", "--date", "2020-10-01"),
        ("opinion", "record", "bildung/grundsatzpapier", "--from", "integrationsbeiraete", "--stance", "approve",
         "--text", OPINION, "--date", "2020-10-06"),
    ):  # fmt: skip
        run = h.lipctl(db, *args)
        assert run.returncode == 0, run.stderr


def test_search_on_a_40_column_terminal_takes_the_narrow_layout(fresh_db: Path) -> None:
    """As every listing: a table that cannot fit without cutting words becomes one block per hit."""
    _searchable(fresh_db)
    lines = _screen(fresh_db, 40, "search", "Strasse")
    assert max(len(line) for line in lines) <= 40
    assert not any("━" in line for line in lines)  # blocks, not a table squeezed to breaking
    assert [line.rstrip() for line in lines if line.strip()] == [
        "opinion",
        "  Reference     integrationsbeiraete →",
        "                bildung/grundsatzpapier",
        "                v1 (#1)",
        "  Action field  bildung",
        "  Date          2020-10-06",
        "  Hit           Gute Grundlage; die",
        "                Straße der Begegnung",  # the hit whole: no word cut across lines
        "                fehlt, ebenso",
        "                Sprachkurse am Abend",
    ]


@pytest.mark.parametrize("columns", [40, 200])
def test_search_marks_the_hit_in_either_layout(fresh_db: Path, columns: int) -> None:
    """Narrow (blocks) or wide (a table), the hit is bold and underlined (a rich style, not « » around it)."""
    _searchable(fresh_db)
    code, screen, stderr = h.on_terminal(fresh_db, "search", "Strasse", columns=columns, colour=True)
    assert code == 0, stderr
    assert ("━" in screen) is (columns == 200)
    assert "\x1b[1;4mStraße\x1b[0m" in screen
    assert "«" not in screen
