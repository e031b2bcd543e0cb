"""lipctl db backup, check, upgrade: the store itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from lipctl.commands._boundary import command, env, message
from lipctl.commands._options import FormatOpt
from lipctl.errors import ExitCode
from lipctl.i18n import _
from lipctl.output.emit import OutputFormat


def tell_permissions(change: dict[str, Any] | None) -> None:
    """One line on stderr when init or upgrade took the permissions of others from the database files."""
    if not change:
        return
    if change["paths"]:
        message(
            _("lipctl: others may no longer read or write {paths} (mode {before} → {after})").format(
                paths=", ".join(change["paths"]), before=change["before"], after=change["after"]
            )
        )
    if change["not_owner"]:
        message(
            _(
                "lipctl: others may still read or write {paths}: you do not own them — ask their owner to run chmod o-rwx on them"
            ).format(paths=", ".join(change["not_owner"]))
        )


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("db"), no_args_is_help=True)
    root.add_typer(grp, name="db")
    register_grant(grp)

    @command(grp, "backup", path="db backup")
    def backup(
        path: Annotated[
            Path, typer.Argument(help=_("The backup file to write (created readable by you only)."), show_default=False)
        ],
        force: Annotated[
            bool,
            typer.Option("--force", help=_("Replace the file if it exists (never the database itself or its -wal/-shm files).")),
        ] = False,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Copy the SQLite database to PATH, its documents to PATH.files/, consistent while others work (PostgreSQL: pg_dump)."""
        from lipctl.output.emit import Column, emit
        from lipctl.services import db

        result = db.backup(env(), path, force=force)
        emit(  # JSON: the whole result, the columns are for the other formats
            result,
            fmt,
            [
                Column("backup", _("Backup")),
                Column("bytes", _("Bytes")),
                Column("schema", _("Schema")),
                Column("check", _("Check")),
                Column("documents", _("Documents")),
            ],
        )

    @command(grp, "restore", path="db restore")
    def restore(
        path: Annotated[Path, typer.Argument(help=_("The backup file ('lipctl db backup PATH' wrote it)."), show_default=False)],
        force: Annotated[bool, typer.Option("--force", help=_("Replace the database if it exists."))] = False,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Put a backup back as the SQLite database, with the documents in PATH.files/; an existing database needs --force."""
        from lipctl.output.emit import Column, emit
        from lipctl.services import db

        result = db.restore(env(), path, force=force)
        emit(
            result,
            fmt,
            [
                Column("backup", _("Backup")),
                Column("schema", _("Schema")),
                Column("check", _("Check")),
                Column("documents", _("Documents")),
            ],
        )
        if result["upgrade_needed"] and fmt is not OutputFormat.JSON:
            message(_("the backup has an older schema: run 'lipctl db upgrade' before working with it"))

    @command(grp, "check", path="db check")
    def check(
        quick: Annotated[
            bool, typer.Option("--quick", help=_("SQLite's quick_check instead of the full integrity_check."))
        ] = False,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Check the database: integrity, foreign keys, schema version, rows per table (exit 1 when not ok)."""
        from lipctl.output.emit import Column, emit
        from lipctl.services import db

        result = db.check(env(), quick=quick)
        if fmt is OutputFormat.JSON:
            emit(result, fmt, [])
        else:
            rows = [{"table": name, "rows": n} for name, n in result["tables"].items()]
            title = _("{db}: schema {schema} ({state})").format(
                db=result["database"], schema=result["schema"], state=result["schema_state"]
            )
            emit(result, fmt, [Column("table", _("Table")), Column("rows", _("Rows"))], rows=rows, title=title)
        for problem in result["problems"]:
            message(_("lipctl: {problem}").format(problem=problem))
        for reuse in result.get("drucksache_reuse", []):  # revision 0007: listed, not a problem
            message(
                _(
                    "lipctl: note: resolution {resolution} ({used_for}) carries Drucksache {number}, which belongs to {owner}"
                ).format(
                    resolution=reuse["resolution"], used_for=reuse["used_for"], number=reuse["drucksache"], owner=reuse["owner"]
                )
            )
        for over in result.get("roster_over_seats", []):
            message(
                _("lipctl: note: {body} has {voting} voting members on its roster on {date}, but {seats} seats").format(**over)
            )
        if not result["ok"]:
            raise typer.Exit(int(ExitCode.REFUSED))
        message(_("Database is ok."))

    @command(grp, "upgrade", path="db upgrade")
    def upgrade(fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """Upgrade the database's schema to this lipctl's version, without loading the seed."""
        from lipctl.output.emit import emit
        from lipctl.services import db
        from lipctl.store.location import shown

        result = db.upgrade(env())
        tell_permissions(result["permissions"])
        if fmt is OutputFormat.JSON:
            emit(result, fmt, [])
        elif result["changed"]:
            message(
                _("Database {db}, upgraded: schema {before} → {after}").format(
                    db=shown(result["database"]), before=result["schema_before"], after=result["schema"]
                )
            )
        else:
            message(
                _("Database {db}, up to date (schema {schema}); nothing changed").format(
                    db=shown(result["database"]), schema=result["schema"]
                )
            )


def register_grant(grp: typer.Typer) -> None:
    """lipctl db grant (PostgreSQL roles), kept apart from backup/check/upgrade."""

    @command(grp, "grant", path="db grant")
    def grant(
        reader: Annotated[
            list[str] | None,
            typer.Option(
                "--reader", help=_("A role that may only read (every read command, status for cron)."), show_default=False
            ),
        ] = None,
        writer: Annotated[
            list[str] | None,
            typer.Option(
                "--writer", help=_("A role that may read and write rows, but not change the schema."), show_default=False
            ),
        ] = None,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Give PostgreSQL roles least privilege on the store: --reader reads only, --writer also writes rows (run as the owner)."""  # noqa: E501 - the docstring is the --help text and, unchanged, its msgid: a line break would change the message
        from lipctl.output.emit import Column, emit
        from lipctl.services import grants

        result = grants.grant(env(), reader or [], writer or [])
        emit(  # JSON: the whole result, the columns and rows are for the other formats
            result,
            fmt,
            [
                Column("role", _("Role")),
                Column("access", _("Access")),
                Column("schema", _("Schema")),
                Column("tables", _("Tables")),
                Column("sequences", _("Sequences")),
            ],
            rows=result["grants"],
        )
        if fmt is not OutputFormat.JSON:
            message(
                _(
                    "Granted. Tables that a later 'lipctl db upgrade' creates are covered when {owner} runs it; "
                    "otherwise run 'lipctl db grant' again."
                ).format(owner=result["owner"])
            )
