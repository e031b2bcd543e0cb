"""The process definition (seed.yaml) as typed, validated data.

``parse_definition`` takes the mapping a YAML loader produced and returns a
``ProcessDefinition`` or raises ``SeedInvalid`` naming the key and what is wrong. No YAML and
no database here: the services read the file and write the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lipctl.errors import SeedInvalid
from lipctl.i18n import _
from lipctl.process import addresses
from lipctl.process.names import is_vacant

SUPPORTED_FORMAT = 1
BODY_KINDS = ("committee", "council", "steering_group", "advisory", "round_table", "expert_group")
QUORUM_RULES = ("more_than_half_of_members", "none")
MAJORITY_RULES = (
    "more_yes_than_no",
    "two_thirds_of_votes_cast",
    "two_thirds_of_present",
    "more_than_half_of_members",
)
MILESTONE_SCOPES = ("plan",)  # besides the document kinds


@dataclass(frozen=True)
class PersonRef:
    """A person in a role; ``unit`` is the department (Fachbereich), ``title`` the role's wording."""

    name: str
    unit: str | None = None
    title: str | None = None
    # issue 18: a field contact's (Ansprechpartner*in's) address and phone (only ``contact`` takes them)
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class ActionField:
    """Handlungsfeld."""

    slug: str
    name: str
    name_en: str | None
    aliases: tuple[str, ...]
    contact: PersonRef | None
    internal_speaker: PersonRef | None
    external_speaker: PersonRef | None


@dataclass(frozen=True)
class DocumentKind:
    """Grundsatzpapier or Ziel- und Maßnahmenkatalog."""

    slug: str
    name: str
    name_en: str | None
    aliases: tuple[str, ...] = ()
    based_on: str | None = None  # the kind it is written on the basis of ("auf dieser Grundlage")


@dataclass(frozen=True)
class SeatCategory:
    slug: str
    name: str
    name_en: str | None
    seats: int
    voting: bool = True


@dataclass(frozen=True)
class Body:
    """Gremium."""

    slug: str
    name: str
    name_en: str | None
    kind: str
    aliases: tuple[str, ...] = ()
    role: str | None = None
    rule_set: str | None = None
    seats: int | None = None
    seat_categories: tuple[SeatCategory, ...] = ()
    chair: PersonRef | None = None
    opinion_name: str | None = None
    field: str | None = None
    invitation_days: int | None = None  # Ladungsfrist (None: the default of 7 days)
    information_interval_days: int | None = None  # how often it is informed (Unterrichtung)
    email: str | None = None  # issue 18: where reminders go
    language: str = addresses.DEFAULT_LANGUAGE  # issue 18: the language reminders are written in

    @property
    def voting_seats(self) -> int | None:
        """Statutory number of voting members: explicit ``seats``, else the voting categories."""
        if self.seats is not None:
            return self.seats
        if self.seat_categories:
            return sum(c.seats for c in self.seat_categories if c.voting)
        return None


@dataclass(frozen=True)
class RuleSet:
    """A named vote rule set (Abstimmungsregeln)."""

    slug: str
    name: str
    quorum: str
    majority: str
    second_convocation_quorate: bool = True
    description: str | None = None


@dataclass(frozen=True)
class OpinionRequirement:
    body: str
    deadline_days: int


@dataclass(frozen=True)
class Milestone:
    """Meilenstein; ``applies_to`` is a document kind or ``plan``; ``due`` is None when the source gives
    no day (a month, a season, "nach …"), and ``due_text`` then says what it gives."""

    slug: str
    name: str
    name_en: str | None
    due: dt.date | None
    due_text: str | None
    applies_to: str


@dataclass(frozen=True)
class Category:
    """Survey category: Idee, Wunsch, Kritik."""

    slug: str
    name: str
    name_en: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    date: dt.date
    name: str
    note: str | None = None


# --- legislative terms (issue 17, OParl export) ---
@dataclass(frozen=True)
class LegislativeTerm:
    """Wahlperiode of the council: the OParl export's LegislativeTerm (the Body requires one)."""

    name: str
    start: dt.date
    end: dt.date | None = None


