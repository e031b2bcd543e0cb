"""Words and numbers as people read them, in the interface language (shared by status and report)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lipctl.i18n import _, language, ngettext


def state_label(state: str | None) -> str:
    """A draft state in words; None is a document not submitted yet."""
    labels = {
        None: _("not submitted"),
        "submitted": _("submitted"),
        "ready_for_decision": _("ready for decision"),
        "returned": _("returned"),
        "forwarded": _("forwarded"),
        "adopted": _("adopted"),
        "rejected": _("rejected"),
        "superseded": _("superseded"),
    }
    return labels.get(state, state or "")


def stance_label(stance: str | None) -> str:
    """An opinion's verdict in words (Zustimmung, Änderungsbedarf, Ablehnung)."""
    labels = {"approve": _("approval"), "amend": _("changes needed"), "reject": _("rejection")}
    return labels.get(stance or "", stance or "")


def result_label(result: str | None) -> str:
    """A resolution's result in words."""
    labels = {
        "adopted": _("adopted"),
        "rejected": _("rejected"),
        "not_quorate": _("not quorate"),
        "deferred": _("deferred"),
        "forward": _("forwarded"),
        "return": _("returned"),
    }
    return labels.get(result or "", result or "")


def number(n: int | None) -> str:
    """Thousands grouped: 1,204 in English, 1.204 in German."""
    if n is None:
        return "—"
    text = f"{n:,}"
    return text.replace(",", ".") if language() == "de" else text


def date(value: dt.date | None) -> str:
    """15.03.2021 in German, 2021-03-15 in English."""
    if value is None:
        return "—"
    return value.strftime("%d.%m.%Y") if language() == "de" else value.isoformat()


def days(n: int | None) -> str:
    if n is None:
        return "—"
    return ngettext("{n} day", "{n} days", n).format(n=n)


def body_label(slug: str, kinds: dict[str, str]) -> str:
    """A body as a short label for a status line: an expert group by its role, others by slug."""
    if kinds.get(slug) == "expert_group":
        return _("expert group")
    return slug


def field_name(row: dict[str, Any]) -> str:
    """An action field's name in the interface language (the seed's German, or its English name)."""
    if language() == "en" and row.get("name_en"):
        return str(row["name_en"])
    return str(row["name"])
