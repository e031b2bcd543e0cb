"""Words and numbers as people read them, in the interface language (shared by status and report)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lipctl.i18n import _, language, ngettext


def state_label(state: str | None) -> str:
    """A draft state in words; None is a document not submitted yet (lipctl.vocabulary)."""
    from lipctl import vocabulary

    return _("not submitted") if state is None else vocabulary.word(vocabulary.STATES, state)


def stance_label(stance: str | None) -> str:
    """An opinion's verdict in words (Zustimmung, Änderungsbedarf, Ablehnung)."""
    from lipctl import vocabulary

    return vocabulary.word(vocabulary.STANCES, stance)


def result_label(result: str | None) -> str:
    """A resolution's result in words."""
    from lipctl import vocabulary

    return vocabulary.word(vocabulary.RESULTS, result)


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


def event_summary(action: str, d: dict[str, Any]) -> str:
    """One line that tells what an event of a draft means, for draft history."""
    if action == "draft.submitted":
        text = _("submitted") + (f" — {d['title']}" if d.get("title") else "")
        if d.get("file_name"):
            text += " " + _("(file {name}, sha256 {sha})").format(name=d["file_name"], sha=str(d.get("file_sha256", ""))[:12])
        if d.get("considered_surveys"):
            text += "; " + _("took into account: {surveys}").format(surveys=", ".join(d["considered_surveys"]))
        return text
    if action == "draft.superseded":
        return _("superseded by v{version}").format(version=d.get("by_version"))
    if action == "draft.ready_for_decision":
        return _("all required opinions in: ready for the steering group")
    if action == "opinion.recorded":
        text = _("opinion of {body}: {stance}").format(body=d.get("body"), stance=stance_label(d.get("stance")))
        return text + (f" — {d['text']}" if d.get("text") else "")
    if action == "steering.decided":
        result = _("forwarded to the committee") if d.get("outcome") == "forward" else _("returned to the expert group")
        text = _("steering group: {result}").format(result=result)
        if d.get("reason"):
            text += f" — {d['reason']}"
        if d.get("without_opinions"):
            text += " " + _("(without the opinions of {bodies})").format(bodies=", ".join(d.get("missing_opinions") or []))
        return text
    if action == "resolution.recorded":
        return _("{body}: {result}").format(body=d.get("body"), result=result_label(d.get("result"))) + (
            f" ({d['drucksache']})" if d.get("drucksache") else ""
        )
    return action
