"""The unit of work: one transaction per command, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from lipctl.errors import StoreError
from lipctl.i18n import _


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving the block without commit() rolls back."""

    def __init__(self, engine: Engine, *, write: bool = False, scrub: str | None = None) -> None:
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


def connection_error(exc: BaseException, engine: Engine, scrub: str | None) -> StoreError:
    from lipctl.store.engine import safe_url

    reason = (
        str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(getattr(exc, "orig", exc)).strip() else type(exc).__name__
    )
    if scrub:
        reason = reason.replace(scrub, "***")
    if _is_locked(exc):
        return StoreError(_("the database is locked by another lipctl command"), _("nothing was changed; try again in a moment"))
    if _is_read_only(exc):
        return read_only_error(engine)
    return StoreError(
        _("cannot open the database {url}: {reason}").format(url=safe_url(engine.url), reason=reason),
        _("check --db / LIPCTL_DB, and that the server is running and reachable"),
    )
