"""What an edit changed, shown the same way by ``field edit`` and ``body edit`` (issue 18)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lipctl.commands._boundary import message
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat, emit


def change_columns() -> list[Column]:
    """The table of what an edit changed: what, before, after."""
    return [Column("what", _("What")), Column("before", _("Before")), Column("after", _("After"))]


def emit_changes(row: Mapping[str, Any], fmt: OutputFormat, changes: Sequence[Mapping[str, Any]], unchanged: str) -> bool:
    """The service's ``row`` as JSON, or the ``changes`` as a table, or the ``unchanged`` note when there are none.

    Returns whether the table was shown (a command may add a note below it).
    """
    if fmt is OutputFormat.JSON:
        emit(row, fmt, [])
        return False
    if not changes:
        message(unchanged)
        return False
    emit(changes, fmt, change_columns())
    return True
