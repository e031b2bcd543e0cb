"""The reader of stdout went away (``lipctl status --format csv | head -1``): end quietly.

Exit status 141 (128 + SIGPIPE), as a program that SIGPIPE ends has — `cat`, `grep`, `yes` — so a
pipeline behaves the same with lipctl in it: `head` shows its lines, the shell reports head's status,
and under `set -o pipefail` a cut-off output is reported as cut off, as it is for those tools.
Nothing goes to stderr: the person asked for less output, not for an error.
"""

from __future__ import annotations

import os
import sys

EXIT_BROKEN_PIPE = 141


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
