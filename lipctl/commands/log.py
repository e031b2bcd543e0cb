"""lipctl log: the audit trail; lipctl log verify: its hash chain.

``log`` is a group that runs on its own (``lipctl log --since D`` lists the events, as it always
did) and holds ``verify``.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lipctl.commands._boundary import command, env, guarded, message
from lipctl.commands._options import FormatOpt, SinceOpt
from lipctl.errors import ExitCode
from lipctl.i18n import _
from lipctl.output.emit import OutputFormat

UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help=_("Only up to this date (inclusive), YYYY-MM-DD or DD.MM.YYYY."), show_default=False),
]


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help
    from lipctl.commands._examples import epilog

    grp = typer.Typer(help=group_help("log"), invoke_without_command=True, rich_markup_mode=None, epilog=epilog("log"))
    root.add_typer(grp, name="log")

    def listing(
        ctx: typer.Context,
        since: SinceOpt = None,
        until: UntilOpt = None,
        by: Annotated[
            str | None, typer.Option("--by", help=_("Only the events recorded by this actor (exact name)."), show_default=False)
        ] = None,
        action: Annotated[
            list[str] | None,
            typer.Option(
                "--action",
                help=_("Only these events: a name (draft.submitted) or its first part for all of them (draft); may be repeated."),
                show_default=False,
            ),
        ] = None,
        draft: Annotated[
            str | None,
            typer.Option(
                "--draft",
                help=_("Only the events of a draft: a numeric id (that version) or FIELD/KIND (every version)."),
                show_default=False,
            ),
        ] = None,
        limit: Annotated[
            int | None, typer.Option("--limit", min=1, help=_("Only the newest N events."), show_default=False)
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        if ctx.invoked_subcommand is not None:
            given = [since, until, by, action, draft, limit]
            if any(v is not None for v in given) or fmt is not OutputFormat.TABLE:
                message(
                    _("lipctl: the options of 'log {command}' go after it (lipctl log {command} --format json)").format(
                        command=ctx.invoked_subcommand
                    )
                )
                raise typer.Exit(int(ExitCode.USAGE))
            return
        from lipctl.context import parse_day
        from lipctl.output.emit import emit
        from lipctl.services import log as svc

        rows = svc.events(
            env(),
            parse_day(since, "--since"),
            limit,
            until=parse_day(until, "--until"),
            by=by,
            actions=action,
            draft=draft,
        )
        emit(rows, fmt, _columns(fmt))

    grp.callback(invoke_without_command=True)(guarded(listing, "log"))

    @command(grp, "verify", path="log verify")
    def verify(
        head: Annotated[
            str | None,
            typer.Option(
                "--head",
                help=_("A head printed earlier (by log verify or the briefing), kept elsewhere: it must still be in the log."),
                show_default=False,
            ),
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Verify the audit log's hash chain: name the first event changed, removed or inserted outside lipctl (exit 1)."""
        from lipctl.output.emit import emit_record
        from lipctl.services import log as svc

        result = svc.verify(env(), head)
        if fmt is OutputFormat.JSON:
            emit_record(result, fmt, [])
        elif result["ok"]:
            typer.echo(_("{n} events, head {head}").format(n=result["events"], head=result["head"]))
        if not result["ok"]:
            message(_("lipctl: {problem} — {hint}").format(problem=result["message"], hint=result["hint"]))
            raise typer.Exit(int(ExitCode.REFUSED))


def _columns(fmt: OutputFormat) -> list[Any]:
    """The table's columns: one readable line of details; CSV keeps the whole details (and JSON everything)."""
    import json

    from lipctl.output.emit import Column

    recorded = [
        Column("id", "#"),
        Column("occurred_at", _("Recorded (UTC)")),
        Column("happened_on", _("Day")),
        Column("actor", _("Actor")),
    ]
    if fmt is OutputFormat.CSV:
        return [
            *recorded,
            Column("command", _("Command")),
            Column("action", _("Event")),
            Column("summary", _("Summary")),
            Column("details", _("Details"), lambda v: json.dumps(v, ensure_ascii=False) if v else ""),
        ]
    return [*recorded, Column("action", _("Event")), Column("summary", _("Details"), lambda v: v or "")]
