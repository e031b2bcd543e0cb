"""The one place where errors become a line on stderr and an exit code.

``command(app, name, path=...)`` registers a function as a Typer command and wraps it, so the
same boundary works under ``typer.testing.CliRunner`` (which bypasses ``main()``) and in real use.
"""

from __future__ import annotations

import functools
import inspect
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from lipctl.errors import ExitCode, LipctlError
from lipctl.i18n import _

F = TypeVar("F", bound=Callable[..., Any])


def scrub(text: str) -> str:
    """``text`` without any password of --db / LIPCTL_DB or PGPASSWORD (lipctl.store.location.scrub)."""
    from lipctl.context import current
    from lipctl.store.location import scrub as scrub_secrets
    from lipctl.store.location import secrets

    return scrub_secrets(text, secrets(current().db))


def message(text: str) -> None:
    """A note for the person at the terminal (stderr, never mixed into JSON or CSV)."""
    sys.stderr.write(scrub(text) + "\n")


def fail(error: LipctlError) -> typer.Exit:
    message(f"lipctl: {error}")
    return typer.Exit(int(error.exit_code))


def command(app: typer.Typer, name: str, *, path: str | None = None, **kwargs: Any) -> Callable[[F], F]:
    """Register ``fn`` as command ``name`` on ``app``; ``path`` is the full name for the audit log."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kw: Any) -> Any:
            from lipctl.context import current

            ctx = current()
            ctx.command = path or name
            try:
                return fn(*args, **kw)
            except LipctlError as exc:
                if ctx.debug:
                    sys.stderr.write(scrub(traceback.format_exc()))
                raise fail(exc) from None
            except (typer.Exit, typer.Abort):
                raise
            except KeyboardInterrupt:
                message(_("lipctl: interrupted; nothing was changed by the unfinished step"))
                raise typer.Exit(130) from None
            except Exception as exc:  # the last line of defence: no traceback without --debug
                if ctx.debug:  # the traceback, through the same scrubbing as every other line
                    sys.stderr.write(scrub(traceback.format_exc()))
                message(
                    _("lipctl: unexpected error ({error}); nothing was changed — run again with --debug and report it").format(
                        error=scrub(f"{type(exc).__name__}: {exc}".splitlines()[0])
                    )
                )
                raise typer.Exit(int(ExitCode.REFUSED)) from None
            finally:
                ctx.dispose()

        doc = inspect.getdoc(fn)
        if doc and "help" not in kwargs:
            # The docstring is the help text and, unchanged, its message id in the catalogue
            # (tools/update_catalog.py extracts it); Typer would show it untranslated.
            kwargs["help"] = _(doc)
        app.command(name, **kwargs)(wrapper)
        return fn

    return decorate
