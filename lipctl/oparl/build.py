"""The OParl 1.1 objects (OParl-Objekte), built from the export's plain rows: pure functions, no I/O.

Every object's ``id`` is the base URL and its path in the tree (``Urls``); the tree is
``{relative path: object}``: one file per object and one per page of each external list
(lipctl.oparl.tree). The words are the council's, in German whatever the interface language
(OParl data is the city's record, not a message to the user): results "Unverändert beschlossen",
"Abgelehnt", …, stances "Zustimmung", … .

Where issue 16's records plug in:

- ``meetings_from_resolutions`` makes today's sessions (Sitzungen) out of the tallies (a body and a
  day); once real meetings exist, a builder of Meeting/AgendaItem from their rows replaces it, and
  ``resolution_items`` then maps each resolution to its real agenda item instead.
- ``papers`` makes a Paper of every submitted version; a Drucksache of the register becomes a Paper
  of its own (``reference`` its number) whose ``relatedPaper`` names the versions it carries.
- ``memberships`` makes today's memberships (field contacts, the chair); a roster's members are
  more rows of ``MemberRow`` (with ``voting`` and dates), built the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

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
MEMBER_ROLE = {"chair": "Vorsitz", "member": "Mitglied"}
PAPER_TYPE_VERSION = "Entwurf"  # a submitted version of a field's document
PAPER_TYPE_DRUCKSACHE = "Beschlussdrucksache"
ROLE_DECISION = "Entscheidung"
ROLE_STEERING = "Vorberatung"
ROLE_OPINION = "Stellungnahme"  # when the body's seed gives no opinion_name
MEETING_STATE = "durchgeführt"
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
            if e.entity == "draft" and e.entity_id is not None:
                self.times["draft", e.entity_id].append(e.occurred_at)
            for kind, value in (("opinion", e.opinion), ("decision", e.decision), ("resolution", e.resolution)):
                if value is not None:
                    self.times[kind, value].append(e.occurred_at)

    def seed(self) -> Stamp:
        return self._span(self.times.get(("seed",)) or self.all[:1] or [dt.datetime(1970, 1, 1)])  # noqa: DTZ001 - naive UTC

    def of(self, *key: Any) -> Stamp:
        """The first and the last event about the record ``key``; the seed's dates when there is none."""
        found = self.times.get(key)
        return self._span(found) if found else self.seed()

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
    try:
        from zoneinfo import ZoneInfo

        zone: dt.tzinfo = ZoneInfo(TIMEZONE)
    except (ImportError, KeyError, ValueError):  # no time zone database: UTC  # pragma: no cover
        zone = dt.UTC
    return dt.datetime.combine(day, dt.time(), zone).isoformat()


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


def build(snap: src.Snapshot, urls: Urls, documents: dict[int, DocumentFacts] | None = None) -> Export:
    """The whole OParl tree; ``documents`` (draft id -> the copy) only with ``--with-files``."""
    with_files = documents is not None
    documents = documents or {}
    st = Stamps(snap.events)
    tree = Tree(urls)
    body_url = urls.url("body/1.json")
    orgs = {b.id: b for b in snap.bodies}
    expert_group = {b.field_id: b for b in snap.bodies if b.kind == "expert_group" and b.field_id is not None}

    terms = legislative_terms(snap, urls, body_url, st)
    people, memberships_by_org = persons(snap, urls, body_url, st, expert_group)
    meetings, items, resolution_items = meetings_from_resolutions(snap, urls, orgs, st)
    papers, consultations, files = paper_objects(snap, urls, body_url, st, orgs, expert_group, resolution_items, documents)
    meetings_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in meetings:
        for org_url in m["organization"]:
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
    posts = ([MEMBER_ROLE["chair"]] if any(m.body_id == b.id and m.role == "chair" for m in snap.members) else []) + [
        c.name for c in seats
    ]
    if posts:
        obj["post"] = posts
    voting = b.seats if b.seats is not None else (sum(c.seats or 0 for c in seats if c.voting) if seats else None)
    if voting:
        obj["votingMemberCount"] = voting
    if seats:
        obj["memberCount"] = sum(c.seats or 0 for c in seats)
    if b.opinion_name:
        obj["keyword"] = [b.opinion_name]
    return stamp(obj, st.seed())


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
        if mem.title:
            m["keyword"] = [mem.title]
            status[mem.person_id].append(mem.title)
        by_org[mem.body_id].append(m["id"])
        by_person[mem.person_id].append(stamp(m, st.seed()))
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


