"""lipctl opinion record, list: the advisory councils' assessments and the round table's statements."""

from __future__ import annotations

from typing import Annotated

import typer

from lipctl.commands._boundary import command, env, message
from lipctl.commands._corrections import VoidReasonOpt, correction_columns, voided_cell
from lipctl.commands._options import DateOpt, FormatOpt, RefArg
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat


def _state_label(state: str | None) -> str:
    from lipctl.report.labels import state_label

    return state_label(state)


def _columns() -> list[Column]:
    from lipctl.report.labels import stance_label

    return [
        Column("id", "#"),
        Column("draft", _("Draft")),
        Column("ref", _("Document")),
        Column("version", _("Version"), lambda v: f"v{v}"),
        Column("body", _("Body")),
        Column("stance", _("Stance"), stance_label),
        Column("text", _("Text")),
        Column("received_on", _("Received")),
        Column("recorded_at", _("Recorded (UTC)")),
        Column("voided", _("Voided"), voided_cell),
    ]


IncludeVoidedOpt = Annotated[
    bool, typer.Option("--include-voided", help=_("Also list withdrawn opinions (and those on withdrawn versions), marked."))
]


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("opinion"), no_args_is_help=True)

    @command(grp, "record", path="opinion record")
    def record(
        ref: RefArg,
        body: Annotated[
            str, typer.Option("--from", help=_("The body giving the opinion: slug, name or alias."), show_default=False)
        ],
        stance: Annotated[str, typer.Option("--stance", help=_("approve, amend or reject."), show_default=False)],
        text: Annotated[str | None, typer.Option("--text", help=_("The opinion's text or summary."), show_default=False)] = None,
        file: Annotated[
            str | None,
            typer.Option(
                "--file", help=_("The opinion's document: its SHA-256, size and name are recorded."), show_default=False
            ),
        ] = None,
        date: DateOpt = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Record a body's opinion on a draft; the last required one makes it ready for the steering group."""
        from lipctl.output.emit import emit_record
        from lipctl.services import opinions as svc

        row = svc.record(env(), ref, body, stance, text=text, file=file, date=date)
        if fmt is not OutputFormat.JSON:
            if row["missing_opinions"]:
                message(_("still missing: {bodies}").format(bodies=", ".join(row["missing_opinions"])))
            elif row["draft_state"] == "ready_for_decision":
                message(
                    _("{ref} v{version} is ready for the steering group's decision").format(
                        ref=row["ref"], version=row["version"]
                    )
                )
        emit_record(
            row,
            fmt,
            [*_columns(), Column("draft_state", _("Draft state"), _state_label)],
            title=_("Opinion {id}").format(id=row["id"]),
        )

    @command(grp, "list", path="opinion list")
    def list_(
        ref: Annotated[
            str | None, typer.Argument(help=_("Only the opinions on this draft (id or FIELD/KIND)."), show_default=False)
        ] = None,
        include_voided: IncludeVoidedOpt = False,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Every opinion, oldest first, or those on one draft version; earlier ones of a body stay visible."""
        from lipctl.output.emit import emit
        from lipctl.services import listings

        emit(listings.list_opinions(env(), ref, include_voided=include_voided), fmt, _columns())

    @command(grp, "withdraw", path="opinion withdraw")
    def withdraw(
        opinion_id: Annotated[str, typer.Argument(metavar="ID", help=_("The opinion's id (opinion list, opinion record)."))],
        reason: VoidReasonOpt,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Withdraw an opinion recorded by mistake: it stays, marked void; the draft's readiness is computed again."""
        from lipctl.output.emit import emit_record
        from lipctl.services import corrections as svc

        row = svc.withdraw_opinion(env(), opinion_id, reason)
        emit_record(row, fmt, correction_columns(), title=_("Opinion {id} withdrawn").format(id=row["id"]))

    root.add_typer(grp, name="opinion")
