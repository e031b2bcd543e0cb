"""lipctl log: the audit trail."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._options import FormatOpt, SinceOpt
from lipctl.i18n import _
from lipctl.output.emit import OutputFormat


def register(root: typer.Typer) -> None:
    @command(root, "log")
    def log(
        since: SinceOpt = None,
        limit: Annotated[
            int | None, typer.Option("--limit", min=1, help=_("Only the newest N events."), show_default=False)
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """The audit trail: every change, with actor, time, command and details."""
        from lipctl.context import parse_day
        from lipctl.output.emit import Column, emit
        from lipctl.services import log as svc

        rows = svc.events(env(), parse_day(since, "--since"), limit)
        emit(
            rows,
            fmt,
            [
                Column("id", "#"),
                Column("occurred_at", _("Time (UTC)")),
                Column("actor", _("Actor")),
                Column("command", _("Command")),
                Column("action", _("Event")),
                Column("details", _("Details"), lambda v: json.dumps(v, ensure_ascii=False) if v else ""),
            ],
        )
