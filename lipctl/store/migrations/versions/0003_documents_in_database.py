"""documents in the database

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

On PostgreSQL the documents submitted with ``draft submit --file`` live in the database
(``documents`` and its ``document_chunks`` of up to 1 MiB), so that every office host sees the same
files. Documents that an earlier lipctl kept as files in the user data folder of the host that
recorded them are moved in: each file found on this host whose SHA-256 is the recorded one is
copied into the database chunk by chunk (memory stays flat) and its draft's ``file_copy`` is
cleared. A file that is missing here, or whose content no longer matches, is left as it was
recorded: ``lipctl draft document`` reads it from that path on a host where it is present. The files
themselves are left in place: the upgrade's transaction commits after this script, and a copy must not
go before it is stored.

SQLite keeps its documents in the ``files/`` folder beside the database; there the tables stay empty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CHUNK = 1024 * 1024


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_documents")),
    )
    op.create_table(
        "document_chunks",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["documents.sha256"], name=op.f("fk_document_chunks_sha256_documents")),
        sa.PrimaryKeyConstraint("sha256", "seq", name=op.f("pk_document_chunks")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _move_documents(bind)


def downgrade() -> None:
    op.drop_table("document_chunks")
    op.drop_table("documents")


def _move_documents(bind: sa.Connection) -> None:
    drafts = bind.execute(
        sa.text(
            "SELECT id, file_sha256, file_copy FROM drafts WHERE file_copy IS NOT NULL AND file_sha256 IS NOT NULL ORDER BY id"
        )
    ).all()
    for draft_id, sha256, path in drafts:
        stored = bind.execute(sa.text("SELECT 1 FROM documents WHERE sha256 = :s"), {"s": sha256}).first()
        if stored is None and not _store(bind, sha256, path):
            continue
        bind.execute(sa.text("UPDATE drafts SET file_copy = NULL WHERE id = :id"), {"id": draft_id})


def _store(bind: sa.Connection, sha256: str, path: str) -> bool:
    """Copy the file at ``path`` into the database if it is a regular file with the recorded SHA-256."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        os.set_blocking(fd, True)
        bind.execute(
            sa.text("INSERT INTO documents (sha256, size, chunks, stored_at) VALUES (:s, 0, 0, :t)"),
            {"s": sha256, "t": dt.datetime.now(dt.UTC).replace(tzinfo=None)},
        )
        digest = hashlib.sha256()
        size = seq = 0
        try:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                bind.execute(
                    sa.text("INSERT INTO document_chunks (sha256, seq, data) VALUES (:s, :n, :d)"),
                    {"s": sha256, "n": seq, "d": chunk},
                )
                size += len(chunk)
                seq += 1
        except OSError:
            ok = False
        else:
            ok = digest.hexdigest() == sha256
    if not ok:  # changed or damaged since it was recorded: left where it is
        bind.execute(sa.text("DELETE FROM document_chunks WHERE sha256 = :s"), {"s": sha256})
        bind.execute(sa.text("DELETE FROM documents WHERE sha256 = :s"), {"s": sha256})
        return False
    bind.execute(sa.text("UPDATE documents SET size = :z, chunks = :c WHERE sha256 = :s"), {"z": size, "c": seq, "s": sha256})
    return True
