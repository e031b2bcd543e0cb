"""lipctl survey import, list, stats, export: citizens' answers, routed to the expert groups.

survey imports, undo, rename, delete: corrections (an undo or a deletion erases the answers).
"""

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
FromOpt = Annotated[
    str, typer.Option("--from", metavar="DATE", help=_("The period's first day, YYYY-MM-DD or DD.MM.YYYY."), show_default=False)
]
UntilOpt = Annotated[
    str, typer.Option("--until", help=_("The period's last day (included), YYYY-MM-DD or DD.MM.YYYY."), show_default=False)
]
RoundOpt = Annotated[
    int | None,
    typer.Option(
        "--round", help=_("The survey's round number (default: kept, or the next one for a new survey)."), show_default=False
    ),
]
HandoverOpt = Annotated[
    bool,
    typer.Option(
        "--handover", help=_("Record that the answers not handed over yet went to the field's expert group (on --date).")
    ),
]
HandoverDateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", help=_("With --handover: the day the answers were handed over (default: --today)."), show_default=False
    ),
]
BatchArg = Annotated[int, typer.Argument(help=_("The import batch's number (see 'lipctl survey imports')."), show_default=False)]
ReasonOpt = Annotated[
    str, typer.Option("--reason", help=_("Why (recorded in the audit log; never the answers' texts)."), show_default=False)
]
NewNameArg = Annotated[str, typer.Argument(help=_("Its new name."), show_default=False)]
SurveyNameArg = Annotated[str, typer.Argument(metavar="SURVEY", help=_("The survey's name (any case)."), show_default=False)]

IMPORT_COLUMNS = [
    Column("path", _("File")),
    Column("rows_read", _("Rows")),
    Column("imported", _("Imported")),
    Column("duplicates", _("Duplicates")),
    Column("rejected", _("Rejected")),
    Column("skipped", _("Skipped (incomplete)")),
]


def _status(value: str | None) -> str:
    """A survey's status as people read it (issue 18, survey rounds)."""
    names = {"planned": _("planned"), "open": _("open"), "closed": _("closed")}
    return names.get(value, "—") if value else "—"


def _period(row: dict[str, Any]) -> str:
    from lipctl.output.emit import plain

    if row.get("opens_on") is None:
        return "—"
    return f"{plain(row['opens_on'])} – {plain(row['closes_on'])}"


class _PeriodColumn(Column):
    """The period from two keys of the row."""

    def text(self, row: dict[str, Any]) -> str:
        return _period(row)