@dataclass(frozen=True)
class ProcessDefinition:
    name: str
    name_en: str | None
    short_name: str | None
    city: str | None
    office: str | None
    founding_drucksache: str | None
    founding_body: str | None
    document_kinds: tuple[DocumentKind, ...]
    fields: tuple[ActionField, ...]
    rule_sets: tuple[RuleSet, ...]
    bodies: tuple[Body, ...]
    requirements: tuple[OpinionRequirement, ...]
    decision_chain: dict[str, tuple[str, ...]]
    milestones: tuple[Milestone, ...]
    categories: tuple[Category, ...]
    events: tuple[Event, ...] = field(default=())
    legislative_terms: tuple[LegislativeTerm, ...] = field(default=())  # issue 17
    # The founding resolution's paper (Drucksachen register): its title and date, where the seed gives them.
    founding_title: str | None = None
    founding_date: dt.date | None = None

    def body(self, slug: str) -> Body:
        return next(b for b in self.bodies if b.slug == slug)


class _Reader:
    """Typed access to a YAML mapping that reports the dotted key of every problem."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> SeedInvalid:
        return SeedInvalid(self.source, key, problem)

    def mapping(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, _("expected a mapping, found {kind}").format(kind=_kind(value)))
        return value

    def seq(self, value: Any, key: str, *, min_items: int = 0) -> list[Any]:
        if value is None and min_items == 0:
            return []
        if not isinstance(value, list):
            raise self.fail(key, _("expected a list, found {kind}").format(kind=_kind(value)))
        if len(value) < min_items:
            raise self.fail(key, _("needs at least {n} entries").format(n=min_items))
        return value

    def text(self, m: dict[str, Any], name: str, key: str, *, required: bool = True) -> str | None:
        value = m.get(name)
        if value is None:
            if required:
                raise self.fail(_k(key, name), _("missing"))
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(_k(key, name), _("expected text, found {kind}").format(kind=_kind(value)))
        text = str(value).strip()
        if required and not text:
            raise self.fail(_k(key, name), _("is empty"))
        return text or None

    def integer(self, m: dict[str, Any], name: str, key: str, *, required: bool = True, minimum: int = 0) -> int | None:
        value = m.get(name)
        if value is None:
            if required:
                raise self.fail(_k(key, name), _("missing"))
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(_k(key, name), _("expected a whole number, found {kind}").format(kind=_kind(value)))
        if value < minimum:
            raise self.fail(_k(key, name), _("must be at least {minimum}, found {value}").format(minimum=minimum, value=value))
        return value

    def date(self, m: dict[str, Any], name: str, key: str) -> dt.date:
        value = m.get(name)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(_k(key, name), _("expected a date YYYY-MM-DD, found {value!r}").format(value=value))

    def choice(self, m: dict[str, Any], name: str, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(m, name, key)
        assert value is not None
        if value not in choices:
            problem = _("unknown value {value!r}; expected one of: {choices}").format(value=value, choices=", ".join(choices))
            raise self.fail(_k(key, name), problem)
        return value

    def aliases(self, m: dict[str, Any], key: str) -> tuple[str, ...]:
        items = self.seq(m.get("aliases"), f"{key}.aliases")
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, (str, int)) or not str(item).strip():
                raise self.fail(f"{key}.aliases[{i}]", _("expected a non-empty name"))
            out.append(str(item).strip())
        return tuple(out)

    def address(self, m: dict[str, Any], name: str, key: str, check: Callable[[str, str], str]) -> str | None:
        """An optional e-mail address, phone number or language, checked by ``check`` (lipctl.process.addresses)."""
        from lipctl.errors import InvalidInput

        value = self.text(m, name, key, required=False)
        if value is None:
            return None
        try:
            return check(value, name)
        except InvalidInput as exc:
            raise self.fail(_k(key, name), str(exc)) from None

    def person(self, m: dict[str, Any], name: str, key: str, *, required: bool, reachable: bool = False) -> PersonRef | None:
        if name not in m:
            if required:
                raise self.fail(_k(key, name), _("missing (write null for a vacant post)"))
            return None
        value = m[name]
        if value is None:
            return None
        k = _k(key, name)
        p = self.mapping(value, k)
        _unknown_keys(self, p, k, {"name", "unit", "title", "email", "phone"} if reachable else {"name", "unit", "title"})
        person_name = self.text(p, "name", k)
        assert person_name is not None
        if is_vacant(person_name):
            return None
        email = self.address(p, "email", k, addresses.check_email) if reachable else None
        phone = self.address(p, "phone", k, addresses.check_phone) if reachable else None
        return PersonRef(
            person_name, self.text(p, "unit", k, required=False), self.text(p, "title", k, required=False), email, phone
        )


def _k(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _kind(value: Any) -> str:
    if value is None:
        return _("nothing")
    number = _("a number")
    return {dict: _("a mapping"), list: _("a list"), str: _("text"), bool: _("true/false"), int: number, float: number}.get(
        type(value), type(value).__name__
    )


def _unknown_keys(r: _Reader, m: dict[str, Any], key: str, allowed: set[str]) -> None:
    for name in m:
        if name not in allowed:
            raise r.fail(_k(key, str(name)), _("unknown key; expected one of: {keys}").format(keys=", ".join(sorted(allowed))))


def _unique(r: _Reader, items: list[Any], key: str, what: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        slug = item.slug
        if slug in seen:
            raise r.fail(f"{key}[{i}].slug", _("duplicate {what} {slug!r}").format(what=what, slug=slug))
        seen.add(slug)


def _slug(r: _Reader, m: dict[str, Any], key: str) -> str:
    slug = r.text(m, "slug", key)
    assert slug is not None
    if not all(c.isascii() and (c.isalnum() or c == "-") for c in slug) or slug != slug.lower():
        raise r.fail(f"{key}.slug", _("{slug!r} is not a slug (lower-case letters, digits and '-')").format(slug=slug))
    return slug


_TOP_KEYS = {
    "format",
    "process",
    "document_kinds",
    "action_fields",
    "rule_sets",
    "bodies",
    "expert_groups",
    "requires_opinions_from",
    "decision_chain",
    "milestones",
    "survey_categories",
    "events",
    "legislative_terms",  # issue 17
}
_BODY_KEYS = {
    "slug",
    "name",
    "name_en",
    "aliases",
    "kind",
    "role",
    "rule_set",
    "seats",
    "seat_categories",
    "chair",
    "opinion_name",
    "invitation_days",
    "information_interval_days",
    "email",  # issue 18
    "language",  # issue 18
}


def _entries(r: _Reader, value: Any, key: str, allowed: set[str], *, min_items: int = 0) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each entry of a list section as (its key, its mapping), checked for unknown keys as it is reached."""
    for i, item in enumerate(r.seq(value, key, min_items=min_items)):
        k = f"{key}[{i}]"
        m = r.mapping(item, k)
        _unknown_keys(r, m, k, allowed)
        yield k, m


