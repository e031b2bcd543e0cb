"""The draft lifecycle (Entwurfsfassung): a state machine over events, and the opinion rules.

One draft is one version of one document of one action field::

    submitted ──opinions_complete──> ready_for_decision
    ready_for_decision ──returned──> returned            (final; the expert group submits n+1)
    ready_for_decision ──forwarded──> forwarded
    forwarded ──adopted | rejected──> adopted | rejected   (final for this version)
    forwarded ──no_resolution──> forwarded                 (not quorate or deferred: tallied again later)
    submitted | ready_for_decision | forwarded ──superseded──> superseded   (version n+1 submitted)

A steering decision on a version whose required opinions are not all in (state ``submitted``) is
only allowed as an explicit exception with a reason (``decide(..., without_opinions=True)``).
Pure: no database, no terminal. ``DraftState`` values or their strings are accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from lipctl.errors import InvalidInput, Refused
from lipctl.i18n import _
from lipctl.process.states import DecisionOutcome, DraftState, ResolutionResult, Stance

__all__ = [
    "EVENTS",
    "FINAL_STATES",
    "OPEN_STATES",
    "apply",
    "check_opinion",
    "decide",
    "decision_event",
    "is_open",
    "missing_opinions",
    "opinion_due",
    "overdue_opinions",
    "parse_stance",
    "parse_state",
    "tally_event",
    "waiting_on",
]

EVENTS = (
    "submitted",
    "opinions_complete",
    "forwarded",
    "returned",
    "superseded",
    "adopted",
    "rejected",
    "no_resolution",
)

S = DraftState
#: A version that is still in the process: a newer version supersedes it.
OPEN_STATES = frozenset({S.SUBMITTED, S.READY_FOR_DECISION, S.FORWARDED})
#: Nothing happens to such a version any more.
FINAL_STATES = frozenset({S.RETURNED, S.ADOPTED, S.REJECTED, S.SUPERSEDED})
#: Opinions are still awaited (and can be missing or overdue) only before the steering decision.
AWAITING_OPINIONS = frozenset({S.SUBMITTED, S.READY_FOR_DECISION})

# (state, event) -> next state; everything else is refused with a reason.
_TRANSITIONS: dict[tuple[DraftState | None, str], DraftState] = {
    (None, "submitted"): S.SUBMITTED,
    (S.SUBMITTED, "opinions_complete"): S.READY_FOR_DECISION,
    (S.READY_FOR_DECISION, "opinions_complete"): S.READY_FOR_DECISION,
    (S.READY_FOR_DECISION, "forwarded"): S.FORWARDED,
    (S.READY_FOR_DECISION, "returned"): S.RETURNED,
    (S.SUBMITTED, "superseded"): S.SUPERSEDED,
    (S.READY_FOR_DECISION, "superseded"): S.SUPERSEDED,
    (S.FORWARDED, "superseded"): S.SUPERSEDED,
    (S.FORWARDED, "adopted"): S.ADOPTED,
    (S.FORWARDED, "rejected"): S.REJECTED,
    (S.FORWARDED, "no_resolution"): S.FORWARDED,
}

# With the explicit exception (--without-opinions): the steering group decides before the opinions are in.
_OVERRIDE: dict[tuple[DraftState, str], DraftState] = {
    (S.SUBMITTED, "forwarded"): S.FORWARDED,
    (S.SUBMITTED, "returned"): S.RETURNED,
}

_DECISIONS = ("forwarded", "returned")
_TALLIES = ("adopted", "rejected", "no_resolution")


def _state(state: DraftState | str | None) -> DraftState | None:
    return None if state is None else DraftState(state)


def is_open(state: DraftState | str) -> bool:
    """Whether a version is still in the process (offen): submitted, ready for decision or forwarded."""
    return DraftState(state) in OPEN_STATES


def apply(state: DraftState | str | None, event: str, *, without_opinions: bool = False, what: str | None = None) -> DraftState:
    """The next state of a draft version after an event (Zustandsübergang), or Refused with what to do instead.

    ``what`` names the version in messages (e.g. ``bildung/grundsatzpapier v2``).
    """
    if event not in EVENTS:
        raise InvalidInput(
            _("unknown lifecycle event '{event}'").format(event=event),
            _("valid: {valid}").format(valid=", ".join(EVENTS)),
        )
    current = _state(state)
    nxt = _TRANSITIONS.get((current, event))
    if nxt is None and without_opinions and current is not None:
        nxt = _OVERRIDE.get((current, event))
    if nxt is not None:
        return nxt
    raise _refusal(current, event, what or _("this version"))


def _refusal(state: DraftState | None, event: str, what: str) -> Refused:
    """Why an event cannot happen in a state, and what to do instead."""
    if state is None:
        return Refused(
            _("{what} does not exist yet: '{event}' needs a submitted version").format(what=what, event=event),
            _("submit it first: lipctl draft submit FIELD --kind KIND"),
        )
    if event == "submitted":
        return Refused(
            _("{what} was already submitted").format(what=what),
            _("a revision is a new version: lipctl draft submit FIELD --kind KIND"),
        )
    if state == S.SUPERSEDED:
        return Refused(
            _("{what} was superseded by a newer version").format(what=what),
            _("act on the latest version instead (REF as FIELD/KIND)"),
        )
    if state == S.RETURNED:
        return Refused(
            _("{what} was returned to the expert group for revision").format(what=what),
            _("the expert group submits the next version: lipctl draft submit FIELD --kind KIND"),
        )
    if state in (S.ADOPTED, S.REJECTED):
        return Refused(
            _("{what} was already {state}; that is final for this version").format(what=what, state=state.value),
            _("a new decision needs a new version: lipctl draft submit FIELD --kind KIND"),
        )
    if event in _DECISIONS:
        if state == S.FORWARDED:
            return Refused(
                _("{what} was already forwarded to the committee").format(what=what),
                _("record the committee's vote instead: lipctl committee tally REF ..."),
            )
        # state == SUBMITTED without the exception: decide() names the missing bodies first.
        return Refused(
            _("{what} is still waiting for the required opinions").format(what=what),
            _("record them with 'lipctl opinion record', or decide with --without-opinions --reason TEXT"),
        )
    if event in _TALLIES:
        return Refused(
            _("{what} is {state}: the steering group has not forwarded it to the committee").format(what=what, state=state.value),
            _("record the steering group's decision first: lipctl steering decide REF --forward --reason TEXT"),
        )
    if event == "opinions_complete":
        return Refused(
            _("{what} is {state}: it no longer waits for opinions").format(what=what, state=state.value),
            _("opinions count for a submitted version"),
        )
    return Refused(  # pragma: no cover - every (state, event) pair is covered above
        _("{what} is {state}: '{event}' is not possible").format(what=what, state=state.value, event=event),
        None,
    )


def decision_event(outcome: DecisionOutcome | str) -> str:
    """What a steering decision does to the version: "forwarded" or "returned"."""
    return "forwarded" if DecisionOutcome(outcome) == DecisionOutcome.FORWARD else "returned"


def tally_event(result: ResolutionResult, *, final: bool, last: bool) -> str:
    """What a vote on a forwarded version does to it: "adopted", "rejected" or "no_resolution".

    A rejection settles the version at any body of the Beratungsfolge; an adoption only at the last
    one (an earlier body's adoption passes the draft on); a vote that is not final (not quorate,
    deferred) leaves it forwarded."""
    if final and (last or result is ResolutionResult.REJECTED):
        return result.value
    return "no_resolution"


def decide(
    state: DraftState | str,
    outcome: DecisionOutcome | str,
    missing: Sequence[str],
    *,
    reason: str | None,
    without_opinions: bool = False,
    what: str | None = None,
) -> DraftState:
    """The steering group's decision (Beschluss der Lenkungsgruppe): forward or return, with its guards.

    Returning needs a reason; deciding while required opinions are missing needs the explicit
    exception ``without_opinions`` and a reason; the state must allow a decision.
    """
    outcome = DecisionOutcome(outcome)
    event = decision_event(outcome)
    what = what or _("this version")
    has_reason = bool(reason and reason.strip())
    current = DraftState(state)
    if current in (S.SUBMITTED, S.READY_FOR_DECISION):
        if missing and not without_opinions:
            raise Refused(
                _("{what}: the opinion of {bodies} is still missing").format(what=what, bodies=", ".join(missing)),
                _("record it with 'lipctl opinion record', or decide anyway with --without-opinions --reason TEXT"),
            )
        if without_opinions and not has_reason:
            raise Refused(
                _("a decision without the required opinions needs a reason"),
                _("add --reason TEXT saying why the steering group decides now"),
            )
        if outcome == DecisionOutcome.RETURN and not has_reason:
            raise Refused(
                _("returning a draft to the expert group needs a reason"),
                _("add --reason TEXT with what the expert group should revise"),
            )
    # Missing opinions are allowed past the guard only as the explicit exception.
    return apply(current, event, without_opinions=without_opinions or not missing, what=what)


def check_opinion(state: DraftState | str, *, what: str | None = None) -> None:
    """Whether an opinion (Einschätzung, Stellungnahme) can still be recorded on a version in this state."""
    current = DraftState(state)
    if current in OPEN_STATES:
        return
    what = what or _("this version")
    if current == S.SUPERSEDED:
        raise Refused(
            _("{what} was superseded by a newer version").format(what=what),
            _("record the opinion on the latest version (REF as FIELD/KIND)"),
        )
    if current == S.RETURNED:
        raise Refused(
            _("{what} was returned to the expert group for revision").format(what=what),
            _("record the opinion on the next version once it is submitted"),
        )
    raise Refused(
        _("{what} was already {state}; that is final for this version").format(what=what, state=current.value),
        _("opinions are recorded on a version that is still open"),
    )


def parse_stance(text: str) -> Stance:
    """The stance of an opinion (Zustimmung, Änderungsbedarf, Ablehnung) from its code or its word in
    either language (approve, amend, reject; approval, changes needed; Änderungsbedarf …)."""
    from lipctl import vocabulary

    code = vocabulary.code_of(vocabulary.STANCES, text)
    if code is None:
        raise InvalidInput(
            _("unknown stance '{stance}'").format(stance=text),
            _("valid: {valid}").format(valid=vocabulary.choices(vocabulary.STANCES)),
        )
    return Stance(code)


def parse_state(text: str) -> DraftState:
    """A draft state from its code or its word in either language (draft list --state eingereicht)."""
    from lipctl import vocabulary

    code = vocabulary.code_of(vocabulary.STATES, text)
    if code is None:
        raise InvalidInput(
            _("unknown state {state!r}").format(state=text),
            _("valid: {valid}").format(valid=vocabulary.choices(vocabulary.STATES)),
        )
    return DraftState(code)


def missing_opinions(required: Sequence[str], received: Iterable[str]) -> list[str]:
    """The bodies whose required opinion (Einschätzung/Stellungnahme) is not in yet, in required order."""
    got = set(received)
    return [body for body in required if body not in got]


def opinion_due(submitted_on: dt.date, deadline_days: int) -> dt.date:
    """The date an opinion is due (Frist): the submission date plus the body's deadline in days."""
    return submitted_on + dt.timedelta(days=deadline_days)


