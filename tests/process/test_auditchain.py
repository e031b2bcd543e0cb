"""The audit chain's rules (lipctl.process.auditchain): no database, only links."""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl.process import auditchain as c
from lipctl.process.auditchain import GENESIS, Broken, Head, Link, Verified, event_hash, link_hash, verify

T0 = dt.datetime(2021, 2, 1, 9, 0, 0)


def chain(n: int, *, start: str = GENESIS, first_id: int = 1) -> list[Link]:
    """``n`` properly linked events."""
    out: list[Link] = []
    prev = start
    for i in range(n):
        link = Link(
            id=first_id + i,
            prev_hash=prev,
            hash=None,
            occurred_at=T0 + dt.timedelta(minutes=i),
            actor="tester",
            command="draft submit",
            action="draft.submitted",
            entity="draft",
            entity_id=i + 1,
            details=f'{{"ref": "bildung/grundsatzpapier", "version": {i + 1}}}',
            happened_on=dt.date(2021, 2, 1),
        )
        link = link._replace(hash=link_hash(link, prev))
        out.append(link)
        prev = link.hash  # type: ignore[assignment]
    return out


def head_of(links: list[Link]) -> Head:
    return Head(len(links), links[-1].hash if links else GENESIS)  # type: ignore[arg-type]


def test_an_intact_chain_gives_its_count_and_last_hash() -> None:
    links = chain(5)
    assert verify(links, head_of(links)) == Verified(5, links[-1].hash)


def test_an_empty_log_is_intact_at_genesis() -> None:
    assert verify([], Head(0, GENESIS)) == Verified(0, GENESIS)


def test_the_hash_covers_every_stored_value() -> None:
    base = chain(1)[0]
    own = link_hash(base, GENESIS)
    for field, other in [
        ("occurred_at", T0 + dt.timedelta(seconds=1)),
        ("actor", "someone"),
        ("command", "lipctl"),
        ("action", "draft.withdrawn"),
        ("entity", "opinion"),
        ("entity_id", 99),
        ("details", '{"ref": "x"}'),
        ("happened_on", dt.date(2021, 2, 2)),
        ("happened_on", None),
    ]:
        assert link_hash(base._replace(**{field: other}), GENESIS) != own, field
    assert link_hash(base, "1" * 64) != own  # and the previous hash


def test_the_hash_is_of_whole_seconds_naive_utc() -> None:
    base = chain(1)[0]
    aware = base.occurred_at.replace(tzinfo=dt.UTC)
    assert link_hash(base._replace(occurred_at=aware), GENESIS) == link_hash(base, GENESIS)
    assert event_hash(
        GENESIS,
        occurred_at=T0,
        actor="a",
        command="c",
        action="x.y",
        entity=None,
        entity_id=None,
        details=None,
        happened_on=None,
    ) == event_hash(
        GENESIS,
        occurred_at=T0.replace(microsecond=0),
        actor="a",
        command="c",
        action="x.y",
        entity=None,
        entity_id=None,
        details=None,
        happened_on=None,
    )


def test_a_changed_event_is_named() -> None:
    links = chain(5)
    links[2] = links[2]._replace(details='{"ref": "bildung/grundsatzpapier", "version": 99}')
    result = verify(links, head_of(chain(5)))
    assert isinstance(result, Broken)
    assert (result.event_id, result.problem, result.events, result.after) == (3, c.CHANGED, 2, 2)


def test_a_changed_event_with_its_hash_recomputed_breaks_the_next_link() -> None:
    links = chain(5)
    forged = links[2]._replace(details="{}")
    links[2] = forged._replace(hash=link_hash(forged, forged.prev_hash or ""))
    result = verify(links, head_of(chain(5)))
    assert isinstance(result, Broken)
    assert (result.event_id, result.problem) == (4, c.REMOVED)  # #4 follows an event that is not there


def test_a_removed_middle_event_names_the_one_after_it() -> None:
    links = chain(5)
    recorded = head_of(links)
    del links[2]
    result = verify(links, recorded)
    assert isinstance(result, Broken)
    assert (result.event_id, result.problem, result.events, result.after) == (4, c.REMOVED, 2, 2)


def test_a_removed_first_event() -> None:
    links = chain(3)
    result = verify(links[1:], head_of(links))
    assert isinstance(result, Broken)
    assert (result.event_id, result.problem, result.events) == (2, c.REMOVED, 0)


