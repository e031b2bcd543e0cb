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
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from lipctl.errors import ExitCode, LipctlError, StoreError
from lipctl.i18n import _

if TYPE_CHECKING:
    from lipctl.context import Env

F = TypeVar("F", bound=Callable[..., Any])


def scrub(text: str) -> str:
    """``text`` without any password of --db / LIPCTL_DB or PGPASSWORD (lipctl.store.location.scrub)."""
    from lipctl.context import current
    from lipctl.store.location import scrub as scrub_secrets
    from lipctl.store.location import secrets

    return scrub_secrets(text, secrets(current().db))


def env() -> Env:
    """What the running command hands its service (lipctl.context.Env): the composition root's one look-up."""
    from lipctl.context import current

    return current().env()


def message(text: str) -> None:
    """A note for the person at the terminal (stderr, never mixed into JSON or CSV); control characters shown."""
    from lipctl.output.text import visible

    sys.stderr.write(visible(scrub(text)) + "\n")


def fail(error: LipctlError) -> typer.Exit:
    message(f"lipctl: {error}")
    return typer.Exit(int(error.exit_code))


def _texts(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _texts(v)]
    if isinstance(value, (str, PurePath)):
        return [str(value)]
    return []


def _label(fn: Callable[..., Any], name: str) -> str:
    """How the user wrote parameter ``name`` of command ``fn``: its option (--title) or its argument (REF)."""
    import typing

    try:
        hint = typing.get_type_hints(fn, include_extras=True).get(name)
    except (NameError, TypeError, AttributeError):  # an annotation that cannot be evaluated: the name will do
        hint = None
    for meta in getattr(hint, "__metadata__", ()):
        # typer.Option("--title", …) inside Annotated: the first name arrives as its ``default``
        first = getattr(meta, "default", None)
        names = [first, *(getattr(meta, "param_decls", None) or ())]
        decls = [d for d in names if isinstance(d, str) and d.startswith("--")]
        if decls:
            return decls[0]
    return name.upper()


def check_arguments(fn: Callable[..., Any], values: dict[str, Any]) -> None:
    """Refuse an argument or option holding bytes that are not UTF-8 or a NUL, naming it, before
    anything reads or stores it (the global options: lipctl.context.AppContext).

    Python hands bytes that are not UTF-8 in sys.argv over as lone surrogates; no text column of
    either store holds them, nor a NUL (which the operating system never passes in an argument,
    but a caller inside Python may)."""
    from lipctl.process.limits import check_encoding, encoding_problem

    for name, value in values.items():
        for text in _texts(value):
            if encoding_problem(text) is not None:
                check_encoding(text, _label(fn, name))


def command(app: typer.Typer, name: str, *, path: str | None = None, **kwargs: Any) -> Callable[[F], F]:
    """Register ``fn`` as command ``name`` on ``app``; ``path`` is the full name for the audit log."""

    def decorate(fn: F) -> F:
        wrapper = guarded(fn, path or name)
        doc = inspect.getdoc(fn)
        if doc and "help" not in kwargs:
            # The docstring is the help text and, unchanged, its message id in the catalogue
            # (tools/update_catalog.py extracts it); Typer would show it untranslated.
            kwargs["help"] = _(doc)
        if "epilog" not in kwargs:
            from lipctl.commands._examples import epilog

            kwargs["epilog"] = epilog(path or name)
        app.command(name, **kwargs)(wrapper)
        return fn

    return decorate


def commits_so_far() -> int:
    """Units of work committed in this process so far (lipctl.store.uow.commits; 0 while it is not loaded)."""
    return int(getattr(sys.modules.get("lipctl.store.uow"), "commits", 0))


def output_failed(reason: str, *, stored: bool) -> str:
    """The line for an output that could not be written, saying whether the command's change was stored."""
    if stored:
        return _(
            "lipctl: could not write the output: {reason} — the change was stored (see 'lipctl log'); "
            "free some space or send the output elsewhere"
        ).format(reason=reason)
    return _(
        "lipctl: could not write the output: {reason} — nothing was changed; "
        "free some space or send the output elsewhere, then run the command again"
    ).format(reason=reason)


def guarded(fn: F, path: str) -> F:
    """``fn`` inside the command boundary, as command ``path`` (also for a group that runs on its own: lipctl log)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kw: Any) -> Any:
        from lipctl.context import current

        ctx = current()
        ctx.command = path
        from lipctl.output import pipe

        pipe.reset()
        commits = commits_so_far()
        try:
            try:
                check_arguments(fn, kw)
                result = fn(*args, **kw)
            except typer.Exit:
                pipe.flush()  # the exit status stays; an output that cannot be written is reported below
                raise
            pipe.flush()  # inside the boundary: a full disk behind `> file` is reported, not met at exit
            return result
        except pipe.OutputFailed as exc:
            message(output_failed(exc.reason, stored=commits_so_far() > commits))
            raise typer.Exit(int(ExitCode.REFUSED)) from None
        except LipctlError as exc:
            # A refusal is the answer, not a fault: no traceback, even with --debug — except where the
            # store failed (StoreError wraps what the database or the file system said).
            if ctx.debug and isinstance(exc, StoreError):
                sys.stderr.write(scrub(traceback.format_exc()))
            raise fail(exc) from None
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:  # stdout's reader went away (`| head -1`): quiet, exit 0 (lipctl/output/pipe.py)
            from lipctl.output.pipe import end_quietly

            raise typer.Exit(end_quietly()) from None
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (lipctl.cli.Terminated)
            message(_("lipctl: interrupted; nothing was changed by the unfinished step"))
            raise typer.Exit(getattr(exc, "exit_code", 130)) from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback without --debug
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

    return wrapper  # type: ignore[return-value]
