"""Writing the OParl tree atomically (Veröffentlichung): a new versioned folder, then one rename.

``--output DIR`` is a symbolic link to a versioned folder beside it (``.DIR.xxxx.oparl``). An
export writes a new versioned folder, then points a new link at it and renames that link over
``DIR`` — one ``rename()``: a web server serving ``DIR`` shows the old tree or the new one, never a
part. The previous version stays one round (a reader in the middle of it finishes); older ones
are removed. Each versioned folder holds a marker file (``MARKER``); an ``--output`` that exists
and is not a link to such a folder is refused, as are the database, its companions and the folder
of the stored documents (the rules of lipctl.files.outputs, for a tree).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO, Self

from lipctl.errors import InvalidInput, NotFound, Refused
from lipctl.i18n import _

if TYPE_CHECKING:
    from lipctl.context import Env
    from lipctl.oparl.tree import Tree

MARKER = ".lipctl-oparl-export"
MARKER_TEXT = b"lipctl oparl export: this folder is written and replaced by `lipctl oparl export`\n"
SUFFIX = ".oparl"
OPTION = "--output"


def _refuse(kind: type[InvalidInput | NotFound | Refused], problem: str, hint: str) -> Exception:
    return kind(_("{option}: {problem}").format(option=OPTION, problem=problem), hint)


def is_export(folder: Path) -> bool:
    """A versioned folder that an export wrote: it holds the marker file with lipctl's text."""
    try:
        with open(folder / MARKER, "rb") as fh:
            return fh.read(len(MARKER_TEXT)) == MARKER_TEXT
    except OSError:
        return False


@dataclass
class Target:
    """A checked --output: where the link goes, and the export it replaces (if any)."""

    given: Path  # as named (absolute), for messages
    folder: Path  # the real folder that holds the link and the versioned folders
    name: str
    previous: Path | None  # the versioned folder the link points at now
    protected: list[Path] = field(default_factory=list)

    @property
    def link(self) -> Path:
        return self.folder / self.name


def documents_folder(env: Env) -> Path:
    """Where lipctl keeps stored documents (lipctl.services.drafts.files_dir, without loading SQLAlchemy)."""
    path = env.store.location.path
    if path is not None:
        return path.parent / "files"
    import platformdirs

    return Path(platformdirs.user_data_dir("lipctl", appauthor=False)) / "files"


def check(env: Env, output: Path | str) -> Target:
    """Check --output before any work; refuse with what to do otherwise."""
    given = Path(output).expanduser().absolute()
    name = given.name
    if name in ("", ".", ".."):
        raise _refuse(
            InvalidInput, _("{path} names no folder").format(path=output), _("name the folder to publish, e.g. ./oparl")
        )
    folder = Path(os.path.realpath(given.parent))
    if not folder.is_dir():
        raise _refuse(
            NotFound,
            _("the folder {folder} does not exist").format(folder=given.parent),
            _("create it first, or choose another path"),
        )
    try:
        st = os.lstat(given)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _refuse(
            InvalidInput,
            _("cannot use {path}: {reason}").format(path=given, reason=exc.strerror or type(exc).__name__),
            _("choose another path"),
        ) from None
    previous = None
    if st is not None:
        current = _current(given) if stat.S_ISLNK(st.st_mode) else None
        if current is None:
            raise _refuse(
                Refused,
                _("{path} exists and is not an earlier OParl export").format(path=given),
                _("name a new path: lipctl creates it (a link to the exported folder) and replaces only its own exports"),
            )
        previous = current
    target = Target(given, folder, name, previous, _protected(env))
    _refuse_protected(target)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refuse(
            Refused,
            _("the folder {folder} is not writable").format(folder=given.parent),
            _("choose a folder you can write to"),
        )
    return target


def _current(link: Path) -> Path | None:
    """The versioned folder an earlier export's link points at, or None when it is no such link."""
    try:
        real = Path(os.path.realpath(link, strict=True))
    except OSError:  # dangling, or a loop
        return None
    return real if real.is_dir() and is_export(real) else None


def _protected(env: Env) -> list[Path]:
    """The database, its -wal, -shm, -journal, and the documents folder: never inside what is written or removed."""
    paths: list[Path] = []
    db = env.store.location.path
    if db is not None:
        for base in (db, Path(os.path.realpath(db))):
            paths.extend(Path(f"{base}{suffix}") for suffix in ("", "-wal", "-shm", "-journal"))
    paths.append(Path(os.path.realpath(documents_folder(env))))
    return paths


