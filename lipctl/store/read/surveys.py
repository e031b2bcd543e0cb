"""What the surveys hold: the surveys, their imports, responses counted by GROUP BY, and the responses.

A cron job asks for the figures every few minutes over up to a million responses: counting is one
GROUP BY on the covering (field_id, category_id) index.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any, NamedTuple

from lipctl.errors import NotFound
from lipctl.i18n import _
from lipctl.process.limits import MAX_INT
from lipctl.store.reader import Reader


class Survey(NamedTuple):
    id: int
    name: str


class Listed(NamedTuple):
    id: int
    name: str
    created_at: dt.datetime


class Imports(NamedTuple):
    """A survey's import batches: how many, and when the last one finished."""

    survey_id: int
    n: int
    last: dt.datetime | None


class Group(NamedTuple):
    """The number of responses of one action field and category (either may be unrouted: None)."""

    field_id: int | None
    category_id: int | None
    n: int


class Response(NamedTuple):
    id: int
    survey: str
    category: str | None
    submitted_at: dt.datetime | None
    text: str


def survey(r: Reader, name: str) -> Survey:
    """The survey of that name (any case); NotFound names the known ones."""
    found = find_survey(r, name)
    if found is None:
        names = r.column("SELECT name FROM surveys ORDER BY name")
        raise NotFound(
            _("no survey {name!r}").format(name=name),
            _("known surveys: {names}").format(names=", ".join(names)) if names else _("import one with 'lipctl survey import'"),
        )
    return found


def find_survey(r: Reader, name: str) -> Survey | None:
    """The survey of that name in any case (the first one, by id), or None."""
    wanted = name.strip().lower()
    # Compared in Python, not with SQL lower(): SQLite's folds ASCII only (lower('Übung') is 'Übung'),
    # and the name typed (a NUL, bytes that are not UTF-8) is never sent to the store.
    found = [row for row in r.rows("SELECT id, name FROM surveys ORDER BY id") if row.name.lower() == wanted]
    return Survey(**found[0]) if found else None


def surveys(r: Reader) -> list[Listed]:
    """Every survey, by name."""
    return [Listed(**row) for row in r.rows("SELECT id, name, created_at FROM surveys ORDER BY name", times=("created_at",))]


def response_counts(r: Reader) -> dict[int, int]:
    """The number of responses by survey id (surveys without any are absent)."""
    return r.pairs("SELECT survey_id, count(*) FROM survey_responses GROUP BY survey_id")


def imports(r: Reader) -> dict[int, Imports]:
    """The import batches by survey id (surveys never imported into are absent)."""
    rows = r.rows(
        "SELECT survey_id, count(*) AS n, max(finished_at) AS last FROM import_batches GROUP BY survey_id", times=("last",)
    )
    return {row.survey_id: Imports(**row) for row in rows}


def groups(r: Reader, survey_id: int | None = None) -> list[Group]:
    """Responses (of one survey) counted per action field and category."""
    where, params = "", {}
    if survey_id is not None:
        where, params = "WHERE survey_id = :survey", {"survey": survey_id}
    return [
        Group(**row)
        for row in r.rows(
            f"SELECT field_id, category_id, count(*) AS n FROM survey_responses {where} GROUP BY field_id, category_id",  # noqa: S608 - a fixed clause with a placeholder
            params,
        )
    ]


def responses(r: Reader, field: str, survey_id: int | None = None) -> list[Response]:
    """Every response routed to the action field with slug ``field`` (of one survey), by survey and time."""
    return [Response(**row) for row in r.rows(*_responses(field, survey_id), times=("submitted_at",))]


def stream_responses(r: Reader, field: str, survey_id: int | None = None) -> Iterator[Response]:
    """The same responses as ``responses``, as they are read (Reader.stream): flat memory for any number."""
    return (Response(**row) for row in r.stream(*_responses(field, survey_id), times=("submitted_at",)))


