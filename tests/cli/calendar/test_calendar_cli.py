"""lipctl calendar on SQLite and PostgreSQL: what a calendar client reads, parsed back with icalendar,
every refusal of the output path, the feed's UIDs and SEQUENCE over changes, and its shape."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from icalendar import Calendar

from lipctl.calendar.feed import UID_DOMAIN
from lipctl.errors import ExitCode
from tests.helpers import snapshot

COMMITTEE = "internationaler-ausschuss"
LOCATION = "Neues Rathaus, Hodlersaal; Trammplatz 2, 30159 Hannover"
BEIRAETE = f"opinion-due-1-4@{UID_DOMAIN}"  # draft 1, body 4 (the seed's Integrationsbeiräte)
RUNDER_TISCH = f"opinion-due-1-5@{UID_DOMAIN}"
SESSION = f"meeting-1@{UID_DOMAIN}"
CATALOGUES = f"milestone-2@{UID_DOMAIN}"  # the seed's second milestone, massnahmenkataloge


def ok(cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == ExitCode.OK, (args, result.stderr)
    return result.stdout


@pytest.fixture
def office(db_url: str, seeded):
    """bildung/grundsatzpapier v1 submitted on 2021-01-10 with the Beiräte's opinion in; a committee
    session with a location and that draft on its agenda; the catalogues' milestone moved. Today 2021-02-01."""
    ok(seeded, "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--date", "2021-01-10")
    ok(
        seeded,
        "opinion",
        "record",
        "1",
        "--from",
        "integrationsbeiraete",
        "--stance",
        "approve",
        "--text",
        "gut",
        "--date",
        "2021-01-20",
    )
    ok(seeded, "meeting", "schedule", COMMITTEE, "--date", "2021-03-04", "--start", "16:00", "--location", LOCATION,
       "--invited-on", "2021-01-25")  # fmt: skip
    ok(seeded, "meeting", "agenda", "1", "bildung/grundsatzpapier", "--drucksache", "0042/2021", "--number", "5.1")
    ok(seeded, "milestone", "reschedule", "massnahmenkataloge", "--due", "2021-09-30", "--reason", "Corona, Verzögerung")
    return seeded


def feed(cli, *extra: str) -> tuple[Calendar, bytes]:
    result = cli(*extra, "calendar", "--output", "-")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stderr == ""
    data = result.stdout_bytes
    return Calendar.from_ical(data), data


