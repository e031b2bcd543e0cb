"""Shell completion: the values a command takes, read from the database (field and body slugs, draft
references and ids, survey names, meeting ids).

The shell runs ``lipctl`` with ``_LIPCTL_COMPLETE`` set (the script ``lipctl completion SHELL``
prints); Click parses what is typed so far without running any command and asks the parameter at
the cursor for its values. Each completer reads through the driver in one read-only transaction,
as the read commands do, on the database that ``--db`` (before or after the command), then
``LIPCTL_DB``, then the default location names. A completion never fails: no database, an older
one, anything unexpected — it offers nothing, and the shell falls back to its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

COMPLETE_VAR = "_LIPCTL_COMPLETE"
SHELLS = ("bash", "zsh", "fish")

_FIELDS = ("action_fields", "SELECT slug FROM action_fields ORDER BY position, slug")
_BODIES = ("bodies", "SELECT slug FROM bodies ORDER BY position, slug")
_KINDS = ("document_kinds", "SELECT slug FROM document_kinds ORDER BY position, slug")
_SURVEYS = ("surveys", "SELECT name FROM surveys ORDER BY name")
_REFS = (
    "drafts",
    "SELECT DISTINCT f.slug || '/' || d.kind AS ref FROM drafts d JOIN action_fields f ON f.id = d.field_id ORDER BY ref",
)
_PLAN = ("drafts", "SELECT DISTINCT 'plan' AS ref FROM drafts WHERE field_id IS NULL")  # the complete plan, once submitted
_DRAFT_IDS = ("drafts", "SELECT id FROM drafts ORDER BY id")
_MEETING_IDS = ("meetings", "SELECT id FROM meetings ORDER BY id")


def _database(ctx: Any) -> str | None:
    """The --db of the command line so far (the latest given wins, as when the command runs), else LIPCTL_DB."""
    found: str | None = None
    chain = []
    while ctx is not None:
        chain.append(ctx)
        ctx = ctx.parent
    for level in reversed(chain):  # root first: a later --db overrides an earlier one
        value = level.params.get("db_") or level.params.get("global_db")
        if value:
            found = value
    return found or os.environ.get("LIPCTL_DB") or None


Query = tuple[str, str]
"""The table a completion reads (a database of an older schema may lack it) and the query of its values."""


def _values(ctx: Any, *queries: Query) -> list[str]:
    from lipctl.context import AppContext

    store = AppContext(db=_database(ctx), actor="completion")
    try:
        with store.reader() as r:
            return [str(v) for table, sql in queries if r.has_table(table) for v in r.column(sql)]
    except Exception:  # noqa: BLE001 - a completion offers nothing rather than an error in the middle of typing
        return []
    finally:
        store.dispose()


def _refs(ctx: Any, incomplete: str) -> list[str]:
    return _values(ctx, _DRAFT_IDS) if incomplete[:1].isdigit() else _values(ctx, _REFS, _PLAN)


COMPLETERS: dict[str, Callable[[Any, str], list[str]]] = {
    "FIELD": lambda ctx, incomplete: _values(ctx, _FIELDS),
    "BODY": lambda ctx, incomplete: _values(ctx, _BODIES),
    "KIND": lambda ctx, incomplete: _values(ctx, _KINDS),
    "SURVEY": lambda ctx, incomplete: _values(ctx, _SURVEYS),
    "REF": _refs,
    "MEETING": lambda ctx, incomplete: _values(ctx, _MEETING_IDS),
}


def attach(param: Any, placeholder: str) -> None:
    """Complete ``param`` (an option or argument shown as ``placeholder``) from the database, if it names such a value."""
    name = placeholder.rstrip(".").removeprefix("[").removesuffix("]").rstrip(".")
    completer = COMPLETERS.get(name)
    if completer is None and "|" in name:  # the placeholder lists the values themselves (search --in)
        values = name.split("|")

        def completer(ctx: Any, incomplete: str) -> list[str]:
            return values

    if completer is None:
        return

    def complete(ctx: Any, _param: Any, incomplete: str) -> list[Any]:
        from typer._click.shell_completion import CompletionItem

        return [CompletionItem(v) for v in completer(ctx, incomplete) if v.startswith(incomplete)]

    param._custom_shell_complete = complete


def enable() -> None:
    """Register the shells' completion classes (Typer does it only for apps with its own completion options)."""
    from typer._completion_classes import completion_init

    completion_init()


def script(shell: str) -> str:
    """The script that makes ``shell`` ask lipctl for completions (``lipctl completion bash``)."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(prog_name="lipctl", complete_var=COMPLETE_VAR, shell=shell)