def _responses(field: str, survey_id: int | None) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"field": field}
    sql = """
        SELECT r.id, s.name AS survey, c.slug AS category, r.submitted_at, r.text
        FROM survey_responses r
        JOIN surveys s ON s.id = r.survey_id
        JOIN action_fields f ON f.id = r.field_id
        LEFT JOIN survey_categories c ON c.id = r.category_id
        WHERE f.slug = :field
    """
    if survey_id is not None:
        sql += " AND r.survey_id = :survey"
        params["survey"] = survey_id
    # undated responses last on both stores (SQLite sorts NULL first, PostgreSQL last)
    sql += " ORDER BY s.name, r.submitted_at IS NULL, r.submitted_at, r.id"
    return sql, params


# --- import batches (survey imports, undo, delete) -------------------------------------------


class Batch(NamedTuple):
    """One import batch (one file of a survey import) with its counts and, once undone, who undid it."""

    id: int
    survey_id: int
    survey: str
    path: str
    sha256: str | None
    profile: str | None
    rows_read: int
    imported: int
    duplicates: int
    rejected: int
    skipped: int
    actor: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    undone_at: dt.datetime | None
    undone_by: str | None
    undo_reason: str | None


_BATCH_SQL = """
    SELECT b.id, b.survey_id, s.name AS survey, b.path, b.file_sha256 AS sha256, b.profile,
           b.rows_read, b.imported, b.duplicates, b.rejected, b.skipped, b.actor,
           b.started_at, b.finished_at, b.undone_at, b.undone_by, b.undo_reason
    FROM import_batches b JOIN surveys s ON s.id = b.survey_id
"""
_BATCH_TIMES = ("started_at", "finished_at", "undone_at")


def batches(r: Reader, survey_id: int | None = None) -> list[Batch]:
    """The import batches (of one survey), oldest first: the newest import is the last row."""
    where, params = "", {}
    if survey_id is not None:
        where, params = "WHERE b.survey_id = :survey", {"survey": survey_id}
    rows = r.rows(f"{_BATCH_SQL} {where} ORDER BY b.id", params, times=_BATCH_TIMES)
    return [Batch(**row) for row in rows]


def batch(r: Reader, batch_id: int) -> Batch:
    """The import batch with that id; NotFound says where to find the valid ones."""
    rows = []
    if 0 < batch_id <= MAX_INT:  # an id no INTEGER column holds is not sent (PostgreSQL would refuse it)
        rows = r.rows(f"{_BATCH_SQL} WHERE b.id = :id", {"id": batch_id}, times=_BATCH_TIMES)
    if not rows:
        last = r.column("SELECT max(id) FROM import_batches")[0]
        raise NotFound(
            _("no import batch {batch}").format(batch=batch_id),
            _("'lipctl survey imports' lists the batches (the last one is {last})").format(last=last)
            if last is not None
            else _("no survey has been imported yet"),
        )
    return Batch(**rows[0])


def batch_answers(r: Reader, survey_id: int) -> dict[int, int]:
    """The answers a survey holds, counted by the batch that stored them (batches without any are absent)."""
    return r.pairs(
        "SELECT batch_id, count(*) FROM survey_responses WHERE survey_id = :survey AND batch_id IS NOT NULL GROUP BY batch_id",
        {"survey": survey_id},
    )


def considered_by(r: Reader, survey_id: int) -> list[int]:
    """The ids of the draft versions that took the survey into account (draft_surveys)."""
    return r.column("SELECT draft_id FROM draft_surveys WHERE survey_id = :survey ORDER BY draft_id", {"survey": survey_id})


# --- survey rounds (issue 18, revision 0010) ---------------------------------------------------


class SurveyPeriod(NamedTuple):
    """A survey's round and period (Befragungszeitraum, both days included) and its status as of a day.

    ``status``: planned, open, closed (lipctl.process.surveyrounds.Status) or None without a period."""

    id: int
    name: str
    round: int | None
    opens_on: dt.date | None
    closes_on: dt.date | None
    closed_on: dt.date | None
    status: str | None


