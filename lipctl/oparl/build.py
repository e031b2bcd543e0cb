"""The OParl 1.1 objects (OParl-Objekte), built from the export's plain rows: pure functions, no I/O.

Every object's ``id`` is the base URL and its path in the tree (``Urls``); the tree is
``{relative path: object}``: one file per object and one per page of each external list
(lipctl.oparl.tree). The words are the council's, in German whatever the interface language
(OParl data is the city's record, not a message to the user): results "Unverändert beschlossen",
"Abgelehnt", …, stances "Zustimmung", … .

Issue 16's records:

- ``sessions`` makes a Meeting of every recorded session (Sitzung) with its AgendaItems (the
  agenda's rows, and one item per information of the committee), and maps each resolution to its
  agenda item and session, so that its Consultation links them.
- ``paper_objects`` makes a Paper of every submitted version (the complete plan's too) and of every
  Drucksache of the register (``reference`` its number, ``subordinatedPaper`` the versions it
  carries; the versions name it as ``superordinatedPaper``).
- ``persons`` makes the memberships: field contacts, the seed's chairs and the rosters (voting
  right, role, from/until).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lipctl.oparl import source as src
from lipctl.oparl.tree import Tree, Urls

SCHEMA = "https://schema.oparl.org/1.1/"

ORGANIZATION_TYPE = "Gremium"
CLASSIFICATION = {
    "committee": "Ausschuss",
    "council": "Rat",
    "steering_group": "Lenkungsgruppe",
    "advisory": "Beirat",
    "round_table": "Runder Tisch",
    "expert_group": "Arbeitsgruppe",
}
RESULT = {
    "adopted": "Unverändert beschlossen",
    "rejected": "Abgelehnt",
    "deferred": "Vertagt",
    "not_quorate": "Nicht beschlussfähig",
}
STANCE = {"approve": "Zustimmung", "amend": "Änderungsbedarf", "reject": "Ablehnung"}
OUTCOME = {"forward": "An den Ausschuss weitergeleitet", "return": "Zur Überarbeitung zurückgegeben"}
STATE = {
    "submitted": "Eingereicht",
    "ready_for_decision": "Entscheidungsreif",
    "returned": "Zur Überarbeitung zurückgegeben",
    "forwarded": "Zur Beschlussfassung weitergeleitet",
    "adopted": "Beschlossen",
    "rejected": "Abgelehnt",
    "superseded": "Durch neuere Fassung ersetzt",
}
CONTACT_ROLE = {
    "contact": "Ansprechpartner*in",
    "internal_speaker": "Interne*r Sprecher*in",
    "external_speaker": "Externe*r Sprecher*in",
}
MEMBER_ROLE = {"chair": "Vorsitz", "deputy": "stellv. Vorsitz", "member": "Mitglied"}
PAPER_TYPE_VERSION = "Entwurf"  # a submitted version of a field's document or of the plan
PAPER_TYPE_DRUCKSACHE = "Beschlussdrucksache"
PAPER_TYPE = {"resolution": "Beschlussdrucksache", "information": "Informationsdrucksache", "amendment": "Änderungsantrag"}
ROLE_INFORMATION = "Kenntnisnahme"
RESULT_INFORMATION = "Zur Kenntnis genommen"
PLAN_NAME = "Lokaler Integrationsplan 2.0"  # when the seed gives the process no name
ROLE_DECISION = "Entscheidung"
ROLE_STEERING = "Vorberatung"
ROLE_OPINION = "Stellungnahme"  # when the body's seed gives no opinion_name
MEETING_STATE = "durchgeführt"  # a session with a tally or an information on record
MEETING_INVITED = "eingeladen"  # its invitation date is known
MEETING_SCHEDULED = "terminiert"
TIMEZONE = "Europe/Berlin"  # OParl is German; a meeting's day starts at midnight there

Stamp = tuple[dt.datetime, dt.datetime]


# --- created / modified: from the audit trail ----------------------------------------------------


class Stamps:
    """``created`` and ``modified`` of every object, from the times of the audit events about its record.

    The process definition (seed) dates what it defines: first and latest ``seed.loaded``.
    """

    def __init__(self, events: Iterable[src.EventRow]) -> None:
        self.times: dict[tuple[Any, ...], list[dt.datetime]] = defaultdict(list)
        self.all: list[dt.datetime] = []
        for e in events:
            self.all.append(e.occurred_at)
            if e.action.startswith("seed."):
                self.times["seed",].append(e.occurred_at)
            if e.action.startswith("contact.") and e.entity_id is not None:
                self.times["contact", e.entity_id, e.role].append(e.occurred_at)
            if e.entity in ("draft", "meeting", "paper", "membership", "body") and e.entity_id is not None:
                self.times[e.entity, e.entity_id].append(e.occurred_at)
            for kind, value in (
                ("opinion", e.opinion),
                ("decision", e.decision),
                ("resolution", e.resolution),
                ("item", e.item),
                ("information", e.information),
            ):
                if value is not None:
                    self.times[kind, value].append(e.occurred_at)

    def seed(self) -> Stamp:
        return self._span(self.times.get(("seed",)) or self.all[:1] or [dt.datetime(1970, 1, 1)])  # noqa: DTZ001 - naive UTC

    def of(self, *key: Any) -> Stamp:
        """The first and the last event about the record ``key``; the seed's dates when there is none."""
        found = self.times.get(key)
        return self._span(found) if found else self.seed()

    def since(self, created: dt.datetime, *keys: tuple[Any, ...]) -> Stamp:
        """From a record's own creation time to the last event about it (or about any of ``keys``)."""
        times = [created, *(t for key in keys for t in self.times.get(key, []))]
        return min(times), max(times)

    def contact(self, field_id: int, role: str) -> Stamp:
        created, modified = self.seed()
        changed = self.times.get(("contact", field_id, role), [])
        return created, max([modified, *changed])

    @staticmethod
    def _span(times: list[dt.datetime]) -> Stamp:
        return min(times), max(times)


