"""Rich tables for a terminal (rich is imported here only, and only when a terminal asks)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from lipctl.output.emit import Column


def console(stderr: bool = False):  # noqa: ANN201
    from rich.console import Console

    return Console(stderr=stderr, no_color="NO_COLOR" in os.environ, highlight=False)


def print_rich_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None = None, footer: str | None = None
) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for c in columns:
        table.add_column(c.heading, overflow="fold")
    for r in rows:
        table.add_row(*(c.text(r) for c in columns))
    out = console()
    out.print(table)
    if footer:
        out.print(footer)
