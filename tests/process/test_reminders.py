"""The reminder rules (lipctl.process.reminders): what is owed, to whom, and once per Berlin day."""

from __future__ import annotations

import datetime as dt

from lipctl.process import reminders as rules
from lipctl.process.milestones import Milestone

TODAY = dt.date(2021, 2, 1)
REQUIRED = [("integrationsbeiraete", 28), ("runder-tisch", 28)]


def _version(id_: int, submitted: dt.date, *, awaiting: bool = True, field: str | None = "bildung") -> rules.Version:
    return rules.Version(id_, field, "grundsatzpapier", 2, awaiting, submitted)


def test_an_opinion_due_within_the_days_or_overdue_is_owed_and_one_further_off_is_not() -> None:
    versions = [
        _version(1, dt.date(2021, 1, 1)),  # due 29.01.: overdue
        _version(2, dt.date(2021, 1, 8), field="soziales"),  # due 05.02.: within 7 days
        _version(3, dt.date(2021, 1, 20), field="wirtschaft"),  # due 17.02.: beyond 7 days
    ]
    items = rules.owed_opinions(versions, REQUIRED, {}, TODAY, 7)
    assert [(i.draft, i.recipient, i.due, i.days_left(TODAY)) for i in items] == [
        (1, "integrationsbeiraete", dt.date(2021, 1, 29), -3),
        (1, "runder-tisch", dt.date(2021, 1, 29), -3),
        (2, "integrationsbeiraete", dt.date(2021, 2, 5), 4),
        (2, "runder-tisch", dt.date(2021, 2, 5), 4),
    ]
    assert items[0].key == "opinion:1:integrationsbeiraete" and items[0].ref == "bildung/grundsatzpapier"
    # --within 0: only what is due today or overdue; the due day itself counts
    assert {i.draft for i in rules.owed_opinions(versions, REQUIRED, {}, dt.date(2021, 2, 5), 0)} == {1, 2}


def test_an_opinion_in_or_a_version_past_the_opinions_is_owed_by_nobody() -> None:
    versions = [_version(1, dt.date(2021, 1, 1)), _version(2, dt.date(2021, 1, 1), awaiting=False, field="soziales")]
    items = rules.owed_opinions(versions, REQUIRED, {1: {"runder-tisch"}}, TODAY, 7)
    assert [(i.draft, i.recipient) for i in items] == [(1, "integrationsbeiraete")]


def test_the_plan_is_referred_to_as_plan() -> None:
    [item, _other] = rules.owed_opinions([_version(9, dt.date(2021, 1, 1), field=None)], REQUIRED, {}, TODAY, 0)
    assert item.ref == "plan" and item.field is None


def test_an_expert_group_owes_its_document_by_an_open_milestone() -> None:
    milestones = [
        Milestone("grundsatzpapiere", dt.date(2021, 2, 5), "grundsatzpapier"),
        Milestone("massnahmen", dt.date(2021, 6, 30), "massnahmenkatalog"),  # beyond --within
        Milestone("ohne-tag", None, "grundsatzpapier"),  # no day known: owes nothing yet
        Milestone("ratsbeschluss", dt.date(2021, 1, 1), "plan"),  # the council's, not a group's
    ]
    groups = {"bildung": "fg-bildung", "soziales": "fg-soziales"}
    adopted = {("soziales", "grundsatzpapier"): dt.date(2021, 1, 15)}
    items = rules.owed_documents(milestones, ["bildung", "soziales", "wirtschaft"], adopted, groups, TODAY, 7)
    assert [(i.key, i.recipient, i.due, i.document) for i in items] == [
        ("document:grundsatzpapiere:bildung", "fg-bildung", dt.date(2021, 2, 5), "grundsatzpapier")
    ]


def test_the_berlin_day_turns_at_midnight_in_berlin_not_in_utc() -> None:
    # 23:30 UTC on 1 February is 00:30 on 2 February in Berlin (CET, UTC+1)
    assert rules.berlin_day(dt.datetime(2021, 2, 1, 23, 30, tzinfo=dt.UTC)) == dt.date(2021, 2, 2)
    assert rules.berlin_day(dt.datetime(2021, 2, 1, 22, 59, tzinfo=dt.UTC)) == dt.date(2021, 2, 1)
    # summer time (CEST, UTC+2): the day turns at 22:00 UTC
    assert rules.berlin_day(dt.datetime(2021, 7, 1, 22, 0, tzinfo=dt.UTC)) == dt.date(2021, 7, 2)
    assert rules.berlin_day(dt.datetime(2021, 7, 1, 21, 59))  # noqa: DTZ001 - a naive instant on purpose == dt.date(2021, 7, 1)  # naive: UTC


def test_an_item_sent_today_is_left_out_and_a_new_one_goes_alone() -> None:
    versions = [_version(1, dt.date(2021, 1, 1)), _version(2, dt.date(2021, 1, 8), field="soziales")]
    items = rules.owed_opinions(versions, REQUIRED, {}, TODAY, 7)
    first = rules.group(rules.unsent(items[:2], set()))
    assert [(r.recipient, [i.draft for i in r.items]) for r in first] == [
        ("integrationsbeiraete", [1]),
        ("runder-tisch", [1]),
    ]
    sent = {i.key for r in first for i in r.items}
    later = rules.group(rules.unsent(items, sent))
    assert [(r.recipient, [i.draft for i in r.items]) for r in later] == [
        ("integrationsbeiraete", [2]),
        ("runder-tisch", [2]),
    ]
    assert rules.unsent(items, {i.key for i in items}) == []


def test_one_reminder_per_recipient_in_the_bodies_order_soonest_first() -> None:
    versions = [_version(2, dt.date(2021, 1, 8), field="soziales"), _version(1, dt.date(2021, 1, 1))]
    items = rules.owed_opinions(versions, REQUIRED, {}, TODAY, 7)
    reminders = rules.group(items, ["runder-tisch", "integrationsbeiraete"])
    assert [r.recipient for r in reminders] == ["runder-tisch", "integrationsbeiraete"]
    assert [i.draft for i in reminders[0].items] == [1, 2]


def test_a_window_beyond_the_calendar_takes_in_everything_due() -> None:
    today = dt.date(2021, 2, 1)
    assert rules.is_owed_soon(dt.date(9999, 12, 31), today, 3_000_000)
    assert rules.is_owed_soon(dt.date(9999, 12, 31), today, 10**20)
    assert rules.is_owed_soon(dt.date(2021, 2, 8), today, 7) and not rules.is_owed_soon(dt.date(2021, 2, 9), today, 7)
    assert rules.is_owed_soon(dt.date(2021, 1, 1), today, 0)  # overdue


def test_a_reminder_goes_to_the_bodys_address_else_to_its_fields_contact() -> None:
    assert rules.recipient("beirat@example.org", "kontakt@example.org") == "beirat@example.org"
    assert rules.recipient(None, "kontakt@example.org") == "kontakt@example.org"  # an expert group without one
    assert rules.recipient("", "kontakt@example.org") == "kontakt@example.org"
    assert rules.recipient(None, None) is None
