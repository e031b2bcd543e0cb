"""The audit trail (Protokoll), oldest first, and its verification; read through the driver (lipctl.store.read.log)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

from lipctl.errors import InvalidInput
from lipctl.i18n import _

if TYPE_CHECKING:
    from lipctl.context import Env
    from lipctl.process.auditchain import Broken, Head

#: How long a table's line of details may be (the whole details stay in JSON).
SUMMARY_WIDTH = 100
_ACTION = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*\.?$")
_HASH = re.compile(r"^[0-9a-f]{64}$")


def events(
    env: Env,
    since: dt.date | None = None,
    limit: int | None = None,
    entity: str | None = None,
    *,
    until: dt.date | None = None,
    by: str | None = None,
    actions: list[str] | None = None,
    draft: str | None = None,
) -> list[dict[str, Any]]:
    """The events recorded from ``since`` up to ``until`` (inclusive), by ``by``, of ``actions`` (a
    name, or a family: ``draft`` or ``draft.`` for every draft.*), about the draft ``draft`` (a
    numeric id: that version; FIELD/KIND: every version of the document), oldest first; with
    ``limit`` the newest that many."""
    from lipctl.process.limits import MAX_INT
    from lipctl.store.read import drafts as read_drafts
    from lipctl.store.read import log

    if limit is not None:
        limit = min(limit, MAX_INT)  # more than any store holds: all of them
    if since is not None and until is not None and until < since:
        raise InvalidInput(
            _("--until {until} is before --since {since}").format(until=until.isoformat(), since=since.isoformat()),
            _("give an --until on or after --since"),
        )
    families = _actions(actions or [])
    with env.reader() as r:
        ids: list[int] | None = None
        if draft is not None:
            found = read_drafts.draft_id(r, draft)
            if draft.strip().isdigit():
                ids = [found]
            else:
                d = read_drafts.draft(r, found)
                ids = sorted(read_drafts.versions(r, d.field_id, d.kind))
        rows = [_row(e) for e in log.events(r, since, limit, entity, until=until, actor=by, actions=families, drafts=ids)]
        _mark_voided(r, rows)
    return sorted(rows, key=lambda r: r["id"])


def _mark_voided(r: Any, rows: list[dict[str, Any]]) -> None:
    """Mark the events whose record was voided later (``voided``, and the mark after the summary), as
    draft history does: two grouped queries, whatever the number of events."""
    from lipctl.services.listings import recorded, voided_json, voided_text
    from lipctl.store.read import drafts as read_drafts

    records = {row["id"]: recorded(row["action"], row["entity_id"], row["details"]) for row in rows}
    draft_ids = sorted({row["entity_id"] for row in rows if row["entity"] == "draft" and row["entity_id"] is not None})
    plan_tallies = sorted({rec[1] for row in rows if row["entity"] == "resolution" and (rec := records[row["id"]])})
    voided = read_drafts.voided_records(r, draft_ids) if draft_ids else {}
    voided.update(read_drafts.voided_resolutions(r, plan_tallies))
    for row in rows:
        rec = records[row["id"]]
        mark = voided.get(rec) if rec is not None else None
        row["voided"] = voided_json(mark.at, mark.by, mark.reason) if mark is not None else None
        if row["voided"]:
            row["summary"] = f"{row['summary']} — {voided_text(row['voided'])}"


def _actions(given: list[str]) -> list[str]:
    """Each --action as the read side matches it: ``draft.submitted`` itself, ``draft`` also as the family ``draft.``."""
    out: list[str] = []
    for value in given:
        action = value.strip().lower()
        if not _ACTION.match(action):
            raise InvalidInput(
                _("--action {value!r} is not an event name").format(value=value),
                _("write a name as 'lipctl log' shows it (draft.submitted), or its first part (draft)"),
            )
        out += [action] if action.endswith(".") else [action, action + "."]
    return out


def _row(e: Any) -> dict[str, Any]:
    details = json.loads(e.details) if e.details else {}
    return {
        "id": e.id,
        "occurred_at": e.occurred_at.replace(tzinfo=dt.UTC),
        "happened_on": e.happened_on,
        "actor": e.actor,
        "command": e.command,
        "action": e.action,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "details": details,
        "summary": summary(e.action, details),
    }


# --- one line of details ---------------------------------------------------------------------


def _short(value: Any, width: int = 60) -> str:
    """A value on one line (line breaks and runs of spaces as one space), cut at ``width``."""
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _generic(d: dict[str, Any]) -> str:
    parts = []
    for key, value in d.items():
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}={_short(value, 40)}")
    return ", ".join(parts)


def summary(action: str, d: dict[str, Any]) -> str:
    """One readable line of an event's details, by the family of its action (a generic key=value
    line for an action this lipctl does not know), at most SUMMARY_WIDTH characters."""
    from lipctl.report.labels import result_label, stance_label

    ref = f"{d['ref']} v{d['version']}" if d.get("ref") and d.get("version") is not None else str(d.get("ref") or "")
    reason = f" — {_short(d['reason'])}" if d.get("reason") else ""
    family = action.split(".")[0]
    text: str
    if action == "draft.submitted":
        text = _("{ref} submitted").format(ref=ref) + (f" — {_short(d['title'])}" if d.get("title") else "")
        if d.get("file_name"):
            text += " " + _("(file {name})").format(name=_short(d["file_name"], 40))
    elif action == "draft.superseded":
        text = _("{ref} superseded by v{version}").format(ref=ref, version=d.get("by_version"))
    elif action == "draft.ready_for_decision":
        text = _("{ref} ready for the steering group").format(ref=ref)
    elif action == "opinion.recorded":
        text = _("{ref}: opinion of {body}: {stance}").format(ref=ref, body=d.get("body"), stance=stance_label(d.get("stance")))
        text += f" — {_short(d['text'])}" if d.get("text") else ""
    elif action == "steering.decided":
        outcome = {"forward": _("forwarded"), "return": _("returned")}.get(str(d.get("outcome")), str(d.get("outcome")))
        text = _("{ref}: steering group: {outcome}").format(ref=ref, outcome=outcome) + reason
    elif action == "resolution.recorded":
        what = ref or (_("the complete plan") if d.get("scope") == "plan" else "")
        text = _("{what}: {body}: {result}").format(what=what, body=d.get("body"), result=result_label(d.get("result")))
        if d.get("yes") is not None:
            text += f" ({d.get('yes')}:{d.get('no')}:{d.get('abstain')})"
        text += f", {_short(d['drucksache'], 30)}" if d.get("drucksache") else ""
        text += reason
    elif action == "survey.imported":
        text = _("{survey}: {imported} imported, {duplicates} duplicates, {rejected} rejected").format(
            survey=_short(d.get("survey"), 30),
            imported=d.get("imported"),
            duplicates=d.get("duplicates"),
            rejected=d.get("rejected"),
        )
    elif action == "contact.changed":

        def name(c: Any) -> str:
            return str(c.get("name")) if isinstance(c, dict) and c.get("name") else "—"

        text = _("{field}, {role}: {before} → {after}").format(
            field=d.get("field"), role=d.get("role"), before=name(d.get("before")), after=name(d.get("after"))
        )
    elif action in ("field.edited", "body.edited"):
        what = str(d.get("field") if action == "field.edited" else d.get("body"))
        parts = [
            f"{c.get('what')}: {_short(c.get('before') or '—', 30)} → {_short(c.get('after') or '—', 30)}"
            for c in d.get("changes") or []
            if isinstance(c, dict)
        ]
        text = f"{what}: " + "; ".join(parts)
    elif action == "survey.opened":
        text = _("{survey}: open from {first} until {last}").format(
            survey=_short(d.get("survey"), 30), first=d.get("opens_on"), last=d.get("closes_on")
        )
        text += " " + _("(round {round})").format(round=d["round"]) if d.get("round") is not None else ""
    elif action == "survey.closed":
        text = _("{survey}: closed").format(survey=_short(d.get("survey"), 30))
    elif action == "survey.handed_over":
        text = _("{survey}: {answers} answers of {field} handed to {group}").format(
            survey=_short(d.get("survey") or "—", 30), answers=d.get("answers"), field=d.get("field"), group=d.get("group")
        )
    elif action == "reminder.sent":
        text = _("reminder to {body} ({address}): {items} items").format(
            body=d.get("body"), address=d.get("to"), items=len(d.get("items") or [])
        )
    elif action == "schema.upgraded":
        text = (
            _("schema {before} → {after}").format(before=d["before"], after=d.get("after"))
            if d.get("before")
            else _("schema {after}").format(after=d.get("after"))
        )
    elif action == "seed.loaded":
        text = _("{changes} changes from {seed}").format(changes=d.get("changes"), seed=d.get("seed"))
        if d.get("conflicts"):
            text += ", " + _("{n} kept against the seed (edited in lipctl)").format(n=len(d["conflicts"]))
    elif action == "db.granted":
        text = _("{role}: {access}").format(role=d.get("role"), access=d.get("access"))
    elif family in ("draft", "opinion", "steering", "resolution") and ref and ("reason" in d or len(d) <= 3):
        # a correction (draft.withdrawn, opinion.withdrawn, steering.voided, …): what, and why
        body = f" ({d['body']})" if d.get("body") else ""
        text = f"{ref}{body}: {action.split('.', 1)[-1]}{reason}"
    else:
        text = _generic(d)
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_WIDTH else text[: SUMMARY_WIDTH - 1] + "…"


# --- the hash chain ----------------------------------------------------------------------------


def verify(env: Env, kept: str | None = None) -> dict[str, Any]:
    """Walk the audit log's hash chain (lipctl log verify, db check): every event against its hash
    and its predecessor, the end against the head lipctl keeps (audit_head), and a head noted
    earlier (``kept``) against the chain. One read transaction: one snapshot of log and head."""
    from lipctl.process import auditchain
    from lipctl.store.read import log

    if kept is not None:
        kept = kept.strip().lower()
        if not _HASH.match(kept):
            raise InvalidInput(
                _("--head {value!r} is not a head hash").format(value=kept[:70]),
                _("give the 64 hexadecimal digits that 'lipctl log verify' or the briefing showed"),
            )
    with env.reader() as r:
        recorded = log.head(r)
        result = auditchain.verify(log.links(r), recorded, kept)
    return shape(result, recorded)


def shape(result: Any, recorded: Head | None) -> dict[str, Any]:
    """The verification as the commands show it: ``ok``, ``events``, ``head``, and what is wrong."""
    from lipctl.process.auditchain import Broken

    out: dict[str, Any] = {
        "ok": True,
        "events": result.events,
        "head": result.head,
        "recorded": {"events": recorded.events, "head": recorded.hash} if recorded is not None else None,
        "problem": None,
        "event": None,
        "after": None,
        "message": None,
        "hint": None,
    }
    if isinstance(result, Broken):
        out.update(
            ok=False, problem=result.problem, event=result.event_id, after=result.after, message=problem_text(result, recorded)
        )
    elif recorded is None:
        out.update(
            ok=False, problem="head_missing", message=_("the head of the audit log (table audit_head) was removed outside lipctl")
        )
    if not out["ok"]:
        out["hint"] = _(
            "the audit log was changed outside lipctl: compare the database with a backup to see what, and restore it"
        )
    return out


def problem_text(b: Broken, recorded: Head | None) -> str:
    """What is wrong with the chain, in one line that names the event."""
    from lipctl.process import auditchain as c

    if b.problem == c.CHANGED:
        return _("audit event #{id} was changed outside lipctl: its content no longer gives its hash").format(id=b.event_id)
    if b.problem == c.REMOVED:
        return _("an audit event before #{id} was removed outside lipctl: #{id} follows an event that is not there").format(
            id=b.event_id
        )
    if b.problem == c.FORKED:
        return _("audit event #{id} was inserted outside lipctl: it follows the same event as #{other}").format(
            id=b.event_id, other=b.other
        )
    if b.problem == c.APPENDED:
        return _("audit event #{id} was inserted outside lipctl after the last event lipctl recorded").format(id=b.event_id)
    if b.problem == c.INSERTED:
        return _("audit event #{id} was inserted outside lipctl: it is not linked into the chain").format(id=b.event_id)
    if b.problem == c.CUT_OFF:
        return _("the audit log was cut off: it ends after {n} events (#{after}), but lipctl recorded {recorded}").format(
            n=b.events, after=b.after if b.after is not None else "—", recorded=recorded.events if recorded else "?"
        )
    if b.problem == c.KEPT_MISSING:
        return _("the head you kept is not in the audit log: events were removed or rewritten outside lipctl")
    return _(
        "the audit log ends at a hash other than the head lipctl recorded: events were rewritten outside lipctl, or the head was"
    )
