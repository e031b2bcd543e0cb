"""Draft versions (Entwurfsfassungen): submit, list, show, and the story of one document.

The rules are lipctl.process.lifecycle; this module loads, applies them, stores and writes the
audit event in the same transaction. Nothing is deleted: a newer version supersedes an open one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lipctl.errors import InvalidInput, NotFound, Refused
from lipctl.i18n import _
from lipctl.process import lifecycle, limits
from lipctl.process.states import DraftState
from lipctl.services import audit
from lipctl.store import models as m
from lipctl.store import queries
from lipctl.store import repositories as repo
from lipctl.store.reader import Reader

#: Concurrent submits of one document may both pick the next version; the loser retries this often.
SUBMIT_ATTEMPTS = 8


# --- shared by drafts, opinions and decisions ----------------------------------------------


def parse_day(value: str | None, today: dt.date, option: str = "--date") -> dt.date:
    """A calendar date given on the command line, default ``today``; never after ``today``."""
    from lipctl.context import parse_day as read_day

    day = read_day(value, option)
    if day is None:
        return today
    if day > today:
        raise InvalidInput(
            _("{option} {date} is after today ({today})").format(option=option, date=day.isoformat(), today=today.isoformat()),
            _("record what has happened, on the day it happened"),
        )
    return day


def requirements(session: Session) -> list[tuple[str, int]]:
    """The bodies whose opinion every draft needs, with their deadline in days (seed.yaml)."""
    return queries.opinion_requirements(Reader.of(session))


def received(session: Session, draft_id: int) -> list[str]:
    """Slugs of the bodies that have given an opinion on the draft."""
    return queries.received_opinions(Reader.of(session), draft_id)


def missing(session: Session, draft: m.Draft) -> list[str]:
    return lifecycle.missing_opinions([b for b, _d in requirements(session)], received(session, draft.id))


def doc_ref(session: Session, draft: m.Draft) -> str:
    field = session.get(m.ActionField, draft.field_id)
    assert field is not None
    return f"{field.slug}/{draft.kind}"


def label(session: Session, draft: m.Draft) -> str:
    """How a version is named in messages: bildung/grundsatzpapier v2."""
    return f"{doc_ref(session, draft)} v{draft.version}"


def locked_draft(session: Session, ref: str) -> m.Draft:
    """The draft named by REF, its row locked for this transaction.

    On PostgreSQL a concurrent submit may supersede the latest version while we wait for the
    lock: a FIELD/KIND reference then means the new latest version.
    """
    draft = repo.get_draft(session, ref)
    session.refresh(draft, with_for_update=True)
    if not ref.strip().isdigit() and draft.state == DraftState.SUPERSEDED:
        draft = repo.get_draft(session, ref)
        session.refresh(draft, with_for_update=True)
    return draft


def draft_row(session: Session, draft: m.Draft) -> dict[str, Any]:
    """A draft as scripts read it (SPEC §3), as ``draft list`` and ``draft show`` show it."""
    from lipctl.services import listings

    return listings.draft_row(listings.draft_by_id(Reader.of(session), draft.id))


def set_state(draft: m.Draft, event: str, day: dt.date, **kw: Any) -> DraftState:
    """Apply a lifecycle event to the stored draft; ``state_since`` moves only when the state does."""
    before = draft.state
    draft.state = lifecycle.apply(before, event, **kw)
    if draft.state != before:
        draft.state_since = day
    return before


# --- document files ---------------------------------------------------------------------


@dataclass
class FileFacts:
    name: str
    size: int
    sha256: str
    staged: Path | None = None  # a copy waiting in the data directory to be kept


def files_dir() -> Path:
    """Where document copies are kept: ``files/`` next to the SQLite file, else in the user data directory."""
    from lipctl.context import current
    from lipctl.store.engine import sqlite_path

    ctx = current()
    path = sqlite_path(ctx.url)
    if path is not None:
        return path.parent / "files"
    import platformdirs

    return Path(platformdirs.user_data_dir("lipctl", appauthor=False)) / "files"


def _open_document(path_text: str) -> tuple[Path, Any]:
    path = Path(path_text).expanduser()
    if not path.exists():
        raise NotFound(_("file not found: {path}").format(path=path), _("check the path; nothing was recorded"))
    if path.is_dir():
        raise InvalidInput(_("{path} is a folder, not a file").format(path=path), _("give the document file itself with --file"))
    try:
        return path, open(path, "rb")
    except OSError as exc:
        raise Refused(
            _("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or type(exc).__name__),
            _("check the file's permissions; nothing was recorded"),
        ) from None


def read_file(path_text: str, *, keep_copy: bool) -> FileFacts:
    """SHA-256, size and name of a document; with ``keep_copy`` a 0600 copy staged in the data directory."""
    path, fh = _open_document(path_text)
    digest = hashlib.sha256()
    size = 0
    staged: Path | None = None
    out = None
    try:
        if keep_copy:
            folder = files_dir()
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=folder)  # mkstemp creates it 0600
            except OSError as exc:
                raise Refused(
                    _("cannot keep a copy in {folder}: {reason}").format(
                        folder=folder, reason=exc.strerror or type(exc).__name__
                    ),
                    _("make the folder writable, or point --db at a database in a writable folder"),
                ) from None
            staged = Path(tmp)
            out = os.fdopen(fd, "wb")
        try:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                if out is not None:
                    out.write(chunk)
        except OSError as exc:
            raise Refused(
                _("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or type(exc).__name__),
                _("check the file; nothing was recorded"),
            ) from None
    except BaseException:
        if out is not None:
            out.close()
        if staged is not None:
            staged.unlink(missing_ok=True)
        raise
    finally:
        fh.close()
    if out is not None:
        out.close()
    return FileFacts(path.name, size, digest.hexdigest(), staged)


def keep(facts: FileFacts) -> str | None:
    """Move a staged copy to its place, named by its content (a second identical copy changes nothing)."""
    if facts.staged is None:
        return None
    suffix = "".join(Path(facts.name).suffixes[-1:])[:16]
    final = facts.staged.parent / f"{facts.sha256}{suffix}"
    os.replace(facts.staged, final)
    os.chmod(final, 0o600)
    facts.staged = None
    return str(final)


# --- commands ---------------------------------------------------------------------------


def submit(
    field: str, kind: str, *, title: str | None = None, file: str | None = None, considered_surveys: Sequence[str] = ()
) -> dict[str, Any]:
    """A new version of a field's document (draft submit); a still-open earlier version is superseded."""
    from lipctl.context import current

    ctx = current()
    if title is not None:
        limits.check_name(title.strip(), "--title")
    if file:
        limits.check_file_name(file)
    facts = read_file(file, keep_copy=True) if file else None
    try:
        for attempt in range(SUBMIT_ATTEMPTS):
            try:
                return _submit_once(ctx, field, kind, title, facts, considered_surveys)
            except IntegrityError as exc:
                # Another office submitted the same document at the same moment and took our
                # version number first: start again in a fresh transaction with the next one.
                if "uq_drafts_field_kind_version" not in str(exc) and "drafts.field_id, drafts.kind, drafts.version" not in str(
                    exc
                ):
                    raise
                if attempt == SUBMIT_ATTEMPTS - 1:
                    raise Refused(
                        _("another submission of the same document kept taking the version number"),
                        _("nothing was recorded; try again in a moment"),
                    ) from None
        raise AssertionError("unreachable")  # pragma: no cover
    finally:
        if facts is not None and facts.staged is not None:
            facts.staged.unlink(missing_ok=True)


