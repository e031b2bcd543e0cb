"""Delivering mail through SMTP (lipctl remind --send): where, how securely, as whom.

``LIPCTL_SMTP_URL`` names the server: ``smtps://host:465`` speaks TLS from the first byte;
``smtp://host:587`` must switch to TLS with STARTTLS before anything else is said — only a relay on
the loopback address (127.0.0.0/8, ::1, localhost) may go without TLS, when it offers none.
``LIPCTL_SMTP_CA`` is a PEM file of the CA that signed the server's certificate (a private CA); the
server's name is always checked. User and password come from ``LIPCTL_SMTP_USER`` and
``LIPCTL_SMTP_PASSWORD``, else from the netrc file (``NETRC`` or ~/.netrc) entry of the host; the
password is never printed, not in a message and not with --debug. A password is never sent over a
connection without TLS. Standard library only (smtplib, ssl, netrc).
"""

from __future__ import annotations

import ipaddress
import netrc
import os
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from types import TracebackType
from typing import NamedTuple
from urllib.parse import urlsplit

from lipctl.errors import InvalidInput, LipctlError, Refused
from lipctl.i18n import _

URL_VARIABLE = "LIPCTL_SMTP_URL"
CA_VARIABLE = "LIPCTL_SMTP_CA"
USER_VARIABLE = "LIPCTL_SMTP_USER"
PASSWORD_VARIABLE = "LIPCTL_SMTP_PASSWORD"  # noqa: S105 - the variable's name, not a password
TIMEOUT = 30.0

IMPLICIT_TLS = "tls"
STARTTLS = "starttls"


class MailError(LipctlError):
    """The SMTP server cannot be reached or refuses the session (not a single recipient): nothing was sent."""


class Settings(NamedTuple):
    """How to reach the SMTP server. ``password`` is kept out of ``repr`` by ``__repr__``."""

    host: str
    port: int
    security: str  # IMPLICIT_TLS or STARTTLS (STARTTLS is optional on loopback only)
    cafile: Path | None
    user: str | None
    password: str | None

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def __repr__(self) -> str:
        return f"Settings(host={self.host!r}, port={self.port}, security={self.security!r}, user={self.user!r})"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine's loopback address (a name other than localhost is not trusted to be)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The SMTP settings from the environment; refused when they are missing or unsafe."""
    env = os.environ if environ is None else environ
    raw = (env.get(URL_VARIABLE) or "").strip()
    if not raw:
        raise Refused(
            _("--send needs an SMTP server, and {var} is not set").format(var=URL_VARIABLE),
            _("set it, e.g. {var}=smtps://mail.example.org:465, or write the mails to a folder with --output DIR").format(
                var=URL_VARIABLE
            ),
        )
    try:
        parts = urlsplit(raw)
        port = parts.port
        host = parts.hostname or ""
    except ValueError:
        parts, port, host = None, None, ""
    if parts is None or parts.scheme not in ("smtp", "smtps") or not host or parts.path not in ("", "/"):
        raise InvalidInput(
            _("{var} is not an SMTP URL").format(var=URL_VARIABLE),
            _("give smtps://HOST:465 (TLS) or smtp://HOST:587 (STARTTLS)"),
        )
    if parts.username or parts.password:  # never echo the URL: it holds a secret
        raise InvalidInput(
            _("{var} holds a user or password").format(var=URL_VARIABLE),
            _("give them in {user} and {password}, or in a netrc file; the URL names the server only").format(
                user=USER_VARIABLE, password=PASSWORD_VARIABLE
            ),
        )
    security = IMPLICIT_TLS if parts.scheme == "smtps" else STARTTLS
    port = port or (465 if security == IMPLICIT_TLS else 587)
    cafile = _cafile(env.get(CA_VARIABLE))
    user, password = credentials(host, env)
    return Settings(host, port, security, cafile, user, password)


def _cafile(value: str | None) -> Path | None:
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise InvalidInput(
            _("{var} names no file: {path}").format(var=CA_VARIABLE, path=value),
            _("give the PEM file of the CA that signed the server's certificate"),
        )
    return path