def events(cal: Calendar) -> dict[str, object]:
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def test_the_feed_holds_dues_sessions_and_milestones(office) -> None:
    cal, data = feed(office)
    ev = events(cal)
    assert str(cal["X-WR-CALNAME"]) == "Local Integration Plan 2.0"
    # every required opinion of the submitted draft, due 28 days after it came in
    assert {u for u in ev if u.startswith("opinion-due-")} == {BEIRAETE, RUNDER_TISCH}
    assert ev[BEIRAETE]["DTSTART"].dt == dt.date(2021, 2, 7)
    assert str(ev[BEIRAETE]["SUMMARY"]) == "Opinion due: Integration advisory councils on Education, Policy paper, version 1"
    assert "Received on 2021-01-20." in str(ev[BEIRAETE]["DESCRIPTION"])
    assert "Not received yet." in str(ev[RUNDER_TISCH]["DESCRIPTION"])
    # the session at 16:00 Berlin time, with its place and its agenda
    session = ev[SESSION]
    assert session["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert session["DTSTART"].dt.strftime("%Y-%m-%d %H:%M %z") == "2021-03-04 16:00 +0100"
    assert str(session["LOCATION"]) == LOCATION
    assert str(session["DESCRIPTION"]) == "Agenda:\n5.1 Education, Policy paper, version 1 (Drucksache 0042/2021)"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    # the moved milestone on its new day, naming what it was before; the others have no day
    assert ev[CATALOGUES]["DTSTART"].dt == dt.date(2021, 9, 30)
    assert str(ev[CATALOGUES]["DESCRIPTION"]) == (
        "Rescheduled: originally due bis April 2021, now on 2021-09-30. Reason: Corona, Verzögerung"
    )
    assert not [u for u in ev if u.startswith("milestone-") and u != CATALOGUES]
    # RFC 5545 on the wire: CRLF, folded at 75 octets, commas and semicolons escaped
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert b"LOCATION:Neues Rathaus\\, Hodlersaal\\; Trammplatz 2\\, 30159 Hannover" in data.replace(b"\r\n ", b"")


def test_the_feed_in_german(office) -> None:
    cal, _data = feed(office, "--lang", "de")
    ev = events(cal)
    assert str(ev[BEIRAETE]["SUMMARY"]) == "Stellungnahme fällig: Integrationsbeiräte zu Bildung, Grundsatzpapier, Fassung 1"
    assert str(ev[BEIRAETE]["DESCRIPTION"]) == "Eingereicht am 10.01.2021.\nEingegangen am 20.01.2021."
    assert str(ev[SESSION]["SUMMARY"]) == "Sitzung: Internationaler Ausschuss"
    assert str(ev[SESSION]["DESCRIPTION"]).startswith("Tagesordnung:\n5.1 Bildung, Grundsatzpapier, Fassung 1")
    assert str(ev[CATALOGUES]["DESCRIPTION"]).startswith("Verschoben: ursprünglich fällig bis April 2021, jetzt am 30.09.2021.")
    assert str(cal["X-WR-CALNAME"]) == "Lokaler Integrationsplan 2.0"


def test_uids_stay_and_sequence_grows_with_the_audit(office) -> None:
    first = events(feed(office)[0])
    assert set(events(feed(office)[0])) == set(first)  # a second run: the same events
    # an unrelated change: another field's draft adds its own events and renames none
    ok(office, "draft", "submit", "wirtschaft", "--kind", "grundsatzpapier", "--date", "2021-01-11")
    after = events(feed(office)[0])
    assert set(first) < set(after)
    assert {u: str(after[u]["SUMMARY"]) for u in first} == {u: str(first[u]["SUMMARY"]) for u in first}
    assert {u: after[u]["SEQUENCE"] for u in first} == {u: first[u]["SEQUENCE"] for u in first}
    # moving the milestone again and withdrawing the draft: the same UIDs, a higher SEQUENCE, a later LAST-MODIFIED
    ok(office, "milestone", "reschedule", "massnahmenkataloge", "--due", "2021-10-15", "--reason", "Sommerpause")
    ok(office, "draft", "withdraw", "1", "--reason", "falsche Datei; doppelt")
    moved = events(feed(office)[0])
    assert moved[CATALOGUES]["SEQUENCE"] == first[CATALOGUES]["SEQUENCE"] + 1
    assert moved[CATALOGUES]["DTSTART"].dt == dt.date(2021, 10, 15)
    assert moved[CATALOGUES]["LAST-MODIFIED"].dt >= first[CATALOGUES]["LAST-MODIFIED"].dt
    for uid in (BEIRAETE, RUNDER_TISCH):
        assert moved[uid]["SEQUENCE"] > first[uid]["SEQUENCE"]
        assert str(moved[uid]["STATUS"]) == "CANCELLED"
        assert "The version was withdrawn: falsche Datei; doppelt" in str(moved[uid]["DESCRIPTION"])
    assert str(moved[f"opinion-due-2-4@{UID_DOMAIN}"]["STATUS"]) == "CONFIRMED"


def test_the_file_is_the_stdout_feed_and_is_replaced_by_the_next_run(office, tmp_path: Path) -> None:
    path = tmp_path / "lip.ics"
    result = office("calendar", "--output", str(path))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout == "" and result.stderr == ""  # cron stays silent
    written = path.read_bytes()
    _cal, shown = feed(office)

    def without_stamp(data: bytes) -> list[bytes]:
        return [line for line in data.split(b"\r\n") if not line.startswith(b"DTSTAMP:")]

    assert without_stamp(written) == without_stamp(shown)
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    # the next run replaces its own feed without --force (cron)
    ok(office, "milestone", "reschedule", "massnahmenkataloge", "--due", "2021-10-15", "--reason", "Sommerpause")
    assert office("calendar", "--output", str(path)).exit_code == ExitCode.OK
    assert events(Calendar.from_ical(path.read_bytes()))[CATALOGUES]["DTSTART"].dt == dt.date(2021, 10, 15)


def test_an_empty_store_gives_an_empty_calendar_with_its_time_zone(db_url: str, seeded) -> None:
    cal, _data = feed(seeded)
    assert events(cal) == {}
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


# --- refusals: the message, nothing written, the database unchanged ------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("lip.ical", "cannot write a calendar to {path}: unknown file type '.ical' — name the file FILE.ics, or give -"),
        ("lip", "cannot write a calendar to {path}: unknown file type '' — name the file FILE.ics, or give -"),
        ("missing/lip.ics", "--output: the folder {folder} does not exist — create it first, or choose another path"),
    ],
)
def test_refused_paths_write_nothing(db_url: str, office, tmp_path: Path, name: str, message: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    before = snapshot()
    path = folder / name
    result = office("calendar", "--output", str(path))
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == "lipctl: " + message.format(path=path, folder=path.parent) + (
        " for standard output\n" if "FILE.ics" in message else "\n"
    )
    assert list(folder.iterdir()) == []
    assert snapshot() == before


def test_a_folder_is_refused_whatever_its_name(db_url: str, office, tmp_path: Path) -> None:
    folder = tmp_path / "feed.ics"
    folder.mkdir()
    for path in (folder, tmp_path):
        result = office("calendar", "--output", str(path))
        assert result.exit_code == ExitCode.REFUSED
        assert result.stderr == f"lipctl: --output: {path} is a folder — name a file inside it, e.g. {path}/lipctl.ics\n"
    assert list(folder.iterdir()) == []


def test_another_file_is_kept_unless_forced(db_url: str, office, tmp_path: Path) -> None:
    path = tmp_path / "termine.ics"
    path.write_text("BEGIN:VCALENDAR\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n", encoding="utf-8")
    result = office("calendar", "--output", str(path))
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == f"lipctl: --output: {path} already exists — choose another path, or add --force to replace it\n"
    assert "Mozilla" in path.read_text(encoding="utf-8")
    assert office("calendar", "--output", str(path), "--force").exit_code == ExitCode.OK
    assert SESSION in events(Calendar.from_ical(path.read_bytes()))


def test_an_unwritable_folder_is_refused(db_url: str, office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # root may write anywhere: the folder answers as to anyone else
        real = os.access
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path) != folder and real(path, mode, **kw))
    try:
        result = office("calendar", "--output", str(folder / "lip.ics"))
    finally:
        folder.chmod(0o755)
    assert result.exit_code == ExitCode.REFUSED
    assert result.stderr == f"lipctl: --output: the folder {folder} is not writable — choose a folder you can write to\n"
    assert list(folder.iterdir()) == []