def stamp(obj: dict[str, Any], span: Stamp, *, deleted: bool = False) -> dict[str, Any]:
    obj["created"] = _time(span[0])
    obj["modified"] = _time(span[1])
    if deleted:
        obj["deleted"] = True
    return obj


def _time(t: dt.datetime) -> str:
    return t.replace(tzinfo=dt.UTC, microsecond=0).isoformat()


def _local_midnight(day: dt.date) -> str:
    return _local_time(day, None)


def _local_time(day: dt.date, start: str | None) -> str:
    """The day at ``start`` (HH:MM, Berlin time; None: midnight), with its offset."""
    try:
        from zoneinfo import ZoneInfo

        zone: dt.tzinfo = ZoneInfo(TIMEZONE)
    except (ImportError, KeyError, ValueError):  # no time zone database: UTC  # pragma: no cover
        zone = dt.UTC
    at = dt.time()
    if start:
        try:
            at = dt.time.fromisoformat(start)
        except ValueError:  # recorded by hand in another form: the day
            at = dt.time()
    return dt.datetime.combine(day, at, zone).isoformat()


def span_of(spans: Iterable[Stamp]) -> Stamp:
    spans = list(spans)
    return min(s[0] for s in spans), max(s[1] for s in spans)


# --- the export -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentFacts:
    """A stored document as it was copied into the tree (``--with-files``)."""

    path: str  # relative path of the copy in the tree
    file_name: str
    size: int
    sha512: str
    mime_type: str


@dataclass
class Export:
    """The objects, their lists and per type the number of objects."""

    tree: Tree
    counts: dict[str, int] = field(default_factory=dict)


def build(
    snap: src.Snapshot,
    urls: Urls,
    documents: dict[int, DocumentFacts] | None = None,
    information_documents: dict[int, DocumentFacts] | None = None,
) -> Export:
    """The whole OParl tree; ``documents`` (draft id -> the copy) and ``information_documents``
    (committee information id -> the copy) only with ``--with-files``."""
    with_files = documents is not None
    documents = documents or {}
    st = Stamps(snap.events)
    tree = Tree(urls)
    body_url = urls.url("body/1.json")
    orgs = {b.id: b for b in snap.bodies}
    expert_group = {b.field_id: b for b in snap.bodies if b.kind == "expert_group" and b.field_id is not None}

    terms = legislative_terms(snap, urls, body_url, st)
    people, memberships_by_org = persons(snap, urls, body_url, st, expert_group)
    numbers = drucksache_urls(snap, urls)
    plan_name = str(snap.info.get("name") or PLAN_NAME)
    info_files = {
        i.id: information_file(doc, urls, i, st)
        for i in snap.information
        if (doc := (information_documents or {}).get(i.id)) is not None
    }
    s = sessions(snap, urls, orgs, st, numbers, info_files, plan_name)
    meetings, items, resolution_items = s.meetings, s.items, s.links
    papers, consultations, files = paper_objects(
        snap, urls, body_url, st, orgs, expert_group, resolution_items, documents, numbers, s, plan_name
    )
    meetings_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in meetings:
        for org_url in m.get("organization", []):
            meetings_of[org_url].append(m)
    organizations = [organization(b, urls, body_url, st, snap, memberships_by_org.get(b.id, [])) for b in snap.bodies]
    memberships = [m for p in people for m in p.get("membership", [])]

    lists = {
        "organization": organizations,
        "person": people,
        "meeting": meetings,
        "paper": papers,
        "membership": memberships,
        "agendaItem": items,
        "consultation": consultations,
        "legislativeTerm": terms,
        "location": s.locations,
    }
    if with_files:
        lists["file"] = files
    body = system_body(snap, urls, body_url, st, terms, with_files)
    system = stamp(
        {
            "id": urls.url("system.json"),
            "type": SCHEMA + "System",
            "oparlVersion": SCHEMA,
            "name": " – ".join(x for x in (snap.info.get("name"), snap.info.get("city")) if x) or "lipctl",
            "body": urls.url("body.json"),
        },
        st.seed(),
    )
    tree.add(system)
    tree.add_list("body.json", [body])
    for name, objects in lists.items():
        tree.add_list(f"body/1/{name}.json", objects)
        for obj in objects:
            tree.add(obj)
    tree.add(body)
    consultations_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in consultations:
        for org_url in c.get("organization", []):
            consultations_of[org_url].append(c)
    for org in organizations:
        tree.add_list(org["meeting"], meetings_of.get(org["id"], []))
        tree.add_list(org["consultation"], consultations_of.get(org["id"], []))
    counts = {"System": 1, "Body": 1}
    for name, objects in lists.items():
        counts[name[0].upper() + name[1:]] = len(objects)
    return Export(tree, dict(sorted(counts.items())))


