"""Survey imports (listing, statistics and the export read through lipctl.services.responses).

An import streams each file through lipctl.surveys.reader, checks every row with
lipctl.process.routing and stores the routed ones through lipctl.store.bulk (SQLite: INSERT …
ON CONFLICT DO NOTHING on (survey, response_key); PostgreSQL: COPY, then INSERT … SELECT), BATCH
rows at a time (a first import into an empty survey on PostgreSQL: one COPY for the file, run again
batch by batch should the file hold a key twice). Each file is one
transaction: it is imported whole or not at all, so a killed import, run again, ends with every
row exactly once. One audit event per file.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from lipctl.errors import InvalidInput, LipctlError, StoreError
from lipctl.i18n import _
from lipctl.process.limits import check_name
from lipctl.process.routing import KEYS, NameMatcher, Routed, RowRules, RowSorter, known_rejects
from lipctl.services import audit
from lipctl.store import bulk
from lipctl.store import repositories as repo
from lipctl.surveys import profile as profiles
from lipctl.surveys.reader import Source, inspect, records

if TYPE_CHECKING:
    from lipctl.context import Env

BATCH = 2000
LOOKUP = 500  # reject hashes per SELECT … IN (…) when telling known rejects from new ones
REJECTS_LISTED = 1000
"""At most this many rejects per file are kept for the report; the --rejects file gets them all."""

Progress = Callable[[int], None]


# --- import -------------------------------------------------------------------------------


class _Plan:
    """One file, ready to import: its source (encoding, delimiter, header) and its profile mapping."""

    def __init__(self, source: Source, mapping: profiles.Mapping) -> None:
        self.source = source
        self.mapping = mapping


class _RejectSink:
    """Rejected rows for the --rejects file: line, reason and the mapped cells (never other columns)."""

    COLUMNS = ("file", "line", "reason", *KEYS)

    def __init__(self, path: Path | None, inputs: list[Path], force: bool = False) -> None:
        from lipctl.files import outputs

        self.path = path
        self.pending: outputs.PendingFile | None = None
        self.writer = None
        if path is not None:
            header = ",".join(self.COLUMNS)  # plain names: the csv module writes them unquoted
            own = [
                outputs.Protected(
                    source,
                    _("{path} is one of the files to import"),
                    _("name another file for the rejected rows"),
                )
                for source in inputs
            ]
            # An earlier rejects file (its header line says so) is replaced without --force, for cron.
            target = outputs.check_output(path, outputs.rejects_purpose(header), force=force, protected=own)
            self.pending = outputs.PendingFile(target)
            self.fh = self.pending.open(newline="")
            self.writer = csv.writer(self.fh)
            self.writer.writerow(self.COLUMNS)

    def file_writer(self) -> _FileRejects:
        return _FileRejects(self.path is not None)

    def accept(self, file_rejects: _FileRejects) -> None:
        if self.writer is not None and self.pending is not None:
            try:
                file_rejects.copy_into(self.fh)
            except OSError as exc:  # a full disk: a clear refusal that names the file, not "unexpected error"
                raise self.pending.failure(exc) from None

    def close(self, ok: bool) -> None:
        if self.pending is None:
            return
        if ok:
            self.pending.commit()  # checked again, then renamed into place
        else:
            self.pending.discard()


class _FileRejects:
    """One file's rejects: the first REJECTS_LISTED in memory, all of them spooled for --rejects,
    and the SHA-256 of each one's raw bytes, to tell rejects reported before from new ones."""

    def __init__(self, spool: bool) -> None:
        from lipctl.output.csvsafe import safe_cell

        self.safe_cell = safe_cell
        self.listed: list[dict[str, Any]] = []
        self.count = 0
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="") if spool else None  # noqa: SIM115 - closed in close()
        self.writer = csv.writer(self.spool) if self.spool else None
        self.hashes: Any = None  # "sha256 code" per reject, in file order; opened at the first one
        self.known = 0

    def add(self, path: str, line: int, code: str, reason: str, cells: tuple[str, ...], raw: bytes) -> None:
        self.count += 1
        if len(self.listed) < REJECTS_LISTED:
            self.listed.append({"line": line, "reason": reason, "code": code, "known": False})
        if self.writer is not None:
            self.writer.writerow([path, line, reason, *(self.safe_cell(c) for c in cells)])
        if self.hashes is None:
            self.hashes = tempfile.SpooledTemporaryFile(1 << 20, "w+", encoding="ascii", newline="")  # noqa: SIM115 - closed in close()
        self.hashes.write(f"{hashlib.sha256(raw).hexdigest()} {code}\n")

    def settle(self, session: Any, survey_id: int, batch_id: int) -> None:
        """Count the rejects the survey has reported before (in another batch), and record the new
        ones with this file's batch, in its transaction. Reads the hashes back LOOKUP at a time."""
        if self.hashes is None:
            return
        conn = session.connection()
        self.hashes.seek(0)
        index = 0
        while chunk := [line.split() for line in itertools.islice(self.hashes, LOOKUP)]:
            found = bulk.reported_rejects(conn, survey_id, (h for h, _code in chunk))
            known, new = known_rejects(chunk, found, batch_id)
            for position, is_known in enumerate(known, index):
                if is_known and position < len(self.listed):
                    self.listed[position]["known"] = True
            self.known += sum(known)
            index += len(chunk)
            if new:
                bulk.record_rejects(conn, survey_id, batch_id, new)

    def copy_into(self, out: Any) -> None:
        if self.spool is not None:
            self.spool.seek(0)
            while chunk := self.spool.read(1 << 20):
                out.write(chunk)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
        if self.hashes is not None:
            self.hashes.close()


