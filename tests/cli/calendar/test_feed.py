"""lipctl.calendar.feed without a database: plain rows in, iCalendar out, parsed back with icalendar.

RFC 5545 as clients read it: lines folded at 75 octets (a German umlaut is two), commas and
semicolons escaped in texts, a VTIMEZONE for the TZID the sessions use, UIDs from identities.
"""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from lipctl.calendar import feed
from lipctl.store.read.calendar import AgendaRow, DueRow, MeetingRow, MilestoneRow, Revision

STAMP = dt.datetime(2021, 2, 1, 6, 0, tzinfo=dt.UTC)


def naive(*parts: int) -> dt.datetime:
    """A time as the store keeps it: UTC without a zone."""
    return dt.datetime(*parts, tzinfo=dt.UTC).replace(tzinfo=None)


LONG_BODY = "Runder Tisch für Gleichberechtigung und gegen Rassismus; Beirat, erweitert"


@pytest.fixture(autouse=True)
def english() -> None:
    from lipctl.i18n import set_language

    set_language("en")


def due(**changes) -> DueRow:
    row = DueRow(
        draft_id=7,
        field="Bildung",
        field_en="Education",
        kind="grundsatzpapier",
        kind_name="Grundsatzpapier",
        kind_en="Policy paper",
        version=2,
        state="submitted",
        submitted_on=dt.date(2021, 1, 10),
        voided_at=None,
        void_reason=None,
        body_id=5,
        body=LONG_BODY,
        body_en=None,
        deadline_days=28,
        received_on=None,
    )
    return row._replace(**changes)


def meeting(**changes) -> MeetingRow:
    row = MeetingRow(
        id=12,
        body="Internationaler Ausschuss",
        body_en="International Committee",
        date=dt.date(2021, 3, 4),
        start="16:00",
        location="Neues Rathaus, Hodlersaal; Trammplatz 2",
        second_convocation_of=None,
        urgent_reason=None,
        created_at=naive(2021, 2, 1, 9, 0),
    )
    return row._replace(**changes)


ITEM = AgendaRow(
    12, "5.1", "document", "0042/2021", "Bildung", "Education", "grundsatzpapier", "Grundsatzpapier", "Policy paper", 2
)
MILESTONE = MilestoneRow(
    3, "ratsbeschluss", "Beschluss des Rates", "Council resolution", dt.date(2021, 9, 30), "nach April 2021", None, None, None
)


