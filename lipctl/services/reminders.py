"""lipctl remind: reminder mails to the bodies and expert groups that owe something, written or sent.

Three steps: read the facts in one read transaction (the status's own read, lipctl.services.status,
plus addresses and what was sent today), compute what is owed and which mails to write
(lipctl.process.reminders), then write ``.eml`` files or send.

Sending records each mail when the server accepted it, in a transaction of its own (the rows of its
items and the audit event): a mail is never recorded before it was accepted, so a crash can never
record an unsent mail as sent; and what was sent before a crash or a broken session stays recorded,
so the next run does not send it again. (Recording all at the end would resend every mail of a run
that broke at its last one.) The one window left — the server accepted, the process died before the
commit — may send that one mail twice; it cannot lose one. A second run the same day finds the items
recorded and sends only what became due since; the unique (item, day) refuses a concurrent duplicate.

``--output DIR`` writes what is owed as ``.eml`` files, to read or send by hand: nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from lipctl.errors import InvalidInput, LipctlError, Refused
from lipctl.i18n import _
from lipctl.process import limits
from lipctl.process import reminders as rules

if TYPE_CHECKING:
    from lipctl.context import Env
    from lipctl.files.outputs import Target
    from lipctl.mail.message import Names, Party
    from lipctl.services.status import Facts

#: Where the office's address (From, Reply) comes from.
FROM_VARIABLE = "LIPCTL_MAIL_FROM"


def clock() -> dt.datetime:
    """The current instant (aware, UTC): the Berlin day of the reminders. Tests replace it."""
    return dt.datetime.now(dt.UTC)


class Stopped(LipctlError):
    """The SMTP session broke during ``remind --send`` (the server closed it, the connection was lost).
    ``result`` is what the run did until then: the mails before it sent and recorded, this one and the
    rest ``not_sent``, and ``stopped`` the error's text; the command shows it before the error's line."""

    def __init__(self, error: LipctlError, result: dict[str, Any]) -> None:
        super().__init__(error.message, error.hint)
        self.result = result


class Mail(NamedTuple):
    """One reminder to write or send: to ``body`` at ``address`` (None: the body has none)."""

    body: str
    name: str
    address: str | None
    language: str
    items: tuple[rules.Item, ...]
    message: EmailMessage | None


class Plan(NamedTuple):
    """What one run reminds of: the Berlin day (``write``: the --today date), the mails, and the ids to record them with."""

    day: dt.date
    mails: list[Mail]
    body_ids: dict[str, int]
    milestone_ids: dict[str, int]


def sender(environ: Mapping[str, str]) -> Party:
    """The office as the mails' sender: ``LIPCTL_MAIL_FROM`` ("Name <address>" or an address)."""
    from email.utils import parseaddr

    from lipctl.mail.message import Party
    from lipctl.process.addresses import check_email

    raw = (environ.get(FROM_VARIABLE) or "").strip()
    if not raw:
        raise Refused(
            _("the reminders need the office's address as sender, and {var} is not set").format(var=FROM_VARIABLE),
            _('set it, e.g. {var}="Büro LIP <lip@example.org>"').format(var=FROM_VARIABLE),
        )
    name, address = parseaddr(raw)
    if "\n" in raw or "\r" in raw:
        address = ""
    address = check_email(address or raw, FROM_VARIABLE)
    return Party(name or address, address)


def _names(facts: Facts) -> Names:
    from lipctl.mail.message import Names

    process = facts.process.get("short_name") or facts.process.get("name") or "LIP"
    return Names(
        {f.slug: (f.name, f.name_en) for f in facts.fields},
        {k.slug: (k.name, k.name_en) for k in facts.kinds},
        {m.slug: (m.name, m.name_en) for m in facts.milestones},
        process,
    )


def owed(facts: Facts, today: dt.date, within: int) -> list[rules.Item]:
    """What the bodies and expert groups owe within ``within`` days or overdue, from the status's facts."""
    from lipctl.process import lifecycle, standing
    from lipctl.process import milestones as ms

    slug_of_field = {f.id: f.slug for f in facts.fields}
    slug_of_body = {b.id: b.slug for b in facts.bodies}
    received: dict[int, set[str]] = {}
    for row in facts.received:
        received.setdefault(row.draft_id, set()).add(slug_of_body[row.body_id])
    latest = [*facts.latest, *([facts.plan_version] if facts.plan_version is not None else [])]
    versions = [
        rules.Version(
            d.id,
            slug_of_field.get(d.field_id) if d.field_id is not None else None,
            d.kind,
            d.version,
            d.state in lifecycle.AWAITING_OPINIONS,
            d.submitted_on,
        )
        for d in latest
    ]
    items = rules.owed_opinions(versions, facts.requirements, received, today, within)
    groups = standing.roles(facts.bodies).expert_groups
    adopted = {(slug_of_field[d.field_id], d.kind): d.adopted_on or today for d in facts.adopted}
    items += rules.owed_documents(
        [ms.Milestone(m.slug, m.due, m.applies_to) for m in facts.milestones],
        [f.slug for f in facts.fields],
        adopted,
        {slug_of_field[field_id]: slug for field_id, slug in groups.items()},
        today,
        within,
    )
    return items