def credentials(host: str, environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    """User and password: from the environment, else from the netrc entry of ``host``; (None, None) without either."""
    user = environ.get(USER_VARIABLE) or None
    password = environ.get(PASSWORD_VARIABLE) or None
    if user is not None or password is not None:
        if user is None or password is None:
            raise InvalidInput(
                _("{user} and {password} go together; one of them is not set").format(
                    user=USER_VARIABLE, password=PASSWORD_VARIABLE
                ),
                _("set both, or neither (then the netrc file is read)"),
            )
        return _ascii(user, password)
    path = environ.get("NETRC") or str(Path(environ.get("HOME") or Path.home()) / ".netrc")
    if not Path(path).is_file():
        return None, None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        # the parser's message may quote the file's line: name the file and the line number only
        line = getattr(exc, "lineno", None)
        raise InvalidInput(
            _("the netrc file {path} cannot be read (line {line})").format(path=path, line=line or "?"),
            _("fix the file, or give {user} and {password}").format(user=USER_VARIABLE, password=PASSWORD_VARIABLE),
        ) from None
    if entry is None:
        return None, None
    login, _account, secret = entry
    return _ascii(login or None, secret or None)


def _ascii(user: str | None, password: str | None) -> tuple[str | None, str | None]:
    """The login, refused when it holds a character that is not ASCII: smtplib's AUTH encodes it as ASCII
    and would fail mid-session with an error that is no help (the message never shows the login's text)."""
    if not all(value is None or value.isascii() for value in (user, password)):
        raise InvalidInput(
            _("the SMTP user or password holds a character that is not ASCII (such as ä or €), which lipctl cannot send"),
            _("use a login of ASCII letters, digits and signs in {user} and {password} or in the netrc file").format(
                user=USER_VARIABLE, password=PASSWORD_VARIABLE
            ),
        )
    return user, password


def tls_context(cafile: Path | None) -> ssl.SSLContext:
    """A client context that checks the certificate and the host name (against ``cafile`` when given)."""
    context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class Connection:
    """One SMTP session: ``with Connection(settings) as smtp: refused = smtp.send(message)``.

    Each ``send`` is its own transaction on the server (MAIL FROM … DATA): a recipient refused there
    leaves the others' mails as they were."""

    def __init__(self, config: Settings, *, timeout: float = TIMEOUT) -> None:
        self.config = config
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        c = self.config
        try:
            if c.security == IMPLICIT_TLS:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(c.host, c.port, timeout=self.timeout, context=tls_context(c.cafile))
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=self.timeout)
            self._smtp = smtp
            smtp.ehlo()
            encrypted = c.security == IMPLICIT_TLS
            if not encrypted and smtp.has_extn("starttls"):
                smtp.starttls(context=tls_context(c.cafile))
                smtp.ehlo()
                encrypted = True
            if not encrypted and not c.loopback:
                raise Refused(
                    _("the SMTP server {address} does not offer STARTTLS").format(address=c.address),
                    _("lipctl sends mail unencrypted to a relay on the loopback address only; use smtps://HOST:465"),
                )
            if c.user is not None and c.password is not None:
                if not encrypted:
                    raise Refused(
                        _("the SMTP server {address} offers no TLS, and a password is never sent in clear").format(
                            address=c.address
                        ),
                        _("unset the user and password for the local relay, or give it TLS"),
                    )
                smtp.login(c.user, c.password)
        except LipctlError:
            self._close()
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self._close()
            raise MailError(
                _("the SMTP server {address} did not accept the user {user} ({code})").format(
                    address=c.address, user=c.user, code=exc.smtp_code
                ),
                _("check {user} and {password} or the netrc entry").format(user=USER_VARIABLE, password=PASSWORD_VARIABLE),
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise MailError(
                _("cannot reach the SMTP server {address}: {reason}").format(address=c.address, reason=self.reason(exc)),
                _("check {var} and that the server is up; nothing was sent").format(var=URL_VARIABLE),
            ) from None
        return self

    def reason(self, exc: BaseException) -> str:
        """What went wrong, in one line and without the password.

        A server's answer is shown as the server wrote it (code and text), not as Python's repr of
        its bytes, where the password's backslashes and quotes would be escaped and no longer match."""
        if isinstance(exc, smtplib.SMTPResponseException):
            return self.answer(exc.smtp_code, exc.smtp_error)
        text = self.hide(str(exc))
        return text.splitlines()[0] if text.strip() else type(exc).__name__

    def hide(self, text: str) -> str:
        """``text`` without the password, in every spelling lipctl.store.location.scrub knows (as written,
        percent- or form-encoded, escaped in a repr or JSON). Scrubbed before it is cut to a line, so that
        a password with a line break in it cannot leave its first part behind."""
        from lipctl.store.location import scrub

        return scrub(text, [self.config.password] if self.config.password else [])

    def answer(self, code: int, text: bytes | str) -> str:
        """A server's answer as the user sees it: code and text in one line (a multi-line answer's lines
        joined), without the password."""
        words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        return " ".join(self.hide(f"{code} {words}").split())

    def send(self, message: EmailMessage) -> dict[str, str]:
        """Deliver ``message``; returns the recipients the server refused (address -> its answer), at RCPT
        or, for the whole mail, at DATA; empty when it took the mail.

        Raises MailError when the session breaks (the server closes it, or the connection is lost)."""
        assert self._smtp is not None
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            answers = {addr: self.answer(code, text) for addr, (code, text) in exc.recipients.items()}
            if self._smtp.sock is None:
                # 421 at RCPT: the server is closing the session (smtplib has closed it), it did not refuse
                # the recipient; the next mail would fail with "please run connect() first"
                raise self._broken("; ".join(answers.values())) from None
            return answers
        except smtplib.SMTPDataError as exc:
            if self._smtp.sock is None:  # 421 at DATA: the server closed the session
                raise self._broken(self.reason(exc)) from None
            # The server refused this mail's content (552 too large, 554 rejected, 451 try later) and
            # smtplib reset the transaction: this mail is not taken, the next ones may be.
            answer = self.answer(exc.smtp_code, exc.smtp_error)
            return {addr: answer for _name, addr in getaddresses(message.get_all("To", []))}
        except (OSError, smtplib.SMTPException) as exc:
            raise self._broken(self.reason(exc)) from None
        return {addr: self.answer(code, text) for addr, (code, text) in refused.items()}

    def _broken(self, reason: str) -> MailError:
        return MailError(
            _("the SMTP server {address} did not take the mail: {reason}").format(address=self.config.address, reason=reason),
            _("the mails sent before it are recorded; run again to send the rest"),
        )

    def _close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._close()
