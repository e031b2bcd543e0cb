"""The one place that opens the files lipctl writes: reports, calendars, rejects files, backups.

Two steps, so that a refusal comes before any work and nothing is ever half-written::

    target = outputs.check_output(path, outputs.REPORT, force=force)  # early: refuses, opens nothing that can block
    ...                                                                 # the work: queries, an import, rendering
    outputs.write_atomically(target, text)                              # a temporary file beside it, renamed

For a file written over a longer time (the rejects of an import), ``PendingFile(target)`` is the
temporary file itself: ``open()`` it, then ``commit()`` or ``discard()`` (or use it as a context
manager: committed when the block ends normally, removed on any exception, KeyboardInterrupt
included). ``PendingFile.path`` can be handed to a library that writes the file itself (SQLite's
backup API).

The rules (issue #13):

- A path that exists and is not a regular file (folder, FIFO, socket, device such as /dev/null) is
  refused before anything else; ``check_output`` never opens it.
- Never the database or its -wal, -shm, -journal files, never a file in the folder of the stored
  documents, never another SQLite database (a lipctl backup) unless the purpose is a backup; compared
  as files (``st_dev``/``st_ino``) and as resolved paths (symlinks, ``..``), not as strings. Refused
  also with ``--force``. ``protected`` adds more (the files being imported).
- An existing regular file is replaced only with ``force``, or when it is lipctl's own for the same
  purpose, recognised by what it begins with (``Purpose.recognise``: the rejects file's header
  line, the report's ``<meta name="generator" content="lipctl …">``, the Markdown report's first
  line, a calendar's ``PRODID:-//lipctl//``, a reminder mail's ``X-Mailer: lipctl remind``
  header). Commands meant for cron can so run again and again without ``--force``.
- The new content goes to a temporary file in the same folder (created 0600, then given the
  purpose's mode), is flushed to disk, the target is checked again, and the file is renamed into
  place: whoever reads the target sees the old file or the new one, never a part.

A later writer (an export tree) adds a ``Purpose`` with its own ``recognise``; a tree
would check a marker file inside its folder the same way.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NamedTuple, Self

from lipctl.errors import InvalidInput, LipctlError, NotFound, Refused
from lipctl.i18n import _

HEAD = 8192
"""How many bytes of an existing file are read to recognise it."""

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_COMPANION_MAGICS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83", bytes.fromhex("d9d505f920a163d7"))
"""The first bytes of a SQLite write-ahead log (two byte orders) and of a rollback journal."""
DATABASE_COMPANIONS = ("-wal", "-shm", "-journal")
GENERATOR = "lipctl"
"""What lipctl writes into the files it makes, so that it recognises them later."""


def starts_with(*markers: bytes) -> Callable[[bytes], bool]:
    """Recognise a file by its first bytes (a UTF-8 byte order mark before them is allowed)."""

    def recognise(head: bytes) -> bool:
        head = head.removeprefix(b"\xef\xbb\xbf")
        return any(head.startswith(m) for m in markers)

    return recognise


def mentions(*markers: bytes) -> Callable[[bytes], bool]:
    """Recognise a file by a text within its first HEAD bytes (an HTML ``<meta>`` in the ``<head>``)."""

    def recognise(head: bytes) -> bool:
        return any(m in head for m in markers)

    return recognise


def _never(head: bytes) -> bool:
    return False


@dataclass(frozen=True)
class Purpose:
    """What a file is written for: how refusals name it, its mode, and how lipctl knows its own."""

    name: str  # short, for the temporary file's name: rejects, report, backup
    option: str = ""  # the option that names the path ("--rejects"); refusals begin with it
    example: str = "output"  # a file name for the hint when a folder was given
    mode: int = 0o600  # personal data stays readable by its owner only
    recognise: Callable[[bytes], bool] = field(default=_never)  # lipctl's own file for this purpose?
    database: bool = False  # a SQLite file may be replaced (with --force): backups only


def rejects_purpose(header: str) -> Purpose:
    """The --rejects CSV: lipctl's own when its first line is exactly ``header`` (the CSV header row)."""
    line = header.rstrip("\r\n").encode("utf-8")
    return Purpose(
        "rejects",
        "--rejects",
        "rejects.csv",
        0o600,  # rejected rows are citizens' words too
        starts_with(line + b"\r\n", line + b"\n"),
    )


