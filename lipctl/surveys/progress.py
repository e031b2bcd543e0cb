"""A progress bar for long imports: on a terminal only, on stderr, never with --format json."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

MIN_BYTES = 4 * 1024 * 1024  # smaller files are done before a bar would be worth drawing


def wanted(json_output: bool) -> bool:
    try:
        return not json_output and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def bar(enabled: bool) -> Iterator[Callable[[int, int], Callable[[int], None]] | None]:
    """Yields ``start(file_index, size) -> advance(bytes_done)`` (or None when not wanted)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from lipctl.i18n import _

    console = Console(stderr=True, no_color="NO_COLOR" in os.environ)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=console, transient=True
    ) as progress:

        def start(index: int, size: int) -> Callable[[int], None]:
            if size < MIN_BYTES:
                return lambda done: None
            task = progress.add_task(_("file {n}").format(n=index + 1), total=size)
            return lambda done: progress.update(task, completed=done)

        yield start
