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
any other BrokenPipeError with exit 0.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

EXIT_BROKEN_PIPE = 0


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
def guarded() -> Iterator[None]:
    """Write to stdout inside this: a reader that went away ends the writing quietly, not the command."""
    try:
        yield
    except BrokenPipeError:
        silence_stdout()


def end_quietly() -> int:
    """What a BrokenPipeError ends in: stdout silenced, and the exit status to end with."""
    silence_stdout()
    return EXIT_BROKEN_PIPE


def flush() -> None:
    """Flush stdout; a reader that went away is no error."""
    with guarded():
        sys.stdout.flush()