def system_body(
    snap: src.Snapshot,
    urls: Urls,
    body_url: str,
    st: Stamps,
    terms: list[dict[str, Any]],
    with_files: bool,
) -> dict[str, Any]:
    """The Body: the city that runs the process (``process.city`` of the seed)."""
    info = snap.info
    lists = urls.url
    body: dict[str, Any] = {
        "id": body_url,
        "type": SCHEMA + "Body",
        "system": lists("system.json"),
        "name": info.get("city") or info.get("name") or "lipctl",
        "organization": lists("body/1/organization.json"),
        "person": lists("body/1/person.json"),
        "meeting": lists("body/1/meeting.json"),
        "paper": lists("body/1/paper.json"),
        "agendaItem": lists("body/1/agendaItem.json"),
        "consultation": lists("body/1/consultation.json"),
        "membership": lists("body/1/membership.json"),
        "legislativeTermList": lists("body/1/legislativeTerm.json"),
        "locationList": lists("body/1/location.json"),
        "legislativeTerm": terms,
    }
    if with_files:
        body["file"] = lists("body/1/file.json")
    # No ``mainOrganization``: the 1.1 schema gives it ``"$ref": "Organization"`` beside ``type: string``,
    # and under draft-07 the $ref wins, so a URL there would fail validation against the published schema.
    keywords = [x for x in (info.get("name"), info.get("short_name")) if x]
    if keywords:
        body["keyword"] = keywords
    return stamp(body, st.seed())


def legislative_terms(snap: src.Snapshot, urls: Urls, body_url: str, st: Stamps) -> list[dict[str, Any]]:
    """Wahlperioden, from the seed (process_info ``legislative_terms``), by start date."""
    import json

    raw = snap.info.get("legislative_terms")
    terms = json.loads(raw) if raw else []
    out = []
    for n, term in enumerate(sorted(terms, key=lambda t: (t["start"], t["name"])), start=1):
        obj: dict[str, Any] = {
            "id": urls.url(f"legislativeterm/{n}.json"),
            "type": SCHEMA + "LegislativeTerm",
            "body": body_url,
            "name": term["name"],
            "startDate": term["start"],
        }
        if term.get("end"):
            obj["endDate"] = term["end"]
        out.append(stamp(obj, st.seed()))
    return out


def organization(
    b: src.BodyRow,
    urls: Urls,
    body_url: str,
    st: Stamps,
    snap: src.Snapshot,
    memberships: list[str],
) -> dict[str, Any]:
    """A body (Gremium) as an Organization, classified as councils do (Ausschuss, Rat, Beirat, …)."""
    seats = [c for c in snap.seat_categories if c.body_id == b.id]
    obj: dict[str, Any] = {
        "id": urls.url(f"organization/{b.slug}.json"),
        "type": SCHEMA + "Organization",
        "body": body_url,
        "name": b.name,
        "organizationType": ORGANIZATION_TYPE,
        "classification": CLASSIFICATION.get(b.kind, "Sonstiges"),
        "meeting": urls.url(f"organization/{b.slug}/meeting.json"),
        "consultation": urls.url(f"organization/{b.slug}/consultation.json"),
    }
    if memberships:
        obj["membership"] = memberships
    roles = {m.role for m in snap.members if m.body_id == b.id}
    posts = [MEMBER_ROLE[r] for r in ("chair", "deputy") if r in roles] + [c.name for c in seats]
    if posts:
        obj["post"] = posts
    current = [m for m in snap.members if m.body_id == b.id and m.until is None]  # the roster as it stands
    recorded = [row.seats for row in snap.seats if row.body_id == b.id]  # by date: the latest counts
    if recorded:
        voting: int | None = recorded[-1]
    elif b.seats is not None:
        voting = b.seats
    elif seats:
        voting = sum(c.seats or 0 for c in seats if c.voting)
    else:
        voting = sum(1 for m in current if m.voting) or None
    if voting:
        obj["votingMemberCount"] = voting
    if seats:
        obj["memberCount"] = sum(c.seats or 0 for c in seats)
    elif current and b.kind in ("committee", "council"):
        obj["memberCount"] = len(current)
    if b.opinion_name:
        obj["keyword"] = [b.opinion_name]
    return stamp(obj, st.since(st.seed()[0], ("body", b.id)))


# --- people and their memberships ---------------------------------------------------------------------


