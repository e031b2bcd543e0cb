"""A real SMTP server for the reminder tests (aiosmtpd): plain, STARTTLS or implicit TLS, with a test CA (trustme).

``smtp(mode)`` starts a server on a free port of the loopback address (or of ``host``) and returns
it with what it received; a recipient whose address starts with ``refuse`` is refused at RCPT
(550), as a server refuses an unknown mailbox (``handler``: a Handler of the test's own, e.g. one that
answers with an error). ``ca_file`` is the PEM of the CA that signed the
server's certificate (for LIPCTL_SMTP_CA). With ``login`` the server requires that user and password.

``office`` is the story of the CLI tests, as of 2021-02-01: bildung's Grundsatzpapier was submitted
2021-01-01, so the Integrationsbeiräte and the Runder Tisch owe their opinions since 2021-01-29 (28
days). The seed gives the Beiräte beiraete@example.org (German) and the Runder Tisch
runder-tisch@example.org (English); each field's contact has an address, where the expert groups'
reminders go. The fixture returns the clock (``office["now"]``), at 09:00 in Berlin.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import yaml

import lipctl.services.reminders as svc
from lipctl.errors import ExitCode

trustme = pytest.importorskip("trustme")
controller = pytest.importorskip("aiosmtpd.controller")
smtp_server = pytest.importorskip("aiosmtpd.smtp")

PLAIN, STARTTLS, TLS = "plain", "starttls", "tls"

# --- the story of the CLI tests ---------------------------------------------------------------

REPO = Path(__file__).resolve().parents[3]
#: 09:00 in Berlin on the day of the story (CET: UTC+1)
MORNING = dt.datetime(2021, 2, 1, 8, 0, tzinfo=dt.UTC)
BEIRAETE = "beiraete@example.org"
RUNDER_TISCH = "runder-tisch@example.org"
OFFICE = "Büro LIP <lip@example.org>"


def seed_file(folder: Path, **emails: str | None) -> Path:
    """The shipped seed with addresses: bodies by slug (``emails``), and every field's contact."""
    seed = yaml.safe_load((REPO / "data" / "seed.yaml").read_text(encoding="utf-8"))
    addresses = {"integrationsbeiraete": BEIRAETE, "runder-tisch": RUNDER_TISCH, **emails}
    for body in seed["bodies"]:
        if body["slug"] in addresses:
            body["email"] = addresses[body["slug"]]
        if body["slug"] == "runder-tisch":
            body["language"] = "en"
    for field in seed["action_fields"]:
        field["contact"]["email"] = f"kontakt-{field['slug']}@example.org"
    path = folder / "seed.yaml"
    path.write_text(yaml.safe_dump(seed, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def office(db_url: str, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, dt.datetime]:
    """The story's database, the office's sender address, no netrc, and the clock at MORNING."""
    monkeypatch.setenv("LIPCTL_MAIL_FROM", OFFICE)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NETRC", raising=False)
    clock = {"now": MORNING}
    monkeypatch.setattr(svc, "clock", lambda: clock["now"])
    assert cli("--today", "2020-12-01", "init", "--seed", str(seed_file(tmp_path))).exit_code == ExitCode.OK
    submit = cli("--today", "2021-01-01", "draft", "submit", "bildung", "--kind", "grundsatzpapier", "--format", "json")
    assert submit.exit_code == ExitCode.OK, submit.stderr
    return clock


# --- the SMTP server ----------------------------------------------------------------------------


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def outside_address() -> str | None:
    """An address of this machine that is not loopback (for the refusal of smtp:// without STARTTLS), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


class Handler:
    """Keeps every accepted mail; refuses recipients starting with ``refuse``."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address.startswith("refuse"):
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=default)
        assert isinstance(msg, EmailMessage)
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


class Server:
    def __init__(self, handler: Handler, host: str, port: int, inner: Any) -> None:
        self.handler = handler
        self.host = host
        self.port = port
        self.inner = inner

    @property
    def mails(self) -> list[tuple[str, list[str], EmailMessage]]:
        return self.handler.mails


class _Controller(controller.Controller):  # type: ignore[misc,name-defined]
    """aiosmtpd's controller, with the server's options (TLS, login) handed to its SMTP instance."""

    def __init__(self, handler: Any, hostname: str, port: int, server_options: dict[str, Any], **kwargs: Any) -> None:
        self.server_options = server_options
        super().__init__(handler, hostname=hostname, port=port, **kwargs)

    def factory(self) -> Any:
        return smtp_server.SMTP(self.handler, hostname=self.hostname, **self.server_options)


@pytest.fixture(scope="session")
def ca() -> Any:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: Any, tmp_path: Path) -> Path:
    path = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def smtp(ca: Any) -> Iterator[Callable[..., Server]]:
    started: list[Any] = []

    def start(
        mode: str = PLAIN, *, host: str = "127.0.0.1", login: tuple[str, str] | None = None, handler: Handler | None = None
    ) -> Server:
        handler = handler or Handler()
        cert = ca.issue_cert("localhost", "127.0.0.1", host)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        options: dict[str, Any] = {}
        if mode == STARTTLS:
            options.update(tls_context=context, require_starttls=True)
        if login is not None:

            def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
                ok = (auth_data.login.decode(), auth_data.password.decode()) == login
                return smtp_server.AuthResult(success=ok, handled=False)

            # LOGIN left out: smtplib tries it after a refused PLAIN, and aiosmtpd then waits for a second line
            options.update(
                authenticator=authenticator, auth_required=True, auth_require_tls=True, auth_exclude_mechanism=["LOGIN"]
            )
        port = free_port(host)
        kwargs: dict[str, Any] = {"ready_timeout": 5.0}
        if mode == TLS:
            kwargs["ssl_context"] = context
            kwargs["server_hostname"] = "localhost"
        inner = _Controller(handler, host, port, options, **kwargs)
        if mode == TLS:
            # the controller checks its server is up by connecting; with TLS it needs a client context
            client = ssl.create_default_context()
            ca.configure_trust(client)
            inner.ssl_context = context
            inner._trigger_server = _tls_trigger(inner, client)
        inner.start()
        started.append(inner)
        return Server(handler, host, port, inner)

    yield start
    for inner in started:
        inner.stop()


def _tls_trigger(inner: Any, client: ssl.SSLContext) -> Callable[[], None]:
    def trigger() -> None:
        with (
            socket.create_connection((inner.hostname, inner.port), 1.0) as raw,
            client.wrap_socket(raw, server_hostname="localhost") as s,
        ):
            s.recv(1024)

    return trigger
