"""lipctl body edit: a body's chair, e-mail address and language (issue 18), and its statutory number
of voting members from a day on (Sitzzahl).

'lipctl bodies' lists the bodies; this group changes one.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lipctl.commands._boundary import command, env, message
from lipctl.commands._changes import emit_changes
from lipctl.commands._options import FormatOpt
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat


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
            int | None,
            typer.Option(
                "--seats",
                help=_("Number of voting seats, where the names are not kept (the Rat's counts the Oberbürgermeister*in)."),
                show_default=False,
            ),
        ] = None,
        since: Annotated[
            str | None,
            typer.Option(
                "--from", metavar="DATE", help=_("The day the number applies from (default: --today)."), show_default=False
            ),
        ] = None,
        # issue 18 (helper "contacts"): the chair, where reminders go, and their language
        chair: Annotated[
            str | None,
            typer.Option(
                "--chair", metavar="NAME", help=_("The chair (Vorsitz) as the seed names one, without a day."), show_default=False
            ),
        ] = None,
        email: Annotated[
            str | None,
            typer.Option(
                "--email",
                metavar="ADDRESS",
                help=_("Where reminder mails to the body go (name@example.org)."),
                show_default=False,
            ),
        ] = None,
        language: Annotated[
            str | None,
            typer.Option(
                "--language",
                metavar="de|en",
                help=_("The language of reminder mails to the body (default: de)."),
                show_default=False,
            ),
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Change a body's chair, e-mail address or language, or record its number of voting seats from a day on."""
        from lipctl.output.emit import emit_record

        if chair is not None or email is not None or language is not None or seats is None:
            _edit(body, chair=chair, email=email, language=language, seats=seats, since=since, fmt=fmt)
            return
        from lipctl.services import rosters as svc

        row = svc.edit_seats(env(), body, seats=seats, since=since)
        cols = [
            Column("body", _("Body")),
            Column("seats", _("Seats")),
            Column("from", _("From")),
            Column("seats_before", _("Seats before")),
            Column("over_seats", _("Roster above the seats"), _excess),
        ]
        emit_record(row, fmt, cols, title=_("Seats of {body}").format(body=row["body"]))

    root.add_typer(grp, name="body")


def _edit(body: str, *, fmt: OutputFormat, **options: Any) -> None:
    """body edit with --chair, --email or --language (and --seats, in the same transaction): issue 18."""
    from lipctl.services import contacts as svc

    row = svc.edit_body(env(), body, **options)
    changes = list(row["changes"])
    if row["seats"] is not None:
        seats = row["seats"]
        changes.append({"what": "seats", "before": seats["seats_before"], "after": f"{seats['seats']} ({seats['from']})"})
    unchanged = _("{body}: nothing changed (the values were already so)").format(body=row["body"])
    if not emit_changes(row, fmt, changes, unchanged):
        return
    if row["seats"] is not None and row["seats"]["over_seats"]:  # as --seats alone shows it
        message(_("Roster above the seats") + ": " + _excess(row["seats"]["over_seats"]))
