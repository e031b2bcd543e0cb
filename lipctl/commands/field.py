"""lipctl field edit: a field's contact (Ansprechpartner*in) with e-mail and phone, and its speakers (issue 18).

'lipctl fields' and 'lipctl contacts' list them; this group changes one field's.
"""

from __future__ import annotations

from typing import Annotated

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._changes import emit_changes
from lipctl.commands._options import FormatOpt
from lipctl.i18n import _
from lipctl.output.emit import OutputFormat


def register(root: typer.Typer) -> None:
    from lipctl.cli import group_help

    grp = typer.Typer(help=group_help("field"), no_args_is_help=True)

    @command(grp, "edit", path="field edit")
    def edit(
        field: Annotated[str, typer.Argument(metavar="FIELD", help=_("The action field: slug, name or alias (bildung)."))],
        contact: Annotated[
            str | None,
            typer.Option("--contact", metavar="NAME", help=_("The contact person (Ansprechpartner*in)."), show_default=False),
        ] = None,
        email: Annotated[
            str | None,
            typer.Option(
                "--email", metavar="ADDRESS", help=_("The contact's e-mail address (name@example.org)."), show_default=False
            ),
        ] = None,
        phone: Annotated[
            str | None, typer.Option("--phone", metavar="PHONE", help=_("The contact's telephone number."), show_default=False)
        ] = None,
        internal_speaker: Annotated[
            str | None,
            typer.Option("--internal-speaker", metavar="NAME", help=_("The internal speaker (with --unit)."), show_default=False),
        ] = None,
        unit: Annotated[
            str | None,
            typer.Option(
                "--unit", metavar="UNIT", help=_("The internal speaker's department (Fachbereich)."), show_default=False
            ),
        ] = None,
        external_speaker: Annotated[
            str | None,
            typer.Option("--external-speaker", metavar="NAME", help=_("The external speaker."), show_default=False),
        ] = None,
        vacant: Annotated[bool, typer.Option("--vacant", help=_("The external speaker's post is vacant (N.n.)."))] = False,
        fmt: FormatOpt = OutputFormat.TABLE,
    ) -> None:
        """Change a field's contact person, e-mail address and phone, or its speakers; the audit log keeps the old values."""
        from lipctl.services import contacts as svc

        row = svc.edit_field(
            env(),
            field,
            contact=contact,
            email=email,
            phone=phone,
            internal_speaker=internal_speaker,
            unit=unit,
            external_speaker=external_speaker,
            vacant=vacant,
        )
        emit_changes(
            row, fmt, row["changes"], _("{field}: nothing changed (the values were already so)").format(field=row["field"])
        )

    root.add_typer(grp, name="field")
