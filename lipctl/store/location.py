"""Where the database is, read from --db / LIPCTL_DB without importing SQLAlchemy.

Both ways into the store start here: the SQLAlchemy engine (lipctl.store.engine) for commands
that write, and the plain driver connection (lipctl.store.reader) for the read-only commands that
staff and cron run most, whose start-up must not pay for importing SQLAlchemy (~0.3 s).
"""

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, unquote_plus, urlsplit

from lipctl.errors import StoreError
from lipctl.i18n import _

SQLITE_SCHEMES = ("sqlite", "sqlite+pysqlite")
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
BUSY_TIMEOUT_MS = int(os.environ.get("LIPCTL_BUSY_TIMEOUT_MS", "15000"))
# Query parameters of a libpq URL whose value is a secret (libpq's connection parameters).
SECRET_PARAMS = ("password", "sslpassword")
HIDDEN = "***"


def secrets(db: str | None, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Every password that ``db`` (a --db value) and the environment hold, as written and decoded.

    The user part of the URL (``user:secret@``), the ``password=`` and ``sslpassword=`` query
    parameters, and ``PGPASSWORD``, which libpq reads when the URL names none. Read by hand, so that
    a URL which no parser accepts still has its password found (and hidden). A SQLite store has none:
    its path may hold ``:`` and ``@``, and libpq (so PGPASSWORD) plays no part.
    """
    env = os.environ if environ is None else environ
    if not db or "://" not in db or db.split("://", 1)[0].lower() in SQLITE_SCHEMES:
        return ()
    found: set[str] = set()
    rest = db.split("://", 1)[1]
    head, _sep, query = rest.partition("?")
    query = query.partition("#")[0]
    # the user part ends at the last "@" of the part before the path, or of all that precedes the query
    for before in (head.split("/", 1)[0], head):
        userinfo, at, _host = before.rpartition("@")
        if at and ":" in userinfo:
            found.add(userinfo.split(":", 1)[1])
    for pair in query.split("&"):
        key, eq, value = pair.partition("=")
        if eq and unquote_plus(key).strip().lower() in SECRET_PARAMS:
            found.add(value)
    decoded = {form for raw in found for form in (raw, unquote(raw), unquote_plus(raw))}
    decoded.add(env.get("PGPASSWORD", ""))  # as it is: libpq does not decode it
    return tuple(sorted((s for s in decoded if s), key=len, reverse=True))


def scrub(text: str, hidden: Iterable[str]) -> str:
    """``text`` with every one of the secrets in ``hidden`` replaced by ``***``, in every form it takes.

    The one scrubbing function: error messages, hints, tracebacks under --debug. A password shows up
    decoded or URL-encoded — each character as itself or percent-encoded (either case), a space also
    as ``+`` — or escaped inside a repr or JSON; every such spelling is replaced, longest secret first.
    """
    for secret in sorted({s for s in hidden if s}, key=len, reverse=True):
        text = _spellings(secret).sub(HIDDEN, text)
    return text


def _spellings(secret: str) -> re.Pattern[str]:
    """A pattern for every way ``secret`` is written in a URL, a repr or JSON."""

    def hexdigits(data: bytes) -> str:
        return "".join("%" + "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in f"{b:02x}") for b in data)

    parts = []
    for char in secret:
        ways = {re.escape(char), hexdigits(char.encode("utf-8", "surrogatepass"))}
        ways.update(
            re.escape(form) for form in (repr(char)[1:-1], json.dumps(char)[1:-1], json.dumps(char, ensure_ascii=False)[1:-1])
        )
        if char == " ":
            ways.add(re.escape("+"))
        parts.append("(?:" + "|".join(sorted(ways, key=len, reverse=True)) + ")")
    return re.compile("".join(parts))


def _split_secrets(url: str, shown: str | None) -> str:
    """``url`` with its password and secret parameters replaced by ``shown`` (None: left out)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return scrub(url, secrets(url, environ={}))
    head, qmark, query = rest.partition("?")
    netloc, slash, path = head.partition("/")
    userinfo, at, host = netloc.rpartition("@")
    if at and ":" in userinfo:
        name = userinfo.split(":", 1)[0]
        netloc = f"{name}:{shown}@{host}" if shown is not None else f"{name}@{host}" if name else host
    pairs = []
    for pair in query.split("&") if qmark else []:
        key, eq, _value = pair.partition("=")
        if not (eq and unquote_plus(key).strip().lower() in SECRET_PARAMS):
            pairs.append(pair)
        elif shown is not None:
            pairs.append(f"{key}={shown}")
    out = f"{scheme}://{netloc}{slash}{path}" + ("?" + "&".join(pairs) if pairs else "")
    return scrub(out, secrets(url, environ={}))  # whatever a malformed URL still hides elsewhere


def safe_url(url: str) -> str:
    """A database URL as it may be shown: its password and ``password=`` parameters replaced by ``***``."""
    return _split_secrets(url, HIDDEN)


def shown(url: str) -> str:
    """A database as office staff name it: a SQLite database by its file's path, any other by its URL
    without password (``safe_url``)."""
    safe = safe_url(url)
    scheme, sep, rest = safe.partition(":///")
    if sep and scheme.split("+")[0] == "sqlite" and rest and rest != ":memory:":
        return rest.split("?")[0]
    return safe


def url_without_password(url: str) -> str:
    """A PostgreSQL URL for libpq's tools (pg_dump, psql): no password in it at all, libpq's scheme.

    The password then comes from ~/.pgpass (PGPASSFILE), a service file or PGPASSWORD.
    """
    plain = _split_secrets(url, None)
    scheme, sep, rest = plain.partition("://")
    return f"postgresql://{rest}" if sep and scheme in POSTGRES_SCHEMES else plain


def default_db_path() -> Path:
    """The SQLite file in the platform's user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("lipctl", appauthor=False)) / "lipctl.db"


class Location(NamedTuple):
    """A SQLite file (``path``; None in memory) or a PostgreSQL server (``backend == "postgresql"``)."""

    backend: str
    url: str  # as SQLAlchemy reads it (the scheme names the driver)
    path: Path | None = None
    password: str | None = None
    default: bool = False  # the platform's default file, whose folder lipctl may create
    secrets: tuple[str, ...] = ()  # every password it holds, and PGPASSWORD: never shown (see scrub)

    @property
    def safe(self) -> str:
        """The URL as it may be shown: never with its password."""
        return scrub(safe_url(self.url), self.secrets)

    def scrub(self, text: str) -> str:
        """``text`` (e.g. a driver's message) without any of this location's passwords."""
        return scrub(text, self.secrets)

    @property
    def libpq_url(self) -> str:
        """The PostgreSQL URL as libpq (psycopg) reads it: the same, without SQLAlchemy's driver name."""
        return "postgresql" + self.url[self.url.index("://") :]


def require_psycopg() -> Any:
    """The psycopg module, or a refusal that says how to install it (it is an optional extra)."""
    try:
        import psycopg
    except ImportError as exc:
        if isinstance(exc, ModuleNotFoundError) and exc.name == "psycopg":
            raise StoreError(
                _("PostgreSQL needs the psycopg driver, which is not installed"),
                _("install it with: python3 -m pip install 'psycopg[binary]'"),
            ) from None
        # Installed, but one of its own imports fails: e.g. Python's ssl module under an LD_LIBRARY_PATH
        # that puts another libpython first. psycopg's message lists each attempt; the last one says why.
        reason = str(exc).strip().splitlines()[-1].lstrip("- ") if str(exc).strip() else type(exc).__name__
        raise StoreError(
            _("the psycopg driver is installed but cannot be loaded: {reason}").format(reason=reason),
            _(
                "check that this Python loads its ssl module (python3 -c 'import ssl'),"
                " or reinstall it with: python3 -m pip install --force-reinstall 'psycopg[binary]'"
            ),
        ) from None
    return psycopg


def _bad_url() -> StoreError:
    return StoreError(
        _("cannot read the database URL"), _("write a file path or a URL such as postgresql+psycopg://user@host/db")
    )


def resolve(db: str | None) -> Location:
    """A path or a URL, as given by --db / LIPCTL_DB; None means the default file."""
    if not db:
        path = default_db_path()
        return Location("sqlite", f"sqlite:///{path}", path, default=True)
    if "://" not in db:
        path = Path(db).expanduser().absolute()
        return Location("sqlite", f"sqlite:///{path}", path)
    scheme, rest = db.split("://", 1)
    if scheme in SQLITE_SCHEMES:
        # sqlite:///relative.db, sqlite:////absolute.db; sqlite:// and sqlite:///:memory: are in memory
        name = rest.removeprefix("/")
        name = name.split("?", 1)[0]
        if not name or name == ":memory:":
            return Location("sqlite", "sqlite://")
        path = Path(name).absolute()
        return Location("sqlite", f"sqlite:///{path}", path)
    if scheme in POSTGRES_SCHEMES:
        try:
            parts = urlsplit(db)
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            raise _bad_url() from None
        password = unquote(parts.password) if parts.password is not None else None
        return Location("postgresql", "postgresql+psycopg://" + rest, password=password or None, secrets=secrets(db))
    if not scheme or not all(c.isalnum() or c in "+-." for c in scheme):
        raise _bad_url()
    raise StoreError(
        _("unsupported database {driver!r}").format(driver=scheme),
        _("use a SQLite file path or postgresql+psycopg://…"),
    )


def prepare_sqlite_file(path: Path, *, create: bool, default_location: bool) -> None:
    """Create the database file readable by its owner only, or refuse with what to do.

    SQLite itself would create the file 0644; creating it first with 0600 makes its -wal and
    -shm companions follow the same mode. The data folder is created 0700.
    """
    folder = path.parent
    if not folder.exists():
        if create and default_location:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        elif create:
            raise StoreError(
                _("the folder {folder} does not exist").format(folder=folder),
                _("create it first, or choose another --db path"),
            )
    if path.exists():
        if path.is_dir():
            raise StoreError(_("{path} is a folder, not a database file").format(path=path), _("give a file path with --db"))
        return
    if not create:
        raise StoreError(
            _("no database at {path}").format(path=path),
            _("run 'lipctl init' first (or point --db / LIPCTL_DB at the database)"),
        )
    if not os.access(folder, os.W_OK):
        raise StoreError(
            _("the folder {folder} is not writable").format(folder=folder),
            _("choose a folder you can write to with --db"),
        )
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
