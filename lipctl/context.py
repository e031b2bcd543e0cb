"""What every command knows about its invocation: database, actor, "as of" date, debug."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from typing import TYPE_CHECKING, Any

from lipctl.errors import InvalidInput, LipctlError

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

    from lipctl.store.location import Location
    from lipctl.store.reader import Reader
    from lipctl.store.uow import UnitOfWork


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in some containers (pwd has no entry for the uid)
        return "unknown"


def parse_day(value: str | None, option: str) -> dt.date | None:
    """A calendar date given on the command line (``option`` names it in the message); None when not given.

    The one reader of dates for every option (--today, --date, --since): lipctl.process.dates,
    with one message for a date that cannot be read and one for a date out of range.
    """
    from lipctl.process.dates import DateError, parse_date

    if value is None or not value.strip():
        return None
    try:
        return parse_date(value)
    except DateError as exc:
        raise InvalidInput(*exc.describe(option)) from None


def parse_today(value: str | None, option: str = "--today") -> dt.date:
    """The date "as of" (--today / LIPCTL_TODAY), default the real today."""
    # the office's own calendar day, on purpose local: an "as of" date, never compared with stored instants
    return parse_day(value, option) or dt.date.today()  # noqa: DTZ011 - the local day is meant


class AppContext:
    """Built once per invocation by the root callback (lipctl.cli).

    Plain classes here and in Env, not dataclasses: building a dataclass costs every command
    ~0.3 ms at start-up (benchmarks/startup.py).
    """

    def __init__(
        self,
        db: str | None = None,
        actor: str | None = None,
        today: dt.date | None = None,
        debug: bool = False,
        command: str = "",
    ) -> None:
        from lipctl.process.limits import check_actor, check_encoding

        self.db = db
        self.actor = default_actor() if actor is None else actor
        self.today = dt.date.today() if today is None else today  # noqa: DTZ011 - the office's local day
        self.debug = debug
        self.command = command
        self._engine: Engine | None = None
        self._url: URL | None = None
        self._location: Location | None = None
        self._checked = False
        check_actor(self.actor, "--actor")
        if self.db is not None:
            check_encoding(self.db, "--db", secret=True)  # never quoted: a URL may hold a password

    @property
    def location(self) -> Location:
        """Where the database is (read without SQLAlchemy)."""
        if self._location is None:
            from lipctl.store.location import resolve

            self._location = resolve(self.db)
        return self._location

    @property
    def url(self) -> URL:
        if self._url is None:
            from lipctl.store.engine import resolve_url

            self._url = resolve_url(self.db)
        return self._url

    @property
    def password(self) -> str | None:
        """The database password, so that error texts can be scrubbed of it."""
        if self.db and "://" in self.db:
            try:
                return self.location.password
            except (LipctlError, ValueError):  # a URL that cannot be read holds no password we can find
                return None
        return os.environ.get("PGPASSWORD") or None

    def engine(self, *, create: bool = False) -> Engine:
        if self._engine is None:
            from lipctl.store.engine import make_engine
            from lipctl.store.location import prepare_sqlite_file

            path = self.location.path
            if path is not None:
                prepare_sqlite_file(path, create=create, default_location=self.location.default)
            self._engine = make_engine(self.url)
        return self._engine

    def uow(self, *, write: bool = False) -> UnitOfWork:
        """A unit of work on a database whose schema this lipctl knows (checked once)."""
        from lipctl.store.uow import UnitOfWork

        engine = self.engine()
        if not self._checked:
            from lipctl.store import schema

            with UnitOfWork(engine, scrub=self.password) as uow:
                schema.check(uow.session.connection())
            self._checked = True
        return UnitOfWork(engine, write=write, scrub=self.password)

    def reader(self) -> AbstractContextManager[Reader]:
        """A read-only transaction through the driver alone (no SQLAlchemy): for the read commands."""
        from lipctl.store.reader import open_reader

        return open_reader(self.location, scrub=self.password)

    def mark_checked(self) -> None:
        """The schema is known to be this lipctl's (after init or upgrade): no check before the next unit of work."""
        self._checked = True

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def env(self) -> Env:
        """What the services of this invocation are given (the command boundary builds it here)."""
        return Env(store=self, actor=self.actor, today=self.today, command=self.command or "lipctl")


class Env:
    """Everything a service knows of its invocation, handed to it as its first parameter.

    ``store`` opens units of work (``uow(write=...)``) and read-only transactions (``reader()``) on
    the database; ``actor`` is who acts (the audit log, ``recorded_by``); ``today`` the "as of" date
    (--today); ``command`` the command's name for the audit log. Services never look anything up
    in a global: the commands build an Env from the invocation (``current().env()``), tests build
    their own (``Env(AppContext(db=url), actor="anna", today=...)``). Messages are translated by
    lipctl.i18n, set once per process from --lang / the environment.
    """

    __slots__ = ("actor", "command", "store", "today")

    def __init__(self, store: AppContext, actor: str, today: dt.date, command: str = "lipctl") -> None:
        from lipctl.process.limits import check_actor

        check_actor(actor, "--actor")
        self.store = store
        self.actor = actor
        self.today = today
        self.command = command

    def __repr__(self) -> str:
        return f"Env(actor={self.actor!r}, today={self.today}, command={self.command!r})"

    def replace(self, *, actor: str | None = None, today: dt.date | None = None, command: str | None = None) -> Env:
        """The same invocation with another actor, "as of" date or command name (same store)."""
        return Env(
            self.store,
            actor=self.actor if actor is None else actor,
            today=self.today if today is None else today,
            command=self.command if command is None else command,
        )

    def uow(self, *, write: bool = False) -> UnitOfWork:
        """A unit of work on the store (checked once to be of this lipctl's schema)."""
        return self.store.uow(write=write)

    def reader(self) -> AbstractContextManager[Reader]:
        """A read-only transaction through the driver alone (no SQLAlchemy)."""
        return self.store.reader()


_current: AppContext | None = None


def set_current(ctx: AppContext) -> None:
    global _current
    _current = ctx


def current() -> AppContext:
    """The invocation's context (a default one outside the CLI, e.g. in a service test)."""
    global _current
    if _current is None:
        _current = AppContext(
            db=os.environ.get("LIPCTL_DB") or None,
            actor=os.environ.get("LIPCTL_ACTOR") or default_actor(),
            today=parse_today(os.environ.get("LIPCTL_TODAY")),
        )
    return _current


def details(**values: Any) -> dict[str, Any]:
    """Audit details without None values."""
    return {k: v for k, v in values.items() if v is not None}