def import_files(
    env: Env,
    paths: list[Path],
    survey: str,
    *,
    profile: str | None = None,
    maps: list[str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    dry_run: bool = False,
    rejects: Path | None = None,
    force: bool = False,
    progress: Callable[[int, int], Callable[[int], None]] | None = None,
) -> dict[str, Any]:
    """Import survey exports (Umfrageimport): every file is read, checked and stored whole or not at all.

    Every file is opened (encoding, delimiter, header, profile) before anything is stored, so an
    unreadable file among several changes nothing. ``progress(file_index, size)`` returns a
    callback that receives the bytes read so far.
    """
    name = survey.strip()
    if not name:
        raise InvalidInput(_("--survey is empty"), _("name the survey, e.g. --survey 'Beteiligung 2020'"))
    check_name(name, "--survey")
    overrides = profiles.parse_maps(maps)
    given = profiles.load(profile) if profile else None
    delim = profiles.parse_delimiter(delimiter) if delimiter else None
    plans: list[_Plan] = []
    for path in paths:
        enc = encoding or (given.encoding if given else None)
        source = inspect(Path(path), encoding=enc, delimiter=delim or (given.delimiter if given else None))
        chosen = (given or profiles.detect(source.header)).with_maps(overrides)
        plans.append(_Plan(source, profiles.resolve(chosen, source.header, source=source.name)))

    sink = _RejectSink(rejects, [plan.source.path for plan in plans], force)
    results: list[dict[str, Any]] = []
    ok = False
    try:
        if dry_run:
            # One transaction for all files, never committed: duplicates across files count as they would.
            with env.uow(write=True) as uow:
                survey_id = bulk.import_survey_id(uow.session.connection(), name, audit.utcnow())
                for i, plan in enumerate(plans):
                    results.append(
                        _import_file(env, uow.session, survey_id, plan, sink, progress(i, plan.source.size) if progress else None)
                    )
        else:
            for i, plan in enumerate(plans):
                try:
                    results.append(_import_committed(env, name, plan, sink, progress(i, plan.source.size) if progress else None))
                except Exception as exc:
                    if len(plans) == 1:
                        raise
                    # Each file is its own transaction: the ones before this one are stored. Say exactly which.
                    raise _partly_stored(exc, plan, results, [p.source.name for p in plans[i:]]) from exc
        ok = True
    finally:
        sink.close(ok)
    return {
        "survey": name,
        "dry_run": dry_run,
        "imported": sum(r["imported"] for r in results),
        "duplicates": sum(r["duplicates"] for r in results),
        "rejected": sum(r["rejected"] for r in results),
        "known_rejects": sum(r["known_rejects"] for r in results),
        "new_rejects": sum(r["new_rejects"] for r in results),
        "skipped": sum(r["skipped"] for r in results),
        "outside_period": sum(r["outside_period"] for r in results),  # issue 18: imported, dated outside the period
        "empty_files": [r["path"] for r in results if r["empty"]],
        "files": results,
    }


def _import_committed(env: Env, name: str, plan: _Plan, sink: _RejectSink, progress: Progress | None) -> dict[str, Any]:
    """One file in its own transaction, committed. A first import into an empty survey goes through
    one COPY (lipctl.store.bulk); should the file hold a key twice, in two batches, that COPY fails
    and the file is imported again from the start, batch by batch with look-ups."""
    for direct in (True, False):
        try:
            with env.uow(write=True) as uow:
                survey_id = bulk.import_survey_id(uow.session.connection(), name, audit.utcnow())
                result = _import_file(env, uow.session, survey_id, plan, sink, progress, direct=direct)
                uow.commit()
            return result
        except bulk.DuplicateInFile:
            if not direct:  # pragma: no cover - only the streamed COPY raises it
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _partly_stored(exc: Exception, plan: _Plan, stored: list[dict[str, Any]], missing: list[str]) -> LipctlError:
    """The error of a multi-file import whose file ``plan`` failed: which files are stored, which not."""
    if isinstance(exc, LipctlError):
        message = exc.message
        # A store error's hint speaks of the whole command ("nothing was changed"): not true here.
        hint = None if isinstance(exc, StoreError) else exc.hint
    else:
        message = _("unexpected error while importing {path} ({error})").format(
            path=plan.source.name, error=f"{type(exc).__name__}: {exc}".splitlines()[0]
        )
        hint = None
    if stored:
        where = _("stored: {stored}; not stored: {missing} — running the same command again adds only what is missing").format(
            stored=", ".join(_("{path} (batch {batch})").format(path=r["path"], batch=r["batch"]) for r in stored),
            missing=", ".join(missing),
        )
    else:
        where = _("not stored: {missing} — none of the files was stored").format(missing=", ".join(missing))
    error = LipctlError(message, f"{hint}; {where}" if hint else where)
    error.exit_code = exc.exit_code if isinstance(exc, LipctlError) else error.exit_code
    return error


def _rules(session: Any, mapping: profiles.Mapping) -> RowRules:
    field_ids = {f.slug: f.id for f in repo.all_fields(session)}
    category_ids = {c.slug: c.id for c in repo.all_categories(session)}
    values = mapping.profile.values
    fields = NameMatcher(repo.field_keys(session), field_ids, values.get("action_field"))
    categories = (
        NameMatcher(repo.category_keys(session), category_ids, values.get("category")) if "category" in mapping.index else None
    )
    return RowRules(
        fields,
        categories,
        has_id=mapping.has_id,
        skip_when_empty=[k for k in mapping.profile.skip_when_empty if k in mapping.index],
    )


def _import_file(
    env: Env, session: Any, survey_id: int, plan: _Plan, sink: _RejectSink, progress: Progress | None, *, direct: bool = False
) -> dict[str, Any]:
    """One file in the session's transaction: its rows, its batch, and its rejects told known or new.
    ``direct``: the store may stream the file through one COPY (see _import_committed)."""
    rejects = sink.file_writer()
    try:
        result = _import_stream(env, session, survey_id, plan, rejects, progress, direct)
        rejects.settle(session, survey_id, result["batch"])
        sink.accept(rejects)
    finally:
        rejects.close()
    result["known_rejects"] = rejects.known
    result["new_rejects"] = result["rejected"] - rejects.known
    result["empty"] = result["rows_read"] == 0
    # issue 18, survey rounds: one COUNT per file after its last batch (none without a period)
    from lipctl.store import surveyrounds

    result["outside_period"] = surveyrounds.outside_period(session.connection(), survey_id, result["batch"])
    return result


def _import_stream(
    env: Env, session: Any, survey_id: int, plan: _Plan, rejects: _FileRejects, progress: Progress | None, direct: bool
) -> dict[str, Any]:
    """Read, sort and store one file's rows: its batch row first, its counts and audit event last."""
    source, mapping = plan.source, plan.mapping
    conn = session.connection()
    path = str(source.path.absolute())
    batch_id = bulk.start_batch(
        conn, survey_id, path=path, profile=mapping.profile.name, started_at=audit.utcnow(), actor=env.actor
    )
    reader = records(source, progress=progress)
    raw = reader.raw  # the bytes of a rejected row, for known_rejects

    def reject(line: int, code: str, reason: str, cells: tuple[str, ...]) -> None:
        rejects.add(source.name, line, code, reason, cells, raw())

    sorter = RowSorter(_rules(session, mapping), mapping.index, mapping.other, len(mapping.header), reject)
    imported, duplicates = _store(bulk.response_writer(conn, direct=direct), sorter.routed(reader), survey_id, batch_id)
    counts = {
        "rows_read": sorter.rows_read,
        "imported": imported,
        "duplicates": duplicates,
        "rejected": sorter.rejected,
        "skipped": sorter.skipped,
    }
    bulk.finish_batch(conn, batch_id, sha256=source.sha256, finished_at=audit.utcnow(), counts=counts)
    from lipctl.search import index as search_index  # issue 19: the file's answers into the search index, set-based

    search_index.add_survey_batch(conn, batch_id)
    audit.record(
        env,
        session,
        "survey.imported",
        entity="import_batch",
        entity_id=batch_id,
        survey=bulk.survey_name(conn, survey_id),
        path=path,
        sha256=source.sha256,
        profile=mapping.profile.name,
        encoding=source.encoding,
        delimiter=source.delimiter,
        columns=mapping.describe(),
        **cast("dict[str, Any]", counts),  # details, not record()'s keywords
    )
    session.flush()
    return {
        "path": source.name,
        "sha256": source.sha256,
        "profile": mapping.profile.name,
        "encoding": source.encoding,
        "delimiter": source.delimiter,
        "batch": batch_id,
        **counts,
        "rejects": rejects.listed,
        "rejects_omitted": rejects.count - len(rejects.listed),
    }


def _store(writer: bulk.ResponseWriter, routed: Iterator[tuple[int, Routed]], survey_id: int, batch_id: int) -> tuple[int, int]:
    """Hand the routed rows to the writer BATCH at a time; (imported, duplicates) once all are stored.

    The same response twice in one batch: the first one counts, the other is a duplicate.
    """
    to_date = writer.date
    imported = duplicates = 0
    pending: dict[str, tuple[Any, ...]] = {}
    for line, (key, field_id, _field, category_id, _category, text, at) in routed:
        if key in pending:
            duplicates += 1
            continue
        if to_date is not None and at is not None:
            at = to_date(at)  # the value as the driver takes it
        pending[key] = (survey_id, key, field_id, category_id, text, at, batch_id, line)
        if len(pending) >= BATCH:
            new, known = writer.write(list(pending.values()))
            imported, duplicates = imported + new, duplicates + known
            pending = {}
    if pending:
        new, known = writer.write(list(pending.values()))
        imported, duplicates = imported + new, duplicates + known
    new, known = writer.flush()  # PostgreSQL sends one batch while the next is read: wait for all of them
    return imported + new, duplicates + known
