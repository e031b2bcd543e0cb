"""The survey import's per-row decision (lipctl.process.routing.RowSorter), without a database or a file."""

from __future__ import annotations

from lipctl.process.names import match_keys
from lipctl.process.routing import NameMatcher, Routed, RowRules, RowSorter

FIELDS = [("bildung", match_keys("bildung", "Bildung"))]
CATS = [("idee", match_keys("idee", "Idee"))]
# A file's header: id; date; field; category; category [other]; text; name (not mapped)
INDEX = {"response_id": 0, "submitted_at": 1, "action_field": 2, "category": 3, "text": 5}
OTHER = {"category": 4}
WIDTH = 7


def sort(records: list[tuple[int, list[str] | None, tuple[str, str] | None]], *, skip: tuple[str, ...] = ()):
    rejected: list[tuple[int, str, tuple[str, ...]]] = []
    rules = RowRules(NameMatcher(FIELDS, {"bildung": 1}), NameMatcher(CATS, {"idee": 7}), has_id=True, skip_when_empty=skip)
    sorter = RowSorter(rules, INDEX, OTHER, WIDTH, lambda line, code, _reason, cells: rejected.append((line, code, cells)))
    routed = [(line, Routed(*r)) for line, r in sorter.routed(records)]
    return sorter, routed, rejected


def test_each_row_is_routed_rejected_or_skipped_and_counted() -> None:
    sorter, routed, rejected = sort(
        [
            (2, ["1", "2020-06-15", "Bildung", "Idee", "", "Mehr Kita-Plätze", "Frau X"], None),
            (3, None, ("bad_encoding", "byte 0xff")),
            (4, ["2", "2020-06-15", "Bildung"], None),
            (5, ["3", "2020-06-15", "Sport", "", "", "Text", ""], None),
            (6, ["4", "", "Bildung", "", "", "Text", ""], None),
            (7, ["5", "2020-06-16", "Bildung", "-oth-", "Idee", "Noch ein Text", ""], None),
        ],
        skip=("submitted_at",),
    )
    assert [(line, r.key, r.field, r.category, r.text) for line, r in routed] == [
        (2, "1", "bildung", "idee", "Mehr Kita-Plätze"),
        (7, "5", "bildung", "idee", "Noch ein Text"),  # "-oth-" takes the [other] column's answer
    ]
    assert [(line, code) for line, code, _cells in rejected] == [(3, "bad_encoding"), (4, "short_row"), (5, "unknown_field")]
    assert rejected[0][2] == ()  # an unreadable row has no cells
    assert rejected[2][2] == ("3", "2020-06-15", "Sport", "", "Text")  # the mapped cells only, in KEYS order
    assert (sorter.rows_read, sorter.rejected, sorter.skipped) == (6, 3, 1)


def test_the_counts_are_there_when_the_rows_are_not_all_read() -> None:
    rules = RowRules(NameMatcher(FIELDS, {"bildung": 1}), None, has_id=True)
    sorter = RowSorter(rules, INDEX, {}, WIDTH, lambda *_a: None)
    rows = sorter.routed(
        [(2, ["1", "", "Bildung", "", "", "Text", ""], None), (3, ["2", "", "Bildung", "", "", "Text", ""], None)]
    )
    next(rows)
    rows.close()
    assert (sorter.rows_read, sorter.rejected, sorter.skipped) == (1, 0, 0)
