"""The one place that opens the files lipctl reads: documents (--file), the seed (--seed), survey exports.

Only regular files are read. A path is looked at (``stat``) before it is opened, and opened without
waiting (``O_NONBLOCK``) and looked at again through the open descriptor, so that a named pipe, a
device such as /dev/zero, a socket or a folder is refused before anything waits — also when the path
is swapped between the two looks. Each kind of input has a size limit, a setting read from the
environment (``LIPCTL_MAX_DOCUMENT_MB``, ``LIPCTL_MAX_SEED_MB``); it is checked against the size the
file reports (a 2 GB sparse file is refused, not copied) and again while reading (a file that grows,
or one that reports size 0 as /proc files do). Survey exports have no size limit: they are streamed.

Copies that wait to be kept (``.incoming-PID@HOST.xxxx`` in the folder of kept documents) are removed
on every way out of the command; the CLI turns SIGTERM into an exception so that this holds for a
stopped process too. What a process killed with SIGKILL leaves behind is swept by a later command,
only when it is older than an hour or its process (on this host) is gone.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lipctl.errors import InvalidInput, NotFound, Refused
from lipctl.files.outputs import special_kind
from lipctl.i18n import _

MB = 1024 * 1024
CHUNK = MB
#: Above this a document's size no longer fits the 32-bit size column of the drafts table.
MAX_DOCUMENT_MB = 2047
#: A leftover copy is swept when it is older than this (seconds), whatever its process.
STALE_AFTER = 3600
INCOMING = ".incoming-"


@dataclass(frozen=True)
class Kind:
    """What is being read: how messages name it, its option, its size setting."""

    what: str
    option: str
    missing: tuple[str, str]  # message ({path}) and hint
    folder: tuple[str, str]  # message ({path}) and hint
    unreadable_hint: str
    env: str | None = None
    default_mb: int | None = None
    max_mb: int | None = None


def document_kind() -> Kind:
    return Kind(
        _("document"),
        "--file",
        (_("file not found: {path}"), _("check the path; nothing was recorded")),
        (_("{path} is a folder, not a file"), _("give the document file itself with --file")),
        _("check the file's permissions; nothing was recorded"),
        "LIPCTL_MAX_DOCUMENT_MB",
        200,
        MAX_DOCUMENT_MB,
    )


def seed_kind() -> Kind:
    return Kind(
        _("seed file"),
        "--seed",
        (_("seed file {path} not found"), _("check the path given to --seed")),
        (_("{path} is a folder, not a seed file"), _("give the path of a .yaml file")),
        _("check the file's permissions"),
        "LIPCTL_MAX_SEED_MB",
        5,
    )


def survey_kind() -> Kind:
    return Kind(
        _("survey file"),
        _("the file argument"),
        (_("no file {path}"), _("check the path")),
        (_("{path} is a folder, not a CSV file"), _("name the CSV files to import")),
        _("check the file"),
    )


def stored_kind() -> Kind:
    """A document lipctl keeps itself (``files/`` beside a SQLite database): no limit, still a regular file."""
    return Kind(
        _("stored document"),
        "--db",
        (_("the stored copy {path} is missing"), _("restore the files/ folder beside the database from its backup")),
        (_("{path} is a folder, not a file"), _("restore the files/ folder beside the database from its backup")),
        _("check the permissions of the files/ folder beside the database"),
    )


def limit(kind: Kind) -> int | None:
    """The size limit in bytes (None: no limit), from the kind's environment variable or its default."""
    if kind.env is None or kind.default_mb is None:
        return None
    raw = os.environ.get(kind.env, "").strip()
    if not raw:
        return kind.default_mb * MB
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or (kind.max_mb is not None and value > kind.max_mb):
        upper = kind.max_mb if kind.max_mb is not None else None
        raise InvalidInput(
            _("{env}={value!r} is not a size limit in megabytes").format(env=kind.env, value=raw),
            (
                _("set it to a positive number of at most {max}, or unset it for {default} MB").format(
                    max=upper, default=kind.default_mb
                )
                if upper is not None
                else _("set it to a positive number, or unset it for {default} MB").format(default=kind.default_mb)
            ),
        )
    return int(value * MB)


def _mb(size: int) -> str:
    return f"{size / MB:,.1f}"


def _check(path: Path, st: os.stat_result, kind: Kind, most: int | None) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise InvalidInput(kind.folder[0].format(path=path), kind.folder[1])
    what = special_kind(st.st_mode)  # folders are refused above
    if what is not None:
        raise InvalidInput(
            _("{path} is {what}, not a regular file: lipctl reads a {kind} only from a regular file").format(
                path=path, what=what, kind=kind.what
            ),
            _("save it as a file first and give that file's path with {option}; nothing was changed").format(option=kind.option),
        )
    if most is not None and st.st_size > most:
        raise too_big(path, kind, most, st.st_size)


def too_big(path: Path, kind: Kind, most: int, size: int | None = None) -> InvalidInput:
    told = _("{path} is {size} MB").format(path=path, size=_mb(size)) if size is not None else str(path)
    return InvalidInput(
        _("{told}: larger than the limit for a {kind} ({limit} MB)").format(told=told, kind=kind.what, limit=_mb(most)),
        _("give a smaller file, or raise the limit with the environment variable {env} (megabytes); nothing was changed").format(
            env=kind.env
        ),
    )


