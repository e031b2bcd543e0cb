"""lipctl oparl export: the process as OParl 1.1 open data, a static tree any web server serves.

One read-only transaction through the driver (lipctl.oparl.source), the objects built by pure
functions (lipctl.oparl.build), the tree written beside the old one and swapped in
(lipctl.oparl.publish). ``--with-files`` copies the stored documents through the reader that
``draft document`` uses (lipctl.services.drafts.write_document, which checks each SHA-256); the
committee information's documents are read the same way (from ``documents`` on PostgreSQL, else
the kept copy), checked before they are written.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lipctl.oparl import build, publish, source, tree

if TYPE_CHECKING:
    from lipctl.context import Env


def export(env: Env, output: Path | str, base_url: str, *, with_files: bool = False) -> dict[str, Any]:
    """Write the tree to ``output`` (a link to a versioned folder); returns what was written, per type."""
    urls = tree.Urls(tree.base_url(base_url))  # refusals first: nothing read, nothing written
    target = publish.check(env, output)
    with env.reader() as r:
        snap = source.read(r)
    missing: list[str] = []
    with publish.Staging(target) as stage:
        documents = copy_documents(env, snap, stage, missing) if with_files else None
        informed = copy_information_documents(env, snap, stage, missing) if with_files else None
        result = build.build(snap, urls, documents, informed)
        written = stage.write(result.tree)
        stage.commit()
    return {
        "output": str(target.given),
        "base_url": urls.base,
        "entry": urls.url("system.json"),
        "with_files": with_files,
        "files": written + len(documents or {}) + len(informed or {}),
        "counts": result.counts,
        "missing_documents": missing,  # versions whose kept copy was not found: published without their File
    }


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str | None) -> str:
    """A stored document's name as a path in the tree: letters, digits, '.', '_', '-' (no folder, no dot first)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).lstrip("._-")[:120]
    return cleaned or "dokument"


class _Hashing:
    """A binary writer that counts and hashes (SHA-512) what passes through it."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.sha512 = hashlib.sha512()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha512.update(data)
        self.size += len(data)
        return int(self.out.write(data))

    def flush(self) -> None:
        self.out.flush()


def copy_documents(env: Env, snap: source.Snapshot, stage: publish.Staging, missing: list[str]) -> dict[int, build.DocumentFacts]:
    """Each live version's stored document, copied into ``file/draft-ID/NAME`` (its SHA-256 checked on the way).

    A version whose kept copy is gone is published without its File and named in ``missing``
    (FIELD/KIND vN); a copy that does not match its SHA-256 refuses the whole export (StoreError).
    """
    from lipctl.errors import NotFound
    from lipctl.services.drafts import write_document

    out: dict[int, build.DocumentFacts] = {}
    for d in snap.drafts:
        if not d.file_sha256 or d.voided_at is not None:
            continue
        name = safe_name(d.file_name)
        relative = f"file/draft-{d.id}/{name}"
        with stage.open(relative) as fh:
            sink = _Hashing(fh)
            try:
                write_document(env, str(d.id), sink)  # type: ignore[arg-type]
            except NotFound:  # the kept copy is gone (files/ moved or cleaned by hand)
                missing.append(f"{d.ref} v{d.version}")
                fh.close()
                stage.path(relative).unlink()
                os.removedirs(stage.path(relative).parent)  # and file/ when it is left empty
                continue
        mime = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
        out[d.id] = build.DocumentFacts(relative, d.file_name or name, sink.size, sink.sha512.hexdigest(), mime)
    return out


def copy_information_documents(
    env: Env, snap: source.Snapshot, stage: publish.Staging, missing: list[str]
) -> dict[int, build.DocumentFacts]:
    """The stored document of each information of the committee, copied into ``file/information-ID/NAME``.

    Read as a draft's document is (lipctl.services.drafts.write_document): from the database's
    ``documents`` on PostgreSQL, else from the kept copy; the SHA-256 is checked before anything is
    written. A kept copy that is gone is named in ``missing`` ("information N"); a copy that does not
    match refuses the export (StoreError).
    """
    out: dict[int, build.DocumentFacts] = {}
    for info in snap.information:
        if not info.file_sha256:
            continue
        name = safe_name(info.file_name)
        relative = f"file/information-{info.id}/{name}"
        what = f"information {info.id}"
        chunks = _information_chunks(env, info, what)
        if chunks is None:
            missing.append(what)
            continue
        for step in ("check", "write"):
            digest = hashlib.sha256()
            if step == "write":
                with stage.open(relative) as fh:
                    sink = _Hashing(fh)
                    for data in chunks():
                        digest.update(data)
                        sink.write(data)
            else:
                for data in chunks():
                    digest.update(data)
            if digest.hexdigest() != info.file_sha256:
                from lipctl.errors import StoreError
                from lipctl.i18n import _

                raise StoreError(
                    _("the stored document of {draft} does not match its SHA-256 {sha256}").format(
                        draft=what, sha256=info.file_sha256
                    ),
                    _("it was changed or damaged where it is kept; nothing was written — restore it from a backup"),
                )
        mime = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
        out[info.id] = build.DocumentFacts(relative, info.file_name or name, sink.size, sink.sha512.hexdigest(), mime)
    return out


def _information_chunks(env: Env, info: source.InformationRow, what: str) -> Any:
    """A function that yields the document's bytes (read again on each call), or None when it is not found."""
    from lipctl.files import inputs
    from lipctl.store.read import drafts as read_drafts

    sha256 = info.file_sha256 or ""
    with env.reader() as r:
        stored = read_drafts.stored(r, sha256)
    if stored is not None:
        count = stored.chunks

        def from_database() -> Any:
            with env.reader() as r:
                for seq in range(count):
                    data = read_drafts.chunk(r, sha256, seq)
                    if data is None:
                        return
                    yield data

        return from_database
    folder = publish.documents_folder(env)
    candidates = [Path(info.file_copy), folder / Path(info.file_copy).name] if info.file_copy else []
    candidates += sorted(folder.glob(f"{sha256}*")) if folder.is_dir() else []
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        return None

    def from_copy() -> Any:
        with inputs.open_raw(path, inputs.stored_kind()) as fh:
            while data := fh.read(inputs.CHUNK):
                yield data

    return from_copy
