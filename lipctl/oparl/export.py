"""lipctl oparl export: the process as OParl 1.1 open data, a static tree any web server serves.

One read-only transaction through the driver (lipctl.oparl.source), the objects built by pure
functions (lipctl.oparl.build), the tree written beside the old one and swapped in
(lipctl.oparl.publish). ``--with-files`` copies the stored documents through the reader that
``draft document`` uses (lipctl.services.drafts.write_document, which checks each SHA-256).
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
        result = build.build(snap, urls, documents)
        written = stage.write(result.tree)
        stage.commit()
    return {
        "output": str(target.given),
        "base_url": urls.base,
        "entry": urls.url("system.json"),
        "with_files": with_files,
        "files": written + len(documents or {}),
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
                missing.append(f"{d.field}/{d.kind} v{d.version}")
                fh.close()
                stage.path(relative).unlink()
                os.removedirs(stage.path(relative).parent)  # and file/ when it is left empty
                continue
        mime = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
        out[d.id] = build.DocumentFacts(relative, d.file_name or name, sink.size, sink.sha512.hexdigest(), mime)
    return out
