"""Options shared by many commands, declared once (with their environment variables)."""

from __future__ import annotations

from typing import Annotated

import typer

from lipctl.i18n import _
from lipctl.output.emit import OutputFormat

FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help=_("Output format: table, json, csv or markdown."), case_sensitive=False),
]
FieldArg = Annotated[
    str | None, typer.Argument(help=_("Action field: slug, name or alias (case-insensitive)."), show_default=False)
]
FieldOpt = Annotated[str | None, typer.Option("--field", help=_("Action field: slug, name or alias."), show_default=False)]
RefArg = Annotated[
    str,
    typer.Argument(
        help=_(
            "Draft: a numeric id, FIELD/KIND for the latest version (bildung/grundsatzpapier),"
            " or 'plan' for the complete plan's latest version."
        )
    ),
]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", help=_("The day it happened, YYYY-MM-DD or DD.MM.YYYY (default: --today)."), show_default=False),
]
SinceOpt = Annotated[str | None, typer.Option("--since", help=_("Only from this date on, YYYY-MM-DD."), show_default=False)]
