"""Sessions of the deciding bodies (Sitzungen): the invitation period and the second convocation.

Pure rules, no database and no terminal:

- Ladungsfrist (§59 NKomVG and the body's rules of procedure): a session is called ``days`` days
  ahead, per body in the seed (default 7). ``date − invited_on ≥ days`` passes; a shorter period
  needs the urgent exception with a reason (Dringlichkeit). Without an invitation date nothing is
  checked (the session shows the date as unknown).
- Zweite Ladung (§65(2) NKomVG): an item that a session could not decide for lack of quorum
  (``not_quorate``) may be decided in a session called again as its second convocation, whatever
  the attendance — only then. An item that was deferred, or never tallied in the first session,
  or a session that is no second convocation, does not qualify.
- Unterrichtung (the committee "wird regelmäßig über den Stand informiert"): when the next report
  to the committee is due.
- What happens in a session is recorded on its day, once it has taken place; a body's vote without a
  named session goes into its one session of that day; agenda item numbers are unique in a session.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from lipctl.errors import InvalidInput, Refused
from lipctl.i18n import _
from lipctl.process.states import DecisionScope, ResolutionResult

__all__ = [
    "DEFAULT_INVITATION_DAYS",
    "check_agenda_number",
    "check_held",
    "check_invitation",
    "check_on_its_day",
    "check_second_convocation_of",
    "information_due",
    "information_overdue",
    "invitation_period",
    "one_session_of_the_day",
    "parse_item_number",
    "parse_start",
    "second_convocation_refusal",
]

#: The invitation period when the seed names none for a body (Ladungsfrist: one week).
DEFAULT_INVITATION_DAYS = 7

_SECTION = "§65(2) NKomVG"


def check_held(meeting_id: int, day: dt.date, today: dt.date, *, hint: str) -> None:
    """A vote or a report is recorded once its session has taken place (``hint``: what to do instead)."""
    if day > today:
        raise InvalidInput(
            _("session {id} is on {day}, after today ({today})").format(
                id=meeting_id, day=day.isoformat(), today=today.isoformat()
            ),
            hint,
        )


def check_on_its_day(meeting_id: int, day: dt.date, given: dt.date | None) -> None:
    """A --date given beside --meeting must be the session's day."""
    if given is not None and given != day:
        raise InvalidInput(
            _("--date {date} is not the day of session {id} ({day})").format(
                date=given.isoformat(), id=meeting_id, day=day.isoformat()
            ),
            _("leave out --date: the vote is on the session's day"),
        )


def one_session_of_the_day(body: str, day: dt.date, sessions: list[int]) -> int | None:
    """The body's session on ``day`` a vote without --meeting goes into (None: there is none yet, one
    is made); several that day must be told apart with --meeting."""
    if len(sessions) > 1:
        raise Refused(
            _("{body} has {n} sessions on {day}").format(body=body, n=len(sessions), day=day.isoformat()),
            _("name the session with --meeting ID ({ids})").format(ids=", ".join(str(x) for x in sessions)),
        )
    return sessions[0] if sessions else None


def check_agenda_number(meeting_id: int, number: str | None, taken: Iterable[str | None]) -> None:
    """An agenda item's number (5.1) is unique in its session."""
    if number is not None and number in set(taken):
        raise Refused(
            _("session {id} already has an item {number}").format(id=meeting_id, number=number),
            _("give the item its own number with --number (see 'lipctl meeting show {id}')").format(id=meeting_id),
        )


def invitation_period(days: int | None) -> int:
    """The body's invitation period in days: the seed's value, else the default of 7."""
    return DEFAULT_INVITATION_DAYS if days is None else days


def check_invitation(
    date: dt.date, invited_on: dt.date | None, days: int | None, *, urgent: bool, reason: str | None
) -> int | None:
    """Whether a session on ``date`` was called in time (Ladungsfrist); returns the period kept (days), or None.

    ``urgent`` with a ``reason`` is the exception for a shorter period (Dringlichkeit); it is only
    taken where the period is actually short, and needs an invitation date to be short.
    """
    period = invitation_period(days)
    has_reason = bool(reason and reason.strip())
    if urgent and not has_reason:
        raise InvalidInput(_("--urgent needs --reason TEXT"), _("say why the session is called at short notice; it is recorded"))
    if has_reason and not urgent:
        raise InvalidInput(_("--reason is only used with --urgent"), _("leave out --reason, or add --urgent"))
    if invited_on is None:
        if urgent:
            raise InvalidInput(
                _("--urgent needs --invited-on: without the invitation date there is no period to shorten"),
                _("give the day the invitations went out with --invited-on"),
            )
        return None
    if invited_on > date:
        raise InvalidInput(
            _("--invited-on {invited} is after the session's date {date}").format(
                invited=invited_on.isoformat(), date=date.isoformat()
            ),
            _("give the day the invitations went out, on or before the session"),
        )
    kept = (date - invited_on).days
    if kept >= period:
        if urgent:
            raise InvalidInput(
                _("--urgent is not needed: the invitation went out {kept} days ahead, the period is {period}").format(
                    kept=kept, period=period
                ),
                _("leave out --urgent and --reason"),
            )
        return kept
    if not urgent:
        raise Refused(
            _(
                "the invitation went out {kept} days before the session; the invitation period (Ladungsfrist) is {period} days"
            ).format(kept=kept, period=period),
            _("schedule it at least {period} days after --invited-on, or record the urgency with --urgent --reason TEXT").format(
                period=period
            ),
        )
    return kept


