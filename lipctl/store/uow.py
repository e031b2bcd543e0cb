"""The unit of work: one transaction per command, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lipctl.store import pause
from lipctl.store.errors import Where, open_error, store_error

commits = 0
"""Units of work committed in this process: the command boundary compares it before and after a command
to say truthfully whether a command that failed afterwards (its output could not be written) stored its
change (read through ``sys.modules``, so that a read command never imports SQLAlchemy for it)."""


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving the block without commit() rolls back.

    A database's own refusal (locked, read-only, a role's missing right) leaves it as one StoreError
    (lipctl.store.errors, the same texts as the read path's).
    """

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
            raise open_error(exc, Where.of_engine(self.engine, self.scrub)) from None
        conn.execution_options(lipctl_write=self.write)
        self.session = Session(bind=conn, expire_on_commit=False, autoflush=True)
        self._committed = False
        return self

    def commit(self) -> None:
        self.session.flush()
        pause.at("before-commit")  # tests only (lipctl/store/pause.py)
        self.session.commit()
        self._committed = True
        global commits
        commits += 1
        pause.at("after-commit")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        conn = self.session.bind
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()
            conn.close()  # type: ignore[union-attr]
        if isinstance(exc, DBAPIError) and (error := store_error(exc, Where.of_engine(self.engine, self.scrub))) is not None:
            raise error from None