def _flag(r: _Reader, m: dict[str, Any], name: str, key: str) -> bool:
    """A true/false key that is true when absent."""
    value = m.get(name, True)
    if not isinstance(value, bool):
        raise r.fail(f"{key}.{name}", _("expected true or false"))
    return value


def _format(r: _Reader, root: dict[str, Any]) -> None:
    fmt = r.integer(root, "format", "", minimum=1)
    if fmt != SUPPORTED_FORMAT:
        problem = _("format {fmt} is not supported by this lipctl (it reads format {supported})")
        raise r.fail("format", problem.format(fmt=fmt, supported=SUPPORTED_FORMAT))


def _process(r: _Reader, value: Any) -> tuple[dict[str, Any], str | None, str | None]:
    """The ``process`` mapping with the founding resolution's Drucksache and body (its texts are read last)."""
    proc = r.mapping(value, "process")
    _unknown_keys(r, proc, "process", {"name", "name_en", "short_name", "city", "office", "founding_resolution"})
    founding = proc.get("founding_resolution")
    if founding is None:
        return proc, None, None
    fm = r.mapping(founding, "process.founding_resolution")
    drucksache = r.text(fm, "drucksache", "process.founding_resolution")
    body = r.text(fm, "body", "process.founding_resolution", required=False)
    return proc, drucksache, body


def _founding_paper(r: _Reader, proc: dict[str, Any]) -> tuple[str | None, dt.date | None]:
    """The founding resolution's title and date (both optional: the source may not give them)."""
    founding = proc.get("founding_resolution")
    if founding is None:
        return None, None
    fm = r.mapping(founding, "process.founding_resolution")
    title = r.text(fm, "title", "process.founding_resolution", required=False)
    raw = fm.get("date")
    if raw is None or isinstance(raw, dt.date):
        return title, raw
    raise r.fail("process.founding_resolution.date", _("{value!r} is not a date YYYY-MM-DD").format(value=raw))


