"""The static OParl tree (statischer OParl-Baum): URLs, external lists in pages, the files' bytes.

Every object's ``id`` is the base URL followed by its relative path, ending in ``.json``; the file
at that path holds it. An external list is ``data`` + ``pagination`` + ``links`` in pages of at
most ``PAGE_SIZE`` objects: ``…/paper.json``, ``…/paper-2.json``, … linked by ``links.next``.
The bytes depend on the objects only (fixed key order, no time of the export): exporting twice
without a change writes identical files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from lipctl.errors import InvalidInput
from lipctl.i18n import _

PAGE_SIZE = 100
_SAFE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._%-]*(/[A-Za-z0-9][A-Za-z0-9._%-]*)*$")


def base_url(text: str) -> str:
    """The --base-url as the ids begin: http(s), a host, no query or fragment; ends in '/'."""
    value = (text or "").strip()
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or any(c.isspace() for c in value)
    ):
        raise InvalidInput(
            _("--base-url: {url!r} is not an http(s) URL").format(url=text),
            _("give the address the tree is served under, e.g. https://example.org/oparl/"),
        )
    return value.rstrip("/") + "/"


class Urls:
    """Object ids: the base URL and a relative path."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/") + "/"

    def url(self, path: str) -> str:
        return self.base + path

    def path(self, url: str) -> str:
        """The relative path of an id under the base URL (ValueError for any other URL)."""
        if not url.startswith(self.base):
            raise ValueError(url)
        return url[len(self.base) :]


def page_path(path: str, page: int) -> str:
    """Page ``page`` (from 1) of the list whose first page is ``path``: ``paper.json``, ``paper-2.json``."""
    return path if page == 1 else f"{path.removesuffix('.json')}-{page}.json"


class Tree:
    """The files of the export: relative path -> JSON object (an OParl object or a list page)."""

    def __init__(self, urls: Urls) -> None:
        self.urls = urls
        self.files: dict[str, dict[str, Any]] = {}

    def _put(self, path: str, content: dict[str, Any]) -> None:
        if not _SAFE_PATH.match(path) or ".." in path.split("/") or not path.endswith(".json"):
            raise ValueError(f"unsafe path in the OParl tree: {path!r}")
        if path in self.files and self.files[path] != content:
            raise ValueError(f"two different objects at {path!r}")
        self.files[path] = content

    def add(self, obj: dict[str, Any]) -> None:
        """An object, at the path its id names."""
        self._put(self.urls.path(obj["id"]), obj)

    def add_list(self, where: str, objects: list[dict[str, Any]]) -> None:
        """An external list (a relative path or its URL) in pages of PAGE_SIZE; an empty list is one empty page."""
        path = self.urls.path(where) if where.startswith(self.urls.base) else where
        pages = [objects[i : i + PAGE_SIZE] for i in range(0, len(objects), PAGE_SIZE)] or [[]]
        total = len(pages)
        for n, data in enumerate(pages, start=1):
            links = {"first": self.urls.url(page_path(path, 1))}
            if n > 1:
                links["prev"] = self.urls.url(page_path(path, n - 1))
            if n < total:
                links["next"] = self.urls.url(page_path(path, n + 1))
            links["last"] = self.urls.url(page_path(path, total))
            self._put(
                page_path(path, n),
                {
                    "data": data,
                    "pagination": {
                        "totalElements": len(objects),
                        "elementsPerPage": PAGE_SIZE,
                        "currentPage": n,
                        "totalPages": total,
                    },
                    "links": links,
                },
            )

    def serialized(self) -> Iterator[tuple[str, bytes]]:
        """Every file's path and bytes, in path order."""
        for path in sorted(self.files):
            yield path, dumps(self.files[path])


def dumps(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
