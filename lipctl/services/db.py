"""lipctl db backup, check, upgrade: keeping the store itself safe.

A backup uses SQLite's online backup API, so it is a consistent copy even while others write;
it is written to a private temporary file (0600) beside the target and renamed into place only
when complete, so an interrupted backup never leaves half a file under the target's name.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DatabaseError

from lipctl.errors import Refused, StoreError
from lipctl.files import outputs
from lipctl.i18n import _

if TYPE_CHECKING:
    from lipctl.context import Env


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


def backup(env: Env, target: Path, *, force: bool = False) -> dict[str, Any]:
    """Copy the SQLite database to ``target`` (Sicherung), consistent even while others write."""
    from lipctl.store import maintenance, schema
    from lipctl.store.engine import is_sqlite, safe_url, sqlite_path

    url = env.store.url
    if not is_sqlite(url):
        raise Refused(
            _("lipctl backs up SQLite files only; this database is on a PostgreSQL server"),
            _(
                "use PostgreSQL's own tool: pg_dump --format=custom --file=BACKUP.dump '{url}' "
                "(the password from PGPASSWORD or ~/.pgpass)"
            ).format(url=_pg_dump_url(url)),
        )
    source = sqlite_path(url)
    if source is None:
        raise Refused(_("an in-memory database cannot be backed up"), _("point --db at a database file"))
    # Before the database is opened: a FIFO, a device, the database or its -wal are refused here.
    out = outputs.check_output(target, outputs.BACKUP, force=force)

    engine = env.store.engine()  # refuses a missing database with what to do
    try:
        with engine.connect() as conn:
            revision = schema.current_revision(conn)
    except DatabaseError as exc:
        raise _unreadable(source, exc) from None
    if revision is None:
        raise StoreError(_("the database is not initialised"), _("run 'lipctl init' first"))

    pending = outputs.PendingFile(out)  # created 0600 beside the target, renamed into place when complete
    try:
        integrity = maintenance.sqlite_backup(source, pending.path)  # one step: a consistent, self-contained copy
        if integrity != "ok":
            raise StoreError(
                _("the copy of {path} fails its check: {problem}").format(path=source, problem=integrity),
                _("run 'lipctl db check'; the database itself may be damaged"),
            )
        pending.commit()
    except sqlite3.DatabaseError as exc:
        raise _unreadable(source, exc) from None
    finally:
        pending.discard()  # nothing left when the copy failed (after a commit there is nothing to remove)
    target = out.given
    return {
        "database": safe_url(url),
        "backup": str(target),
        "bytes": target.stat().st_size,
        "schema": revision,
        "check": integrity,
    }


def check(env: Env, *, quick: bool = False) -> dict[str, Any]:
    """The state of the store (Datenbankprüfung): integrity, foreign keys, schema version, rows per table."""
    from lipctl.store import maintenance, schema
    from lipctl.store.engine import is_sqlite, safe_url, sqlite_path
    from lipctl.store.uow import UnitOfWork

    url = env.store.url
    engine = env.store.engine()
    problems: list[str] = []
    result: dict[str, Any] = {"database": safe_url(url), "backend": engine.dialect.name}
    try:
        with UnitOfWork(engine, scrub=env.store.password) as uow:  # read only: never committed
            conn = uow.session.connection()
            if is_sqlite(url):
                lines = maintenance.integrity_check(conn, quick=quick)
                result["integrity"] = "ok" if lines == ["ok"] else lines
                if lines != ["ok"]:
                    problems.append(_("integrity check: {first}").format(first=lines[0]))
                fk = [v._asdict() for v in maintenance.foreign_key_violations(conn)]
                result["foreign_key_violations"] = fk
                if fk:
                    problems.append(
                        _("{n} rows refer to rows that do not exist (first in table {table})").format(
                            n=len(fk), table=fk[0]["table"]
                        )
                    )
            else:
                result["server_version"] = maintenance.server_version(conn)
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
            # Only a database at this lipctl's version can be compared with its models.
            differences = schema_differences(conn) if result["schema_state"] == "current" else []
            unlinked = [u._asdict() for u in maintenance.unlinked_references(conn)] if revision == schema.HEAD else []
            result["unlinked_references"] = unlinked
            problems.extend(
                _("{n} rows of {table}.{column} refer to no row of {target} (first: id {first})").format(
                    n=u["rows"], table=u["table"], column=u["column"], target=u["target"], first=u["first_id"]
                )
                for u in unlinked
            )
            result["differences"] = differences
            problems.extend(differences)
            # Drucksachen register (revision 0007): numbers reused before the register existed. Listed, not a
            # problem: the votes stand as recorded; only new reuse is refused.
            result["drucksache_reuse"] = _drucksache_reuse(uow.session) if result["schema_state"] == "current" else []
            # Rosters (revision 0007): more voting members than seats on a day, from a seat count recorded later.
            result["roster_over_seats"] = _roster_over_seats(uow.session) if result["schema_state"] == "current" else []
            result["tables"] = maintenance.row_counts(conn)
    except DatabaseError as exc:
        raise _unreadable(sqlite_path(url) or safe_url(url), exc) from None
    result["audit_chain"] = _audit_chain(env, result, problems)
    result["problems"] = problems
    result["ok"] = not problems
    return result


def _roster_over_seats(session: Any) -> list[dict[str, Any]]:
    from lipctl.services.rosters import over_seats_everywhere

    return over_seats_everywhere(session)


def _drucksache_reuse(session: Any) -> list[dict[str, Any]]:
    from lipctl.services.papers import reuse

    return reuse(session)


def _audit_chain(env: Env, result: dict[str, Any], problems: list[str]) -> dict[str, Any] | None:
    """lipctl log verify's walk of the audit log (a database of this lipctl's schema only); its
    problem, if any, among the others. None when the log cannot be walked (a table is missing)."""
    from lipctl.errors import LipctlError
    from lipctl.services import log

    if result.get("schema_state") != "current" or not {"audit_events", "audit_head"} <= set(result.get("tables", {})):
        return None
    try:
        chain = log.verify(env)
    except LipctlError as exc:
        problems.append(_("the audit log could not be verified: {reason}").format(reason=exc.message))
        return None
    if not chain["ok"]:
        problems.append(chain["message"])
    return {key: chain[key] for key in ("ok", "events", "head", "problem", "event")}


def schema_differences(conn: Any) -> list[str]:
    """Every difference between the database and lipctl's models, one line each (Alembic's autogenerate compare).

    Tables, columns (and their types and NULL rules), indexes, unique constraints and foreign keys.
    The indexes and constraints of a missing table are not listed again.
    """
    from lipctl.store import maintenance

    diffs = maintenance.schema_diffs(conn)
    missing = {d[1].name for d in diffs if isinstance(d, tuple) and d[0] == "add_table"}
    lines: list[str] = []
    for diff in diffs:
        for line in _describe(diff, missing):
            if line not in lines:
                lines.append(line)
    return lines


def _describe(diff: Any, missing: set[str]) -> list[str]:
    """The lines for one entry of compare_metadata (a tuple, or a list of modify_* tuples for one column)."""
    if isinstance(diff, list):
        return [line for item in diff for line in _describe(item, missing)]
    op = diff[0]
    if op in ("add_table", "remove_table"):
        table = diff[1].name
        if op == "add_table":
            return [_("table {table} is missing").format(table=table)]
        return [_("table {table} is not part of lipctl's schema").format(table=table)]
    if op in ("add_column", "remove_column"):
        table, column = diff[2], diff[3].name
        if op == "add_column":
            return [_("column {table}.{column} is missing").format(table=table, column=column)]
        return [_("column {table}.{column} is not part of lipctl's schema").format(table=table, column=column)]
    if op in ("add_index", "remove_index", "add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        item = diff[1]
        table = item.table.name if getattr(item, "table", None) is not None else item.parent.name
        if table in missing:
            return []
        name = item.name or "?"
        kind = {"index": _("index"), "constraint": _("constraint"), "fk": _("foreign key")}[op.split("_", 1)[1]]
        if op.startswith("add_"):
            return [_("{kind} {name} on table {table} is missing").format(kind=kind, name=name, table=table)]
        return [_("{kind} {name} on table {table} is not part of lipctl's schema").format(kind=kind, name=name, table=table)]
    if op.startswith("modify_"):
        table, column = diff[2], diff[3]
        what = op.removeprefix("modify_")
        return [
            _("column {table}.{column} differs from lipctl's schema ({what}: {found} instead of {expected})").format(
                table=table, column=column, what=what, found=diff[5], expected=diff[6]
            )
        ]
    return [_("the schema differs from lipctl's: {difference}").format(difference=str(diff))]


def withdraw_others(env: Env) -> dict[str, Any] | None:
    """Take every permission of "others" from the SQLite database file and its -wal, -shm, -journal.

    A group-shared file (the group may write: 0660) keeps the group's permissions; a file the group
    may only read is SQLite's default 0644 and becomes private like a new database (0600). Returns
    what changed ({"paths", "before", "after"} with the database's modes), or None when nothing did.
    A file that belongs to someone else is left as it is and listed under "not_owner".
    """
    import stat

    path = env.store.location.path
    if path is None:
        return None
    changed: list[str] = []
    not_owner: list[str] = []
    before = after = None
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in outputs.DATABASE_COMPANIONS)):
        try:
            st = os.stat(candidate)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        mode = stat.S_IMODE(st.st_mode)
        if candidate == path:
            before = after = mode
        private = mode & ~0o007 if mode & 0o020 else mode & ~0o077
        if private == mode:
            continue
        try:
            os.chmod(candidate, private)
        except PermissionError:
            not_owner.append(str(candidate))
            continue
        changed.append(str(candidate))
        if candidate == path:
            after = private
    if not changed and not not_owner:
        return None
    return {
        "paths": changed,
        "before": f"{before:04o}" if before is not None else None,
        "after": f"{after:04o}" if after is not None else None,
        "not_owner": not_owner,
    }


def upgrade(env: Env) -> dict[str, Any]:
    """Bring the schema up to this lipctl's version (Schema-Aktualisierung), without loading the seed."""
    from lipctl.services import audit
    from lipctl.store import schema
    from lipctl.store.engine import safe_url
    from lipctl.store.uow import UnitOfWork

    engine = env.store.engine()  # an existing database only: 'lipctl init' creates one
    with UnitOfWork(engine, write=True, scrub=env.store.password) as uow:
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
            audit.record(env, uow.session, "schema.upgraded", before=before, after=after)
        uow.commit()
    env.store.mark_checked()
    return {
        "database": safe_url(env.store.url),
        "schema_before": before,
        "schema": after,
        "changed": before != after,
        "permissions": withdraw_others(env),
    }