def check_second_convocation_of(
    *, first_id: int, first_body: str, first_date: dt.date, body: str, date: dt.date, first_is_second: bool = False
) -> None:
    """A session called as the second convocation of session ``first_id``: same body, a later day."""
    if first_body != body:
        raise Refused(
            _("session {id} is one of {first}, not of {body}: a second convocation is called by the same body").format(
                id=first_id, first=first_body, body=body
            ),
            _("name a session of {body} with --second-convocation-of").format(body=body),
        )
    if date <= first_date:
        raise InvalidInput(
            _("a second convocation comes after the first session ({first}), not on {date}").format(
                first=first_date.isoformat(), date=date.isoformat()
            ),
            _("give the later day of the second convocation with --date"),
        )
    if first_is_second:
        raise Refused(
            _("session {id} is itself a second convocation, which is quorate regardless of attendance").format(id=first_id),
            _("name the first session of the item with --second-convocation-of"),
        )


def second_convocation_refusal(
    *, what: str, meeting: str, first: int | None, first_results: Iterable[ResolutionResult | str]
) -> Refused | None:
    """Why ``what`` cannot be decided in the session ``meeting`` (its body and day: the session may be
    the one this tally would create) as a second convocation, or None when it can.

    ``first`` is the session this one is the second convocation of (None: it is none);
    ``first_results`` are the live results of the same item in that first session.
    """
    if first is None:
        return Refused(
            _(
                "the session of {meeting} is not a second convocation: {section} allows one only after a session without quorum"
            ).format(meeting=meeting, section=_SECTION),
            _(
                "schedule the second convocation with 'lipctl meeting schedule BODY --date D --second-convocation-of MEETING' "
                "and tally there with --meeting ID"
            ),
        )
    results = [ResolutionResult(r) for r in first_results]
    if ResolutionResult.NOT_QUORATE in results:
        return None
    if ResolutionResult.DEFERRED in results:
        return Refused(
            _("{what} was deferred in session {first}, not postponed for lack of quorum: {section} does not apply").format(
                what=what, first=first, section=_SECTION
            ),
            _("tally it without --second-convocation; the usual quorum applies"),
        )
    return Refused(
        _("{what} was not tallied 'not_quorate' in session {first}: {section} allows a second convocation only then").format(
            what=what, first=first, section=_SECTION
        ),
        _("tally it without --second-convocation; the usual quorum applies"),
    )


def information_due(last: dt.date | None, interval_days: int | None, *, first_session: dt.date | None = None) -> dt.date | None:
    """The day the committee is next to be informed (Unterrichtung): ``interval_days`` after the last time.

    Never informed: counted from the committee's first recorded session (``first_session``). None
    when the seed gives no interval, or there is nothing to count from.
    """
    start = last if last is not None else first_session
    if interval_days is None or start is None:
        return None
    return start + dt.timedelta(days=interval_days)


def information_overdue(due: dt.date | None, today: dt.date) -> int | None:
    """Days the committee's information is overdue on ``today`` (None: not overdue)."""
    if due is None or today <= due:
        return None
    return (today - due).days


_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?")
_START = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def parse_item_number(value: str) -> str:
    """An agenda item's number (Tagesordnungspunkt) as the agenda prints it: 5, 5.1, 5.1a."""
    text = value.strip()
    if not _NUMBER.fullmatch(text):
        raise InvalidInput(
            _("{value!r} is not an agenda item number").format(value=value), _("write it as the agenda does: 5, 5.1 or 5.1a")
        )
    return text


def parse_start(value: str) -> str:
    """The session's start time, HH:MM (24 hours)."""
    text = value.strip()
    if not _START.fullmatch(text):
        raise InvalidInput(_("--start {value!r} is not a time").format(value=value), _("write it as HH:MM, e.g. 16:00"))
    return text


# --- which bodies keep sessions ----------------------------------------------------------------


def decided_by(steps: Iterable[tuple[int, DecisionScope]]) -> dict[int, set[DecisionScope]]:
    """The bodies of the Beratungsfolgen (body id, scope per step), with what each decides on (the
    committee: documents and the plan; the council: the plan)."""
    scopes: dict[int, set[DecisionScope]] = {}
    for body_id, scope in steps:
        scopes.setdefault(body_id, set()).add(scope)
    return scopes


def check_keeps_sessions(body: str, scopes: set[DecisionScope]) -> None:
    """Sessions are kept for the bodies that decide on something in the seed's decision chain."""
    if not scopes:
        raise Refused(
            _("{body} decides on nothing in the seed's decision chain: sessions are kept for the deciding bodies").format(
                body=body
            ),
            _("schedule a session of the committee or the council (lipctl bodies lists them)"),
        )


def check_decides_on(meeting_id: int, body: str, scopes: set[DecisionScope], scope: DecisionScope) -> None:
    """A document or the plan goes on the agenda of a session of a body that decides on it."""
    if scope not in scopes:
        what = _("the plan") if scope == DecisionScope.PLAN else _("a document")
        raise Refused(
            _("session {id} is one of {body}, which does not decide on {what}").format(id=meeting_id, body=body, what=what),
            _("put it on a session of the body that decides on it (the seed's decision_chain)"),
        )