def test_a_cut_off_end_is_found_through_the_recorded_head() -> None:
    links = chain(5)
    result = verify(links[:4], head_of(links))
    assert isinstance(result, Broken)
    assert (result.event_id, result.problem, result.events, result.head, result.after) == (
        None,
        c.CUT_OFF,
        4,
        links[3].hash,
        4,
    )
    # without the head, a cut-off end cannot be seen: that is what the head is kept for
    assert verify(links[:4]) == Verified(4, links[3].hash)


def test_an_unlinked_insert_is_named() -> None:
    links = chain(3)
    stray = links[1]._replace(id=4, prev_hash=None, hash=None)
    result = verify([*links, stray], head_of(links))
    assert isinstance(result, Broken)
    assert (result.event_id, result.problem) == (4, c.INSERTED)


def test_an_insert_that_claims_a_place_in_the_chain_is_a_fork() -> None:
    links = chain(4)
    fake = links[1]._replace(id=5, actor="intruder")
    fake = fake._replace(hash=link_hash(fake, fake.prev_hash or ""))
    result = verify([*links, fake], head_of(links))
    assert isinstance(result, Broken)
    assert (result.event_id, result.problem, result.other) == (5, c.FORKED, 2)


def test_an_event_appended_after_the_recorded_head_is_named() -> None:
    links = chain(4)
    extra = chain(1, start=links[-1].hash or "", first_id=5)
    result = verify([*links, *extra], head_of(links))
    assert isinstance(result, Broken)
    assert (result.event_id, result.problem, result.after) == (5, c.APPENDED, 4)
    # badly forged too (its hash wrong): still the event after lipctl's last
    bad = extra[0]._replace(hash="f" * 64)
    assert verify([*links, bad], head_of(links))[:2] == (5, c.APPENDED)


def test_a_head_that_does_not_match_the_end() -> None:
    links = chain(3)
    result = verify(links, Head(3, "e" * 64))
    assert isinstance(result, Broken)
    assert (result.event_id, result.problem) == (None, c.HEAD_MISMATCH)
    # more events than lipctl recorded, and not through its head: rewritten
    assert verify(links, Head(2, "e" * 64))[:2] == (None, c.HEAD_MISMATCH)


def test_the_chain_is_followed_by_previous_hash_not_by_id() -> None:
    """Concurrent writers may get ids in another order than the lock's: the walk waits for a predecessor."""
    links = chain(5)
    shuffled = [links[0], links[3], links[1], links[4], links[2]]
    assert verify(shuffled, head_of(links)) == Verified(5, links[-1].hash)


def test_a_head_kept_elsewhere_must_still_be_in_the_chain() -> None:
    links = chain(5)
    kept = links[2].hash
    assert verify(links, head_of(links), kept=kept) == Verified(5, links[-1].hash)
    assert verify(links, head_of(links), kept=GENESIS) == Verified(5, links[-1].hash)
    # the end cut off and lipctl's own head rewritten to match: only the kept head shows it
    cut = links[:2]
    result = verify(cut, head_of(cut), kept=links[3].hash)
    assert isinstance(result, Broken)
    assert result.problem == c.KEPT_MISSING


@pytest.mark.parametrize("n", [1, 2, 50])
def test_a_stream_is_walked_without_holding_it(n: int) -> None:
    links = chain(n)
    assert verify(iter(links), head_of(links)) == Verified(n, links[-1].hash)


@pytest.mark.parametrize(
    ("details", "day"),
    [
        (None, None),
        ("", None),
        ("not json", None),
        ("[1, 2]", None),
        ('{"decided_on": "2021-02-03"}', dt.date(2021, 2, 3)),
        ('{"date": "2021-02-04", "happened_on": "2021-02-05"}', dt.date(2021, 2, 5)),  # happened_on first
        ('{"received_on": "2021-02-31", "date": "2021-02-06"}', dt.date(2021, 2, 6)),  # no such day: the next key
        ('{"decided_on": "2021-02-03T10:00:00"}', None),  # a time, not a day
        ('{"decided_on": 20210203}', None),
        ('{"survey": "Beteiligung 2020"}', None),
    ],
)
def test_day_named_reads_the_day_from_stored_details(details: str | None, day: dt.date | None) -> None:
    assert c.day_named(details) == day
