"""lipctl remind: reminder mails to the bodies and expert groups that owe an opinion or a document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._options import FormatOpt
from lipctl.errors import ExitCode, MissingOption
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat

WithinOpt = Annotated[
    int,
    typer.Option("--within", metavar="DAYS", help=_("Remind of what is due within this many days, and of everything overdue.")),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="DIR",
        help=_("Write the mails as .eml files into this folder (made if missing); nothing is sent or recorded."),
        show_default=False,
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help=_("With --output: replace .eml files of the same name that lipctl did not write (its own it replaces without)."),
    ),
]
SendOpt = Annotated[
    bool,
    typer.Option(
        "--send",
        help=_("Send the mails through the SMTP server of LIPCTL_SMTP_URL: each item once a day (Europe/Berlin), recorded."),
    ),
]


def _status(value: str) -> str:
    return {
        "sent": _("sent"),
        "written": _("written"),
        "refused": _("refused"),
        "no_address": _("no address"),
        "not_sent": _("not sent"),
    }.get(value, value)


def _items(items: list[dict[str, Any]]) -> str:
    return ", ".join(i["ref"] or f"{i['field']}/{i['document']}" for i in items)


def _show(result: dict[str, Any], fmt: OutputFormat) -> None:
    """The run's mails (a table, or the JSON result) and, on stderr, each one refused or without an address."""
    from lipctl.commands._boundary import message
    from lipctl.output.emit import emit

    cols = [
        Column("body", _("Body")),
        Column("to", _("To"), lambda v: v or "—"),
        Column("status", _("Status"), _status),
        Column("items", _("Items"), _items),
    ]
    if fmt == OutputFormat.JSON or result["mails"]:  # a cron run with nothing to remind of prints nothing
        emit(result, fmt, cols, rows=result["mails"])
    for row in result["mails"]:
        if row["status"] == "refused":
            message(
                _("lipctl: the SMTP server refused the mail to {to} of {body}: {answer}").format(
                    to=row["to"], body=row["body"], answer=row["answer"]
                )
            )
        elif row["status"] == "no_address":
            text = _("lipctl: {body} owes something and has no e-mail address: lipctl body edit {body} --email E")
            message(text.format(body=row["body"]))


def register(root: typer.Typer) -> None:
    @command(root, "remind")
    def remind(
        within: WithinOpt = 7,
        output: OutputOpt = None,
        send: SendOpt = False,
        force: ForceOpt = False,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Reminder mails to the bodies and expert groups that owe an opinion or a document within --within days or overdue."""
        from lipctl.services import reminders as svc

        if (output is None) == (not send):
            raise MissingOption(
                _("give exactly one of --output DIR and --send"),
                _("--output DIR writes the mails as files, --send sends them"),
            )
        if force and output is None:
            raise MissingOption(
                _("--force only goes with --output DIR"),
                _("--send records what it sent and sends each item once a day; there is no file to replace"),
            )
        try:
            result = svc.write(env(), within, output, force=force) if output is not None else svc.send(env(), within)
        except svc.Stopped as stopped:  # the session broke: what went out and what did not, then its one line
            _show(stopped.result, fmt)
            raise
        _show(result, fmt)
        if result["refused"] or result["without_address"]:
            raise typer.Exit(int(ExitCode.REFUSED))
