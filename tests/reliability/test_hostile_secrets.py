"""Hostile secrets: a PostgreSQL password never reaches stdout or stderr, in whatever form it was given.

Three ways a password reaches lipctl — the URL's user part, a ``password=`` (or ``sslpassword=``)
query parameter, and ``PGPASSWORD`` — and every way out that a message takes: the error line, the
hint (``db backup``'s pg_dump line), the traceback under --debug. Neither the decoded password nor any
URL-encoded form of it may appear; the password below contains characters that encode differently
with ``quote`` and ``quote_plus``.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from lipctl.errors import ExitCode
from lipctl.store.location import safe_url, scrub, secrets, url_without_password
from tests.stress import _harness as h

PASSWORD = "Pw0rd s@fe/ö&%+x"  # space, @, /, non-ASCII, & and % and + encode differently each way
FORMS = {PASSWORD, quote(PASSWORD, safe=""), quote(PASSWORD), quote_plus(PASSWORD), json.dumps(PASSWORD)[1:-1]}
UNREACHABLE = "127.0.0.1:1"  # nothing listens on port 1: the connection is refused at once

URLS = {
    "user part": f"postgresql+psycopg://u:{quote(PASSWORD, safe='')}@{UNREACHABLE}/x",
    "user part, plus-encoded": f"postgresql+psycopg://u:{quote_plus(PASSWORD)}@{UNREACHABLE}/x",
    "password=": f"postgresql+psycopg://u@{UNREACHABLE}/x?password={quote(PASSWORD, safe='')}",
    "password= among others": f"postgresql+psycopg://u@{UNREACHABLE}/x?sslmode=disable&password={quote_plus(PASSWORD)}&application_name=a",
    "sslpassword=": f"postgresql+psycopg://u@{UNREACHABLE}/x?sslpassword={quote(PASSWORD, safe='')}",
    "postgres scheme, password=": f"postgres://u@{UNREACHABLE}/x?password={quote(PASSWORD, safe='')}",
}

COMMANDS = [
    ["init"],
    ["contacts"],
    ["status"],
    ["status", "--format", "json"],
    ["draft", "list"],
    ["draft", "submit", "bildung", "--kind", "grundsatzpapier", "--title", "T"],
    ["survey", "stats"],
    ["db", "check"],
    ["db", "upgrade"],
    ["db", "backup", "/tmp/lipctl-never-written.db"],
]


def assert_hidden(text: str) -> None:
    leaked = [form for form in FORMS if form in text]
    assert not leaked, (leaked, text)
    assert "Pw0rd" not in text, text  # no other spelling of it either


def _clean(text: str) -> None:
    assert "unexpected error" not in text, text


# --- the one scrubbing function ------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS.values(), ids=URLS.keys())
def test_secrets_finds_every_form_and_scrub_hides_it(url: str) -> None:
    found = secrets(url, environ={})
    assert PASSWORD in found
    for form in FORMS:
        assert_hidden(scrub(f"before {form} after", found))
    shown = safe_url(url)
    assert_hidden(shown)
    assert "***" in shown
    assert_hidden(url_without_password(url))
    assert "***" not in url_without_password(url)  # for pg_dump: the password is left out, not masked
    assert url_without_password(url).startswith("postgresql://u@127.0.0.1:1/x")


def test_pgpassword_counts_as_a_secret() -> None:
    assert secrets("postgresql+psycopg://u@h/x", environ={"PGPASSWORD": PASSWORD}) == (PASSWORD,)
    # a SQLite store: libpq plays no part, and a short PGPASSWORD must not blank out its messages
    assert secrets(None, environ={"PGPASSWORD": PASSWORD}) == ()
    assert secrets("/srv/lip.db", environ={"PGPASSWORD": "lip"}) == ()
    # a SQLite path may hold ':' and '@' without being a password
    assert secrets("sqlite:////srv/u:x@y/lip.db", environ={}) == ()
    assert safe_url("sqlite:////srv/u:x@y/lip.db") == "sqlite:////srv/u:x@y/lip.db"


def test_safe_url_keeps_everything_but_the_password() -> None:
    assert safe_url("postgresql+psycopg:///?service=lip") == "postgresql+psycopg:///?service=lip"
    assert (
        safe_url("postgresql+psycopg://u@/lip?host=/run/pg&password=x1y2&passfile=/etc/lip/pgpass")
        == "postgresql+psycopg://u@/lip?host=/run/pg&password=***&passfile=/etc/lip/pgpass"
    )
    assert url_without_password("postgresql+psycopg://u:x1y2@db/lip?service=lip") == "postgresql://u@db/lip?service=lip"


# --- an unreachable server, each form, each command, with and without --debug ---------------------------


@pytest.mark.parametrize("url", URLS.values(), ids=URLS.keys())
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_unreachable_server_never_shows_the_password(cli, url: str, args: list[str]) -> None:
    for extra in ([], ["--debug"]):
        result = cli("--db", url, *extra, *args)
        assert result.exit_code == ExitCode.REFUSED, result.stderr
        assert result.stderr.startswith("lipctl: ") or extra, result.stderr
        assert_hidden(result.stdout + result.stderr)
        _clean(result.stderr)
        if args[:2] != ["db", "backup"]:
            assert "cannot open the database postgresql" in result.stderr, result.stderr
            assert "***" in result.stderr  # the URL is shown, its password masked


def test_pgpassword_is_never_printed(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even where the URL itself carries the same text (here: as the database's name)."""
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    for url in (f"postgresql+psycopg://u@{UNREACHABLE}/x", f"postgresql+psycopg://u@{UNREACHABLE}/{quote(PASSWORD, safe='')}"):
        for args in (["contacts"], ["--debug", "status"], ["db", "check"], ["init"], ["db", "backup", "/tmp/never.db"]):
            result = cli("--db", url, *args)
            assert result.exit_code == ExitCode.REFUSED
            assert_hidden(result.stdout + result.stderr)
            _clean(result.stderr)


