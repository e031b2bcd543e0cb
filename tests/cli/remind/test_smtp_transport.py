"""The SMTP transport (lipctl.mail.transport) against a real server: TLS rules, CA, netrc, refusals."""

from __future__ import annotations

import json
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from lipctl.errors import InvalidInput, Refused
from lipctl.mail import transport
from tests.cli.remind.conftest import PLAIN, STARTTLS, TLS, Handler, free_port, outside_address


def _mail(to: str = "beirat@example.org") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Büro <lip@example.org>"
    msg["To"] = to
    msg["Subject"] = "Erinnerung: fällig"
    msg.set_content("Hallo")
    return msg


def _send(environ: dict[str, str], *messages: EmailMessage) -> list[dict[str, str]]:
    with transport.Connection(transport.settings(environ), timeout=5) as smtp:
        return [smtp.send(m) for m in messages]


@pytest.mark.parametrize(("mode", "scheme"), [(PLAIN, "smtp"), (STARTTLS, "smtp"), (TLS, "smtps")])
def test_a_mail_goes_through_plain_loopback_starttls_and_implicit_tls(smtp, ca_file: Path, mode: str, scheme: str) -> None:
    server = smtp(mode)
    env = {"LIPCTL_SMTP_URL": f"{scheme}://localhost:{server.port}", "LIPCTL_SMTP_CA": str(ca_file), "HOME": "/nonexistent"}
    assert _send(env, _mail()) == [{}]
    [(_sender, rcpt, msg)] = server.mails
    assert rcpt == ["beirat@example.org"] and msg["Subject"] == "Erinnerung: fällig"


def test_tls_without_the_private_ca_is_refused_by_the_certificate_check(smtp) -> None:
    server = smtp(TLS)
    with pytest.raises(transport.MailError, match=rf"localhost:{server.port}"):
        _send({"LIPCTL_SMTP_URL": f"smtps://localhost:{server.port}", "HOME": "/nonexistent"}, _mail())
    assert server.mails == []


def test_a_refused_recipient_leaves_the_other_mails_sent(smtp) -> None:
    server = smtp(PLAIN)
    env = {"LIPCTL_SMTP_URL": f"smtp://127.0.0.1:{server.port}", "HOME": "/nonexistent"}
    answers = _send(env, _mail("a@example.org"), _mail("refuse@example.org"), _mail("b@example.org"))
    assert answers[0] == {} and answers[2] == {}
    assert list(answers[1]) == ["refuse@example.org"] and answers[1]["refuse@example.org"].startswith("550")
    assert [rcpt for _f, rcpt, _m in server.mails] == [["a@example.org"], ["b@example.org"]]


def test_a_server_that_is_down_is_named_by_host_and_port() -> None:
    port = free_port()
    with pytest.raises(transport.MailError) as caught:
        _send({"LIPCTL_SMTP_URL": f"smtp://127.0.0.1:{port}", "HOME": "/nonexistent"}, _mail())
    assert f"127.0.0.1:{port}" in str(caught.value) and "\n" not in str(caught.value)


def test_smtp_to_a_host_outside_without_starttls_is_refused(smtp) -> None:
    address = outside_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    server = smtp(PLAIN, host=address)
    with pytest.raises(Refused, match="does not offer STARTTLS"):
        _send({"LIPCTL_SMTP_URL": f"smtp://{address}:{server.port}", "HOME": "/nonexistent"}, _mail())
    assert server.mails == []


def test_user_and_password_from_netrc_log_in_and_a_wrong_password_is_never_shown(smtp, ca_file: Path, tmp_path: Path) -> None:
    server = smtp(STARTTLS, login=("buero", "geheim-123"))
    netrc = tmp_path / "netrc"
    netrc.write_text("machine localhost login buero password geheim-123\n", encoding="utf-8")
    netrc.chmod(0o600)
    env = {"LIPCTL_SMTP_URL": f"smtp://localhost:{server.port}", "LIPCTL_SMTP_CA": str(ca_file), "NETRC": str(netrc)}
    assert transport.settings(env).user == "buero"
    assert "geheim" not in repr(transport.settings(env))
    assert _send(env, _mail()) == [{}]

    wrong = {**env, "LIPCTL_SMTP_USER": "buero", "LIPCTL_SMTP_PASSWORD": "falsch-456"}
    with pytest.raises(transport.MailError) as caught:
        _send(wrong, _mail())
    assert "falsch-456" not in str(caught.value) and "buero" in str(caught.value)
    assert len(server.mails) == 1