def plan(env: Env, within: int, *, now: dt.datetime, environ: Mapping[str, str], only_unsent: bool) -> Plan:
    """The mails of this run as of ``env.today``; ``only_unsent``: without the items sent on this Berlin day."""
    from lipctl.mail import message
    from lipctl.services import status
    from lipctl.store.read import definition
    from lipctl.store.read import reminders as q

    limits.check_within(within)
    office = sender(environ)
    day = rules.berlin_day(now)
    with env.reader() as r:
        facts = status.read(r)
        addresses = definition.body_addresses(r)
        contacts = definition.contact_addresses(r)
        milestone_ids = q.milestone_ids(r)
        sent = q.sent_on(r, day) if only_unsent else set()
    items = owed(facts, env.today, within)
    if only_unsent:
        items = rules.unsent(items, sent)
    names = _names(facts)
    slug_of_field = {f.id: f.slug for f in facts.fields}
    field_of = {b.slug: slug_of_field[b.field_id] for b in facts.bodies if b.field_id is not None}
    body_names = {b.slug: (b.name, b.name_en) for b in facts.bodies}
    mails = []
    for reminder in rules.group(items, [b.slug for b in facts.bodies]):
        address = addresses.get(reminder.recipient)
        contact = contacts.get(field_of.get(reminder.recipient, ""))
        to = rules.recipient(address.email if address else None, contact.email if contact else None)
        language = address.language if address is not None else message.DEFAULT_LANGUAGE
        german, english = body_names.get(reminder.recipient, (reminder.recipient, None))
        name = (english or german) if language == "en" else german
        msg = (
            None
            if to is None
            else message.build(
                reminder.items,
                sender=office,
                to=message.Party(name, to),
                body_slug=reminder.recipient,
                language=language,
                names=names,
                today=env.today,
                now=now,
            )
        )
        mails.append(Mail(reminder.recipient, name, to, language, reminder.items, msg))
    return Plan(day, mails, {b.slug: b.id for b in facts.bodies}, milestone_ids)


def _row(mail: Mail, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "body": mail.body,
        "to": mail.address,
        "language": mail.language,
        "status": status,
        "items": [_item(i) for i in mail.items],
        "message_id": mail.message["Message-ID"] if mail.message is not None else None,
        **extra,
    }


def _item(item: rules.Item) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "ref": item.ref,
        "draft": item.draft,
        "field": item.field,
        "document": item.document,
        "milestone": item.milestone,
        "due": item.due,
    }