def _unreadable(path: Path, exc: OSError, kind: Kind) -> Refused:
    return Refused(
        _("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or type(exc).__name__), kind.unreadable_hint
    )


def _missing(path: Path, kind: Kind) -> NotFound:
    return NotFound(kind.missing[0].format(path=path), kind.missing[1])


class LimitedReader(io.RawIOBase):
    """A raw, read-only file that refuses to go past ``most`` bytes (None: no limit)."""

    def __init__(self, fh: io.FileIO, path: Path, kind: Kind, most: int | None) -> None:
        super().__init__()
        self.fh = fh
        self.path = path
        self.kind = kind
        self.most = most
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            n = self.fh.readinto(buffer) or 0
        except OSError as exc:
            raise _unreadable(self.path, exc, self.kind) from None
        self.done += n
        if self.most is not None and self.done > self.most:
            raise too_big(self.path, self.kind, self.most)
        return n

    def fileno(self) -> int:
        return self.fh.fileno()

    def close(self) -> None:
        if not self.closed:
            self.fh.close()
        super().close()


def open_raw(path: str | os.PathLike[str], kind: Kind) -> LimitedReader:
    """Open a regular file for reading, unbuffered; refuses anything else before anything waits."""
    p = Path(path).expanduser()
    most = limit(kind)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise _missing(p, kind) from None
    except OSError as exc:
        raise _unreadable(p, exc, kind) from None
    _check(p, st, kind, most)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise _missing(p, kind) from None
    except OSError as exc:
        raise _unreadable(p, exc, kind) from None
    try:
        _check(p, os.fstat(fd), kind, most)  # the file opened, not the one looked at before
        os.set_blocking(fd, True)
        fh = io.FileIO(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise
    return LimitedReader(fh, p, kind, most)


def open_binary(path: str | os.PathLike[str], kind: Kind, buffer: int = io.DEFAULT_BUFFER_SIZE) -> io.BufferedReader:
    """``open_raw`` with a buffer."""
    return io.BufferedReader(open_raw(path, kind), buffer)


def open_text(path: str | os.PathLike[str], kind: Kind, *, encoding: str, newline: str | None = None) -> io.TextIOWrapper:
    """``open_raw`` decoded as text."""
    return io.TextIOWrapper(open_binary(path, kind), encoding=encoding, newline=newline)


def read_bytes(path: str | os.PathLike[str], kind: Kind) -> bytes:
    """The whole of a small file (within the kind's limit)."""
    with open_binary(path, kind) as fh:
        return fh.read()


# --- copies waiting to be kept ------------------------------------------------------------------


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "_", os.uname().nodename)[:60] or "host"


_NAME = re.compile(r"^\.incoming-(\d+)@([A-Za-z0-9_-]+)\.")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def sweep(folder: Path) -> list[Path]:
    """Remove the copies of commands that were killed: older than an hour, or of a process gone on this host."""
    removed: list[Path] = []
    try:
        names = [e for e in os.scandir(folder) if e.name.startswith(INCOMING)]
    except OSError:
        return removed
    now = time.time()
    host = _host()
    for entry in names:
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        match = _NAME.match(entry.name)
        stale = now - st.st_mtime > STALE_AFTER
        gone = match is not None and match[2] == host and not _alive(int(match[1]))
        if stale or gone:
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return removed


@dataclass
class Copied:
    """A file read through: its name, size and SHA-256, and (when kept) the waiting copy."""

    name: str
    size: int
    sha256: str
    staged: Path | None = None

    def discard(self) -> None:
        if self.staged is not None:
            self.staged.unlink(missing_ok=True)
            self.staged = None


#: Called after each chunk is copied (tests stop a command in the middle of a copy with it).
on_chunk: Callable[[int], None] | None = None


def copy_in(path: str | os.PathLike[str], kind: Kind, folder: Path | None) -> Copied:
    """Read a file through, hashing it; with ``folder`` a 0600 copy is left there to be kept (or discarded).

    The copy is removed on every exit path of this function that does not return it; the caller
    removes it (``Copied.discard``) when it is not kept.
    """
    source = open_raw(path, kind)
    digest = hashlib.sha256()
    size = 0
    staged: Path | None = None
    out = None
    try:
        if folder is not None:
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                sweep(folder)
                fd, tmp = tempfile.mkstemp(prefix=f"{INCOMING}{os.getpid()}@{_host()}.", dir=folder)  # 0600
                staged = Path(tmp)
            except OSError as exc:
                raise Refused(
                    _("cannot keep a copy in {folder}: {reason}").format(
                        folder=folder, reason=exc.strerror or type(exc).__name__
                    ),
                    _("make the folder writable, or point --db at a database in a writable folder"),
                ) from None
            out = io.FileIO(fd, "wb", closefd=True)
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while n := source.readinto(view):
            digest.update(view[:n])
            size += n
            if out is not None:
                try:
                    _write_all(out, view[:n])
                except OSError as exc:
                    raise Refused(
                        _("cannot keep a copy in {folder}: {reason}").format(
                            folder=folder, reason=exc.strerror or type(exc).__name__
                        ),
                        _("make room in that folder; nothing was recorded"),
                    ) from None
            if on_chunk is not None:
                on_chunk(size)
        if out is not None:
            out.close()
    except BaseException:  # also KeyboardInterrupt and the CLI's SIGTERM exception
        if out is not None:
            out.close()
        if staged is not None:
            staged.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return Copied(source.path.name, size, digest.hexdigest(), staged)


def _write_all(out: io.FileIO, data: memoryview) -> None:
    while data:
        n = out.write(data) or 0
        data = data[n:]