def test_a_password_is_never_sent_to_a_relay_without_tls(smtp) -> None:
    server = smtp(PLAIN)
    env = {"LIPCTL_SMTP_URL": f"smtp://127.0.0.1:{server.port}", "LIPCTL_SMTP_USER": "u", "LIPCTL_SMTP_PASSWORD": "p"}
    with pytest.raises(Refused, match="never sent in clear"):
        _send(env, _mail())


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({}, "is not set"),
        ({"LIPCTL_SMTP_URL": "http://mail.example.org"}, "is not an SMTP URL"),
        ({"LIPCTL_SMTP_URL": "smtps://buero:geheim@mail.example.org"}, "holds a user or password"),
        ({"LIPCTL_SMTP_URL": "smtps://mail.example.org", "LIPCTL_SMTP_CA": "/nonexistent/ca.pem"}, "names no file"),
        ({"LIPCTL_SMTP_URL": "smtps://mail.example.org", "LIPCTL_SMTP_USER": "buero"}, "go together"),
    ],
)
def test_settings_that_cannot_be_used_are_refused_without_the_secret(env: dict[str, str], problem: str) -> None:
    with pytest.raises((Refused, InvalidInput), match=problem) as caught:
        transport.settings({"HOME": "/nonexistent", **env})
    assert "geheim" not in str(caught.value)


def test_a_login_that_is_not_ascii_is_refused_before_connecting_and_never_shown(tmp_path: Path) -> None:
    url = "smtps://mail.example.org"
    netrc = tmp_path / "netrc"
    netrc.write_text("machine mail.example.org login buero password Grüße-7\n", encoding="utf-8")
    netrc.chmod(0o600)
    for env in (
        {"LIPCTL_SMTP_USER": "buero", "LIPCTL_SMTP_PASSWORD": "Grüße-7"},
        {"LIPCTL_SMTP_USER": "büro", "LIPCTL_SMTP_PASSWORD": "geheim"},
        {"NETRC": str(netrc)},
    ):
        with pytest.raises(InvalidInput, match="not ASCII") as caught:
            transport.settings({"LIPCTL_SMTP_URL": url, "HOME": "/nonexistent", **env})
        assert "Grüße" not in str(caught.value) and "büro" not in str(caught.value)


def test_the_default_ports() -> None:
    assert transport.settings({"LIPCTL_SMTP_URL": "smtps://mail.example.org", "HOME": "/x"}).port == 465
    assert transport.settings({"LIPCTL_SMTP_URL": "smtp://mail.example.org", "HOME": "/x"}).port == 587


#: a password with characters that a URL, a repr and JSON each write differently
PASSWORD = "Ge/he\\im 7"  # noqa: S105 - a test password
SPELLINGS = {
    "as written": PASSWORD,
    "URL-encoded": quote(PASSWORD, safe=""),
    "form-encoded": quote_plus(PASSWORD, safe=""),
    "lower-case percent": re.sub("%..", lambda m: m[0].lower(), quote(PASSWORD, safe="")),
    "JSON-escaped": json.dumps(PASSWORD)[1:-1],
}


class Echo(Handler):
    """Answers ``answer`` at RCPT or at DATA, as a server whose error message quotes what it was told."""

    def __init__(self, stage: str, answer: str) -> None:
        super().__init__()
        self.stage, self.answer = stage, answer

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if self.stage == "RCPT":
            return self.answer
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return self.answer if self.stage == "DATA" else await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("stage", ["RCPT", "DATA"])
def test_a_server_answer_that_quotes_the_password_never_shows_it_in_any_spelling(
    smtp, ca_file: Path, stage: str, spelling: str
) -> None:
    server = smtp(STARTTLS, login=("buero", PASSWORD), handler=Echo(stage, f"554 5.7.1 no for {SPELLINGS[spelling]} today"))
    env = {
        "LIPCTL_SMTP_URL": f"smtp://localhost:{server.port}",
        "LIPCTL_SMTP_CA": str(ca_file),
        "LIPCTL_SMTP_USER": "buero",
        "LIPCTL_SMTP_PASSWORD": PASSWORD,
    }
    # the recipient (RCPT) or the mail (DATA) is refused: the server's answer is what the user sees
    [refused] = _send(env, _mail())
    shown = refused["beirat@example.org"]
    assert "554 5.7.1 no for *** today" in shown and "\n" not in shown
    assert not any(form in shown for form in SPELLINGS.values()), shown
    assert "he\\\\im" not in shown and "he%5" not in shown.lower()
