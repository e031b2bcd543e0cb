"""The OParl builders as pure functions, and the seed's legislative terms (no database)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from lipctl.errors import SeedInvalid
from lipctl.oparl import build
from lipctl.oparl import source as src
from lipctl.oparl.tree import Urls
from lipctl.process.definition import parse_definition
from lipctl.store.read.definition import Field, Kind
from lipctl.store.seeding import legislative_terms_json
from tests.oparl.oparl_check import check_tree, validation_errors

SEED = Path(__file__).resolve().parents[2] / "data" / "seed.yaml"
BASE = "https://example.org/oparl/"
T0 = dt.datetime(2020, 1, 1, 8, 0)  # noqa: DTZ001 - naive UTC, as stored


def _event(minutes: int, action: str, **ids: Any) -> src.EventRow:
    values = {"entity": None, "entity_id": None, "opinion": None, "decision": None, "resolution": None, "role": None, **ids}
    return src.EventRow(T0 + dt.timedelta(minutes=minutes), action, **values)


def _resolution(id: int, body: int, day: str, result: str, *, draft: int | None = 1, voided: bool = False) -> src.ResolutionRow:
    return src.ResolutionRow(
        id, "document" if draft else "plan", draft, body, 9, 3, 1, 13, 15, True, result, None, dt.date.fromisoformat(day), voided
    )


def snapshot(resolutions: list[src.ResolutionRow], terms: str | None = None) -> src.Snapshot:
    from lipctl.store.read.drafts import Draft

    draft = Draft(
        1,
        "bildung",
        "grundsatzpapier",
        1,
        "adopted",
        None,
        dt.date(2020, 9, 1),
        dt.date(2020, 9, 1),
        "x",
        None,
        None,
        None,
        1,
        None,
    )
    return src.Snapshot(
        info={"name": "LIP", "city": "Stadt", "legislative_terms": terms},
        fields=[Field(1, "bildung", "Bildung", None, 0)],
        kinds=[Kind(1, "grundsatzpapier", "Grundsatzpapier", None, None, 0)],
        bodies=[
            src.BodyRow(1, "ausschuss", "Ausschuss für X", "committee", None, None, 15),
            src.BodyRow(2, "rat", "Rat", "council", None, None, None),
            src.BodyRow(3, "gruppe-bildung", "Gruppe Bildung", "expert_group", None, 1, None),
        ],
        seat_categories=[],
        people={},
        contacts=[],
        members=[],
        drafts=[draft],
        opinions=[],
        decisions=[],
        resolutions=resolutions,
        events=[
            _event(0, "seed.loaded"),
            _event(10, "draft.submitted", entity="draft", entity_id=1),
            *(_event(20 + r.id, "resolution.recorded", entity="draft", entity_id=1, resolution=r.id) for r in resolutions),
        ],
    )


def _sessions(rows: list[src.ResolutionRow]) -> tuple[src.Snapshot, build.Sessions]:
    meetings = [
        src.MeetingRow(1, 1, dt.date(2020, 10, 1), "16:30", "Hodlersaal", dt.date(2020, 9, 20), None, T0),
        src.MeetingRow(2, 1, dt.date(2020, 10, 1), None, None, None, None, T0),
        src.MeetingRow(3, 1, dt.date(2020, 11, 5), None, None, None, 1, T0),
    ]
    items = [
        src.AgendaItemRow(1, 1, "5.1", "document", 1, None, 1, T0),
        src.AgendaItemRow(2, 3, None, "document", 1, "H-0001/2020", 1, T0),
    ]
    snap = snapshot(rows)._replace(meetings=meetings, agenda_items=items)
    sessions = build.sessions(
        snap,
        Urls(BASE),
        {b.id: b for b in snap.bodies},
        build.Stamps(snap.events),
        build.drucksache_urls(snap, Urls(BASE)),
        {},
        "LIP",
    )
    return snap, sessions


def test_sessions_and_their_agenda_items_from_the_recorded_rows() -> None:
    rows = [
        _resolution(1, 1, "2020-10-01", "rejected", voided=True)._replace(meeting_id=1),
        _resolution(2, 1, "2020-10-01", "not_quorate")._replace(meeting_id=1, quorate=False, present=5),
        _resolution(3, 1, "2020-11-05", "adopted")._replace(meeting_id=3, second_convocation=True),
    ]
    snap, out = _sessions(rows)
    assert [m["id"].removeprefix(BASE) for m in out.meetings] == [
        "meeting/ausschuss-2020-10-01.json",
        "meeting/ausschuss-2020-10-01-2.json",  # a second session that day
        "meeting/ausschuss-2020-11-05.json",
    ]
    first, empty, second = out.meetings
    assert first["start"] == "2020-10-01T16:30:00+02:00" and first["location"]["description"] == "Hodlersaal"
    assert (first["meetingState"], empty["meetingState"]) == ("durchgeführt", "terminiert")
    [item] = first["agendaItem"]
    assert (item["number"], item["order"], item["result"]) == ("5.1", 1, "Nicht beschlussfähig")
    assert item["consultation"] == BASE + "consultation/resolution-2.json"
    assert out.links[1] == out.links[2] == (item["id"], first["id"])
    assert second["name"].endswith("(zweite Ladung)") and "§ 65 Abs. 2" in second["agendaItem"][0]["resolutionText"]
    assert "paper/drucksache-H-0001-2020.json" in build.drucksache_urls(snap, Urls(BASE))["H-0001/2020"]
    for obj in [*out.meetings, *out.items, *out.locations]:
        assert validation_errors(obj) == []


def test_a_deferral_without_counts_invents_no_numbers() -> None:
    deferral = src.ResolutionRow(
        1, "document", 1, 1, None, None, None, None, 15, None, "deferred", None, dt.date(2020, 10, 1), False, 1
    )
    assert build.tally_text(deferral) == "Vertagt (Verfahrensbeschluss, ohne Abstimmungsergebnis)."
    _snap, out = _sessions([deferral])
    [item] = out.meetings[0]["agendaItem"]
    assert item["result"] == "Vertagt" and not any(ch.isdigit() for ch in item["resolutionText"])


def test_created_and_modified_come_from_the_events_about_the_record() -> None:
    snap = snapshot([_resolution(1, 1, "2020-10-01", "adopted")])
    st = build.Stamps([*snap.events, _event(90, "resolution.voided", entity="draft", entity_id=1, resolution=1)])
    assert st.of("resolution", 1) == (T0 + dt.timedelta(minutes=21), T0 + dt.timedelta(minutes=90))
    assert st.of("draft", 1) == (T0 + dt.timedelta(minutes=10), T0 + dt.timedelta(minutes=90))
    assert st.of("opinion", 7) == st.seed() == (T0, T0)  # nothing about it: the seed's times
    assert build.stamp({}, st.seed()) == {"created": "2020-01-01T08:00:00+00:00", "modified": "2020-01-01T08:00:00+00:00"}


def test_a_whole_small_export_is_valid(tmp_path: Path) -> None:
    from lipctl.oparl.tree import Tree

    terms = json.dumps([{"name": "WP", "start": "2016-11-01", "end": None}])
    snap = snapshot([_resolution(1, 1, "2020-10-01", "adopted")._replace(meeting_id=1)], terms)._replace(
        meetings=[src.MeetingRow(1, 1, dt.date(2020, 10, 1), None, "Rathaus", None, None, T0)],
        agenda_items=[src.AgendaItemRow(1, 1, None, "document", 1, None, 1, T0)],
    )
    result = build.build(snap, Urls(BASE))
    assert result.counts["LegislativeTerm"] == 1 and result.counts["Meeting"] == 1
    assert isinstance(result.tree, Tree)
    for path, data in result.tree.serialized():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    check_tree(tmp_path, BASE)


def test_without_legislative_terms_the_body_has_an_empty_list() -> None:
    result = build.build(snapshot([]), Urls(BASE))
    assert result.tree.files["body/1.json"]["legislativeTerm"] == []
    assert validation_errors(result.tree.files["body/1.json"]) == []


# --- the seed's legislative terms ------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


def test_the_shipped_seed_has_the_council_term_of_lower_saxony(raw: dict[str, Any]) -> None:
    pd = parse_definition(raw)
    assert [(t.name, t.start, t.end) for t in pd.legislative_terms] == [
        ("Wahlperiode 2016–2021", dt.date(2016, 11, 1), dt.date(2021, 10, 31))
    ]
    assert json.loads(legislative_terms_json(pd) or "") == [
        {"name": "Wahlperiode 2016–2021", "start": "2016-11-01", "end": "2021-10-31"}
    ]


def test_a_seed_without_terms_stores_none(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    del data["legislative_terms"]
    assert legislative_terms_json(parse_definition(data)) is None


@pytest.mark.parametrize(
    ("term", "key", "problem"),
    [
        ({"name": "WP", "start": "2021-11-01", "end": "2016-10-31"}, "legislative_terms[0].end", "lies before the start"),
        ({"name": "WP", "start": "1. November"}, "legislative_terms[0].start", "expected a date"),
        ({"name": "WP", "start": "2016-11-01", "until": "2021-10-31"}, "legislative_terms[0].until", "unknown key"),
    ],
)
def test_a_broken_term_is_refused_with_its_key(raw: dict[str, Any], term: dict[str, Any], key: str, problem: str) -> None:
    data = copy.deepcopy(raw)
    data["legislative_terms"] = [term]
    with pytest.raises(SeedInvalid) as caught:
        parse_definition(data)
    assert key in str(caught.value) and problem in str(caught.value)


def test_drucksache_paths_are_safe_and_unique() -> None:
    def paper(id: int, number: str) -> src.PaperRow:
        return src.PaperRow(id, number, "resolution", "draft", None, None, None, None, T0)

    snap = snapshot([])._replace(
        papers=[paper(1, "15-0067/2019 F1"), paper(2, "15-0067-2019 F1"), paper(3, "2472/2019")],
        information=[src.InformationRow(1, 1, 1, dt.date(2021, 1, 1), "H-0001/2021", None, None, None, None, T0)],
    )
    paths = {n: u.removeprefix(BASE) for n, u in build.drucksache_urls(snap, Urls(BASE)).items()}
    assert paths == {
        "15-0067/2019 F1": "paper/drucksache-15-0067-2019-F1.json",
        "15-0067-2019 F1": "paper/drucksache-15-0067-2019-F1-2.json",  # recorded before the register checked forms
        "2472/2019": "paper/drucksache-2472-2019.json",
        "H-0001/2021": "paper/drucksache-H-0001-2021.json",  # named by an information, not registered
    }
    [info] = [p for p in build.drucksachen(snap, T0) if p.number == "H-0001/2021"]
    assert (info.kind, info.carries) == ("information", "information")


def test_a_council_tally_of_the_plan_from_before_it_was_a_document(tmp_path: Path) -> None:
    """Revision 0008 left such tallies as they were (scope plan, no version): they stay a Paper of their own."""
    old = _resolution(1, 2, "2021-01-20", "adopted", draft=None)._replace(meeting_id=1, drucksache="0999/2021")
    snap = snapshot([old])._replace(
        meetings=[src.MeetingRow(1, 2, dt.date(2021, 1, 20), None, None, None, None, T0)],
        agenda_items=[src.AgendaItemRow(1, 1, None, "plan", None, None, 1, T0)],
        papers=[src.PaperRow(1, "0999/2021", "resolution", "plan", None, 2, dt.date(2021, 1, 20), "plan v1", T0)],
    )
    result = build.build(snap, Urls(BASE))
    files = result.tree.files
    assert files["paper/plan.json"]["name"] == "LIP (Gesamtplan)"
    assert files["paper/plan.json"]["superordinatedPaper"] == [BASE + "paper/drucksache-0999-2021.json"]
    assert files["paper/drucksache-0999-2021.json"]["name"] == "LIP (Gesamtplan)"
    assert files["consultation/resolution-1.json"]["agendaItem"] == BASE + "agendaitem/1.json"
    assert files["agendaitem/1.json"]["name"] == "LIP (Gesamtplan)"
    for path, data in result.tree.serialized():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    check_tree(tmp_path, BASE)
