"""What ``lipctl field edit`` and ``lipctl body edit`` may change, checked before the database is asked (issue 18).

``field_edit`` and ``body_edit`` take the options as typed and return the values to set, by the name
of what they set (``contact``, ``email``, ``internal_speaker`` …), or refuse: nothing to change, an
option without its partner, two options that exclude each other, a name, address or phone that
cannot be. No database, no terminal.
"""

from __future__ import annotations

from typing import Any

from lipctl.errors import InvalidInput, MissingOption, Refused
from lipctl.i18n import _
from lipctl.process import addresses, limits, names


def _name(value: str, option: str) -> str:
    name = limits.check_name(" ".join(value.split()), option)
    if not name:
        raise InvalidInput(_("{option} is empty").format(option=option), _("give the person's name"))
    if names.is_vacant(name):
        raise InvalidInput(
            _("{option} {name!r} names nobody").format(option=option, name=name),
            _("use --vacant for a vacant post (N.n.)"),
        )
    return name


def _unit(value: str) -> str:
    unit = limits.check_name(" ".join(value.split()), "--unit")
    if not unit:
        raise InvalidInput(_("--unit is empty"), _("give the internal speaker's department (Fachbereich)"))
    return unit


def field_edit(
    *,
    contact: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    internal_speaker: str | None = None,
    unit: str | None = None,
    external_speaker: str | None = None,
    vacant: bool = False,
) -> dict[str, Any]:
    """The changes ``field edit`` asks for: keys ``contact``, ``email``, ``phone``, ``internal_speaker`` (name,
    unit), ``external_speaker`` (a name, or None for vacant)."""
    if (internal_speaker is None) != (unit is None):
        raise MissingOption(
            _("--internal-speaker and --unit go together"),
            _("give the internal speaker's name with --internal-speaker NAME and the department with --unit U"),
        )
    if vacant and external_speaker is not None:
        raise InvalidInput(
            _("--vacant and --external-speaker exclude each other"),
            _("name the external speaker, or mark the post vacant (N.n.)"),
        )
    out: dict[str, Any] = {}
    if contact is not None:
        out["contact"] = _name(contact, "--contact")
    if email is not None:
        out["email"] = addresses.check_email(email, "--email")
    if phone is not None:
        out["phone"] = addresses.check_phone(phone, "--phone")
    if internal_speaker is not None and unit is not None:
        out["internal_speaker"] = (_name(internal_speaker, "--internal-speaker"), _unit(unit))
    if external_speaker is not None:
        out["external_speaker"] = _name(external_speaker, "--external-speaker")
    elif vacant:
        out["external_speaker"] = None
    if not out:
        raise MissingOption(
            _("nothing to change"),
            _("give --contact, --email, --phone, --internal-speaker with --unit, --external-speaker or --vacant"),
        )
    return out


def left_with_former_contact(wanted: dict[str, Any]) -> tuple[str, ...]:
    """When a field's contact changes, the former contact's address and phone were that person's: they
    go (``email``, ``phone``), except those ``field edit`` gives anew."""
    return tuple(key for key in ("email", "phone") if key not in wanted)


def check_reachable(wanted: dict[str, Any], *, has_contact: bool, field: str) -> None:
    """An address or phone belongs to a person: refused for a vacant contact."""
    if ("email" in wanted or "phone" in wanted) and not has_contact:
        raise Refused(
            _("the contact of {field} is vacant: an address or phone needs a person").format(field=field),
            _("name the contact with --contact NAME"),
        )


def body_edit(
    *,
    chair: str | None = None,
    email: str | None = None,
    language: str | None = None,
    seats: int | None = None,
    since: str | None = None,
) -> dict[str, Any]:
    """The changes ``body edit`` asks for besides the seats: keys ``chair``, ``email``, ``language``.
    ``--from`` is the day a seat count applies from: without ``--seats`` it would change nothing."""
    if since is not None and seats is None:
        raise InvalidInput(_("--from is the day the seats apply from"), _("give --seats N with it, or leave --from out"))
    out: dict[str, Any] = {}
    if chair is not None:
        out["chair"] = _name(chair, "--chair")
    if email is not None:
        out["email"] = addresses.check_email(email, "--email")
    if language is not None:
        out["language"] = addresses.check_language(language, "--language")
    if not out and seats is None:
        raise MissingOption(_("nothing to change"), _("give --chair, --email, --language or --seats with --from"))
    return out