LIST_COLUMNS = [
    Column("name", _("Survey")),
    Column("round", _("Round")),
    _PeriodColumn("opens_on", _("Period")),
    Column("status", _("Status"), _status),
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


def _undone(value: dict[str, Any] | None) -> str:
    from lipctl.output.emit import plain

    if value is None:
        return "—"
    return _("{at} by {by}: {reason}").format(at=plain(value["at"]), by=value["by"], reason=value["reason"])


def _short_hash(value: str | None) -> str:
    return value[:12] if value else "—"


BATCH_COLUMNS = [
    Column("batch", _("Batch")),
    Column("survey", _("Survey")),
    Column("path", _("File")),
    Column("sha256", "SHA-256", _short_hash),
    Column("profile", _("Profile")),
    Column("rows_read", _("Rows")),
    Column("imported", _("Imported")),
    Column("duplicates", _("Duplicates")),
    Column("rejected", _("Rejected")),
    Column("skipped", _("Skipped (incomplete)")),
    Column("actor", _("By")),
    Column("started_at", _("Started (UTC)")),
    Column("finished_at", _("Finished (UTC)")),
    Column("undone", _("Undone (UTC)"), _undone),
]
ROUND_FIELDS = [
    Column("survey", _("Survey")),
    Column("round", _("Round")),
    _PeriodColumn("opens_on", _("Period")),
    Column("closed_on", _("Closed on")),
    Column("status", _("Status"), _status),
]
UNDO_FIELDS = [
    Column("batch", _("Batch")),
    Column("survey", _("Survey")),
    Column("path", _("File")),
    Column("deleted", _("Answers deleted")),
    Column("rejects_forgotten", _("Reported rejects forgotten")),
    Column("reason", _("Reason")),
]
DELETE_FIELDS = [
    Column("survey", _("Survey")),
    Column("deleted", _("Answers deleted")),
    Column("batches", _("Import batches deleted"), lambda v: str(len(v))),
    Column("rejects_forgotten", _("Reported rejects forgotten")),
    Column("drafts", _("Drafts that had considered it"), lambda v: ", ".join(map(str, v)) if v else "—"),
    Column("reason", _("Reason")),
]


def _erasure_messages(result: dict[str, Any], fmt: OutputFormat) -> None:
    """Warnings (the texts may still be recoverable) on stderr always; the note on stderr unless in JSON."""
    for warning in result["warnings"]:
        message(_("warning: {text}").format(text=warning))
    if fmt is not OutputFormat.JSON and result["note"]:
        message(_("note: {text}").format(text=result["note"]))


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
        if result["outside_period"]:
            message(_("{n} imported answers are dated outside the survey's period").format(n=result["outside_period"]))
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
        footer = _("total: {n}").format(n=data["total"])
        outside = [_("{survey}: {n} outside its period").format(survey=k, n=v) for k, v in data["outside_period"].items() if v]
        if outside:
            footer += "\n" + _("answers dated outside the period: {list}").format(list="; ".join(outside))
        emit(data, fmt, columns, rows=rows, footer=footer)

    @command(grp, "export", path="survey export")
    def export(
        field: FieldNameOpt,
        survey: SurveyOpt = None,
        handover: HandoverOpt = False,
        date: HandoverDateOpt = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """The answers routed to one action field: the inputs its expert group receives (--handover records it)."""
        from lipctl.output.emit import emit
        from lipctl.services import responses

        if date is not None and not handover:
            from lipctl.errors import InvalidInput

            raise InvalidInput(_("--date is the day of a handover"), _("give --handover with it, or leave --date out"))
        if not handover:
            with responses.exported(env(), field, survey) as rows:
                emit(rows, fmt, EXPORT_COLUMNS)
            return
        from lipctl.output import pipe
        from lipctl.services import surveys_rounds

        with surveys_rounds.handing_over(env(), field, survey, date) as (handed, rows):
            emit(rows, fmt, EXPORT_COLUMNS)
            if pipe.was_cut():  # `| head`: the group did not receive every answer, so none is handed over
                from lipctl.errors import Refused

                raise Refused(
                    _("the output ended before every answer was written (its reader went away)"),
                    _("nothing was handed over; write the export to a file or a program that reads all of it"),
                )
        if handed["answers"]:
            text = _("handed over: {n} answers to {group} on {day} (handover {id})")
        else:
            text = _("nothing handed over: every answer of {field} had been handed over before")
        message(
            text.format(
                n=handed["answers"],
                group=handed["group"] or handed["field"],
                day=handed["handed_on"],
                id=handed["handover"],
                field=handed["field"],
            )
        )

    @command(grp, "open", path="survey open")
    def open_(
        name: SurveyNameArg,
        opens: FromOpt,
        closes: UntilOpt,
        number: RoundOpt = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Give a survey its period and round (a new name creates it; a closed survey is reopened)."""
        from lipctl.output.emit import emit_record
        from lipctl.services import surveys_rounds

        row = surveys_rounds.open_survey(env(), name, opens, closes, number)
        emit_record(row, fmt, ROUND_FIELDS, title=_("Survey {name!r}").format(name=row["survey"]))
        if not row["changed"]:
            message(_("{survey}: nothing changed (it was already open for that period)").format(survey=row["survey"]))

    @command(grp, "close", path="survey close")
    def close(name: SurveyNameArg, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """End a survey on --today; answers exported later are still imported (and counted outside its period)."""
        from lipctl.output.emit import emit_record
        from lipctl.services import surveys_rounds

        row = surveys_rounds.close_survey(env(), name)
        emit_record(row, fmt, ROUND_FIELDS, title=_("Survey {name!r} closed").format(name=row["survey"]))

    @command(grp, "imports", path="survey imports")
    def imports(survey: SurveyOpt = None, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """The import batches, oldest first: file, SHA-256, profile, counts, who imported it, whether it was undone."""
        from lipctl.output.emit import emit
        from lipctl.services import survey_admin

        emit(survey_admin.imports(env(), survey), fmt, BATCH_COLUMNS)

    @command(grp, "undo", path="survey undo")
    def undo(batch: BatchArg, reason: ReasonOpt, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """Delete the answers one import batch stored (no recoverable text is left); the batch stays, marked undone."""
        from lipctl.output.emit import emit_record
        from lipctl.services import survey_admin

        result = survey_admin.undo(env(), batch, reason)
        emit_record(result, fmt, UNDO_FIELDS, title=_("Import batch {batch} undone").format(batch=result["batch"]))
        _erasure_messages(result, fmt)

    @command(grp, "rename", path="survey rename")
    def rename(old: SurveyNameArg, new: NewNameArg, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """Rename a survey (names compare in any case)."""
        from lipctl.output.emit import emit_record
        from lipctl.services import survey_admin

        result = survey_admin.rename(env(), old, new)
        emit_record(result, fmt, [Column("survey", _("Survey")), Column("renamed_from", _("Renamed from"))])

    @command(grp, "delete", path="survey delete")
    def delete(name: SurveyNameArg, reason: ReasonOpt, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """Delete a survey created by mistake and all its answers (no recoverable text is left); the log keeps name and counts."""
        from lipctl.output.emit import emit_record
        from lipctl.services import survey_admin

        result = survey_admin.delete(env(), name, reason)
        emit_record(result, fmt, DELETE_FIELDS, title=_("Survey {name!r} deleted").format(name=result["survey"]))
        _erasure_messages(result, fmt)
