"""E-mail addresses, telephone numbers and the language a body is written to (issue 18).

An address is checked with the standard library's RFC 5322 parser (``email.headerregistry.Address``,
the one the ``email`` package builds messages with), plus what a mail server needs beyond the grammar:
a domain with a dot and labels that are host names. A display name (``Name <a@b.de>``), two addresses
or a bare name are refused with the value and the form expected. No database, no terminal.
"""

from __future__ import annotations

from lipctl.errors import InvalidInput
from lipctl.i18n import _

#: The longest address SMTP carries (RFC 5321 4.5.3.1.3: a path of 256 octets less the brackets).
MAX_EMAIL = 254
#: The longest telephone number stored (an extension and spaces included).
MAX_PHONE = 40
#: The languages a reminder to a body is written in; the first is the default (German).
LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]

_PHONE_CHARS = set("0123456789+-/() .")


def _domain_ok(domain: str) -> bool:
    labels = domain.split(".")
    if len(labels) < 2 or any(not label for label in labels):
        return False
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return all(
        0 < len(label) <= 63 and not label.startswith("-") and not label.endswith("-") and label.replace("-", "").isalnum()
        for label in ascii_domain.split(".")
    )


def check_email(value: str, what: str) -> str:
    """``value`` as a plain address (``name@example.org``), stripped; InvalidInput naming it otherwise."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    text = value.strip()
    hint = _("write one address such as name@example.org, without a name or angle brackets")
    try:
        if not text or len(text) > MAX_EMAIL or any(c.isspace() for c in text):
            raise ValueError(text)
        address = Address(addr_spec=text)
        if not address.username or not _domain_ok(address.domain):
            raise ValueError(text)
    except (ValueError, HeaderParseError, IndexError):
        shown = text if len(text) <= 80 else text[:79] + "…"
        raise InvalidInput(_("{what} {value!r} is not an e-mail address").format(what=what, value=shown), hint) from None
    return address.addr_spec


def check_phone(value: str, what: str) -> str:
    """A telephone number as people write it (``+49 511 168-12345``, ``0511/168 12345``); InvalidInput otherwise."""
    text = " ".join(value.split())
    digits = sum(c.isdigit() for c in text)
    if not text or len(text) > MAX_PHONE or digits < 3 or not set(text) <= _PHONE_CHARS:
        shown = text if len(text) <= 80 else text[:79] + "…"
        raise InvalidInput(
            _("{what} {value!r} is not a telephone number").format(what=what, value=shown),
            _("write digits with +, -, /, brackets or spaces, such as +49 511 168-12345"),
        )
    return text


def check_language(value: str, what: str) -> str:
    """One of ``LANGUAGES`` (``de``, ``en``)."""
    text = value.strip().lower()
    if text not in LANGUAGES:
        raise InvalidInput(
            _("{what} {value!r} is not a language lipctl writes").format(what=what, value=value),
            _("valid: {choices}").format(choices=", ".join(LANGUAGES)),
        )
    return text
