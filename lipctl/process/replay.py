"""Corrections (Protokollberichtigung): a document's states computed again from what still counts.

A voided record (a withdrawn opinion or version, a voided steering decision or tally) stays in the
store, marked; the states of the document's versions are then what they would be had it never been
recorded. ``replay`` computes them from the live facts of one document (all versions of one field's
document kind) by applying the lifecycle events as the services do when they record them, and
``blocker`` names the live record that relies on one that is to be voided (void that one first).

Order: the services let nothing happen to a version after the next one is submitted (it is then
final or superseded), an opinion changes the state only before the steering decision, and a tally
only after it. Replaying version by version — submission, opinions (as recorded, by id), the
decision, the tallies (by id) — is therefore the order in which they were recorded.
Pure: no database, no terminal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from lipctl.process import lifecycle
from lipctl.process.states import DecisionOutcome, DraftState, ResolutionResult

__all__ = [
    "Blocker",
    "Decision",
    "Document",
    "Opinion",
    "Standing",
    "Tally",
    "Version",
    "blocker",
    "replay",
    "without",
]


@dataclass(frozen=True)
class Version:
    """One version of the document (Entwurfsfassung)."""

    id: int
    version: int
    submitted_on: dt.date
    voided: bool = False


@dataclass(frozen=True)
class Opinion:
    id: int
    draft: int
    body: str
    received_on: dt.date
    voided: bool = False


@dataclass(frozen=True)
class Decision:
    """The steering group's decision on a version."""

    id: int
    draft: int
    outcome: DecisionOutcome
    decided_on: dt.date
    without_opinions: bool = False
    voided: bool = False


@dataclass(frozen=True)
class Tally:
    """A committee's or council's resolution on a version (or, with ``draft`` None, on the plan)."""

    id: int
    draft: int | None
    body: str
    result: ResolutionResult
    decided_on: dt.date
    second_convocation: bool = False
    voided: bool = False

    @property
    def final(self) -> bool:
        return self.result in (ResolutionResult.ADOPTED, ResolutionResult.REJECTED)


@dataclass(frozen=True)
class Document:
    """What was recorded on one document: every version and record, voided ones marked.

    ``required``: the bodies whose opinion every version needs; ``chain``: the Beratungsfolge.
    """

    versions: Sequence[Version]
    opinions: Sequence[Opinion] = ()
    decisions: Sequence[Decision] = ()
    tallies: Sequence[Tally] = ()
    required: Sequence[str] = ()
    chain: Sequence[str] = field(default_factory=lambda: ("internationaler-ausschuss",))


class Standing(NamedTuple):
    """A version's state and the day it reached it."""

    state: DraftState
    since: dt.date


def without(doc: Document, kind: str, record_id: int) -> Document:
    """The document's facts with record ``record_id`` of ``kind`` (opinion, decision, tally, version) voided too."""
    if kind not in _FACTS:
        raise ValueError(kind)
    items = getattr(doc, _FACTS[kind])
    marked = [dataclasses.replace(x, voided=True) if x.id == record_id else x for x in items]
    return dataclasses.replace(doc, **{_FACTS[kind]: marked})


_FACTS = {"version": "versions", "opinion": "opinions", "decision": "decisions", "tally": "tallies"}


def replay(doc: Document) -> dict[int, Standing]:
    """The state of every live version (by draft id), as if the voided records had never been recorded."""
    live = sorted((v for v in doc.versions if not v.voided), key=lambda v: v.version)
    out: dict[int, Standing] = {}
    previous: Version | None = None
    for v in live:
        if previous is not None and lifecycle.is_open(out[previous.id].state):
            out[previous.id] = _step(out[previous.id], "superseded", v.submitted_on)
        out[v.id] = _version(doc, v)
        previous = v
    return out


def _step(now: Standing, event: str, day: dt.date, *, without_opinions: bool = False) -> Standing:
    nxt = lifecycle.apply(now.state, event, without_opinions=without_opinions)
    return Standing(nxt, day if nxt != now.state else now.since)


