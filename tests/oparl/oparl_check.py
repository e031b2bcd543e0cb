"""Checks of an exported OParl tree: the 1.1 JSON schemas (offline) and referential integrity.

The schemas are tests/data/oparl-1.1-schema (a copy of ../shared/oparl-1.1-schema with its licence
note). Each is registered under its ``$id`` and under its file name's URI, so that ``"$ref":
"File.json"`` resolves without the network. OParl's own ``references`` annotation says which type
a URL points at; ``externalList`` means a list whose items are the ``items.$ref`` type.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "oparl-1.1-schema"
PREFIX = "https://schema.oparl.org/1.1/"


@cache
def schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


@cache
def registry() -> Registry:
    resources = []
    for name, schema in schemas().items():
        resource = Resource.from_contents(schema)
        resources.append((schema["$id"], resource))
        resources.append((f"{PREFIX}{name}.json", resource))
    return Registry().with_resources(resources)


@cache
def validator(type_name: str) -> Draft7Validator:
    return Draft7Validator(schemas()[type_name], registry=registry())


def type_name(obj: dict[str, Any]) -> str:
    assert obj["type"].startswith(PREFIX), obj["type"]
    return obj["type"].removeprefix(PREFIX)


def is_list(content: dict[str, Any]) -> bool:
    return "data" in content and "pagination" in content


def load_tree(root: Path) -> dict[str, Any]:
    """Every JSON file of the tree by its relative path."""
    return {p.relative_to(root).as_posix(): json.loads(p.read_text(encoding="utf-8")) for p in sorted(root.rglob("*.json"))}


def validation_errors(obj: dict[str, Any]) -> list[str]:
    name = type_name(obj)
    return [f"{obj.get('id')}: {e.json_path}: {e.message}" for e in validator(name).iter_errors(obj)]


def embedded(obj: dict[str, Any], name: str | None = None) -> Iterator[dict[str, Any]]:
    """The object and every object embedded in it (by the schema's ``$ref`` to another type), depth first."""
    name = name or type_name(obj)
    yield obj
    props = schemas()[name]["properties"]
    for key, value in obj.items():
        spec = props.get(key, {})
        if spec.get("references"):
            continue
        if "$ref" in spec and isinstance(value, dict):
            yield from embedded(value, spec["$ref"].removesuffix(".json"))
        elif spec.get("type") == "array" and "$ref" in spec.get("items", {}):
            for item in value:
                if isinstance(item, dict):
                    yield from embedded(item, spec["items"]["$ref"].removesuffix(".json"))


def references(obj: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(property, URL, expected type or 'list:Type') for every URL an object (with its embedded ones) names."""
    for inner in embedded(obj):
        props = schemas()[type_name(inner)]["properties"]
        for key, value in inner.items():
            spec = props.get(key, {})
            ref = spec.get("references") or spec.get("items", {}).get("references")
            if not ref:
                continue
            if ref == "externalList":
                yield key, value, "list:" + spec["items"]["$ref"].removesuffix(".json")
            else:
                for url in value if isinstance(value, list) else [value]:
                    yield key, url, ref


def check_tree(root: Path, base: str) -> dict[str, int]:
    """Validate every object and list page, and resolve every URL under ``base``; returns objects per type.

    Embedded objects must equal the file at their id.
    """
    files = load_tree(root)
    problems: list[str] = []
    counts: dict[str, int] = {}
    for path, content in files.items():
        if is_list(content):
            assert set(content) == {"data", "pagination", "links"}, path
            assert len(content["data"]) <= 100, path
            objects = content["data"]
        else:
            assert content["id"] == base + path, (path, content["id"])
            counts[type_name(content)] = counts.get(type_name(content), 0) + 1
            objects = [content]
        for obj in objects:
            for inner in embedded(obj):
                problems.extend(validation_errors(inner))
                own = inner["id"].removeprefix(base)
                if own not in files:
                    problems.append(f"{path}: embedded {inner['id']} has no file of its own")
                elif files[own] != inner:
                    problems.append(f"{path}: embedded {inner['id']} differs from its file")
            for key, url, expected in references(obj):
                if not url.startswith(base):
                    problems.append(f"{obj['id']}: {key} {url} is not under {base}")
                    continue
                target = files.get(url.removeprefix(base))
                if target is None:
                    problems.append(f"{obj['id']}: {key} {url} resolves to no file")
                elif expected.startswith("list:"):
                    if not is_list(target):
                        problems.append(f"{obj['id']}: {key} {url} is no list")
                    else:
                        wrong = [o["id"] for o in target["data"] if type_name(o) != expected[5:]]
                        if wrong:
                            problems.append(f"{obj['id']}: {key} {url} holds {wrong[:3]}, not {expected[5:]}")
                elif is_list(target) or type_name(target) != expected:
                    problems.append(f"{obj['id']}: {key} {url} is not a {expected}")
        if is_list(content):
            for link in content["links"].values():
                if link.removeprefix(base) not in files:
                    problems.append(f"{path}: link {link} resolves to no file")
    assert not problems, "\n".join(problems[:40])
    return counts
