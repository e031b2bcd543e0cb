"""CSV cells that a spreadsheet must show as text, not run as a formula, and rows it reads as rows.

Two ways a cell turned into a formula: it began with ``=`` (or ``+ - @``, a tab or CR — OWASP's
list), or a lone CR inside an unquoted cell ended the row for a spreadsheet, which then read the
rest (``=cmd|' /C calc'!A0``) as a new row's first cell. ``writer()`` therefore quotes every cell
holding a CR or LF, and ``safe_cell`` looks at a cell as a spreadsheet sees it: past leading blanks,
line breaks and invisible characters, and with the full-width forms (``＝`` …) that some read as ``=``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
GUARD = "'"


def _skipped(ch: str) -> bool:
    """Characters a spreadsheet may pass over before it looks for a formula: blanks, control and format characters."""
    if ch.isspace():
        return True
    import unicodedata

    return unicodedata.category(ch) in ("Cc", "Cf")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula."""
    if text.startswith(FORMULA_PREFIXES):
        return True
    start = 0
    while start < len(text) and _skipped(text[start]):
        start += 1
    return text.startswith(FORMULA_PREFIXES, start)


def safe_cell(value: object) -> object:
    """Prefix formula-like text with ' (OWASP CSV injection advice); other values unchanged."""
    if isinstance(value, str) and is_formula(value):
        return GUARD + value
    return value


class SafeWriter:
    """``csv.writer`` whose rows pass ``safe_cell`` and whose cells holding CR or LF are quoted.

    Python's writer quotes only the characters of its own line terminator: with ``"\\n"`` a lone CR
    went out unquoted. Each row is written with ``"\\r\\n"`` (so both are quoted) and ends with
    ``lineterminator``.
    """

    def __init__(self, out: TextIO, lineterminator: str = "\n") -> None:
        self.out = out
        self.end = lineterminator
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def writerow(self, cells: Iterable[Any]) -> None:
        self.writer.writerow([safe_cell(c) for c in cells])
        row = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        self.out.write(row[:-2] + self.end)


def writer(out: TextIO, lineterminator: str = "\n") -> SafeWriter:
    """The CSV writer for everything lipctl exports."""
    return SafeWriter(out, lineterminator)
