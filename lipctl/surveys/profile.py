"""Mapping profiles (SPEC §2): which column of a file holds which of our keys.

A profile is YAML::

    columns: {response_id: id, submitted_at: submitdate, action_field: G01Q01, category: G01Q02, text: G01Q03}
    values:  {action_field: {A1: bildung}, category: {A1: idee}}

Built-in profiles (``limesurvey``, ``decidim``, ``spreadsheet``) may list several candidate
names per key; the first one present in the header is used. A column named in a user's profile
or with ``--map`` must be present, and so must every key of a built-in profile: a file whose
header lacks one is refused before anything is stored (a spreadsheet export read with
``--profile limesurvey`` has no ``submitdate``), unless the profile lists the key under
``optional`` (the spreadsheet profile: id, date and category) or ``--map KEY=`` leaves it out.
Beyond SPEC's keys a profile may say ``skip_when_empty`` (keys whose empty cell marks an
incomplete response), ``personal`` (columns that may never be mapped), ``optional``,
``delimiter`` and ``encoding``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lipctl.errors import InvalidInput, NotFound, Refused
from lipctl.i18n import _
from lipctl.process.names import fold
from lipctl.process.routing import KEYS, OTHER, REQUIRED_KEYS

BUILTIN_DIR = Path(__file__).parent / "profiles"
BUILTINS = ("limesurvey", "decidim", "spreadsheet")
_TOP_KEYS = {"name", "detect", "columns", "values", "skip_when_empty", "personal", "optional", "delimiter", "encoding"}


@dataclass(frozen=True)
class Profile:
    name: str
    columns: dict[str, tuple[str, ...]]
    explicit: frozenset[str] = frozenset()
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    skip_when_empty: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    optional: frozenset[str] = frozenset()
    """Keys whose column may be missing from a header (the key is then not imported)."""
    detect: tuple[tuple[str, ...], ...] = ()
    delimiter: str | None = None
    encoding: str | None = None

    def with_maps(self, maps: dict[str, str]) -> Profile:
        """The profile with ``--map KEY=COLUMN`` overrides (an empty COLUMN unmaps an optional key)."""
        if not maps:
            return self
        columns = dict(self.columns)
        explicit = set(self.explicit)
        for key, column in maps.items():
            if column.strip():
                columns[key] = (column.strip(),)
                explicit.add(key)
            elif key in REQUIRED_KEYS:
                raise InvalidInput(
                    _("--map {key}= would leave no column for {key}").format(key=key),
                    _("write --map {key}=COLUMN").format(key=key),
                )
            else:
                columns.pop(key, None)
                explicit.discard(key)
        return replace(self, columns=columns, explicit=frozenset(explicit))


@dataclass(frozen=True)
class Mapping:
    """A profile resolved against one header: key -> column index, and '[other]' columns."""

    profile: Profile
    index: dict[str, int]
    other: dict[str, int]
    header: tuple[str, ...]

    @property
    def has_id(self) -> bool:
        return "response_id" in self.index

    def describe(self) -> dict[str, str]:
        return {key: self.header[i] for key, i in self.index.items()}


def parse_maps(items: list[str] | None) -> dict[str, str]:
    """``--map KEY=COLUMN`` options as a dict; the keys are SPEC's profile keys."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, column = item.partition("=")
        key = key.strip()
        if not sep or key not in KEYS:
            raise InvalidInput(
                _("--map {item!r} is not KEY=COLUMN").format(item=item),
                _("KEY is one of: {keys}").format(keys=", ".join(KEYS)),
            )
        out[key] = column
    return out


def load(spec: str) -> Profile:
    """A built-in profile by name, or a user's YAML profile file."""
    if spec.strip().lower() in BUILTINS:
        return _load_file(BUILTIN_DIR / f"{spec.strip().lower()}.yaml", builtin=True)
    path = Path(spec).expanduser()
    if not path.is_file():
        raise NotFound(
            _("no profile {name!r}").format(name=spec),
            _("name a built-in profile ({names}) or a YAML profile file").format(names=", ".join(BUILTINS)),
        )
    return _load_file(path, builtin=False)


def detect(header: list[str]) -> Profile:
    """The built-in profile whose typical columns the header has; else the plain spreadsheet one."""
    folded = {fold(cell) for cell in header}
    for name in BUILTINS:
        profile = load(name)
        if any(all(fold(c) in folded for c in group) for group in profile.detect):
            return profile
    return load("spreadsheet")


