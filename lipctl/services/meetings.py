"""Sessions of the deciding bodies (Sitzungen), their agendas (Tagesordnung), and informing the committee.

``meeting schedule`` records a session with its invitation (Ladung) and checks the invitation
period (lipctl.process.meetings); ``meeting agenda`` puts a draft version or the plan on it; the
tallies (lipctl.services.resolutions) are recorded in a session through ``session_for_tally``,
which also decides whether a tally may use the second convocation's rule (§65(2) NKomVG).
``committee inform`` records that the committee was informed about the state of the process
(Unterrichtung), with its Drucksache and document. One transaction and one audit event per command.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.errors import InvalidInput, NotFound, Refused
from lipctl.i18n import _
from lipctl.process import limits
from lipctl.process import meetings as rules
from lipctl.process.drucksache import parse_drucksache
from lipctl.process.states import DecisionScope, ResolutionResult
from lipctl.services import audit
from lipctl.store import models as m
from lipctl.store import repositories as repo

if TYPE_CHECKING:
    from lipctl.context import Env

#: The REF that names the plan as a whole on an agenda (meeting agenda M plan).
PLAN_REF = "plan"


def _day(value: str | None, option: str) -> dt.date | None:
    from lipctl.context import parse_day

    return parse_day(value, option)


def _number(value: str | int, what: str) -> int:
    number = limits.id_in_range(str(value))  # ASCII digits only: "²" is a digit to str.isdigit, not to int()
    if number is None:
        raise InvalidInput(
            _("{what} {value!r} is not a session id").format(what=what, value=str(value)),
            _("the session's id is in 'lipctl meeting list' and in 'meeting schedule --format json'"),
        )
    return number


def get_meeting(session: Session, value: str | int, what: str = "MEETING") -> m.Meeting:
    """The session with that id; NotFound says where the ids are."""
    number = _number(value, what)
    meeting = session.get(m.Meeting, number)
    if meeting is None:
        raise NotFound(
            _("no session with id {id}").format(id=number), _("'lipctl meeting list' shows the sessions and their ids")
        )
    return meeting


def _deciding_bodies(session: Session) -> dict[int, set[DecisionScope]]:
    """The bodies of the Beratungsfolgen with what each decides on (lipctl.process.meetings.decided_by)."""
    from lipctl.store.read import definition

    return rules.decided_by(definition.decision_steps(repo.reader(session)))


def _body_of(session: Session, meeting: m.Meeting) -> m.Body:
    body = session.get(m.Body, meeting.body_id)
    assert body is not None
    return body


def _row(session: Session, meeting: m.Meeting) -> dict[str, Any]:
    body = _body_of(session, meeting)
    days = rules.invitation_period(body.invitation_days)
    kept = (meeting.date - meeting.invited_on).days if meeting.invited_on is not None else None
    return {
        "id": meeting.id,
        "body": body.slug,
        "date": meeting.date,
        "start": meeting.start,
        "location": meeting.location,
        "invited_on": meeting.invited_on,
        "invitation": _("invited {kept} days ahead (period {days})").format(kept=kept, days=days)
        if kept is not None
        else _("invitation date unknown"),
        "invitation_days": days,
        "urgent_reason": meeting.urgent_reason,
        "second_convocation_of": meeting.second_convocation_of,
    }


# --- meeting schedule ---------------------------------------------------------------------------


def schedule(
    env: Env,
    body: str,
    *,
    date: str,
    start: str | None = None,
    location: str | None = None,
    invited_on: str | None = None,
    second_convocation_of: str | None = None,
    urgent: bool = False,
    reason: str | None = None,
) -> dict[str, Any]:
    """Record a session of a deciding body (meeting schedule), its invitation period checked."""
    day = _day(date, "--date")
    if day is None:
        raise InvalidInput(_("--date is empty"), _("give the day of the session"))
    invited = _day(invited_on, "--invited-on")
    if invited is not None and invited > env.today:
        raise InvalidInput(
            _("--invited-on {date} is after today ({today})").format(date=invited.isoformat(), today=env.today.isoformat()),
            _("record the invitation once it went out"),
        )
    begins = rules.parse_start(start) if start is not None else None
    place = location.strip() if location and location.strip() else None
    if place is not None:
        limits.check_text(place, "--location", limits.MAX_REASON)
    text = reason.strip() if reason and reason.strip() else None
    if text is not None:
        limits.check_text(text, "--reason", limits.MAX_REASON, multiline=True)
    with env.uow(write=True) as uow:
        s = uow.session
        b = repo.get_body(s, body)
        rules.check_keeps_sessions(b.slug, _deciding_bodies(s).get(b.id, set()))
        first: m.Meeting | None = None
        if second_convocation_of is not None:
            first = get_meeting(s, second_convocation_of, "--second-convocation-of")
            rules.check_second_convocation_of(
                first_id=first.id,
                first_body=_body_of(s, first).slug,
                first_date=first.date,
                body=b.slug,
                date=day,
                first_is_second=first.second_convocation_of is not None,
            )
        rules.check_invitation(day, invited, b.invitation_days, urgent=urgent, reason=text)
        meeting = m.Meeting(
            body_id=b.id,
            date=day,
            start=begins,
            location=place,
            invited_on=invited,
            second_convocation_of=first.id if first is not None else None,
            urgent_reason=text if urgent else None,
            created_at=audit.utcnow(),
            created_by=env.actor,
        )
        s.add(meeting)
        s.flush()
        row = _row(s, meeting)
        audit.record(
            env,
            s,
            "meeting.scheduled",
            entity="meeting",
            entity_id=meeting.id,
            body=b.slug,
            date=day,
            start=begins,
            location=place,
            invited_on=invited,
            second_convocation_of=row["second_convocation_of"],
            urgent_reason=meeting.urgent_reason,
        )
        uow.commit()
    return row


# --- meeting agenda -----------------------------------------------------------------------------


def _item_target(session: Session, ref: str) -> tuple[DecisionScope, m.Draft | None, str]:
    """What REF puts on an agenda: the plan, or the latest version of a document (scope, draft, label)."""
    draft = repo.get_draft(session, ref)  # 'plan': the complete plan's latest version (refused while there is none)
    from lipctl.services.drafts import doc_ref, refuse_withdrawn

    refuse_withdrawn(session, draft)
    scope = DecisionScope.PLAN if draft.field_id is None else DecisionScope.DOCUMENT
    return scope, draft, doc_ref(session, draft)


def _items(session: Session, meeting_id: int) -> list[m.AgendaItem]:
    return list(
        session.scalars(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting_id).order_by(m.AgendaItem.position))
    )


def _find_item(session: Session, meeting_id: int, scope: DecisionScope, draft_id: int | None) -> m.AgendaItem | None:
    for item in _items(session, meeting_id):
        if item.scope == scope and item.draft_id == draft_id:
            return item
    return None


def _new_item(
    env: Env,
    session: Session,
    meeting: m.Meeting,
    scope: DecisionScope,
    draft_id: int | None,
    *,
    number: str | None = None,
    drucksache: str | None = None,
) -> m.AgendaItem:
    existing = _items(session, meeting.id)
    rules.check_agenda_number(meeting.id, number, (i.number for i in existing))
    if drucksache is None and meeting.second_convocation_of is not None:
        # The item comes back from the session that was not quorate: with the Drucksache it had there.
        first = _find_item(session, meeting.second_convocation_of, scope, draft_id)
        drucksache = first.drucksache if first is not None else None
    item = m.AgendaItem(
        meeting_id=meeting.id,
        number=number,
        scope=scope,
        draft_id=draft_id,
        drucksache=drucksache,
        position=len(existing) + 1,
        created_at=audit.utcnow(),
        created_by=env.actor,
    )
    session.add(item)
    session.flush()
    return item


def _check_body_decides(session: Session, meeting: m.Meeting, scope: DecisionScope) -> None:
    body = _body_of(session, meeting)
    rules.check_decides_on(meeting.id, body.slug, _deciding_bodies(session).get(body.id, set()), scope)


def add_item(env: Env, meeting: str, ref: str, *, drucksache: str | None = None, number: str | None = None) -> dict[str, Any]:
    """Put a document's latest version or the plan on a session's agenda (meeting agenda)."""
    paper = parse_drucksache(drucksache) if drucksache is not None else None
    numbered = rules.parse_item_number(number) if number is not None else None
    with env.uow(write=True) as uow:
        s = uow.session
        mt = get_meeting(s, meeting)
        scope, draft, label = _item_target(s, ref)
        _check_body_decides(s, mt, scope)
        if draft is not None:
            from lipctl.process import lifecycle

            if not lifecycle.is_open(draft.state):
                raise Refused(
                    _("{what} v{version} is {state}: there is nothing left to decide").format(
                        what=label, version=draft.version, state=draft.state.value
                    ),
                    _("put the version that is still open on the agenda"),
                )
        found = _find_item(s, mt.id, scope, draft.id if draft else None)
        if found is not None:
            raise Refused(
                _("{what} is already on the agenda of session {id} (item {number})").format(
                    what=label, id=mt.id, number=found.number or found.position
                ),
                _("'lipctl meeting show {id}' shows the agenda").format(id=mt.id),
            )
        item = _new_item(env, s, mt, scope, draft.id if draft else None, number=numbered, drucksache=paper)
        row = {
            "meeting": mt.id,
            "item": item.id,
            "number": item.number,
            "position": item.position,
            "ref": label,
            "draft": item.draft_id,
            "version": draft.version if draft else None,
            "drucksache": paper,
        }
        audit.record(
            env,
            s,
            "meeting.item_added",
            entity="meeting",
            entity_id=mt.id,
            item=item.id,
            number=item.number,
            ref=label,
            draft=item.draft_id,
            version=row["version"],
            drucksache=paper,
        )
        uow.commit()
    return row


# --- the tallies' session -----------------------------------------------------------------------


def session_for_tally(
    env: Env,
    session: Session,
    body: m.Body,
    scope: DecisionScope,
    draft_id: int | None,
    *,
    meeting: str | None,
    day: dt.date | None,
) -> tuple[m.Meeting, m.AgendaItem]:
    """The session a tally is recorded in, and its agenda item (put on the agenda when missing).

    With ``meeting``: that session, which must be the deciding body's, on ``day`` if one is given.
    Without: the body's session on ``day``, created when there is none (audited as scheduled).
    """
    if meeting is not None:
        mt = get_meeting(session, meeting, "--meeting")
        if mt.body_id != body.id:
            raise Refused(
                _("session {id} is one of {other}; this vote is {body}'s").format(
                    id=mt.id, other=_body_of(session, mt).slug, body=body.slug
                ),
                _("name a session of {body} with --meeting (lipctl meeting list --body {body})").format(body=body.slug),
            )
        rules.check_on_its_day(mt.id, mt.date, day)
        rules.check_held(mt.id, mt.date, env.today, hint=_("record the vote once the session has taken place"))
    else:
        assert day is not None
        same_day = list(
            session.scalars(select(m.Meeting).where(m.Meeting.body_id == body.id, m.Meeting.date == day).order_by(m.Meeting.id))
        )
        if rules.one_session_of_the_day(body.slug, day, [x.id for x in same_day]) is not None:
            mt = same_day[0]
        else:
            mt = m.Meeting(body_id=body.id, date=day, created_at=audit.utcnow(), created_by=env.actor)
            session.add(mt)
            session.flush()
            audit.record(
                env, session, "meeting.scheduled", entity="meeting", entity_id=mt.id, body=body.slug, date=day, by_tally=True
            )
    item = _find_item(session, mt.id, scope, draft_id) or _new_item(env, session, mt, scope, draft_id)
    return mt, item


def second_convocation(
    session: Session, meeting: m.Meeting, scope: DecisionScope, draft_id: int | None, *, what: str, requested: bool
) -> bool:
    """Whether the tally of ``what`` in ``meeting`` is decided as a second convocation (§65(2) NKomVG).

    It is when the session was scheduled as the second convocation of one in which the same item
    was tallied ``not_quorate``; --second-convocation anywhere else is refused, naming the rule.
    """
    first = meeting.second_convocation_of
    results: list[ResolutionResult] = []
    if first is not None:
        results = list(
            session.scalars(
                select(m.Resolution.result).where(
                    m.Resolution.meeting_id == first,
                    m.Resolution.scope == scope,
                    m.Resolution.draft_id == draft_id if draft_id is not None else m.Resolution.draft_id.is_(None),
                    m.Resolution.voided_at.is_(None),
                )
            )
        )
    label = f"{_body_of(session, meeting).slug} {meeting.date.isoformat()}"
    refusal = rules.second_convocation_refusal(what=what, meeting=label, first=first, first_results=results)
    if refusal is None:
        return True
    if requested:
        raise refusal
    return False


# --- meeting list, meeting show -----------------------------------------------------------------


def list_meetings(env: Env, body: str | None = None) -> list[dict[str, Any]]:
    """The sessions, oldest first (meeting list), of one body if named."""
    with env.uow() as uow:
        s = uow.session
        query = select(m.Meeting).order_by(m.Meeting.date, m.Meeting.id)
        if body is not None:
            query = query.where(m.Meeting.body_id == repo.get_body(s, body).id)
        rows = []
        for mt in s.scalars(query):
            row = _row(s, mt)
            row["items"] = len(_items(s, mt.id))
            rows.append(row)
        return rows


def _results(session: Session, meeting_id: int, item: m.AgendaItem) -> list[dict[str, Any]]:
    from lipctl.services.listings import voided_json

    query = select(m.Resolution).where(m.Resolution.meeting_id == meeting_id, m.Resolution.scope == item.scope)
    query = query.where(m.Resolution.draft_id == item.draft_id if item.draft_id is not None else m.Resolution.draft_id.is_(None))
    return [
        {
            "resolution": res.id,
            "result": res.result.value,
            "yes": res.yes,
            "no": res.no,
            "abstain": res.abstain,
            "present": res.present,
            "members": res.members,
            "second_convocation": res.second_convocation,
            "arithmetic": res.arithmetic,
            "voided": voided_json(res.voided_at, res.voided_by, res.void_reason),
        }
        for res in session.scalars(query.order_by(m.Resolution.id))
    ]


def show(env: Env, meeting: str) -> dict[str, Any]:
    """One session with its agenda, each item with its results, and the information given (meeting show)."""
    from lipctl.services.drafts import doc_ref

    with env.uow() as uow:
        s = uow.session
        mt = get_meeting(s, meeting)
        row = _row(s, mt)
        agenda = []
        for item in _items(s, mt.id):
            draft = s.get(m.Draft, item.draft_id) if item.draft_id is not None else None
            agenda.append(
                {
                    "item": item.id,
                    "number": item.number,
                    "position": item.position,
                    "ref": doc_ref(s, draft) if draft is not None else PLAN_REF,
                    "draft": item.draft_id,
                    "version": draft.version if draft is not None else None,
                    "drucksache": item.drucksache,
                    "results": _results(s, mt.id, item),
                }
            )
        row["agenda"] = agenda
        row["information"] = [
            {"id": i.id, "drucksache": i.drucksache, "file_name": i.file_name, "file_sha256": i.file_sha256}
            for i in s.scalars(select(m.CommitteeInformation).where(m.CommitteeInformation.meeting_id == mt.id))
        ]
        return row


# --- committee inform ---------------------------------------------------------------------------


def inform(env: Env, meeting: str, *, drucksache: str | None = None, file: str | None = None) -> dict[str, Any]:
    """Record that the committee was informed about the state of the process in a session (committee inform)."""
    from lipctl.services import drafts

    paper = parse_drucksache(drucksache) if drucksache is not None else None
    if file:
        limits.check_file_name(file)
    facts = drafts.read_file(env, file, keep_copy=True) if file else None
    try:
        with env.uow(write=True) as uow:
            s = uow.session
            mt = get_meeting(s, meeting, "--meeting")
            body = _body_of(s, mt)
            if body.kind != "committee":
                raise Refused(
                    _("session {id} is one of {body}, not of the committee").format(id=mt.id, body=body.slug),
                    _("name a session of the committee with --meeting (lipctl meeting list)"),
                )
            rules.check_held(mt.id, mt.date, env.today, hint=_("record the information once the session has taken place"))
            if paper is not None:  # the Drucksachen register: the number now carries this information
                from lipctl.process.papers import Carried
                from lipctl.services import papers

                papers.register_for_tally(
                    env, s, paper, carried=Carried("information"), body=body, day=mt.date, title=_("Information on the LIP 2.0")
                )
            info = m.CommitteeInformation(
                meeting_id=mt.id,
                body_id=body.id,
                informed_on=mt.date,
                drucksache=paper,
                file_name=facts.name if facts else None,
                file_size=facts.size if facts else None,
                file_sha256=facts.sha256 if facts else None,
                recorded_at=audit.utcnow(),
                recorded_by=env.actor,
            )
            s.add(info)
            s.flush()
            if facts is not None:
                if s.get_bind().dialect.name == "sqlite":
                    info.file_copy = drafts.keep(facts)
                else:  # a shared store: every office host reads the document from the database
                    drafts.store_document(s, facts)
            row = {
                "id": info.id,
                "meeting": mt.id,
                "body": body.slug,
                "informed_on": mt.date,
                "drucksache": paper,
                "file_name": info.file_name,
                "file_size": info.file_size,
                "file_sha256": info.file_sha256,
            }
            audit.record(
                env,
                s,
                "committee.informed",
                entity="meeting",
                entity_id=mt.id,
                happened_on=mt.date,
                information=info.id,
                body=body.slug,
                drucksache=paper,
                file_name=info.file_name,
                file_size=info.file_size,
                file_sha256=info.file_sha256,
            )
            uow.commit()
        return row
    finally:
        if facts is not None:
            facts.discard()
