"""Rich tables for a terminal (rich is imported here only, and only when a terminal asks).

Every cell, heading, title and footer is handed to rich as ``Text``, never as a markup string: an
answer "Mehr Kita [/Schule] Plätze" is text, not a closing tag (rich raised MarkupError), and
"[b]fett" keeps its brackets. Control characters are shown (``text.visible``) before rich sees them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
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


def print_rich_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None = None, footer: str | None = None
) -> None:
    from rich.table import Table

    table = Table(title=text(title) if title else None, title_justify="left", show_lines=False, expand=False)
    for c in columns:
        table.add_column(text(c.heading), overflow="fold")
    for r in rows:
        table.add_row(*(text(c.text(r)) for c in columns))
    out = console()
    out.print(table)
    if footer:
        out.print(text(footer))
