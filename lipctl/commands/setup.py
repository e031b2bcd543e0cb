"""lipctl init."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lipctl.commands._boundary import command, env, message
from lipctl.commands._options import FormatOpt
from lipctl.i18n import _, ngettext
from lipctl.output.emit import OutputFormat


def register(root: typer.Typer) -> None:
    @command(root, "init")
    def init(
        seed: Annotated[
            Path | None,
            typer.Option("--seed", help=_("Seed file of the process (default: the LIP 2.0 of Hannover)."), show_default=False),
        ] = None,
        dry_run: Annotated[
            bool,
            typer.Option(
                "--dry-run",
                help=_("Show what the seed would change and the conflicts with edits made in lipctl; store nothing."),
            ),
        ] = False,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Create or upgrade the database and load the process definition (seed.yaml)."""
        from lipctl.commands.db import tell_permissions
        from lipctl.output.emit import Column, emit
        from lipctl.services import seed as seed_service
        from lipctl.store.location import shown

        if dry_run:  # issue 18
            _dry_run(seed_service.dry_run(env(), seed), fmt)
            return
        result = seed_service.init(env(), seed)
        tell_permissions(result["permissions"])
        if fmt is OutputFormat.JSON:
            emit(result, fmt, [])
            return
        db = shown(result["database"])
        if result["schema_before"] is None:
            message(_("Database {db}, created (schema {schema})").format(db=db, schema=result["schema"]))
        elif result["schema_before"] != result["schema"]:
            message(
                _("Database {db}, upgraded: schema {before} → {after}").format(
                    db=db, before=result["schema_before"], after=result["schema"]
                )
            )
        n = len(result["changes"])
        if n and result["schema_before"] is None:
            message(_("Loaded {seed}: {fields} action fields.").format(seed=result["seed"], fields=result["fields"]))
        elif n:
            message(ngettext("Seed {seed}: {n} change.", "Seed {seed}: {n} changes.", n).format(seed=result["seed"], n=n))
            emit(result["changes"], fmt, [Column("change", _("Change")), Column("what", _("What"))])
        elif not result["conflicts"]:
            message(_("Database {db}, up to date; nothing changed").format(db=db))
        _conflicts(result["conflicts"], fmt)


def _conflicts(conflicts: list[dict], fmt: OutputFormat) -> None:
    """The values changed both in lipctl and in the seed since it last applied: lipctl's kept (issue 18)."""
    from lipctl.output.emit import Column, emit

    if not conflicts:
        return
    n = len(conflicts)
    message(
        ngettext(
            "{n} conflict: changed in lipctl and in the seed; lipctl's value is kept ('field edit', 'body edit' change it).",
            "{n} conflicts: changed in lipctl and in the seed; lipctl's values are kept ('field edit', 'body edit' change them).",
            n,
        ).format(n=n)
    )
    emit(
        conflicts,
        fmt,
        [
            Column("what", _("What")),
            Column("seed_before", _("Seed before")),
            Column("seed", _("Seed now")),
            Column("kept", _("Kept (lipctl)")),
        ],
    )


def _dry_run(result: dict, fmt: OutputFormat) -> None:
    from lipctl.output.emit import Column, emit

    if fmt is OutputFormat.JSON:
        emit(result, fmt, [])
        return
    n = len(result["changes"])
    if n:
        message(
            ngettext(
                "Seed {seed}: {n} change would be made (dry run: nothing stored).",
                "Seed {seed}: {n} changes would be made (dry run: nothing stored).",
                n,
            ).format(seed=result["seed"], n=n)
        )
        emit(result["changes"], fmt, [Column("change", _("Change")), Column("what", _("What"))])
    elif not result["conflicts"]:
        message(_("Seed {seed}: nothing would change (dry run).").format(seed=result["seed"]))
    _conflicts(result["conflicts"], fmt)
