"""lipctl search: find opinion texts, survey answers and draft titles again (issue 19)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lipctl.commands._boundary import command, env, message
from lipctl.commands._options import FieldOpt, FormatOpt
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat


def _kind_label(kind: str) -> str:
    return {"opinion": _("opinion"), "answer": _("survey answer"), "draft": _("draft title")}.get(kind, kind)


def _columns(snippet: str) -> list[Column]:
    return [
        Column("kind", _("Kind"), _kind_label),
        Column("reference", _("Reference")),
        Column("field", _("Action field")),
        Column("date", _("Date")),
        Column(snippet, _("Hit")),
    ]


def _markdown(pieces: list[list[Any]]) -> str:
    """The snippet for Markdown, each hit in bold (``terms.marked``: the one way a snippet is marked)."""
    from lipctl.search.terms import Piece, marked

    return marked((Piece(text, hit) for text, hit in pieces), "**", "**")


def _underlined(row: dict[str, Any]) -> Any:
    """A terminal's snippet: each hit bold and underlined (rich Text spans, never markup read from the text)."""
    from rich.text import Text

    from lipctl.output.text import visible

    snippet = Text()
    for piece, hit in row["pieces"]:
        snippet.append(visible(piece), style="bold underline" if hit else "")
    return snippet


def register(root: typer.Typer) -> None:
    @command(root, "search")
    def search(
        words: Annotated[
            list[str],
            typer.Argument(
                metavar="TEXT",
                help=_('The words to find, all of them, in any inflection; "…" for words in this order.'),
                show_default=False,
            ),
        ],
        scope: Annotated[
            str | None,
            typer.Option(
                "--in",
                metavar="opinions|surveys|drafts",
                help=_("Only opinion texts, survey answers or draft titles."),
                show_default=False,
            ),
        ] = None,
        field: FieldOpt = None,
        limit: Annotated[int, typer.Option("--limit", metavar="N", help=_("At most N hits, the best first."))] = 20,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Search opinion texts, survey answers and draft titles; "Sprachkurse" also finds "Sprachkurs"."""
        from lipctl.output.emit import emit, stdout_is_terminal
        from lipctl.services import search as svc

        rows = svc.search(env(), " ".join(words), scope=scope, field=field, limit=limit)
        if not rows and fmt in (OutputFormat.TABLE, OutputFormat.MARKDOWN):
            message(_("nothing found"))
            return
        if fmt is OutputFormat.TABLE and stdout_is_terminal():
            from lipctl.output.tables import print_rich_table

            print_rich_table(rows, _columns("snippet"), styled={"snippet": _underlined})
            return
        data = [{k: v for k, v in row.items() if k != "pieces"} for row in rows]
        if fmt is OutputFormat.MARKDOWN:
            shown = [{**row, "marked": _markdown(row["pieces"])} for row in rows]
            emit(data, fmt, _columns("marked"), rows=shown)
            return
        columns = _columns("snippet")
        if fmt is OutputFormat.CSV:
            columns = [Column("kind", "kind"), Column("id", "id"), *columns[1:], Column("rank", "rank")]
        emit(data, fmt, columns)
