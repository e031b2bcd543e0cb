"""lipctl paper list: the Drucksachen register — numbers, types and what each paper carries."""

from __future__ import annotations

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._options import FormatOpt
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("paper"), no_args_is_help=True)

    @command(grp, "list", path="paper list")
    def list_(fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """Every registered Drucksache: number, type, date, title, what it carries and the resolutions with it."""
        from lipctl.output.emit import emit
        from lipctl.services import papers as svc

        cols = [
            Column("number", _("Drucksache")),
            Column("type_name", _("Type")),
            Column("date", _("Date")),
            Column("title", _("Title")),
            Column("carries", _("Carries")),
            Column("ref", _("Draft")),
            Column("version", _("Version")),
            Column("body", _("Body")),
            Column("resolutions", _("Resolutions"), lambda v: ", ".join(map(str, v)) or "—"),
        ]
        emit(svc.list_papers(env()), fmt, cols)

    root.add_typer(grp, name="paper")
