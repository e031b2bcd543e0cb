"""lipctl survey import, list, stats, export: citizens' answers, routed to the expert groups."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from lipctl.commands._boundary import command, env, message
from lipctl.commands._options import FormatOpt
from lipctl.errors import ExitCode
from lipctl.i18n import _
from lipctl.output.emit import Column, OutputFormat


class StatsBy(StrEnum):
    FIELD = "field"
    CATEGORY = "category"


FilesArg = Annotated[
    list[Path], typer.Argument(help=_("CSV files (LimeSurvey, Decidim or spreadsheet exports)."), show_default=False)
]
SurveyNameOpt = Annotated[str, typer.Option("--survey", help=_("The survey the answers belong to (created on first import)."))]
SurveyOpt = Annotated[str | None, typer.Option("--survey", help=_("Only this survey (by name)."), show_default=False)]
ProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help=_("limesurvey, decidim, spreadsheet or a YAML profile file (default: from the header)."),
        show_default=False,
    ),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", help=_("KEY=COLUMN: take KEY (text, action_field, …) from COLUMN."), show_default=False),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help=_("The files' encoding (default: UTF-8 or cp1252, detected)."), show_default=False),
]
DelimiterOpt = Annotated[
    str | None, typer.Option("--delimiter", help=_("; , or tab (default: sniffed from the header)."), show_default=False)
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help=_("Check and count everything, store nothing."))]
RejectsOpt = Annotated[
    Path | None,
    typer.Option("--rejects", help=_("Write the rejected rows to this CSV file, with line and reason."), show_default=False),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help=_("Replace the --rejects file if it exists and is not an earlier rejects file (those are replaced without it)."),
    ),
]
ByOpt = Annotated[StatsBy, typer.Option("--by", help=_("Count per action field or per category."), case_sensitive=False)]
FieldNameOpt = Annotated[str, typer.Option("--field", help=_("Action field: slug, name or alias."))]

IMPORT_COLUMNS = [
    Column("path", _("File")),
    Column("rows_read", _("Rows")),
    Column("imported", _("Imported")),
    Column("duplicates", _("Duplicates")),
    Column("rejected", _("Rejected")),
    Column("skipped", _("Skipped (incomplete)")),
]
LIST_COLUMNS = [
    Column("name", _("Survey")),
    Column("responses", _("Responses")),
    Column("imports", _("Imports")),
    Column("last_import", _("Last import (UTC)")),
]
EXPORT_COLUMNS = [
    Column("id", "#"),
    Column("survey", _("Survey")),
    Column("category", _("Category")),
    Column("submitted_at", _("Submitted")),
    Column("text", _("Text")),
]


def _percent(total: int):
    return lambda n: f"{n} ({n * 100 / total:.0f} %)" if total else str(n)


def _list_rejects(result: dict[str, Any]) -> None:
    """Every rejected row on stderr, as file:line: reason (JSON carries them under 'rejects')."""
    for f in result["files"]:
        for r in f["rejects"]:
            if r["known"]:
                text = _("{path}:{line}: rejected (reported before): {reason}")
            else:
                text = _("{path}:{line}: rejected: {reason}")
            message(text.format(path=f["path"], line=r["line"], reason=r["reason"]))
        if f["rejects_omitted"]:
            message(
                _("{path}: {n} more rejected rows (write them all with --rejects FILE)").format(
                    path=f["path"], n=f["rejects_omitted"]
                )
            )


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("survey"), no_args_is_help=True)
    root.add_typer(grp, name="survey")

    @command(grp, "import", path="survey import")
    def import_(
        files: FilesArg,
        survey: SurveyNameOpt,
        profile: ProfileOpt = None,
        maps: MapOpt = None,
        encoding: EncodingOpt = None,
        delimiter: DelimiterOpt = None,
        dry_run: DryRunOpt = False,
        rejects: RejectsOpt = None,
        force: ForceOpt = False,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Import survey exports; a re-import adds nothing, rejected rows are listed (exit code 3 for new ones)."""
        from lipctl.output.emit import emit
        from lipctl.services import surveys as svc
        from lipctl.surveys import progress

        with progress.bar(progress.wanted(fmt is OutputFormat.JSON)) as bar:
            result = svc.import_files(
                env(),
                files,
                survey,
                profile=profile,
                maps=maps,
                encoding=encoding,
                delimiter=delimiter,
                dry_run=dry_run,
                rejects=rejects,
                force=force,
                progress=bar,
            )
        title = _("Survey {name!r}").format(name=result["survey"])
        emit(
            result,
            fmt,
            IMPORT_COLUMNS,
            rows=result["files"],
            title=title,
            footer=_("dry run: nothing was stored") if dry_run else None,
        )
        for path in result["empty_files"]:
            message(_("{path} has no rows after its header: nothing to import").format(path=path))
        if fmt is not OutputFormat.JSON:
            _list_rejects(result)
        if result["new_rejects"]:  # rejects reported by an earlier import of the survey do not fail a cron job again
            raise typer.Exit(int(ExitCode.IMPORT_REJECTED_ROWS))

    @command(grp, "list", path="survey list")
    def list_(fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """The surveys with their number of responses and imports."""
        from lipctl.output.emit import emit
        from lipctl.services import responses

        emit(responses.list_surveys(env()), fmt, LIST_COLUMNS)

    @command(grp, "stats", path="survey stats")
    def stats(survey: SurveyOpt = None, by: ByOpt = StatsBy.FIELD, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """How many answers each action field (or category) received."""
        from lipctl.output.emit import emit
        from lipctl.services import responses

        data = responses.stats(env(), survey)
        counts = data["by_field"] if by is StatsBy.FIELD else data["by_category"]
        rows = [{"name": k, "count": v} for k, v in counts.items()]
        heading = _("Action field") if by is StatsBy.FIELD else _("Category")
        columns = [Column("name", heading), Column("count", _("Responses"), _percent(data["total"]))]
        emit(data, fmt, columns, rows=rows, footer=_("total: {n}").format(n=data["total"]))

    @command(grp, "export", path="survey export")
    def export(field: FieldNameOpt, survey: SurveyOpt = None, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """The answers routed to one action field: the inputs its expert group receives."""
        from lipctl.output.emit import emit
        from lipctl.services import responses

        emit(responses.export(env(), field, survey), fmt, EXPORT_COLUMNS)
