"""Where the database is, read from --db / LIPCTL_DB without importing SQLAlchemy.

Both ways into the store start here: the SQLAlchemy engine (lipctl.store.engine) for commands
that write, and the plain driver connection (lipctl.store.reader) for the read-only commands that
staff and cron run most, whose start-up must not pay for importing SQLAlchemy (~0.3 s).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lipctl.errors import StoreError
from lipctl.i18n import _

SQLITE_SCHEMES = ("sqlite", "sqlite+pysqlite")
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
BUSY_TIMEOUT_MS = int(os.environ.get("LIPCTL_BUSY_TIMEOUT_MS", "15000"))


def default_db_path() -> Path:
    """The SQLite file in the platform's user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("lipctl", appauthor=False)) / "lipctl.db"


@dataclass(frozen=True)
class Location:
    """A SQLite file (``path``; None in memory) or a PostgreSQL server (``backend == "postgresql"``)."""

    backend: str
    url: str  # as SQLAlchemy reads it (the scheme names the driver)
    path: Path | None = None
    password: str | None = None
    default: bool = False  # the platform's default file, whose folder lipctl may create

    @property
    def safe(self) -> str:
        """The URL as it may be shown: never with its password."""
        if not self.password:
            return self.url
        parts = urlsplit(self.url)
        user, _sep, host = parts.netloc.rpartition("@")
        name = user.split(":", 1)[0]
        return parts._replace(netloc=f"{name}:***@{host}").geturl()

    @property
    def libpq_url(self) -> str:
        """The PostgreSQL URL as libpq (psycopg) reads it: the same, without SQLAlchemy's driver name."""
        return "postgresql" + self.url[self.url.index("://") :]


def require_psycopg() -> Any:
    """The psycopg module, or a refusal that says how to install it (it is an optional extra)."""
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            _("PostgreSQL needs the psycopg driver, which is not installed"),
            _("install it with: python3 -m pip install 'psycopg[binary]'"),
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
        return Location("postgresql", "postgresql+psycopg://" + rest, password=password or None)
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