def _document_kinds(r: _Reader, value: Any) -> list[DocumentKind]:
    entries = list(_entries(r, value, "document_kinds", {"slug", "name", "name_en", "aliases", "based_on"}, min_items=1))
    kinds = [
        DocumentKind(
            _slug(r, m, k),
            r.text(m, "name", k) or "",
            r.text(m, "name_en", k, required=False),
            r.aliases(m, k),
            r.text(m, "based_on", k, required=False),
        )
        for k, m in entries
    ]
    _unique(r, kinds, "document_kinds", _("document kind"))
    slugs = [kind.slug for kind in kinds]
    for (k, _m), kind in zip(entries, kinds, strict=True):
        if kind.based_on is not None and (kind.based_on not in slugs or kind.based_on == kind.slug):
            others = ", ".join(s for s in slugs if s != kind.slug) or "—"
            problem = _("no other document kind {name!r}; expected one of: {kinds}").format(name=kind.based_on, kinds=others)
            raise r.fail(f"{k}.based_on", problem)
    return kinds


def _fields(r: _Reader, value: Any) -> list[ActionField]:
    allowed = {"slug", "name", "name_en", "aliases", "contact", "internal_speaker", "external_speaker"}
    fields = [
        ActionField(
            slug=_slug(r, m, k),
            name=r.text(m, "name", k) or "",
            name_en=r.text(m, "name_en", k, required=False),
            aliases=r.aliases(m, k),
            contact=r.person(m, "contact", k, required=True, reachable=True),
            internal_speaker=r.person(m, "internal_speaker", k, required=True),
            external_speaker=r.person(m, "external_speaker", k, required=True),
        )
        for k, m in _entries(r, value, "action_fields", allowed, min_items=1)
    ]
    _unique(r, fields, "action_fields", _("action field"))
    return fields


def _rule_set(r: _Reader, m: dict[str, Any], k: str) -> RuleSet:
    second = _flag(r, m, "second_convocation_quorate", k)
    return RuleSet(
        slug=_slug(r, m, k),
        name=r.text(m, "name", k) or "",
        quorum=r.choice(m, "quorum", k, QUORUM_RULES),
        majority=r.choice(m, "majority", k, MAJORITY_RULES),
        second_convocation_quorate=second,
        description=r.text(m, "description", k, required=False),
    )


def _rule_sets(r: _Reader, value: Any) -> list[RuleSet]:
    allowed = {"slug", "name", "description", "quorum", "majority", "second_convocation_quorate"}
    rule_sets = [_rule_set(r, m, k) for k, m in _entries(r, value, "rule_sets", allowed, min_items=1)]
    _unique(r, rule_sets, "rule_sets", _("rule set"))
    return rule_sets


def _seat_category(r: _Reader, m: dict[str, Any], k: str) -> SeatCategory:
    voting = _flag(r, m, "voting", k)
    return SeatCategory(
        _slug(r, m, k),
        r.text(m, "name", k) or "",
        r.text(m, "name_en", k, required=False),
        r.integer(m, "seats", k, minimum=0) or 0,
        voting,
    )


def _body(r: _Reader, m: dict[str, Any], k: str, rule_slugs: set[str]) -> Body:
    allowed = {"slug", "name", "name_en", "seats", "voting"}
    cats = [_seat_category(r, cm, ck) for ck, cm in _entries(r, m.get("seat_categories"), f"{k}.seat_categories", allowed)]
    rule_set = r.text(m, "rule_set", k, required=False)
    if rule_set is not None and rule_set not in rule_slugs:
        defined = ", ".join(sorted(rule_slugs))
        problem = _("no rule set {rule_set!r}; defined: {names}").format(rule_set=rule_set, names=defined)
        raise r.fail(f"{k}.rule_set", problem)
    kind = r.choice(m, "kind", k, BODY_KINDS)
    if kind == "expert_group":
        raise r.fail(f"{k}.kind", _("expert groups come from 'expert_groups', one per action field"))
    return Body(
        slug=_slug(r, m, k),
        name=r.text(m, "name", k) or "",
        name_en=r.text(m, "name_en", k, required=False),
        kind=kind,
        aliases=r.aliases(m, k),
        role=r.text(m, "role", k, required=False),
        rule_set=rule_set,
        seats=r.integer(m, "seats", k, required=False, minimum=1),
        seat_categories=tuple(cats),
        chair=r.person(m, "chair", k, required=False),
        opinion_name=r.text(m, "opinion_name", k, required=False),
        invitation_days=r.integer(m, "invitation_days", k, required=False, minimum=0),
        information_interval_days=r.integer(m, "information_interval_days", k, required=False, minimum=1),
        email=r.address(m, "email", k, addresses.check_email),
        language=r.address(m, "language", k, addresses.check_language) or addresses.DEFAULT_LANGUAGE,
    )