def persons(
    snap: src.Snapshot, urls: Urls, body_url: str, st: Stamps, expert_group: dict[int, src.BodyRow]
) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    """Every person in a public role (contact, speaker, chair, member), with their memberships embedded.

    Returns the people and, per body id, the URLs of the memberships in it.
    """
    orgs = {b.id: b for b in snap.bodies}
    fields = {f.id: f for f in snap.fields}
    by_person: dict[int, list[dict[str, Any]]] = defaultdict(list)
    status: dict[int, list[str]] = defaultdict(list)
    by_org: dict[int, list[str]] = defaultdict(list)
    for c in sorted(snap.contacts, key=lambda c: (fields[c.field_id].position if c.field_id in fields else 0, c.id)):
        if c.person_id is None:  # a vacant post ("N.n.")
            continue
        group = expert_group.get(c.field_id)
        role = c.title or CONTACT_ROLE.get(c.role, c.role)
        field_name = fields[c.field_id].name if c.field_id in fields else None
        if field_name:
            role = f"{role}, Handlungsfeld {field_name}"
        if c.unit:
            role = f"{role} ({c.unit})"
        m: dict[str, Any] = {
            "id": urls.url(f"membership/contact-{c.id}-{c.person_id}.json"),
            "type": SCHEMA + "Membership",
            "person": urls.url(f"person/{c.person_id}.json"),
        }
        if group is not None:
            m["organization"] = urls.url(f"organization/{group.slug}.json")
            by_org[group.id].append(m["id"])
        m["role"] = role
        changes = [e for e in snap.events if e.action == "contact.changed" and (e.entity_id, e.role) == (c.field_id, c.role)]
        if changes:
            m["startDate"] = changes[-1].occurred_at.date().isoformat()
        by_person[c.person_id].append(stamp(m, st.contact(c.field_id, c.role)))
    for pid, group_id, m in ended_contacts(snap, urls, st, expert_group):
        by_person[pid].append(m)
        if group_id is not None:
            by_org[group_id].append(m["id"])
    for mem in snap.members:
        if mem.body_id not in orgs:
            continue
        role = MEMBER_ROLE.get(mem.role, mem.role)
        if mem.role == "member" and mem.voting is False:
            role = "Beratendes Mitglied"
        if mem.seat_category:
            role = f"{role} ({mem.seat_category})"
        m = {
            "id": urls.url(f"membership/member-{mem.id}.json"),
            "type": SCHEMA + "Membership",
            "person": urls.url(f"person/{mem.person_id}.json"),
            "organization": urls.url(f"organization/{orgs[mem.body_id].slug}.json"),
            "role": role,
        }
        if mem.voting is not None:
            m["votingRight"] = mem.voting
        if mem.since is not None:
            m["startDate"] = mem.since.isoformat()
        if mem.until is not None:
            m["endDate"] = mem.until.isoformat()
        if mem.title:
            m["keyword"] = [mem.title]
            status[mem.person_id].append(mem.title)
        by_org[mem.body_id].append(m["id"])
        by_person[mem.person_id].append(stamp(m, st.of("membership", mem.id)))
    people = []
    for pid in sorted(by_person):
        if pid not in snap.people:
            continue
        ms = by_person[pid]
        person: dict[str, Any] = {
            "id": urls.url(f"person/{pid}.json"),
            "type": SCHEMA + "Person",
            "body": body_url,
            "name": snap.people[pid],
        }
        if status[pid]:
            person["status"] = list(dict.fromkeys(status[pid]))
        person["membership"] = ms
        people.append(stamp(person, span_of((_parse(m["created"]), _parse(m["modified"])) for m in ms)))
    return people, dict(by_org)


def ended_contacts(
    snap: src.Snapshot, urls: Urls, st: Stamps, expert_group: dict[int, src.BodyRow]
) -> list[tuple[int, int | None, dict[str, Any]]]:
    """The memberships of people who held a field's post before a changed seed gave it to another
    (``contact.changed`` in the audit trail): they stay, with their ``endDate``, never silently gone.

    Each as (person id, the expert group's body id, the Membership)."""
    posts = {(c.field_id, c.role): c for c in snap.contacts}
    ids = {name: pid for pid, name in snap.people.items()}
    fields = {f.id: f.name for f in snap.fields}
    ended: dict[str, tuple[int, int | None, dict[str, Any]]] = {}
    for e in snap.events:
        if e.action != "contact.changed" or e.before is None or e.entity_id is None:
            continue
        post, pid = posts.get((e.entity_id, e.role or "")), ids.get(e.before)
        if post is None or pid is None or pid == post.person_id:
            continue
        role = CONTACT_ROLE.get(post.role, post.role)
        if post.field_id in fields:
            role = f"{role}, Handlungsfeld {fields[post.field_id]}"
        m: dict[str, Any] = {
            "id": urls.url(f"membership/contact-{post.id}-{pid}.json"),
            "type": SCHEMA + "Membership",
            "person": urls.url(f"person/{pid}.json"),
        }
        group = expert_group.get(post.field_id)
        if group is not None:
            m["organization"] = urls.url(f"organization/{group.slug}.json")
        m["role"] = role
        m["endDate"] = e.occurred_at.date().isoformat()
        # the last change that ended it counts
        ended[m["id"]] = (pid, group.id if group is not None else None, stamp(m, (st.seed()[0], e.occurred_at)))
    return [ended[key] for key in sorted(ended)]


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)


# --- Drucksachen: their URLs --------------------------------------------------------------------------

_NOT_SAFE = re.compile(r"[^A-Za-z0-9]+")