def survey_periods(r: Reader, today: dt.date) -> list[SurveyPeriod]:
    """Every survey with its round, period and status as of ``today``, by round (unnumbered last), then name.

    One query; for the survey list, the status and the calendar feed."""
    from lipctl.process import surveyrounds as sr

    rows = r.rows(
        "SELECT id, name, round, opens_on, closes_on, closed_on FROM surveys",
        dates=("opens_on", "closes_on", "closed_on"),
    )
    out = []
    for row in rows:
        state = sr.status(sr.Round(row.name, row.round, row.opens_on, row.closes_on, row.closed_on), today)
        out.append(SurveyPeriod(**row, status=state.value if state is not None else None))
    return sorted(out, key=lambda p: (p.round is None, p.round or 0, p.name.lower()))


def outside_period(r: Reader, periods: list[SurveyPeriod]) -> dict[str, int]:
    """The answers dated outside their survey's period, by survey name (surveys without a period are absent).

    One COUNT per survey with a period (a handful), on the survey's rows of the (survey_id, …) index."""
    from lipctl.process.surveyrounds import period_bounds

    counts: dict[str, int] = {}
    for p in periods:
        if p.opens_on is None or p.closes_on is None:
            continue
        start, end = period_bounds(p.opens_on, p.closes_on)
        counts[p.name] = r.column(
            "SELECT count(*) FROM survey_responses WHERE survey_id = :survey AND (submitted_at < :start OR submitted_at >= :end)",
            {"survey": p.id, "start": start, "end": end},
        )[0]
    return counts


class FieldHandover(NamedTuple):
    """Per action field: its answers, and how many of them were not handed to its expert group yet."""

    field_id: int
    answers: int
    pending: int


def handover_pending(r: Reader) -> dict[int, FieldHandover]:
    """Per action field id: answers and answers not yet handed over (one grouped query)."""
    rows = r.rows(
        """
        SELECT r.field_id, count(*) AS answers, count(*) - count(h.response_id) AS pending
        FROM survey_responses r LEFT OUTER JOIN survey_handover_answers h ON h.response_id = r.id
        WHERE r.field_id IS NOT NULL
        GROUP BY r.field_id
        """
    )
    return {row.field_id: FieldHandover(**row) for row in rows}


class ConsideredHandover(NamedTuple):
    """A survey a draft version took into account: its answers for the draft's field, and how many of
    them had been handed to the field's expert group on or before the version's day."""

    survey: str
    answers: int
    handed_over: int
    last_handover: dt.date | None


def considered_handovers(r: Reader, draft_id: int) -> list[ConsideredHandover]:
    """For each survey the draft version considered: answers routed to its field, handed over by its day."""
    rows = r.rows(
        """
        SELECT s.name AS survey, count(sr.id) AS answers,
               count(CASE WHEN h.handed_on <= d.submitted_on THEN 1 END) AS handed_over,
               max(CASE WHEN h.handed_on <= d.submitted_on THEN h.handed_on END) AS last_handover
        FROM draft_surveys ds
        JOIN drafts d ON d.id = ds.draft_id
        JOIN surveys s ON s.id = ds.survey_id
        LEFT OUTER JOIN survey_responses sr ON sr.survey_id = s.id AND sr.field_id = d.field_id
        LEFT OUTER JOIN survey_handover_answers ha ON ha.response_id = sr.id
        LEFT OUTER JOIN survey_handovers h ON h.id = ha.handover_id AND h.field_id = d.field_id
        WHERE ds.draft_id = :draft
        GROUP BY ds.id, s.name
        ORDER BY ds.id
        """,
        {"draft": draft_id},
        dates=("last_handover",),
    )
    return [ConsideredHandover(**row) for row in rows]
