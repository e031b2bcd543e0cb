"""Engines for SQLite (the embedded default) and PostgreSQL, configured for safe concurrent use."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from lipctl.errors import StoreError
from lipctl.i18n import _
from lipctl.store import location
from lipctl.store.location import BUSY_TIMEOUT_MS, default_db_path, prepare_sqlite_file, require_psycopg, resolve

__all__ = ["default_db_path", "make_engine", "prepare_sqlite_file", "resolve_url", "safe_url", "sqlite_path"]


def resolve_url(db: str | None) -> URL:
    """A path or an SQLAlchemy URL, as given by --db / LIPCTL_DB; None means the default file."""
    try:
        return make_url(resolve(db).url)
    except ArgumentError:
        raise StoreError(
            _("cannot read the database URL"), _("write a file path or a URL such as postgresql+psycopg://user@host/db")
        ) from None


def safe_url(url: URL) -> str:
    """The URL as it may be shown: never with its password, in the user part or a ``password=`` parameter."""
    return location.safe_url(url.render_as_string(hide_password=False))


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: URL) -> Path | None:
    if not is_sqlite(url) or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def make_engine(url: URL) -> Engine:
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
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
        def _on_begin(conn):
            # A write transaction takes the write lock up front, so concurrent writers wait for
            # it (busy_timeout) instead of failing on a lock upgrade in the middle.
            write = conn.get_execution_options().get("lipctl_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    require_psycopg()  # before SQLAlchemy's own import of it: a refusal that says what to install
    return create_engine(url, connect_args={"connect_timeout": 5}, pool_pre_ping=False)
