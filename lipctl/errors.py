"""Exit codes and the errors that become one line on stderr.

Every refusal is a LipctlError raised where the rule lives; the boundary in
lipctl.commands._boundary prints ``message`` (and ``hint``) and exits with ``exit_code``.
Standard library only: the process rules import this module.
"""

from __future__ import annotations

from enum import IntEnum

from lipctl.i18n import _


class ExitCode(IntEnum):
    OK = 0
    REFUSED = 1
    USAGE = 2
    IMPORT_REJECTED_ROWS = 3
    OVERDUE = 4


class LipctlError(Exception):
    """A refusal the user can act on: what was wrong, and what to do instead."""

    exit_code: ExitCode = ExitCode.REFUSED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class NotFound(LipctlError):
    """An unknown reference: field, body, draft, survey, file."""


class Refused(LipctlError):
    """A rule of the process forbids the request."""


class InvalidInput(LipctlError):
    """A value that cannot be: impossible numbers, a malformed date or reference."""


class MissingOption(LipctlError):
    """A required option is missing: a usage error (exit 2), as Click reports its own."""

    exit_code = ExitCode.USAGE


class SeedInvalid(LipctlError):
    """The seed file is broken: names the file, the key and the problem."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(
            f"{source}: {key}: {problem}",
            _("fix the seed file and run 'lipctl init' again"),
        )
        self.source = source
        self.key = key
        self.problem = problem


class StoreError(LipctlError):
    """The database cannot be used: not initialised, newer schema, unreachable, locked."""