def _bodies(r: _Reader, value: Any, rule_sets: list[RuleSet]) -> list[Body]:
    rule_slugs = {rs.slug for rs in rule_sets}
    return [_body(r, m, k, rule_slugs) for k, m in _entries(r, value, "bodies", _BODY_KEYS, min_items=1)]


def _expert_groups(r: _Reader, value: Any, fields: list[ActionField]) -> list[Body]:
    """One expert group per action field, from the ``expert_groups`` pattern ({slug}, {name}, {name_en})."""
    if value is None:
        return []
    em = r.mapping(value, "expert_groups")
    _unknown_keys(r, em, "expert_groups", {"slug", "name", "name_en", "role"})
    groups = []
    for fld in fields:
        values = {"slug": fld.slug, "name": fld.name, "name_en": fld.name_en or fld.name}
        try:
            groups.append(
                Body(
                    slug=(r.text(em, "slug", "expert_groups") or "").format(**values),
                    name=(r.text(em, "name", "expert_groups") or "").format(**values),
                    name_en=(r.text(em, "name_en", "expert_groups", required=False) or "").format(**values) or None,
                    kind="expert_group",
                    role=r.text(em, "role", "expert_groups", required=False),
                    field=fld.slug,
                )
            )
        except (KeyError, IndexError, ValueError) as exc:
            problem = _("bad placeholder {problem}; use {{slug}}, {{name}} or {{name_en}}").format(problem=exc)
            raise r.fail("expert_groups", problem) from None
    return groups


def _requirements(r: _Reader, value: Any, body_slugs: set[str]) -> list[OpinionRequirement]:
    requirements = []
    for k, m in _entries(r, value, "requires_opinions_from", {"body", "deadline_days"}):
        body = r.text(m, "body", k) or ""
        if body not in body_slugs:
            problem = _("no body {name!r}; defined: {names}").format(name=body, names=", ".join(sorted(body_slugs)))
            raise r.fail(f"{k}.body", problem)
        requirements.append(OpinionRequirement(body, r.integer(m, "deadline_days", k, minimum=1) or 1))
    if len({q.body for q in requirements}) != len(requirements):
        raise r.fail("requires_opinions_from", _("a body is listed twice"))
    return requirements


def _decision_chain(r: _Reader, value: Any, bodies: list[Body]) -> dict[str, tuple[str, ...]]:
    """The bodies that vote on a document and on the plan, in order; each must exist and have a rule set."""
    chain_raw = r.mapping(value, "decision_chain")
    _unknown_keys(r, chain_raw, "decision_chain", {"document", "plan"})
    by_slug = {b.slug: b for b in bodies}
    chain: dict[str, tuple[str, ...]] = {}
    for scope in ("document", "plan"):
        steps = r.seq(chain_raw.get(scope), f"decision_chain.{scope}", min_items=1)
        for j, step in enumerate(steps):
            if not isinstance(step, str) or step not in by_slug:  # a list or mapping here is not hashable
                raise r.fail(f"decision_chain.{scope}[{j}]", _("no body {name!r}").format(name=step))
            if by_slug[step].rule_set is None:
                raise r.fail(f"decision_chain.{scope}[{j}]", _("body {name!r} votes but has no rule_set").format(name=step))
        chain[scope] = tuple(steps)
    return chain


def _milestones(r: _Reader, value: Any, kinds: list[DocumentKind]) -> list[Milestone]:
    scopes = tuple(sorted({k.slug for k in kinds})) + MILESTONE_SCOPES
    milestones = [
        Milestone(
            slug=_slug(r, m, k),
            name=r.text(m, "name", k) or "",
            name_en=r.text(m, "name_en", k, required=False),
            due=_due(r, m, k),
            due_text=r.text(m, "due_text", k, required=False),
            applies_to=r.choice(m, "applies_to", k, scopes),
        )
        for k, m in _entries(r, value, "milestones", {"slug", "name", "name_en", "due", "due_text", "applies_to"})
    ]
    _unique(r, milestones, "milestones", _("milestone"))
    return milestones


