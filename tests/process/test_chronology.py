"""The order of events (lipctl.process.chronology): every refusal names both dates."""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl.errors import InvalidInput, Refused
from lipctl.process import chronology, standing

D = dt.date


def test_a_version_comes_after_the_one_it_revises_and_after_its_return() -> None:
    chronology.check_submission(D(2020, 7, 1), what="b/g v2", previous="b/g v1", previous_submitted=D(2020, 6, 1))
    with pytest.raises(InvalidInput) as err:
        chronology.check_submission(
            D(2020, 6, 10), what="b/g v2", previous="b/g v1", previous_submitted=D(2020, 6, 1), returned_on=D(2020, 6, 15)
        )
    assert "2020-06-10" in err.value.message and "2020-06-15" in err.value.message
    with pytest.raises(InvalidInput) as err:
        chronology.check_submission(D(2020, 5, 31), what="b/g v2", previous="b/g v1", previous_submitted=D(2020, 6, 1))
    assert "2020-05-31" in err.value.message and "2020-06-01" in err.value.message
    with pytest.raises(InvalidInput) as err:
        chronology.check_submission(
            D(2020, 6, 5),
            what="b/g v2",
            previous="b/g v1",
            previous_submitted=D(2020, 6, 1),
            previous_state="forwarded",
            previous_since=D(2020, 6, 8),
        )
    assert "forwarded since 2020-06-08" in err.value.message


def test_opinions_decisions_and_tallies_come_after_what_they_rely_on() -> None:
    chronology.check_opinion(D(2020, 6, 1), what="x", submitted_on=D(2020, 6, 1))
    with pytest.raises(InvalidInput, match="2020-05-31.*2020-06-01"):
        chronology.check_opinion(D(2020, 5, 31), what="x", submitted_on=D(2020, 6, 1))
    with pytest.raises(InvalidInput, match="2020-05-31.*2020-06-01"):
        chronology.check_decision(D(2020, 5, 31), what="x", submitted_on=D(2020, 6, 1))
    chronology.check_tally(D(2020, 7, 1), what="x", forwarded_on=D(2020, 7, 1), previous_tally=D(2020, 7, 1))
    with pytest.raises(InvalidInput, match="2020-06-30.*forwarded.*2020-07-01"):
        chronology.check_tally(D(2020, 6, 30), what="x", forwarded_on=D(2020, 7, 1))
    with pytest.raises(InvalidInput, match="2020-07-05.*earlier vote.*2020-07-10"):
        chronology.check_tally(D(2020, 7, 5), what="x", forwarded_on=D(2020, 7, 1), previous_tally=D(2020, 7, 10))


def test_a_decision_counts_only_the_opinions_that_had_arrived_by_its_date() -> None:
    got = [("integrationsbeiraete", D(2020, 6, 20)), ("runder-tisch", D(2020, 6, 25)), ("runder-tisch", D(2020, 6, 2))]
    assert chronology.received_by(got, D(2020, 6, 2)) == ["runder-tisch"]
    assert chronology.received_by(got, D(2020, 6, 30)) == ["integrationsbeiraete", "runder-tisch"]
    assert chronology.arrived_after(got, D(2020, 6, 2), ["integrationsbeiraete", "runder-tisch"]) == [
        ("integrationsbeiraete", D(2020, 6, 20))
    ]
    assert chronology.arrived_after(got, D(2020, 6, 30), ["integrationsbeiraete", "runder-tisch"]) == []


def test_a_decision_before_an_opinion_it_would_rely_on_is_refused_unless_the_exception() -> None:
    need = ["integrationsbeiraete", "runder-tisch"]
    got = [("integrationsbeiraete", D(2020, 6, 20)), ("runder-tisch", D(2020, 6, 2))]
    assert chronology.lacking_at_decision(D(2020, 6, 20), got, need, without_opinions=False) == []
    with pytest.raises(Refused, match=r"2020-06-02.*integrationsbeiraete.*2020-06-20"):
        chronology.lacking_at_decision(D(2020, 6, 2), got, need, without_opinions=False)
    assert chronology.lacking_at_decision(D(2020, 6, 2), got, need, without_opinions=True) == ["integrationsbeiraete"]
    # An opinion that has not arrived at all is no refusal here: lifecycle.decide asks for the exception.
    assert chronology.lacking_at_decision(D(2020, 6, 2), got[1:], need, without_opinions=False) == ["integrationsbeiraete"]


def test_an_opinion_after_its_due_date_is_late_and_only_the_first_one_counts() -> None:
    need = [("integrationsbeiraete", 28), ("runder-tisch", 28)]
    first = {"integrationsbeiraete": D(2020, 6, 29), "runder-tisch": D(2020, 6, 30)}
    assert standing.late_opinions(D(2020, 6, 1), need, first) == [("runder-tisch", D(2020, 6, 29), D(2020, 6, 30))]
    assert standing.late_opinions(D(2020, 6, 1), need, {}) == []