def _submit_once(
    ctx: Any, field: str, kind: str, title: str | None, facts: FileFacts | None, surveys: Sequence[str]
) -> dict[str, Any]:
    today = ctx.today
    with ctx.uow(write=True) as uow:
        s = uow.session
        f = repo.get_field(s, field)
        k = repo.get_kind(s, kind)
        survey_rows = []
        for name in surveys:
            sv = repo.get_survey(s, name)
            if sv.id not in {x.id for x in survey_rows}:
                survey_rows.append(sv)
        prev = s.scalars(
            select(m.Draft)
            .where(m.Draft.field_id == f.id, m.Draft.kind == k.slug)
            .order_by(m.Draft.version.desc())
            .limit(1)
            .with_for_update()
        ).first()
        version = prev.version + 1 if prev is not None else 1
        now = audit.utcnow()
        draft = m.Draft(
            field_id=f.id,
            kind=k.slug,
            version=version,
            state=lifecycle.apply(None, "submitted"),
            state_since=today,
            title=title.strip() if title and title.strip() else None,
            submitted_on=today,
            submitted_at=now,
            submitted_by=ctx.actor,
            file_name=facts.name if facts else None,
            file_size=facts.size if facts else None,
            file_sha256=facts.sha256 if facts else None,
        )
        s.add(draft)
        s.flush()  # the unique (field, kind, version) constraint speaks here
        # Every open earlier version (normally at most one) is superseded by this one.
        older = [
            old
            for old in s.scalars(
                select(m.Draft)
                .where(m.Draft.field_id == f.id, m.Draft.kind == k.slug, m.Draft.id != draft.id)
                .order_by(m.Draft.version)
            )
            if lifecycle.is_open(old.state)
        ]
        superseded = {"id": older[-1].id, "version": older[-1].version, "state_before": older[-1].state.value} if older else None
        need = requirements(s)
        audit.record(
            s,
            "draft.submitted",
            entity="draft",
            entity_id=draft.id,
            ref=f"{f.slug}/{k.slug}",
            version=version,
            title=draft.title,
            submitted_on=today,
            file_name=draft.file_name,
            file_size=draft.file_size,
            file_sha256=draft.file_sha256,
            considered_surveys=[sv.name for sv in survey_rows] or None,
            supersedes=superseded["id"] if superseded else None,
            required_opinions=[b for b, _d in need] or None,
        )
        for old in older:
            before = set_state(old, "superseded", today)
            audit.record(
                s,
                "draft.superseded",
                entity="draft",
                entity_id=old.id,
                ref=f"{f.slug}/{k.slug}",
                version=old.version,
                state_before=before.value,
                by_draft=draft.id,
                by_version=version,
            )
        for sv in survey_rows:
            s.add(m.DraftSurvey(draft_id=draft.id, survey_id=sv.id))
        if not need:  # a seed without required opinions: the steering group may decide at once
            set_state(draft, "opinions_complete", today)
            audit.record(
                s, "draft.ready_for_decision", entity="draft", entity_id=draft.id, ref=f"{f.slug}/{k.slug}", version=version
            )
        if facts is not None:
            draft.file_copy = keep(facts)
        uow.commit()
        row = draft_row(s, draft)
        row["superseded"] = superseded
        row["considered_surveys"] = [sv.name for sv in survey_rows]
        row["opinions_due"] = [{"body": b, "due": lifecycle.opinion_due(today, d)} for b, d in need]
        return row