def _version(doc: Document, v: Version) -> Standing:
    now = Standing(lifecycle.apply(None, "submitted"), v.submitted_on)
    received: set[str] = set()
    if not doc.required:
        now = _step(now, "opinions_complete", v.submitted_on)
    for op in sorted((o for o in doc.opinions if o.draft == v.id and not o.voided), key=lambda o: o.id):
        received.add(op.body)
        if now.state == DraftState.SUBMITTED and not lifecycle.missing_opinions(doc.required, received):
            now = _step(now, "opinions_complete", op.received_on)
    for dec in sorted((d for d in doc.decisions if d.draft == v.id and not d.voided), key=lambda d: d.id):
        # The decision was allowed when it was recorded (with or without the opinions).
        now = _step(now, lifecycle.decision_event(dec.outcome), dec.decided_on, without_opinions=True)
    adopted: set[str] = set()
    for t in sorted((t for t in doc.tallies if t.draft == v.id and not t.voided), key=lambda t: t.id):
        last = len(lifecycle.pending_in_chain(doc.chain, adopted)) <= 1
        now = _step(now, lifecycle.tally_event(t.result, final=t.final, last=last), t.decided_on)
        if t.result == ResolutionResult.ADOPTED:
            adopted.add(t.body)
    return now


# --- what relies on a record ---------------------------------------------------------------


class Blocker(NamedTuple):
    """A live record that relies on the one to be voided: ``kind`` is opinion, decision, tally or version."""

    kind: str
    id: int
    version: int | None


def _versions(doc: Document) -> Mapping[int, Version]:
    return {v.id: v for v in doc.versions}


def _next_version(doc: Document, draft: int) -> Version | None:
    """The first live version after this one."""
    this = _versions(doc)[draft]
    later = sorted((v for v in doc.versions if not v.voided and v.version > this.version), key=lambda v: v.version)
    return later[0] if later else None


def blocker(doc: Document, kind: str, record_id: int) -> Blocker | None:
    """The live record that relies on record ``record_id`` of ``kind`` (opinion, decision, tally, version), if any.

    - an opinion: a steering decision on its version dated on or after the opinion was received;
    - a decision: a tally of its version, or the next version;
    - a tally: a later second convocation of the same body on the same version after a tally that was
      not final (not quorate, deferred); a later tally of the next body after an adoption; the next
      version after a tally that settled the version;
    - a version: the next version.
    """
    if kind == "opinion":
        op = next(o for o in doc.opinions if o.id == record_id)
        for dec in doc.decisions:
            if dec.draft == op.draft and not dec.voided and dec.decided_on >= op.received_on:
                return Blocker("decision", dec.id, _versions(doc)[dec.draft].version)
        return None
    if kind == "decision":
        dec = next(d for d in doc.decisions if d.id == record_id)
        for t in sorted(doc.tallies, key=lambda t: t.id):
            if t.draft == dec.draft and not t.voided:
                return Blocker("tally", t.id, _versions(doc)[dec.draft].version)
        nxt = _next_version(doc, dec.draft)
        return Blocker("version", nxt.id, nxt.version) if nxt is not None else None
    if kind == "tally":
        return _tally_blocker(doc, next(t for t in doc.tallies if t.id == record_id))
    if kind == "version":
        nxt = _next_version(doc, record_id)
        return Blocker("version", nxt.id, nxt.version) if nxt is not None else None
    raise ValueError(kind)


def _tally_blocker(doc: Document, tally: Tally) -> Blocker | None:
    version = _versions(doc)[tally.draft].version if tally.draft is not None else None
    for t in sorted(doc.tallies, key=lambda t: t.id):
        if t.voided or t.id <= tally.id or t.draft != tally.draft:
            continue
        if not tally.final and t.body == tally.body and t.second_convocation:
            return Blocker("tally", t.id, version)
        if tally.result == ResolutionResult.ADOPTED and t.body != tally.body:
            return Blocker("tally", t.id, version)
    if tally.final and tally.draft is not None:
        nxt = _next_version(doc, tally.draft)
        if nxt is not None:
            return Blocker("version", nxt.id, nxt.version)
    return None