def drucksache_urls(snap: src.Snapshot, urls: Urls) -> dict[str, str]:
    """Per Drucksache number its Paper's URL: ``paper/drucksache-<number as letters, digits, '-'>.json``.

    The register's numbers first (in order of registration), then numbers used by agenda items and
    the committee's information that the register does not hold. Two numbers that spell the same path
    (only possible for numbers recorded before the register checked their form) keep it apart: the
    later one's path ends in the order of its registration.
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    for number in [p.number for p in snap.papers] + unregistered_numbers(snap):
        if number in out:
            continue
        slug = _NOT_SAFE.sub("-", number).strip("-") or "ohne-nummer"
        path = f"paper/drucksache-{slug}"
        if path in taken:
            path = f"{path}-{len(out) + 1}"
        taken.add(path)
        out[number] = urls.url(f"{path}.json")
    return out


def unregistered_numbers(snap: src.Snapshot) -> list[str]:
    """Drucksache numbers named by agenda items, information or tallies but not in the register, in order."""
    registered = {p.number for p in snap.papers}
    found = [i.drucksache for i in snap.agenda_items] + [i.drucksache for i in snap.information]
    found += [r.drucksache for r in snap.resolutions]
    return list(dict.fromkeys(n for n in found if n and n not in registered))


# --- sessions and agenda items --------------------------------------------------------------------


@dataclass
class Sessions:
    """The meetings (agenda items embedded), their agenda items, their locations, and per resolution
    the URLs of its agenda item and session; the committee's information as items with their
    Consultations (by Drucksache number) and Files."""

    meetings: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    locations: list[dict[str, Any]] = field(default_factory=list)
    links: dict[int, tuple[str, str]] = field(default_factory=dict)
    information: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # number -> consultations
    files: list[dict[str, Any]] = field(default_factory=list)


def meeting_paths(snap: src.Snapshot, orgs: dict[int, src.BodyRow]) -> dict[int, str]:
    """``meeting/<body>-<day>.json``; a body's later sessions on the same day end in their id."""
    out: dict[int, str] = {}
    seen: set[tuple[int, dt.date]] = set()
    for mt in sorted(snap.meetings, key=lambda m: m.id):
        slug = orgs[mt.body_id].slug if mt.body_id in orgs else f"gremium-{mt.body_id}"
        base = f"meeting/{slug}-{mt.date.isoformat()}"
        out[mt.id] = f"{base}.json" if (mt.body_id, mt.date) not in seen else f"{base}-{mt.id}.json"
        seen.add((mt.body_id, mt.date))
    return out


def sessions(
    snap: src.Snapshot,
    urls: Urls,
    orgs: dict[int, src.BodyRow],
    st: Stamps,
    numbers: dict[str, str],
    info_files: dict[int, dict[str, Any]],
    plan_name: str,
) -> Sessions:
    """Every recorded session (Sitzung) as a Meeting, its agenda as AgendaItems in order.

    An item's ``result`` and ``resolutionText`` are those of the tally that counts (the latest one not
    voided); its ``consultation`` is that tally's. A voided tally stays as its Consultation with
    ``deleted``. The committee's information (Unterrichtung) is an item after the agenda's, its
    Drucksache's Paper consulted "zur Kenntnisnahme" and its stored document an ``auxiliaryFile``.
    """
    out = Sessions()
    paths = meeting_paths(snap, orgs)
    drafts = {d.id: d for d in snap.drafts}
    kinds = {k.slug: k.name for k in snap.kinds}
    fields = {f.slug: f.name for f in snap.fields}
    short = str(snap.info.get("short_name") or "LIP 2.0")
    items_of: dict[int, list[src.AgendaItemRow]] = defaultdict(list)
    for item in snap.agenda_items:
        items_of[item.meeting_id].append(item)
    tallies: dict[tuple[int | None, str, int | None], list[src.ResolutionRow]] = defaultdict(list)
    for res in snap.resolutions:
        tallies[res.meeting_id, res.scope, res.draft_id].append(res)
    informed: dict[int, list[src.InformationRow]] = defaultdict(list)
    for info in snap.information:
        informed[info.meeting_id].append(info)
    for mt in snap.meetings:
        meeting_url = urls.url(paths[mt.id])
        body = orgs.get(mt.body_id)
        agenda: list[dict[str, Any]] = []
        held = False
        for item in items_of[mt.id]:
            rows = tallies.get((mt.id, item.scope, item.draft_id), [])
            item_url = urls.url(f"agendaitem/{item.id}.json")
            for res in rows:
                out.links[res.id] = (item_url, meeting_url)
            live = [r for r in rows if not r.voided]
            counting = live[-1] if live else (rows[-1] if rows else None)
            held = held or bool(live)
            draft = drafts.get(item.draft_id) if item.draft_id is not None else None
            obj: dict[str, Any] = {"id": item_url, "type": SCHEMA + "AgendaItem", "meeting": meeting_url}
            if item.number:
                obj["number"] = item.number
            obj["order"] = item.position
            obj["name"] = _version_name(draft, kinds, fields, plan_name) if draft is not None else f"{plan_name} (Gesamtplan)"
            obj["public"] = True
            if counting is not None:
                obj["consultation"] = urls.url(f"consultation/resolution-{counting.id}.json")
            if live:
                obj["result"] = RESULT.get(live[-1].result, live[-1].result)
                obj["resolutionText"] = tally_text(live[-1])
            keys = [("item", item.id), *(("resolution", r.id) for r in rows)]
            agenda.append(stamp(obj, st.since(item.created_at, *keys)))
        last = max((i.position for i in items_of[mt.id]), default=0)
        for n, info in enumerate(informed[mt.id], start=1):
            held = True
            item_url = urls.url(f"agendaitem/information-{info.id}.json")
            obj = {"id": item_url, "type": SCHEMA + "AgendaItem", "meeting": meeting_url, "order": last + n}
            obj["name"] = f"Bericht zum Stand des {short}"
            obj["public"] = True
            span = st.since(info.recorded_at, ("information", info.id))
            if info.drucksache and info.drucksache in numbers:
                c: dict[str, Any] = {
                    "id": urls.url(f"consultation/information-{info.id}.json"),
                    "type": SCHEMA + "Consultation",
                    "paper": numbers[info.drucksache],
                    "agendaItem": item_url,
                    "meeting": meeting_url,
                }
                if body is not None:
                    c["organization"] = [urls.url(f"organization/{body.slug}.json")]
                c.update({"authoritative": False, "role": ROLE_INFORMATION})
                out.information.setdefault(info.drucksache, []).append(stamp(c, span))
                obj["consultation"] = c["id"]
            obj["result"] = RESULT_INFORMATION
            file = info_files.get(info.id)
            if file is not None:
                file = {**file, "agendaItem": [item_url]}
                if info.drucksache and info.drucksache in numbers:
                    file["paper"] = [numbers[info.drucksache]]
                obj["auxiliaryFile"] = [file]
                out.files.append(file)
            agenda.append(stamp(obj, span))
        meeting: dict[str, Any] = {
            "id": meeting_url,
            "type": SCHEMA + "Meeting",
            "name": _meeting_name(body, mt),
            "meetingState": MEETING_STATE if held else (MEETING_INVITED if mt.invited_on else MEETING_SCHEDULED),
            "start": _local_time(mt.date, mt.start),
        }
        span = st.since(mt.created_at, ("meeting", mt.id))
        span = span_of([span, *((_parse(i["created"]), _parse(i["modified"])) for i in agenda)])
        if mt.location:
            place = stamp(
                {
                    "id": urls.url(f"location/meeting-{mt.id}.json"),
                    "type": SCHEMA + "Location",
                    "description": mt.location,
                    "meetings": [meeting_url],
                },
                st.since(mt.created_at, ("meeting", mt.id)),
            )
            meeting["location"] = place
            out.locations.append(place)
        if body is not None:
            meeting["organization"] = [urls.url(f"organization/{body.slug}.json")]
        if mt.second_convocation_of is not None and mt.second_convocation_of in paths:
            meeting["keyword"] = ["Zweite Ladung (§ 65 Abs. 2 NKomVG)"]
        meeting["agendaItem"] = agenda
        out.meetings.append(stamp(meeting, span))
        out.items.extend(agenda)
    return out


