"""lipctl survey import, list, stats, export: citizens' answers, routed to the expert groups."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lipctl.commands._boundary import command, message
from lipctl.commands._options import FormatOpt
from lipctl.errors import ExitCode
from lipctl.i18n import _
from lipctl.output.emit import OutputFormat

SurveyOpt = Annotated[str | None, typer.Option("--survey", help=_("Only this survey (by name)."), show_default=False)]


class StatsBy(StrEnum):
    FIELD = "field"
    CATEGORY = "category"


def _percent(total: int):  # noqa: ANN202
    return lambda n: f"{n} ({n * 100 / total:.0f} %)" if total else str(n)


def register(root: typer.Typer) -> None:
    grp = typer.Typer(help=_("Online surveys: import citizens' answers, count them, export them per action field."), no_args_is_help=True)
    root.add_typer(grp, name="survey")

    @command(grp, "import", path="survey import")
    def import_(
        files: Annotated[list[Path], typer.Argument(help=_("CSV files (LimeSurvey, Decidim or spreadsheet exports)."), show_default=False)],
        survey: Annotated[str, typer.Option("--survey", help=_("The survey the answers belong to (created on first import)."))],
        profile: Annotated[
            str | None, typer.Option("--profile", help=_("limesurvey, decidim, spreadsheet or a YAML profile file (default: from the header)."), show_default=False)
        ] = None,
        maps: Annotated[list[str] | None, typer.Option("--map", help=_("KEY=COLUMN: take KEY (text, action_field, …) from COLUMN."), show_default=False)] = None,
        encoding: Annotated[str | None, typer.Option("--encoding", help=_("The files' encoding (default: UTF-8 or cp1252, detected)."), show_default=False)] = None,
        delimiter: Annotated[str | None, typer.Option("--delimiter", help=_("; , or tab (default: sniffed from the header)."), show_default=False)] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Check and count everything, store nothing."))] = False,
        rejects: Annotated[Path | None, typer.Option("--rejects", help=_("Write the rejected rows to this CSV file, with line and reason."), show_default=False)] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Import survey exports; a re-import adds nothing, rejected rows are listed (exit code 3)."""
        from lipctl.output.emit import Column, emit
        from lipctl.services import surveys as svc
        from lipctl.surveys import progress

        with progress.bar(progress.wanted(fmt is OutputFormat.JSON)) as bar:
            result = svc.import_files(
                files, survey, profile=profile, maps=maps, encoding=encoding, delimiter=delimiter, dry_run=dry_run, rejects=rejects, progress=bar
            )
        columns = [Column(k, h) for k, h in (("path", _("File")), ("rows_read", _("Rows")), ("imported", _("Imported")),
                   ("duplicates", _("Duplicates")), ("rejected", _("Rejected")), ("skipped", _("Skipped (incomplete)")))]
        footer = _("dry run: nothing was stored") if dry_run else None
        emit(result, fmt, columns, rows=result["files"], title=_("Survey {name!r}").format(name=result["survey"]), footer=footer)
        if fmt is not OutputFormat.JSON:
            for f in result["files"]:
                for r in f["rejects"]:
                    message(_("{path}:{line}: rejected: {reason}").format(path=f["path"], line=r["line"], reason=r["reason"]))
                if f["rejects_omitted"]:
                    message(_("{path}: {n} more rejected rows (write them all with --rejects FILE)").format(path=f["path"], n=f["rejects_omitted"]))
        if result["rejected"]:
            raise typer.Exit(int(ExitCode.IMPORT_REJECTED_ROWS))

    @command(grp, "list", path="survey list")
    def list_(fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """The surveys with their number of responses and imports."""
        from lipctl.output.emit import Column, emit
        from lipctl.services import surveys as svc

        rows = svc.list_surveys()
        emit(rows, fmt, [Column("name", _("Survey")), Column("responses", _("Responses")), Column("imports", _("Imports")),
                         Column("last_import", _("Last import (UTC)"))])

    @command(grp, "stats", path="survey stats")
    def stats(
        survey: SurveyOpt = None,
        by: Annotated[StatsBy, typer.Option("--by", help=_("Count per action field or per category."), case_sensitive=False)] = StatsBy.FIELD,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """How many answers each action field (or category) received."""
        from lipctl.output.emit import Column, emit
        from lipctl.services import surveys as svc

        data = svc.stats(survey)
        counts = data["by_field"] if by is StatsBy.FIELD else data["by_category"]
        rows = [{"name": k, "count": v} for k, v in counts.items()]
        heading = _("Action field") if by is StatsBy.FIELD else _("Category")
        emit(data, fmt, [Column("name", heading), Column("count", _("Responses"), _percent(data["total"]))], rows=rows,
             footer=_("total: {n}").format(n=data["total"]))

    @command(grp, "export", path="survey export")
    def export(
        field: Annotated[str, typer.Option("--field", help=_("Action field: slug, name or alias."))],
        survey: SurveyOpt = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """The answers routed to one action field: the inputs its expert group receives."""
        from lipctl.output.emit import Column, emit
        from lipctl.services import surveys as svc

        rows = svc.export(field, survey)
        emit(rows, fmt, [Column("id", "#"), Column("survey", _("Survey")), Column("category", _("Category")),
                         Column("submitted_at", _("Submitted")), Column("text", _("Text"))])
