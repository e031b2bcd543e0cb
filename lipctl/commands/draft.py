"""lipctl draft submit, list, show, history: the versions of each field's documents."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lipctl.commands._boundary import command, env, message
from lipctl.commands._corrections import VoidReasonOpt, correction_columns, voided_cell
from lipctl.commands._options import DateOpt, FieldOpt, FormatOpt, RefArg
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat

KindOpt = Annotated[
    str | None,
    typer.Option("--kind", help=_("Document kind: grundsatzpapier or massnahmenkatalog (not for the plan)."), show_default=False),
]
TitleOpt = Annotated[str | None, typer.Option("--title", help=_("Title of this version."), show_default=False)]
FileOpt = Annotated[
    str | None,
    typer.Option(
        "--file", help=_("The document file: its SHA-256, size and name are recorded and a copy is kept."), show_default=False
    ),
]
SurveyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--considered-survey", help=_("A survey whose answers this version took into account (repeatable)."), show_default=False
    ),
]
StateOpt = Annotated[str | None, typer.Option("--state", help=_("Only drafts in this state."), show_default=False)]
IncludeVoidedOpt = Annotated[bool, typer.Option("--include-voided", help=_("Also list withdrawn versions, marked."))]


def _draft_columns() -> list[Column]:
    from lipctl.report.labels import state_label

    return [
        Column("id", "#"),
        Column("ref", _("Document")),
        Column("version", _("Version"), lambda v: f"v{v}"),
        Column("state", _("State"), state_label),
        Column("state_since", _("Since")),
        Column("title", _("Title")),
        Column("submitted_on", _("Submitted")),
        Column("submitted_by", _("By")),
        Column("voided", _("Voided"), voided_cell),
    ]


def _dues(rows: list[dict[str, Any]]) -> str:
    from lipctl.output.emit import plain

    def mark(row: dict[str, Any]) -> str:
        if not row.get("received"):
            return ""
        return " ✓ " + _("late") if row.get("late") else " ✓"

    return "; ".join(f"{r['body']} {plain(r['due'])}" + mark(r) for r in rows) if rows else "—"


def _opinions(rows: list[dict[str, Any]] | None) -> str:
    from lipctl.report.labels import stance_label

    return (
        "; ".join(
            f"{o['body']}: {stance_label(o['stance'])}" + (f" ({voided_cell(o['voided'])})" if o.get("voided") else "")
            for o in rows
        )
        if rows
        else "—"
    )


def _decision(v: dict[str, Any] | None) -> str:
    from lipctl.output.emit import plain

    if not v:
        return "—"
    from lipctl.report.labels import result_label

    text = f"#{v['id']} {result_label(v['result'])} {plain(v['decided_on'])}" + (f" — {v['reason']}" if v["reason"] else "")
    return text + (f" ({voided_cell(v['voided'])})" if v.get("voided") else "")


def _handed(value: list[dict[str, Any]] | None) -> str:
    """Per considered survey: how many of its answers for the field had been handed over by the version's day."""
    if not value:
        return "—"
    return "; ".join(
        _("{survey}: {n} of {total} handed over").format(survey=h["survey"], n=h["handed_over"], total=h["answers"])
        for h in value
    )


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("draft"), no_args_is_help=True)

    @command(grp, "submit", path="draft submit")
    def submit(
        field: Annotated[
            str,
            typer.Argument(
                help=_("Action field: slug, name or alias (case-insensitive); or 'plan' for the complete plan (Gesamtplan)."),
                show_default=False,
            ),
        ],
        kind: KindOpt = None,
        title: TitleOpt = None,
        file: FileOpt = None,
        considered_survey: SurveyOpt = None,
        date: DateOpt = None,
        without_grundsatzpapier: Annotated[
            bool,
            typer.Option(
                "--without-grundsatzpapier",
                help=_("Submit a Maßnahmenkatalog before its field's Grundsatzpapier: a recorded exception (needs --reason)."),
            ),
        ] = False,
        without_all_fields: Annotated[
            bool,
            typer.Option(
                "--without-all-fields",
                help=_(
                    "Submit the plan before every action field has an adopted Grundsatzpapier and Maßnahmenkatalog:"
                    " a recorded exception (needs --reason)."
                ),
            ),
        ] = False,
        reason: Annotated[
            str | None, typer.Option("--reason", help=_("Why the exception; recorded."), show_default=False)
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Record a new version (v1, v2, …) of a field's document, or of the complete plan ('draft submit plan'),
        received on --date; an open earlier version is superseded."""
        from lipctl.output.emit import emit_record
        from lipctl.services import drafts as svc

        row = svc.submit(
            env(),
            field,
            kind,
            title=title,
            file=file,
            considered_surveys=considered_survey or [],
            date=date,
            without_basis=without_grundsatzpapier,
            reason=reason,
            without_all_fields=without_all_fields,
        )
        if row["superseded"] and fmt is not OutputFormat.JSON:
            message(
                _("v{old} of {ref} is superseded by v{new}").format(
                    old=row["superseded"]["version"], ref=row["ref"], new=row["version"]
                )
            )
        cols = [*_draft_columns(), Column("file_sha256", "SHA-256"), Column("opinions_due", _("Opinions due"), _dues)]
        emit_record(row, fmt, cols, title=_("Draft {id}").format(id=row["id"]))

    @command(grp, "list", path="draft list")
    def list_(
        field: FieldOpt = None,
        state: StateOpt = None,
        include_voided: IncludeVoidedOpt = False,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Every draft version, by field and document; filter by field or state."""
        from lipctl.output.emit import emit
        from lipctl.services import listings

        emit(listings.list_drafts(env(), field, state, include_voided=include_voided), fmt, _draft_columns())

    @command(grp, "show", path="draft show")
    def show(ref: RefArg, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """One draft version: state, opinions received, missing and overdue, the steering decision."""
        from lipctl.output.emit import emit_record, plain
        from lipctl.services import listings

        row = listings.show(env(), ref)
        cols = [
            *_draft_columns(),
            Column("file_name", _("File")),
            Column("file_sha256", "SHA-256"),
            Column("opinions_due", _("Opinions due"), _dues),
            Column("missing_opinions", _("Missing opinions")),
            Column(
                "overdue_opinions", _("Overdue"), lambda v: ", ".join(f"{o['body']} ({plain(o['due'])})" for o in v) if v else "—"
            ),
            Column("opinions", _("Opinions"), _opinions),
            Column("decision", _("Steering decision"), _decision),
            Column("voided_decisions", _("Voided decisions"), lambda v: "; ".join(_decision(d) for d in v) if v else "—"),
            Column("considered_surveys", _("Surveys considered")),
            Column("survey_handovers", _("Handed over by then"), _handed),  # issue 18, survey rounds
        ]
        emit_record(row, fmt, cols, title=_("Draft {id}").format(id=row["id"]))

    @command(grp, "document", path="draft document")
    def document(ref: RefArg) -> None:
        """Write the document stored with a draft version to stdout (redirect it: > file.pdf); its SHA-256 is checked first."""
        import sys

        from lipctl.errors import InvalidInput
        from lipctl.services import drafts as svc

        if sys.stdout.isatty():
            raise InvalidInput(
                _("the document is not written to a terminal"),
                _("redirect it into a file: lipctl draft document {ref} > file.pdf").format(ref=ref),
            )
        from lipctl.output.pipe import writing

        with writing():  # a full disk behind `> file`: one line, not an unexpected error
            stored = svc.write_document(env(), ref, sys.stdout.buffer)
        message(
            _("{draft}: {name}, {size} bytes, SHA-256 {sha256} checked").format(
                draft=stored.label, name=stored.name or "—", size=f"{stored.size:,}", sha256=stored.sha256
            )
        )

    @command(
        grp,
        "file",
        path="draft file",
        epilog=_("Examples: lipctl draft file bildung/grundsatzpapier --output gp.pdf; lipctl draft file plan --output - | lpr"),
    )
    def file(
        ref: RefArg,
        output: Annotated[
            str | None,
            typer.Option(
                "--output",
                "-o",
                help=_("Where to write it: a file, or - for stdout (default: its own name, in the current folder)."),
                show_default=False,
            ),
        ] = None,
        force: Annotated[bool, typer.Option("--force", help=_("Replace the file if it exists."))] = False,
    ) -> None:
        """Get back the document stored with a draft version, checked against its SHA-256 first."""
        import sys

        from lipctl.services import drafts as svc

        if output == "-":
            from lipctl.output.pipe import writing

            with writing():  # a full disk behind `> file`: one line, not an unexpected error
                stored = svc.write_document(env(), ref, sys.stdout.buffer)
            where = _("stdout")
        else:
            stored, where = svc.save_document(env(), ref, output, force=force)
        message(
            _("{draft}: {name}, {size} bytes, SHA-256 {sha256} checked, written to {where}").format(
                draft=stored.label, name=stored.name or "—", size=f"{stored.size:,}", sha256=stored.sha256, where=where
            )
        )

    @command(grp, "history", path="draft history")
    def history(ref: RefArg, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """Every event of a document, all versions, in order, with actor and time."""
        from lipctl.output.emit import emit
        from lipctl.services import listings

        rows = listings.history(env(), ref)
        emit(
            rows,
            fmt,
            [
                Column("happened_on", _("Date")),
                Column("occurred_at", _("Recorded (UTC)")),
                Column("actor", _("Actor")),
                Column("version", _("Version"), lambda v: f"v{v}"),
                Column("action", _("Event")),
                Column("summary", _("What happened")),
            ],
        )

    @command(grp, "withdraw", path="draft withdraw")
    def withdraw(
        ref: Annotated[
            str, typer.Argument(help=_("The version: a numeric draft id, or FIELD/KIND with --version N."), show_default=False)
        ],
        reason: VoidReasonOpt,
        version: Annotated[
            int | None, typer.Option("--version", help=_("The version number (needed with FIELD/KIND)."), show_default=False)
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Withdraw a version submitted by mistake: it stays, marked void; the version before gets its state back."""
        from lipctl.output.emit import emit_record
        from lipctl.services import corrections as svc

        row = svc.withdraw_draft(env(), ref, version, reason)
        emit_record(row, fmt, correction_columns(), title=_("Draft {id} withdrawn").format(id=row["id"]))

    root.add_typer(grp, name="draft")
