"""The Drucksachen register: a paper's type from its number, and who a number belongs to.

Types, from the number's form (lipctl.process.drucksache): ``H-…`` an Informationsdrucksache
(information), a suffix ``E1`` an Änderungsantrag (amendment), any other a Beschlussdrucksache
(resolution). A paper carries one thing: a draft version, the plan, information, or the process's
founding resolution. A number belongs to one paper; using it for something else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from lipctl.errors import Refused
from lipctl.i18n import _

RESOLUTION, INFORMATION, AMENDMENT = "resolution", "information", "amendment"
#: The German names of the types, as the Landeshauptstadt Hannover writes them.
TYPE_NAMES = {RESOLUTION: "Beschlussdrucksache", INFORMATION: "Informationsdrucksache", AMENDMENT: "Änderungsantrag"}


def classify(number: str) -> str:
    """The paper type of a canonical Drucksache number (parse_drucksache's spelling)."""
    if number.startswith("H-"):
        return INFORMATION
    suffix = number.rpartition(" ")[2] if " " in number else ""
    if suffix.startswith("E"):
        return AMENDMENT
    return RESOLUTION


@dataclass(frozen=True)
class Carried:
    """What a paper carries: 'draft' (with the draft version's id), 'plan', 'information' or 'founding'."""

    what: str
    draft_id: int | None = None


def check_owner(number: str, owner: Carried, wanted: Carried, owner_label: str) -> None:
    """Refuse to use ``number`` for ``wanted`` when its paper carries something else (``owner_label`` names it)."""
    if owner != wanted:
        raise Refused(
            _("Drucksache {number} is already registered for {owner}").format(number=number, owner=owner_label),
            _("a number belongs to one paper: give this vote its own Drucksache number ('lipctl paper list' shows them)"),
        )
