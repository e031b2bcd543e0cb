"""The queries of the status about the committee's information (Unterrichtung): when it was last informed."""

import datetime as dt
from typing import NamedTuple

from lipctl.store.reader import Reader

__all__ = ["Information", "information"]


class Information(NamedTuple):
    """A body that is to be informed regularly (the seed's ``information_interval_days``, or one that was informed)."""

    body_id: int
    slug: str
    interval_days: int | None
    last_informed: dt.date | None  # the day of the last session it was informed in
    meeting: int | None  # that session
    first_session: dt.date | None  # the body's first recorded session (counted from while never informed)


def information(r: Reader) -> list[Information]:
    """Per body with an information interval or an information on record: the last time and its first session."""
    rows = r.rows(
        """
        SELECT b.id AS body_id, b.slug, b.information_interval_days AS interval_days,
               (SELECT max(i.informed_on) FROM committee_information i WHERE i.body_id = b.id) AS last_informed,
               (SELECT max(i.meeting_id) FROM committee_information i
                 WHERE i.body_id = b.id
                   AND i.informed_on = (SELECT max(j.informed_on) FROM committee_information j WHERE j.body_id = b.id))
                 AS meeting,
               (SELECT min(mt.date) FROM meetings mt WHERE mt.body_id = b.id) AS first_session
        FROM bodies b
        WHERE b.information_interval_days IS NOT NULL
           OR EXISTS (SELECT 1 FROM committee_information i WHERE i.body_id = b.id)
        ORDER BY b.position, b.id
        """,
        dates=("last_informed", "first_session"),
    )
    return [Information(**row) for row in rows]
