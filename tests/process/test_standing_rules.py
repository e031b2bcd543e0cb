"""The rules of where a document stands (lipctl.process.standing), on plain values: no database."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from lipctl.process import standing
from lipctl.process.states import DraftState, ResolutionResult

D = dt.date
S = DraftState
REQUIREMENTS = [("integrationsbeiraete", 21), ("runder-tisch", 28)]
CHAIN = ["internationaler-ausschuss", "verwaltungsausschuss"]


class Body(NamedTuple):
    slug: str
    kind: str
    field_id: int | None
    position: int


def stand(state: DraftState, received: tuple[str, ...] = (), adopted_by: tuple[str, ...] = (), **kw) -> standing.DocumentStanding:
    args = {
        "since": D(2020, 12, 15),
        "submitted_on": D(2020, 12, 15),
        "requirements": REQUIREMENTS,
        "received": received,
        "chain": CHAIN,
        "adopted_by": adopted_by,
        "steering": "lenkungsgruppe",
        "expert_group": "expertinnengruppe-bildung",
        "today": D(2021, 2, 1),
    }
    args.update(kw)
    return standing.document(state, **args)


def test_a_submitted_version_waits_on_the_missing_opinions_and_names_the_overdue_ones() -> None:
    s = stand(S.SUBMITTED, received=("integrationsbeiraete",))
    assert s.missing_opinions == ["runder-tisch"]
    assert s.waiting_on == ["runder-tisch"]
    assert s.overdue_opinions == [("runder-tisch", D(2021, 1, 12))]
    assert s.days_in_state == 48


def test_an_opinion_is_overdue_only_the_day_after_it_is_due() -> None:
    assert stand(S.SUBMITTED, today=D(2021, 1, 5)).overdue_opinions == []  # due 2021-01-05 and 2021-01-12
    assert stand(S.SUBMITTED, today=D(2021, 1, 6)).overdue_opinions == [("integrationsbeiraete", D(2021, 1, 5))]


def test_opinions_in_order_of_the_requirements_whatever_order_they_arrived() -> None:
    assert stand(S.SUBMITTED).missing_opinions == ["integrationsbeiraete", "runder-tisch"]
    assert [b for b, _due in stand(S.SUBMITTED).overdue_opinions] == ["integrationsbeiraete", "runder-tisch"]


def test_ready_for_decision_waits_on_the_steering_group_without_a_steering_group_on_nobody() -> None:
    s = stand(S.READY_FOR_DECISION, received=("integrationsbeiraete", "runder-tisch"))
    assert (s.waiting_on, s.missing_opinions, s.overdue_opinions) == (["lenkungsgruppe"], [], [])
    assert stand(S.READY_FOR_DECISION, steering=None).waiting_on == []


def test_after_the_steering_decision_opinions_are_neither_missing_nor_overdue() -> None:
    for state in (S.FORWARDED, S.RETURNED, S.ADOPTED, S.REJECTED, S.SUPERSEDED):
        s = stand(state)  # no opinion in at all
        assert (s.missing_opinions, s.overdue_opinions) == ([], []), state


def test_a_forwarded_version_waits_on_the_next_body_of_the_beratungsfolge() -> None:
    assert stand(S.FORWARDED).waiting_on == ["internationaler-ausschuss"]
    assert stand(S.FORWARDED, adopted_by=("internationaler-ausschuss",)).waiting_on == ["verwaltungsausschuss"]
    assert stand(S.FORWARDED, chain=[]).waiting_on == []


def test_a_returned_version_waits_on_its_expert_group() -> None:
    assert stand(S.RETURNED).waiting_on == ["expertinnengruppe-bildung"]
    assert stand(S.RETURNED, expert_group=None).waiting_on == []
    assert stand(S.ADOPTED).waiting_on == []


def test_days_in_state_never_negative() -> None:
    assert standing.days_in_state(D(2021, 1, 1), D(2021, 1, 31)) == 30
    assert standing.days_in_state(D(2021, 1, 31), D(2021, 1, 1)) == 0  # --today before the event


def test_deciding_body_is_the_first_not_yet_adopted_then_the_last() -> None:
    assert standing.deciding_body(CHAIN, []) == "internationaler-ausschuss"
    assert standing.deciding_body(CHAIN, ["internationaler-ausschuss"]) == "verwaltungsausschuss"
    assert standing.deciding_body(CHAIN, CHAIN) == "verwaltungsausschuss"
    assert standing.deciding_body([], []) is None


def test_a_document_not_submitted_waits_on_its_expert_group() -> None:
    assert standing.not_submitted("expertinnengruppe-bildung") == ["expertinnengruppe-bildung"]
    assert standing.not_submitted(None) == []


def test_the_plan_is_adopted_once_every_body_of_its_chain_adopted_it() -> None:
    assert standing.plan_adopted(["rat"], ["rat"])
    assert not standing.plan_adopted(["verwaltungsausschuss", "rat"], ["verwaltungsausschuss"])
    assert not standing.plan_adopted(["rat"], [])
    assert standing.plan_adopted([], ["rat"])  # an adopted plan without a chain counts
    assert not standing.plan_adopted([], [])


def test_the_plan_is_adopted_on_the_day_the_last_body_of_its_chain_adopted_it() -> None:
    chain = ["verwaltungsausschuss", "rat"]
    assert standing.plan_adopted_on(chain, {"verwaltungsausschuss": D(2021, 5, 3)}) is None
    assert standing.plan_adopted_on(chain, {"rat": D(2021, 6, 17), "verwaltungsausschuss": D(2021, 5, 3)}) == D(2021, 6, 17)
    # A body outside the chain does not move the day; without a chain every adopting body counts.
    assert standing.plan_adopted_on(["rat"], {"rat": D(2021, 6, 17), "ausschuss": D(2021, 7, 1)}) == D(2021, 6, 17)
    assert standing.plan_adopted_on([], {"rat": D(2021, 6, 17), "ausschuss": D(2021, 7, 1)}) == D(2021, 7, 1)
    assert standing.plan_adopted_on([], {}) is None


def test_last_votes_keeps_the_last_and_collects_the_adopting_bodies() -> None:
    v = standing.Vote
    votes = [
        v(1, "internationaler-ausschuss", ResolutionResult.NOT_QUORATE, D(2021, 1, 5), None),
        v(1, "internationaler-ausschuss", ResolutionResult.ADOPTED, D(2021, 1, 20), "0815/2021"),
        v(1, "verwaltungsausschuss", ResolutionResult.DEFERRED, D(2021, 1, 28), None),
        v(2, "internationaler-ausschuss", ResolutionResult.REJECTED, D(2021, 1, 20), "0816/2021"),
    ]
    last, adopted = standing.last_votes(votes)
    assert (last[1].body, last[1].result) == ("verwaltungsausschuss", ResolutionResult.DEFERRED)
    assert last[2].drucksache == "0816/2021"
    assert adopted == {1: {"internationaler-ausschuss"}}


def test_roles_by_position_first_steering_group_and_committee_expert_group_per_field() -> None:
    bodies = [
        Body("rat", "council", None, 9),
        Body("lenkungsgruppe", "steering_group", None, 1),
        Body("zweite-lenkungsgruppe", "steering_group", None, 2),
        Body("internationaler-ausschuss", "committee", None, 5),
        Body("expertinnengruppe-bildung", "expert_group", 1, 3),
        Body("expertinnengruppe-ohne-feld", "expert_group", None, 4),
    ]
    chairs = standing.roles(bodies)
    assert chairs == standing.Chairs("lenkungsgruppe", "internationaler-ausschuss", {1: "expertinnengruppe-bildung"})
    assert standing.roles([]) == standing.Chairs(None, None, {})


def test_overdue_order_date_then_milestones_first_then_field_order_document_body() -> None:
    fields = ["bildung", "wirtschaft"]

    def key(due: dt.date, milestone: bool, field: str | None, document: str | None = None, body: str | None = None):
        return standing.overdue_order(due, milestone=milestone, field=field, document=document, body=body, fields=fields)

    items = [
        key(D(2021, 1, 12), False, "bildung", "grundsatzpapier", "runder-tisch"),
        key(D(2021, 1, 12), True, "wirtschaft", "massnahmenkatalog"),
        key(D(2021, 1, 12), False, "bildung", "grundsatzpapier", "integrationsbeiraete"),
        key(D(2021, 1, 12), False, "wirtschaft", "grundsatzpapier", "integrationsbeiraete"),
        key(D(2021, 1, 12), True, None),  # the plan
        key(D(2020, 12, 31), False, "wirtschaft", "grundsatzpapier", "runder-tisch"),
    ]
    ordered = sorted(items)
    assert [(k.due, k.opinion, k.field, k.document, k.body) for k in ordered] == [
        (D(2020, 12, 31), True, 1, "grundsatzpapier", "runder-tisch"),
        (D(2021, 1, 12), False, -1, "", ""),
        (D(2021, 1, 12), False, 1, "massnahmenkatalog", ""),
        (D(2021, 1, 12), True, 0, "grundsatzpapier", "integrationsbeiraete"),
        (D(2021, 1, 12), True, 0, "grundsatzpapier", "runder-tisch"),
        (D(2021, 1, 12), True, 1, "grundsatzpapier", "integrationsbeiraete"),
    ]
