"""lipctl body edit: a body's statutory number of voting members from a day on (Sitzzahl).

'lipctl bodies' lists the bodies; this group changes one.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._options import FormatOpt
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat


def _text(value: Any) -> str:
    return "—" if value is None else str(value)


def _excess(value: Any) -> str:
    if not value:
        return "—"
    return "; ".join(_("{date}: {voting} voting members").format(date=x["date"], voting=x["voting"]) for x in value)


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("body"), no_args_is_help=True)

    @command(grp, "edit", path="body edit")
    def edit(
        body: Annotated[str, typer.Argument(metavar="BODY", help=_("The body: slug, name or alias (rat, Ausschuss)."))],
        seats: Annotated[
            int,
            typer.Option(
                "--seats",
                help=_("Number of voting seats, where the names are not kept (the Rat's counts the Oberbürgermeister*in)."),
                show_default=False,
            ),
        ],
        since: Annotated[
            str | None,
            typer.Option(
                "--from", metavar="DATE", help=_("The day the number applies from (default: --today)."), show_default=False
            ),
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Record a body's number of voting seats from a day on; earlier numbers stay for earlier dates."""
        from lipctl.output.emit import emit_record
        from lipctl.services import rosters as svc

        row = svc.edit_seats(env(), body, seats=seats, since=since)
        cols = [
            Column("body", _("Body")),
            Column("seats", _("Seats")),
            Column("from", _("From")),
            Column("seats_before", _("Seats before"), _text),
            Column("over_seats", _("Roster above the seats"), _excess),
        ]
        emit_record(row, fmt, cols, title=_("Seats of {body}").format(body=row["body"]))

    root.add_typer(grp, name="body")
