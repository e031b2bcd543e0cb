"""The calendar feed from plain rows: opinion due dates, sessions, milestones, survey periods.

Every event carries a UID made of the record's database identity (``meeting-12@…``), never of a
title or a date, so that a calendar client that reads the feed again updates its events instead of
adding new ones. ``SEQUENCE`` counts the changes the audit log recorded for the record since it was
created and ``LAST-MODIFIED`` is the last one's time, so a moved milestone or a withdrawn draft
replaces the older copy in Outlook or Thunderbird. Something that no longer happens (a withdrawn
draft's due dates) stays in the feed as ``STATUS:CANCELLED``: a client that imported the older feed
learns of it, where a missing event would silently stay.

Dates are all-day events (``VALUE=DATE``); a session with a start time starts at that time in
Europe/Berlin (``TZID``), and the feed holds the VTIMEZONE it refers to. Texts are in the interface
language (``--lang``); a control character in one (a name or a reason typed by someone) is shown as
``\\xNN`` (lipctl.output.text.visible), never written raw into the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from lipctl.files import outputs
from lipctl.i18n import _, display_name, language
from lipctl.output.text import visible
from lipctl.process import lifecycle
from lipctl.process.states import DraftState
from lipctl.report import labels  # the description's dates as staff read them (15.03.2021 / 2021-03-15)

if TYPE_CHECKING:
    from icalendar import Calendar, Event

    from lipctl.store.read.calendar import AgendaRow, DueRow, MeetingRow, MilestoneRow, Revision

#: The domain part of every UID. The store has no identity of its own; the feed is the City of
#: Hannover's LIP office's, so its events are named under the city's domain.
UID_DOMAIN = "lipctl.hannover.de"
TZID = "Europe/Berlin"
#: The producer the file names, after its BEGIN:VCALENDAR: by its beginning (outputs.CALENDAR_PRODID)
#: the next run knows the file as its own.
PRODID = outputs.CALENDAR_PRODID + "lipctl calendar//{lang}"

#: The audit entities whose events count as changes of an event, and how many of them created it
#: (a draft and a session are created by an audited command; a milestone comes from the seed).
CREATED_BY = {"draft": 1, "meeting": 1, "milestone": 0}


class SurveyPeriod(NamedTuple):
    """A survey round's period (Umfragezeitraum): open from ``opens`` to ``closes``, both days included.

    The store knows no cancelled survey: ``survey close`` ends one early (never before it opened),
    which shortens its period here, so a survey's event is never ``STATUS:CANCELLED``."""

    survey_id: int
    name: str
    round: int | None
    opens: dt.date
    closes: dt.date
    sequence: int = 0
    last_modified: dt.datetime | None = None  # naive UTC, as the audit log keeps it


class Facts(NamedTuple):
    """Everything the feed shows (the read side's rows, survey periods, the audit's revisions)."""

    name: str  # the calendar's name (the process's)
    dues: Sequence[DueRow]
    meetings: Sequence[MeetingRow]
    agenda: Sequence[AgendaRow]
    milestones: Sequence[MilestoneRow]
    surveys: Sequence[SurveyPeriod]
    revisions: Iterable[Revision]


def uid(kind: str, *ids: int) -> str:
    """The event's UID from the record's identity: ``meeting-12@lipctl.hannover.de``."""
    return "-".join([kind, *(str(i) for i in ids)]) + "@" + UID_DOMAIN


def due_cancelled(row: DueRow) -> bool:
    """A required opinion no longer awaited: its version was withdrawn, or superseded before the body's opinion came."""
    if row.voided_at is not None:
        return True
    return row.state == DraftState.SUPERSEDED.value and row.received_on is None


