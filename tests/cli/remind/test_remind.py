"""lipctl remind on SQLite and PostgreSQL, against a real SMTP server started here (aiosmtpd).

The story, as of 2021-02-01: bildung's Grundsatzpapier was submitted 2021-01-01, so the
Integrationsbeiräte and the Runder Tisch owe their opinions since 2021-01-29 (28 days). The seed
gives the Beiräte beiraete@example.org (German) and the Runder Tisch runder-tisch@example.org
(English); each field's contact has an address, where the expert groups' reminders go.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
import sqlalchemy as sa

from lipctl.errors import ExitCode
from tests.cli.remind.conftest import (
    BEIRAETE,
    MORNING,
    OFFICE,
    PLAIN,
    RUNDER_TISCH,
    STARTTLS,
    TLS,
    Handler,
    free_port,
    outside_address,
    seed_file,
)
from tests.helpers import engine_on


def _use(monkeypatch: pytest.MonkeyPatch, server, scheme: str = "smtp", host: str = "127.0.0.1") -> None:
    monkeypatch.setenv("LIPCTL_SMTP_URL", f"{scheme}://{host}:{server.port}")


def _eight_owed_through(cli, smtp, monkeypatch: pytest.MonkeyPatch, handler: Handler):
    """The six expert groups owe a document too (the milestone gets a day): eight mails to eight addresses,
    to be sent through a test server answering with ``handler``; returns the server."""
    assert cli("milestone", "reschedule", "grundsatzpapiere", "--due", "2021-02-05", "--reason", "Termin").exit_code == 0
    server = smtp(PLAIN, handler=handler)
    _use(monkeypatch, server)
    return server


def _sent(db_url: str) -> list[tuple[str, dt.date, str]]:
    engine = engine_on(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT item, day, recipient, message_id FROM reminders_sent ORDER BY id")).all()
    finally:
        engine.dispose()
    return [(r.item, r.day if isinstance(r.day, dt.date) else dt.date.fromisoformat(r.day), r.recipient) for r in rows]


def _events(cli) -> list[dict]:
    return [e for e in cli.json("log") if e["action"] == "reminder.sent"]


def _parsed(raw: bytes) -> EmailMessage:
    msg = message_from_bytes(raw, policy=default)
    assert isinstance(msg, EmailMessage)
    return msg


def test_send_reminds_each_body_once_in_its_language_and_records_it(office, cli, smtp, db_url, monkeypatch) -> None:
    server = smtp(PLAIN)
    _use(monkeypatch, server)
    result = cli("remind", "--send", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert (data["sent"], data["refused"], data["without_address"], data["day"]) == (2, [], [], "2021-02-01")
    assert [(m["body"], m["to"], m["status"], [i["ref"] for i in m["items"]]) for m in data["mails"]] == [
        ("integrationsbeiraete", BEIRAETE, "sent", ["bildung/grundsatzpapier"]),
        ("runder-tisch", RUNDER_TISCH, "sent", ["bildung/grundsatzpapier"]),
    ]
    assert [rcpt for _f, rcpt, _m in server.mails] == [[BEIRAETE], [RUNDER_TISCH]]
    german, english = (msg for _f, _r, msg in server.mails)
    assert german["Subject"] == "Erinnerung aus LIP 2.0: fällige Stellungnahmen und Dokumente"
    assert german["Content-Language"] == "de" and english["Content-Language"] == "en"
    assert "überfällig seit 3 Tagen" in german.get_content() and "29.01.2021" in german.get_content()
    assert "overdue by 3 days" in english.get_content() and "2021-01-29" in english.get_content()
    assert "lipctl opinion record bildung/grundsatzpapier --from runder-tisch" in english.get_content()
    assert str(german["From"]) == OFFICE and german["Message-ID"] and german["Date"]

    day = dt.date(2021, 2, 1)
    assert _sent(db_url) == [
        ("opinion:1:integrationsbeiraete", day, BEIRAETE),
        ("opinion:1:runder-tisch", day, RUNDER_TISCH),
    ]
    events = _events(cli)
    assert [(json.loads(e["details"])["to"] if isinstance(e["details"], str) else e["details"]["to"]) for e in events] == [
        BEIRAETE,
        RUNDER_TISCH,
    ]


def test_a_second_run_the_same_berlin_day_sends_only_what_became_due_and_the_next_day_all_again(
    office, cli, smtp, db_url, monkeypatch
) -> None:
    server = smtp(PLAIN)
    _use(monkeypatch, server)
    assert cli("remind", "--send").exit_code == ExitCode.OK
    assert len(server.mails) == 2

    office["now"] = MORNING + dt.timedelta(hours=1)  # the hourly cron job: nothing new
    again = cli("remind", "--send")
    assert again.exit_code == ExitCode.OK, again.stderr
    assert again.stdout == "" and len(server.mails) == 2

    # a document submitted in the meantime becomes due within the week: a new mail holds it alone
    assert cli("--today", "2021-01-05", "draft", "submit", "soziales", "--kind", "grundsatzpapier").exit_code == 0
    office["now"] = dt.datetime(2021, 2, 1, 22, 59, tzinfo=dt.UTC)  # 23:59 in Berlin: still the same day
    later = cli("remind", "--send", "--format", "json")
    assert later.exit_code == ExitCode.OK, later.stderr
    assert [[i["ref"] for i in m["items"]] for m in json.loads(later.stdout)["mails"]] == [["soziales/grundsatzpapier"]] * 2
    assert len(server.mails) == 4
    assert "soziales" in server.mails[2][2].get_content() and "bildung" not in server.mails[2][2].get_content()

    office["now"] = dt.datetime(2021, 2, 1, 23, 30, tzinfo=dt.UTC)  # 00:30 on 2 February in Berlin: a new day
    next_day = cli("remind", "--send", "--format", "json")
    assert next_day.exit_code == ExitCode.OK, next_day.stderr
    data = json.loads(next_day.stdout)
    assert data["day"] == "2021-02-02"
    assert [len(m["items"]) for m in data["mails"]] == [2, 2]
    assert len(server.mails) == 6
    assert [day for _i, day, _r in _sent(db_url)].count(dt.date(2021, 2, 2)) == 4


def test_a_refused_recipient_leaves_the_others_sent_and_exits_1_naming_it(
    office, cli, smtp, db_url, tmp_path, monkeypatch
) -> None:
    assert cli("init", "--seed", str(seed_file(tmp_path, **{"runder-tisch": "refuse@example.org"}))).exit_code == 0
    server = smtp(PLAIN)
    _use(monkeypatch, server)
    result = cli("remind", "--send")
    assert result.exit_code == ExitCode.REFUSED
    assert "refuse@example.org" in result.stderr and "runder-tisch" in result.stderr and "550" in result.stderr
    assert [rcpt for _f, rcpt, _m in server.mails] == [[BEIRAETE]]
    assert [r for _i, _d, r in _sent(db_url)] == [BEIRAETE]
    assert len(_events(cli)) == 1
    # the next run sends the refused one again (it was never recorded), and only it
    retry = cli("remind", "--send", "--format", "json")
    assert retry.exit_code == ExitCode.REFUSED
    assert [(m["body"], m["status"]) for m in json.loads(retry.stdout)["mails"]] == [("runder-tisch", "refused")]


def test_a_server_that_is_down_is_named_and_nothing_is_recorded(office, cli, db_url, monkeypatch) -> None:
    port = free_port()
    monkeypatch.setenv("LIPCTL_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("LIPCTL_SMTP_USER", "buero")
    monkeypatch.setenv("LIPCTL_SMTP_PASSWORD", "geheim-789")
    result = cli("--debug", "remind", "--send")
    assert result.exit_code == ExitCode.REFUSED
    [line] = result.stderr.strip().splitlines()
    assert f"127.0.0.1:{port}" in line and "nothing was sent" in line
    assert "geheim-789" not in result.stderr + result.stdout
    assert _sent(db_url) == [] and _events(cli) == []


@pytest.mark.parametrize(("mode", "scheme"), [(STARTTLS, "smtp"), (TLS, "smtps")])
def test_send_over_starttls_and_implicit_tls_with_a_private_ca(
    office, cli, smtp, ca_file, db_url, monkeypatch, mode, scheme
) -> None:
    server = smtp(mode)
    _use(monkeypatch, server, scheme, "localhost")
    monkeypatch.setenv("LIPCTL_SMTP_CA", str(ca_file))
    result = cli("remind", "--send")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert len(server.mails) == 2 and len(_sent(db_url)) == 2


def test_output_writes_eml_files_that_parse_back_and_records_nothing(office, cli, db_url, tmp_path) -> None:
    folder = tmp_path / "erinnerungen"
    result = cli("remind", "--output", str(folder), "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == ["2021-02-01-integrationsbeiraete.eml", "2021-02-01-runder-tisch.eml"]
    raw = files[0].read_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert raw.count(b"\r\n") == raw.count(b"\n")  # RFC 5322 line ends
    subject = re.search(rb"^Subject: .*(?:\r\n[ \t].*)*", head, re.M)
    assert subject is not None and b"=?utf-8?" in subject[0] and "ä".encode() not in head  # RFC 2047, ASCII only
    german, english = (_parsed(f.read_bytes()) for f in files)
    assert german["Subject"] == "Erinnerung aus LIP 2.0: fällige Stellungnahmen und Dokumente"
    assert english["Subject"] == "Reminder from LIP 2.0: opinions and documents due"
    for msg in (german, english):
        assert msg["Date"].datetime is not None and re.fullmatch(r"<[^<>@\s]+@example\.org>", msg["Message-ID"])
        assert msg["Auto-Submitted"] == "auto-generated"
    assert german["To"].addresses[0].addr_spec == BEIRAETE and german["To"].addresses[0].display_name == "Integrationsbeiräte"
    assert "Ihre Stellungnahme ist fällig" in german.get_content()
    assert _sent(db_url) == []

    # a second run the same day replaces each recipient's file (a preview shows what is owed now), adds none
    again = cli("remind", "--output", str(folder), "--format", "json")
    assert again.exit_code == ExitCode.OK, again.stderr
    assert sorted(f.name for f in folder.iterdir()) == [f.name for f in files]
    assert _parsed(files[0].read_bytes())["Subject"] == german["Subject"]
    assert _sent(db_url) == []
    assert {f.stat().st_mode & 0o777 for f in folder.iterdir()} == {0o600}  # the recipients' addresses stay private


def test_output_never_writes_through_a_link_named_like_a_reminder_file(office, cli, tmp_path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (folder / "2021-02-01-runder-tisch.eml").symlink_to(victim)
    (folder / "2021-02-01-integrationsbeiraete.eml").symlink_to(tmp_path / "new.txt")  # a link to nothing yet
    for force in ((), ("--force",)):
        result = cli("remind", "--output", str(folder), *force)
        assert result.exit_code == ExitCode.REFUSED and "is a symbolic link" in result.stderr
        assert "Traceback" not in result.stderr
        assert victim.read_text(encoding="utf-8") == "keep me" and not (tmp_path / "new.txt").exists()
        assert sorted(f.name for f in folder.iterdir()) == [
            "2021-02-01-integrationsbeiraete.eml",
            "2021-02-01-runder-tisch.eml",
        ]  # nothing else written


def test_output_refuses_a_foreign_file_of_the_same_name_before_writing_any_and_force_replaces_it(office, cli, tmp_path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    foreign = folder / "2021-02-01-runder-tisch.eml"
    foreign.write_bytes(b"From: someone@example.org\r\nAuto-Submitted: auto-generated\r\n\r\nnot lipctl's\r\n")
    result = cli("remind", "--output", str(folder))
    assert result.exit_code == ExitCode.REFUSED and "already exists" in result.stderr and "--force" in result.stderr
    assert foreign.read_bytes().endswith(b"not lipctl's\r\n")
    assert [f.name for f in folder.iterdir()] == [foreign.name]  # the Beiräte's file, checked first, was not written

    forced = cli("remind", "--output", str(folder), "--force")
    assert forced.exit_code == ExitCode.OK, forced.stderr
    assert _parsed(foreign.read_bytes())["To"].addresses[0].addr_spec == RUNDER_TISCH
    assert len(list(folder.iterdir())) == 2

    with_send = cli("remind", "--send", "--force")
    assert with_send.exit_code == ExitCode.USAGE and "--force" in with_send.stderr


def test_an_expert_group_is_reminded_of_its_document_at_its_contacts_address(office, cli, tmp_path) -> None:
    assert cli("milestone", "reschedule", "grundsatzpapiere", "--due", "2021-02-05", "--reason", "Termin").exit_code == 0
    result = cli("remind", "--output", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    groups = [m for m in json.loads(result.stdout)["mails"] if m["body"].startswith("expertinnengruppe-")]
    assert len(groups) == 6
    assert groups[0]["to"] == "kontakt-bildung@example.org"
    assert [(i["milestone"], i["field"], i["document"], i["due"]) for i in groups[0]["items"]] == [
        ("grundsatzpapiere", "bildung", "grundsatzpapier", "2021-02-05")
    ]
    content = _parsed((tmp_path / "out" / "2021-02-01-expertinnengruppe-bildung.eml").read_bytes()).get_content()
    assert "Grundsatzpapier für Bildung" in content and "05.02.2021" in content


def test_a_body_without_an_address_is_reported_and_the_others_still_go(office, cli, tmp_path, smtp, db_url, monkeypatch) -> None:
    assert cli("init", "--seed", str(seed_file(tmp_path, **{"runder-tisch": None}))).exit_code == 0
    server = smtp(PLAIN)
    _use(monkeypatch, server)
    result = cli("remind", "--send")
    assert result.exit_code == ExitCode.REFUSED
    assert "runder-tisch owes something and has no e-mail address" in result.stderr
    assert "Traceback" not in result.stderr
    assert [rcpt for _f, rcpt, _m in server.mails] == [[BEIRAETE]]
    assert [r for _i, _d, r in _sent(db_url)] == [BEIRAETE]


def test_refusals(office, cli, tmp_path, smtp, db_url, monkeypatch) -> None:
    monkeypatch.delenv("LIPCTL_SMTP_URL", raising=False)
    nothing = cli("remind", "--send")
    assert nothing.exit_code == ExitCode.REFUSED and "LIPCTL_SMTP_URL is not set" in nothing.stderr
    german = cli("--lang", "de", "remind", "--send")
    assert german.exit_code == ExitCode.REFUSED and "LIPCTL_SMTP_URL ist nicht gesetzt" in german.stderr

    address = outside_address()
    if address is not None:
        server = smtp(PLAIN, host=address)
        _use(monkeypatch, server, host=address)
        outside = cli("remind", "--send")
        assert outside.exit_code == ExitCode.REFUSED and "does not offer STARTTLS" in outside.stderr
        assert server.mails == []
    monkeypatch.delenv("LIPCTL_SMTP_URL")

    a_file = tmp_path / "a-file.txt"
    a_file.write_text("x", encoding="utf-8")
    not_folder = cli("remind", "--output", str(a_file))
    assert not_folder.exit_code == ExitCode.REFUSED and "is not a folder" in not_folder.stderr
    assert a_file.read_text(encoding="utf-8") == "x"

    both = cli("remind", "--output", str(tmp_path / "out"), "--send")
    neither = cli("remind")
    for result in (both, neither):
        assert result.exit_code == ExitCode.USAGE and "exactly one of --output DIR and --send" in result.stderr
    assert not (tmp_path / "out").exists()

    negative = cli("remind", "--within", "-1", "--output", str(tmp_path / "out"))
    assert negative.exit_code == ExitCode.REFUSED and "--within" in negative.stderr
    assert not (tmp_path / "out").exists()  # refused before the folder is made

    monkeypatch.delenv("LIPCTL_MAIL_FROM")
    no_sender = cli("remind", "--output", str(tmp_path / "out"))
    assert no_sender.exit_code == ExitCode.REFUSED and "LIPCTL_MAIL_FROM is not set" in no_sender.stderr
    monkeypatch.setenv("LIPCTL_MAIL_FROM", "Büro <kein-adresse>")
    bad_sender = cli("remind", "--output", str(tmp_path / "out"))
    assert bad_sender.exit_code == ExitCode.REFUSED and "is not an e-mail address" in bad_sender.stderr
    assert not (tmp_path / "out").exists()
    no_parent = cli("remind", "--output", str(tmp_path / "missing" / "out"))
    assert no_parent.exit_code == ExitCode.REFUSED and "is not a folder" in no_parent.stderr
    assert not (tmp_path / "missing").exists()
    assert _sent(db_url) == []


def test_a_password_that_is_not_ascii_is_refused_in_one_line_and_nothing_is_sent(
    office, cli, smtp, ca_file, db_url, monkeypatch
) -> None:
    server = smtp(STARTTLS, login=("buero", "Grüße-7"))
    _use(monkeypatch, server, host="localhost")
    monkeypatch.setenv("LIPCTL_SMTP_CA", str(ca_file))
    monkeypatch.setenv("LIPCTL_SMTP_USER", "buero")
    monkeypatch.setenv("LIPCTL_SMTP_PASSWORD", "Grüße-7")
    result = cli("--debug", "remind", "--send")
    assert result.exit_code == ExitCode.REFUSED
    [line] = result.stderr.strip().splitlines()
    assert "password holds a character that is not ASCII" in line and "LIPCTL_SMTP_PASSWORD" in line
    assert "Grüße" not in result.stderr + result.stdout
    assert server.mails == [] and _sent(db_url) == []


def test_two_runs_at_once_keep_one_record_per_item_and_day(office, cli, smtp, db_url, monkeypatch) -> None:
    from lipctl.store.read import reminders as read

    server = smtp(PLAIN)
    _use(monkeypatch, server)
    assert cli("remind", "--send").exit_code == ExitCode.OK
    # the other run read before the first one committed: it sees nothing sent today
    monkeypatch.setattr(read, "sent_on", lambda r, day: set())
    second = cli("remind", "--send")
    assert second.exit_code == ExitCode.OK, second.stderr
    assert len(server.mails) == 4  # both runs' mails went out
    assert len(_sent(db_url)) == 2 and len(_events(cli)) == 2  # recorded once


def test_the_login_comes_from_netrc_and_a_wrong_password_is_never_shown(
    office, cli, smtp, ca_file, db_url, tmp_path, monkeypatch
) -> None:
    server = smtp(STARTTLS, login=("buero", "geheim-123"))
    _use(monkeypatch, server, host="localhost")
    monkeypatch.setenv("LIPCTL_SMTP_CA", str(ca_file))
    netrc = tmp_path / "netrc"
    netrc.write_text("machine localhost login buero password falsch-456\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    wrong = cli("--debug", "remind", "--send")
    assert wrong.exit_code == ExitCode.REFUSED
    assert "did not accept the user buero" in wrong.stderr and "falsch-456" not in wrong.stderr + wrong.stdout
    assert server.mails == [] and _sent(db_url) == []

    netrc.write_text("machine localhost login buero password geheim-123\n", encoding="utf-8")
    right = cli("--debug", "remind", "--send")
    assert right.exit_code == ExitCode.OK, right.stderr
    assert len(server.mails) == 2 and len(_sent(db_url)) == 2


class BreaksAfter(Handler):
    """Takes the first ``accepted`` mails, then breaks the session at the next one: ``how`` is a 421 answer
    at RCPT or at DATA (the server shuts down), or the connection dropped at DATA."""

    def __init__(self, accepted: int, how: str) -> None:
        super().__init__()
        self.accepted, self.how = accepted, how

    def _broken(self) -> bool:
        return len(self.mails) >= self.accepted

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if self._broken() and self.how == "421 at RCPT":
            return "421 4.3.2 Service shutting down"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self._broken() and self.how == "421 at DATA":
            return "421 4.3.2 Service shutting down"
        if self._broken():
            server.transport.close()
            return "250 never read"
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize(
    ("how", "accepted"), [("421 at RCPT", 3), ("421 at RCPT", 7), ("421 at DATA", 3), ("dropped at DATA", 3)]
)
def test_a_session_that_breaks_after_some_mails_keeps_those_recorded_and_the_next_run_sends_the_rest(
    office, cli, smtp, db_url, monkeypatch, how, accepted
) -> None:
    server = _eight_owed_through(cli, smtp, monkeypatch, BreaksAfter(accepted, how))
    broken = cli("--debug", "remind", "--send", "--format", "json")
    assert broken.exit_code == ExitCode.REFUSED
    [line] = broken.stderr.strip().splitlines()
    assert f"the SMTP server 127.0.0.1:{server.port} did not take the mail" in line, line
    assert "the mails sent before it are recorded; run again to send the rest" in line
    assert ("421 4.3.2 Service shutting down" if how.startswith("421") else "closed") in line, line
    assert "refused the mail" not in broken.stderr and "Traceback" not in broken.stderr
    first = [rcpt for _f, [rcpt], _m in server.mails]
    assert len(first) == accepted
    assert sorted(r for _i, _d, r in _sent(db_url)) == sorted(first)  # exactly the mails the server took
    assert len(_events(cli)) == accepted
    # stdout still says what this run did: a script sees which mails went out and which did not
    shown = json.loads(broken.stdout)
    assert shown["sent"] == accepted and len(shown["not_sent"]) == 8 - accepted
    assert sorted(m["to"] for m in shown["mails"] if m["status"] == "sent") == sorted(first)
    assert shown["stopped"] == line.removeprefix("lipctl: ")

    again = smtp(PLAIN)
    _use(monkeypatch, again)
    rest = cli("remind", "--send", "--format", "json")
    assert rest.exit_code == ExitCode.OK, rest.stderr
    assert json.loads(rest.stdout)["sent"] == 8 - accepted
    second = [rcpt for _f, [rcpt], _m in again.mails]
    assert len(second) == 8 - accepted and not set(first) & set(second)
    assert sorted(r for _i, _d, r in _sent(db_url)) == sorted(first + second)
    assert len({*first, *second}) == 8 and {BEIRAETE, RUNDER_TISCH} <= {*first, *second}


def test_a_broken_session_lists_on_the_terminal_what_went_out_and_what_did_not(office, cli, smtp, db_url, monkeypatch) -> None:
    _eight_owed_through(cli, smtp, monkeypatch, BreaksAfter(3, "421 at DATA"))
    result = cli("remind", "--send")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stdout.count("not sent") == 5 and result.stdout.count(" sent ") >= 3
    assert result.stderr.count("\n") == 1 and "did not take the mail" in result.stderr


class RefusesAtData(Handler):
    """Refuses the content of the mails to ``refused`` at DATA with ``answer`` (a mail too large, rejected
    as spam, a transient failure) and takes the others; the session goes on (smtplib resets it)."""

    def __init__(self, refused: str, answer: str) -> None:
        super().__init__()
        self.refused, self.answer = refused, answer

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refused in envelope.rcpt_tos:
            return self.answer
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("answer", ["552 5.3.4 Message size exceeds fixed limit", "451 4.7.1 Try again later"])
def test_a_mail_refused_at_data_leaves_the_others_sent_and_the_next_run_sends_only_it(
    office, cli, smtp, db_url, monkeypatch, answer
) -> None:
    # eight mails are due; the server refuses the content of the one to the Integrationsbeiräte
    server = _eight_owed_through(cli, smtp, monkeypatch, RefusesAtData(BEIRAETE, answer))
    result = cli("--debug", "remind", "--send", "--format", "json")
    assert result.exit_code == ExitCode.REFUSED
    [line] = result.stderr.strip().splitlines()
    assert line == f"lipctl: the SMTP server refused the mail to {BEIRAETE} of integrationsbeiraete: {answer}"
    data = json.loads(result.stdout)
    assert (data["sent"], data["refused"]) == (7, ["integrationsbeiraete"])
    taken = [rcpt for _f, [rcpt], _m in server.mails]
    assert len(taken) == 7 and BEIRAETE not in taken  # the mails after the refused one went out too
    assert sorted(r for _i, _d, r in _sent(db_url)) == sorted(taken)
    assert len(_events(cli)) == 7

    again = smtp(PLAIN)
    _use(monkeypatch, again)
    rest = cli("remind", "--send", "--format", "json")
    assert rest.exit_code == ExitCode.OK, rest.stderr
    assert [rcpt for _f, [rcpt], _m in again.mails] == [BEIRAETE]


def test_output_names_its_files_by_the_today_given_and_send_records_the_real_berlin_day(
    office, cli, smtp, db_url, tmp_path, monkeypatch
) -> None:
    folder = tmp_path / "out"
    result = cli("--today", "2021-02-03", "remind", "--output", str(folder), "--format", "json")  # the clock: 1 February
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == data["day"] == "2021-02-03"
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == ["2021-02-03-integrationsbeiraete.eml", "2021-02-03-runder-tisch.eml"]
    assert [m["file"] for m in data["mails"]] == [str(f) for f in files]
    content = _parsed(files[0].read_bytes()).get_content()
    assert "Stand 03.02.2021" in content and "überfällig seit 5 Tagen" in content

    # what was sent is recorded on the day it went out: --today does not move the once-a-day limit
    server = smtp(PLAIN)
    _use(monkeypatch, server)
    sent = cli("--today", "2021-02-03", "remind", "--send", "--format", "json")
    assert sent.exit_code == ExitCode.OK, sent.stderr
    assert json.loads(sent.stdout)["day"] == "2021-02-01"
    assert {day for _i, day, _r in _sent(db_url)} == {dt.date(2021, 2, 1)}
    assert "Stand 03.02.2021" in server.mails[0][2].get_content()