def test_the_database_itself_is_refused(db_url: str, office, tmp_path: Path) -> None:
    if "://" in db_url:
        pytest.skip("a PostgreSQL store has no file")
    Path(db_url).rename(tmp_path / "store.ics")
    office_db = str(tmp_path / "store.ics")
    result = office("--db", office_db, "calendar", "--output", office_db)
    assert result.exit_code == ExitCode.REFUSED
    assert "is the database itself" in result.stderr


def test_help_ends_with_examples(cli) -> None:
    result = cli("calendar", "--help")
    assert result.exit_code == ExitCode.OK
    assert "--output FILE" in result.stdout
    assert result.stdout.rstrip().endswith("lipctl calendar --output - --lang en | less")
    assert "Examples:" in result.stdout


# --- shape: one query per kind, whatever the data ---------------------------------------------------


def _statements(run) -> list[str]:
    from lipctl.store import reader

    seen: list[str] = []
    reader.listeners.append(lambda statement, _parameters: seen.append(" ".join(statement.split())))
    try:
        run()
    finally:
        reader.listeners.clear()
    return seen


def test_the_number_of_queries_does_not_grow_with_the_data(db_url: str, office, make_env) -> None:
    from lipctl.services import calendar as svc

    def run() -> None:
        svc.render(make_env())

    before = _statements(run)
    for n, field in enumerate(("wirtschaft", "soziales", "demokratie")):
        ok(office, "draft", "submit", field, "--kind", "grundsatzpapier", "--date", f"2021-01-1{n}")
        ok(office, "meeting", "schedule", COMMITTEE, "--date", f"2021-04-0{n + 1}", "--invited-on", "2021-01-25")
        ok(office, "meeting", "agenda", str(n + 2), "bildung/grundsatzpapier", "--number", str(n))
    after = _statements(run)
    assert len(after) == len(before)
    assert after == before
    assert len(events(feed(office)[0])) == 2 * 4 + 4 + 1  # 4 drafts × 2 bodies, 4 sessions, 1 milestone


def test_a_survey_period_is_in_the_feed_and_follows_its_opening_and_closing(office) -> None:
    """The survey rounds (revision 0010) in the feed: the period as all-day days, SEQUENCE up with each
    change of the survey, an early close shortening it, the same UID throughout."""
    ok(office, "survey", "open", "Zweite Online-Umfrage", "--from", "2021-03-01", "--until", "2021-03-31", "--round", "2")
    ev = events(feed(office)[0])
    uids = [u for u in ev if u.startswith("survey-")]
    assert len(uids) == 1
    survey = ev[uids[0]]
    assert str(survey["SUMMARY"]) == "Survey Zweite Online-Umfrage (round 2)"
    assert (survey["DTSTART"].dt, survey["DTEND"].dt) == (dt.date(2021, 3, 1), dt.date(2021, 4, 1))
    first = int(survey["SEQUENCE"])

    ok(office, "survey", "open", "Zweite Online-Umfrage", "--from", "2021-03-01", "--until", "2021-04-15")
    ok(office, "--today", "2021-03-20", "survey", "close", "Zweite Online-Umfrage")
    again = events(feed(office)[0])[uids[0]]
    assert (again["DTSTART"].dt, again["DTEND"].dt) == (dt.date(2021, 3, 1), dt.date(2021, 3, 21))  # closed on the 20th
    assert int(again["SEQUENCE"]) == first + 2
    assert again["LAST-MODIFIED"].dt >= survey.get("LAST-MODIFIED").dt
