"""lipctl completion SHELL: the shell script that completes commands, options and the database's values."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from lipctl.commands._boundary import command
from lipctl.i18n import _


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


def register(root: typer.Typer) -> None:
    @command(
        root,
        "completion",
        epilog=_(
            'Examples: eval "$(lipctl completion bash)" in ~/.bashrc; lipctl completion zsh > ~/.zfunc/_lipctl; '
            "lipctl completion fish > ~/.config/fish/completions/lipctl.fish"
        ),
    )
    def completion(shell: Annotated[Shell, typer.Argument(help=_("bash, zsh or fish."), show_default=False)]) -> None:
        """Print the shell's completion script: commands, options, field and body slugs, drafts, surveys, meetings."""
        from lipctl.completion import script

        typer.echo(script(shell.value))
