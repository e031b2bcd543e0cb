"""A test-only hook: stop at a named point inside the store's work, say so on stderr, and wait to be killed.

The crash tests (tests/stress/crash.py) kill a command with SIGKILL where it says it is, not after
a fraction of a second that a slower machine would place elsewhere. ``LIPCTL_TEST_PAUSE_AT`` names
the point:

- ``after-schema``: the migrations have run, inside the transaction of ``lipctl init`` (the seed not yet);
- ``before-commit``: a unit of work has flushed everything and is about to commit;
- ``after-commit``: it has committed (the command has not yet ended).

(``LIPCTL_TEST_PAUSE_AFTER_ROWS``, in lipctl/store/bulk.py, stops a survey import after n rows.)
Without the variable each call is one dictionary look-up.
"""

from __future__ import annotations

import os
import sys
import time

ENV = "LIPCTL_TEST_PAUSE_AT"
POINTS = ("after-schema", "before-commit", "after-commit")
ANNOUNCED = "lipctl test pause: {point}, waiting to be killed"


def at(point: str) -> None:
    """Wait here for good when ``LIPCTL_TEST_PAUSE_AT`` names ``point``."""
    if os.environ.get(ENV) == point:
        wait(ANNOUNCED.format(point=point))


def wait(announcement: str) -> None:  # pragma: no cover - the process is killed while it waits
    """Announce on stderr (one line, flushed), then wait to be killed."""
    sys.stderr.write(announcement + "\n")
    sys.stderr.flush()
    while True:
        time.sleep(60)