def document_label(
    field: str | None, field_en: str | None, kind: str, kind_name: str | None, kind_en: str | None, version: int
) -> str:
    """A draft version in words: "Bildung, Grundsatzpapier, version 3"; the plan as "the complete plan, version 2"."""
    if field is None:
        return _("the complete plan, version {version}").format(version=version)
    return _("{field}, {kind}, version {version}").format(
        field=display_name(field, field_en), kind=display_name(kind_name or kind, kind_en), version=version
    )


class _Builder:
    def __init__(self, facts: Facts, stamp: dt.datetime) -> None:
        from icalendar import Calendar

        self.stamp = stamp
        self.revisions = {(r.entity, r.entity_id): r for r in facts.revisions}
        self.calendar = Calendar()
        self.days: list[dt.date] = []

    def event(self, uid_: str, summary: str, entity: tuple[str, int] | None, *, cancelled: bool = False) -> Event:
        from icalendar import Event

        ev = Event()
        ev.add("uid", uid_)
        ev.add("dtstamp", self.stamp)
        ev.add("summary", visible(summary))
        if entity is not None:
            rev = self.revisions.get(entity)
            changes = rev.changes if rev is not None else 0
            ev.add("sequence", max(0, changes - CREATED_BY[entity[0]]))
            if rev is not None:
                ev.add("last-modified", rev.last.replace(tzinfo=dt.UTC))
        ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        self.calendar.add_component(ev)
        return ev

    def all_day(self, ev: Event, first: dt.date, last: dt.date | None = None) -> None:
        """From ``first`` to ``last`` (included; None: one day), free time (a deadline blocks no one's day)."""
        last = last or first
        ev.add("dtstart", first)
        ev.add("dtend", last + dt.timedelta(days=1))
        ev.add("transp", "TRANSPARENT")
        self.days += [first, last]


def build(facts: Facts, stamp: dt.datetime) -> Calendar:
    """The calendar of ``facts``; ``stamp`` (aware) is when the feed was made (``DTSTAMP``)."""
    b = _Builder(facts, stamp)
    cal = b.calendar
    cal.add("prodid", PRODID.format(lang=language().upper()))
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", visible(facts.name))
    cal.add("x-wr-timezone", TZID)
    for row in facts.dues:
        _due(b, row)
    agenda: dict[int, list[AgendaRow]] = {}
    for item in facts.agenda:
        agenda.setdefault(item.meeting_id, []).append(item)
    for mt in facts.meetings:
        _meeting(b, mt, agenda.get(mt.id, []))
    for ms in facts.milestones:
        _milestone(b, ms)
    for period in facts.surveys:
        survey_event(b, period)
    _timezone(b)
    return cal


def render(facts: Facts, stamp: dt.datetime) -> bytes:
    """The feed as iCalendar bytes (UTF-8, CRLF, lines folded at 75 octets)."""
    return build(facts, stamp).to_ical()


def _due(b: _Builder, row: DueRow) -> None:
    cancelled = due_cancelled(row)
    body = display_name(row.body, row.body_en)
    document = document_label(row.field, row.field_en, row.kind, row.kind_name, row.kind_en, row.version)
    ev = b.event(
        uid("opinion-due", row.draft_id, row.body_id),
        _("Opinion due: {body} on {document}").format(body=body, document=document),
        ("draft", row.draft_id),
        cancelled=cancelled,
    )
    b.all_day(ev, lifecycle.opinion_due(row.submitted_on, row.deadline_days))
    lines = [_("Submitted on {date}.").format(date=labels.date(row.submitted_on))]
    if row.received_on is not None:
        lines.append(_("Received on {date}.").format(date=labels.date(row.received_on)))
    if row.voided_at is not None:
        lines.append(_("The version was withdrawn: {reason}").format(reason=row.void_reason or "—"))
    elif cancelled:
        lines.append(_("A newer version replaced this one before the opinion came."))
    elif row.received_on is None:
        lines.append(_("Not received yet."))
    ev.add("description", visible("\n".join(lines)))


