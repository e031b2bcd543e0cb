"""Routing survey answers to the expert group of their action field: the row rules.

One row of a survey export, reduced to its mapped values, is either routed (field, category,
text, date, identity), skipped (an incomplete LimeSurvey response) or rejected with a reason.
Standard library only; the CSV reading lives in lipctl.surveys, the storing in lipctl.services.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import NamedTuple

from lipctl.i18n import _
from lipctl.process.dates import DateError, parse_timestamp
from lipctl.process.limits import FIRST_DATE, LAST_DATE, MAX_RESPONSE_ID, MAX_SURVEY_TEXT, bad_character
from lipctl.process.names import find, fold

MAX_TEXT = MAX_SURVEY_TEXT
"""A survey form limits its free text; a longer cell is a broken export (SPEC §2)."""

MAX_ID = MAX_RESPONSE_ID
"""The width of survey_responses.response_key."""

KEYS = ("response_id", "submitted_at", "action_field", "category", "text")
REQUIRED_KEYS = ("action_field", "text")
OTHER = "-oth-"
"""LimeSurvey's answer code for "other"; the free text is in the column '<code>[other]'."""


class RowRejected(Exception):
    """A row that cannot be imported: ``code`` for scripts, ``reason`` for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class NameMatcher:
    """Finds an action field or category (by id) from a cell: value map, then slug, name or alias."""

    def __init__(
        self, candidates: list[tuple[str, set[str]]], ids: Mapping[str, int], values: Mapping[str, str] | None = None
    ) -> None:
        self.candidates = candidates
        self.ids = dict(ids)
        self.values = {fold(str(k)): str(v) for k, v in (values or {}).items()}
        self._cache: dict[str, tuple[int, str] | None] = {}

    def match(self, cell: str) -> tuple[int, str] | None:
        """Abgleich: (id, slug) for the cell, or None when nothing matches; cached per distinct cell."""
        try:
            return self._cache[cell]
        except KeyError:
            pass
        result = self._match(cell)
        if len(self._cache) < 10_000:  # answer codes repeat; free text in a wrong column does not
            self._cache[cell] = result
        return result

    def _match(self, cell: str) -> tuple[int, str] | None:
        query = cell.strip()
        if not query:
            return None
        query = self.values.get(fold(query), query)
        slug = find(query, self.candidates)
        return (self.ids[slug], slug) if slug is not None else None


class Routed(NamedTuple):
    """A row that may be stored: its identity, and where it goes (route() returns a plain tuple
    in this order, for speed; Routed(*t) names its parts)."""

    key: str
    field_id: int
    field: str
    category_id: int | None
    category: str | None
    text: str
    submitted_at: dt.datetime | None


def content_key(field: str, category: str | None, submitted_at: dt.datetime | None, text: str) -> str:
    """The identity of a response without an id: a hash of its mapped values (Inhaltsschlüssel)."""
    raw = "\x1f".join((field, category or "", submitted_at.isoformat() if submitted_at else "", text))
    return "sha256:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


class RowRules:
    """The rules one row must pass (SPEC §2 "Surveys"), with the lookups built once per import."""

    def __init__(
        self,
        fields: NameMatcher,
        categories: NameMatcher | None,
        *,
        has_id: bool,
        skip_when_empty: Iterable[str] = (),
    ) -> None:
        self.fields = fields
        self.categories = categories
        self.has_id = has_id
        self.skip_when_empty = tuple(skip_when_empty)
        self.skip_positions = tuple(KEYS.index(k) for k in self.skip_when_empty)

    def incomplete(self, cells: tuple[str, ...]) -> bool:
        """Unvollständige Antwort: an incomplete response (LimeSurvey: no submit date) is skipped and counted, not rejected.

        ``cells`` are the row's values in the order of KEYS ("" for an unmapped key).
        """
        return "" in [cells[i].strip() for i in self.skip_positions]

    def route(self, cells: tuple[str, ...]) -> Routed:
        """Zuordnung: the routed row, or RowRejected with the first reason that applies (cells in KEYS order)."""
        raw_id, raw_date, raw_field, raw_category, text = cells
        if len(text) > MAX_TEXT:
            raise RowRejected(
                "text_too_long",
                _("the text has {n} characters, more than {max} (a broken export?)").format(n=len(text), max=MAX_TEXT),
            )
        if not text or text.isspace():
            raise RowRejected("empty_text", _("the text is empty"))
        # isprintable() first: a C loop, twice as fast as the search, and true for most answers
        problem = None if text.isprintable() else bad_character(text, multiline=True)
        if problem is not None:
            # PostgreSQL refuses a NUL, SQLite would store it: the row is rejected on both, never the file.
            raise RowRejected("bad_text", _("the text contains {problem}").format(problem=problem))
        field = self.fields.match(raw_field)
        if field is None:
            if not raw_field.strip():
                raise RowRejected("unknown_field", _("no action field given"))
            parts = [p for p in raw_field.split(", ") if p.strip()]
            if len(parts) > 1 and all(self.fields.match(p) for p in parts):
                # Decidim joins multiple choices with ", "; one answer goes to one expert group.
                raise RowRejected("several_fields", _("more than one action field: {value!r}").format(value=_short(raw_field)))
            raise RowRejected("unknown_field", _("unknown action field {value!r}").format(value=_short(raw_field)))
        category = None
        if self.categories is not None and raw_category and not raw_category.isspace():
            category = self.categories.match(raw_category)
            if category is None:
                raise RowRejected("unknown_category", _("unknown category {value!r}").format(value=_short(raw_category)))
        submitted_at = None
        if raw_date:
            try:
                submitted_at = parse_timestamp(raw_date)
            except DateError as exc:
                if exc.out_of_range:
                    raise RowRejected(
                        "bad_date",
                        _("the date {value!r} is outside the dates lipctl records ({first} to {last}, in UTC)").format(
                            value=_short(raw_date), first=FIRST_DATE.isoformat(), last=LAST_DATE.isoformat()
                        ),
                    ) from None
                raise RowRejected(
                    "bad_date",
                    _("cannot read the date {value!r} (write 2020-06-15 14:32:10 or 15.06.2020 14:32)").format(
                        value=_short(raw_date)
                    ),
                ) from None
        if self.has_id:
            key = raw_id.strip()
            if not key:
                raise RowRejected("empty_id", _("the response id is empty"))
            if len(key) > MAX_ID:
                raise RowRejected("bad_id", _("the response id is longer than {max} characters").format(max=MAX_ID))
            problem = None if key.isprintable() else bad_character(key, multiline=False)
            if problem is not None:
                raise RowRejected("bad_id", _("the response id contains {problem}").format(problem=problem))
        else:
            key = content_key(field[1], category[1] if category else None, submitted_at, text)
        # A plain tuple in Routed's order: this runs once per row of a million-row file.
        if category is None:
            return (key, field[0], field[1], None, None, text, submitted_at)  # type: ignore[return-value]
        return (key, field[0], field[1], category[0], category[1], text, submitted_at)  # type: ignore[return-value]


Reject = Callable[[int, str, str, tuple[str, ...]], None]
"""Told of each rejected row: its line, the code, the reason and its cells in KEYS order (() when unreadable)."""


class RowSorter:
    """One file's rows sorted in one pass: rejected (handed to ``reject``), skipped as incomplete,
    or routed (yielded with their line). The counts are complete once ``routed`` is exhausted.

    ``index`` maps each mapped key to its column; ``other`` maps a key to the column that holds its
    free "other" answer (a cell reading OTHER takes that column's value); ``width`` is the header's.
    """

    def __init__(self, rules: RowRules, index: Mapping[str, int], other: Mapping[str, int], width: int, reject: Reject) -> None:
        self.rules = rules
        self.index = index
        self.others = [(index[key], i) for key, i in other.items()]
        self.width = width
        self.reject = reject
        self.rows_read = 0
        self.skipped = 0
        self.rejected = 0

    def routed(self, records: Iterable[tuple[int, list[str] | None, tuple[str, str] | None]]) -> Iterator[tuple[int, Routed]]:
        """The routed rows of ``records`` (line, row or None, problem), in file order."""
        # Each row's cells in KEYS order; an unmapped key reads the "" appended to every row.
        pick = itemgetter(*(self.index.get(key, -1) for key in KEYS))
        others, width, reject, route = self.others, self.width, self.reject, self.rules.route
        positions = self.rules.skip_positions
        incomplete = self.rules.incomplete if len(positions) > 1 else None
        skip = positions[0] if len(positions) == 1 else None  # LimeSurvey: its submit date, checked inline
        rows_read = skipped = rejected = 0
        try:
            for line, row, problem in records:
                rows_read += 1
                if row is None:
                    rejected += 1
                    code, reason = problem or ("broken_row", "")
                    reject(line, code, reason, ())
                    continue
                if len(row) < width:
                    rejected += 1
                    message = _("the row has {n} columns, the header {width}").format(n=len(row), width=width)
                    row.extend([""] * (width - len(row) + 1))
                    reject(line, "short_row", message, pick(row))
                    continue
                for i, j in others:
                    if row[i].strip() == OTHER:
                        row[i] = row[j]
                row.append("")
                cells = pick(row)
                if skip is not None:
                    if not cells[skip] or cells[skip].isspace():
                        skipped += 1
                        continue
                elif incomplete is not None and incomplete(cells):
                    skipped += 1
                    continue
                try:
                    routed = route(cells)
                except RowRejected as exc:
                    rejected += 1
                    reject(line, exc.code, exc.reason, cells)
                    continue
                yield line, routed
        finally:
            self.rows_read, self.skipped, self.rejected = rows_read, skipped, rejected


def known_rejects(rejects: Iterable[Sequence[str]], reported: Mapping[str, int], batch: int) -> tuple[list[bool], dict[str, str]]:
    """Bekannte Ablehnungen: which of a file's rejects (digest, code) the survey has reported before.

    A reject is known when an earlier import — another batch — reported the same raw row
    (``reported`` maps digest -> the batch that first recorded it). Returns, in file order, whether
    each reject is known, and the new ones to record with ``batch`` (digest -> code; the first code
    of a row rejected twice in the file). A row this batch recorded already is neither.
    """
    known: list[bool] = []
    new: dict[str, str] = {}
    for digest, code in rejects:
        first = reported.get(digest)
        known.append(first is not None and first != batch)
        if first is None:
            new.setdefault(digest, code)
    return known, new


def _short(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
