"""The root command: global options, and one registration line per command module."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from lipctl import __version__
from lipctl.commands import db, draft, fields, log, opinion, setup, status, steering, survey, votes
from lipctl.i18n import _

app = typer.Typer(
    name="lipctl",
    help=_("Administration of the Local Integration Plan (LIP 2.0): drafts, opinions, decisions, votes, surveys."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain Click help and usage errors: Typer's rich help would import rich, markdown-it and
    # pygments (~70 ms) on every --help and every mistyped option. Inherited by every group.
    rich_markup_mode=None,
)

for module in (setup, fields, draft, opinion, steering, votes, survey, status, log, db):
    module.register(app)


def _language(value: str | None) -> str | None:
    from lipctl.i18n import is_language

    if value and not is_language(value):
        raise typer.BadParameter(_("{value!r} is not a language of lipctl: use de or en").format(value=value))
    return value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lipctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db_: Annotated[
        str | None,
        typer.Option("--db", envvar="LIPCTL_DB", help=_("Database: a SQLite file path or a URL (postgresql+psycopg://…)."), show_default=False),
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", envvar="LIPCTL_ACTOR", help=_("Who records the change (default: your login name)."), show_default=False)
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", envvar="LIPCTL_TODAY", help=_("The date 'as of', YYYY-MM-DD (default: today)."), show_default=False)
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", envvar="LIPCTL_LANG", callback=_language, help=_("Language of the interface: de or en."), show_default=False),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help=_("Show tracebacks for unexpected errors."))] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version and exit."))] = False,
) -> None:
    """lipctl — the LIP 2.0 process, recorded."""
    from lipctl.commands._boundary import fail
    from lipctl.context import AppContext, default_actor, parse_today, set_current
    from lipctl.errors import LipctlError
    from lipctl.i18n import set_language

    if lang:
        set_language(lang)
    try:
        ctx = AppContext(db=db_ or None, actor=(actor or "").strip() or default_actor(), today=parse_today(today), debug=debug)
    except LipctlError as exc:
        set_current(AppContext(debug=debug))
        raise fail(exc) from None
    set_current(ctx)


def main() -> None:
    """Entry point of the console script and ``python -m lipctl``."""
    try:
        app()
    except Exception as exc:  # outside any command's boundary (e.g. while starting up)
        if os.environ.get("LIPCTL_DEBUG") or "--debug" in sys.argv:
            raise
        sys.stderr.write(_("lipctl: unexpected error ({error}); run again with --debug").format(error=type(exc).__name__) + "\n")
        raise SystemExit(1) from None