def overdue_opinions(
    submitted_on: dt.date,
    requirements: Sequence[tuple[str, int]],
    received: Iterable[str],
    today: dt.date,
) -> list[tuple[str, dt.date]]:
    """The required opinions past their due date as of ``today`` (überfällig): (body, due), in required order.

    An opinion is overdue the day after it is due.
    """
    got = set(received)
    out = []
    for body, days in requirements:
        due = opinion_due(submitted_on, days)
        if body not in got and today > due:
            out.append((body, due))
    return out


def waiting_on(
    state: DraftState | str,
    missing: Sequence[str],
    *,
    steering: str | None,
    deciding_body: str | None,
    expert_group: str | None,
) -> list[str]:
    """Whom a version waits for (wartet auf): the missing opinions, the steering group, the committee or the expert group."""
    current = DraftState(state)
    if current == S.SUBMITTED:
        return list(missing)
    if current == S.READY_FOR_DECISION:
        return [steering] if steering else []
    if current == S.FORWARDED:
        return [deciding_body] if deciding_body else []
    if current == S.RETURNED:
        return [expert_group] if expert_group else []
    return []


def check_tally(state: DraftState, *, label: str, ref: str, field: str, kind: str, since: dt.date) -> None:
    """Only a forwarded version can be voted on (Beschluss); otherwise say what to do instead."""
    if state == S.FORWARDED:
        return
    if state in AWAITING_OPINIONS:
        raise Refused(
            _("{draft} is {state}: the steering group has not forwarded it to the committee").format(
                draft=label, state=state.value
            ),
            _("record the steering group's decision first: lipctl steering decide {ref} --forward --reason TEXT").format(ref=ref),
        )
    if state in (S.ADOPTED, S.REJECTED):
        raise Refused(
            _("{draft} was already {state} on {date}; that result is final for this version").format(
                draft=label, state=state.value, date=since.isoformat()
            ),
            _("a new resolution needs a new version: lipctl draft submit {field} --kind {kind}").format(field=field, kind=kind),
        )
    if state == S.RETURNED:
        raise Refused(
            _("{draft} was returned to the expert group for revision").format(draft=label),
            _(
                "the committee votes on a forwarded version: submit the next one with 'lipctl draft submit {field} --kind {kind}'"
            ).format(field=field, kind=kind),
        )
    raise Refused(
        _("{draft} is {state}; the committee votes only on a forwarded version").format(draft=label, state=state.value),
        _("'lipctl draft show {ref}' shows the latest version and its state").format(ref=f"{field}/{kind}"),
    )


