"""What the correction commands share (opinion withdraw, steering/committee/council void, draft
withdraw): the --reason option, how a voided record is shown, and the columns of their result."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lipctl.i18n import _
from lipctl.output.emit import Column

VoidReasonOpt = Annotated[str, typer.Option("--reason", help=_("Why it is void; recorded."), show_default=False)]


def voided_cell(value: dict[str, Any] | None) -> str:
    """A record's ``voided`` in a table cell: the mark (voided 2021-03-02 by mueller: Zählfehler), or —."""
    from lipctl.services.listings import voided_text

    return voided_text(value) or "—"


def correction_columns() -> list[Column]:
    """What a correction (withdraw, void) shows: the voided record and the states computed again."""
    from lipctl.report.labels import state_label

    return [
        Column("id", "#"),
        Column("ref", _("Document")),
        Column("version", _("Version"), lambda v: f"v{v}" if v is not None else "—"),
        Column("voided", _("Voided"), voided_cell),
        Column("state", _("Draft state"), lambda v: state_label(v) if v else "—"),
        Column(
            "changes",
            _("States computed again"),
            lambda v: (
                "; ".join(f"v{c['version']}: {state_label(c['state_before'])} → {state_label(c['state'])}" for c in v)
                if v
                else "—"
            ),
        ),
    ]