def agenda_line(item: AgendaRow) -> str:
    """One agenda item: its number, what is decided on, its Drucksache."""
    if item.version is None:
        what = _("the complete plan")
    else:
        what = document_label(item.field, item.field_en, item.kind or "", item.kind_name, item.kind_en, item.version)
    text = f"{item.number} {what}" if item.number else what
    if item.drucksache:
        text += " " + _("(Drucksache {number})").format(number=item.drucksache)
    return text


def _meeting(b: _Builder, mt: MeetingRow, items: list[AgendaRow]) -> None:
    ev = b.event(uid("meeting", mt.id), _("Session: {body}").format(body=display_name(mt.body, mt.body_en)), ("meeting", mt.id))
    if mt.start:
        hour, minute = (int(part) for part in mt.start.split(":"))
        ev.add("dtstart", dt.datetime.combine(mt.date, dt.time(hour, minute), tzinfo=ZoneInfo(TZID)))
        b.days.append(mt.date)
    else:
        b.all_day(ev, mt.date)
        ev.pop("transp")  # a session takes the day
    if mt.location:
        ev.add("location", visible(mt.location))
    lines = []
    if mt.second_convocation_of is not None:
        lines.append(_("Second convocation of session {id}.").format(id=mt.second_convocation_of))
    if mt.urgent_reason:
        lines.append(_("Called at short notice: {reason}").format(reason=mt.urgent_reason))
    if items:
        lines.append(_("Agenda:"))
        lines += [agenda_line(item) for item in items]
    else:
        lines.append(_("No agenda items recorded yet."))
    ev.add("description", visible("\n".join(lines)))


def _milestone(b: _Builder, ms: MilestoneRow) -> None:
    if ms.due is None:  # the seed gives no day ("im Herbst"): nothing to put in a calendar
        return
    ev = b.event(
        uid("milestone", ms.id), _("Milestone: {name}").format(name=display_name(ms.name, ms.name_en)), ("milestone", ms.id)
    )
    b.all_day(ev, ms.due)
    if ms.rescheduled_at is not None:
        if ms.original_due is not None:
            text = _("Rescheduled: originally due on {original}, now on {due}.").format(
                original=labels.date(ms.original_due), due=labels.date(ms.due)
            )
        else:  # the seed gave no day, only words
            text = _("Rescheduled: originally due {original}, now on {due}.").format(
                original=ms.due_text or "—", due=labels.date(ms.due)
            )
        if ms.reschedule_reason:
            text += " " + _("Reason: {reason}").format(reason=ms.reschedule_reason)
        ev.add("description", visible(text))
    elif ms.due_text:
        ev.add("description", visible(ms.due_text))


def survey_event(b: _Builder, period: SurveyPeriod) -> None:
    """A survey round's period as one all-day event spanning it."""
    if period.round is None:
        summary = _("Survey {name}").format(name=period.name)
    else:
        summary = _("Survey {name} (round {round})").format(name=period.name, round=period.round)
    ev = b.event(uid("survey", period.survey_id), summary, None)  # the survey's identity: a renumbered round updates it
    ev.add("sequence", period.sequence)
    if period.last_modified is not None:
        ev.add("last-modified", period.last_modified.replace(tzinfo=dt.UTC))
    b.all_day(ev, period.opens, period.closes)
    ev.add(
        "description",
        _("Open from {first} until {last}.").format(first=labels.date(period.opens), last=labels.date(period.closes)),
    )


def _timezone(b: _Builder) -> None:
    """The VTIMEZONE of Europe/Berlin, first in the calendar, covering the feed's days (and a year after)."""
    from icalendar import Timezone

    first = min(b.days, default=dt.date(2019, 1, 1))
    last = max(b.days, default=first)
    tz = Timezone.from_tzinfo(ZoneInfo(TZID), TZID, first_date=dt.date(first.year, 1, 1), last_date=dt.date(last.year + 2, 1, 1))
    b.calendar.subcomponents.insert(0, tz)
