"""Text that leaves lipctl, made safe for where it goes: one function per destination.

Titles, reasons, actors, opinion texts and survey answers are typed or imported by people; what
they hold must not act on the terminal, the Markdown renderer or the spreadsheet that shows it.

- ``visible``: control characters (C0 except tab and newline, DEL, C1 — ESC among them) as a
  visible ``\\xNN``, for tables, plain text, Markdown and the HTML report. A CR LF line break is
  kept as a line break. JSON and CSV stay exact (see ``emit.write_json`` and ``csvsafe``).
- ``markdown``: user text inside Markdown (a table cell or a line): control characters shown,
  raw HTML, link and table syntax escaped, line breaks as ``<br>``.
"""

from __future__ import annotations

import re

# C0 without tab (0x09) and newline (0x0a), DEL, C1: each shown as \xNN
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Backslash first: a user's "\" must not escape the "|" that ends a cell. "<" and "&" stop raw
# HTML, autolinks and entities; "[" "]" stop links and images; "`" stops code spans (inside one,
# the escapes would show); "|" keeps a table's cells; a newline would end the row.
_MARKDOWN = (*((ch, "\\" + ch) for ch in "\\`|[]<>&"), ("\n", "<br>"))


def _shown(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def visible(text: str) -> str:
    """``text`` with every control character but tab and newline shown as ``\\xNN`` (ESC as ``\\x1b``)."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if _CONTROL_RE.search(text) is None:  # the usual case, and a fast one
        return text
    return _CONTROL_RE.sub(_shown, text)


def markdown(text: str) -> str:
    """User text for Markdown: control characters shown, HTML/link/table syntax escaped, newlines as ``<br>``."""
    text = visible(text)
    for raw, escaped in _MARKDOWN:
        if raw in text:
            text = text.replace(raw, escaped)
    return text
