"""The milestone rule on its own: met per field when its document is adopted, the plan by the council."""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl.process import milestones as ms

FIELDS = ["bildung", "soziales", "wirtschaft"]
PAPERS = ms.Milestone("grundsatzpapiere", dt.date(2020, 11, 30), "grundsatzpapier")
CATALOGUES = ms.Milestone("massnahmenkataloge", dt.date(2021, 4, 30), "massnahmenkatalog")
PLAN = ms.Milestone("ratsbeschluss", dt.date(2021, 4, 30), "plan")
ALL = [PAPERS, CATALOGUES, PLAN]


def test_the_due_day_itself_is_not_late() -> None:
    assert ms.overdue(ALL, FIELDS, [], False, dt.date(2020, 11, 30)) == []
    late = ms.overdue(ALL, FIELDS, [], False, dt.date(2020, 12, 1))
    assert [(o.milestone, o.field, o.document, o.days_overdue) for o in late] == [
        ("grundsatzpapiere", "bildung", "grundsatzpapier", 1),
        ("grundsatzpapiere", "soziales", "grundsatzpapier", 1),
        ("grundsatzpapiere", "wirtschaft", "grundsatzpapier", 1),
    ]


def test_an_adopted_document_meets_the_milestone_of_its_kind_only() -> None:
    adopted = [("soziales", "grundsatzpapier"), ("bildung", "massnahmenkatalog")]
    late = ms.overdue(ALL, FIELDS, adopted, False, dt.date(2021, 2, 1))
    assert [(o.milestone, o.field) for o in late] == [("grundsatzpapiere", "bildung"), ("grundsatzpapiere", "wirtschaft")]
    assert all(o.due == dt.date(2020, 11, 30) and o.days_overdue == 63 for o in late)


def test_the_plan_milestone_is_one_entry_without_a_field_until_the_council_adopts() -> None:
    every = [(f, k) for f in FIELDS for k in ("grundsatzpapier", "massnahmenkatalog")]
    late = ms.overdue(ALL, FIELDS, every, False, dt.date(2021, 5, 3))
    assert [(o.milestone, o.field, o.document, o.days_overdue) for o in late] == [("ratsbeschluss", None, None, 3)]
    assert ms.overdue(ALL, FIELDS, every, True, dt.date(2021, 5, 3)) == []


def test_progress_names_the_fields_that_met_and_the_open_ones() -> None:
    progress = ms.progress(ALL, FIELDS, [("wirtschaft", "grundsatzpapier")], False, dt.date(2021, 2, 1))
    papers, catalogues, plan = progress
    assert (papers.met, papers.open, papers.overdue, papers.done) == (("wirtschaft",), ("bildung", "soziales"), True, False)
    assert (catalogues.met, catalogues.overdue) == ((), False)
    assert (plan.met, plan.open, plan.overdue) == ((), ("plan",), False)


@pytest.mark.parametrize("today", [dt.date(2020, 1, 1), dt.date(2030, 1, 1)])
def test_a_met_milestone_is_never_overdue(today: dt.date) -> None:
    every = [(f, k) for f in FIELDS for k in ("grundsatzpapier", "massnahmenkatalog")]
    assert ms.overdue(ALL, FIELDS, every, True, today) == []
    assert all(p.done for p in ms.progress(ALL, FIELDS, every, True, today))
