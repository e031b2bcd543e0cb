"""The reader of stdout went away (``lipctl status --format csv | head -1``): end quietly, exit 0.

Nothing goes to stderr: the person asked for less output, not for an error. The exit status is 0,
not the 141 (128 + SIGPIPE) of `cat` or `grep`, because Python cannot always tell: when the reader
goes while one large write is under way, CPython's write returns short without an error and the
output just ends, exit 0. One status for both cases keeps a cron script under `set -o pipefail`
predictable: `lipctl … | head` succeeds when lipctl did, whatever head chose to read. (The command's
work is done by then: lipctl writes its result to stdout after its transaction is committed.)
"""

from __future__ import annotations

import os
import sys

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
