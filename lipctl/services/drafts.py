"""Draft versions (Entwurfsfassungen): submit, list, show, and the story of one document.

The rules are lipctl.process.lifecycle; this module loads, applies them, stores and writes the
audit event in the same transaction. Nothing is deleted: a newer version supersedes an open one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lipctl.errors import InvalidInput, NotFound, Refused, StoreError
from lipctl.files import inputs, outputs
from lipctl.i18n import _
from lipctl.process import chronology, lifecycle, limits, plan
from lipctl.process.states import DraftState
from lipctl.services import audit
from lipctl.store import models as m
from lipctl.store import repositories as repo
from lipctl.store.read import drafts as read_drafts
from lipctl.store.read import opinions as read_opinions

if TYPE_CHECKING:
    from lipctl.context import Env

#: Concurrent submits of one document may both pick the next version; the loser retries this often.
SUBMIT_ATTEMPTS = 8


# --- shared by drafts, opinions and decisions ----------------------------------------------


def parse_day(value: str | None, today: dt.date, option: str = "--date", hint: str | None = None) -> dt.date:
    """A calendar date given on the command line, default ``today``; never after ``today`` (``hint``
    says what to do instead, when the command has a better word for it than the general one)."""
    from lipctl.context import parse_day as read_day

    day = read_day(value, option)
    if day is None:
        return today
    if day > today:
        raise InvalidInput(
            _("{option} {date} is after today ({today})").format(option=option, date=day.isoformat(), today=today.isoformat()),
            hint or _("record what has happened, on the day it happened"),
        )
    return day


def missing(session: Session, draft: m.Draft) -> list[str]:
    """The required opinions the draft still lacks (seen after this transaction's changes)."""
    r = repo.reader(session)
    return lifecycle.missing_opinions([b for b, _d in read_opinions.requirements(r)], read_opinions.received(r, draft.id))


def doc_ref(session: Session, draft: m.Draft) -> str:
    """FIELD/KIND of a field's document, ``plan`` for the complete plan (Gesamtplan)."""
    if draft.field_id is None:
        return plan.PLAN_REF
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
    if not ref.strip().isdigit() and (draft.state == DraftState.SUPERSEDED or draft.voided_at is not None):
        draft = repo.get_draft(session, ref)
        session.refresh(draft, with_for_update=True)
    refuse_withdrawn(session, draft)
    return draft


def refuse_withdrawn(session: Session, draft: m.Draft) -> None:
    """Nothing is recorded on a version that was withdrawn (draft withdraw)."""
    if draft.voided_at is None:
        return
    raise Refused(
        _("{draft} was withdrawn on {date} by {actor}: {reason}").format(
            draft=label(session, draft), date=draft.voided_at.date().isoformat(), actor=draft.voided_by, reason=draft.void_reason
        ),
        _("act on the latest version instead (REF as FIELD/KIND)"),
    )


def set_state(draft: m.Draft, event: str, day: dt.date, **kw: Any) -> DraftState:
    """Apply a lifecycle event to the stored draft; ``state_since`` moves only when the state does."""
    before = draft.state
    draft.state = lifecycle.apply(before, event, **kw)
    if draft.state != before:
        draft.state_since = day
    return before


def mark_ready(env: Env, session: Session, draft: m.Draft, ref: str, day: dt.date) -> None:
    """Every required opinion is in (or none is required): the version awaits the steering group's
    decision from ``day``, and the log says so, dated ``day``."""
    set_state(draft, "opinions_complete", day)
    ready = "draft.ready_for_decision"
    audit.record(env, session, ready, entity="draft", entity_id=draft.id, happened_on=day, ref=ref, version=draft.version)


# --- document files ---------------------------------------------------------------------


FileFacts = inputs.Copied


def files_dir(env: Env) -> Path:
    """Where document copies are kept: ``files/`` next to the SQLite file, else in the user data directory."""
    from lipctl.store.engine import sqlite_path

    path = sqlite_path(env.store.url)
    if path is not None:
        return path.parent / "files"
    import platformdirs

    return Path(platformdirs.user_data_dir("lipctl", appauthor=False)) / "files"


def read_file(env: Env, path_text: str, *, keep_copy: bool) -> FileFacts:
    """SHA-256, size and name of a document; with ``keep_copy`` a 0600 copy staged in the data directory.

    Only a regular file within the document size limit is read (lipctl.files.inputs).
    """
    return inputs.copy_in(path_text, inputs.document_kind(), files_dir(env) if keep_copy else None)


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


def store_document(session: Session, facts: FileFacts) -> None:
    """Stream a staged copy into the database (PostgreSQL), 1 MiB a row; a content already stored is kept once.

    Two offices storing the same file at once: the second waits on the first one's row and then
    finds it there. The copy is hashed again on its way in, so that what is stored is what was read.
    """
    from sqlalchemy import insert
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    assert facts.staged is not None
    chunks = -(-facts.size // inputs.CHUNK)
    new = session.execute(
        pg_insert(m.Document)
        .values(sha256=facts.sha256, size=facts.size, chunks=chunks, stored_at=audit.utcnow())
        .on_conflict_do_nothing(index_elements=["sha256"])
        .returning(m.Document.sha256)
    ).first()
    if new is None:  # stored before (or by an office that just committed it)
        return
    digest = hashlib.sha256()
    seq = 0
    with open(facts.staged, "rb") as fh:  # our own 0600 copy, written by this command
        while data := fh.read(inputs.CHUNK):
            digest.update(data)
            session.execute(insert(m.DocumentChunk).values(sha256=facts.sha256, seq=seq, data=data))
            seq += 1
    if seq != chunks or digest.hexdigest() != facts.sha256:
        raise Refused(
            _("the copy of {name} changed while it was stored").format(name=facts.name),
            _("nothing was recorded; check the disk of the data folder and submit again"),
        )


@dataclass
class StoredDocument:
    """A draft's stored document, ready to be written out: its chunks are read twice (checked, then written)."""

    name: str | None
    size: int
    sha256: str
    label: str


DOCUMENT = outputs.Purpose("document", "--output", "document.pdf", 0o600)


def save_document(env: Env, ref: str, output: str | None, *, force: bool = False) -> tuple[StoredDocument, str]:
    """Write the document stored with REF to ``output`` (default: the name it was submitted with, here),
    atomically, after its SHA-256 has been checked (draft file); returns it and the path written."""
    if output is None:
        with env.reader() as r:
            row = read_drafts.draft(r, read_drafts.draft_id(r, ref))
        name = Path(row.file_name or "").name
        fallback = f"{row.ref.replace('/', '-')}-v{row.version}"  # a name that says which version it is
        output = name if row.file_sha256 and name not in ("", ".", "..") else fallback
    target = outputs.check_output(Path(output), DOCUMENT, force=force)
    pending = outputs.PendingFile(target)
    try:
        stored = write_document(env, ref, cast("BinaryIO", pending.open(binary=True)))
        pending.commit()
    finally:
        pending.discard()
    return stored, str(target.given)


def write_document(env: Env, ref: str, out: BinaryIO) -> StoredDocument:
    """Write the document stored with draft REF to ``out``, after its SHA-256 has been checked (draft document)."""

    with env.reader() as r:
        row = read_drafts.draft(r, read_drafts.draft_id(r, ref))
        what = f"{row.ref} v{row.version}"
        sha256 = row.file_sha256
        if not sha256:
            raise NotFound(
                _("{draft} has no stored document").format(draft=what),
                _("a document is kept when a version is submitted with --file"),
            )
        stored = read_drafts.stored(r, sha256)
        if stored is not None:
            chunks = stored.chunks

            def read() -> Iterator[bytes]:
                for seq in range(chunks):
                    found = read_drafts.chunk(r, sha256, seq)
                    if found is None:
                        raise _damaged(what, sha256)
                    yield found
        else:
            path = _kept_path(env, row.file_copy, sha256, what)

            def read() -> Iterator[bytes]:
                with inputs.open_raw(path, inputs.stored_kind()) as fh:
                    while data := fh.read(inputs.CHUNK):
                        yield data

        for step in ("check", "write"):
            digest = hashlib.sha256()
            size = 0
            for data in read():
                digest.update(data)
                size += len(data)
                if step == "write":
                    out.write(data)
            if digest.hexdigest() != sha256:
                raise _damaged(what, sha256)
        out.flush()
        return StoredDocument(row.file_name, size, sha256, what)


def _damaged(what: str, sha256: str) -> StoreError:
    return StoreError(
        _("the stored document of {draft} does not match its SHA-256 {sha256}").format(draft=what, sha256=sha256),
        _("it was changed or damaged where it is kept; nothing was written — restore it from a backup or submit the file again"),
    )


def _kept_path(env: Env, recorded: str | None, sha256: str, what: str) -> Path:
    """Where a kept copy is: as recorded, else in this database's files/ folder (moved with the database)."""
    candidates = []
    if recorded:
        candidates.append(Path(recorded))
        candidates.append(files_dir(env) / Path(recorded).name)
    candidates.extend(sorted(files_dir(env).glob(f"{sha256}*")) if files_dir(env).is_dir() else [])
    for path in candidates:
        if path.is_file():
            return path
    raise NotFound(
        _("the stored document of {draft} is not here: {path}").format(draft=what, path=recorded or files_dir(env)),
        _("it was kept on the host that recorded it; copy it from there or submit the file again"),
    )


# --- commands ---------------------------------------------------------------------------


def submit(
    env: Env,
    field: str,
    kind: str | None,
    *,
    title: str | None = None,
    file: str | None = None,
    considered_surveys: Sequence[str] = (),
    date: str | None = None,
    without_basis: bool = False,
    reason: str | None = None,
    without_all_fields: bool = False,
) -> dict[str, Any]:
    """A new version of a field's document (draft submit), received on ``date`` (default: as of
    --today); a still-open earlier version is superseded. A kind written on the basis of another
    (the seed's ``based_on``) needs that basis first, or ``without_basis`` with a ``reason``.

    ``field`` ``plan`` submits a version of the complete plan (Gesamtplan, no ``kind``): refused until
    every field has an adopted version of every kind, or ``without_all_fields`` with a ``reason``."""

    if plan.is_plan_ref(field):
        if kind is not None and kind.strip().lower() != plan.PLAN_KIND:
            raise InvalidInput(
                _("the complete plan has no document kind {kind!r}").format(kind=kind),
                _("leave out --kind: lipctl draft submit plan [--file PATH]"),
            )
        if without_basis:
            raise InvalidInput(
                _("--without-grundsatzpapier is for a field's Maßnahmenkatalog"),
                _("the plan's exception is --without-all-fields --reason TEXT"),
            )
        if reason is not None and reason.strip():
            limits.check_text(reason.strip(), "--reason", limits.MAX_REASON, multiline=True)
        plan.check_exception(without_all_fields, reason)
        kind, basis = plan.PLAN_KIND, (without_all_fields, reason)
    else:
        if kind is None:
            raise InvalidInput(
                _("say which document of {field} this is").format(field=field),
                _("pass --kind KIND, e.g. --kind grundsatzpapier (or submit the complete plan: lipctl draft submit plan)"),
            )
        if without_all_fields:
            raise InvalidInput(
                _("--without-all-fields is for the complete plan"),
                _("lipctl draft submit plan --without-all-fields --reason TEXT"),
            )
        basis = (without_basis, reason)
    if title is not None:
        limits.check_name(title.strip(), "--title")
    if file:
        limits.check_file_name(file)
    day = parse_day(date, env.today, hint=_("give the date the version was received"))
    facts = read_file(env, file, keep_copy=True) if file else None
    try:
        for attempt in range(SUBMIT_ATTEMPTS):
            try:
                return _submit_once(env, field, kind, title, facts, considered_surveys, day, basis)
            except IntegrityError as exc:
                # Another office submitted the same document at the same moment and took our
                # version number first: start again in a fresh transaction with the next one.
                if not any(name in str(exc) for name in _VERSION_TAKEN):
                    raise
                if attempt == SUBMIT_ATTEMPTS - 1:
                    raise Refused(
                        _("another submission of the same document kept taking the version number"),
                        _("nothing was recorded; try again in a moment"),
                    ) from None
        raise AssertionError("unreachable")  # pragma: no cover
    finally:
        if facts is not None:
            facts.discard()


#: How the stores name a version number taken by a concurrent submit (a field's document; the plan's).
_VERSION_TAKEN = (
    "uq_drafts_field_kind_version",
    "drafts.field_id, drafts.kind, drafts.version",
    "uq_drafts_plan_version",
    "UNIQUE constraint failed: drafts.version",
)


def plan_missing(session: Session) -> list[plan.Missing]:
    """What the complete plan still lacks: per field, the kinds without a committee-adopted version."""
    adopted = repo.adopted_documents(session)
    slug = {f.id: f.slug for f in repo.all_fields(session)}
    return plan.missing_fields(
        [f.slug for f in repo.all_fields(session)],
        [k.slug for k in repo.all_kinds(session)],
        {(slug[f], k) for f, k in adopted if f in slug},
    )


def _submit_once(
    env: Env,
    field: str,
    kind: str,
    title: str | None,
    facts: FileFacts | None,
    surveys: Sequence[str],
    today: dt.date,
    basis: tuple[bool, str | None] = (False, None),
) -> dict[str, Any]:
    """One attempt at a submit, in one unit of work: load what it names, store the version, show it.

    ``today`` is the day the version was received (--date)."""
    with env.uow(write=True) as uow:
        s = uow.session
        exceptions: dict[str, Any] = {}
        if plan.is_plan_ref(field):
            f, kind_slug, ref = None, plan.PLAN_KIND, plan.PLAN_REF
            missing_fields = plan_missing(s)
            excepted = plan.check_submit(missing_fields, without_all_fields=basis[0], reason=basis[1])
            if excepted is not None:
                exceptions = {
                    "without_all_fields": True,
                    "reason": excepted,
                    "missing": [{"field": x.field, "kinds": list(x.kinds)} for x in missing_fields],
                }
        else:
            f = repo.get_field(s, field)
            k = repo.get_kind(s, kind)
            kind_slug, ref = k.slug, f"{f.slug}/{k.slug}"
            from lipctl.services.milestones import check_basis  # the basis rule ("auf dieser Grundlage")

            exceptions["without_basis"] = check_basis(s, f.id, f.slug, k.slug, today, without_basis=basis[0], reason=basis[1])
        considered = _considered(s, surveys)
        draft = _new_version(env, s, f, kind_slug, title, facts, today)
        # Every open earlier version (normally at most one) is superseded by this one.
        older = [old for old in repo.other_versions(s, draft) if lifecycle.is_open(old.state)]
        superseded = {"id": older[-1].id, "version": older[-1].version, "state_before": older[-1].state.value} if older else None
        need = read_opinions.requirements(repo.reader(s))
        audit.record(
            env,
            s,
            "draft.submitted",
            entity="draft",
            entity_id=draft.id,
            happened_on=today,
            ref=ref,
            version=draft.version,
            title=draft.title,
            submitted_on=today,
            file_name=draft.file_name,
            file_size=draft.file_size,
            file_sha256=draft.file_sha256,
            considered_surveys=[sv.name for sv in considered] or None,
            supersedes=superseded["id"] if superseded else None,
            required_opinions=[b for b, _d in need] or None,
            **exceptions,
        )
        _supersede(env, s, older, draft, ref, today)
        for sv in considered:
            s.add(m.DraftSurvey(draft_id=draft.id, survey_id=sv.id))
        if not need:  # a seed without required opinions: the steering group may decide at once
            mark_ready(env, s, draft, ref, today)
        if facts is not None:
            if s.get_bind().dialect.name == "sqlite":
                draft.file_copy = keep(facts)
            else:  # a shared store: every office host reads the document from the database
                store_document(s, facts)
        uow.commit()
        return _submitted(s, draft, superseded, considered, need, today)


def _considered(session: Session, names: Sequence[str]) -> list[m.Survey]:
    """The surveys named by --considers, each once, in the order given."""
    found: list[m.Survey] = []
    for name in names:
        survey = repo.get_survey(session, name)
        if survey.id not in {x.id for x in found}:
            found.append(survey)
    return found


def _new_version(
    env: Env,
    session: Session,
    field: m.ActionField | None,
    kind: str,
    title: str | None,
    facts: FileFacts | None,
    day: dt.date,
) -> m.Draft:
    """The next version of the document (field None: of the plan), received on ``day``, stored (flushed):
    the unique version constraint speaks here. It comes after the version it revises (chronology)."""
    field_id = field.id if field is not None else None
    prev = repo.latest_for_update(session, field_id, kind)  # numbers are never reused: withdrawn ones count
    live = prev if prev is None or prev.voided_at is None else repo.latest_live(session, field_id, kind)
    if live is not None and prev is not None:
        doc = f"{field.slug}/{kind}" if field is not None else plan.PLAN_REF
        returned = read_drafts.decision(repo.reader(session), live.id) if live.state == DraftState.RETURNED else None
        chronology.check_submission(
            day,
            what=f"{doc} v{prev.version + 1}",
            previous=f"{doc} v{live.version}",
            previous_submitted=live.submitted_on,
            returned_on=returned.decided_on if returned is not None else None,
            previous_state=live.state.value,
            previous_since=live.state_since if lifecycle.is_open(live.state) else None,
        )
    draft = m.Draft(
        field_id=field_id,
        kind=kind,
        version=prev.version + 1 if prev is not None else 1,
        state=lifecycle.apply(None, "submitted"),
        state_since=day,
        title=title.strip() if title and title.strip() else None,
        submitted_on=day,
        submitted_at=audit.utcnow(),
        submitted_by=env.actor,
        file_name=facts.name if facts else None,
        file_size=facts.size if facts else None,
        file_sha256=facts.sha256 if facts else None,
    )
    session.add(draft)
    session.flush()
    from lipctl.search import index as search_index  # issue 19: the search index (lipctl.search)

    search_index.add_draft(session, draft.id, field_id, draft.title)
    return draft


def _supersede(env: Env, session: Session, older: list[m.Draft], draft: m.Draft, ref: str, day: dt.date) -> None:
    for old in older:
        before = set_state(old, "superseded", day)
        audit.record(
            env,
            session,
            "draft.superseded",
            entity="draft",
            entity_id=old.id,
            happened_on=day,
            ref=ref,
            version=old.version,
            state_before=before.value,
            by_draft=draft.id,
            by_version=draft.version,
        )


def _submitted(
    session: Session,
    draft: m.Draft,
    superseded: dict[str, Any] | None,
    considered: list[m.Survey],
    need: list[tuple[str, int]],
    today: dt.date,
) -> dict[str, Any]:
    """The new version as 'draft show' shows it, with what the submit changed and what is due."""
    from lipctl.services import listings

    row = listings.draft_row(read_drafts.draft(repo.reader(session), draft.id))
    row["superseded"] = superseded
    row["considered_surveys"] = [sv.name for sv in considered]
    row["opinions_due"] = [{"body": b, "due": lifecycle.opinion_due(today, d)} for b, d in need]
    return row
