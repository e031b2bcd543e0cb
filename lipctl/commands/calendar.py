"""lipctl calendar: the process's dates as an iCalendar feed for Outlook, Thunderbird and the like."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lipctl.commands._boundary import command, env
from lipctl.i18n import _

OutputOpt = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help=_("The file to write: FILE.ics; - writes the calendar to standard output."),
        show_default=False,
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help=_("Replace the file if it exists and is not an earlier calendar (lipctl replaces its own calendars without it)."),
    ),
]


def register(root: typer.Typer) -> None:
    @command(root, "calendar")
    def calendar(output: OutputOpt, force: ForceOpt = False) -> None:
        """The calendar feed (iCalendar): opinion due dates, sessions, milestones and survey periods, for a calendar client."""
        from lipctl.commands._boundary import message
        from lipctl.files import outputs
        from lipctl.output.emit import stderr_is_terminal
        from lipctl.services import calendar as svc

        written = svc.write_calendar(env(), output, force=force)
        # a cron job stays silent unless something goes wrong (cron mails any output)
        if written != outputs.STDOUT and stderr_is_terminal():
            message(_("wrote the calendar to {path}").format(path=written))
