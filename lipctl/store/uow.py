"""The unit of work: one transaction per command, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from lipctl.errors import StoreError
from lipctl.i18n import _


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving the block without commit() rolls back."""

    def __init__(self, engine: Engine, *, write: bool = False, scrub: str | Iterable[str] | None = None) -> None:
        self.engine = engine
        self.write = write
        self.scrub = scrub
        self.session: Session
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        try:
            conn = self.engine.connect()
        except DBAPIError as exc:
            raise connection_error(exc, self.engine, self.scrub) from None
        conn.execution_options(lipctl_write=self.write)
        self.session = Session(bind=conn, expire_on_commit=False, autoflush=True)
        self._committed = False
        return self

    def commit(self) -> None:
        self.session.commit()
        self._committed = True

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        conn = self.session.bind
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()
            conn.close()  # type: ignore[union-attr]
        if isinstance(exc, OperationalError) and _is_locked(exc):
            raise StoreError(
                _("the database is locked by another lipctl command"),
                _("nothing was changed; try again in a moment"),
            ) from None
        if isinstance(exc, OperationalError) and _is_read_only(exc):
            raise read_only_error(self.engine) from None
        if isinstance(exc, DBAPIError) and is_permission_denied(exc):
            raise permission_denied(exc, self.engine, self.scrub) from None


def is_permission_denied(exc: BaseException) -> bool:
    """PostgreSQL refused the role the statement (insufficient_privilege, e.g. a reader's INSERT)."""
    return getattr(getattr(exc, "orig", exc), "sqlstate", None) == "42501"


def permission_denied(exc: BaseException, engine: Engine, scrub: str | Iterable[str] | None = None) -> StoreError:
    from lipctl.store.engine import safe_url
    from lipctl.store.location import permission_error
    from lipctl.store.location import scrub as scrubbed

    text = str(getattr(exc, "orig", exc)).strip()
    reason = text.splitlines()[0] if text else type(exc).__name__
    return permission_error(safe_url(engine.url), scrubbed(reason, engine_secrets(engine, scrub)))


def _is_locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def _is_read_only(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "readonly database" in text or "read-only" in text


def read_only_error(engine: Engine) -> StoreError:
    from lipctl.store.engine import safe_url

    return StoreError(
        _("the database {url} cannot be written: it is read-only for you").format(url=safe_url(engine.url)),
        _("nothing was changed; ask for write access to the file and its folder"),
    )


def engine_secrets(engine: Engine, extra: str | Iterable[str] | None = None) -> tuple[str, ...]:
    """The passwords the engine's URL holds (user part, ``password=``), PGPASSWORD, and ``extra``."""
    from lipctl.store.location import secrets

    more = (extra,) if isinstance(extra, str) else tuple(extra or ())
    return (*secrets(engine.url.render_as_string(hide_password=False)), *more)


def connection_error(exc: BaseException, engine: Engine, scrub: str | Iterable[str] | None = None) -> StoreError:
    from lipctl.store.engine import safe_url
    from lipctl.store.location import scrub as scrubbed

    reason = (
        str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(getattr(exc, "orig", exc)).strip() else type(exc).__name__
    )
    reason = scrubbed(reason, engine_secrets(engine, scrub))
    if _is_locked(exc):
        return StoreError(_("the database is locked by another lipctl command"), _("nothing was changed; try again in a moment"))
    if _is_read_only(exc):
        return read_only_error(engine)
    return StoreError(
        _("cannot open the database {url}: {reason}").format(url=safe_url(engine.url), reason=reason),
        _("check --db / LIPCTL_DB, and that the server is running and reachable"),
    )
