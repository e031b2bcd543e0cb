"""The milestone rule on its own: met per field when its document is adopted, the plan by the council;
met on time or late against the current due date; a milestone without a due date is never overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl.errors import InvalidInput, Refused
from lipctl.process import milestones as ms

FIELDS = ["bildung", "soziales", "wirtschaft"]
PAPERS = ms.Milestone("grundsatzpapiere", dt.date(2020, 11, 30), "grundsatzpapier")
CATALOGUES = ms.Milestone("massnahmenkataloge", dt.date(2021, 4, 30), "massnahmenkatalog")
PLAN = ms.Milestone("ratsbeschluss", dt.date(2021, 4, 30), "plan")
ALL = [PAPERS, CATALOGUES, PLAN]
DAY = dt.date(2021, 1, 28)


def _every(day: dt.date = DAY) -> dict[tuple[str, str], dt.date]:
    return {(f, k): day for f in FIELDS for k in ("grundsatzpapier", "massnahmenkatalog")}


def test_the_due_day_itself_is_not_late() -> None:
    assert ms.overdue(ALL, FIELDS, {}, None, dt.date(2020, 11, 30)) == []
    late = ms.overdue(ALL, FIELDS, {}, None, dt.date(2020, 12, 1))
    assert [(o.milestone, o.field, o.document, o.days_overdue) for o in late] == [
        ("grundsatzpapiere", "bildung", "grundsatzpapier", 1),
        ("grundsatzpapiere", "soziales", "grundsatzpapier", 1),
        ("grundsatzpapiere", "wirtschaft", "grundsatzpapier", 1),
    ]


def test_an_adopted_document_meets_the_milestone_of_its_kind_only() -> None:
    adopted = {("soziales", "grundsatzpapier"): DAY, ("bildung", "massnahmenkatalog"): DAY}
    late = ms.overdue(ALL, FIELDS, adopted, None, dt.date(2021, 2, 1))
    assert [(o.milestone, o.field) for o in late] == [("grundsatzpapiere", "bildung"), ("grundsatzpapiere", "wirtschaft")]
    assert all(o.due == dt.date(2020, 11, 30) and o.days_overdue == 63 for o in late)


def test_the_plan_milestone_is_one_entry_without_a_field_until_the_council_adopts() -> None:
    late = ms.overdue(ALL, FIELDS, _every(), None, dt.date(2021, 5, 3))
    assert [(o.milestone, o.field, o.document, o.days_overdue) for o in late] == [("ratsbeschluss", None, None, 3)]
    assert ms.overdue(ALL, FIELDS, _every(), dt.date(2021, 5, 1), dt.date(2021, 5, 3)) == []


def test_progress_names_the_fields_that_met_and_the_open_ones() -> None:
    progress = ms.progress(ALL, FIELDS, {("wirtschaft", "grundsatzpapier"): DAY}, None, dt.date(2021, 2, 1))
    papers, catalogues, plan = progress
    assert (papers.met, papers.open, papers.overdue, papers.done) == (("wirtschaft",), ("bildung", "soziales"), True, False)
    assert (papers.met_late, papers.state) == (("wirtschaft",), ms.State.OVERDUE)
    assert (catalogues.met, catalogues.overdue, catalogues.state) == ((), False, ms.State.OPEN)
    assert (plan.met, plan.open, plan.overdue) == ((), ("plan",), False)


@pytest.mark.parametrize("today", [dt.date(2020, 1, 1), dt.date(2030, 1, 1)])
def test_a_met_milestone_is_never_overdue(today: dt.date) -> None:
    assert ms.overdue(ALL, FIELDS, _every(), DAY, today) == []
    assert all(p.done and not p.overdue for p in ms.progress(ALL, FIELDS, _every(), DAY, today))


# --- the boundaries -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "past"),
    [(dt.date(2020, 11, 29), False), (dt.date(2020, 11, 30), False), (dt.date(2020, 12, 1), True)],
)
def test_due_today_is_not_past_the_day_after_is(today: dt.date, past: bool) -> None:
    assert ms.is_past(dt.date(2020, 11, 30), today) is past
    assert ms.state_of(dt.date(2020, 11, 30), [None], today) is (ms.State.OVERDUE if past else ms.State.OPEN)


@pytest.mark.parametrize("today", [dt.date(1900, 1, 1), dt.date(2021, 5, 1), dt.date(2999, 12, 31)])
def test_a_milestone_without_a_due_date_is_never_overdue(today: dt.date) -> None:
    unknown = [ms.Milestone(m.slug, None, m.applies_to) for m in ALL]
    assert not ms.is_past(None, today)
    assert ms.overdue(unknown, FIELDS, {}, None, today) == []
    assert [p.state for p in ms.progress(unknown, FIELDS, {}, None, today)] == [ms.State.OPEN] * 3


def test_met_without_a_due_date_is_met_on_time() -> None:
    assert ms.met_on_time(None, dt.date(2999, 1, 1))
    unknown = ms.Milestone("ratsbeschluss", None, "plan")
    (plan,) = ms.progress([unknown], FIELDS, {}, dt.date(2022, 6, 1), dt.date(2023, 1, 1))
    assert (plan.state, plan.met, plan.met_late) == (ms.State.MET_ON_TIME, ("plan",), ())


@pytest.mark.parametrize(
    ("met_on", "state"),
    [
        (dt.date(2020, 11, 1), ms.State.MET_ON_TIME),
        (dt.date(2020, 11, 30), ms.State.MET_ON_TIME),  # on the due date itself
        (dt.date(2020, 12, 1), ms.State.MET_LATE),  # the day after
    ],
)
def test_met_on_the_due_date_is_on_time_a_day_after_is_late(met_on: dt.date, state: ms.State) -> None:
    assert ms.state_of(dt.date(2020, 11, 30), [met_on], dt.date(2021, 6, 1)) is state
    (papers,) = ms.progress([PAPERS], FIELDS, {(f, "grundsatzpapier"): met_on for f in FIELDS}, None, dt.date(2021, 6, 1))
    assert (papers.state, papers.done, papers.overdue) == (state, True, False)
    assert papers.met_late == (tuple(FIELDS) if state is ms.State.MET_LATE else ())


def test_one_field_late_makes_the_milestone_met_late() -> None:
    adopted = {(f, "grundsatzpapier"): dt.date(2020, 11, 30) for f in FIELDS}
    adopted["soziales", "grundsatzpapier"] = dt.date(2020, 12, 1)
    (papers,) = ms.progress([PAPERS], FIELDS, adopted, None, dt.date(2021, 1, 1))
    assert (papers.state, papers.met_late) == (ms.State.MET_LATE, ("soziales",))


def test_an_open_milestone_past_due_is_overdue_even_if_some_fields_met_it() -> None:
    assert ms.state_of(dt.date(2020, 11, 30), [dt.date(2020, 11, 1), None], dt.date(2020, 12, 1)) is ms.State.OVERDUE
    assert ms.state_of(dt.date(2020, 11, 30), [dt.date(2020, 11, 1), None], dt.date(2020, 11, 30)) is ms.State.OPEN


# --- reschedule -----------------------------------------------------------------------------------


def test_a_reschedule_needs_a_reason_and_a_different_date() -> None:
    day = dt.date(2021, 9, 30)
    assert ms.check_reschedule("ratsbeschluss", None, day, "  Corona  ") == "Corona"
    assert ms.check_reschedule("ratsbeschluss", dt.date(2021, 9, 29), day, "Corona") == "Corona"
    with pytest.raises(InvalidInput, match="--reason is empty"):
        ms.check_reschedule("ratsbeschluss", None, day, " \t")
    with pytest.raises(Refused, match="already due on 2021-09-30"):
        ms.check_reschedule("ratsbeschluss", day, day, "Corona")


# --- the basis of a document ("auf dieser Grundlage") ---------------------------------------------


@pytest.mark.parametrize(
    ("basis_on", "missing"),
    [(None, True), (dt.date(2021, 3, 1), False), (dt.date(2021, 3, 2), False), (dt.date(2021, 3, 3), True)],
)
def test_a_catalogue_needs_its_field_s_policy_paper_submitted_by_its_own_day(basis_on: dt.date | None, missing: bool) -> None:
    assert ms.basis_missing("grundsatzpapier", basis_on, dt.date(2021, 3, 2)) is missing


def test_a_kind_without_a_basis_needs_none() -> None:
    assert ms.basis_missing(None, None, dt.date(2021, 3, 2)) is False