def pending_in_chain(chain: Sequence[str], adopted: Iterable[str]) -> list[str]:
    """The bodies of the Beratungsfolge that have not adopted yet, in order."""
    done = set(adopted)
    return [b for b in chain if b not in done]


def deciding_body(chain: Sequence[str], adopted: Iterable[str], *, scope: str, requested: str | None = None) -> tuple[str, bool]:
    """Who votes next (Beratungsfolge): the first body that has not adopted yet, and whether it is the last."""
    adopted = set(adopted)
    pending = pending_in_chain(chain, adopted)
    order = " → ".join(chain)
    if not pending:  # only reachable for the plan: a document's state is final by then
        raise Refused(
            _("the {scope} has already been adopted by every body of the Beratungsfolge ({order})").format(
                scope=scope, order=order
            ),
            _("'lipctl log' shows the resolutions"),
        )
    body = pending[0]
    if requested is not None:
        if requested not in chain:
            raise Refused(
                _("{body} does not decide on the {scope}").format(body=requested, scope=scope),
                _("the Beratungsfolge is {order}").format(order=order),
            )
        if requested in adopted:
            raise Refused(
                _("{body} has already adopted it").format(body=requested),
                _("next in the Beratungsfolge ({order}): {next}").format(order=order, next=body),
            )
        if requested != body:
            raise Refused(
                _("{body} decides after {next}").format(body=requested, next=body),
                _("record {next}'s resolution first (Beratungsfolge {order})").format(next=body, order=order),
            )
    return body, len(pending) == 1
