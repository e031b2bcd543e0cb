"""Corrections of surveys: the import batches (survey imports), undoing one, renaming and deleting a survey.

Citizens' answers are personal data, so an undo or a deletion is a real deletion, not a void: the
answers go, and lipctl.store.erasure leaves no recoverable text in the database's files (SQLite:
secure_delete and a truncating WAL checkpoint; PostgreSQL: VACUUM FULL after the commit). What
stays is the record of what was done: an undone batch keeps its row (marked undone, by whom, when,
why) and its import event; the audit event of the undo or deletion names the survey and counts
the answers — it never holds a text. Erasure is never refused because something refers to the
survey (a draft that took it into account loses that link; the audit event lists the drafts).

``imports`` only reads (through the driver, no SQLAlchemy); the others import the store lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lipctl.errors import InvalidInput, Refused
from lipctl.i18n import _
from lipctl.process import limits
from lipctl.services.listings import voided_json
from lipctl.store.read import surveys

if TYPE_CHECKING:
    from lipctl.context import Env
    from lipctl.store.erasure import Erasure


def imports(env: Env, survey: str | None = None) -> list[dict[str, Any]]:
    """The import batches (of one survey), oldest first: the newest import is the last row."""
    with env.reader() as r:
        survey_id = surveys.survey(r, survey).id if survey else None
        return [batch_row(b) for b in surveys.batches(r, survey_id)]


def batch_row(b: surveys.Batch) -> dict[str, Any]:
    undone = voided_json(b.undone_at, b.undone_by, b.undo_reason)  # the shape (and UTC offset) of every "voided"
    return {
        "batch": b.id,
        "survey": b.survey,
        "path": b.path,
        "sha256": b.sha256,
        "profile": b.profile,
        "rows_read": b.rows_read,
        "imported": b.imported,
        "duplicates": b.duplicates,
        "rejected": b.rejected,
        "skipped": b.skipped,
        "actor": b.actor,
        "started_at": b.started_at,
        "finished_at": b.finished_at,
        "undone": undone,
    }


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(_("--reason is empty"), _("say why, e.g. --reason 'the wrong file was imported'"))
    return limits.check_text(text, "--reason", limits.MAX_REASON, multiline=True)


def _erasure(done: Erasure) -> dict[str, Any]:
    return {"erasure": {"complete": done.complete, "steps": done.steps}, "warnings": done.warnings, "note": done.note}


def undo(env: Env, batch_id: int, reason: str | None) -> dict[str, Any]:
    """Undo an import batch (survey undo): delete the answers it stored; its row stays, marked undone.

    The rejects it reported first are forgotten too (they are hashes, no text): importing the file
    again stores its answers again and reports its rejects again. A batch is undone once.
    """
    from lipctl.services import audit
    from lipctl.store import erasure
    from lipctl.store import repositories as repo

    why = _reason(reason)
    with env.uow(write=True) as uow:
        s = uow.session
        found = surveys.batch(repo.reader(s), batch_id)
        row = erasure.locked_batch(s, found.id)  # an undo of the same batch at the same time waits here
        assert row is not None
        if row.undone_at is not None:
            raise Refused(
                _("import batch {batch} was undone on {at} UTC by {by}").format(
                    batch=found.id, at=f"{row.undone_at:%Y-%m-%d %H:%M}", by=row.undone_by
                ),
                _("its answers are deleted already; 'lipctl survey imports' lists the batches"),
            )
        erasure.prepare(s)
        deleted = erasure.delete_batch_answers(s, found.survey_id, found.id)
        forgotten = erasure.forget_batch_rejects(s, found.id)
        row.undone_at, row.undone_by, row.undo_reason = audit.utcnow(), env.actor, why
        audit.record(
            env,
            s,
            "survey.import_undone",
            entity="import_batch",
            entity_id=found.id,
            happened_on=env.today,
            survey=found.survey,
            path=found.path,
            sha256=found.sha256,
            imported=found.imported,
            deleted=deleted,
            rejects_forgotten=forgotten,
            reason=why,
        )
        uow.commit()
        undone = voided_json(row.undone_at, row.undone_by, why)
    done = erasure.finish(uow.engine)
    return {
        "batch": found.id,
        "survey": found.survey,
        "path": found.path,
        "deleted": deleted,
        "rejects_forgotten": forgotten,
        "reason": why,
        "undone": undone,
        **_erasure(done),
    }


def rename(env: Env, old: str, new: str) -> dict[str, Any]:
    """Rename a survey (survey rename): names compare in any case, as the import's do."""
    from lipctl.services import audit
    from lipctl.store import repositories as repo

    name = new.strip()
    if not name:
        raise InvalidInput(_("the new survey name is empty"), _("give the new name, e.g. 'Beteiligung 2021'"))
    limits.check_name(name, "NEW")
    with env.uow(write=True) as uow:
        s = uow.session
        survey = repo.get_survey(s, old)
        before = survey.name
        clash = surveys.find_survey(repo.reader(s), name)
        if clash is not None and clash.id != survey.id:
            raise Refused(
                _("a survey {name!r} exists already").format(name=clash.name),
                _("choose another name (names compare in any case), or delete the other survey with 'lipctl survey delete'"),
            )
        if before == name:
            raise Refused(_("the survey is named {name!r} already").format(name=before), _("give a different new name"))
        survey.name = name
        audit.record(
            env, s, "survey.renamed", entity="survey", entity_id=survey.id, happened_on=env.today, old_name=before, survey=name
        )
        uow.commit()
    return {"survey": name, "renamed_from": before}


def delete(env: Env, name: str, reason: str | None) -> dict[str, Any]:
    """Delete a survey created by mistake (survey delete): its answers (GDPR erasure), import batches,
    reported rejects, its links to drafts, and its row. Never refused by what refers to it."""
    from lipctl.services import audit
    from lipctl.store import erasure
    from lipctl.store import repositories as repo

    why = _reason(reason)
    with env.uow(write=True) as uow:
        s = uow.session
        found = surveys.survey(repo.reader(s), name)
        erasure.lock_survey(s, found.id)  # an import into it under way finishes first; its answers go too
        r = repo.reader(s)
        per_batch = surveys.batch_answers(r, found.id)
        batches = [
            {"batch": b.id, "deleted": per_batch.get(b.id, 0), "undone": b.undone_at is not None}
            for b in surveys.batches(r, found.id)
        ]
        drafts = surveys.considered_by(r, found.id)
        erasure.prepare(s)
        erased = erasure.delete_survey(s, found.id)
        unbatched = erased.answers - sum(per_batch.values())  # answers stored before batches were recorded
        audit.record(
            env,
            s,
            "survey.deleted",
            entity="survey",
            entity_id=found.id,
            happened_on=env.today,
            survey=found.name,
            deleted=erased.answers,
            batches=batches,
            unbatched=unbatched or None,
            rejects_forgotten=erased.rejects,
            drafts=drafts or None,
            reason=why,
        )
        uow.commit()
    done = erasure.finish(uow.engine)
    return {
        "survey": found.name,
        "deleted": erased.answers,
        "batches": batches,
        "rejects_forgotten": erased.rejects,
        "drafts": drafts,
        "reason": why,
        **_erasure(done),
    }
