"""Erasing survey answers so that no text can be recovered from the database (citizens' texts: GDPR).

Survey answers are the one thing lipctl deletes for real (``survey undo``, ``survey delete``). A
plain DELETE leaves the text in the database's files: SQLite marks the row's space free but keeps
its bytes in the page (and in the WAL file, which holds the pages the import wrote until a
checkpoint truncates it); PostgreSQL leaves the dead row version in its page — even a plain
``VACUUM`` only marks the space free and keeps the bytes (checked with ``pg_read_binary_file``
on the table's file: every deleted text was still there). So, per store:

- SQLite: ``prepare`` sets ``PRAGMA secure_delete = ON`` on the deleting transaction's connection
  before the first DELETE (SQLite then overwrites the deleted cells and freed pages with zeros).
  That is not enough alone: an import written with secure_delete off (SQLite's own default; some
  builds turn it on) leaves stale copies of rows in the free space of pages each time a page is
  split or rebalanced — the marker test found them. So ``finish``, after the commit, runs
  ``VACUUM`` (the file is rebuilt from the live rows alone) and ``PRAGMA wal_checkpoint(TRUNCATE)``
  (the rebuilt pages go into the database file, the WAL file is truncated to nothing). A reader
  that keeps the database open can stop the checkpoint (it waits ``busy_timeout`` first): a
  warning says so and what to run once the reader is gone.
- PostgreSQL: ``finish``, after the commit and outside any transaction, runs ``VACUUM FULL
  survey_responses``: the table (with its TOAST table and indexes) is rewritten into new files and
  the old ones are removed. It needs an ACCESS EXCLUSIVE lock for the rewrite, so it waits at most
  LOCK_TIMEOUT for a running import or report; a role that does not own the table cannot run it
  (PostgreSQL skips it with a warning of its own, seen here as an unchanged relfilenode). Either
  way the deletion stands and a warning says who should run it. WAL archives and backups keep the
  old pages until they rotate out: the ``note`` says so.

The search index (issue 19, lipctl.search.index) holds the answers' stemmed terms: they are deleted
with the answers (SQLite: the FTS5 index is merged, then the file vacuumed; PostgreSQL: VACUUM FULL
rewrites search_terms and its GIN index too).
"""

from __future__ import annotations

import sqlite3
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, CursorResult, Engine, delete, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lipctl.i18n import _
from lipctl.store import models as m
from lipctl.store.errors import Where, reason

LOCK_TIMEOUT = "10s"
"""How long VACUUM FULL waits for its lock on survey_responses (an import or a report holding it) before giving up."""

TABLE = "survey_responses"


class Erasure(NamedTuple):
    """What ``finish`` did: whether the deleted texts are gone from the database's files, its warnings, a note."""

    complete: bool
    steps: list[str]
    warnings: list[str]
    note: str


class SurveyErased(NamedTuple):
    """The rows a survey's deletion removed, per table."""

    answers: int
    batches: int
    rejects: int
    draft_links: int


def prepare(session: Session) -> None:
    """Before the first DELETE of answers in this transaction: SQLite overwrites what it deletes with zeros."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")


def locked_batch(session: Session, batch_id: int) -> m.ImportBatch | None:
    """The import batch row, locked for this transaction (an undo at the same time waits for this one)."""
    return session.get(m.ImportBatch, batch_id, with_for_update=True, populate_existing=True)


def lock_survey(session: Session, survey_id: int) -> None:
    """Lock the survey's row: an import into it that is under way finishes first (its rows are then deleted too)."""
    session.execute(select(m.Survey.id).where(m.Survey.id == survey_id).with_for_update()).all()


def _delete(session: Session, model: type[m.Base], *where: Any) -> int:
    """DELETE the rows of ``model`` that match ``where`` (no ORM bookkeeping); how many."""
    result = session.execute(delete(model).where(*where).execution_options(synchronize_session=False))
    return int(cast("CursorResult[Any]", result).rowcount)


def delete_batch_answers(session: Session, survey_id: int, batch_id: int) -> int:
    """Delete the answers the batch stored (by survey too: the unique index's first column finds them); how many."""
    from lipctl.search import index as search_index  # issue 19: their terms leave the search index first

    search_index.remove_answers(session, survey_id, batch_id)
    return _delete(session, m.SurveyResponse, m.SurveyResponse.survey_id == survey_id, m.SurveyResponse.batch_id == batch_id)


def forget_batch_rejects(session: Session, batch_id: int) -> int:
    """Delete the rejects the batch reported first (hashes only), so that a new import reports them again; how many."""
    return _delete(session, m.ReportedReject, m.ReportedReject.batch_id == batch_id)


