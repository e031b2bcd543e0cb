"""Survey imports (listing, statistics and the export read through lipctl.services.responses).

An import streams each file through lipctl.surveys.reader, checks every row with
lipctl.process.routing and stores the routed ones through lipctl.store.bulk (SQLite: INSERT …
ON CONFLICT DO NOTHING on (survey, response_key); PostgreSQL: COPY, then INSERT … SELECT), BATCH
rows at a time. Each file is one
transaction: it is imported whole or not at all, so a killed import, run again, ends with every
row exactly once. One audit event per file.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from lipctl.context import current
from lipctl.errors import InvalidInput, LipctlError
from lipctl.i18n import _
from lipctl.process.routing import KEYS, OTHER, NameMatcher, RowRejected, RowRules
from lipctl.services import audit
from lipctl.store import bulk
from lipctl.store import models as m
from lipctl.store import repositories as repo
from lipctl.surveys import profile as profiles
from lipctl.surveys.reader import Source, Unreadable, inspect, records

BATCH = 2000
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

    COLUMNS = ["file", "line", "reason", *KEYS]

    def __init__(self, path: Path | None, inputs: list[Path]) -> None:
        self.path = path
        self.tmp = None
        self.writer = None
        if path is not None:
            path = path.expanduser().absolute()
            folder = path.parent
            if not folder.is_dir():
                raise InvalidInput(
                    _("--rejects: the folder {folder} does not exist").format(folder=folder),
                    _("create it, or choose another path"),
                )
            if path.is_dir():
                raise InvalidInput(
                    _("--rejects: {path} is a folder").format(path=path),
                    _("name a file, e.g. {path}").format(path=path / "rejects.csv"),
                )
            for source in inputs:
                if path.exists() and os.path.samefile(path, source):
                    raise InvalidInput(
                        _("--rejects {path} is one of the files to import").format(path=path),
                        _("name another file for the rejected rows"),
                    )
            if not os.access(folder, os.W_OK | os.X_OK):
                raise InvalidInput(
                    _("--rejects: the folder {folder} is not writable").format(folder=folder),
                    _("choose a folder you can write to"),
                )
            try:
                fd, name = tempfile.mkstemp(prefix=".lipctl-rejects-", suffix=".csv", dir=folder)
            except OSError as exc:
                raise InvalidInput(
                    _("--rejects: cannot write into {folder}: {reason}").format(folder=folder, reason=exc.strerror or exc),
                    _("choose a folder you can write to"),
                ) from None
            os.chmod(name, 0o600)  # rejected rows are citizens' words too
            self.tmp = Path(name)
            self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
            self.writer = csv.writer(self.fh)
            self.writer.writerow(self.COLUMNS)

    def file_writer(self) -> _FileRejects:
        return _FileRejects(self.path is not None)

    def accept(self, file_rejects: _FileRejects) -> None:
        if self.writer is not None:
            file_rejects.copy_into(self.fh)

    def close(self, ok: bool) -> None:
        if self.tmp is None:
            return
        self.fh.close()
        if ok:
            os.replace(self.tmp, self.path.expanduser().absolute())  # type: ignore[union-attr]
        else:
            self.tmp.unlink(missing_ok=True)


class _FileRejects:
    """One file's rejects: the first REJECTS_LISTED in memory, all of them spooled for --rejects."""

    def __init__(self, spool: bool) -> None:
        from lipctl.output.csvsafe import safe_cell

        self.safe_cell = safe_cell
        self.listed: list[dict[str, Any]] = []
        self.count = 0
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="") if spool else None
        self.writer = csv.writer(self.spool) if self.spool else None

    def add(self, path: str, line: int, code: str, reason: str, cells: tuple[str, ...]) -> None:
        self.count += 1
        if len(self.listed) < REJECTS_LISTED:
            self.listed.append({"line": line, "reason": reason, "code": code})
        if self.writer is not None:
            self.writer.writerow([path, line, reason, *(self.safe_cell(c) for c in cells)])

    def copy_into(self, out: Any) -> None:
        if self.spool is not None:
            self.spool.seek(0)
            while chunk := self.spool.read(1 << 20):
                out.write(chunk)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()


