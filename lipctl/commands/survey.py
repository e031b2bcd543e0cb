"""Commands of this group are registered by the issue that builds them."""

from __future__ import annotations

import typer


def register(root: typer.Typer) -> None:
    """No commands yet."""
