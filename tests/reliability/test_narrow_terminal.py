"""Listings on a real terminal of a given width (issue 19): the slug people type next is never broken.

Run as a subprocess on a pseudo-terminal (rich draws the table only for a terminal). On a 100-column
terminal the bodies' table cannot fit beside ``expertinnengruppe-stadtverwaltung-diversitaet`` (45
characters) without breaking words, so each body becomes a block; wider, it stays a table."""

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
