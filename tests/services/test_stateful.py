"""A stateful property test: random submit / opinion / decide / supersede / tally / withdraw / void against
the rules and the store.

Hypothesis drives the services on SQLite and PostgreSQL (a fresh copy of an initialised database per
example: a file copy, or CREATE DATABASE … TEMPLATE) and a plain model written here, independently of
lipctl.process.lifecycle and lipctl.process.replay: per version the events recorded on it, the states
computed from the events that are not voided (a correction is "as if it had never been recorded").
After every step the invariants are checked in the store:

- every earlier version of a document is final (returned, superseded, adopted, rejected): at most one
  version of each document is open, and it is the latest;
- no steering decision without the required opinions recorded before it, or a recorded exception
  (without_opinions, the missing bodies and a reason);
- nothing is deleted or changed behind the log: every draft, opinion and decision ever stored is still
  there, and the audit log only grows (earlier events unchanged);
- every change has its audit event: the store holds exactly the events the model expects, each one
  pointing at its draft, opinion or decision;
- a refused step changes nothing; a void that a later record relies on, or a second one, is refused;
- the stored state of every version is the model's, computed as if the voided events were never recorded.

CI size: ``max_examples=40`` × ``stateful_step_count=25`` (at most 1,000 steps) per store.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from lipctl.context import AppContext, Env
from lipctl.errors import LipctlError
from tests.helpers import engine_on, snapshot

MAX_EXAMPLES = 40
STEPS = 25

DOCS = [("bildung", "grundsatzpapier"), ("wirtschaft", "massnahmenkatalog")]
REQUIRED = ("integrationsbeiraete", "runder-tisch")
BODIES = [*REQUIRED, "expertinnengruppe-soziales"]  # an expert group gives no opinion: always refused
OPEN = {"submitted", "ready_for_decision", "forwarded"}
FINAL = {"returned", "superseded", "adopted", "rejected"}
TODAY = dt.date(2021, 2, 1)


class Lifecycle(RuleBasedStateMachine):
    template: str  # the initialised database: a SQLite file, or a PostgreSQL URL
    folder: Path
    counter = itertools.count(1)

    def __init__(self) -> None:
        super().__init__()
        self.db = self._copy(next(Lifecycle.counter))
        self.store = AppContext(db=self.db)
        self.env = Env(self.store, actor="anna", today=TODAY)
        self.engine: Engine = engine_on(self.db)
        # The model: per document its versions, each {"id", "state", "received": set, "voided": bool, "events": [...]}
        # where an event is {"kind": opinion|decision|tally, "id", "voided", and body / forward / result}.
        self.docs: dict[tuple[str, str], list[dict]] = {d: [] for d in DOCS}
        self.opinion_ids: set[int] = set()
        self.decision_ids: set[int] = set()
        self.expected_events: Counter[str] = Counter()
        self.seen_audit: list[tuple] = []

    def _copy(self, n: int) -> str:
        """A fresh copy of the initialised database for this example."""
        if "://" not in self.template:
            db = self.folder / f"example-{n}.db"
            shutil.copyfile(self.template, db)
            return str(db)
        url = make_url(self.template)
        name = f"{url.database}_ex{n}"
        admin = engine_on(url.set(database="postgres"))
        try:
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
        finally:
            admin.dispose()
        return url.set(database=name).render_as_string(hide_password=False)

    def teardown(self) -> None:
        self.engine.dispose()
        self.store.dispose()

    # --- helpers --------------------------------------------------------------------------

    def _target(self, doc: tuple[str, str], pick: int | None) -> dict | None:
        """The latest live version (pick None: FIELD/KIND), or any version, withdrawn ones too, by its id."""
        versions = self.docs[doc] if pick is not None else [v for v in self.docs[doc] if not v["voided"]]
        if not versions:
            return None
        return versions[-1] if pick is None else versions[pick % len(versions)]

    def _recompute(self, doc: tuple[str, str]) -> None:
        """Every live version's state from the events that count, in the order they were recorded."""
        previous = None
        for v in (v for v in self.docs[doc] if not v["voided"]):
            if previous is not None and previous["state"] in OPEN:
                previous["state"] = "superseded"
            v["state"], v["received"] = "submitted", set()
            for e in (e for e in v["events"] if not e["voided"]):
                if e["kind"] == "opinion":
                    v["received"].add(e["body"])
                    if v["state"] == "submitted" and set(REQUIRED) <= v["received"]:
                        v["state"] = "ready_for_decision"
                elif e["kind"] == "decision":
                    v["state"] = "forwarded" if e["forward"] else "returned"
                elif e["result"] != "not_quorate":
                    v["state"] = e["result"]
            previous = v

    def _events(self, kind: str) -> list[tuple[tuple[str, str], dict, dict]]:
        """Every recorded event of ``kind`` (voided ones too): (document, version, event), in the order recorded."""
        found = [(doc, v, e) for doc, vs in self.docs.items() for v in vs for e in v["events"] if e["kind"] == kind]
        return sorted(found, key=lambda x: x[2]["id"])

    @staticmethod
    def _later_live(versions: list[dict], v: dict) -> bool:
        return any(not w["voided"] for w in versions[versions.index(v) + 1 :])

    def _expect_refusal(self, call, *args, **kw) -> LipctlError:
        before = snapshot(self.engine)
        try:
            call(*args, **kw)
        except LipctlError as exc:
            assert snapshot(self.engine) == before, "a refused step changed the store"
            assert exc.hint, f"no hint: {exc}"
            return exc
        raise AssertionError(f"{call.__name__}{args} should have been refused")

    def _actor(self, actor: str) -> None:
        self.env = self.env.replace(actor=actor)

    # --- rules ----------------------------------------------------------------------------

    @initialize()
    def start(self) -> None:
        assert snapshot(self.engine)["drafts"] == []

    @rule(doc=st.sampled_from(DOCS), actor=st.sampled_from(["anna", "ben"]), with_title=st.booleans())
    def submit(self, doc: tuple[str, str], actor: str, with_title: bool) -> None:
        from lipctl.services import drafts

        self._actor(actor)
        # A catalogue before its field's policy paper is the recorded exception ("auf dieser Grundlage").
        early = {"without_basis": True, "reason": "vorgezogen"} if doc[1] == "massnahmenkatalog" else {}
        row = drafts.submit(self.env, doc[0], doc[1], title="Titel" if with_title else None, **early)
        versions = self.docs[doc]
        open_before = [v for v in versions if v["state"] in OPEN and not v["voided"]]
        assert len(open_before) <= 1
        for v in open_before:
            v["state"] = "superseded"
            self.expected_events["draft.superseded"] += 1
        assert row["version"] == len(versions) + 1  # a withdrawn version's number is not given again
        assert row["superseded"] == (
            {
                "id": open_before[0]["id"],
                "version": versions.index(open_before[0]) + 1,
                "state_before": row["superseded"]["state_before"],
            }
            if open_before
            else None
        )
        versions.append({"id": row["id"], "state": "submitted", "received": set(), "voided": False, "events": []})
        self.expected_events["draft.submitted"] += 1

    @precondition(lambda self: any(v["state"] in OPEN and not v["voided"] for vs in self.docs.values() for v in vs))
    @rule(data=st.data())
    def supersede(self, data: st.DataObject) -> None:
        """A new version while one is open (submitted, ready or forwarded)."""
        doc = data.draw(
            st.sampled_from([d for d, vs in self.docs.items() if any(v["state"] in OPEN and not v["voided"] for v in vs)])
        )
        self.submit(doc, "ben", False)

    @rule(doc=st.sampled_from(DOCS), body=st.sampled_from(REQUIRED), stance=st.sampled_from(["approve", "amend", "reject"]))
    def required_opinion(self, doc: tuple[str, str], body: str, stance: str) -> None:
        """The common case: a required body's opinion on the latest version."""
        self.opinion(doc, None, body, stance)

    @rule(
        doc=st.sampled_from(DOCS),
        pick=st.none() | st.integers(0, 5),
        body=st.sampled_from(BODIES),
        stance=st.sampled_from(["approve", "amend", "reject", "veto"]),
    )
    def opinion(self, doc: tuple[str, str], pick: int | None, body: str, stance: str) -> None:
        from lipctl.services import opinions

        target = self._target(doc, pick)
        ref = f"{doc[0]}/{doc[1]}" if pick is None or target is None else str(target["id"])
        gives_none = body not in REQUIRED
        if target is None or stance == "veto" or target["state"] not in OPEN or gives_none or target["voided"]:
            self._expect_refusal(opinions.record, self.env, ref, body, stance, text="Text")
            return
        self._actor("ben")
        row = opinions.record(self.env, ref, body, stance, text="Text")
        self.opinion_ids.add(row["id"])
        self.expected_events["opinion.recorded"] += 1
        before = target["state"]
        target["events"].append({"kind": "opinion", "id": row["id"], "voided": False, "body": body})
        self._recompute(doc)
        if (before, target["state"]) == ("submitted", "ready_for_decision"):
            self.expected_events["draft.ready_for_decision"] += 1
        assert row["draft"] == target["id"] and row["draft_state"] == target["state"]

    @rule(doc=st.sampled_from(DOCS), vote=st.sampled_from([None, "adopted", "rejected", "not_quorate"]))
    def advance(self, doc: tuple[str, str], vote: str | None) -> None:
        """Both required opinions, the forward and a vote in one step: the walks reach the committee, and its corrections."""
        for body in REQUIRED:
            self.opinion(doc, None, body, "approve")
        self.decide(doc, None, True, False, "Begründung")
        if vote is not None:
            self.tally(doc, vote)

    @rule(doc=st.sampled_from(DOCS), forward=st.booleans(), without=st.booleans())
    def decide_latest(self, doc: tuple[str, str], forward: bool, without: bool) -> None:
        """The common case: a decision with reasons on the latest version."""
        self.decide(doc, None, forward, without, "Begründung")

    @rule(
        doc=st.sampled_from(DOCS),
        pick=st.none() | st.integers(0, 5),
        forward=st.booleans(),
        without=st.booleans(),
        reason=st.sampled_from([None, "", "Begründung"]),
    )
    def decide(self, doc: tuple[str, str], pick: int | None, forward: bool, without: bool, reason: str | None) -> None:
        from lipctl.services import decisions

        target = self._target(doc, pick)
        ref = f"{doc[0]}/{doc[1]}" if pick is None or target is None else str(target["id"])
        kw = {"forward": forward, "ret": not forward, "reason": reason, "without_opinions": without}
        if target is None or target["voided"]:
            self._expect_refusal(decisions.decide, self.env, ref, **kw)
            return
        missing = [b for b in REQUIRED if b not in target["received"]]
        allowed = (
            target["state"] in ("submitted", "ready_for_decision")
            and (not missing or without)
            and (bool(reason) or (forward and not without))
        )
        if not allowed:
            exc = self._expect_refusal(decisions.decide, self.env, ref, **kw)
            if target["state"] in ("submitted", "ready_for_decision") and missing and not without:
                assert ", ".join(missing) in exc.message, exc.message
            return
        self._actor("clara")
        row = decisions.decide(self.env, ref, **kw)
        target["events"].append({"kind": "decision", "id": row["decision"], "voided": False, "forward": forward})
        self._recompute(doc)
        self.decision_ids.add(row["decision"])
        self.expected_events["steering.decided"] += 1
        assert (row["draft"], row["result"], row["without_opinions"]) == (target["id"], target["state"], bool(missing))

    @rule(doc=st.sampled_from(DOCS), result=st.sampled_from(["adopted", "rejected", "not_quorate"]))
    def tally(self, doc: tuple[str, str], result: str) -> None:
        """The committee's vote (issue 4's service), which the lifecycle rules must allow."""
        from lipctl.services import resolutions

        votes = {"adopted": (10, 2, 13), "rejected": (2, 10, 13), "not_quorate": (3, 1, 5)}[result]
        target = self._target(doc, None)
        ref = f"{doc[0]}/{doc[1]}"
        kw = {"yes": votes[0], "no": votes[1], "abstain": 0, "present": votes[2], "members": 19}
        if target is None or target["state"] != "forwarded":
            self._expect_refusal(resolutions.tally_document, self.env, ref, **kw)
            return
        row = resolutions.tally_document(self.env, ref, **kw)
        assert row["result"] == result
        target["events"].append({"kind": "tally", "id": row["id"], "voided": False, "result": result})
        self._recompute(doc)
        assert row["state"] == target["state"]
        self.expected_events["resolution.recorded"] += 1
        self.expected_events["meeting.scheduled"] = 1  # every tally is on TODAY: the first creates the committee's session

    # --- corrections ------------------------------------------------------------------------

    def _void(self, call, args: tuple, blocked: bool, kind: str, doc: tuple[str, str], v: dict, e: dict | None) -> None:
        """Void (or withdraw) a record: refused when voided before or relied on; else it stays, marked, and the
        document's states are those computed without it."""
        if blocked or (e or v)["voided"]:
            event(f"{kind} refused")
            exc = self._expect_refusal(call, self.env, *args, "Fehler")
            assert ("already voided" in exc.message) == bool((e or v)["voided"]), exc.message
            return
        self._actor("mueller")
        row = call(self.env, *args, "Fehler")
        (e or v)["voided"] = True
        self._recompute(doc)
        self.expected_events[kind] += 1
        event(f"{kind} done")
        assert row["voided"]["by"] == "mueller" and row["voided"]["reason"] == "Fehler"
        assert row["draft"] == v["id"]

    @precondition(lambda self: self._events("opinion"))
    @rule(data=st.data())
    def withdraw_opinion(self, data: st.DataObject) -> None:
        from lipctl.services import corrections

        doc, v, e = data.draw(st.sampled_from(self._events("opinion")))
        # Every step happens on one day: a live decision on the version relied on each of its opinions.
        blocked = any(x["kind"] == "decision" and not x["voided"] for x in v["events"])
        self._void(corrections.withdraw_opinion, (e["id"],), blocked, "opinion.withdrawn", doc, v, e)

    @precondition(lambda self: self._events("decision"))
    @rule(data=st.data())
    def void_decision(self, data: st.DataObject) -> None:
        from lipctl.services import corrections

        doc, v, e = data.draw(st.sampled_from(self._events("decision")))
        blocked = any(x["kind"] == "tally" and not x["voided"] for x in v["events"]) or self._later_live(self.docs[doc], v)
        self._void(corrections.void_decision, (e["id"],), blocked, "steering.voided", doc, v, e)

    @precondition(lambda self: self._events("tally"))
    @rule(data=st.data())
    def void_tally(self, data: st.DataObject) -> None:
        from lipctl.services import corrections

        doc, v, e = data.draw(st.sampled_from(self._events("tally")))
        # No second convocation here; a result that settled the version is relied on by the next one.
        blocked = e["result"] != "not_quorate" and self._later_live(self.docs[doc], v)

        def void(env: Env, rid: int, reason: str) -> dict:
            return corrections.void_resolution(env, rid, reason, group="committee")

        self._void(void, (e["id"],), blocked, "resolution.voided", doc, v, e)

    @precondition(lambda self: any(self.docs.values()))
    @rule(data=st.data(), by_ref=st.booleans())
    def withdraw_version(self, data: st.DataObject, by_ref: bool) -> None:
        from lipctl.services import corrections

        doc, v = data.draw(st.sampled_from([(d, v) for d, vs in self.docs.items() for v in vs]))
        number = self.docs[doc].index(v) + 1
        args = (f"{doc[0]}/{doc[1]}", number) if by_ref else (str(v["id"]), None)
        self._void(corrections.withdraw_draft, args, self._later_live(self.docs[doc], v), "draft.withdrawn", doc, v, None)

    # --- invariants -----------------------------------------------------------------------

    def _voided_rows(self) -> dict[str, list]:
        with self.engine.connect() as conn:
            return {
                table: conn.execute(text(f"SELECT id FROM {table} WHERE voided_at IS NOT NULL")).all()  # noqa: S608
                for table in ("drafts", "opinions", "steering_decisions", "resolutions")
            }

    @invariant()
    def store_keeps_the_rules(self) -> None:
        with self.engine.connect() as conn:
            drafts = conn.execute(
                text("SELECT d.id, f.slug, d.kind, d.version, d.state FROM drafts d JOIN action_fields f ON f.id = d.field_id")
            ).all()
            opinions = {
                r[0]: r
                for r in conn.execute(text("SELECT o.id, o.draft_id, b.slug FROM opinions o JOIN bodies b ON b.id = o.body_id"))
            }
            decisions = conn.execute(
                text("SELECT id, draft_id, without_opinions, missing_opinions, reason FROM steering_decisions")
            ).all()
            audit = conn.execute(text("SELECT * FROM audit_events WHERE command != 'init' ORDER BY id")).all()
            events = [(a.id, a.action, a.entity_id, json.loads(a.details or "{}")) for a in audit]

        # The store's states are the model's.
        model = {v["id"]: v["state"] for vs in self.docs.values() for v in vs}
        for state in set(model.values()):
            event(f"reached {state}")
        assert {d.id: d.state for d in drafts} == model

        # Every earlier live version is final; at most one open live version per document, the latest.
        withdrawn = {v["id"] for vs in self.docs.values() for v in vs if v["voided"]}
        by_doc: dict[tuple[str, str], list] = {}
        for d in drafts:
            by_doc.setdefault((d.slug, d.kind), []).append(d)
        for doc, versions in by_doc.items():
            versions.sort(key=lambda d: d.version)
            assert [d.version for d in versions] == list(range(1, len(versions) + 1)), doc
            live = [d for d in versions if d.id not in withdrawn]
            assert all(d.state in FINAL for d in live[:-1]), (doc, [d.state for d in live])
            assert sum(d.state in OPEN for d in live) <= 1

        # No decision without the required opinions recorded (and not withdrawn) before it, or a recorded exception.
        position = {
            (action, key): i
            for i, (_id, action, entity, details) in enumerate(events)
            for key in [details.get("decision") if action == "steering.decided" else details.get("opinion")]
        }
        for dec in decisions:
            at = position[("steering.decided", dec.id)]
            gone = {details["opinion"] for _i, action, _e, details in events[:at] if action == "opinion.withdrawn"}
            before = {
                opinions[details["opinion"]][2]
                for _i, action, entity, details in events[:at]
                if action == "opinion.recorded" and entity == dec.draft_id and details["opinion"] not in gone
            }
            lacking = [b for b in REQUIRED if b not in before]
            if lacking:
                assert dec.without_opinions and json.loads(dec.missing_opinions) == lacking and dec.reason.strip(), dec
            else:
                assert not dec.without_opinions

        # Nothing deleted.
        assert set(opinions) == self.opinion_ids
        assert {d.id for d in decisions} == self.decision_ids
        # The log only grows; what was written stays as it was.
        assert [tuple(a) for a in audit[: len(self.seen_audit)]] == self.seen_audit
        self.seen_audit = [tuple(a) for a in audit]
        # Every change has its event, and each event points at what it records.
        assert Counter(action for _i, action, _e, _d in events) == +self.expected_events
        assert {d["opinion"] for _i, a, _e, d in events if a == "opinion.recorded"} == self.opinion_ids
        assert {d["decision"] for _i, a, _e, d in events if a == "steering.decided"} == self.decision_ids
        assert {e for _i, a, e, _d in events if a == "draft.submitted"} == set(model)
        assert {e for _i, a, e, _d in events if a == "draft.superseded"} >= {
            i for i, s in model.items() if s == "superseded" and i not in withdrawn
        }
        # Every void is one event naming what it voided; the voided rows are marked, the others not.
        voided = {table: {r[0] for r in conn_rows} for table, conn_rows in self._voided_rows().items()}
        assert voided["drafts"] == withdrawn
        model_events = [e for vs in self.docs.values() for v in vs for e in v["events"]]
        for kind, table in (("opinion", "opinions"), ("decision", "steering_decisions"), ("tally", "resolutions")):
            assert voided[table] == {e["id"] for e in model_events if e["kind"] == kind and e["voided"]}, table


def test_random_walks_keep_the_invariants(db_url: str, cli, tmp_path: Path) -> None:
    import lipctl.context

    assert cli("init").exit_code == 0
    if lipctl.context._current is not None:  # no connection may stay open on a PostgreSQL template
        lipctl.context._current.dispose()
        lipctl.context._current = None
    Lifecycle.template = db_url
    Lifecycle.folder = tmp_path
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
