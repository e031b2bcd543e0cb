"""lipctl oparl export: the process as OParl 1.1 open council data (a static tree of JSON files)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lipctl.commands._boundary import command, env, message
from lipctl.commands._options import FormatOpt
from lipctl.i18n import _
from lipctl.output.emit import OutputFormat


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("oparl"), no_args_is_help=True)

    @command(grp, "export", path="oparl export")
    def export(
        output: Annotated[
            Path,
            typer.Option(
                "--output",
                "-o",
                help=_("The folder to publish: a new path, or an earlier export (lipctl replaces it in one step)."),
                show_default=False,
            ),
        ],
        base_url: Annotated[
            str,
            typer.Option(
                "--base-url",
                help=_("The http(s) address the folder is served under; every object's id begins with it."),
                show_default=False,
            ),
        ],
        with_files: Annotated[
            bool, typer.Option("--with-files", help=_("Copy the versions' stored documents into the tree (OParl File objects)."))
        ] = False,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Write the process as OParl 1.1 (system.json, the body, its lists and objects) into a folder a web server serves."""
        from lipctl.oparl import export as svc
        from lipctl.output.emit import Column, emit

        result = svc.export(env(), output, base_url, with_files=with_files)
        for what in result["missing_documents"]:
            message(_("lipctl: the stored document of {draft} was not found; it was published without it").format(draft=what))
        rows = [{"type": name, "count": n} for name, n in result["counts"].items()]
        emit(  # JSON: the whole result; the other formats: objects per type
            result,
            fmt,
            [Column("type", _("OParl type")), Column("count", _("Objects"))],
            rows=rows,
            title=_("OParl export at {entry}").format(entry=result["entry"]),
        )

    root.add_typer(grp, name="oparl")
