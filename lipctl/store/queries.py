"""The former home of the definition look-ups: now lipctl.store.read (definition, drafts, opinions, surveys)."""

# moved to lipctl.store.read; kept until status/report move (#20)

from __future__ import annotations

from typing import Any

from lipctl.store.read import definition, drafts
from lipctl.store.read.definition import (
    body_slug,
    categories,
    category_keys,
    field_aliases,
    field_keys,
    field_slug,
    kind_slug,
    people,
    process_info,
)
from lipctl.store.read.drafts import draft_id
from lipctl.store.read.opinions import received as received_opinions
from lipctl.store.read.opinions import requirements as opinion_requirements
from lipctl.store.read.surveys import survey
from lipctl.store.reader import Reader, Row


def _rows(rows: list[Any]) -> list[Row]:
    """The typed rows as the old mutable, loosely typed rows (status sets ``row["state"]``)."""
    return [Row(row._asdict()) for row in rows]


def fields(r: Reader) -> list[Row]:
    return _rows(definition.fields(r))


def kinds(r: Reader) -> list[Row]:
    return _rows(definition.kinds(r))


def bodies(r: Reader) -> list[Row]:
    return _rows(definition.bodies(r))


def latest_versions(r: Reader) -> list[Row]:
    return _rows(drafts.latest_versions(r))


__all__ = [
    "bodies",
    "body_slug",
    "categories",
    "category_keys",
    "draft_id",
    "field_aliases",
    "field_keys",
    "field_slug",
    "fields",
    "kind_slug",
    "kinds",
    "latest_versions",
    "opinion_requirements",
    "people",
    "process_info",
    "received_opinions",
    "survey",
]
