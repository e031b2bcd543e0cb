"""lipctl status, lipctl report: where the action fields stand, and the committee briefing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._options import FormatOpt, SinceOpt
from lipctl.errors import ExitCode
from lipctl.i18n import _
from lipctl.output.emit import OutputFormat

FailOpt = Annotated[
    bool,
    typer.Option("--fail-on-overdue", help=_("Exit with code 4 when anything is overdue (after printing), for cron alerts.")),
]
OutputOpt = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help=_("The file to write: FILE.html (self-contained, prints on A4) or FILE.md; - writes Markdown to standard output."),
        show_default=False,
    ),
]

ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help=_("Replace the file if it exists and is not an earlier briefing (lipctl replaces its own briefings without it)."),
    ),
]


def register(root: typer.Typer) -> None:
    @command(root, "status")
    def status(fmt: FormatOpt = OutputFormat.TABLE, fail_on_overdue: FailOpt = False) -> None:
        """Where every action field stands as of --today: documents, what they wait on, survey responses, what is overdue."""
        from lipctl.report import status_text
        from lipctl.services import status as svc

        data, names = svc.status(env())
        status_text.write(data, names, fmt.value)
        if fail_on_overdue and data["overdue"]:
            raise typer.Exit(int(ExitCode.OVERDUE))

    @command(root, "report")
    def report(output: OutputOpt, since: SinceOpt = None, force: ForceOpt = False) -> None:
        """The briefing for the International Committee: progress, decisions, overdue items, survey participation, contacts."""
        from lipctl.commands._boundary import message
        from lipctl.files import outputs
        from lipctl.output.emit import stderr_is_terminal
        from lipctl.services import report as svc

        written = svc.write_report(env(), output, since, force=force)
        # a cron job stays silent unless something goes wrong (cron mails any output)
        if written != outputs.STDOUT and stderr_is_terminal():
            message(_("wrote the briefing to {path}").format(path=written))