def write(
    env: Env,
    within: int,
    folder: Path,
    *,
    force: bool = False,
    now: dt.datetime | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Write every reminder owed as of --today as ``.eml`` files into ``folder`` (lipctl remind --output DIR); records nothing.

    The files are named ``DAY-BODY.eml`` with DAY the --today date, the day the mails speak as of.
    (``send`` records the Berlin day the mails went out instead: the once-a-day limit is the recipients'.)

    Each file goes through lipctl.files.outputs (``REMINDER``): a link, a folder or a file lipctl
    did not write under a reminder's name is refused (a foreign file replaced only with ``force``),
    an earlier reminder file of lipctl's is replaced. Every refusal comes before the folder is made
    and before any file is written: all targets are checked first.
    """
    import os

    from lipctl.files import outputs
    from lipctl.mail import message

    _check_folder(folder)
    instant = now or clock()
    run = plan(env, within, now=instant, environ=os.environ if environ is None else environ, only_unsent=False)
    # nothing is recorded: the files are named by the day their mails speak as of (--today), not by the clock's
    run = run._replace(day=env.today)
    if not folder.is_dir():
        folder.mkdir(mode=0o700)
    targets = {
        mail.body: _target(folder / f"{run.day.isoformat()}-{mail.body}.eml", force=force)
        for mail in run.mails
        if mail.message is not None
    }
    rows = []
    for mail in run.mails:
        if mail.message is None:
            rows.append(_row(mail, "no_address"))
            continue
        target = targets[mail.body]
        outputs.write_atomically(target, message.as_file(mail.message))
        rows.append(_row(mail, "written", file=str(target)))
    return _summary(env, run, within, rows)


def _target(path: Path, *, force: bool) -> Target:
    """A reminder file checked by lipctl.files.outputs; a link under its name is refused, also with ``force``.

    lipctl names these files itself, so a link there was put by someone else: followed, it would
    write over (or create) a file anywhere the link points.
    """
    from lipctl.files import outputs

    if path.is_symlink():
        raise Refused(
            _("--output: {path} is a symbolic link; lipctl writes its reminder files only as plain files").format(path=path),
            _("remove the link, or choose another folder"),
        )
    return outputs.check_output(path, outputs.REMINDER, force=force)


def _check_folder(folder: Path) -> None:
    """``--output DIR``: a folder, or a new one whose parent is a folder; a file is refused. Makes nothing."""
    if folder.is_dir():
        return
    if folder.exists() or folder.is_symlink():
        raise InvalidInput(
            _("--output {path} is not a folder").format(path=folder),
            _("name a folder for the .eml files, e.g. --output reminders/"),
        )
    if not folder.parent.is_dir():
        raise InvalidInput(
            _("--output {path}: its parent {parent} is not a folder").format(path=folder, parent=folder.parent),
            _("create the folder first, or name one that exists"),
        )


def send(
    env: Env,
    within: int,
    *,
    now: dt.datetime | None = None,
    environ: Mapping[str, str] | None = None,
    connect: Callable[..., Any] | None = None,
) -> dict[str, Any]:
    """Send the reminders not yet sent on this Berlin day through SMTP (lipctl remind --send), recording each accepted mail."""
    import os

    from lipctl.mail import transport

    env_vars = os.environ if environ is None else environ
    config = transport.settings(env_vars)  # refused before anything is read or sent
    instant = now or clock()
    run = plan(env, within, now=instant, environ=env_vars, only_unsent=True)
    rows = []
    ready = [m for m in run.mails if m.message is not None]
    rows += [_row(m, "no_address") for m in run.mails if m.message is None]
    stopped: LipctlError | None = None
    if ready:
        with (connect or transport.Connection)(config) as smtp:
            for i, mail in enumerate(ready):
                assert mail.message is not None
                try:
                    refused = smtp.send(mail.message)
                except transport.MailError as exc:  # the session broke: this mail and the rest did not go out
                    stopped = exc
                    rows += [_row(rest, "not_sent") for rest in ready[i:]]
                    break
                if refused:
                    rows.append(_row(mail, "refused", answer="; ".join(refused.values())))
                    continue
                _record(env, run, mail, instant)
                rows.append(_row(mail, "sent"))
    order = {m.body: i for i, m in enumerate(run.mails)}
    rows.sort(key=lambda row: order[row["body"]])
    result = _summary(env, run, within, rows)
    if stopped is not None:
        result["stopped"] = str(stopped)
        raise Stopped(stopped, result)
    return result


def _record(env: Env, run: Plan, mail: Mail, instant: dt.datetime) -> None:
    """The mail's items as sent on the run's day, and its audit event, in one transaction."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from lipctl.services import audit
    from lipctl.store import models as m

    assert mail.message is not None and mail.address is not None
    sent_at = instant.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    message_id = str(mail.message["Message-ID"])
    body_id = run.body_ids[mail.body]
    with env.uow(write=True) as uow:
        s = uow.session
        # one executemany for all the mail's items (no ids needed back): the same statements per mail
        try:
            s.execute(
                insert(m.ReminderSent),
                [
                    {
                        "item": item.key,
                        "day": run.day,
                        "body_id": body_id,
                        "draft_id": item.draft,
                        "milestone_id": run.milestone_ids.get(item.milestone) if item.milestone else None,
                        "recipient": mail.address,
                        "message_id": message_id,
                        "sent_at": sent_at,
                        "sent_by": env.actor,
                    }
                    for item in mail.items
                ],
            )
        except IntegrityError:
            # a run at the same moment recorded these items today first: the mail went out from both
            # runs, and the one record stands (the unique (item, day) keeps it one)
            return
        audit.record(
            env,
            s,
            "reminder.sent",
            entity="body",
            entity_id=body_id,
            happened_on=env.today,
            body=mail.body,
            to=mail.address,
            message_id=message_id,
            day=run.day,
            items=[item.key for item in mail.items],
        )
        uow.commit()


def _summary(env: Env, run: Plan, within: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "as_of": env.today,
        "day": run.day,
        "within": within,
        "mails": rows,
        "sent": sum(1 for r in rows if r["status"] == "sent"),
        "written": sum(1 for r in rows if r["status"] == "written"),
        "refused": [r["body"] for r in rows if r["status"] == "refused"],
        "without_address": [r["body"] for r in rows if r["status"] == "no_address"],
        "not_sent": [r["body"] for r in rows if r["status"] == "not_sent"],
        "stopped": None,
    }