@pytest.mark.parametrize("url", [URLS["user part"], URLS["password="]], ids=["user part", "password="])
def test_debug_traceback_in_a_real_process_is_scrubbed(url: str) -> None:
    for args in (["--debug", "contacts"], ["--debug", "db", "check"], ["--debug", "init"]):
        run = h.lipctl(url, *args)
        assert run.returncode == ExitCode.REFUSED, run.stderr
        assert "Traceback" in run.stderr  # --debug shows it ...
        assert_hidden(run.stdout + run.stderr)  # ... scrubbed
    run = h.lipctl(f"postgresql+psycopg://u@{UNREACHABLE}/x", "--debug", "status", PGPASSWORD=PASSWORD)
    assert run.returncode == ExitCode.REFUSED
    assert_hidden(run.stdout + run.stderr)


def test_unexpected_error_under_debug_is_scrubbed(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception whose text carries the password (here: PGPASSWORD), shown as a traceback under --debug."""
    import lipctl.services.fields

    def boom(*_a, **_k):
        raise RuntimeError(f"driver said: password {PASSWORD!r} / {quote_plus(PASSWORD)} rejected")

    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    monkeypatch.setattr(lipctl.services.fields, "contacts", boom)
    for extra in ([], ["--debug"]):
        result = cli("--db", f"postgresql+psycopg://u@{UNREACHABLE}/x", *extra, "contacts")
        assert result.exit_code == ExitCode.REFUSED
        assert "RuntimeError" in result.stderr
        assert ("Traceback" in result.stderr) == bool(extra)
        assert_hidden(result.stdout + result.stderr)


# --- a real server (trust authentication: the password is accepted, and must stay hidden) ---------------


@pytest.mark.postgres
@pytest.mark.parametrize("form", ["user part", "password="])
def test_real_server_backup_hint_and_debug_never_show_the_password(pg_url: str, cli, isolated: Path, form: str) -> None:
    encoded = quote(PASSWORD, safe="")
    if form == "user part":
        url = pg_url.replace("postgresql+psycopg://lipctl@", f"postgresql+psycopg://lipctl:{encoded}@")
    else:
        url = f"{pg_url}&password={encoded}"
    assert encoded in url
    assert cli("--db", url, "init").exit_code == ExitCode.OK
    backup = cli("--db", url, "--debug", "db", "backup", str(isolated / "b.db"))
    assert backup.exit_code == ExitCode.REFUSED
    assert "pg_dump --format=custom" in backup.stderr
    assert "password" not in backup.stderr.split("pg_dump", 1)[1].lower().split("(", 1)[0]  # the URL given to pg_dump
    assert_hidden(backup.stdout + backup.stderr)
    for args in (["contacts"], ["status", "--format", "json"], ["--debug", "db", "check"], ["draft", "list"]):
        result = cli("--db", url, *args)
        assert result.exit_code == ExitCode.OK, result.stderr
        assert_hidden(result.stdout + result.stderr)