def import_files(
    paths: list[Path],
    survey: str,
    *,
    profile: str | None = None,
    maps: list[str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    dry_run: bool = False,
    rejects: Path | None = None,
    progress: Callable[[int, int], Callable[[int], None]] | None = None,
) -> dict[str, Any]:
    """Import survey exports (Umfrageimport): every file is read, checked and stored whole or not at all.

    Every file is opened (encoding, delimiter, header, profile) before anything is stored, so an
    unreadable file among several changes nothing. ``progress(file_index, size)`` returns a
    callback that receives the bytes read so far.
    """
    ctx = current()
    name = survey.strip()
    if not name:
        raise InvalidInput(_("--survey is empty"), _("name the survey, e.g. --survey 'Beteiligung 2020'"))
    overrides = profiles.parse_maps(maps)
    given = profiles.load(profile) if profile else None
    delim = profiles.parse_delimiter(delimiter) if delimiter else None
    plans: list[_Plan] = []
    for path in paths:
        enc = encoding or (given.encoding if given else None)
        source = inspect(Path(path), encoding=enc, delimiter=delim or (given.delimiter if given else None))
        chosen = (given or profiles.detect(source.header)).with_maps(overrides)
        plans.append(_Plan(source, profiles.resolve(chosen, source.header, source=source.name)))

    sink = _RejectSink(rejects, [plan.source.path for plan in plans])
    results: list[dict[str, Any]] = []
    ok = False
    try:
        if dry_run:
            # One transaction for all files, never committed: duplicates across files count as they would.
            with ctx.uow(write=True) as uow:
                survey_id = _survey_id(uow.session, name)
                for i, plan in enumerate(plans):
                    results.append(
                        _import_file(uow.session, survey_id, plan, sink, progress(i, plan.source.size) if progress else None)
                    )
        else:
            for i, plan in enumerate(plans):
                try:
                    with ctx.uow(write=True) as uow:
                        survey_id = _survey_id(uow.session, name)
                        results.append(
                            _import_file(uow.session, survey_id, plan, sink, progress(i, plan.source.size) if progress else None)
                        )
                        uow.commit()
                except LipctlError as exc:
                    if not results:
                        raise
                    # The files before this one are committed, each whole: say so, and that a re-run is safe.
                    raise type(exc)(
                        exc.message,
                        _(
                            "{hint}; imported before it: {files} — running the same command again adds only what is missing"
                        ).format(
                            hint=exc.hint or _("nothing of this file was imported"), files=", ".join(r["path"] for r in results)
                        ),
                    ) from None
        ok = True
    finally:
        sink.close(ok)
    return {
        "survey": name,
        "dry_run": dry_run,
        "imported": sum(r["imported"] for r in results),
        "duplicates": sum(r["duplicates"] for r in results),
        "rejected": sum(r["rejected"] for r in results),
        "skipped": sum(r["skipped"] for r in results),
        "files": results,
    }


def _survey_id(session: Any, name: str) -> int:
    """The survey's id (names match case-insensitively), created on its first import."""
    query = select(m.Survey.id).where(func.lower(m.Survey.name) == name.lower()).order_by(m.Survey.id).limit(1)
    found = session.execute(query).scalar()
    if found is not None:
        return found
    # Two first imports of one survey at once (PostgreSQL does not serialise them as SQLite
    # does): the second one's insert does nothing, and both find the one row.
    session.execute(
        _dialect_insert(session.connection(), m.Survey.__table__)
        .values(name=name, created_at=audit.utcnow())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return session.execute(query).scalar_one()


def _dialect_insert(conn: Connection, table: Any) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


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


def _import_file(session: Any, survey_id: int, plan: _Plan, sink: _RejectSink, progress: Progress | None) -> dict[str, Any]:
    source = plan.source
    attempts = [None]
    if source.encoding_detected and source.encoding == "utf-8":
        attempts.append("cp1252")  # German Excel: the head was plain ASCII, a later umlaut is not UTF-8
    for encoding in attempts:
        savepoint = session.begin_nested()
        rejects = sink.file_writer()
        try:
            result = _import_stream(session, survey_id, plan, rejects, encoding, progress)
        except UnicodeDecodeError:
            savepoint.rollback()
            rejects.close()
            continue
        except BaseException:
            rejects.close()
            raise
        savepoint.commit()
        sink.accept(rejects)
        rejects.close()
        return result
    raise Unreadable(
        _("{path} is not readable as {encoding} throughout").format(
            path=source.name, encoding=" / ".join(e or source.encoding for e in attempts)
        ),
        _("nothing of it was imported; give the file's encoding with --encoding"),
    )


def _import_stream(
    session: Any, survey_id: int, plan: _Plan, rejects: _FileRejects, encoding: str | None, progress: Progress | None
) -> dict[str, Any]:
    ctx = current()
    source, mapping = plan.source, plan.mapping
    rules = _rules(session, mapping)
    conn = session.connection()
    started = audit.utcnow()
    batches = m.ImportBatch.__table__
    batch_id = conn.execute(
        batches.insert().values(
            survey_id=survey_id,
            path=str(source.path.absolute()),
            profile=mapping.profile.name,
            started_at=started,
            rows_read=0,
            imported=0,
            duplicates=0,
            rejected=0,
            skipped=0,
            actor=ctx.actor,
        )
    ).inserted_primary_key[0]
    writer = bulk.response_writer(conn)  # SQLite: INSERT … ON CONFLICT; PostgreSQL: COPY, then INSERT … SELECT
    date_value = writer.date

    # Each row's cells in KEYS order; an unmapped key reads the "" appended to every row.
    pick = itemgetter(*(mapping.index.get(key, -1) for key in KEYS))
    others = [(mapping.index[key], i) for key, i in mapping.other.items()]
    width = len(mapping.header)
    rows_read = skipped = rejected = 0
    counts = {"imported": 0, "duplicates": 0}
    pending: dict[str, tuple[Any, ...]] = {}
    path = source.name

    def write(batch: dict[str, tuple[Any, ...]]) -> None:
        """Store one batch: the new keys are stored, the others counted as duplicates."""
        imported, duplicates = writer.write(list(batch.values()))
        counts["imported"] += imported
        counts["duplicates"] += duplicates

    def write_all() -> None:
        """Wait until every batch is stored (PostgreSQL sends one while the next is read)."""
        imported, duplicates = writer.flush()
        counts["imported"] += imported
        counts["duplicates"] += duplicates

    route = rules.route
    skip_at = rules.skip_positions  # cells that, when empty, mark an incomplete response
    to_date = date_value
    duplicates_in_batch = 0
    for line, row, problem in records(source, encoding=encoding, progress=progress):
        rows_read += 1
        if row is None:
            rejected += 1
            rejects.add(
                path, line, "broken_row", _("the row cannot be split into columns ({problem})").format(problem=problem), ()
            )
            continue
        if len(row) < width:
            rejected += 1
            message = _("the row has {n} columns, the header {width}").format(n=len(row), width=width)
            row.extend([""] * (width - len(row) + 1))
            rejects.add(path, line, "short_row", message, pick(row))
            continue
        for i, j in others:
            if row[i].strip() == OTHER:
                row[i] = row[j]
        row.append("")
        cells = pick(row)
        if skip_at and "" in [cells[i].strip() for i in skip_at]:
            skipped += 1
            continue
        try:
            key, field_id, _field, category_id, _category, text, at = route(cells)
        except RowRejected as exc:
            rejected += 1
            rejects.add(path, line, exc.code, exc.reason, cells)
            continue
        if key in pending:
            duplicates_in_batch += 1  # the same response twice in one batch: the first one counts
            continue
        pending[key] = (survey_id, key, field_id, category_id, text, to_date(at) if at else None, batch_id, line)
        if len(pending) >= BATCH:
            write(pending)
            pending = {}
    if pending:
        write(pending)
    write_all()
    counts["duplicates"] += duplicates_in_batch

    finished = audit.utcnow()
    counts = {
        "rows_read": rows_read,
        "imported": counts["imported"],
        "duplicates": counts["duplicates"],
        "rejected": rejected,
        "skipped": skipped,
    }
    conn.execute(
        update(batches).where(batches.c.id == batch_id).values(file_sha256=source.sha256, finished_at=finished, **counts)
    )
    audit.record(
        session,
        "survey.imported",
        entity="import_batch",
        entity_id=batch_id,
        survey=_survey_name(session, survey_id),
        path=str(source.path.absolute()),
        sha256=source.sha256,
        profile=mapping.profile.name,
        encoding=encoding or source.encoding,
        delimiter=source.delimiter,
        columns=mapping.describe(),
        **counts,
    )
    session.flush()
    return {
        "path": path,
        "sha256": source.sha256,
        "profile": mapping.profile.name,
        "encoding": encoding or source.encoding,
        "delimiter": source.delimiter,
        "batch": batch_id,
        **counts,
        "rejects": rejects.listed,
        "rejects_omitted": rejects.count - len(rejects.listed),
    }


def _survey_name(session: Any, survey_id: int) -> str:
    return session.execute(select(m.Survey.name).where(m.Survey.id == survey_id)).scalar_one()
