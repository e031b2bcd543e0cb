"""The write side of the audit chain: the head row (audit_head), locked by whoever appends.

Every audit event is appended under the lock of the one head row, so that concurrent writers on
PostgreSQL link one after another (``SELECT … FOR UPDATE``: the second waits for the first to
commit, then reads the head the first wrote). SQLite's writers are serialised already (``BEGIN
IMMEDIATE``), where SQLAlchemy writes no FOR UPDATE. The read side is lipctl.store.read.log.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipctl.errors import Refused
from lipctl.i18n import _
from lipctl.store import models as m

_KEY = "lipctl.audit_head"


def locked_head(session: Session) -> m.AuditHead:
    """The chain's head, its row locked for this transaction (loaded once per transaction).

    Changing the returned row's ``hash`` and ``events`` moves the head; it is written with the
    event, in the same transaction.
    """
    cached = session.info.get(_KEY)
    transaction = session.get_transaction()
    if cached is not None and transaction is not None and cached[0] is transaction:
        head: m.AuditHead = cached[1]
        return head
    found = session.scalars(
        select(m.AuditHead).where(m.AuditHead.id == 1).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()
    if found is None:
        raise Refused(
            _("the audit log has lost its head (table audit_head): it was changed outside lipctl"),
            _("run 'lipctl log verify', and restore the database from a backup"),
        )
    session.info[_KEY] = (session.get_transaction(), found)
    return found