# --- sessions and agenda items --------------------------------------------------------------------


def meetings_from_resolutions(
    snap: src.Snapshot, urls: Urls, orgs: dict[int, src.BodyRow], st: Stamps
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, tuple[str, str]]]:
    """Today's sessions: one Meeting per deciding body and day of its tallies, one AgendaItem per tally.

    Returns the meetings (agenda items embedded), the agenda items, and per resolution id the
    URLs of its agenda item and meeting. Issue 16's recorded meetings replace this function.
    """
    sessions: dict[tuple[str, dt.date], list[src.ResolutionRow]] = defaultdict(list)
    for res in snap.resolutions:
        if res.body_id in orgs:
            sessions[orgs[res.body_id].slug, res.decided_on].append(res)
    papers = {d.id: d for d in snap.drafts}
    kinds = {k.slug: k.name for k in snap.kinds}
    fields = {f.slug: f.name for f in snap.fields}
    meetings, items = [], []
    links: dict[int, tuple[str, str]] = {}
    for (slug, day), tallies in sorted(sessions.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        body = next(b for b in orgs.values() if b.slug == slug)
        meeting_url = urls.url(f"meeting/{slug}-{day.isoformat()}.json")
        agenda = []
        for order, res in enumerate(sorted(tallies, key=lambda r: r.id), start=1):
            item_url = urls.url(f"agendaitem/resolution-{res.id}.json")
            links[res.id] = (item_url, meeting_url)
            draft = papers.get(res.draft_id) if res.draft_id is not None else None
            name = _version_name(draft, kinds, fields) if draft is not None else str(snap.info.get("name") or "Gesamtplan")
            item: dict[str, Any] = {
                "id": item_url,
                "type": SCHEMA + "AgendaItem",
                "meeting": meeting_url,
                "number": str(order),
                "order": order,
                "name": name,
                "public": True,
                "consultation": urls.url(f"consultation/resolution-{res.id}.json"),
                "result": RESULT.get(res.result, res.result),
                "resolutionText": tally_text(res),
            }
            agenda.append(stamp(item, st.of("resolution", res.id), deleted=res.voided))
        meeting: dict[str, Any] = {
            "id": meeting_url,
            "type": SCHEMA + "Meeting",
            "name": f"{body.name}, Sitzung am {day.strftime('%d.%m.%Y')}",
            "meetingState": MEETING_STATE,
            "start": _local_midnight(day),
            "organization": [urls.url(f"organization/{slug}.json")],
            "agendaItem": agenda,
        }
        span = span_of(st.of("resolution", r.id) for r in tallies)
        meetings.append(stamp(meeting, span, deleted=all(r.voided for r in tallies)))
        items.extend(agenda)
    return meetings, items, links


def tally_text(res: src.ResolutionRow) -> str:
    """The tally in the words of a protocol: the votes, and who was present of how many."""
    if not res.quorate:
        return f"Nicht beschlussfähig: {res.present} von {res.members} stimmberechtigten Mitgliedern anwesend."
    abstentions = "Enthaltung" if res.abstain == 1 else "Enthaltungen"
    return (
        f"Abstimmungsergebnis: {res.yes} Ja, {res.no} Nein, {res.abstain} {abstentions}; "
        f"{res.present} von {res.members} stimmberechtigten Mitgliedern anwesend."
    )


# --- papers and their consultations ---------------------------------------------------------------


def _version_name(d: Any, kinds: dict[str, str], fields: dict[str, str]) -> str:
    if d.field_id is None:  # the complete plan (Gesamtplan)
        base = f"Lokaler Integrationsplan 2.0 (Gesamtplan), Fassung {d.version}"
    else:
        base = f"{kinds.get(d.kind, d.kind)} {fields.get(d.field, d.field)}, Fassung {d.version}"
    return f"{base}: {d.title}" if d.title else base


def paper_objects(
    snap: src.Snapshot,
    urls: Urls,
    body_url: str,
    st: Stamps,
    orgs: dict[int, src.BodyRow],
    expert_group: dict[int, src.BodyRow],
    resolution_items: dict[int, tuple[str, str]],
    documents: dict[int, DocumentFacts],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Papers (every submitted version, the founding Drucksache, the plan once the council voted),
    their Consultations (opinions, steering decisions, tallies) and the Files of stored documents."""
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
    papers: list[dict[str, Any]] = []
    consultations: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []

    founding = founding_paper(snap, urls, body_url, st, orgs)
    if founding is not None:
        papers.append(founding)
        consultations.extend(founding.get("consultation", []))

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

    for d in snap.drafts:
        url = urls.url(f"paper/draft-{d.id}.json")
        paper: dict[str, Any] = {
            "id": url,
            "type": SCHEMA + "Paper",
            "body": body_url,
            "name": _version_name(d, kinds, fields),
        }
        numbers = [r.drucksache for r in resolutions_of[d.id] if r.drucksache and not r.voided]
        if numbers:
            paper["reference"] = numbers[-1]
        paper["date"] = d.submitted_on.isoformat()
        paper["paperType"] = PAPER_TYPE_VERSION
        related = [urls.url(f"paper/draft-{other}.json") for other in versions[d.field_id, d.kind] if other != d.id]
        if related:
            paper["relatedPaper"] = related
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

    plan = resolutions_of[None]
    if plan:
        url = urls.url("paper/plan.json")
        cons = tallies(url, plan)
        paper = {"id": url, "type": SCHEMA + "Paper", "body": body_url, "name": str(snap.info.get("name") or "Gesamtplan")}
        numbers = [r.drucksache for r in plan if r.drucksache and not r.voided]
        if numbers:
            paper["reference"] = numbers[-1]
        paper["paperType"] = PAPER_TYPE_DRUCKSACHE
        paper["consultation"] = cons
        consultations.extend(cons)
        papers.append(stamp(paper, span_of(st.of("resolution", r.id) for r in plan), deleted=all(r.voided for r in plan)))
    return papers, consultations, files


def founding_paper(
    snap: src.Snapshot, urls: Urls, body_url: str, st: Stamps, orgs: dict[int, src.BodyRow]
) -> dict[str, Any] | None:
    """The founding resolution's Drucksache (seed ``process.founding_resolution``), decided by its body."""
    number = snap.info.get("founding_drucksache")
    if not number:
        return None
    url = urls.url(f"paper/drucksache-{quote(str(number).replace('/', '-').replace(' ', '-'), safe='-')}.json")
    paper: dict[str, Any] = {
        "id": url,
        "type": SCHEMA + "Paper",
        "body": body_url,
        "name": f"{snap.info.get('name') or 'Beschluss'} (Drucks. {number})",
        "reference": str(number),
        "paperType": PAPER_TYPE_DRUCKSACHE,
    }
    body = next((b for b in orgs.values() if b.slug == snap.info.get("founding_body")), None)
    if body is not None:
        c: dict[str, Any] = {
            "id": urls.url("consultation/founding.json"),
            "type": SCHEMA + "Consultation",
            "paper": url,
            "organization": [urls.url(f"organization/{body.slug}.json")],
            "authoritative": True,
            "role": ROLE_DECISION,
            "keyword": [RESULT["adopted"]],
        }
        paper["consultation"] = [stamp(c, st.seed())]
    return stamp(paper, st.seed())


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
