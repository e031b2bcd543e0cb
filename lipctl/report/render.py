"""Render the committee briefing with Jinja2: a self-contained HTML file or Markdown.

The HTML carries its CSS and its charts (inline SVG) inside: no scripts, no fonts or images from
the network, so it opens offline, can be mailed, and prints on A4. Texts go through ``_`` (passed
into the templates) so the briefing reads in the interface language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lipctl import __version__
from lipctl.i18n import _, language, ngettext
from lipctl.output.text import markdown as markdown_text
from lipctl.output.text import visible
from lipctl.report import labels as lb

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"


def _env(*, html: bool) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        # HTML escapes every value; Markdown must not (HTML entities would show), _markdown_value escapes it
        autoescape=html,  # noqa: S701 - chosen per kind: the Markdown environment escapes by its own filter
        # every {{ value }} passes here first: HTML then escapes it, Markdown needs it escaped here
        finalize=_html_value if html else _markdown_value,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        _=_,
        ngettext=ngettext,
        lang=language(),
        version=__version__,
        date=lb.date,
        number=lb.number,
        days=lb.days,
        state_label=lb.state_label,
        result_label=lb.result_label,
        field_name=lb.field_name,
        bars=bars,
    )
    return env


def _html_value(value: Any) -> Any:
    """A value for the HTML briefing: control characters shown (autoescape then escapes it); our own markup kept."""
    from markupsafe import Markup

    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return visible(value)


def _markdown_value(value: Any) -> str:
    """A value for the Markdown briefing: every expression is text, escaped for Markdown (``text.markdown``)."""
    return markdown_text(str(value))


def _milestone_due(item: dict[str, Any]) -> str:
    from lipctl.report.status_text import milestone_due

    return milestone_due(item)


def _information(item: dict[str, Any], names: Any) -> str:
    from lipctl.report.status_text import information_text

    return information_text(item, names)


def _context(data: dict[str, Any]) -> dict[str, Any]:
    names = data["names"]
    return {
        "d": data,
        "names": names,
        "kind_name": lambda slug: names.kinds.get(slug, slug) if slug else "—",
        "body_name": lambda slug: names.bodies.get(slug, slug) if slug else "—",
        "milestone_name": lambda slug: names.milestones.get(slug, slug),
        "milestone_due": _milestone_due,
        "information": lambda item: _information(item, names),
        "field_label": lambda slug: names.fields.get(slug, slug) if slug else "—",
        "stages": [_("submitted"), _("opinions"), _("steering group"), _("committee")],
        "field_items": [(lb.field_name(x["name_row"]), x["count"]) for x in data["survey"]["by_field"]],
        "category_items": [
            (lb.field_name(c) if c["name"] else _("no category"), c["count"]) for c in data["survey"]["by_category"]
        ],
        # issue 18, survey rounds: answers not handed to the expert groups yet, and each survey's period
        "handover_items": [
            (lb.field_name(x["name_row"]), x["not_handed_over"]) for x in data["survey"]["by_field"] if x["not_handed_over"]
        ],
        "survey_rounds": _survey_rounds(data["status"]),
    }


def _survey_rounds(status: dict[str, Any]) -> list[str]:
    from lipctl.report.status_text import survey_lines

    return survey_lines(status)


def html(data: dict[str, Any]) -> str:
    """The briefing as one self-contained HTML document."""
    from markupsafe import Markup

    env = _env(html=True)
    css = (TEMPLATES / "briefing.css").read_text(encoding="utf-8")
    # our own stylesheet shipped with the package, never input: inserted as it is
    return _render(env, "briefing.html.j2", data, css=Markup(css))  # noqa: S704 - the packaged briefing.css


def markdown(data: dict[str, Any]) -> str:
    """The briefing as Markdown (for e-mail or a wiki)."""
    return _render(_env(html=False), "briefing.md.j2", data)


def _render(env: Any, name: str, data: dict[str, Any], **extra: Any) -> str:
    ctx = _context(data)
    env.filters.update(body_name=ctx["body_name"], field_name=lb.field_name)
    return env.get_template(name).render(**ctx, **extra)


def bars(items: list[tuple[str, int]], *, width: int = 640, row: int = 22, label_width: int = 210) -> dict[str, Any]:
    """Geometry of a horizontal bar chart (Balkendiagramm) for inline SVG: one bar per (label, value)."""
    top = max([v for _l, v in items] + [0])
    room = width - label_width - 70
    rows = []
    for i, (label, value) in enumerate(items):
        length = 0 if top == 0 else max(round(room * value / top), 1 if value else 0)
        rows.append({"label": label, "value": value, "text": lb.number(value), "y": i * row, "w": length})
    return {"rows": rows, "width": width, "height": max(len(items), 1) * row, "row": row, "x": label_width, "bar": row - 8}
