"""lipctl db backup, check, upgrade: keeping the store itself safe.

A backup uses SQLite's online backup API, so it is a consistent copy even while others write;
it is written to a private temporary file (0600) beside the target and renamed into place only
when complete, so an interrupted backup never leaves half a file under the target's name.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from lipctl.context import current
from lipctl.errors import NotFound, Refused, StoreError
from lipctl.i18n import _


def _pg_dump_url(url: Any) -> str:
    """The URL as pg_dump takes it: libpq's scheme, and never the password (user part or password=)."""
    from lipctl.store.location import url_without_password

    return url_without_password(url.render_as_string(hide_password=False))


def _unreadable(path: Path | str, exc: BaseException) -> StoreError:
    reason = (
        str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(getattr(exc, "orig", exc)).strip() else type(exc).__name__
    )
    return StoreError(
        _("{path} cannot be read as a lipctl database: {reason}").format(path=path, reason=reason),
        _("restore it from a backup ('lipctl db backup' makes one)"),
    )


def backup(target: Path, *, force: bool = False) -> dict[str, Any]:
    """Copy the SQLite database to ``target`` (Sicherung), consistent even while others write."""
    from lipctl.store import schema
    from lipctl.store.engine import is_sqlite, safe_url, sqlite_path

    ctx = current()
    url = ctx.url
    if not is_sqlite(url):
        raise Refused(
            _("lipctl backs up SQLite files only; this database is on a PostgreSQL server"),
            _(
                "use PostgreSQL's own tool: pg_dump --format=custom --file=BACKUP.dump '{url}' (the password from PGPASSWORD or ~/.pgpass)"
            ).format(url=_pg_dump_url(url)),
        )
    source = sqlite_path(url)
    if source is None:
        raise Refused(_("an in-memory database cannot be backed up"), _("point --db at a database file"))
    target = target.expanduser().absolute()
    folder = target.parent
    if target.is_dir():
        raise Refused(
            _("{path} is a folder").format(path=target),
            _("give the path of the backup file, e.g. {path}").format(path=target / "lipctl-backup.db"),
        )
    if not folder.is_dir():
        raise NotFound(
            _("the folder {folder} does not exist").format(folder=folder), _("create it first, or choose another path")
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise Refused(_("the folder {folder} is not writable").format(folder=folder), _("choose a folder you can write to"))
    if target.exists() and target.resolve() == source.resolve():
        raise Refused(_("{path} is the database itself").format(path=target), _("choose another path for the backup"))
    if target.exists() and not force:
        raise Refused(_("{path} already exists").format(path=target), _("choose another path, or add --force to replace it"))

    engine = ctx.engine()  # refuses a missing database with what to do
    try:
        with engine.connect() as conn:
            revision = schema.current_revision(conn)
    except DatabaseError as exc:
        raise _unreadable(source, exc) from None
    if revision is None:
        raise StoreError(_("the database is not initialised"), _("run 'lipctl init' first"))

    fd, tmp_name = tempfile.mkstemp(prefix=".lipctl-backup-", suffix=".db", dir=folder)  # created 0600
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # one step: a consistent snapshot (WAL readers do not block writers)
            # A single self-contained file: no -wal beside the copy.
            dst.execute("PRAGMA journal_mode = DELETE").fetchall()
            integrity = dst.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dst.close()
            src.close()
        if integrity != "ok":
            raise StoreError(
                _("the copy of {path} fails its check: {problem}").format(path=source, problem=integrity),
                _("run 'lipctl db check'; the database itself may be damaged"),
            )
        os.chmod(tmp, 0o600)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(source, exc) from None
    finally:
        tmp.unlink(missing_ok=True)
    return {
        "database": safe_url(url),
        "backup": str(target),
        "bytes": target.stat().st_size,
        "schema": revision,
        "check": integrity,
    }


def _counts(conn: Any, names: set[str]) -> dict[str, int]:
    from lipctl.store.models import Base

    return {
        t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
        for t in Base.metadata.sorted_tables
        if t.name in names
    }


def check(*, quick: bool = False) -> dict[str, Any]:
    """The state of the store (Datenbankprüfung): integrity, foreign keys, schema version, rows per table."""
    from sqlalchemy import inspect

    from lipctl.store import schema
    from lipctl.store.engine import is_sqlite, safe_url, sqlite_path

    from lipctl.store.uow import UnitOfWork

    ctx = current()
    url = ctx.url
    engine = ctx.engine()
    problems: list[str] = []
    result: dict[str, Any] = {"database": safe_url(url), "backend": engine.dialect.name}
    try:
        with UnitOfWork(engine, scrub=ctx.password) as uow:  # read only: never committed
            conn = uow.session.connection()
            if is_sqlite(url):
                pragma = "quick_check" if quick else "integrity_check"
                try:
                    lines = [r[0] for r in conn.exec_driver_sql(f"PRAGMA {pragma}")]
                except DatabaseError as exc:  # a damaged file may not even answer the check
                    lines = [str(getattr(exc, "orig", exc)).strip() or type(exc).__name__]
                result["integrity"] = "ok" if lines == ["ok"] else lines
                if lines != ["ok"]:
                    problems.append(_("integrity check: {first}").format(first=lines[0]))
                fk = [
                    dict(zip(("table", "rowid", "parent", "fk"), r, strict=False))
                    for r in conn.exec_driver_sql("PRAGMA foreign_key_check")
                ]
                result["foreign_key_violations"] = fk
                if fk:
                    problems.append(
                        _("{n} rows refer to rows that do not exist (first in table {table})").format(
                            n=len(fk), table=fk[0]["table"]
                        )
                    )
            else:
                conn.execute(text("SELECT 1"))
                result["server_version"] = conn.execute(text("SHOW server_version")).scalar_one()
                result["integrity"] = "ok"
            revision = schema.current_revision(conn)
            result["schema"] = revision
            result["schema_head"] = schema.HEAD
            if revision is None:
                result["schema_state"] = "none"
                problems.append(_("the database is not initialised: run 'lipctl init'"))
            elif revision not in schema.REVISIONS:
                result["schema_state"] = "newer"
                problems.append(_("schema version {rev} was written by a newer lipctl").format(rev=revision))
            elif revision != schema.HEAD:
                result["schema_state"] = "older"
                problems.append(
                    _("schema version {rev} is older than {head}: run 'lipctl db upgrade'").format(rev=revision, head=schema.HEAD)
                )
            else:
                result["schema_state"] = "current"
            result["tables"] = _counts(conn, set(inspect(conn).get_table_names()))
    except DatabaseError as exc:
        raise _unreadable(sqlite_path(url) or safe_url(url), exc) from None
    result["problems"] = problems
    result["ok"] = not problems
    return result


def upgrade() -> dict[str, Any]:
    """Bring the schema up to this lipctl's version (Schema-Aktualisierung), without loading the seed."""
    from lipctl.services import audit
    from lipctl.store import schema
    from lipctl.store.engine import safe_url
    from lipctl.store.uow import UnitOfWork

    ctx = current()
    engine = ctx.engine()  # an existing database only: 'lipctl init' creates one
    with UnitOfWork(engine, write=True, scrub=ctx.password) as uow:
        conn = uow.session.connection()
        try:
            before = schema.current_revision(conn)
        except DatabaseError as exc:
            raise StoreError(
                _("the database cannot be read: {reason}").format(reason=str(getattr(exc, "orig", exc)).strip()),
                _("restore it from a backup"),
            ) from None
        if before is None:
            raise StoreError(
                _("the database is not initialised"), _("run 'lipctl init', which creates the schema and loads the seed")
            )
        schema.refuse_newer(before)
        before, after = schema.upgrade(conn)
        if before != after:
            audit.record(uow.session, "schema.upgraded", before=before, after=after)
        uow.commit()
    ctx._checked = True
    return {"database": safe_url(ctx.url), "schema_before": before, "schema": after, "changed": before != after}
