"""Drucksachennummer: the printed-matter number a resolution carries, in Hannover's forms.

The forms are ``2472/2019`` (an administration paper), ``H-0375/2019`` (an information paper)
and ``15-0067/2019 F1`` (a two-digit originator prefix, and a suffix for a follow-up paper:
a letter E, F, N or S with its running number — Ergänzung, Frage/Antwort, Neufassung,
Stellungnahme). The number has four digits (leading zeros kept), the year four.
"""

from __future__ import annotations

import re

from lipctl.errors import InvalidInput
from lipctl.i18n import _

_FORM = re.compile(
    r"""
    (?:(?P<prefix>H|\d{2})-)?      # H- or a two-digit prefix such as 15-
    (?P<number>\d{4})
    /(?P<year>(?:19|20)\d{2})
    (?:\s+(?P<suffix>[EFNS]\d{1,2}))?
    """,
    re.VERBOSE,
)


def parse_drucksache(value: str) -> str:
    """The Drucksache number in its canonical spelling (upper case, one space before the suffix)."""
    text = " ".join(value.split()).upper()
    match = _FORM.fullmatch(text)
    if match is None:
        raise InvalidInput(
            _("{value!r} is not a printed-matter number (Drucksache) in Hannover's forms").format(value=value),
            _(
                "write NNNN/YYYY, H-NNNN/YYYY or NN-NNNN/YYYY, optionally followed by a suffix E1, F1, N1 or S1 — "
                "e.g. 2472/2019, H-0375/2019, 15-0067/2019 F1"
            ),
        )
    prefix = f"{match['prefix']}-" if match["prefix"] else ""
    suffix = f" {match['suffix']}" if match["suffix"] else ""
    return f"{prefix}{match['number']}/{match['year']}{suffix}"
