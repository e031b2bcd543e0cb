"""Database errors, once: a driver's exception and where the database is, as the StoreError a user reads.

Both ways into the store raise through here: the read path (lipctl.store.reader: sqlite3, libpq or
psycopg, without SQLAlchemy) and the unit of work (lipctl.store.uow: SQLAlchemy's DBAPIError around
the same drivers' exceptions). This module imports neither SQLAlchemy nor a driver: an exception is
recognised by its driver's message (SQLAlchemy's wrapper unwrapped, so never the statement or its
parameters) and its SQLSTATE.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from lipctl.errors import StoreError
from lipctl.i18n import _

if TYPE_CHECKING:
    from lipctl.store.location import Location

INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL: the role may not do this (lipctl db grant)


class Where(NamedTuple):
    """The database as a message names it."""

    url: str  # as it may be shown: no password
    backend: str  # "sqlite" or "postgresql"
    hidden: tuple[str, ...] = ()  # the passwords a driver's message must never show

    @classmethod
    def of_location(cls, location: Location, extra: str | Iterable[str] | None = None) -> Where:
        """The database --db names (lipctl.store.location), and ``extra`` passwords to hide."""
        return cls(location.safe, location.backend, (*location.secrets, *_more(extra)))

    @classmethod
    def of_engine(cls, engine: Any, extra: str | Iterable[str] | None = None) -> Where:
        """The database of an SQLAlchemy engine (its caller has imported SQLAlchemy already)."""
        from lipctl.store.engine import safe_url
        from lipctl.store.location import secrets

        hidden = (*secrets(engine.url.render_as_string(hide_password=False)), *_more(extra))
        return cls(safe_url(engine.url), engine.dialect.name, hidden)


def store_error(exc: BaseException, where: Where) -> StoreError | None:
    """The StoreError for ``exc`` in a transaction, or None when it is none of the database's refusals (a bug: let it show)."""
    if (error := _sqlite_state(exc, where)) is not None:
        return error
    if is_permission_denied(exc):
        return permission_denied(where, reason(exc, where))
    return None


def open_error(exc: BaseException, where: Where) -> StoreError:
    """The StoreError for a database that cannot be opened (on the read path: whose fixed queries fail)."""
    return _sqlite_state(exc, where) or cannot_open(where, reason(exc, where))


def _sqlite_state(exc: BaseException, where: Where) -> StoreError | None:
    if where.backend == "sqlite" and is_locked(exc):
        return locked()
    if where.backend == "sqlite" and is_read_only(exc):
        return read_only(where)
    return None


def driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception (SQLAlchemy keeps it as ``orig``)."""
    orig = getattr(exc, "orig", None)
    return orig if isinstance(orig, BaseException) else exc


def reason(exc: BaseException, where: Where | None = None) -> str:
    """The first line of the driver's message, without any of ``where``'s passwords."""
    from lipctl.store.location import scrub

    text = str(driver_error(exc)).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return scrub(first, where.hidden) if where is not None else first


def is_locked(exc: BaseException) -> bool:
    """SQLite: another connection holds the lock (database, table or schema is locked)."""
    return " is locked" in str(driver_error(exc)).lower()


def is_read_only(exc: BaseException) -> bool:
    """SQLite: the file (or its folder) is read-only for this user."""
    text = str(driver_error(exc)).lower()
    return "readonly database" in text or "read-only" in text


def is_permission_denied(exc: BaseException) -> bool:
    """PostgreSQL refused the role the statement (insufficient_privilege, e.g. a reader's INSERT)."""
    return getattr(driver_error(exc), "sqlstate", None) == INSUFFICIENT_PRIVILEGE


def locked() -> StoreError:
    return StoreError(_("the database is locked by another lipctl command"), _("nothing was changed; try again in a moment"))


def read_only(where: Where) -> StoreError:
    return StoreError(
        _("the database {url} cannot be written: it is read-only for you").format(url=where.url),
        _("nothing was changed; ask for write access to the file and its folder"),
    )


def cannot_open(where: Where, why: str) -> StoreError:
    return StoreError(
        _("cannot open the database {url}: {reason}").format(url=where.url, reason=why),
        _("check --db / LIPCTL_DB, and that the server is running and reachable")
        if where.backend == "postgresql"
        else _("check --db / LIPCTL_DB; 'lipctl db check' examines the file"),
    )


def permission_denied(where: Where, why: str) -> StoreError:
    """The server refused the role a statement (SQLSTATE 42501): one line, and what to do."""
    return StoreError(
        _("the database {url} refused this: {reason}").format(url=where.url, reason=why),
        _(
            "nothing was changed; your database role may not do this — "
            "ask the database owner for the right role (lipctl db grant)"
        ),
    )


def _more(extra: str | Iterable[str] | None) -> tuple[str, ...]:
    more = (extra,) if isinstance(extra, str) else tuple(extra or ())
    return tuple(s for s in more if s)
