"""The process definition (seed.yaml) as typed, validated data.

``parse_definition`` takes the mapping a YAML loader produced and returns a
``ProcessDefinition`` or raises ``SeedInvalid`` naming the key and what is wrong. No YAML and
no database here: the services read the file and write the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lipctl.errors import SeedInvalid
from lipctl.i18n import _

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
    """Meilenstein; ``applies_to`` is a document kind or ``plan``."""

    slug: str
    name: str
    name_en: str | None
    due: dt.date
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

    def person(self, m: dict[str, Any], name: str, key: str, *, required: bool) -> PersonRef | None:
        if name not in m:
            if required:
                raise self.fail(_k(key, name), _("missing (write null for a vacant post)"))
            return None
        value = m[name]
        if value is None:
            return None
        k = _k(key, name)
        p = self.mapping(value, k)
        _unknown_keys(self, p, k, {"name", "unit", "title"})
        person_name = self.text(p, "name", k)
        assert person_name is not None
        if person_name.lower() in {"n.n.", "nn", "n. n."}:
            return None
        return PersonRef(person_name, self.text(p, "unit", k, required=False), self.text(p, "title", k, required=False))


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


def parse_definition(data: Any, source: str = "seed.yaml") -> ProcessDefinition:
    """Validate a seed mapping and return the process definition (Prozessdefinition)."""
    r = _Reader(source)
    root = r.mapping(data, "(top level)")
    _unknown_keys(
        r,
        root,
        "",
        {
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
        },
    )
    fmt = r.integer(root, "format", "", minimum=1)
    if fmt != SUPPORTED_FORMAT:
        problem = _("format {fmt} is not supported by this lipctl (it reads format {supported})")
        raise r.fail("format", problem.format(fmt=fmt, supported=SUPPORTED_FORMAT))

    proc = r.mapping(root.get("process"), "process")
    _unknown_keys(r, proc, "process", {"name", "name_en", "short_name", "city", "office", "founding_resolution"})
    founding = proc.get("founding_resolution")
    founding_drucksache = founding_body = None
    if founding is not None:
        fm = r.mapping(founding, "process.founding_resolution")
        founding_drucksache = r.text(fm, "drucksache", "process.founding_resolution")
        founding_body = r.text(fm, "body", "process.founding_resolution", required=False)

    kinds = []
    for i, item in enumerate(r.seq(root.get("document_kinds"), "document_kinds", min_items=1)):
        k = f"document_kinds[{i}]"
        m = r.mapping(item, k)
        _unknown_keys(r, m, k, {"slug", "name", "name_en", "aliases"})
        kinds.append(
            DocumentKind(_slug(r, m, k), r.text(m, "name", k) or "", r.text(m, "name_en", k, required=False), r.aliases(m, k))
        )
    _unique(r, kinds, "document_kinds", _("document kind"))
    kind_slugs = {k.slug for k in kinds}

    fields = []
    for i, item in enumerate(r.seq(root.get("action_fields"), "action_fields", min_items=1)):
        k = f"action_fields[{i}]"
        m = r.mapping(item, k)
        _unknown_keys(r, m, k, {"slug", "name", "name_en", "aliases", "contact", "internal_speaker", "external_speaker"})
        fields.append(
            ActionField(
                slug=_slug(r, m, k),
                name=r.text(m, "name", k) or "",
                name_en=r.text(m, "name_en", k, required=False),
                aliases=r.aliases(m, k),
                contact=r.person(m, "contact", k, required=True),
                internal_speaker=r.person(m, "internal_speaker", k, required=True),
                external_speaker=r.person(m, "external_speaker", k, required=True),
            )
        )
    _unique(r, fields, "action_fields", _("action field"))

    rule_sets = []
    for i, item in enumerate(r.seq(root.get("rule_sets"), "rule_sets", min_items=1)):
        k = f"rule_sets[{i}]"
        m = r.mapping(item, k)
        _unknown_keys(r, m, k, {"slug", "name", "description", "quorum", "majority", "second_convocation_quorate"})
        second = m.get("second_convocation_quorate", True)
        if not isinstance(second, bool):
            raise r.fail(f"{k}.second_convocation_quorate", _("expected true or false"))
        rule_sets.append(
            RuleSet(
                slug=_slug(r, m, k),
                name=r.text(m, "name", k) or "",
                quorum=r.choice(m, "quorum", k, QUORUM_RULES),
                majority=r.choice(m, "majority", k, MAJORITY_RULES),
                second_convocation_quorate=second,
                description=r.text(m, "description", k, required=False),
            )
        )
    _unique(r, rule_sets, "rule_sets", _("rule set"))
    rule_slugs = {rs.slug for rs in rule_sets}

    bodies = []
    for i, item in enumerate(r.seq(root.get("bodies"), "bodies", min_items=1)):
        k = f"bodies[{i}]"
        m = r.mapping(item, k)
        _unknown_keys(
            r,
            m,
            k,
            {
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
            },
        )
        cats = []
        for j, c in enumerate(r.seq(m.get("seat_categories"), f"{k}.seat_categories")):
            ck = f"{k}.seat_categories[{j}]"
            cm = r.mapping(c, ck)
            _unknown_keys(r, cm, ck, {"slug", "name", "name_en", "seats", "voting"})
            voting = cm.get("voting", True)
            if not isinstance(voting, bool):
                raise r.fail(f"{ck}.voting", _("expected true or false"))
            cats.append(
                SeatCategory(
                    _slug(r, cm, ck),
                    r.text(cm, "name", ck) or "",
                    r.text(cm, "name_en", ck, required=False),
                    r.integer(cm, "seats", ck, minimum=0) or 0,
                    voting,
                )
            )
        rule_set = r.text(m, "rule_set", k, required=False)
        if rule_set is not None and rule_set not in rule_slugs:
            defined = ", ".join(sorted(rule_slugs))
            problem = _("no rule set {rule_set!r}; defined: {names}").format(rule_set=rule_set, names=defined)
            raise r.fail(f"{k}.rule_set", problem)
        kind = r.choice(m, "kind", k, BODY_KINDS)
        if kind == "expert_group":
            raise r.fail(f"{k}.kind", _("expert groups come from 'expert_groups', one per action field"))
        bodies.append(
            Body(
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
            )
        )

    eg = root.get("expert_groups")
    if eg is not None:
        em = r.mapping(eg, "expert_groups")
        _unknown_keys(r, em, "expert_groups", {"slug", "name", "name_en", "role"})
        for fld in fields:
            values = {"slug": fld.slug, "name": fld.name, "name_en": fld.name_en or fld.name}
            try:
                bodies.append(
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
    _unique(r, bodies, "bodies", _("body"))
    body_slugs = {b.slug for b in bodies}
    if founding_body is not None and founding_body not in body_slugs:
        raise r.fail("process.founding_resolution.body", _("no body {name!r}").format(name=founding_body))

    requirements = []
    for i, item in enumerate(r.seq(root.get("requires_opinions_from"), "requires_opinions_from")):
        k = f"requires_opinions_from[{i}]"
        m = r.mapping(item, k)
        _unknown_keys(r, m, k, {"body", "deadline_days"})
        body = r.text(m, "body", k) or ""
        if body not in body_slugs:
            problem = _("no body {name!r}; defined: {names}").format(name=body, names=", ".join(sorted(body_slugs)))
            raise r.fail(f"{k}.body", problem)
        requirements.append(OpinionRequirement(body, r.integer(m, "deadline_days", k, minimum=1) or 1))
    if len({q.body for q in requirements}) != len(requirements):
        raise r.fail("requires_opinions_from", _("a body is listed twice"))

    chain_raw = r.mapping(root.get("decision_chain"), "decision_chain")
    _unknown_keys(r, chain_raw, "decision_chain", {"document", "plan"})
    chain: dict[str, tuple[str, ...]] = {}
    for scope in ("document", "plan"):
        steps = r.seq(chain_raw.get(scope), f"decision_chain.{scope}", min_items=1)
        for j, step in enumerate(steps):
            if not isinstance(step, str) or step not in body_slugs:  # a list or mapping here is not hashable
                raise r.fail(f"decision_chain.{scope}[{j}]", _("no body {name!r}").format(name=step))
            b = next(b for b in bodies if b.slug == step)
            if b.rule_set is None:
                raise r.fail(f"decision_chain.{scope}[{j}]", _("body {name!r} votes but has no rule_set").format(name=step))
        chain[scope] = tuple(steps)

    milestones = []
    for i, item in enumerate(r.seq(root.get("milestones"), "milestones")):
        k = f"milestones[{i}]"
        m = r.mapping(item, k)
        _unknown_keys(r, m, k, {"slug", "name", "name_en", "due", "due_text", "applies_to"})
        milestones.append(
            Milestone(
                slug=_slug(r, m, k),
                name=r.text(m, "name", k) or "",
                name_en=r.text(m, "name_en", k, required=False),
                due=r.date(m, "due", k),
                due_text=r.text(m, "due_text", k, required=False),
                applies_to=r.choice(m, "applies_to", k, tuple(sorted(kind_slugs)) + MILESTONE_SCOPES),
            )
        )
    _unique(r, milestones, "milestones", _("milestone"))

    categories = []
    for i, item in enumerate(r.seq(root.get("survey_categories"), "survey_categories")):
        k = f"survey_categories[{i}]"
        m = r.mapping(item, k)
        _unknown_keys(r, m, k, {"slug", "name", "name_en", "aliases"})
        categories.append(
            Category(_slug(r, m, k), r.text(m, "name", k) or "", r.text(m, "name_en", k, required=False), r.aliases(m, k))
        )
    _unique(r, categories, "survey_categories", _("category"))

    events = []
    for i, item in enumerate(r.seq(root.get("events"), "events")):
        k = f"events[{i}]"
        m = r.mapping(item, k)
        _unknown_keys(r, m, k, {"date", "name", "note"})
        events.append(Event(r.date(m, "date", k), r.text(m, "name", k) or "", r.text(m, "note", k, required=False)))

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
    )
