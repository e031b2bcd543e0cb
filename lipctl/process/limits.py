"""The limits of what lipctl records: the same on SQLite and PostgreSQL, checked before the database sees a value.

SQLite stores a 300-character title in a VARCHAR(200) column and a NUL byte in a text; PostgreSQL
refuses both, and refuses an integer beyond 32 bits in an INTEGER column. So every value that a
user gives is checked here first, against the width the models declare (lipctl/store/models.py),
and the refusal says which value and what to do. A Text column has no width; its limit here is a
documented, generous one. Standard library only: the process rules and the CLI use it alike.

The limits are constants, not settings: the lengths follow the columns (a setting above them would
fail on PostgreSQL), and the others are far beyond any real value.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath

from lipctl.errors import InvalidInput
from lipctl.i18n import _

# --- lengths, in characters (PostgreSQL's VARCHAR(n) counts characters, as Python does) ---------

MAX_NAME = 200
"""A name or title: drafts.title, surveys.name, people.name (String(200))."""

MAX_ACTOR = 120
"""Who records a change: every recorded_by/submitted_by/actor column (String(120))."""

MAX_REASON = 2_000
"""A reason: steering_decisions.reason, resolutions.exception_reason (Text)."""

MAX_OPINION_TEXT = 100_000
"""The text or summary of an opinion: opinions.text (Text)."""

MAX_SURVEY_TEXT = 10_000
"""A survey answer's free text (survey_responses.text, Text): a survey form limits its free text (SPEC §2)."""

MAX_RESPONSE_ID = 200
"""A survey response's id: survey_responses.response_key (String(200))."""

MAX_SEARCH_TEXT = 500
"""What ``lipctl search`` is asked for (Suchtext): longer is surely pasted by mistake."""

# --- integers --------------------------------------------------------------------------------

MAX_INT = 2**31 - 1
"""The largest id or count: the models declare INTEGER, 32 bits on PostgreSQL (SQLite holds 64)."""

MAX_SEARCH_HITS = 1000
"""The most hits one ``lipctl search`` shows (--limit)."""

# --- dates -----------------------------------------------------------------------------------

FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2999, 12, 31)
"""The dates lipctl records ("as of", --date, --since, a survey answer's date after conversion to UTC).

Python and both stores hold the years 1 to 9999, but lipctl counts days from a date (deadlines,
"days in this state"), and a date at either end of that range would leave it; these bounds keep
every such sum far inside."""

# Control characters: C0, DEL and C1 (Unicode category Cc), and lone surrogates (bytes that were
# not UTF-8, smuggled through as surrogate escapes). A single-line value allows none of them; a
# text keeps tab, line feed and carriage return.
# Compiled on first use (a few hundred microseconds each): most read commands never check a value.
_LINE_BAD = "[\x00-\x1f\x7f-\x9f\ud800-\udfff]"
_TEXT_BAD = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"
_SHOWN = _LINE_BAD  # everything a single line may not hold is shown escaped


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code & 0xFF:02x}" if code <= 0xFF or 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def shown(value: str) -> str:
    """A value as a message may quote it: control characters and stray bytes made visible, cut at 60."""
    text = value if len(value) <= 60 else value[:59] + "…"
    return "'" + re.sub(_SHOWN, _escape, text) + "'"


def bad_character(value: str, *, multiline: bool) -> str | None:
    """A description of the first character a stored value may not hold, or None.

    NUL, control characters (tab, line feed and carriage return only in a multi-line text) and
    bytes that are not UTF-8.
    """
    found = re.search(_TEXT_BAD if multiline else _LINE_BAD, value)
    if found is None:
        return None
    ch = found.group()
    if ch == "\x00":
        return _("a NUL character")
    if "\ud800" <= ch <= "\udfff":
        return _("bytes that are not UTF-8")
    return _("the control character U+{code:04X}").format(code=ord(ch))


