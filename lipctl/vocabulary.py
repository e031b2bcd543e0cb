"""The words for the process's coded values — opinion stances, draft states, vote results — in both
languages: how tables, plain text, Markdown and HTML show them (in the interface language), and which
words a person may type for them (the code, or its word in English or German, whatever language the
interface speaks: ``--stance amend``, ``--stance Änderungsbedarf``, ``--state eingereicht``).

JSON and CSV keep the codes: they are the scripts' contract.
"""

from __future__ import annotations

from lipctl.i18n import N_, _, in_every_language

STANCES: dict[str, str] = {"approve": N_("approval"), "amend": N_("changes needed"), "reject": N_("rejection")}
STATES: dict[str, str] = {
    "submitted": N_("submitted"),
    "ready_for_decision": N_("ready for decision"),
    "returned": N_("returned"),
    "forwarded": N_("forwarded"),
    "adopted": N_("adopted"),
    "rejected": N_("rejected"),
    "superseded": N_("superseded"),
}
RESULTS: dict[str, str] = {
    "adopted": N_("adopted"),
    "rejected": N_("rejected"),
    "not_quorate": N_("not quorate"),
    "deferred": N_("deferred"),
    "forward": N_("forwarded"),  # a steering decision, as its row stores it
    "return": N_("returned"),
    "forwarded": N_("forwarded"),  # … and as draft show gives it
    "returned": N_("returned"),
}


def word(table: dict[str, str], code: str | None) -> str:
    """The word for ``code`` in the interface language (the code itself where the table has none)."""
    if code is None:
        return ""
    msg = table.get(code)
    return _(msg) if msg is not None else code


def _key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def code_of(table: dict[str, str], text: str) -> str | None:
    """The code a person meant by ``text``: the code itself or its word in any language; None if none."""
    wanted = _key(text)
    for code, msg in table.items():
        if wanted == _key(code) or wanted in {_key(w) for w in in_every_language(msg)}:
            return code
    return None


def choices(table: dict[str, str]) -> str:
    """What may be typed, for a refusal's hint: each code with its word in the interface language."""
    return ", ".join(f"{code} ({_(msg)})" if _(msg) != code else code for code, msg in table.items())