REPORT_HTML_MARK = f'<meta name="generator" content="{GENERATOR}'
REPORT_MARKDOWN_MARK = f"<!-- generator: {GENERATOR}"
REPORT = Purpose(
    "report",
    "--output",
    "briefing.html",
    0o644,  # a briefing for the committee, meant to be passed on
    lambda head: mentions(REPORT_HTML_MARK.encode())(head) or starts_with(REPORT_MARKDOWN_MARK.encode())(head),
)
CALENDAR_PRODID = f"-//{GENERATOR}//"
"""How the PRODID of every calendar lipctl writes begins (lipctl.calendar.feed), so it knows its .ics files."""
CALENDAR = Purpose(
    "calendar",
    "--output",
    "lipctl.ics",
    0o644,  # a calendar for the office and the bodies, meant to be published
    lambda head: starts_with(b"BEGIN:VCALENDAR")(head) and mentions(f"PRODID:{CALENDAR_PRODID}".encode())(head),
)
BACKUP = Purpose("backup", "", "lipctl-backup.db", 0o600, _never, database=True)
REMINDER_MAILER = f"{GENERATOR} remind"
"""The X-Mailer header of every reminder mail lipctl writes (lipctl.mail.message), so it knows its .eml files."""
REMINDER = Purpose(
    "reminder",
    "--output",
    "reminder.eml",
    0o600,  # a mail to a body: its address and what it owes, not for everyone on the machine
    mentions(f"\nX-Mailer: {REMINDER_MAILER}".encode()),
)


class Protected(NamedTuple):
    """A file lipctl must never write over, and what to say when asked to."""

    path: Path
    message: str
    hint: str


@dataclass(frozen=True)
class Target:
    """A path checked by ``check_output``: where to write, and whether a file is replaced there."""

    given: Path  # as the user named it (absolute): for messages and results
    path: Path  # where the file really goes (symlinks and ``..`` resolved)
    purpose: Purpose
    force: bool
    replaces: bool  # a file exists there and will be replaced
    protected: tuple[Protected, ...] = ()

    def __str__(self) -> str:
        return str(self.given)


# --- checking --------------------------------------------------------------------------------------


def _say(purpose: Purpose, text: str) -> str:
    return _("{option}: {problem}").format(option=purpose.option, problem=text) if purpose.option else text