def encoding_problem(value: str) -> str | None:
    """What no store can hold in ``value`` — a NUL, bytes that are not UTF-8 — or None."""
    if "\x00" in value:
        return _("a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("bytes that are not UTF-8")
    return None


def check_encoding(value: str, what: str, *, secret: bool = False) -> str:
    """``value`` unchanged unless it holds a NUL or bytes that are not UTF-8 (from the command line:
    Python passes such bytes on as lone surrogates); InvalidInput names ``what``, and quotes the
    value unless it may hold a ``secret`` (a database URL with its password)."""
    problem = encoding_problem(value)
    if problem is not None:
        hint = _("give it as UTF-8 text without NUL characters (a file whose name is not UTF-8: rename it)")
        if secret:
            raise InvalidInput(_("{what} contains {problem}").format(what=what, problem=problem), hint)
        raise InvalidInput(_("{what} contains {problem}: {value}").format(what=what, problem=problem, value=shown(value)), hint)
    return value


def check_text(value: str, what: str, limit: int, *, multiline: bool = False) -> str:
    """``value`` unchanged when it fits ``limit`` characters and holds no forbidden character;
    else InvalidInput naming ``what`` (an option such as --title)."""
    check_encoding(value, what)
    problem = bad_character(value, multiline=multiline)
    if problem is not None:
        raise InvalidInput(
            _("{what} contains {problem}: {value}").format(what=what, problem=problem, value=shown(value)),
            _("remove it; lipctl records plain text") if multiline else _("write it on one line, as plain text"),
        )
    if len(value) > limit:
        raise InvalidInput(
            _("{what} has {n} characters, more than {limit}").format(what=what, n=f"{len(value):,}", limit=f"{limit:,}"),
            _("shorten it to at most {limit} characters").format(limit=f"{limit:,}"),
        )
    return value


def check_name(value: str, what: str) -> str:
    """A name or title (one line, at most MAX_NAME characters)."""
    return check_text(value, what, MAX_NAME)


def check_file_name(path: str, what: str = "--file") -> str:
    """The name of a document file, which is recorded with it (drafts.file_name, opinions.file_name:
    String(200)): at most MAX_NAME characters; InvalidInput otherwise."""
    name = PurePath(path).name
    if len(name) > MAX_NAME:
        raise InvalidInput(
            _("{what}: the file name has {n} characters, more than {limit}: {name}").format(
                what=what, n=f"{len(name):,}", limit=f"{MAX_NAME:,}", name=shown(name)
            ),
            _("rename the file: its name is recorded with the document"),
        )
    return name


def check_actor(value: str, what: str = "--actor") -> str:
    """Who records a change (one line, at most MAX_ACTOR characters)."""
    return check_text(value, what, MAX_ACTOR)


def check_count(value: int, what: str) -> int:
    """A count that is stored in an INTEGER column: at most MAX_INT (negative counts are the process rules' to refuse)."""
    if abs(value) > MAX_INT:
        raise InvalidInput(
            _("{what} {value} is beyond what lipctl records (at most {limit})").format(
                what=what, value=value if len(str(value)) <= 30 else str(value)[:29] + "…", limit=f"{MAX_INT:,}"
            ),
            _("give the real number"),
        )
    return value


def id_in_range(text: str) -> int | None:
    """The id written as ASCII digits in ``text``, or None when it is no such number or beyond MAX_INT (no row has it)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > len(str(MAX_INT)):
        return None
    number = int(text)
    return number if number <= MAX_INT else None


def date_in_range(day: dt.date) -> bool:
    return FIRST_DATE <= day <= LAST_DATE


# --- what a command is asked for -------------------------------------------------------------


def check_search_text(text: str) -> str:
    """The text of a search, unchanged when it has at most MAX_SEARCH_TEXT characters; InvalidInput otherwise."""
    if len(text) > MAX_SEARCH_TEXT:
        raise InvalidInput(
            _("the search text is {n} characters long (at most {max})").format(n=len(text), max=MAX_SEARCH_TEXT),
            _("search for a few words"),
        )
    return text


def check_search_limit(limit: int) -> int:
    """How many hits a search shows (--limit): from 1 to MAX_SEARCH_HITS; InvalidInput otherwise."""
    if not 1 <= limit <= MAX_SEARCH_HITS:
        raise InvalidInput(
            _("--limit {n} is out of range").format(n=limit), _("give a number from 1 to {max}").format(max=MAX_SEARCH_HITS)
        )
    return limit


def check_within(days: int) -> int:
    """How many days ahead a reminder looks (--within, Vorlauf): 0 (due today) or more; InvalidInput otherwise."""
    if days < 0:
        raise InvalidInput(_("--within must be 0 or more days, not {n}").format(n=days), _("e.g. --within 7 for the coming week"))
    return days