def delete_survey(session: Session, survey_id: int) -> SurveyErased:
    """Delete the survey and everything that refers to it: answers, reported rejects, draft links, import batches."""
    from lipctl.search import index as search_index  # issue 19: their terms leave the search index first

    search_index.remove_answers(session, survey_id)
    answers = _delete(session, m.SurveyResponse, m.SurveyResponse.survey_id == survey_id)
    rejects = _delete(session, m.ReportedReject, m.ReportedReject.survey_id == survey_id)
    links = _delete(session, m.DraftSurvey, m.DraftSurvey.survey_id == survey_id)
    batches = _delete(session, m.ImportBatch, m.ImportBatch.survey_id == survey_id)
    _delete(session, m.Survey, m.Survey.id == survey_id)
    return SurveyErased(answers=answers, batches=batches, rejects=rejects, draft_links=links)


def finish(engine: Engine) -> Erasure:
    """After the deletion's commit: make the deleted texts unrecoverable from the database's files."""
    if engine.dialect.name == "postgresql":
        return _vacuum_full(engine)
    return _sqlite_finish(engine)


def _sqlite_finish(engine: Engine) -> Erasure:
    note = _("backups of the database file made before this command still hold the deleted answers until they are rotated out")
    path = engine.url.database or ""
    retry = _("close the programs that have the database open, then run: sqlite3 {path} '{sql}'").format(
        path=path, sql="VACUUM; PRAGMA wal_checkpoint(TRUNCATE);"
    )
    steps, warnings = ["secure_delete"], []
    try:
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            try:
                cur.execute("VACUUM")
                steps.append("vacuum")
            except sqlite3.Error as exc:  # a writer that holds the lock beyond busy_timeout, a full disk
                warnings.append(
                    _("the database file was not rebuilt ({reason}): it may still hold deleted answers; {retry}").format(
                        reason=reason(exc, Where.of_engine(engine)), retry=retry
                    )
                )
            busy, _log, _done = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cur.close()
        finally:
            raw.close()
    except (DBAPIError, sqlite3.Error) as exc:
        warnings.append(
            _("the WAL checkpoint failed ({reason}): {path}-wal may still hold deleted answers; {retry}").format(
                reason=reason(exc, Where.of_engine(engine)), path=path, retry=retry
            )
        )
        return Erasure(False, steps, warnings, note)
    if busy:
        warnings.append(
            _("another connection is reading the database, so {path}-wal still holds deleted answers; {retry}").format(
                path=path, retry=retry
            )
        )
    else:
        steps.append("wal_checkpoint_truncate")
    return Erasure(not warnings, steps, warnings, note)


def _vacuum_full(engine: Engine) -> Erasure:
    note = _("PostgreSQL: WAL archives and backups made before this command still hold the deleted answers until they rotate out")
    fix = _("until the table's owner runs 'VACUUM FULL survey_responses', the deleted answers stay in its old pages")
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            file_before, owner, me = _table_file(conn)
            conn.exec_driver_sql(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
            try:
                conn.exec_driver_sql(f"VACUUM FULL {TABLE}")
                conn.exec_driver_sql("VACUUM FULL search_terms")  # issue 19: the search index's terms of the answers
            finally:
                conn.exec_driver_sql("RESET lock_timeout")  # the connection goes back to the pool
            file_after, _owner, _me = _table_file(conn)
    except DBAPIError as exc:  # the lock not had within LOCK_TIMEOUT, a full disk, the server gone
        why = reason(exc, Where.of_engine(engine))
        warning = _("the answers are deleted, but VACUUM FULL {table} did not run ({reason}); {fix}").format(
            table=TABLE, reason=why, fix=fix
        )
        return Erasure(False, ["delete"], [warning], note)
    if file_after == file_before:  # PostgreSQL skipped it (a warning of its own): the role may not vacuum the table
        warning = _(
            "the answers are deleted, but the role {me} may not run VACUUM FULL {table} (its owner is {owner}); {fix}"
        ).format(me=me, table=TABLE, owner=owner, fix=fix)
        return Erasure(False, ["delete"], [warning], note)
    return Erasure(True, ["delete", "vacuum_full"], [], note)


def _table_file(conn: Connection) -> tuple[int, str, str]:
    """The table's relfilenode (VACUUM FULL gives it a new one), its owner and the current role."""
    row = conn.exec_driver_sql(
        f"SELECT pg_relation_filenode('{TABLE}'), pg_get_userbyid(relowner), current_user "  # noqa: S608 - a constant of this module
        f"FROM pg_class WHERE oid = '{TABLE}'::regclass"
    ).one()
    return int(row[0]), str(row[1]), str(row[2])
