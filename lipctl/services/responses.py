"""What the surveys hold — survey list, stats, export — read through the driver (lipctl.store.read.surveys).

A cron job asks for the figures every few minutes over up to a million responses: counting is one
GROUP BY in the database, and none of these commands imports SQLAlchemy. Importing is
lipctl.services.surveys.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from lipctl.store.read import definition, surveys

if TYPE_CHECKING:
    from lipctl.context import Env
    from lipctl.store.reader import Reader


def stats(env: Env, survey: str | None = None) -> dict[str, Any]:
    """Responses per action field and per category (GROUP BY in the database)."""

    with env.reader() as r:
        found = surveys.survey(r, survey) if survey else None
        groups = surveys.groups(r, found.id if found is not None else None)
        per_field: dict[int | None, int] = {}
        per_category: dict[int | None, int] = {}
        for g in groups:
            per_field[g.field_id] = per_field.get(g.field_id, 0) + g.n
            per_category[g.category_id] = per_category.get(g.category_id, 0) + g.n
        by_field = {f.slug: per_field.get(f.id, 0) for f in definition.fields(r)}
        by_category: dict[str, int] = {c.slug: per_category.get(c.id, 0) for c in definition.categories(r)}
        by_category["none"] = per_category.get(None, 0)
        # issue 18, survey rounds: the answers dated outside their survey's period, per survey
        periods = [p for p in surveys.survey_periods(r, env.today) if found is None or p.id == found.id]
        return {
            "survey": found.name if found is not None else None,
            "total": sum(g.n for g in groups),
            "outside_period": surveys.outside_period(r, periods),
            "by_field": by_field,
            "by_category": by_category,
        }


def list_surveys(env: Env) -> list[dict[str, Any]]:
    """The surveys with their number of responses and imports (counted in SQL)."""

    with env.reader() as r:
        responses = surveys.response_counts(r)
        batches = surveys.imports(r)
        periods = {p.id: p for p in surveys.survey_periods(r, env.today)}  # issue 18, survey rounds
        return [
            {
                "name": sv.name,
                "round": periods[sv.id].round,
                "opens_on": periods[sv.id].opens_on,
                "closes_on": periods[sv.id].closes_on,
                "closed_on": periods[sv.id].closed_on,
                "status": periods[sv.id].status,
                "created_at": sv.created_at,
                "responses": responses.get(sv.id, 0),
                "imports": batches[sv.id].n if sv.id in batches else 0,
                "last_import": batches[sv.id].last if sv.id in batches else None,
            }
            for sv in surveys.surveys(r)
        ]


@contextmanager
def exported(env: Env, field: str, survey: str | None = None) -> Iterator[Iterator[dict[str, Any]]]:
    """The inputs an expert group receives (``survey export``): every response routed to its action field,
    as they are read, for writing inside the block (memory for a few rows, whatever the field received);
    an unknown field or survey is refused before the first row."""
    with env.reader() as r:
        rows = answers(r, field, survey)
        try:
            yield rows
        finally:
            rows.close()  # a block that stopped early ends the read here, while the transaction is open


def answers(r: Reader, field: str, survey: str | None = None) -> Generator[dict[str, Any], None, None]:
    """The export's rows on reader ``r`` (checked now, read as they are consumed)."""
    slug = definition.field_slug(r, field)
    survey_id = surveys.survey(r, survey).id if survey else None
    return (
        {
            "id": row.id,
            "survey": row.survey,
            "field": slug,
            "category": row.category,
            "submitted_at": row.submitted_at,
            "text": row.text,
        }
        for row in surveys.stream_responses(r, slug, survey_id)
    )
