"""Reading dates as people and survey exports write them: the one date parser of lipctl.

ISO ``2020-06-15`` (with a time: ``2020-06-15 14:32:10``, ``2020-06-15T14:32:10+02:00``, a trailing
``Z`` or `` UTC``) and German ``15.06.2020`` (``15.06.2020 14:32``). A time with an offset is converted
to UTC (timestamps are stored as naive UTC), and the result must lie within the dates lipctl
records (lipctl.process.limits.FIRST_DATE … LAST_DATE) *after* that conversion:
``1900-01-01T00:30:00+01:00`` is 1899-12-31 in UTC and out of range. Standard library only.
"""

from __future__ import annotations

import datetime as dt

from lipctl.i18n import _
from lipctl.process.limits import FIRST_DATE, LAST_DATE, date_in_range, shown

FORMS = "YYYY-MM-DD, DD.MM.YYYY"


class DateError(ValueError):
    """A date that cannot be read (``out_of_range`` False) or lies outside FIRST_DATE … LAST_DATE."""

    def __init__(self, value: str, *, out_of_range: bool = False) -> None:
        super().__init__(value)
        self.value = value
        self.out_of_range = out_of_range

    def describe(self, what: str) -> tuple[str, str]:
        """The one message (and hint) for a date given as ``what`` (an option such as --date)."""
        if self.out_of_range:
            return (
                _("{what} {value} is outside the dates lipctl records").format(what=what, value=shown(self.value)),
                _("give a date from {first} to {last}").format(first=FIRST_DATE.isoformat(), last=LAST_DATE.isoformat()),
            )
        return (
            _("{what} {value} is not a date").format(what=what, value=shown(self.value)),
            _("write it as YYYY-MM-DD or DD.MM.YYYY"),
        )


def _read(text: str) -> tuple[dt.datetime, bool]:
    """The datetime written in ``text`` (aware when it has an offset) and whether it has a time part."""
    value = text.strip()
    try:
        if value[4:5] == "-" and value[7:8] == "-":
            if value.endswith(" UTC"):
                value = value[:-4].rstrip()
            return dt.datetime.fromisoformat(value), len(value) > 10
        if value[2:3] == "." and value[5:6] == "." and value[6:10].isdigit() and value[10:11] in ("", " "):
            time_part = value[10:].strip()
            if time_part.endswith(" UTC") or time_part == "UTC":
                time_part = time_part[:-3].rstrip()
            iso = f"{value[6:10]}-{value[3:5]}-{value[0:2]}" + (f" {time_part}" if time_part else "")
            return dt.datetime.fromisoformat(iso), bool(time_part)
    except ValueError:
        pass
    raise DateError(text)


_FIRST_MOMENT = dt.datetime.combine(FIRST_DATE, dt.time())
_END = dt.datetime.combine(LAST_DATE, dt.time.max)


def parse_timestamp(text: str) -> dt.datetime | None:
    """A point in time as naive UTC (a date alone is its midnight); None for an empty text; DateError.

    Runs once per row of a survey import: the common ISO form goes straight to fromisoformat."""
    value = text.strip()
    if not value:
        return None
    if value[4:5] == "-" and value[7:8] == "-" and not value.endswith("UTC"):
        try:
            result = dt.datetime.fromisoformat(value)
        except ValueError:
            raise DateError(text) from None
    else:
        result = _read(value)[0]
    if result.tzinfo is not None:
        try:
            result = result.astimezone(dt.UTC).replace(tzinfo=None)
        except (OverflowError, ValueError):
            raise DateError(text, out_of_range=True) from None
    if not _FIRST_MOMENT <= result <= _END:
        raise DateError(text, out_of_range=True)
    return result


def parse_date(text: str) -> dt.date:
    """A calendar date, ``2020-06-15`` or ``15.06.2020`` (no time part); DateError."""
    result, has_time = _read(text)
    if has_time or result.tzinfo is not None:
        raise DateError(text)
    day = result.date()
    if not date_in_range(day):
        raise DateError(text, out_of_range=True)
    return day