def _meeting_name(body: src.BodyRow | None, mt: src.MeetingRow) -> str:
    name = f"{body.name if body else 'Gremium'}, Sitzung am {mt.date.strftime('%d.%m.%Y')}"
    return f"{name} (zweite Ladung)" if mt.second_convocation_of is not None else name


def tally_text(res: src.ResolutionRow) -> str:
    """The tally in the words of a protocol: the votes, and who was present of how many.

    A deferral recorded without counts says so; no number is made up."""
    present = f"{res.present} von {res.members} stimmberechtigten Mitgliedern anwesend." if res.present is not None else None
    if res.result == "deferred" and (res.yes is None or res.no is None or res.abstain is None):
        return " ".join(x for x in ("Vertagt (Verfahrensbeschluss, ohne Abstimmungsergebnis).", present) if x)
    if res.quorate is False:
        return f"Nicht beschlussfähig: {present}"
    abstentions = "Enthaltung" if res.abstain == 1 else "Enthaltungen"
    text = f"Abstimmungsergebnis: {res.yes} Ja, {res.no} Nein, {res.abstain} {abstentions}; {present}"
    if res.second_convocation:
        text += " Zweite Ladung: beschlussfähig ohne Rücksicht auf die Zahl der Anwesenden (§ 65 Abs. 2 NKomVG)."
    return text


# --- papers and their consultations ---------------------------------------------------------------


def _version_name(d: Any, kinds: dict[str, str], fields: dict[str, str], plan_name: str = PLAN_NAME) -> str:
    if d.field_id is None:  # the complete plan (Gesamtplan)
        base = f"{plan_name} (Gesamtplan), Fassung {d.version}"
    else:
        base = f"{kinds.get(d.kind, d.kind)} {fields.get(d.field, d.field)}, Fassung {d.version}"
    return f"{base}: {d.title}" if d.title else base


_LABEL = re.compile(r"^(plan|[^\s/]+/[^\s/]+) v\d+$")  # the title a tally gives a paper when the version has none