def _due(r: _Reader, m: dict[str, Any], key: str) -> dt.date | None:
    """A milestone's due date: a day, or null (or absent) when ``due_text`` says what the source gives
    instead ("bis Herbst 2020"); a milestone with neither is refused."""
    if m.get("due") is not None:
        return r.date(m, "due", key)
    if r.text(m, "due_text", key, required=False) is None:
        raise r.fail(_k(key, "due"), _("missing: give a date YYYY-MM-DD, or null with due_text saying what the source gives"))
    return None


def _categories(r: _Reader, value: Any) -> list[Category]:
    categories = [
        Category(_slug(r, m, k), r.text(m, "name", k) or "", r.text(m, "name_en", k, required=False), r.aliases(m, k))
        for k, m in _entries(r, value, "survey_categories", {"slug", "name", "name_en", "aliases"})
    ]
    _unique(r, categories, "survey_categories", _("category"))
    return categories


def _events(r: _Reader, value: Any) -> list[Event]:
    return [
        Event(r.date(m, "date", k), r.text(m, "name", k) or "", r.text(m, "note", k, required=False))
        for k, m in _entries(r, value, "events", {"date", "name", "note"})
    ]


def _legislative_terms(r: _Reader, value: Any) -> list[LegislativeTerm]:
    """Issue 17: the council's terms, each with a name, a start and (once known) an end date."""
    terms = []
    for k, m in _entries(r, value, "legislative_terms", {"name", "start", "end"}):
        start = r.date(m, "start", k)
        end = r.date(m, "end", k) if m.get("end") is not None else None
        if end is not None and end < start:
            raise r.fail(f"{k}.end", _("the end {end} lies before the start {start}").format(end=end, start=start))
        terms.append(LegislativeTerm(r.text(m, "name", k) or "", start, end))
    return terms


def parse_definition(data: Any, source: str = "seed.yaml") -> ProcessDefinition:
    """Validate a seed mapping and return the process definition (Prozessdefinition).

    The sections are checked in the order below, so a seed with several problems always reports the same first one."""
    r = _Reader(source)
    root = r.mapping(data, "(top level)")
    _unknown_keys(r, root, "", _TOP_KEYS)
    _format(r, root)
    proc, founding_drucksache, founding_body = _process(r, root.get("process"))
    founding_title, founding_date = _founding_paper(r, proc)
    kinds = _document_kinds(r, root.get("document_kinds"))
    fields = _fields(r, root.get("action_fields"))
    rule_sets = _rule_sets(r, root.get("rule_sets"))
    bodies = _bodies(r, root.get("bodies"), rule_sets) + _expert_groups(r, root.get("expert_groups"), fields)
    _unique(r, bodies, "bodies", _("body"))
    body_slugs = {b.slug for b in bodies}
    if founding_body is not None and founding_body not in body_slugs:
        raise r.fail("process.founding_resolution.body", _("no body {name!r}").format(name=founding_body))
    requirements = _requirements(r, root.get("requires_opinions_from"), body_slugs)
    chain = _decision_chain(r, root.get("decision_chain"), bodies)
    milestones = _milestones(r, root.get("milestones"), kinds)
    categories = _categories(r, root.get("survey_categories"))
    events = _events(r, root.get("events"))
    terms = _legislative_terms(r, root.get("legislative_terms"))
    return ProcessDefinition(
        name=r.text(proc, "name", "process") or "",
        name_en=r.text(proc, "name_en", "process", required=False),
        short_name=r.text(proc, "short_name", "process", required=False),
        city=r.text(proc, "city", "process", required=False),
        office=r.text(proc, "office", "process", required=False),
        founding_drucksache=founding_drucksache,
        founding_body=founding_body,
        document_kinds=tuple(kinds),
        fields=tuple(fields),
        rule_sets=tuple(rule_sets),
        bodies=tuple(bodies),
        requirements=tuple(requirements),
        decision_chain=chain,
        milestones=tuple(milestones),
        categories=tuple(categories),
        events=tuple(events),
        legislative_terms=tuple(terms),
        founding_title=founding_title,
        founding_date=founding_date,
    )