def _refusal(kind: type[LipctlError], purpose: Purpose, message: str, hint: str) -> LipctlError:
    return kind(_say(purpose, message), hint)


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a named pipe (FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a special file")


def _refuse_special(given: Path, st: os.stat_result, purpose: Purpose) -> None:
    kind = special_kind(st.st_mode)
    if kind is None:
        return
    if stat.S_ISDIR(st.st_mode):
        raise _refusal(
            InvalidInput,
            purpose,
            _("{path} is a folder").format(path=given),
            _("name a file inside it, e.g. {path}").format(path=given / purpose.example),
        )
    raise _refusal(
        InvalidInput,
        purpose,
        _("{path} is {kind}, not a regular file").format(path=given, kind=kind),
        _("name a new file or a regular file to replace; lipctl writes nothing else"),
    )


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None


def database_protection() -> list[Protected]:
    """The current database's file and its -wal, -shm, -journal (by the name given and the resolved one)."""
    from lipctl.context import current

    ctx = current()
    try:
        db = ctx.location.path
    except LipctlError:  # a bad --db: the command refuses it where it opens the store
        return []
    protected: list[Protected] = []
    never = _("choose another path; lipctl never writes over its database")
    if db is not None:
        protected.append(Protected(db, _("{path} is the database itself"), never))
        real = Path(os.path.realpath(db))
        for suffix in DATABASE_COMPANIONS:
            for base in {db, real}:
                protected.append(
                    Protected(
                        Path(f"{base}{suffix}"),
                        _("{path} is the database's {suffix} file").format(path="{path}", suffix=suffix),
                        never,
                    )
                )
    return protected


def _documents_folder() -> Path | None:
    try:
        from lipctl.context import current
        from lipctl.services.drafts import files_dir

        return files_dir(current().env())
    except LipctlError:
        return None


def _same(a_real: str, a_st: os.stat_result | None, b: Path) -> bool:
    if a_real == os.path.realpath(b):
        return True
    if a_st is None:
        return False
    b_st = _stat(b)
    return b_st is not None and (a_st.st_dev, a_st.st_ino) == (b_st.st_dev, b_st.st_ino)


def _read_head(path: Path) -> bytes | None:
    """The first HEAD bytes of a regular file, or None when it cannot be read (never blocks)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.read(fd, HEAD)
    except OSError:
        return None
    finally:
        os.close(fd)


def check_output(
    path: Path | str,
    purpose: Purpose,
    *,
    force: bool = False,
    protected: Iterable[Protected] = (),
) -> Target:
    """Check that lipctl may write ``path`` for ``purpose``; refuse with what to do otherwise.

    Call it before the work begins. ``protected`` adds files to the database's own (which are
    always protected). Opens nothing but a regular file that exists, to recognise it.
    """
    given = Path(path).expanduser().absolute()
    try:
        st = _stat(given)
    except OSError as exc:  # a symlink loop, a name too long, a folder without search permission
        raise _refusal(
            InvalidInput,
            purpose,
            _("cannot use {path}: {reason}").format(path=given, reason=exc.strerror or type(exc).__name__),
            _("choose another path"),
        ) from None
    if st is not None:
        _refuse_special(given, st, purpose)
    real = Path(os.path.realpath(given))
    folder = real.parent
    if not folder.is_dir():
        raise _refusal(
            NotFound,
            purpose,
            _("the folder {folder} does not exist").format(folder=given.parent),
            _("create it first, or choose another path"),
        )
    guarded = (*database_protection(), *protected)
    _refuse_protected(given, real, st, guarded, purpose)
    replaces = st is not None
    _refuse_other_database(given, real, purpose)
    if replaces:
        head = _read_head(real)
        if not force and not (head is not None and purpose.recognise(head)):
            raise _refusal(
                Refused,
                purpose,
                _("{path} already exists").format(path=given),
                _("choose another path, or add --force to replace it"),
            )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refusal(
            Refused,
            purpose,
            _("the folder {folder} is not writable").format(folder=given.parent),
            _("choose a folder you can write to"),
        )
    return Target(given, real, purpose, force, replaces, tuple(protected))


def _refuse_other_database(given: Path, real: Path, purpose: Purpose) -> None:
    """Any SQLite database (a backup, another lipctl's store) and its -wal, -shm, -journal: never replaced.

    A backup may replace an older backup (a SQLite file, with --force), never a log or journal.
    """
    head = _read_head(real) or b""
    sibling = next((real.with_name(real.name[: -len(s)]) for s in DATABASE_COMPANIONS if real.name.endswith(s)), None)
    if head.startswith(SQLITE_MAGIC) and not purpose.database:
        problem = _("{path} is a SQLite database (a lipctl backup?)").format(path=given)
    elif head.startswith(SQLITE_COMPANION_MAGICS) or (
        sibling is not None and (_read_head(sibling) or b"").startswith(SQLITE_MAGIC)
    ):
        problem = _("{path} belongs to a SQLite database (its log or journal)").format(path=given)
    else:
        return
    raise _refusal(Refused, purpose, problem, _("choose another path; lipctl never writes over a database"))


def _refuse_protected(given: Path, real: Path, st: os.stat_result | None, guarded: Iterable[Protected], purpose: Purpose) -> None:
    real_text = str(real)
    for p in guarded:
        if _same(real_text, st, p.path):
            raise _refusal(Refused, purpose, p.message.format(path=given), p.hint)
    documents = _documents_folder()
    if documents is not None:
        docs_real = Path(os.path.realpath(documents))
        if real == docs_real or real.is_relative_to(docs_real):
            raise _refusal(
                Refused,
                purpose,
                _("{path} is in {folder}, where lipctl keeps the stored documents").format(path=given, folder=documents),
                _("choose a path outside that folder"),
            )


def recheck(target: Target) -> None:
    """Check the target again just before it is replaced: the path may have changed during the work."""
    st = _stat(target.path)
    if st is not None:
        _refuse_special(target.given, st, target.purpose)
    _refuse_protected(target.given, target.path, st, (*database_protection(), *target.protected), target.purpose)
    _refuse_other_database(target.given, target.path, target.purpose)
    if st is not None and not target.replaces and not target.force:
        head = _read_head(target.path)
        if not (head is not None and target.purpose.recognise(head)):
            raise _refusal(
                Refused,
                target.purpose,
                _("{path} was created by someone else while lipctl worked; it was left as it is").format(path=target.given),
                _("choose another path, or add --force to replace it"),
            )


# --- a document on --output: a file by its suffix, or standard output ---------------------------------

STDOUT = "-"
"""``--output -``: the document on standard output instead of a file."""


def check_document(
    output: Path | str,
    purpose: Purpose,
    kinds: Mapping[str, str],
    unknown: Callable[[Path], LipctlError],
    *,
    force: bool = False,
) -> tuple[Target, str]:
    """The file to write for ``purpose`` and its kind by its suffix (``kinds``: suffix → kind).

    Refuses a folder (whatever its name says), a suffix not in ``kinds`` (``unknown(path)`` says so)
    and every path ``check_output`` refuses.
    """
    path = Path(output).expanduser()
    if path.is_dir():  # refused as a folder (--output: … is a folder — name a file inside it), not as a suffix
        check_output(path, purpose, force=force)
    kind = kinds.get(path.suffix.lower())
    if kind is None:
        raise unknown(path)
    return check_output(path, purpose, force=force), kind


def write_document(
    output: Path | str,
    purpose: Purpose,
    kinds: Mapping[str, str],
    unknown: Callable[[Path], LipctlError],
    render: Callable[[str], str | bytes],
    *,
    stdout_kind: str,
    force: bool = False,
) -> str:
    """Write ``render(kind)`` to ``output`` and return what was written: the file's name, or STDOUT.

    A file is checked (``check_document``) before ``render`` does any work, so a refused path costs
    nothing, and written atomically; ``-`` writes the ``stdout_kind`` to standard output.
    """
    if str(output) == STDOUT:
        data = render(stdout_kind)
        from lipctl.output.pipe import guarded

        with guarded():  # a reader that went away ends it quietly; a full disk is OutputFailed
            sys.stdout.write(data.decode("utf-8") if isinstance(data, bytes) else data)
        return STDOUT
    target, kind = check_document(output, purpose, kinds, unknown, force=force)
    # A cron job may overwrite the file while someone opens it: never leave half a file.
    write_atomically(target, render(kind))
    return str(target.given)


# --- writing ---------------------------------------------------------------------------------------


def _write_failed(target: Target, exc: OSError) -> LipctlError:
    reason = exc.strerror or type(exc).__name__
    hint = _("make room or choose another folder; {path} was left as it was").format(path=target.given)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = _("choose a folder you can write to; {path} was left as it was").format(path=target.given)
    return _refusal(Refused, target.purpose, _("cannot write {path}: {reason}").format(path=target.given, reason=reason), hint)


class PendingFile:
    """The temporary file beside a target: written, then renamed into place or removed.

    Created 0600 in the target's folder (a rename within one file system is atomic).
    """

    def __init__(self, target: Target) -> None:
        self.target = target
        self.committed = False
        self._handle: IO[Any] | None = None
        try:
            fd, name = tempfile.mkstemp(prefix=f".lipctl-{target.purpose.name}-", suffix=".tmp", dir=target.path.parent)
        except OSError as exc:
            raise _refusal(
                Refused,
                target.purpose,
                _("cannot write into {folder}: {reason}").format(
                    folder=target.given.parent, reason=exc.strerror or type(exc).__name__
                ),
                _("choose a folder you can write to"),
            ) from None
        os.close(fd)
        self.path = Path(name)

    def open(self, *, binary: bool = False, encoding: str = "utf-8", newline: str | None = None) -> IO[Any]:
        """The temporary file, opened for writing (text by default)."""
        if binary:
            self._handle = open(self.path, "wb")  # noqa: SIM115 - closed by commit()/discard()
        else:
            self._handle = open(self.path, "w", encoding=encoding, newline=newline)  # noqa: SIM115
        return self._handle

    def commit(self) -> Path:
        """Flush the file to disk, check the target again and rename the file into place."""
        try:
            try:
                if self._handle is not None and not self._handle.closed:
                    self._handle.flush()
                    os.fsync(self._handle.fileno())
                    self._handle.close()
                else:
                    fd = os.open(self.path, os.O_RDONLY)
                    try:
                        os.fsync(fd)
                    finally:
                        os.close(fd)
                os.chmod(self.path, self.target.purpose.mode)
                recheck(self.target)
                os.replace(self.path, self.target.path)
            except OSError as exc:
                raise _write_failed(self.target, exc) from None
            self.committed = True
            return self.target.path
        finally:
            if not self.committed:
                self.discard()

    def failure(self, exc: OSError) -> LipctlError:
        """The refusal to raise when writing to the open file failed (a full disk): names the target."""
        return _write_failed(self.target, exc)

    def discard(self) -> None:
        """Remove the temporary file (the target stays as it was); nothing to do after a commit."""
        if self.committed:
            return
        if self._handle is not None:
            with suppress(OSError):
                self._handle.close()
        with suppress(OSError):
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()
            if isinstance(exc, OSError):
                raise _write_failed(self.target, exc) from None


def write_atomically(target: Target, data: str | bytes, *, newline: str | None = "\n") -> Path:
    """Write ``data`` to the checked ``target``: a temporary file beside it, renamed into place."""
    with PendingFile(target) as pending:
        if isinstance(data, bytes):
            pending.open(binary=True).write(data)
        else:
            pending.open(newline=newline).write(data)
    return target.path


@contextmanager
def open_output(target: Target, *, newline: str | None = None) -> Iterator[IO[str]]:
    """Write text to the target inside a ``with`` block (see ``PendingFile``)."""
    with PendingFile(target) as pending:
        yield pending.open(newline=newline)
