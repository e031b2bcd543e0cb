"""Translations: gettext catalogues in lipctl/locale, German and English.

The language is chosen once per process: ``--lang``, then LIPCTL_LANG, then the locale
(LC_ALL, LC_MESSAGES, LANG starting with "de"), else English. Messages are written in English
in the code and wrapped in ``_()``; ``ngettext`` for plurals. Standard library only.

Help texts are translated when the command modules are imported, before Typer has parsed the
command line: that is why the first ``_()`` detects the language from ``sys.argv`` and the
environment itself. The German catalogue is ``locale/de/LC_MESSAGES/lipctl.po``, compiled to the
``.mo`` beside it (both committed, both in the wheel); ``python tools/update_catalog.py`` extracts
new messages into it and compiles it. JSON keys, slugs and exit codes never depend on the language.
"""

from __future__ import annotations

import gettext as _gettext
import os
import sys
from pathlib import Path

DOMAIN = "lipctl"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "de")

_translations: _gettext.NullTranslations | None = None
_language: str | None = None


def detect_language(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> str:
    """The interface language from --lang, LIPCTL_LANG or the locale variables."""
    argv = sys.argv if argv is None else argv
    env = os.environ if environ is None else environ
    for i, arg in enumerate(argv):
        if arg == "--":  # what follows is an argument, not an option
            break
        if arg == "--lang" and i + 1 < len(argv):
            return _normalise(argv[i + 1])
        if arg.startswith("--lang="):
            return _normalise(arg.split("=", 1)[1])
    if env.get("LIPCTL_LANG"):
        return _normalise(env["LIPCTL_LANG"])
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"


def is_language(value: str) -> bool:
    """Whether ``--lang``/LIPCTL_LANG names a language lipctl speaks (de, en, de_DE.UTF-8, English …)."""
    return value.strip().lower()[:2] in LANGUAGES


def _normalise(value: str) -> str:
    return "de" if value.strip().lower().startswith("de") else "en"


def set_language(lang: str) -> None:
    """Switch the process's language (the CLI callback calls this for --lang)."""
    global _translations, _language
    lang = _normalise(lang)
    if lang == _language and _translations is not None:
        return
    _language = lang
    if lang == "en":
        _translations = _gettext.NullTranslations()
    else:
        _translations = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def language() -> str:
    if _language is None:
        set_language(detect_language())
    return _language or "en"


def display_name(name: str | None, name_en: str | None = None) -> str:
    """A name from the seed as people read it: the seed's German (Bildung, Lenkungsgruppe) in
    German, its English name (``name_en``) in English where the seed gives one."""
    if name_en and language() == "en":
        return name_en
    return name or name_en or ""


def _(message: str) -> str:
    """Translate a message."""
    if _translations is None:
        set_language(detect_language())
    assert _translations is not None
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it here (``_()`` translates it where it is shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a plural form."""
    if _translations is None:
        set_language(detect_language())
    assert _translations is not None
    return _translations.ngettext(singular, plural, n)


def in_every_language(message: str) -> tuple[str, ...]:
    """``message`` as each language of lipctl says it (English first): what a person may type for it
    whatever the interface language (``--stance Änderungsbedarf`` in an English session)."""
    german = _gettext.translation(DOMAIN, LOCALE_DIR, languages=["de"], fallback=True).gettext(message)
    return (message, german)
