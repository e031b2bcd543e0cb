"""The row rules (lipctl.process.routing) and the reader's sniffing, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl.process.dates import parse_timestamp
from lipctl.process.names import match_keys
from lipctl.process.routing import (
    MAX_TEXT,
    NameMatcher,
    Routed,
    RowRejected,
    RowRules,
    content_key,
    known_rejects,
)
from lipctl.surveys.reader import sniff_delimiter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-06-15 14:32:10", dt.datetime(2020, 6, 15, 14, 32, 10)),
        ("15.06.2020 14:32", dt.datetime(2020, 6, 15, 14, 32)),
        ("15.06.2020", dt.datetime(2020, 6, 15)),
        ("2020-06-15", dt.datetime(2020, 6, 15)),
        ("2020-06-15 14:32:10 UTC", dt.datetime(2020, 6, 15, 14, 32, 10)),
        ("2020-06-15T14:32:10+02:00", dt.datetime(2020, 6, 15, 12, 32, 10)),
        ("  ", None),
    ],
)
def test_dates_read(text: str, expected: dt.datetime | None) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", ["15.6.2020", "2020-13-01", "31.02.2020", "gestern", "15.06.20", "06/15/2020", "15.06.2020x"])
def test_dates_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


FIELDS = [
    ("bildung", match_keys("bildung", "Bildung")),
    ("stadtleben-kultur", match_keys("stadtleben-kultur", "Stadtleben und Kultur", ["Stadtleben"])),
]
CATS = [("idee", match_keys("idee", "Idee", ["Ideen"]))]


def rules(*, has_id: bool = True, values: dict[str, str] | None = None) -> RowRules:
    return RowRules(
        NameMatcher(FIELDS, {"bildung": 1, "stadtleben-kultur": 4}, values), NameMatcher(CATS, {"idee": 7}), has_id=has_id
    )


def cells(rid: str = "1", date: str = "", field: str = "Bildung", category: str = "", text: str = "Text") -> tuple[str, ...]:
    return (rid, date, field, category, text)


def test_names_match_case_insensitively_by_name_slug_alias_and_code() -> None:
    r = rules(values={"A4": "stadtleben"})
    for name in ("BILDUNG", "bildung", " Bildung "):
        assert Routed(*r.route(cells(field=name))).field == "bildung"
    assert Routed(*r.route(cells(field="a4"))).field_id == 4
    assert Routed(*r.route(cells(field="STADTLEBEN UND KULTUR", category="ideen"))).category_id == 7


@pytest.mark.parametrize(
    ("row", "code"),
    [
        (cells(field="Sport"), "unknown_field"),
        (cells(field=""), "unknown_field"),
        (cells(category="Lob"), "unknown_category"),
        (cells(text=""), "empty_text"),
        (cells(text=" \r\n "), "empty_text"),
        (cells(text="x" * (MAX_TEXT + 1)), "text_too_long"),
        (cells(date="morgen"), "bad_date"),
        (cells(rid=" "), "empty_id"),
        (cells(rid="x" * 201), "bad_id"),
        (cells(field="Bildung, Stadtleben"), "several_fields"),
    ],
)
def test_rejections(row: tuple[str, ...], code: str) -> None:
    with pytest.raises(RowRejected) as info:
        rules().route(row)
    assert info.value.code == code


def test_text_at_the_limit_is_kept_as_it_is() -> None:
    text = " ä\r\n" + "x" * (MAX_TEXT - 4)
    assert Routed(*rules().route(cells(text=text))).text == text


def test_content_hash_without_id_is_stable_and_depends_on_the_mapped_values() -> None:
    r = rules(has_id=False)
    a = Routed(*r.route(cells(rid="", date="15.06.2020 14:32", text="Idee A")))
    b = Routed(*r.route(cells(rid="", date="2020-06-15 14:32:00", text="Idee A")))
    c = Routed(*r.route(cells(rid="", date="2020-06-15 14:32:00", text="Idee B")))
    assert a.key == b.key == content_key("bildung", None, dt.datetime(2020, 6, 15, 14, 32), "Idee A")
    assert a.key != c.key and a.key.startswith("sha256:")


def test_incomplete_when_a_skip_key_is_empty() -> None:
    r = RowRules(NameMatcher(FIELDS, {"bildung": 1, "stadtleben-kultur": 4}), None, has_id=True, skip_when_empty=["submitted_at"])
    assert r.incomplete(cells(date=""))
    assert not r.incomplete(cells(date="2020-06-15"))


@pytest.mark.parametrize(
    ("head", "delimiter"),
    [
        ('"id";"a,b";"c"\r\n', ";"),
        ("id,a;b,c\n", ","),
        ("id\ta\tb\n", "\t"),
        ("id|a|b\n", "|"),
        ("single\n", ","),
        ('"x;y;z",a,b\n', ","),
    ],
)
def test_delimiter_sniffing_counts_outside_quotes(head: str, delimiter: str) -> None:
    assert sniff_delimiter(head) == delimiter


def test_progress_bar_only_on_a_terminal_and_never_for_json(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from lipctl.surveys import progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress.wanted(json_output=False)
    assert not progress.wanted(json_output=True)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert not progress.wanted(json_output=False)
    with progress.bar(False) as start:
        assert start is None
    with progress.bar(True) as start:
        advance = start(0, 64 * 1024 * 1024)
        advance(32 * 1024 * 1024)
        start(1, 10)(5)  # a small file draws no bar


def test_a_reject_is_known_when_an_earlier_batch_reported_it() -> None:
    rejects = [("a", "bad_date"), ("b", "empty_text"), ("c", "bad_id"), ("b", "bad_text"), ("d", "empty_id")]
    known, new = known_rejects(rejects, {"a": 1, "c": 7}, batch=7)
    # "a" was reported by batch 1; "c" by this batch (an earlier chunk of the same file): not known, not new.
    assert known == [True, False, False, False, False]
    assert new == {"b": "empty_text", "d": "empty_id"}  # a row rejected twice in the file keeps its first code
    assert known_rejects([], {}, batch=1) == ([], {})