def _load_file(path: Path, *, builtin: bool) -> Profile:
    import yaml

    def bad(key: str, problem: str) -> InvalidInput:
        return InvalidInput(
            _("profile {path}: {key}: {problem}").format(path=path, key=key, problem=problem),
            _("see the profile format in the README (section Surveys)"),
        )

    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = yaml.safe_load(fh)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise bad("file", problem) from None
    if not isinstance(data, dict):
        raise bad("file", _("not a mapping with 'columns'"))
    unknown = sorted(set(map(str, data)) - _TOP_KEYS)
    if unknown:
        raise bad(unknown[0], _("unknown key (known: {keys})").format(keys=", ".join(sorted(_TOP_KEYS))))
    columns_in = data.get("columns")
    if not isinstance(columns_in, dict) or not columns_in:
        raise bad("columns", _("missing: name the file's column for each key"))
    columns: dict[str, tuple[str, ...]] = {}
    for key, value in columns_in.items():
        if key not in KEYS:
            raise bad(f"columns.{key}", _("unknown key (known: {keys})").format(keys=", ".join(KEYS)))
        names = value if isinstance(value, list) else [value]
        if not names or not all(isinstance(n, (str, int)) and str(n).strip() for n in names):
            raise bad(f"columns.{key}", _("write a column name"))
        columns[key] = tuple(str(n).strip() for n in names)
    for key in REQUIRED_KEYS:
        if key not in columns:
            raise bad(f"columns.{key}", _("missing: every profile names the {key} column").format(key=key))
    values_in = data.get("values") or {}
    if not isinstance(values_in, dict):
        raise bad("values", _("write code: name pairs per key"))
    values: dict[str, dict[str, str]] = {}
    for key, mapping in values_in.items():
        if key not in ("action_field", "category") or not isinstance(mapping, dict):
            raise bad(f"values.{key}", _("only action_field and category take a map of code: name"))
        values[key] = {str(k): str(v) for k, v in mapping.items()}
    skip = _names(data.get("skip_when_empty"), "skip_when_empty", bad)
    for key in skip:
        if key not in KEYS:
            raise bad("skip_when_empty", _("unknown key {key!r}").format(key=key))
    optional = _names(data.get("optional"), "optional", bad)
    for key in optional:
        if key not in KEYS or key in REQUIRED_KEYS:
            raise bad("optional", _("{key!r} is not a key that may be missing").format(key=key))
    delimiter = data.get("delimiter")
    if delimiter is not None:
        delimiter = parse_delimiter(str(delimiter))
    encoding = data.get("encoding")
    return Profile(
        name=str(data.get("name") or path.stem) if builtin else str(path),
        columns=columns,
        explicit=frozenset() if builtin else frozenset(columns) - set(optional),
        values=values,
        skip_when_empty=tuple(skip),
        personal=tuple(_names(data.get("personal"), "personal", bad)),
        optional=frozenset(optional),
        detect=_groups(data.get("detect"), bad),
        delimiter=delimiter,
        encoding=str(encoding) if encoding else None,
    )


def _names(value: Any, key: str, bad: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise bad(key, _("write a list of names"))
    return [str(v) for v in value]


def _groups(value: Any, bad: Any) -> tuple[tuple[str, ...], ...]:
    """``detect``: groups of column names; a header with every name of one group matches."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(g, list) and g for g in value):
        raise bad("detect", _("write a list of lists of column names"))
    return tuple(tuple(str(n) for n in group) for group in value)


def parse_delimiter(value: str) -> str:
    """``;`` ``,`` ``|`` or a tab (written ``tab`` or ``\\t``)."""
    text = value if value == "\t" else value.strip()
    if text.lower() in ("tab", "\\t", "\t"):
        return "\t"
    if len(text) != 1 or text in ('"', "\r", "\n"):
        raise InvalidInput(_("--delimiter {value!r} is not one character").format(value=value), _("write ';', ',' or tab"))
    return text


def _header_matches(spec: str, cell: str, *, loose: bool) -> bool:
    s, c = fold(spec), fold(cell)
    if s == c:
        return True
    if not loose:
        return False
    # "1. Question text" (Decidim), "G01Q01. Question text" (LimeSurvey, code and text)
    code, sep, rest = c.partition(". ")
    return bool(sep) and (code == s or rest.strip() == s)


def resolve(profile: Profile, header: list[str], *, source: str) -> Mapping:
    """Which column holds each key; InvalidInput when the header lacks a needed column."""
    index: dict[str, int] = {}
    personal = {fold(p) for p in profile.personal}
    for key, names in profile.columns.items():
        found = None
        for loose in (False, True):
            for name in names:
                found = next((i for i, cell in enumerate(header) if _header_matches(name, cell, loose=loose)), None)
                if found is not None:
                    break
            if found is not None:
                break
        if found is None:
            if key in profile.optional and key not in profile.explicit:
                continue
            cells = ", ".join(_short(c) for c in header[:30]) or "—"
            if key in REQUIRED_KEYS:
                hint = _("the header has: {cells}; name the column with --map {key}=COLUMN or --profile").format(
                    cells=cells, key=key
                )
            else:
                hint = _(
                    "the header has: {cells}; is the profile the file's? Name the column with --map {key}=COLUMN, "
                    "import without {key} with --map {key}=, or choose another --profile"
                ).format(cells=cells, key=key)
            raise InvalidInput(
                _("{file}: no column {names} for {key} in the header").format(
                    file=source, names=" / ".join(repr(n) for n in names), key=key
                ),
                hint,
            )
        if fold(header[found]) in personal:
            raise Refused(
                _("{file}: column {column!r} holds personal data and is never stored").format(file=source, column=header[found]),
                _("map {key} to another column").format(key=key),
            )
        index[key] = found
    folded = [fold(c) for c in header]
    other: dict[str, int] = {}
    for key, i in index.items():
        wanted = fold(header[i] + "[other]")
        if wanted in folded:
            other[key] = folded.index(wanted)
    return Mapping(profile, index, other, tuple(header))


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


__all__ = ["OTHER", "Mapping", "Profile", "detect", "load", "parse_delimiter", "parse_maps", "resolve"]
