"""lipctl steering decide: the steering group forwards a draft to the committee or returns it."""

from __future__ import annotations

from typing import Annotated

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._corrections import VoidReasonOpt, correction_columns
from lipctl.commands._options import DateOpt, FormatOpt, RefArg
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("steering"), no_args_is_help=True)

    @command(grp, "decide", path="steering decide")
    def decide(
        ref: RefArg,
        forward: Annotated[bool, typer.Option("--forward", help=_("Forward the draft to the committee."))] = False,
        ret: Annotated[
            bool, typer.Option("--return", help=_("Return it to the expert group for revision (needs --reason)."))
        ] = False,
        reason: Annotated[str | None, typer.Option("--reason", help=_("The reasons; recorded."), show_default=False)] = None,
        date: DateOpt = None,
        without_opinions: Annotated[
            bool,
            typer.Option(
                "--without-opinions",
                help=_("Decide although required opinions are missing: an explicit, recorded exception (needs --reason)."),
            ),
        ] = False,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Record the steering group's decision; refused while required opinions are missing."""
        from lipctl.output.emit import emit_record
        from lipctl.report.labels import state_label
        from lipctl.services import decisions as svc

        row = svc.decide(env(), ref, forward=forward, ret=ret, reason=reason, date=date, without_opinions=without_opinions)
        cols = [
            Column("draft", _("Draft")),
            Column("ref", _("Document")),
            Column("version", _("Version"), lambda v: f"v{v}"),
            Column("result", _("Result"), state_label),
            Column("reason", _("Reason")),
            Column("decided_on", _("Date")),
            Column("missing_opinions", _("Decided without the opinions of")),
        ]
        emit_record(row, fmt, cols, title=_("Steering decision {id}").format(id=row["decision"]))

    @command(grp, "void", path="steering void")
    def void(
        decision_id: Annotated[
            str, typer.Argument(metavar="ID", help=_("The decision's id (steering decide, draft show: decision.id)."))
        ],
        reason: VoidReasonOpt,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Void a steering decision recorded by mistake: it stays, marked; the draft returns to its state before."""
        from lipctl.output.emit import emit_record
        from lipctl.services import corrections as svc

        row = svc.void_decision(env(), decision_id, reason)
        emit_record(row, fmt, correction_columns(), title=_("Steering decision {id} voided").format(id=row["id"]))

    root.add_typer(grp, name="steering")
