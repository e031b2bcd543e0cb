"""Engines for SQLite (the embedded default) and PostgreSQL, configured for safe concurrent use."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from lipctl.errors import StoreError
from lipctl.i18n import _

BUSY_TIMEOUT_MS = int(os.environ.get("LIPCTL_BUSY_TIMEOUT_MS", "15000"))


def default_db_path() -> Path:
    """The SQLite file in the platform's user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("lipctl", appauthor=False)) / "lipctl.db"


def resolve_url(db: str | None) -> URL:
    """A path or an SQLAlchemy URL, as given by --db / LIPCTL_DB; None means the default file."""
    if not db:
        return make_url(f"sqlite:///{default_db_path()}")
    if "://" not in db:
        return make_url(f"sqlite:///{Path(db).expanduser().absolute()}")
    try:
        url = make_url(db)
    except ArgumentError:
        raise StoreError(_("cannot read the database URL"), _("write a file path or a URL such as postgresql+psycopg://user@host/db")) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise StoreError(
            _("unsupported database {driver!r}").format(driver=url.drivername),
            _("use a SQLite file path or postgresql+psycopg://…"),
        )
    return url


def safe_url(url: URL) -> str:
    """The URL as it may be shown: never with its password."""
    return url.render_as_string(hide_password=True)


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: URL) -> Path | None:
    if not is_sqlite(url) or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


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


def make_engine(url: URL) -> Engine:
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # noqa: ANN001
            # Hand transaction control to SQLAlchemy's "begin" event below (pysqlite's own
            # implicit BEGIN would otherwise start deferred transactions that fail under load).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys = ON")
            if url.database and url.database != ":memory:":
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # noqa: ANN001
            # A write transaction takes the write lock up front, so concurrent writers wait for
            # it (busy_timeout) instead of failing on a lock upgrade in the middle.
            write = conn.get_execution_options().get("lipctl_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, connect_args={"connect_timeout": 5}, pool_pre_ping=False)
