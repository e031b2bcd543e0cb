"""What the surveys hold — survey list, stats, export — read through the driver (lipctl.store.reader).

A cron job asks for the figures every few minutes over up to a million responses: counting is one
GROUP BY on the covering (field_id, category_id) index, and none of these commands imports
SQLAlchemy. Importing is lipctl.services.surveys.
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
        groups = r.rows(
            f"SELECT field_id, category_id, count(*) AS n FROM survey_responses {where} GROUP BY field_id, category_id",  # noqa: S608 - a fixed clause with a placeholder
            params,
        )
        per_field: dict[int | None, int] = {}
        per_category: dict[int | None, int] = {}
        for g in groups:
            per_field[g.field_id] = per_field.get(g.field_id, 0) + g.n
            per_category[g.category_id] = per_category.get(g.category_id, 0) + g.n
        by_field = {f.slug: per_field.get(f.id, 0) for f in queries.fields(r)}
        by_category: dict[str, int] = {c.slug: per_category.get(c.id, 0) for c in queries.categories(r)}
        by_category["none"] = per_category.get(None, 0)
        return {"survey": name, "total": sum(g.n for g in groups), "by_field": by_field, "by_category": by_category}


def list_surveys() -> list[dict[str, Any]]:
    """The surveys with their number of responses and imports (counted in SQL)."""
    from lipctl.context import current

    with current().reader() as r:
        responses = r.pairs("SELECT survey_id, count(*) FROM survey_responses GROUP BY survey_id")
        batches = {
            b.survey_id: b
            for b in r.rows(
                "SELECT survey_id, count(*) AS n, max(finished_at) AS last FROM import_batches GROUP BY survey_id",
                times=("last",),
            )
        }
        return [
            {
                "name": sv.name,
                "created_at": sv.created_at,
                "responses": responses.get(sv.id, 0),
                "imports": batches[sv.id].n if sv.id in batches else 0,
                "last_import": batches[sv.id].last if sv.id in batches else None,
            }
            for sv in r.rows("SELECT id, name, created_at FROM surveys ORDER BY name", times=("created_at",))
        ]


def export(field: str, survey: str | None = None) -> list[dict[str, Any]]:
    """The inputs an expert group receives: every response routed to its action field."""
    from lipctl.context import current

    with current().reader() as r:
        slug = queries.field_slug(r, field)
        params: dict[str, Any] = {"field": slug}
        sql = """
            SELECT r.id, s.name AS survey, c.slug AS category, r.submitted_at, r.text
            FROM survey_responses r
            JOIN surveys s ON s.id = r.survey_id
            JOIN action_fields f ON f.id = r.field_id
            LEFT JOIN survey_categories c ON c.id = r.category_id
            WHERE f.slug = :field
        """
        if survey:
            sql += " AND r.survey_id = :survey"
            params["survey"] = queries.survey(r, survey).id
        # undated responses last on both stores (SQLite sorts NULL first, PostgreSQL last)
        sql += " ORDER BY s.name, r.submitted_at IS NULL, r.submitted_at, r.id"
        return [
            {
                "id": row.id,
                "survey": row.survey,
                "field": slug,
                "category": row.category,
                "submitted_at": row.submitted_at,
                "text": row.text,
            }
            for row in r.rows(sql, params, times=("submitted_at",))
        ]
