"""The schema version: checked cheaply on every command, upgraded through Alembic by init.

Ordinary commands read ``alembic_version`` with one query and compare it with the revisions
this lipctl ships (``REVISIONS``); Alembic itself is imported only to upgrade, and SQLAlchemy
only by the functions that take its connection (the read path checks through lipctl.store.reader).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lipctl.errors import StoreError
from lipctl.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Connection

# Every revision this lipctl knows, oldest first; tests/store/test_migrations.py checks this
# list against the scripts in migrations/versions.
# Chained at the merges of 4 Dec 2026: 0009 contacts and the seed's values, 0010 survey rounds,
# 0011 reminders sent (issue 18), 0012 the search index (issue 19), 0013 lighter answers (issue 14).
REVISIONS: tuple[str, ...] = (
    *("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008"),
    *("0009", "0010", "0011", "0012", "0013"),
)
HEAD = REVISIONS[-1]
MIGRATIONS = Path(__file__).parent / "migrations"


def current_revision(conn: Connection) -> str | None:
    """The database's revision, or None when it has no lipctl schema yet."""
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def refuse_newer(revision: str | None) -> None:
    if revision is not None and revision not in REVISIONS:
        raise StoreError(
            _("the database has schema version {rev}, written by a newer lipctl (this one knows up to {head})").format(
                rev=revision, head=HEAD
            ),
            _("install the newer lipctl; this one does not change the database"),
        )


def check(conn: Connection) -> None:
    """Refuse a database that is missing, newer or older than this lipctl."""
    verdict(current_revision(conn))


def verdict(revision: str | None) -> None:
    """Refuse a database whose revision (None: no lipctl schema) is not this lipctl's head."""
    if revision is None:
        raise StoreError(_("the database is not initialised"), _("run 'lipctl init' first"))
    refuse_newer(revision)
    if revision != HEAD:
        raise StoreError(
            _("the database has the older schema version {rev} (this lipctl uses {head})").format(rev=revision, head=HEAD),
            _("run 'lipctl init' or 'lipctl db upgrade' to upgrade it"),
        )


def alembic_config(conn: Connection):
    from alembic.config import Config

    cfg = Config()
    # A filesystem path, not a package resource: it is where the wheel installs the scripts.
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # The connection, never the URL: a '%' in a password would break Alembic's ConfigParser,
    # and the password would reach its logging.
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(conn: Connection, target: str = "head") -> tuple[str | None, str]:
    """Upgrade to ``target``; returns (revision before, revision after)."""
    from alembic import command

    before = current_revision(conn)
    refuse_newer(before)
    command.upgrade(alembic_config(conn), target)
    after = current_revision(conn)
    assert after is not None
    from lipctl.store import pause

    pause.at("after-schema")  # tests only (lipctl/store/pause.py)
    return before, after
