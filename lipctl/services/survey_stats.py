"""Survey participation in numbers (lipctl survey stats): counted in the database, read without SQLAlchemy.

A cron job asks for these figures every few minutes over up to a million responses, so the
counting is one GROUP BY on the covering (field_id, category_id) index, and the command reads
through lipctl.store.reader.
"""

from __future__ import annotations

from typing import Any

from lipctl.store import queries


def stats(survey: str | None = None) -> dict[str, Any]:
    """Responses per action field and per category (GROUP BY in the database)."""
    from lipctl.context import current

    with current().reader() as r:
        where, params, name = "", {}, None
        if survey:
            found = queries.survey(r, survey)
            where, params, name = "WHERE survey_id = :survey", {"survey": found.id}, found.name
        groups = r.rows(f"SELECT field_id, category_id, count(*) AS n FROM survey_responses {where} GROUP BY field_id, category_id", params)
        per_field: dict[int | None, int] = {}
        per_category: dict[int | None, int] = {}
        for g in groups:
            per_field[g.field_id] = per_field.get(g.field_id, 0) + g.n
            per_category[g.category_id] = per_category.get(g.category_id, 0) + g.n
        by_field = {f.slug: per_field.get(f.id, 0) for f in queries.fields(r)}
        by_category: dict[str, int] = {c.slug: per_category.get(c.id, 0) for c in queries.categories(r)}
        by_category["none"] = per_category.get(None, 0)
        return {"survey": name, "total": sum(g.n for g in groups), "by_field": by_field, "by_category": by_category}
