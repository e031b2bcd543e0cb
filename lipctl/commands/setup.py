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
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Create or upgrade the database and load the process definition (seed.yaml)."""
        from lipctl.commands.db import tell_permissions
        from lipctl.output.emit import Column, emit
        from lipctl.services import seed as seed_service
        from lipctl.store.location import shown

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
        else:
            message(_("Database {db}, up to date; nothing changed").format(db=db))