def _refuse_protected(target: Target) -> None:
    link = Path(os.path.realpath(target.folder)) / target.name
    for p in target.protected:
        real = Path(os.path.realpath(p))
        if link == real or real.is_relative_to(link) or link.is_relative_to(real):
            raise _refuse(
                Refused,
                _("{path} is or holds lipctl's database or its stored documents").format(path=target.given),
                _("choose a path outside the database's folder of documents; lipctl never writes over its data"),
            )
        if target.previous is not None and real.is_relative_to(target.previous):
            raise _refuse(
                Refused,
                _("{path} holds lipctl's database or its stored documents").format(path=target.given),
                _("move the database out of the exported folder; an export replaces that folder"),
            )


class Staging:
    """The new versioned folder, written and then swapped in (``commit``), or removed (any exception)."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.committed = False
        self._lock = _lock(target)  # one export into DIR at a time: a second one waits, then swaps after it
        try:
            self.root = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=SUFFIX, dir=target.folder))
        except OSError as exc:
            self._unlock()
            raise _refuse(
                Refused,
                _("cannot write into {folder}: {reason}").format(
                    folder=target.given.parent, reason=exc.strerror or type(exc).__name__
                ),
                _("choose a folder you can write to"),
            ) from None
        os.chmod(self.root, 0o755)  # noqa: S103 - published open data: readable by the web server

    def path(self, relative: str) -> Path:
        """The file ``relative`` in the new tree (its folders created)."""
        out = self.root / relative
        if not out.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(relative)
        out.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        return out

    def open(self, relative: str) -> BinaryIO:
        return open(self.path(relative), "wb")

    def write(self, tree: Tree) -> int:
        """Every file of the tree, and the marker; returns the number of files written."""
        n = 0
        for relative, data in tree.serialized():
            with self.open(relative) as fh:
                fh.write(data)
            n += 1
        with self.open(MARKER) as fh:
            fh.write(MARKER_TEXT)
        for folder, _dirs, files in os.walk(self.root):
            os.chmod(folder, 0o755)  # noqa: S103 - published open data
            for f in files:
                os.chmod(os.path.join(folder, f), 0o644)
        return n

    def commit(self) -> Path:
        """Point DIR at the new folder in one rename; remove versions older than the one replaced."""
        link_tmp = self.target.folder / f".{self.target.name}.link-{self.root.name}"
        try:
            os.symlink(self.root.name, link_tmp)
            # Checked again just before the swap: DIR may have changed while lipctl worked.
            now = _current(self.target.link) if os.path.lexists(self.target.link) else None
            if os.path.lexists(self.target.link) and now is None:
                raise _refuse(
                    Refused,
                    _("{path} was created by someone else while lipctl worked; it was left as it is").format(
                        path=self.target.given
                    ),
                    _("name a new path"),
                )
            os.replace(link_tmp, self.target.link)
        except OSError as exc:
            raise _refuse(
                Refused,
                _("cannot publish {path}: {reason}").format(path=self.target.given, reason=exc.strerror or type(exc).__name__),
                _("make room or choose another folder; {path} was left as it was").format(path=self.target.given),
            ) from None
        finally:
            if os.path.lexists(link_tmp):
                os.unlink(link_tmp)
        self.committed = True
        _sync(self.target.folder)
        self._prune()
        return self.root

    def _prune(self) -> None:
        keep = {self.root.name, self.target.previous.name if self.target.previous else None}
        current = _current(self.target.link)
        if current is not None:  # whatever DIR points at now is never removed
            keep.add(current.name)
        prefix = f".{self.target.name}."
        for entry in sorted(os.listdir(self.target.folder)):
            path = self.target.folder / entry
            if entry in keep or not entry.startswith(prefix) or not entry.endswith(SUFFIX) or path.is_symlink():
                continue
            if path.is_dir() and is_export(path):
                shutil.rmtree(path, ignore_errors=True)

    def discard(self) -> None:
        if not self.committed:
            shutil.rmtree(self.root, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.discard()


def _lock(target: Target) -> int | None:
    """An exclusive lock on ``.DIR.lock`` beside DIR (POSIX; elsewhere none), held until the export ends."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None
    try:
        fd = os.open(target.folder / f".{target.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _refuse(
            Refused,
            _("cannot write into {folder}: {reason}").format(
                folder=target.given.parent, reason=exc.strerror or type(exc).__name__
            ),
            _("choose a folder you can write to"),
        ) from None
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _sync(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - a platform without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
