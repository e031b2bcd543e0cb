"""lipctl fields, contacts, bodies: the structure of the process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import typer

from lipctl.commands._boundary import command, env
from lipctl.commands._options import FieldArg, FormatOpt
from lipctl.i18n import _, display_name
from lipctl.output.emit import Column, OutputFormat


@dataclass(frozen=True)
class NameColumn(Column):
    """A seed name in the interface language in tables (``name_en`` in English); CSV and JSON keep the seed's name."""

    en_key: str = "name_en"

    def text(self, row: dict[str, Any]) -> str:
        return display_name(row.get(self.key), row.get(self.en_key)) or "—"


def _documents(docs: list[dict]) -> str:
    from lipctl.report.labels import state_label

    parts = []
    for d in docs:
        parts.append(f"{d['kind']}: v{d['version']} {state_label(d['state'])}" if d["version"] else f"{d['kind']}: —")
    return "; ".join(parts)


def _seats(cats: list[dict]) -> str:
    return ", ".join(f"{c['seats']} {display_name(c['name'], c.get('name_en'))}" for c in cats) if cats else "—"


def register(root: typer.Typer) -> None:
    @command(root, "fields")
    def fields(fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """The six action fields (Handlungsfelder) with the current stage of their documents."""
        from lipctl.output.emit import emit
        from lipctl.services import fields as svc

        rows = svc.list_fields(env())
        columns = [
            Column("slug", _("Slug")),
            NameColumn("name", _("Action field")),
            Column("documents", _("Documents"), _documents),
        ]
        emit(rows, fmt, columns)

    @command(root, "contacts")
    def contacts(field: FieldArg = None, fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """Contacts per action field: contact person, internal and external speaker."""
        from lipctl.output.emit import emit
        from lipctl.services import fields as svc

        rows = svc.contacts(env(), field)
        emit(
            rows,
            fmt,
            [
                NameColumn("field_name", _("Action field"), en_key="field_name_en"),
                Column("contact", _("Contact person")),
                Column("contact_email", _("E-mail"), lambda v: v or "—"),  # issue 18
                Column("contact_phone", _("Phone"), lambda v: v or "—"),
                Column("internal_speaker", _("Internal speaker")),
                Column("external_speaker", _("External speaker"), lambda v: v["name"] if v else _("vacant (N.n.)")),
            ],
        )

    @command(root, "bodies")
    def bodies(fmt: FormatOpt = OutputFormat.TABLE) -> None:
        """The bodies (Gremien): seats, chair, vote rules and their part in the process."""
        from lipctl.output.emit import emit
        from lipctl.services import fields as svc

        rows = svc.list_bodies(env())
        emit(
            rows,
            fmt,
            [
                Column("slug", _("Slug")),
                NameColumn("name", _("Body")),
                Column("seat_categories", _("Seats"), _seats),
                Column(
                    "chair",
                    _("Chair"),
                    lambda v: f"{v['name']} ({v['title']})" if v and v.get("title") else (v["name"] if v else "—"),
                ),
                Column("rule_set", _("Vote rules")),
                Column("opinion_deadline_days", _("Opinion due (days)")),
            ],
        )
