"""The reader of stdout went away (``lipctl status --format csv | head -1``): end quietly, exit 0.

Nothing goes to stderr: the person asked for less output, not for an error. The exit status is 0,
not the 141 (128 + SIGPIPE) of `cat` or `grep`, because Python cannot always tell: when the reader
goes while one large write is under way, CPython's write returns short without an error and the
output just ends, exit 0. One status for both cases keeps a cron script under `set -o pipefail`
predictable: `lipctl … | head` succeeds when lipctl did, whatever head chose to read. (The command's
work is done by then: lipctl writes its result to stdout after its transaction is committed.)

Where: the renderers write inside ``guarded()``, so a command goes on after its output was cut and
keeps its own exit status (``status --fail-on-overdue | head -1`` still exits 4); ``flush()`` does the
same for what is still buffered at the end (lipctl/cli.py main); the command boundary and main end
any other BrokenPipeError with exit 0. Whether the output was cut is kept (``was_cut``): a command
whose record depends on its output being read whole (``survey export --handover``) asks.

An output that cannot be written at all (a full disk behind ``> file``, an I/O error) is no reader's
choice: ``guarded()`` turns the OSError into ``OutputFailed``, which the command boundary reports in
one line saying whether the command's change was stored.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

EXIT_BROKEN_PIPE = 0
_cut = False


class OutputFailed(Exception):
    """Standard output could not be written (not a reader that went away): ``reason`` is the system's word."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def was_cut() -> bool:
    """Whether the reader of stdout went away during this command (its output ended early)."""
    return _cut


def reset() -> None:
    """A new command: its output was not cut (the boundary calls this; CliRunner runs many in one process)."""
    global _cut
    _cut = False


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that what is still buffered and the flush at exit fail no more.

    Under a test runner (stdout without a file descriptor) there is nothing to redirect.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


@contextmanager
def writing() -> Iterator[None]:
    """Write to stdout inside this: an output that cannot be written raises OutputFailed; a reader that
    went away (BrokenPipeError) is left to the caller (``guarded``, or the command boundary: exit 0)."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        silence_stdout()  # what is still buffered would fail again at exit
        raise OutputFailed(exc.strerror or str(exc)) from None


@contextmanager
def guarded() -> Iterator[None]:
    """Write to stdout inside this: a reader that went away ends the writing quietly, not the command; an
    output that cannot be written raises OutputFailed."""
    global _cut
    try:
        with writing():
            yield
    except BrokenPipeError:
        _cut = True
        silence_stdout()


def end_quietly() -> int:
    """What a BrokenPipeError ends in: stdout silenced, and the exit status to end with."""
    global _cut
    _cut = True
    silence_stdout()
    return EXIT_BROKEN_PIPE


def flush() -> None:
    """Flush stdout; a reader that went away is no error."""
    with guarded():
        sys.stdout.flush()
