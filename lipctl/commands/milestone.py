"""lipctl milestone list, reschedule: the milestones (Meilensteine) and their due dates."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._options import FormatOpt
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat


def _state(value: str) -> str:
    from lipctl.report.status_text import milestone_state_label

    return milestone_state_label(value)


class _Name(Column):
    """The seed's name in the interface language in tables; CSV and JSON keep the seed's name (and name_en)."""

    def text(self, row: dict[str, Any]) -> str:
        from lipctl.i18n import display_name

        return display_name(row.get("name"), row.get("name_en")) or "—"


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("milestone"), no_args_is_help=True)

    @command(grp, "list", path="milestone list")
    def list_(fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """Every milestone: its due date (or the seed's words), the original date if moved, and its state as of --today."""
        from lipctl.output.emit import emit
        from lipctl.services import milestones as svc

        cols = [
            Column("milestone", _("Milestone")),
            _Name("name", _("Name")),
            Column("due", _("Due")),
            Column("due_text", _("Seed says")),
            Column("original_due", _("Originally")),
            Column("state", _("State"), _state),
        ]
        emit(svc.list_milestones(env()), fmt, cols)

    @command(grp, "reschedule", path="milestone reschedule")
    def reschedule(
        key: Annotated[str, typer.Argument(help=_("The milestone's key, e.g. ratsbeschluss."), show_default=False)],
        due: Annotated[
            str, typer.Option("--due", help=_("The new due date, YYYY-MM-DD or DD.MM.YYYY (may lie ahead)."), show_default=False)
        ],
        reason: Annotated[str, typer.Option("--reason", help=_("Why it moves; recorded."), show_default=False)],
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Move a milestone's due date (e.g. a Corona delay); the original date stays beside it, the move is logged."""
        from lipctl.output.emit import emit_record
        from lipctl.services import milestones as svc

        row = svc.reschedule(env(), key, due, reason)
        cols = [
            Column("milestone", _("Milestone")),
            Column("due_before", _("Due before")),
            Column("due", _("Due")),
            Column("original_due", _("Originally")),
            Column("due_text", _("Seed says")),
            Column("reason", _("Reason")),
        ]
        emit_record(row, fmt, cols, title=_("Milestone {key}").format(key=row["milestone"]))

    root.add_typer(grp, name="milestone")
