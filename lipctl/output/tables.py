"""Rich tables for a terminal (rich is imported here only, and only when a terminal asks).

Every cell, heading, title and footer is handed to rich as ``Text``, never as a markup string: an
answer "Mehr Kita [/Schule] Plätze" is text, not a closing tag (rich raised MarkupError), and
"[b]fett" keeps its brackets. Control characters are shown (``text.visible``) before rich sees them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from lipctl.output.emit import Column
from lipctl.output.text import visible


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, no_color="NO_COLOR" in os.environ, highlight=False, emoji=False)


def text(value: str, style: str = "") -> Any:
    """``value`` as a rich ``Text``: shown as it is (control characters visible), never read as markup."""
    from rich.text import Text

    return Text(visible(value), style=style)


def markup_escape(value: str) -> str:
    """``value`` for inside a markup string of ours: control characters visible, brackets escaped."""
    from rich.markup import escape

    return escape(visible(value))


Cell = Callable[[dict[str, Any]], Any]
"""A cell drawn by the caller: a row -> a rich ``Text`` with its own styles (e.g. a search hit underlined)."""


def print_rich_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    footer: str | None = None,
    styled: Mapping[str, Cell] | None = None,
) -> None:
    """A table as wide as the terminal allows. Its first column (the slug, reference or id people type
    next) is never broken; where the table cannot fit beside it, each row becomes a block instead:
    that value on a line of its own, the other columns beneath it as ``heading: value``.

    ``styled``: by column key (any but the first), cells the caller draws (a rich ``Text``, control characters made
    visible); the column's plain text still measures the table."""
    from rich.table import Table

    cell = _cells(styled or {})
    out = console()
    table = Table(title=text(title) if title else None, title_justify="left", show_lines=False, expand=False)
    for i, c in enumerate(columns):
        table.add_column(text(c.heading), overflow="fold", no_wrap=i == 0)
    for r in rows:
        table.add_row(*(cell(c, r) for c in columns))
    if rows and len(columns) > 1 and _least_width(rows, columns) > out.width:
        _print_blocks(out, rows, columns, title, cell)
    else:
        out.print(table)
    if footer:
        out.print(text(footer))


def _cells(styled: Mapping[str, Cell]) -> Callable[[Column, dict[str, Any]], Any]:
    def cell(c: Column, r: dict[str, Any]) -> Any:
        draw = styled.get(c.key)
        return text(c.text(r)) if draw is None else draw(r)

    return cell


LONGEST_WORD = 20
"""A word longer than this may be broken inside a cell (a path, a URL), when the table is narrow."""


def _least_width(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> int:
    """The narrowest the table can be drawn without breaking its first column's values or any other
    column's words (up to LONGEST_WORD): each column's widest word, its padding and its rules."""

    def widest_word(c: Column) -> int:
        cells = (visible(c.text(r)) for r in rows)
        return min(LONGEST_WORD, max((len(w) for v in (c.heading, *cells) for w in v.split()), default=1))

    key = max(len(visible(v)) for v in (columns[0].heading, *(columns[0].text(r) for r in rows)))
    return key + sum(widest_word(c) for c in columns[1:]) + 3 * len(columns) + 1


def _print_blocks(
    out: Any,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    title: str | None,
    cell: Callable[[Column, dict[str, Any]], Any],
) -> None:
    """The narrow form of a table: one block per row, its first column's value first and whole, the
    others beneath it, each heading beside its value (a long value wraps under itself)."""
    from rich.padding import Padding
    from rich.table import Table

    if title:
        out.print(text(title, "italic"))
    key, rest = columns[0], columns[1:]
    for n, r in enumerate(rows):
        if n:
            out.print()
        out.print(text(key.text(r), "bold"), no_wrap=True, overflow="ignore", crop=False)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for c in rest:
            grid.add_row(text(c.heading, "dim"), cell(c, r))
        out.print(Padding(grid, (0, 0, 0, 2)))
