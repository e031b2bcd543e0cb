"""lipctl member add, end, list: the rosters of the bodies (Mitgliederlisten)."""

from __future__ import annotations

from typing import Annotated

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._options import FormatOpt
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat, plain

BodyArg = Annotated[str, typer.Argument(metavar="BODY", help=_("The body: slug, name or alias (rat, Ausschuss)."))]
NameArg = Annotated[str, typer.Argument(metavar="NAME", help=_("The member's name."))]


def _columns() -> list[Column]:
    return [
        Column("name", _("Name")),
        Column("role", _("Role")),
        Column("voting", _("Voting"), lambda v: _("yes") if v else _("advisory")),
        Column("from", _("From")),
        Column("until", _("Until")),
    ]


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("member"), no_args_is_help=True)

    @command(grp, "add", path="member add")
    def add(
        body: BodyArg,
        name: NameArg,
        advisory: Annotated[
            bool, typer.Option("--advisory", help=_("An advisory member (beratend): never counts as a voting member."))
        ] = False,
        role: Annotated[
            str | None,
            typer.Option(
                "--role",
                help=_("chair, deputy or member (default). The Rat's Oberbürgermeister*in votes ex officio: --role chair."),
                show_default=False,
            ),
        ] = None,
        since: Annotated[
            str | None,
            typer.Option("--from", metavar="DATE", help=_("First day of membership (default: --today)."), show_default=False),
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Add a person to a body's roster: voting unless --advisory; refused beyond the body's voting seats."""
        from lipctl.output.emit import emit_record
        from lipctl.services import rosters as svc

        row = svc.add_member(env(), body, name, advisory=advisory, role=role, since=since)
        emit_record(row, fmt, [Column("body", _("Body")), *_columns()], title=_("Member added"))

    @command(grp, "end", path="member end")
    def end(
        body: BodyArg,
        name: NameArg,
        on: Annotated[
            str | None, typer.Option("--on", help=_("Last day of membership (default: --today)."), show_default=False)
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """End a person's current membership of a body; --on is its last day."""
        from lipctl.output.emit import emit_record
        from lipctl.services import rosters as svc

        row = svc.end_member(env(), body, name, on=on)
        emit_record(row, fmt, [Column("body", _("Body")), *_columns()], title=_("Membership ended"))

    @command(grp, "list", path="member list")
    def list_(
        body: BodyArg,
        on: Annotated[str | None, typer.Option("--on", help=_("The day (default: --today)."), show_default=False)] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """A body's roster on a day, with its seats and the statutory number of voting members then."""
        from lipctl.output.emit import emit
        from lipctl.services import rosters as svc

        data = svc.list_members(env(), body, on=on)
        title = _("{body} on {on}: {voting} voting members, {seats} seats, statutory number {statutory}").format(
            body=data["body"],
            on=data["on"],
            voting=data["voting"],
            seats=plain(data["seats"]),
            statutory=plain(data["statutory"]),
        )
        emit(data, fmt, _columns(), title=title, rows=data["members"])

    root.add_typer(grp, name="member")
