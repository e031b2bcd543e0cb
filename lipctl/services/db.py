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

    documents = Documents(files_dir(env), documents_beside(out.given))
    documents.check_target(force=force)  # before anything is written: an existing folder needs --force too
    documents.verify()  # and a damaged document is named before a backup without it is made
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
    copied = documents.copy(replace=force)
    return {
        "database": safe_url(url),
        "backup": str(target),
        "bytes": target.stat().st_size,
        "schema": revision,
        "check": integrity,
        "documents": copied,
        "documents_folder": str(documents.target) if copied else None,
    }


def files_dir(env: Env) -> Path:
    """The database's stored documents (``files/`` beside a SQLite file): lipctl.services.drafts.files_dir."""
    from lipctl.services.drafts import files_dir as where

    return where(env)


def documents_beside(backup: Path) -> Path:
    """Where a backup's documents go: ``PATH.files/`` beside ``PATH``, so that a plain copy of both restores."""
    return backup.with_name(backup.name + ".files")


class Documents:
    """The stored documents of a SQLite database, copied as a folder beside its backup (and back).

    The files are named by their SHA-256 (``files/<sha256>.pdf``); each copy is checked against its
    name. The new folder is written under a temporary name and renamed into place when complete.
    """

    def __init__(self, source: Path, target: Path) -> None:
        self.source = source
        self.target = target

    def files(self) -> list[Path]:
        if not self.source.is_dir():
            return []
        return sorted(p for p in self.source.iterdir() if p.is_file() and not p.is_symlink() and not p.name.startswith("."))

    def check_target(self, *, force: bool) -> None:
        if self.target.is_symlink() or (self.target.exists() and not self.target.is_dir()):
            raise Refused(
                _("{path} is in the way of the backup's documents: it is not a folder").format(path=self.target),
                _("move it away, or back up to another path"),
            )
        if self.target.exists() and not force and self.files():
            raise Refused(
                _("the documents folder {path} exists").format(path=self.target),
                _("add --force to replace it with the backup, or back up to another path"),
            )

    def copy(self, *, replace: bool) -> int:
        """Copy every document into a new folder at ``target``; returns how many (0: no folder made)."""
        import shutil
        import tempfile

        files = self.files()
        if not files:
            return 0
        fresh = Path(tempfile.mkdtemp(prefix=".lipctl-documents-", dir=self.target.parent))
        try:
            for file in files:
                _copy_checked(file, fresh / file.name)
            old = None
            if self.target.exists() and replace:
                old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
                self.target.rename(old)
            fresh.rename(self.target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            if fresh.exists():
                shutil.rmtree(fresh, ignore_errors=True)
        return len(files)

    def verify(self) -> None:
        """Refuse (naming it) a document whose SHA-256 is not the one its name gives."""
        for file in self.files():
            _check_digest(file, _sha256(file))

    def merge_into(self, folder: Path) -> int:
        """Copy the documents of ``source`` that ``folder`` lacks into it (restore); returns how many."""
        files = self.files()
        if files:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        added = 0
        for file in files:
            if not (folder / file.name).exists():
                _copy_checked(file, folder / file.name)
                added += 1
        return added


def _copy_checked(source: Path, target: Path) -> None:
    """Copy one document (0600) and refuse a copy whose SHA-256 is not the one its name says."""
    import hashlib

    digest = hashlib.sha256()
    pending = target.with_name(f".{target.name}.tmp")
    with open(source, "rb") as src, open(os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as dst:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    try:
        _check_digest(source, digest.hexdigest())
    except StoreError:
        pending.unlink()
        raise
    pending.rename(target)


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _check_digest(source: Path, digest: str) -> None:
    expected = source.name.split(".")[0].lower()
    if len(expected) == 64 and digest != expected:
        raise StoreError(
            _("the stored document {path} is damaged: its SHA-256 is not the one its name gives").format(path=source),
            _("restore it from an earlier backup, then run this again"),
        )


def restore(env: Env, source: Path, *, force: bool = False) -> dict[str, Any]:
    """Put a backup (``lipctl db backup``) back as this SQLite database, with its documents (Wiederherstellung).

    The backup is checked first (a SQLite file of a lipctl schema this lipctl knows, intact); it is
    then copied into the database through SQLite's backup API, so that other lipctl processes see
    either the old database or the restored one. An existing database is replaced only with --force.
    """
    from lipctl.store import schema
    from lipctl.store.engine import is_sqlite, safe_url, sqlite_path

    url = env.store.url
    if not is_sqlite(url):
        raise Refused(
            _("lipctl restores SQLite files only; this database is on a PostgreSQL server"),
            _("use PostgreSQL's own tool: pg_restore --clean --dbname='{url}' BACKUP.dump").format(url=_pg_dump_url(url)),
        )
    target = sqlite_path(url)
    if target is None:
        raise Refused(_("an in-memory database cannot be restored into"), _("point --db at a database file"))
    given = Path(source).expanduser()
    if not given.is_file():
        raise Refused(
            _("{path} is not a backup file").format(path=given),
            _("give the file that 'lipctl db backup PATH' wrote"),
        )
    if target.exists() and given.resolve() == target.resolve():
        raise Refused(_("{path} is the database itself").format(path=given), _("give the backup file"))
    revision, integrity = _backup_facts(given)
    if revision not in schema.REVISIONS:
        raise Refused(
            _("{path} was written by a newer lipctl (schema {rev})").format(path=given, rev=revision),
            _("restore it with that lipctl version, or a newer one"),
        )
    if target.exists() and target.stat().st_size > 0 and not force:
        raise Refused(
            _("the database {path} exists; restoring replaces everything in it").format(path=target),
            _("add --force to replace it (keep a copy first: lipctl db backup COPY)"),
        )
    if not target.parent.is_dir():
        raise Refused(
            _("the folder {path} does not exist").format(path=target.parent), _("create it first, or point --db elsewhere")
        )
    documents = Documents(documents_beside(given), files_dir(env))
    documents.verify()  # a damaged document refuses the restore before the database is touched
    env.store.dispose()  # no connection of this process holds the database while it is replaced
    src = sqlite3.connect(f"file:{given}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(given, exc) from None
    finally:
        dst.close()
        src.close()
    added = documents.merge_into(files_dir(env))
    if revision == schema.HEAD:  # the restored log says who restored it, when, from what
        from lipctl.services import audit

        with env.uow(write=True) as uow:
            audit.record(env, uow.session, "db.restored", backup=given.name, schema=revision, documents=added)
            uow.commit()
    return {
        "database": safe_url(url),
        "backup": str(given),
        "schema": revision,
        "check": integrity,
        "documents": added,
        "upgrade_needed": revision != schema.HEAD,
    }


def _backup_facts(path: Path) -> tuple[str, str]:
    """The schema revision and quick_check of a backup file; refuses anything that is not a lipctl database."""
    with open(path, "rb") as fh:
        magic = fh.read(len(outputs.SQLITE_MAGIC))
    if magic != outputs.SQLITE_MAGIC:
        raise Refused(
            _("{path} is not a SQLite database").format(path=path),
            _("give the file that 'lipctl db backup PATH' wrote"),
        )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            integrity = str(conn.execute("PRAGMA quick_check").fetchone()[0])
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            raise Refused(
                _("{path} is not a lipctl database (it has no schema version)").format(path=path),
                _("give the file that 'lipctl db backup PATH' wrote"),
            ) from None
        raise _unreadable(path, exc) from None
    if integrity != "ok":
        raise StoreError(
            _("the backup {path} fails its check: {problem}").format(path=path, problem=integrity),
            _("restore an earlier backup"),
        )
    if row is None:
        raise Refused(
            _("{path} is not a lipctl database (it has no schema version)").format(path=path),
            _("give the file that 'lipctl db backup PATH' wrote"),
        )
    return str(row[0]), integrity


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
