"""emit(): the only function that writes results to stdout.

Services return plain data (dicts with snake_case keys, ISO dates); commands hand it here with
the columns to show. JSON and CSV go to stdout and nothing else does; messages go to stderr.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lipctl.output.text import markdown as md
from lipctl.output.text import visible


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


@dataclass(frozen=True)
class Column:
    """A column of a listing: the data key, the heading shown to people, an optional formatter."""

    key: str
    heading: str
    render: Callable[[Any], str] | None = None

    def text(self, row: dict[str, Any]) -> str:
        value = row.get(self.key)
        if self.render is not None:
            return self.render(value)
        return plain(value)


def plain(value: Any) -> str:
    """A value as a person reads it in a table cell."""
    from lipctl.i18n import language

    if value is None:
        return "—"
    if isinstance(value, bool):
        from lipctl.i18n import _

        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M" if language() == "de" else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y") if language() == "de" else value.isoformat()
    if isinstance(value, dict):
        if "name" in value:
            unit = value.get("unit")
            return f"{value['name']} ({unit})" if unit else str(value["name"])
        return ", ".join(f"{k}: {plain(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(v) for v in value) if value else "—"
    return str(value)


def to_jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


# json.dumps escapes C0 (ESC as \u001b) but writes DEL and C1 as they are: the same \uXXXX escape for
# those keeps the JSON exact (it decodes to the same text) and keeps them off the terminal.
_JSON_CONTROL = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0))}


def json_text(data: Any) -> str:
    """``data`` as JSON: exact, and without a raw control character."""
    return json.dumps(to_jsonable(data), ensure_ascii=False, indent=2).translate(_JSON_CONTROL)


def write_json(data: Any, out: io.TextIOBase | None = None) -> None:
    """``data`` as JSON; an iterator of rows as a JSON array written row by row (the same text as a list's)."""
    out = out or sys.stdout  # type: ignore[assignment]
    if isinstance(data, Iterator):
        first = True
        for item in data:
            # indented one level, as inside a list (JSON text holds no raw line break but its own)
            out.write(("[\n  " if first else ",\n  ") + json_text(item).replace("\n", "\n  "))  # type: ignore[union-attr]
            first = False
        out.write("[]\n" if first else "\n]\n")  # type: ignore[union-attr]
        return
    out.write(json_text(data) + "\n")  # type: ignore[union-attr]


def stderr_is_terminal() -> bool:
    """Whether a person reads stderr (a cron job does not: it mails any output, so notes stay unwritten)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def emit(
    data: Any,
    fmt: OutputFormat | str,
    columns: Sequence[Column],
    *,
    title: str | None = None,
    rows: list[dict[str, Any]] | None = None,
    footer: str | None = None,
) -> None:
    """Write ``data`` in ``fmt``. ``rows`` (default: ``data``) are what tables, CSV and Markdown show.

    ``data`` may be an iterator of rows: JSON and CSV then write each row as it comes (memory for one
    row); a table or Markdown collects them first (it is aligned over all rows)."""
    from lipctl.output.pipe import guarded

    with guarded():  # `| head -1`: the output ends quietly, the command goes on to its exit status
        _emit(data, OutputFormat(fmt), columns, title=title, rows=rows, footer=footer)
        sys.stdout.flush()  # written now: a command that records what it wrote commits only after this


def _emit(
    data: Any,
    fmt: OutputFormat,
    columns: Sequence[Column],
    *,
    title: str | None,
    rows: list[dict[str, Any]] | None,
    footer: str | None,
) -> None:
    if fmt is OutputFormat.JSON:
        write_json(data)
        return
    table_rows = rows if rows is not None else data
    if isinstance(table_rows, dict):
        table_rows = [table_rows]
    if fmt is OutputFormat.CSV:  # written row by row: an iterator of rows streams
        write_csv(table_rows, columns)
        return
    table_rows = list(table_rows)  # a table is aligned over all its rows
    if fmt is OutputFormat.MARKDOWN:
        sys.stdout.write(markdown_table(table_rows, columns, title=title, footer=footer))
    elif stdout_is_terminal():
        from lipctl.output.tables import print_rich_table

        print_rich_table(table_rows, columns, title=title, footer=footer)
    else:
        sys.stdout.write(plain_table(table_rows, columns, title=title, footer=footer))


def emit_record(data: dict[str, Any], fmt: OutputFormat | str, fields: Sequence[Column], *, title: str | None = None) -> None:
    """One object: JSON as is; otherwise a two-column key/value listing."""
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.JSON:
        emit(data, fmt, [])
        return
    if fmt is OutputFormat.CSV:
        emit([{c.key: data.get(c.key) for c in fields}], fmt, [Column(c.key, c.key) for c in fields])
        return
    from lipctl.i18n import _

    rows = [{"field": c.heading, "value": c.text(data)} for c in fields]
    cols = [Column("field", _("Field")), Column("value", _("Value"))]
    emit(rows, fmt, cols, title=title)


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> None:
    """Exact text, every cell with a line break quoted, formula-like cells guarded (``csvsafe``)."""
    from lipctl.output import csvsafe

    writer = csvsafe.writer(sys.stdout)
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow([_csv_value(row.get(c.key)) for c in columns])


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return to_jsonable(value)
    if isinstance(value, (dict, list, tuple)):
        return (
            plain(value) if not isinstance(value, dict) or "name" in value else json.dumps(to_jsonable(value), ensure_ascii=False)
        )
    return value


def _width(text: str) -> int:
    return len(text)


def plain_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None = None, footer: str | None = None
) -> str:
    """Aligned columns without colour or box characters, for pipes and cron mail."""
    cells = [[visible(c.heading) for c in columns]] + [[visible(c.text(r)).replace("\n", " ") for c in columns] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(columns))]
    lines = []
    if title:
        lines.append(visible(title))
        lines.append("")
    for n, row in enumerate(cells):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    if footer:
        lines.append("")
        lines.append(visible(footer))
    return "\n".join(lines) + "\n"


def markdown_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None = None, footer: str | None = None
) -> str:
    lines = []
    if title:
        lines += [f"## {md(title)}", ""]
    lines.append("| " + " | ".join(md(c.heading) for c in columns) + " |")
    lines.append("|" + "|".join(" --- " for _c in columns) + "|")
    for r in rows:
        lines.append("| " + " | ".join(md(c.text(r)) for c in columns) + " |")
    if footer:
        lines += ["", md(footer)]
    return "\n".join(lines) + "\n"


def no_color() -> bool:
    return "NO_COLOR" in os.environ
