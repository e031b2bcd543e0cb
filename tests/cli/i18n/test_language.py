"""Which language lipctl speaks: --lang, then LIPCTL_LANG, then the locale, else English; and the
German words, names, dates, numbers and plural forms it then uses."""

from __future__ import annotations

import datetime as dt

import pytest

from lipctl import i18n


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["lipctl", "fields"], {}, "en"),
        (["lipctl", "--lang", "de", "fields"], {}, "de"),
        (["lipctl", "--lang=de", "fields"], {}, "de"),
        (["lipctl", "--lang", "DE", "fields"], {}, "de"),
        (["lipctl", "--lang", "en", "fields"], {"LIPCTL_LANG": "de", "LANG": "de_DE.UTF-8"}, "en"),
        (["lipctl", "fields"], {"LIPCTL_LANG": "de"}, "de"),
        (["lipctl", "fields"], {"LIPCTL_LANG": "en", "LANG": "de_DE.UTF-8"}, "en"),
        (["lipctl", "fields"], {"LANG": "de_DE.UTF-8"}, "de"),
        (["lipctl", "fields"], {"LANG": "de_AT.UTF-8"}, "de"),
        (["lipctl", "fields"], {"LC_MESSAGES": "de_DE.UTF-8", "LANG": "en_GB.UTF-8"}, "de"),
        (["lipctl", "fields"], {"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "en"),  # LC_ALL overrides LANG, as in POSIX
        (["lipctl", "fields"], {"LC_ALL": "de_CH.UTF-8", "LANG": "en_US.UTF-8"}, "de"),
        (["lipctl", "fields"], {"LANG": "fr_FR.UTF-8"}, "en"),
        (["lipctl", "survey", "import", "--", "--lang", "de"], {}, "en"),  # after "--" it is a file name
    ],
)
def test_detect_language(argv: list[str], env: dict[str, str], expected: str) -> None:
    assert i18n.detect_language(argv, env) == expected


def test_german_catalogue_is_found_and_english_is_the_message_itself() -> None:
    i18n.set_language("de")
    assert i18n.language() == "de"
    assert i18n._("Action field") == "Handlungsfeld"
    assert i18n._("no action field {name!r}").format(name="Sport") == "kein Handlungsfeld 'Sport'"
    i18n.set_language("en")
    assert i18n._("Action field") == "Action field"


@pytest.mark.parametrize(("n", "de", "en"), [(0, "0 Tage", "0 days"), (1, "1 Tag", "1 day"), (2, "2 Tage", "2 days")])
def test_plural_forms(n: int, de: str, en: str) -> None:
    from lipctl.report import labels

    i18n.set_language("de")
    assert labels.days(n) == de
    assert (
        i18n.ngettext("{n} survey response", "{n} survey responses", n)
        .format(n=n)
        .endswith("Umfrageantwort" if n == 1 else "Umfrageantworten")
    )
    i18n.set_language("en")
    assert labels.days(n) == en


def test_dates_and_numbers_in_each_language() -> None:
    from lipctl.output.emit import plain, to_jsonable
    from lipctl.report import labels

    day = dt.date(2021, 3, 15)
    i18n.set_language("de")
    assert plain(day) == "15.03.2021"
    assert plain(dt.datetime(2021, 3, 15, 9, 5)) == "15.03.2021 09:05"
    assert labels.number(1204) == "1.204"
    assert plain(True) == "ja"
    assert to_jsonable(day) == "2021-03-15"  # JSON does not depend on the language
    i18n.set_language("en")
    assert plain(day) == "2021-03-15"
    assert labels.number(1204) == "1,204"
    assert plain(True) == "yes"


def test_display_name_uses_the_seeds_english_name_in_english_only() -> None:
    i18n.set_language("de")
    assert i18n.display_name("Lenkungsgruppe", "Steering group") == "Lenkungsgruppe"
    i18n.set_language("en")
    assert i18n.display_name("Lenkungsgruppe", "Steering group") == "Steering group"
    assert i18n.display_name("Rat", None) == "Rat"  # no English name in the seed: the German one
    assert i18n.display_name(None, None) == ""
