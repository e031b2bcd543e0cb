"""The reminder mail (Erinnerung) as an RFC 5322 message, in the recipient's language.

Built with ``email.message.EmailMessage`` (policy ``default``: headers with non-ASCII text such as
"fällig" are RFC 2047 encoded, the body is UTF-8). Every mail has Date, Message-ID (the record of
sent reminders keeps it), ``Auto-Submitted: auto-generated`` (RFC 3834: no auto-replies to it),
``Content-Language`` and ``X-Mailer: lipctl remind VERSION`` (how ``remind --output`` recognises
its own earlier files). The texts go through ``_()`` with the language switched for the one mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import NamedTuple

from lipctl import __version__, i18n
from lipctl.files import outputs
from lipctl.i18n import _, ngettext
from lipctl.process.reminders import DOCUMENT, Item
from lipctl.report import labels

#: The language of a body that names none (the office's).
DEFAULT_LANGUAGE = "de"


class Party(NamedTuple):
    """Who a mail is from or to: display name and address."""

    name: str
    address: str


class Names(NamedTuple):
    """The display names the mail refers to, in both languages: slug -> (German, English or None)."""

    fields: dict[str, tuple[str, str | None]]
    kinds: dict[str, tuple[str, str | None]]
    milestones: dict[str, tuple[str, str | None]]
    process: str


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Translate with ``language`` inside the block; the process's language again after it."""
    before = i18n.language()
    i18n.set_language(language)
    try:
        yield
    finally:
        i18n.set_language(before)


def _name(pair: tuple[str, str | None] | None, slug: str | None, language: str) -> str:
    if pair is None:
        return slug or ""
    german, english = pair
    return (english or german) if language == "en" else german


def _when(item: Item, today: dt.date) -> str:
    left = item.days_left(today)
    if left < 0:
        return ngettext("overdue by {n} day", "overdue by {n} days", -left).format(n=-left)
    if left == 0:
        return _("due today")
    return ngettext("in {n} day", "in {n} days", left).format(n=left)


def item_line(item: Item, names: Names, today: dt.date, language: str) -> str:
    """One line of the list: what is owed, due when; inside ``speaking(language)``, as its texts and dates are
    in the process's language."""
    field = _name(names.fields.get(item.field or ""), item.field, language)
    kind = _name(names.kinds.get(item.document or ""), item.document, language)
    due = labels.date(item.due)
    when = _when(item, today)
    if item.kind == DOCUMENT:
        milestone = _name(names.milestones.get(item.milestone or ""), item.milestone, language)
        return _("- {kind} for {field}, milestone “{milestone}”: due {due} ({when})").format(
            kind=kind, field=field, milestone=milestone, due=due, when=when
        )
    if item.field is None:
        return _("- opinion on the complete plan, version {version} ({ref}): due {due} ({when})").format(
            version=item.version, ref=item.ref, due=due, when=when
        )
    return _("- opinion on {kind} {field}, version {version} ({ref}): due {due} ({when})").format(
        kind=kind, field=field, version=item.version, ref=item.ref, due=due, when=when
    )


def build(
    items: Sequence[Item],
    *,
    sender: Party,
    to: Party,
    body_slug: str,
    language: str,
    names: Names,
    today: dt.date,
    now: dt.datetime,
) -> EmailMessage:
    """The reminder to ``to`` (the body ``body_slug``) listing ``items``, in ``language`` (de or en)."""
    language = "en" if language == "en" else "de"
    with speaking(language):
        opinions = [i for i in items if i.kind != DOCUMENT]
        documents = [i for i in items if i.kind == DOCUMENT]
        lines = [
            _("Hello {name},").format(name=to.name),
            "",
            _("a reminder from the office of {process}, as of {today}:").format(process=names.process, today=labels.date(today)),
            "",
        ]
        if opinions:
            lines.append(_("Your opinion is due on:"))
            lines.extend(item_line(i, names, today, language) for i in opinions)
            lines.append("")
            example = opinions[0].ref or "REF"
            how = _("How to send the opinion: reply to this mail with the opinion attached ({office}), or record it yourself:")
            lines += [
                how.format(office=sender.address),
                f"  lipctl opinion record {example} --from {body_slug} --stance approve|amend|reject --file FILE",
                "",
            ]
        if documents:
            lines.append(_("Your expert group's document is due:"))
            lines.extend(item_line(i, names, today, language) for i in documents)
            lines.append("")
            lines += [_("Please send the document to the office ({office}).").format(office=sender.address), ""]
        lines += [
            _("Kind regards"),
            sender.name,
            "",
            "-- ",
            _("Sent by lipctl remind; each item is reminded of at most once a day."),
        ]
        subject = _("Reminder from {process}: opinions and documents due").format(process=names.process)
    msg = EmailMessage()
    msg["From"] = formataddr((sender.name, sender.address))
    msg["To"] = formataddr((to.name, to.address))
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now if now.tzinfo else now.replace(tzinfo=dt.UTC))
    domain = sender.address.rpartition("@")[2] or "lipctl.invalid"
    msg["Message-ID"] = make_msgid(domain=domain)  # short enough to stay on its line
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Mailer"] = f"{outputs.REMINDER_MAILER} {__version__}"  # how --output knows its own .eml files again
    msg.set_content("\n".join(lines) + "\n")
    msg["Content-Language"] = language  # after set_content, which clears the Content-* headers
    return msg


def as_file(msg: EmailMessage) -> bytes:
    """The message as an .eml file holds it: RFC 5322 lines, ending in CRLF."""
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
