"""lipctl calendar: the process's dates as an iCalendar feed (FILE.ics, or standard output).

One read transaction on the driver's own connection; one query per kind of event
(lipctl.store.read.calendar), shaped and rendered by lipctl.calendar.feed. The file is written
like the briefing (lipctl.files.outputs): checked before the work, written to a temporary file and
renamed into place, so that a calendar client that fetches it while cron writes it reads the old
feed or the new one, never half of it. lipctl's own earlier feed is replaced without --force.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lipctl.calendar import feed
from lipctl.errors import InvalidInput
from lipctl.files import outputs
from lipctl.i18n import _, display_name

if TYPE_CHECKING:
    from lipctl.context import Env
    from lipctl.store.reader import Reader

SUFFIXES = (".ics",)
#: ``--output -``: the feed on standard output.
STDOUT = "-"

CALENDAR = outputs.Purpose(
    "calendar",
    "--output",
    "lipctl.ics",
    0o644,  # a calendar for the office and the bodies, meant to be published
    lambda head: outputs.starts_with(b"BEGIN:VCALENDAR")(head) and outputs.mentions(feed.MARK)(head),
)


def survey_periods(r: Reader) -> list[feed.SurveyPeriod]:
    """The survey rounds' periods (Umfragezeiträume).

    merge: rounds — the survey rounds (schema revision 0010, another branch) bring the periods; until
    they are merged there are none. Read them here in one query and return them as SurveyPeriod.
    """
    # merge: rounds — one query over the survey rounds' periods (survey id, name, round, from, until; SEQUENCE and
    # LAST-MODIFIED from the audit's events of entity "survey"), e.g. a function in lipctl/store/read/calendar.py
    return []


def target(output: Path | str, *, force: bool = False) -> outputs.Target:
    """The file to write; refuses a folder, a name that is not FILE.ics and every path lipctl must not write."""
    path = Path(output).expanduser()
    if path.is_dir():  # whatever its name says: refused as a folder (--output: … is a folder — name a file inside it)
        outputs.check_output(path, CALENDAR, force=force)
    if path.suffix.lower() not in SUFFIXES:
        raise InvalidInput(
            _("cannot write a calendar to {path}: unknown file type {suffix!r}").format(path=str(path), suffix=path.suffix),
            _("name the file FILE.ics, or give - for standard output"),
        )
    return outputs.check_output(path, CALENDAR, force=force)


def read(r: Reader) -> feed.Facts:
    """The feed's facts, one query per kind."""
    from lipctl.store.read import calendar as q
    from lipctl.store.read import definition

    info = definition.process_info(r)
    return feed.Facts(
        name=display_name(info.get("name"), info.get("name_en")) or "lipctl",
        dues=q.dues(r),
        meetings=q.meetings(r),
        agenda=q.agenda(r),
        milestones=q.milestones(r),
        surveys=survey_periods(r),
        revisions=q.revisions(r, tuple(feed.CREATED_BY)),
    )


def render(env: Env, stamp: dt.datetime | None = None) -> bytes:
    """The feed as iCalendar bytes, as of now (``stamp``: when it was made, for DTSTAMP)."""
    with env.reader() as r:
        facts = read(r)
    return feed.render(facts, stamp or dt.datetime.now(dt.UTC).replace(microsecond=0))


def write_calendar(env: Env, output: Path | str, *, force: bool = False) -> str:
    """Write the feed to ``output`` (FILE.ics, or - for standard output) and return what was written."""
    if str(output) == STDOUT:
        data = render(env)
        sys.stdout.write(data.decode("utf-8"))
        return STDOUT
    out = target(output, force=force)  # before anything else: a refused path costs nothing
    outputs.write_atomically(out, render(env))
    return str(out.given)
