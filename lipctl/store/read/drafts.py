"""Draft versions: which draft a reference names, the versions with their field, decisions, stored documents."""

import datetime as dt
import re
from typing import Any, NamedTuple

from lipctl.errors import InvalidInput, NotFound
from lipctl.i18n import _
from lipctl.process import plan, replay
from lipctl.process.limits import id_in_range
from lipctl.process.states import DecisionOutcome, DecisionScope, ResolutionResult
from lipctl.store.read import definition, status
from lipctl.store.reader import Reader


class Draft(NamedTuple):
    id: int
    field: str | None  # the action field's slug; None for the complete plan (kind gesamtplan)
    kind: str
    version: int
    state: str
    title: str | None
    state_since: dt.date
    submitted_on: dt.date
    submitted_by: str
    file_name: str | None
    file_size: int | None
    file_sha256: str | None
    field_id: int | None
    file_copy: str | None
    voided_at: dt.datetime | None = None  # naive UTC; set when the version was withdrawn
    voided_by: str | None = None
    void_reason: str | None = None

    @property
    def ref(self) -> str:
        """FIELD/KIND of the document, ``plan`` for the complete plan."""
        return plan.PLAN_REF if self.field is None else f"{self.field}/{self.kind}"


class Decision(NamedTuple):
    """The steering group's decision on a version."""

    outcome: str
    reason: str
    decided_on: dt.date
    without_opinions: bool
    missing_opinions: str | None  # JSON list of body slugs
    id: int = 0
    voided_at: dt.datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None


class Stored(NamedTuple):
    """Where a version's document is kept: chunks in the database (PostgreSQL) or a file copy."""

    size: int
    chunks: int


_DRAFTS = """
    SELECT d.id, f.slug AS field, d.kind, d.version, d.state, d.title, d.state_since, d.submitted_on,
           d.submitted_by, d.file_name, d.file_size, d.file_sha256, d.field_id, d.file_copy,
           d.voided_at, d.voided_by, d.void_reason
    FROM drafts d LEFT JOIN action_fields f ON f.id = d.field_id
"""


def drafts(r: Reader, field: str | None = None, state: str | None = None, *, include_voided: bool = False) -> list[Draft]:
    """Every draft version (of the field with slug ``field``, or ``plan``; in ``state``), by field, document and version;
    withdrawn versions only with ``include_voided``."""
    where, params = [], {}
    if not include_voided:
        where.append("d.voided_at IS NULL")
    if field == plan.PLAN_REF:  # the complete plan's versions (no field)
        where.append("d.field_id IS NULL")
    elif field is not None:
        where.append("f.slug = :field")
        params["field"] = field
    if state is not None:
        where.append("d.state = :state")
        params["state"] = state
    return _drafts(r, " AND ".join(where), params)


def draft(r: Reader, draft_id: int) -> Draft:
    [found] = _drafts(r, "d.id = :id", {"id": draft_id})
    return found


def _drafts(r: Reader, where: str = "", params: dict[str, Any] | None = None) -> list[Draft]:
    # The plan (no field) after the fields on both stores (SQLite sorts NULL first, PostgreSQL last).
    order = " ORDER BY CASE WHEN d.field_id IS NULL THEN 1 ELSE 0 END, f.position, f.id, d.kind, d.version"
    sql = _DRAFTS + (f" WHERE {where}" if where else "") + order
    return [Draft(**row) for row in r.rows(sql, params, dates=("state_since", "submitted_on"), times=("voided_at",))]


