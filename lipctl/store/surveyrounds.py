"""Survey rounds in the store (issue 18): the answers of an import outside the survey's period, and a
field's answers handed to its expert group — each one statement, whatever the number of answers.

Both run on the caller's connection, inside its transaction. The import calls ``outside_period``
once per file, after its last batch: one COUNT over that batch's rows (none when the survey has no
period), so the per-batch path of lipctl.store.bulk stays as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from lipctl.process.surveyrounds import period_bounds


def period(conn: Connection, survey_id: int) -> tuple[dt.date, dt.date] | None:
    """The survey's period (first day, last day), or None."""
    from lipctl.store.reader import as_date  # SQLite gives text

    row = conn.execute(text("SELECT opens_on, closes_on FROM surveys WHERE id = :id"), {"id": survey_id}).one()
    opens, closes = as_date(row[0]), as_date(row[1])
    return (opens, closes) if opens is not None and closes is not None else None


def outside_period(conn: Connection, survey_id: int, batch_id: int) -> int:
    """How many answers the import batch stored dated outside the survey's period (0 without one)."""
    found = period(conn, survey_id)
    if found is None:
        return 0
    start, end = period_bounds(*found)
    return int(
        conn.execute(
            text(
                "SELECT count(*) FROM survey_responses WHERE survey_id = :survey AND batch_id = :batch"
                " AND (submitted_at < :start OR submitted_at >= :end)"
            ),
            {"survey": survey_id, "batch": batch_id, "start": start, "end": end},
        ).scalar_one()
    )


_HAND_OVER = (
    "INSERT INTO survey_handover_answers (response_id, handover_id)"
    " SELECT r.id, :handover FROM survey_responses r WHERE r.field_id = :field"
    " AND NOT EXISTS (SELECT 1 FROM survey_handover_answers h WHERE h.response_id = r.id)"
)
_HAND_OVER_SURVEY = _HAND_OVER + " AND r.survey_id = :survey"


def hand_over(conn: Connection, handover_id: int, field_id: int, survey_id: int | None) -> int:
    """Link every answer of the field (of one survey) not handed over yet to the handover: one
    INSERT … SELECT; how many it linked."""
    params: dict[str, Any] = {"handover": handover_id, "field": field_id}
    sql = _HAND_OVER
    if survey_id is not None:
        sql, params["survey"] = _HAND_OVER_SURVEY, survey_id
    return int(conn.execute(text(sql), params).rowcount)
