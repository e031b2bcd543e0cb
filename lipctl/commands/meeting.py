"""lipctl meeting schedule, list, show, agenda; lipctl committee inform: sessions (Sitzungen) of the deciding bodies."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._options import FormatOpt
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat

MeetingArg = Annotated[str, typer.Argument(metavar="MEETING", help=_("The session's id (meeting list)."), show_default=False)]
DrucksacheOpt = Annotated[
    str | None,
    typer.Option("--drucksache", help=_("Printed-matter number: 2472/2019, H-0375/2019 or 15-0067/2019 F1."), show_default=False),
]


def _meeting_columns() -> list[Column]:
    return [
        Column("id", _("Session")),
        Column("body", _("Body")),
        Column("date", _("Date")),
        Column("start", _("Start")),
        Column("location", _("Location")),
        Column("invited_on", _("Invited on")),
        Column("invitation", _("Invitation")),
        Column("urgent_reason", _("Urgent because")),
        Column("second_convocation_of", _("Second convocation of")),
    ]


def _results(value: Any) -> str:
    if not value:
        return "—"
    from lipctl.report.labels import result_label

    return "; ".join(
        "{result}{voided}".format(result=result_label(r["result"]), voided=_(" (voided)") if r["voided"] else "") for r in value
    )


def register_inform(committee: typer.Typer) -> None:
    """``committee inform``: on the committee group, which lipctl.commands.votes builds."""

    @command(committee, "inform", path="committee inform")
    def inform(
        meeting: Annotated[
            str, typer.Option("--meeting", help=_("The committee's session in which it was informed."), show_default=False)
        ],
        drucksache: DrucksacheOpt = None,
        file: Annotated[
            str | None, typer.Option("--file", help=_("The report given to the committee; a copy is kept."), show_default=False)
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Record that the committee was informed about the state of the process in a session (Unterrichtung)."""
        from lipctl.output.emit import emit_record
        from lipctl.services import meetings as svc

        row = svc.inform(env(), meeting, drucksache=drucksache, file=file)
        cols = [
            Column("id", _("Information")),
            Column("meeting", _("Session")),
            Column("body", _("Body")),
            Column("informed_on", _("Informed on")),
            Column("drucksache", _("Drucksache")),
            Column("file_name", _("File")),
            Column("file_sha256", _("SHA-256")),
        ]
        emit_record(row, fmt, cols, title=_("Committee informed in session {id}").format(id=row["meeting"]))


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("meeting"), no_args_is_help=True)

    @command(grp, "schedule", path="meeting schedule")
    def schedule(
        body: Annotated[str, typer.Argument(help=_("The deciding body: slug, name or alias."), show_default=False)],
        date: Annotated[
            str, typer.Option("--date", help=_("The day of the session, YYYY-MM-DD or DD.MM.YYYY."), show_default=False)
        ],
        start: Annotated[str | None, typer.Option("--start", help=_("Start time, HH:MM."), show_default=False)] = None,
        location: Annotated[str | None, typer.Option("--location", help=_("Where it meets."), show_default=False)] = None,
        invited_on: Annotated[
            str | None,
            typer.Option(
                "--invited-on",
                help=_("The day the invitations went out; checked against the body's invitation period (Ladungsfrist)."),
                show_default=False,
            ),
        ] = None,
        second_convocation_of: Annotated[
            str | None,
            typer.Option(
                "--second-convocation-of",
                help=_(
                    "The session whose items that were not quorate this one decides regardless of attendance (§65(2) NKomVG)."
                ),
                show_default=False,
            ),
        ] = None,
        urgent: Annotated[
            bool, typer.Option("--urgent", help=_("Called at short notice, below the invitation period (needs --reason)."))
        ] = False,
        reason: Annotated[
            str | None, typer.Option("--reason", help=_("Why it was urgent; recorded."), show_default=False)
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Record a session of the committee or the council, with its invitation (Ladung)."""
        from lipctl.output.emit import emit_record
        from lipctl.services import meetings as svc

        row = svc.schedule(
            env(),
            body,
            date=date,
            start=start,
            location=location,
            invited_on=invited_on,
            second_convocation_of=second_convocation_of,
            urgent=urgent,
            reason=reason,
        )
        emit_record(row, fmt, _meeting_columns(), title=_("Session {id}").format(id=row["id"]))

    @command(grp, "list", path="meeting list")
    def list_(
        body: Annotated[str | None, typer.Option("--body", help=_("Only this body's sessions."), show_default=False)] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """The sessions of the deciding bodies, oldest first, with their invitation and number of agenda items."""
        from lipctl.output.emit import emit
        from lipctl.services import meetings as svc

        cols = [*_meeting_columns()[:4], Column("invitation", _("Invitation")), Column("items", _("Items"))]
        emit(svc.list_meetings(env(), body), fmt, cols)

    @command(grp, "show", path="meeting show")
    def show(meeting: MeetingArg, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """One session: its invitation and its agenda, each item with the results recorded on it."""
        from lipctl.output.emit import emit
        from lipctl.services import meetings as svc

        data = svc.show(env(), meeting)
        cols = [
            Column("number", _("Item")),
            Column("ref", _("Draft")),
            Column("version", _("Version")),
            Column("drucksache", _("Drucksache")),
            Column("results", _("Results"), _results),
        ]
        title = _("Session {id}: {body}, {date}; {invitation}").format(
            id=data["id"], body=data["body"], date=data["date"], invitation=data["invitation"]
        )
        emit(data, fmt, cols, title=title, rows=data["agenda"])

    @command(grp, "agenda", path="meeting agenda")
    def agenda(
        meeting: MeetingArg,
        ref: Annotated[
            str,
            typer.Argument(
                metavar="REF|plan",
                help=_("A draft (numeric id or FIELD/KIND, its latest version), or 'plan' for the plan as a whole."),
                show_default=False,
            ),
        ],
        drucksache: DrucksacheOpt = None,
        number: Annotated[
            str | None, typer.Option("--number", help=_("The item's number on the agenda, e.g. 5.1."), show_default=False)
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Put a draft version or the plan on a session's agenda (Tagesordnung)."""
        from lipctl.output.emit import emit_record
        from lipctl.services import meetings as svc

        row = svc.add_item(env(), meeting, ref, drucksache=drucksache, number=number)
        cols = [
            Column("meeting", _("Session")),
            Column("number", _("Item")),
            Column("ref", _("Draft")),
            Column("version", _("Version")),
            Column("drucksache", _("Drucksache")),
        ]
        emit_record(row, fmt, cols, title=_("Agenda of session {id}").format(id=row["meeting"]))

    root.add_typer(grp, name="meeting")