def _shown_id(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


_REF = re.compile(r"^\s*(?P<field>[^/]+?)\s*/\s*(?P<kind>[^/]+?)\s*$")


def draft_id(r: Reader, ref: str) -> int:
    """The draft named by a numeric id, by FIELD/KIND for the latest live (not withdrawn) version of that
    document, or by ``plan`` for the complete plan's (Gesamtplan) latest live version."""
    text = ref.strip()
    if plan.is_plan_ref(text):
        found = plan_draft_id(r)
        if found is None:
            raise plan.no_version()
        return found
    if text.isascii() and text.isdigit():
        # An id beyond the INTEGER column (99999999999999999999999) is unknown on both stores, never sent to them.
        number = id_in_range(text)
        if number is None or not r.column("SELECT id FROM drafts WHERE id = :id", {"id": number}):
            raise NotFound(_("no draft with id {id}").format(id=_shown_id(text)), _("list the drafts with 'lipctl draft list'"))
        return number
    field, kind = _document(r, ref)
    latest = r.column(
        "SELECT id FROM drafts WHERE field_id = :field AND kind = :kind AND voided_at IS NULL ORDER BY version DESC LIMIT 1",
        {"field": field.id, "kind": kind.slug},
    )
    if not latest:
        raise NotFound(
            _("{field} has no {kind} yet").format(field=field.name, kind=kind.name),
            _("submit one with 'lipctl draft submit {field} --kind {kind}'").format(field=field.slug, kind=kind.slug),
        )
    return int(latest[0])


def plan_draft_id(r: Reader) -> int | None:
    """The complete plan's current version (REF ``plan``): its latest live draft id, None before the first one."""
    latest = r.column(
        "SELECT id FROM drafts WHERE field_id IS NULL AND kind = :kind AND voided_at IS NULL ORDER BY version DESC LIMIT 1",
        {"kind": plan.PLAN_KIND},
    )
    return int(latest[0]) if latest else None


def _of_document(field_id: int | None, alias: str = "") -> str:
    """The SQL condition for the versions of one document (``:kind``, ``:field``); the plan has no field."""
    return f"{alias}field_id IS NULL" if field_id is None else f"{alias}field_id = :field"


def _document(r: Reader, ref: str) -> tuple[definition.Field, definition.Kind]:
    match = _REF.match(ref.strip())
    if not match:
        raise InvalidInput(
            _("{ref!r} is not a draft reference").format(ref=ref),
            _("write a numeric id or FIELD/KIND, e.g. bildung/grundsatzpapier"),
        )
    field = next(f for f in definition.fields(r) if f.slug == definition.field_slug(r, match["field"]))
    kind = next(k for k in definition.kinds(r) if k.slug == definition.kind_slug(r, match["kind"]))
    return field, kind


def document(r: Reader, ref: str) -> tuple[int | None, str, str]:
    """The document FIELD/KIND names: the field's id and slug, the kind's slug (``plan``: None, plan, gesamtplan)."""
    if plan.is_plan_ref(ref):
        return None, plan.PLAN_REF, plan.PLAN_KIND
    field, kind = _document(r, ref)
    return field.id, field.slug, kind.slug


# The latest version of every document: the status's query (read/status.py), not a second copy of it.
Latest = status.LatestVersion
latest_versions = status.latest_versions


def versions(r: Reader, field_id: int | None, kind: str) -> dict[int, int]:
    """Every version of one document (field None: the plan's): version number by draft id."""
    return r.pairs(
        f"SELECT id, version FROM drafts WHERE {_of_document(field_id)} AND kind = :kind",  # noqa: S608 - a constant condition
        {"field": field_id, "kind": kind},
    )


def decision(r: Reader, draft_id: int) -> Decision | None:
    """The steering group's decision on the version that counts (not voided), if any."""
    live = [d for d in decisions(r, draft_id) if d.voided_at is None]
    return live[0] if live else None


def decisions(r: Reader, draft_id: int) -> list[Decision]:
    """Every steering decision on the version, voided ones too, as recorded."""
    rows = r.rows(
        """
        SELECT id, outcome, reason, decided_on, without_opinions, missing_opinions, voided_at, voided_by, void_reason
        FROM steering_decisions WHERE draft_id = :id ORDER BY id
        """,
        {"id": draft_id},
        dates=("decided_on",),
        flags=("without_opinions",),
        times=("voided_at",),
    )
    return [Decision(**row) for row in rows]


def last_tally(r: Reader, draft_id: int) -> dt.date | None:
    """The day of the latest vote (a resolution that counts) on the version, if any."""
    rows = r.rows(
        "SELECT max(decided_on) AS day FROM resolutions WHERE draft_id = :id AND voided_at IS NULL",
        {"id": draft_id},
        dates=("day",),
    )
    return rows[0].day if rows else None


def considered_surveys(r: Reader, draft_id: int) -> list[str]:
    """The names of the surveys the version says it considered, in the order given."""
    return r.column(
        "SELECT s.name FROM surveys s JOIN draft_surveys ds ON ds.survey_id = s.id WHERE ds.draft_id = :id ORDER BY ds.id",
        {"id": draft_id},
    )


def stored(r: Reader, sha256: str) -> Stored | None:
    """The document of that SHA-256 as stored in the database, if it is."""
    rows = r.rows("SELECT size, chunks FROM documents WHERE sha256 = :s", {"s": sha256})
    return Stored(int(rows[0].size), int(rows[0].chunks)) if rows else None


def chunk(r: Reader, sha256: str, seq: int) -> bytes | None:
    """One chunk of a stored document, or None when it is missing."""
    found = r.column("SELECT data FROM document_chunks WHERE sha256 = :s AND seq = :n", {"s": sha256, "n": seq})
    return bytes(found[0]) if found else None


# --- corrections: what was recorded on one document, voided records marked -------------------------


def version_id(r: Reader, field_id: int | None, kind: str, version: int) -> int | None:
    """The draft id of version ``version`` of a document (withdrawn or not), if there is one."""
    found = r.column(
        f"SELECT id FROM drafts WHERE {_of_document(field_id)} AND kind = :kind AND version = :version",  # noqa: S608
        {"field": field_id, "kind": kind, "version": version},
    )
    return int(found[0]) if found else None


def chain(r: Reader, scope: DecisionScope) -> list[str]:
    """The Beratungsfolge of ``scope``: body slugs in order."""
    return r.column(
        "SELECT b.slug FROM decision_steps s JOIN bodies b ON b.id = s.body_id WHERE s.scope = :scope ORDER BY s.position",
        {"scope": scope.value},
    )


def document_facts(r: Reader, field_id: int | None, kind: str) -> replay.Document:
    """Every version of one document (field None: the plan's) and what was recorded on them, voided records
    marked (process/replay.py)."""
    params = {"field": field_id, "kind": kind}
    versions = [
        replay.Version(row.id, row.version, row.submitted_on, row.voided)
        for row in r.rows(
            f"""
            SELECT id, version, submitted_on, CASE WHEN voided_at IS NULL THEN 0 ELSE 1 END AS voided
            FROM drafts WHERE {_of_document(field_id)} AND kind = :kind ORDER BY version
            """,  # noqa: S608 - a constant condition
            params,
            dates=("submitted_on",),
            flags=("voided",),
        )
    ]
    of_doc = f"{_of_document(field_id, 'd.')} AND d.kind = :kind"
    opinions = [
        replay.Opinion(row.id, row.draft_id, row.body, row.received_on, row.voided)
        for row in r.rows(
            f"""
            SELECT o.id, o.draft_id, b.slug AS body, o.received_on, CASE WHEN o.voided_at IS NULL THEN 0 ELSE 1 END AS voided
            FROM opinions o JOIN drafts d ON d.id = o.draft_id JOIN bodies b ON b.id = o.body_id
            WHERE {of_doc} ORDER BY o.id
            """,  # noqa: S608 - a constant condition
            params,
            dates=("received_on",),
            flags=("voided",),
        )
    ]
    decisions_ = [
        replay.Decision(row.id, row.draft_id, DecisionOutcome(row.outcome), row.decided_on, row.without_opinions, row.voided)
        for row in r.rows(
            f"""
            SELECT sd.id, sd.draft_id, sd.outcome, sd.decided_on, sd.without_opinions,
                   CASE WHEN sd.voided_at IS NULL THEN 0 ELSE 1 END AS voided
            FROM steering_decisions sd JOIN drafts d ON d.id = sd.draft_id
            WHERE {of_doc} ORDER BY sd.id
            """,  # noqa: S608 - a constant condition
            params,
            dates=("decided_on",),
            flags=("without_opinions", "voided"),
        )
    ]
    tallies = _tallies(
        r,
        f"""
        SELECT res.id, res.draft_id, b.slug AS body, res.result, res.decided_on, res.second_convocation,
               CASE WHEN res.voided_at IS NULL THEN 0 ELSE 1 END AS voided
        FROM resolutions res JOIN drafts d ON d.id = res.draft_id JOIN bodies b ON b.id = res.body_id
        WHERE {of_doc} ORDER BY res.id
        """,  # noqa: S608 - a constant condition
        params,
    )
    required = r.column("SELECT b.slug FROM opinion_requirements q JOIN bodies b ON b.id = q.body_id ORDER BY q.position, q.id")
    scope = DecisionScope.PLAN if field_id is None else DecisionScope.DOCUMENT
    return replay.Document(versions, opinions, decisions_, tallies, required, chain(r, scope))


def plan_facts(r: Reader) -> replay.Document:
    """The resolutions on the plan recorded before it was a document (revision 0008: no draft), voided ones marked."""
    tallies = _tallies(
        r,
        """
        SELECT res.id, res.draft_id, b.slug AS body, res.result, res.decided_on, res.second_convocation,
               CASE WHEN res.voided_at IS NULL THEN 0 ELSE 1 END AS voided
        FROM resolutions res JOIN bodies b ON b.id = res.body_id
        WHERE res.draft_id IS NULL ORDER BY res.id
        """,
        {},
    )
    return replay.Document((), (), (), tallies, (), chain(r, DecisionScope.PLAN))


def _tallies(r: Reader, sql: str, params: dict[str, Any]) -> list[replay.Tally]:
    return [
        replay.Tally(
            row.id, row.draft_id, row.body, ResolutionResult(row.result), row.decided_on, bool(row.second_convocation), row.voided
        )
        for row in r.rows(sql, params, dates=("decided_on",), flags=("second_convocation", "voided"))
    ]


class HistoryEvent(NamedTuple):
    """An audit event of a document's versions, with the day of the act and when it was recorded."""

    id: int
    occurred_at: dt.datetime  # naive UTC: when it was recorded
    happened_on: dt.date | None  # the day the act happened, where the event records one
    actor: str
    command: str
    action: str
    entity_id: int | None
    details: str | None


def history_events(r: Reader, draft_ids: list[int]) -> list[HistoryEvent]:
    """Every event of these drafts, in order."""
    return [
        HistoryEvent(**row)
        for row in r.rows(
            """
            SELECT id, occurred_at, happened_on, actor, command, action, entity_id, details FROM audit_events
            WHERE entity = 'draft' AND entity_id IN (:ids) ORDER BY id
            """,
            {"ids": draft_ids},
            dates=("happened_on",),
            times=("occurred_at",),
        )
    ]


class Voided(NamedTuple):
    """A voided record: when (naive UTC), by whom, why."""

    at: dt.datetime
    by: str
    reason: str


def voided_records(r: Reader, draft_ids: list[int]) -> dict[tuple[str, int], Voided]:
    """The voided versions, opinions, decisions and tallies of these drafts, by (kind, id)."""
    out: dict[tuple[str, int], Voided] = {}
    for kind, table, column in (
        ("version", "drafts", "id"),
        ("opinion", "opinions", "draft_id"),
        ("decision", "steering_decisions", "draft_id"),
        ("tally", "resolutions", "draft_id"),
    ):
        for row in r.rows(
            f"SELECT id, voided_at, voided_by, void_reason FROM {table} WHERE {column} IN (:ids) AND voided_at IS NOT NULL",  # noqa: S608 - constant names
            {"ids": draft_ids},
            times=("voided_at",),
        ):
            out[(kind, row.id)] = Voided(row.voided_at, row.voided_by or "", row.void_reason or "")
    return out


def voided_resolutions(r: Reader, ids: list[int]) -> dict[tuple[str, int], Voided]:
    """The voided ones among these resolutions (the plan's have no draft), by ("tally", id)."""
    if not ids:
        return {}
    rows = r.rows(
        "SELECT id, voided_at, voided_by, void_reason FROM resolutions WHERE id IN (:ids) AND voided_at IS NOT NULL",
        {"ids": ids},
        times=("voided_at",),
    )
    return {("tally", row.id): Voided(row.voided_at, row.voided_by or "", row.void_reason or "") for row in rows}


def submitted_without_all_fields(r: Reader, draft_id: int) -> bool:
    """Whether the plan's version was submitted as the recorded exception (--without-all-fields)."""
    import json

    details = r.column(
        "SELECT details FROM audit_events WHERE entity = 'draft' AND entity_id = :id AND action = 'draft.submitted'",
        {"id": draft_id},
    )
    return any(json.loads(d).get("without_all_fields") for d in details if d)
