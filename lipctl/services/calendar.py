"""lipctl calendar: the process's dates as an iCalendar feed (FILE.ics, or standard output).

One read transaction on the driver's own connection; one query per kind of event
(lipctl.store.read.calendar), shaped and rendered by lipctl.calendar.feed. The file is written
like the briefing (lipctl.files.outputs): checked before the work, written to a temporary file and
renamed into place, so that a calendar client that fetches it while cron writes it reads the old
feed or the new one, never half of it. lipctl's own earlier feed is replaced without --force.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from lipctl.calendar import feed
from lipctl.errors import InvalidInput
from lipctl.files import outputs
from lipctl.i18n import _, display_name

if TYPE_CHECKING:
    from lipctl.context import Env
    from lipctl.store.reader import Reader

#: The calendar's file name suffix, and its kind (there is one).
SUFFIXES = {".ics": "ics"}


def survey_periods(r: Reader, today: dt.date) -> list[feed.SurveyPeriod]:
    """The survey rounds' periods (Umfragezeiträume): every survey with a period, one query, with SEQUENCE
    and LAST-MODIFIED from the audit's events of the survey (its opening, closing, renaming)."""
    from lipctl.process import surveyrounds
    from lipctl.store.read import calendar as q
    from lipctl.store.read import surveys as read_surveys

    revisions = {rev.entity_id: rev for rev in q.revisions(r, ("survey",))}
    out = []
    for p in read_surveys.survey_periods(r, today):
        if p.opens_on is None or p.closes_on is None:
            continue
        rev = revisions.get(p.id)
        closes = surveyrounds.last_day(p.opens_on, p.closes_on, p.closed_on)
        out.append(
            feed.SurveyPeriod(
                p.id,
                p.name,
                p.round,
                p.opens_on,
                closes,
                sequence=max(0, rev.changes - 1) if rev is not None else 0,  # the first event made or opened it
                last_modified=rev.last if rev is not None else None,
            )
        )
    return out


def _unknown_suffix(path: Path) -> InvalidInput:
    return InvalidInput(
        _("cannot write a calendar to {path}: unknown file type {suffix!r}").format(path=str(path), suffix=path.suffix),
        _("name the file FILE.ics, or give - for standard output"),
    )


def read(r: Reader, today: dt.date) -> feed.Facts:
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
        surveys=survey_periods(r, today),
        revisions=q.revisions(r, tuple(feed.CREATED_BY)),
    )


def render(env: Env, stamp: dt.datetime | None = None) -> bytes:
    """The feed as iCalendar bytes, as of now (``stamp``: when it was made, for DTSTAMP)."""
    with env.reader() as r:
        facts = read(r, env.today)
    return feed.render(facts, stamp or dt.datetime.now(dt.UTC).replace(microsecond=0))


def write_calendar(env: Env, output: Path | str, *, force: bool = False) -> str:
    """Write the feed to ``output`` (FILE.ics, or - for standard output) and return what was written.

    The file is checked before the store is read; lipctl's own earlier feed is replaced without ``force``.
    """
    return outputs.write_document(
        output, outputs.CALENDAR, SUFFIXES, _unknown_suffix, lambda _kind: render(env), stdout_kind="ics", force=force
    )