def paper_objects(
    snap: src.Snapshot,
    urls: Urls,
    body_url: str,
    st: Stamps,
    orgs: dict[int, src.BodyRow],
    expert_group: dict[int, src.BodyRow],
    resolution_items: dict[int, tuple[str, str]],
    documents: dict[int, DocumentFacts],
    numbers: dict[str, str],
    sess: Sessions,
    plan_name: str,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Papers (every submitted version, the plan's too, and every Drucksache), their Consultations
    (opinions, steering decisions, tallies, information) and the Files of stored documents."""
    kinds = {k.slug: k.name for k in snap.kinds}
    fields = {f.slug: f.name for f in snap.fields}
    steering = next((b for b in snap.bodies if b.kind == "steering_group"), None)
    versions: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    for d in snap.drafts:
        versions[d.field_id, d.kind].append(d.id)
    opinions_of: dict[int, list[src.OpinionRow]] = defaultdict(list)
    for op in snap.opinions:
        opinions_of[op.draft_id].append(op)
    decisions_of: dict[int, list[src.DecisionRow]] = defaultdict(list)
    for dec in snap.decisions:
        decisions_of[dec.draft_id].append(dec)
    resolutions_of: dict[int | None, list[src.ResolutionRow]] = defaultdict(list)
    for res in snap.resolutions:
        resolutions_of[res.draft_id].append(res)
    carried = carried_versions(snap)
    carriers: dict[int, list[str]] = defaultdict(list)  # draft id -> the Drucksachen that carry it
    for number, ids in carried.items():
        for draft_id in ids:
            carriers[draft_id].append(number)
    papers: list[dict[str, Any]] = []
    consultations: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = list(sess.files)

    def consultation(key: str, paper_url: str, org: src.BodyRow | None, **values: Any) -> dict[str, Any]:
        obj: dict[str, Any] = {"id": urls.url(f"consultation/{key}.json"), "type": SCHEMA + "Consultation", "paper": paper_url}
        obj.update({k: v for k, v in values.items() if k in ("agendaItem", "meeting")})
        if org is not None:
            obj["organization"] = [urls.url(f"organization/{org.slug}.json")]
        obj.update({k: v for k, v in values.items() if k not in ("agendaItem", "meeting")})
        return obj

    def tallies(paper_url: str, rows: list[src.ResolutionRow]) -> list[dict[str, Any]]:
        out = []
        for res in rows:
            item, meeting = resolution_items.get(res.id, (None, None))
            values: dict[str, Any] = {"agendaItem": item, "meeting": meeting} if item else {}
            c = consultation(
                f"resolution-{res.id}",
                paper_url,
                orgs.get(res.body_id),
                **values,
                authoritative=True,
                role=ROLE_DECISION,
                keyword=[RESULT.get(res.result, res.result)],
            )
            out.append(stamp(c, st.of("resolution", res.id), deleted=res.voided))
        return out

    drafts = {d.id: d for d in snap.drafts}
    for d in snap.drafts:
        url = urls.url(f"paper/draft-{d.id}.json")
        paper: dict[str, Any] = {
            "id": url,
            "type": SCHEMA + "Paper",
            "body": body_url,
            "name": _version_name(d, kinds, fields, plan_name),
        }
        numbers_of = [r.drucksache for r in resolutions_of[d.id] if r.drucksache and not r.voided] or carriers[d.id]
        if numbers_of:
            paper["reference"] = numbers_of[-1]
        paper["date"] = d.submitted_on.isoformat()
        paper["paperType"] = PAPER_TYPE_VERSION
        related = [urls.url(f"paper/draft-{other}.json") for other in versions[d.field_id, d.kind] if other != d.id]
        if related:
            paper["relatedPaper"] = related
        above = [numbers[n] for n in carriers[d.id] if n in numbers]
        if above:
            paper["superordinatedPaper"] = above
        group = expert_group.get(d.field_id) if d.field_id is not None else None  # the plan: no expert group
        if group is not None:
            paper["originatorOrganization"] = [urls.url(f"organization/{group.slug}.json")]
        doc = documents.get(d.id)
        if doc is not None and d.voided_at is None:
            f = file_object(doc, urls, d, url, st)
            paper["mainFile"] = f
            files.append(f)
        cons = []
        for op in opinions_of[d.id]:
            org = orgs.get(op.body_id)
            c = consultation(
                f"opinion-{op.id}",
                url,
                org,
                authoritative=False,
                role=(org.opinion_name if org and org.opinion_name else ROLE_OPINION),
                keyword=[STANCE.get(op.stance, op.stance)],
            )
            cons.append(stamp(c, st.of("opinion", op.id), deleted=op.voided))
        for dec in decisions_of[d.id]:
            c = consultation(
                f"steering-{dec.id}",
                url,
                steering,
                authoritative=False,
                role=ROLE_STEERING,
                keyword=[OUTCOME.get(dec.outcome, dec.outcome)],
            )
            cons.append(stamp(c, st.of("decision", dec.id), deleted=dec.voided))
        cons.extend(tallies(url, resolutions_of[d.id]))
        if cons:
            paper["consultation"] = cons
        consultations.extend(cons)
        paper["keyword"] = [STATE.get(d.state, d.state)]
        papers.append(stamp(paper, st.of("draft", d.id), deleted=d.voided_at is not None))

    for row in drucksachen(snap, st.seed()[0]):
        url = numbers[row.number]
        paper = {"id": url, "type": SCHEMA + "Paper", "body": body_url}
        below = [drafts[i] for i in carried.get(row.number, []) if i in drafts]
        paper["name"] = _drucksache_name(row, below, kinds, fields, plan_name, str(snap.info.get("name") or ""))
        paper["reference"] = row.number
        if row.date is not None:
            paper["date"] = row.date.isoformat()
        paper["paperType"] = PAPER_TYPE.get(row.kind, PAPER_TYPE_DRUCKSACHE)
        if below:
            paper["subordinatedPaper"] = [urls.url(f"paper/draft-{v.id}.json") for v in below]
        body = orgs.get(row.body_id) if row.body_id is not None else None  # the body that decided on it
        cons = []
        if row.carries == "founding" and body is not None:
            c = consultation("founding", url, body, authoritative=True, role=ROLE_DECISION, keyword=[RESULT["adopted"]])
            cons.append(stamp(c, st.since(row.registered_at, ("paper", row.id))))
        cons.extend(sess.information.get(row.number, []))
        info_files = [f for f in sess.files if f.get("paper") == [url]]
        if info_files:
            paper["mainFile"] = info_files[0]
            if len(info_files) > 1:
                paper["auxiliaryFile"] = info_files[1:]
        if cons:
            paper["consultation"] = cons
        consultations.extend(cons)
        papers.append(stamp(paper, st.since(row.registered_at, ("paper", row.id))))

    plan = resolutions_of[None]  # council tallies of the plan recorded before it was a document (revision 0008)
    if plan:
        url = urls.url("paper/plan.json")
        cons = tallies(url, plan)
        paper = {"id": url, "type": SCHEMA + "Paper", "body": body_url, "name": f"{plan_name} (Gesamtplan)"}
        numbers_of = [r.drucksache for r in plan if r.drucksache and not r.voided]
        if numbers_of:
            paper["reference"] = numbers_of[-1]
            if numbers_of[-1] in numbers:
                paper["superordinatedPaper"] = [numbers[numbers_of[-1]]]
        paper["paperType"] = PAPER_TYPE_VERSION
        paper["consultation"] = cons
        consultations.extend(cons)
        papers.append(stamp(paper, span_of(st.of("resolution", r.id) for r in plan), deleted=all(r.voided for r in plan)))
    return papers, consultations, files


def drucksachen(snap: src.Snapshot, seed_time: dt.datetime) -> list[src.PaperRow]:
    """The register's papers, then a paper for each number used but not registered (its type from its form):
    numbers an information or an agenda item named without registering them."""
    from lipctl.process.papers import classify

    out = list(snap.papers)
    informed = {i.drucksache: i for i in snap.information if i.drucksache}
    items = {i.drucksache: i for i in snap.agenda_items if i.drucksache}
    tallied = {r.drucksache: r for r in snap.resolutions if r.drucksache}
    for n, number in enumerate(unregistered_numbers(snap), start=1):
        info, item, res = informed.get(number), items.get(number), tallied.get(number)
        if info is not None:
            row = src.PaperRow(
                -n, number, classify(number), "information", None, info.body_id, info.informed_on, None, info.recorded_at
            )
        else:
            scope = item.scope if item is not None else (res.scope if res is not None else "document")
            draft = item.draft_id if item is not None else (res.draft_id if res is not None else None)
            day = res.decided_on if res is not None else None
            when = item.created_at if item is not None else seed_time
            what = "plan" if scope == "plan" else "draft"
            row = src.PaperRow(-n, number, classify(number), what, draft, None, day, None, when)
        out.append(row)
    return out


def carried_versions(snap: src.Snapshot) -> dict[str, list[int]]:
    """Per Drucksache number the draft versions it carries: the register's draft, the versions its
    tallies and agenda items name (the plan's register paper names none of its own)."""
    out: dict[str, list[int]] = defaultdict(list)
    for p in snap.papers:
        if p.draft_id is not None:
            out[p.number].append(p.draft_id)
    owner = {p.number: p for p in snap.papers}
    for number, draft_id, scope in [(r.drucksache, r.draft_id, r.scope) for r in snap.resolutions if not r.voided] + [
        (i.drucksache, i.draft_id, i.scope) for i in snap.agenda_items
    ]:
        if not number or draft_id is None or draft_id in out[number]:
            continue
        paper = owner.get(number)
        if paper is None or (paper.carries == "plan" and scope == "plan") or paper.draft_id == draft_id:
            out[number].append(draft_id)
    return {k: sorted(v) for k, v in out.items() if v}


def _drucksache_name(
    row: src.PaperRow, below: list[Any], kinds: dict[str, str], fields: dict[str, str], plan_name: str, process: str
) -> str:
    """The paper's title; where a tally gave it only the version's label, the version's name."""
    if row.title and not _LABEL.match(row.title):
        return row.title
    if row.carries == "plan":
        return f"{plan_name} (Gesamtplan)" + (f", Fassung {below[-1].version}" if below else "")
    if below:
        return _version_name(below[-1], kinds, fields, plan_name)
    if row.carries == "founding":
        return f"{process or plan_name} (Drucks. {row.number})"
    if row.carries == "information":
        return f"Bericht zum Stand des Verfahrens (Drucks. {row.number})"
    return f"Drucksache {row.number}"


def file_object(doc: DocumentFacts, urls: Urls, d: Any, paper_url: str, st: Stamps) -> dict[str, Any]:
    """A version's stored document, copied into the tree (accessUrl), with its SHA-512."""
    obj: dict[str, Any] = {
        "id": urls.url(f"file/draft-{d.id}.json"),
        "type": SCHEMA + "File",
        "name": doc.file_name,
        "fileName": doc.file_name,
        "mimeType": doc.mime_type,
        "date": d.submitted_on.isoformat(),
        "size": doc.size,
        "sha512Checksum": doc.sha512,
        "accessUrl": urls.url(doc.path),
        "downloadUrl": urls.url(doc.path),
        "paper": [paper_url],
    }
    return stamp(obj, st.of("draft", d.id))


def information_file(doc: DocumentFacts, urls: Urls, info: src.InformationRow, st: Stamps) -> dict[str, Any]:
    """The document of the committee's information, copied into the tree, with its SHA-512."""
    obj: dict[str, Any] = {
        "id": urls.url(f"file/information-{info.id}.json"),
        "type": SCHEMA + "File",
        "name": doc.file_name,
        "fileName": doc.file_name,
        "mimeType": doc.mime_type,
        "date": info.informed_on.isoformat(),
        "size": doc.size,
        "sha512Checksum": doc.sha512,
        "accessUrl": urls.url(doc.path),
        "downloadUrl": urls.url(doc.path),
    }
    return stamp(obj, st.since(info.recorded_at, ("information", info.id)))