def facts(**changes) -> feed.Facts:
    base = feed.Facts("LIP 2.0", [due()], [meeting()], [ITEM], [MILESTONE], [], [])
    return base._replace(**changes)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events(cal: Calendar) -> dict[str, object]:
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def test_lines_are_folded_at_75_octets_and_texts_escaped() -> None:
    data = feed.render(facts(), STAMP)
    lines = data.split(b"\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long summary was folded
    unfolded = data.replace(b"\r\n ", b"")
    assert (
        b"SUMMARY:Opinion due: Runder Tisch f\xc3\xbcr Gleichberechtigung und gegen Rassismus\\; Beirat\\, erweitert" in unfolded
    )
    assert b"LOCATION:Neues Rathaus\\, Hodlersaal\\; Trammplatz 2" in unfolded
    ev = events(parse(data))
    assert str(ev[f"opinion-due-7-5@{feed.UID_DOMAIN}"]["SUMMARY"]) == (
        f"Opinion due: {LONG_BODY} on Education, Policy paper, version 2"
    )
    assert str(ev[f"meeting-12@{feed.UID_DOMAIN}"]["LOCATION"]) == "Neues Rathaus, Hodlersaal; Trammplatz 2"


def test_a_session_starts_in_berlin_time_with_its_vtimezone() -> None:
    cal = parse(feed.render(facts(), STAMP))
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Berlin"
    session = events(cal)[f"meeting-12@{feed.UID_DOMAIN}"]
    start = session["DTSTART"]
    assert start.params["TZID"] == "Europe/Berlin"
    assert start.dt.strftime("%Y-%m-%d %H:%M") == "2021-03-04 16:00"
    assert start.dt.utcoffset() == dt.timedelta(hours=1)  # March 4th: winter time
    assert cal.get_missing_tzids() == set()
    assert str(session["DESCRIPTION"]) == "Agenda:\n5.1 Education, Policy paper, version 2 (Drucksache 0042/2021)"


def test_a_session_without_start_is_an_all_day_event_that_takes_the_day() -> None:
    cal = parse(feed.render(facts(meetings=[meeting(start=None)], agenda=[]), STAMP))
    session = events(cal)[f"meeting-12@{feed.UID_DOMAIN}"]
    assert session["DTSTART"].dt == dt.date(2021, 3, 4)
    assert session["DTEND"].dt == dt.date(2021, 3, 5)
    assert "TRANSP" not in session
    assert str(session["DESCRIPTION"]) == "No agenda items recorded yet."


def test_due_dates_are_all_day_and_cancelled_when_no_longer_awaited() -> None:
    rows = [
        due(),
        due(body_id=4, body="Integrationsbeiräte", received_on=dt.date(2021, 1, 20)),
        due(draft_id=8, voided_at=naive(2021, 1, 12, 8), void_reason="doppelt"),
        due(draft_id=9, state="superseded"),
        due(draft_id=10, state="superseded", received_on=dt.date(2021, 1, 11)),
    ]
    ev = events(parse(feed.render(facts(dues=rows), STAMP)))
    first = ev[f"opinion-due-7-5@{feed.UID_DOMAIN}"]
    assert first["DTSTART"].dt == dt.date(2021, 2, 7) and first["DTSTART"].params.get("VALUE") == "DATE"
    assert first["DTEND"].dt == dt.date(2021, 2, 8)
    assert str(first["STATUS"]) == "CONFIRMED"
    assert str(first["DESCRIPTION"]) == "Submitted on 2021-01-10.\nNot received yet."
    assert str(ev[f"opinion-due-7-4@{feed.UID_DOMAIN}"]["DESCRIPTION"]) == "Submitted on 2021-01-10.\nReceived on 2021-01-20."
    assert str(ev[f"opinion-due-8-5@{feed.UID_DOMAIN}"]["STATUS"]) == "CANCELLED"
    assert "withdrawn: doppelt" in str(ev[f"opinion-due-8-5@{feed.UID_DOMAIN}"]["DESCRIPTION"])
    assert str(ev[f"opinion-due-9-5@{feed.UID_DOMAIN}"]["STATUS"]) == "CANCELLED"
    assert str(ev[f"opinion-due-10-5@{feed.UID_DOMAIN}"]["STATUS"]) == "CONFIRMED"


def test_the_plan_is_named_as_the_plan() -> None:
    row = due(field=None, field_en=None, kind="gesamtplan", kind_name=None, kind_en=None, version=1)
    ev = events(parse(feed.render(facts(dues=[row]), STAMP)))
    assert str(ev[f"opinion-due-7-5@{feed.UID_DOMAIN}"]["SUMMARY"]).endswith(" on the complete plan, version 1")


def test_sequence_and_last_modified_come_from_the_audit() -> None:
    revisions = [
        Revision("draft", 7, 3, naive(2021, 1, 20, 9, 30)),
        Revision("meeting", 12, 1, naive(2021, 2, 1, 9, 0)),
        Revision("milestone", 3, 2, naive(2021, 1, 5, 7, 0)),
    ]
    ev = events(parse(feed.render(facts(revisions=revisions), STAMP)))
    assert ev[f"opinion-due-7-5@{feed.UID_DOMAIN}"]["SEQUENCE"] == 2  # submitted, then two changes
    assert ev[f"opinion-due-7-5@{feed.UID_DOMAIN}"]["LAST-MODIFIED"].dt == dt.datetime(2021, 1, 20, 9, 30, tzinfo=dt.UTC)
    assert ev[f"meeting-12@{feed.UID_DOMAIN}"]["SEQUENCE"] == 0  # only scheduled
    assert ev[f"milestone-3@{feed.UID_DOMAIN}"]["SEQUENCE"] == 2  # the seed's, moved twice
    for uid in ev:
        assert ev[uid]["DTSTAMP"].dt == STAMP


def test_a_milestone_without_a_day_is_left_out_and_a_moved_one_names_its_original() -> None:
    moved = MILESTONE._replace(
        id=4, original_due=dt.date(2021, 4, 30), rescheduled_at=naive(2021, 1, 5), reschedule_reason="Corona"
    )
    words = MILESTONE._replace(id=5, due=None)
    from_words = MILESTONE._replace(id=6, rescheduled_at=naive(2021, 1, 5))
    ev = events(parse(feed.render(facts(milestones=[MILESTONE, moved, words, from_words]), STAMP)))
    assert f"milestone-5@{feed.UID_DOMAIN}" not in ev
    assert str(ev[f"milestone-3@{feed.UID_DOMAIN}"]["DESCRIPTION"]) == "nach April 2021"
    assert ev[f"milestone-4@{feed.UID_DOMAIN}"]["DTSTART"].dt == dt.date(2021, 9, 30)
    assert str(ev[f"milestone-4@{feed.UID_DOMAIN}"]["DESCRIPTION"]) == (
        "Rescheduled: originally due on 2021-04-30, now on 2021-09-30. Reason: Corona"
    )
    assert str(ev[f"milestone-6@{feed.UID_DOMAIN}"]["DESCRIPTION"]) == (
        "Rescheduled: originally due nach April 2021, now on 2021-09-30."
    )


def test_a_survey_period_spans_its_days() -> None:
    period = feed.SurveyPeriod(2, "Zweite Online-Umfrage", 2, dt.date(2021, 3, 1), dt.date(2021, 3, 31), sequence=1)
    ev = events(parse(feed.render(facts(surveys=[period]), STAMP)))
    survey = ev[f"survey-2@{feed.UID_DOMAIN}"]
    assert str(survey["SUMMARY"]) == "Survey Zweite Online-Umfrage (round 2)"
    assert survey["DTSTART"].dt == dt.date(2021, 3, 1)
    assert survey["DTEND"].dt == dt.date(2021, 4, 1)  # the end is exclusive: March 31st is the last day
    assert survey["SEQUENCE"] == 1
    assert str(survey["STATUS"]) == "CONFIRMED"


def test_in_german() -> None:
    from lipctl.i18n import set_language

    set_language("de")
    period = feed.SurveyPeriod(2, "Zweite Online-Umfrage", 2, dt.date(2021, 3, 1), dt.date(2021, 3, 31))
    cal = parse(feed.render(facts(surveys=[period]), STAMP))
    ev = events(cal)
    assert str(ev[f"survey-2@{feed.UID_DOMAIN}"]["SUMMARY"]) == "Umfrage Zweite Online-Umfrage (Runde 2)"
    assert str(ev[f"survey-2@{feed.UID_DOMAIN}"]["DESCRIPTION"]) == "Offen vom 01.03.2021 bis zum 31.03.2021."
    assert str(ev[f"opinion-due-7-5@{feed.UID_DOMAIN}"]["SUMMARY"]) == (
        f"Stellungnahme fällig: {LONG_BODY} zu Bildung, Grundsatzpapier, Fassung 2"
    )
    assert str(ev[f"meeting-12@{feed.UID_DOMAIN}"]["SUMMARY"]) == "Sitzung: Internationaler Ausschuss"
    assert str(ev[f"meeting-12@{feed.UID_DOMAIN}"]["DESCRIPTION"]).startswith("Tagesordnung:\n5.1 Bildung, Grundsatzpapier")
    assert str(ev[f"milestone-3@{feed.UID_DOMAIN}"]["SUMMARY"]) == "Meilenstein: Beschluss des Rates"
    assert str(cal["PRODID"]).endswith("//DE")


def test_line_breaks_and_control_characters_in_a_text_cannot_add_an_event() -> None:
    hostile = "Saal 1\r\nEND:VEVENT\r\nBEGIN:VEVENT\rUID:evil\x00\x07"
    data = feed.render(facts(meetings=[meeting(location=hostile, urgent_reason="eilig\nwirklich")], dues=[]), STAMP)
    assert data.split(b"\r\n").count(b"BEGIN:VEVENT") == 2  # the session and the milestone
    assert b"\x00" not in data and b"\x07" not in data
    assert all(line[:1] == b" " or b":" in line for line in data.split(b"\r\n") if line)
    ev = events(parse(data))
    assert set(ev) == {f"meeting-12@{feed.UID_DOMAIN}", f"milestone-3@{feed.UID_DOMAIN}"}
    assert str(ev[f"meeting-12@{feed.UID_DOMAIN}"]["LOCATION"]) == "Saal 1\nEND:VEVENT\nBEGIN:VEVENT\\x0dUID:evil\\x00\\x07"
