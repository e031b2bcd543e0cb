"""The static tree's rules: pages of at most 100 objects linked by next, safe paths, stable bytes, the base URL."""

from __future__ import annotations

import pytest

from lipctl.errors import InvalidInput
from lipctl.oparl import tree
from lipctl.oparl.export import safe_name

BASE = "https://example.org/oparl/"


def _objects(n: int) -> list[dict[str, object]]:
    return [{"id": f"{BASE}paper/{i}.json", "type": "https://schema.oparl.org/1.1/Paper"} for i in range(n)]


def test_a_long_list_is_paged_by_100_with_next_and_prev_links() -> None:
    t = tree.Tree(tree.Urls(BASE))
    t.add_list("body/1/paper.json", _objects(250))
    assert sorted(t.files) == ["body/1/paper-2.json", "body/1/paper-3.json", "body/1/paper.json"]
    first, second, last = (t.files[p] for p in ("body/1/paper.json", "body/1/paper-2.json", "body/1/paper-3.json"))
    assert [len(p["data"]) for p in (first, second, last)] == [100, 100, 50]
    assert first["links"] == {
        "first": BASE + "body/1/paper.json",
        "next": BASE + "body/1/paper-2.json",
        "last": BASE + "body/1/paper-3.json",
    }
    assert second["links"]["prev"] == BASE + "body/1/paper.json" and second["links"]["next"] == BASE + "body/1/paper-3.json"
    assert "next" not in last["links"]
    assert last["pagination"] == {"totalElements": 250, "elementsPerPage": 100, "currentPage": 3, "totalPages": 3}


def test_an_empty_list_is_one_empty_page() -> None:
    t = tree.Tree(tree.Urls(BASE))
    t.add_list(BASE + "body/1/meeting.json", [])
    assert t.files["body/1/meeting.json"]["data"] == []
    assert t.files["body/1/meeting.json"]["pagination"]["totalPages"] == 1


@pytest.mark.parametrize("path", ["../x.json", "/etc/passwd.json", "a/../../b.json", "paper/x", ".hidden.json", "a b.json"])
def test_an_unsafe_path_never_enters_the_tree(path: str) -> None:
    t = tree.Tree(tree.Urls(BASE))
    with pytest.raises(ValueError, match=r"unsafe path|http"):
        t.add({"id": BASE + path})


def test_the_bytes_depend_on_the_objects_only() -> None:
    a, b = tree.Tree(tree.Urls(BASE)), tree.Tree(tree.Urls(BASE))
    for t in (a, b):
        t.add_list("body/1/paper.json", _objects(3))
    assert list(a.serialized()) == list(b.serialized())
    assert tree.dumps({"name": "Änderungsbedarf"}) == '{\n "name": "Änderungsbedarf"\n}\n'.encode()


@pytest.mark.parametrize(
    "url", ["ftp://x.org/", "x.org", "", "https://", "https://x.org/?a=1", "https://x.org/#top", "http://x .org/"]
)
def test_a_base_url_must_be_http_with_a_host(url: str) -> None:
    with pytest.raises(InvalidInput, match="is not an http"):
        tree.base_url(url)


def test_a_base_url_ends_in_a_slash() -> None:
    assert tree.base_url(" https://example.org/oparl ") == BASE
    assert tree.base_url("http://localhost:8000") == "http://localhost:8000/"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Grundsatz.pdf", "Grundsatz.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\a\\Maßnahmen 1.docx", "Ma_nahmen_1.docx"),
        ("...", "dokument"),
        (None, "dokument"),
    ],
)
def test_a_document_name_becomes_a_safe_file_name(name: str | None, safe: str) -> None:
    assert safe_name(name) == safe
