"""Opening a CSV export: encoding, delimiter, header, and its records with physical line numbers.

``inspect()`` reads only the head of a file (64 KiB) to decide its encoding and delimiter and to
read its header; ``records()`` then streams the whole file through the csv module, one record at
a time, hashing the bytes as they pass (SHA-256 for the import batch) — memory does not grow
with the file.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lipctl.errors import InvalidInput, Refused
from lipctl.files import inputs
from lipctl.i18n import _

HEAD = 64 * 1024
BUFFER = 1024 * 1024
LINE_LIMIT = 1_000_000
"""Characters per physical line: far beyond any survey row (10,000 characters of text and a few
hundred columns), and a bound on memory for a file whose line never ends."""
DELIMITERS = (";", ",", "\t", "|")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Unreadable(InvalidInput):
    """A file that cannot be read at all: nothing of it is imported (exit 1)."""


@dataclass
class Source:
    """A CSV file whose head has been read: how to decode and split it, and its header."""

    path: Path
    encoding: str
    delimiter: str
    header: list[str]
    size: int
    encoding_detected: bool = True
    settled: bool = True
    """False while a UTF-8 file has been plain ASCII: its first non-ASCII byte decides (see inspect)."""
    cr_only: bool = False
    """Its lines end in a lone CR (old Mac exports): split at CR as well as at LF."""
    sha256: str | None = field(default=None)

    @property
    def name(self) -> str:
        return str(self.path)


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InvalidInput(_("unknown encoding {name!r}").format(name=name), _("use utf-8, cp1252 or latin-1")) from None


def _decode_head(head: bytes, encoding: str, final: bool) -> str:
    return codecs.getincrementaldecoder(encoding)(errors="strict").decode(head, final=final)


def _looks_binary(text: str) -> bool:
    # A NUL counts like any control character: one in a row rejects that row (bad_text), many mean binary.
    return len(_CONTROL.findall(text)) > max(2, len(text) // 50)


def sniff_delimiter(text: str) -> str:
    """The delimiter of the first record: the candidate that occurs most outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch in "\r\n":
                break
            if ch in counts:
                counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _head_text(head: bytes, encoding: str, final: bool) -> tuple[str, bool] | None:
    """The head decoded, and whether it is in the encoding throughout; None when it is not in the
    encoding at all. A head with an invalid byte is still in the encoding when a non-ASCII sequence
    decoded before that byte (for UTF-8: a valid multi-byte sequence): its bad rows are rejected."""
    try:
        return _decode_head(head, encoding, final), True
    except UnicodeDecodeError as exc:
        if not lines_as_bytes(encoding) or head[: exc.start].isascii():
            return None
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=final)
    return text, False


def lines_as_bytes(encoding: str) -> bool:
    """Whether a file in ``encoding`` can be split into lines as bytes and each decoded alone:
    every ASCII-compatible encoding (UTF-8, cp1252, latin-1, …), not UTF-16 or UTF-32."""
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig"):
        return True
    if name.startswith(("utf-16", "utf-32", "utf-7")):
        return False
    try:
        return _ASCII.encode(name) == _ASCII.encode("ascii")
    except UnicodeError:
        return False


_ASCII = '\r\n\t ;,|"abcXYZ019'


def inspect(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> Source:
    """Read the head of ``path``: its encoding, delimiter and header (Unreadable when it cannot).

    The encoding rule: a file in which a valid UTF-8 multi-byte sequence comes before the first
    byte that is not UTF-8 is UTF-8, and each row with such a byte is rejected (bad_encoding); a
    file whose first invalid byte comes before any multi-byte sequence is cp1252. When the head
    (64 KiB) is plain ASCII the question stays open until the first non-ASCII byte (``settled``).
    """
    name = str(path)
    try:  # a regular file only: a FIFO, a device or a folder is refused before anything waits
        with inputs.open_binary(path, inputs.survey_kind()) as fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(HEAD)
    except (InvalidInput, Refused) as exc:
        raise Unreadable(exc.message, exc.hint) from None
    if not head.strip():
        raise Unreadable(_("{path} is empty").format(path=name), _("export the survey again"))
    final = len(head) < HEAD  # the whole file is in the head (also for a pipe, whose size is 0)
    detected = encoding is None
    settled = True
    if encoding is not None:
        enc = _codec(encoding)
        if enc == "utf-8" and head.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        decoded = _head_text(head, enc, final)
        if decoded is None:
            raise Unreadable(
                _("{path} cannot be read as {encoding}").format(path=name, encoding=encoding),
                _("give the file's encoding with --encoding (utf-8, cp1252)"),
            )
        text = decoded[0]
    elif head.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"  # the BOM is a multi-byte sequence: UTF-8, whatever follows
        text = codecs.getincrementaldecoder(enc)(errors="replace").decode(head, final=final)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"  # Excel's "Unicode text"
        try:
            text = _decode_head(head, enc, final)
        except UnicodeDecodeError:
            raise Unreadable(_("{path} starts like UTF-16 but is not").format(path=name), _("export it again as UTF-8")) from None
    else:
        enc = "utf-8"
        decoded = _head_text(head, enc, final)
        if decoded is not None:
            text = decoded[0]
            settled = not head.isascii() or final
        else:
            enc = "cp1252"
            try:
                text = _decode_head(head, enc, final)
            except UnicodeDecodeError:
                if b"\x00" in head:  # undecodable and with NULs: binary (a NUL in decodable text rejects its row only)
                    raise Unreadable(_("{path} is not a text file").format(path=name), _("export the survey as CSV")) from None
                raise Unreadable(
                    _("{path} is neither UTF-8 nor cp1252 text").format(path=name),
                    _("is it a CSV export? Give its encoding with --encoding"),
                ) from None
    if _looks_binary(text):
        raise Unreadable(_("{path} is not a text file").format(path=name), _("export the survey as CSV"))
    delim = delimiter or sniff_delimiter(text)
    source = Source(
        path=path,
        encoding=enc,
        delimiter=delim,
        header=[],
        size=size,
        encoding_detected=detected,
        settled=settled,
        cr_only=b"\n" not in head and b"\r" in head,
    )
    source.header = _header(source)
    if not source.header:
        raise Unreadable(_("{path} has no header line").format(path=name), _("export the survey with its column headings"))
    return source


def _header(source: Source) -> list[str]:
    """The first non-blank record of the file, read line by line within LINE_LIMIT."""
    try:
        return Records(source).header()
    except csv.Error:
        return []


def _too_long(name: str, number: int) -> Unreadable:
    return Unreadable(
        _("{path}: line {line} is longer than {limit} characters").format(path=name, line=number, limit=f"{LINE_LIMIT:,}"),
        _("nothing of the file was imported; a survey export has no lines that long — are its columns or quotes broken?"),
    )


def _cr_lines(buffer: io.BufferedReader, most: int) -> Iterator[bytes]:
    """The physical lines of a file whose lines end in a lone CR (old Mac exports), as bytes with their
    ends (CR, CRLF or LF, as a text reader splits them); a line is cut after ``most`` bytes."""
    carry = b""
    while chunk := buffer.read(BUFFER):
        parts = (carry + chunk).splitlines(keepends=True)
        carry = parts.pop()  # may go on in the next chunk (also a CR whose LF comes next)
        yield from parts
        while len(carry) >= most:
            yield carry[:most]
            carry = carry[most:]
    if carry:
        yield carry


class _HashingRaw(io.RawIOBase):
    """Passes a file's bytes through, hashing and counting them on the way."""

    def __init__(self, fh: io.BufferedReader) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.fh.readinto(buffer)
        if n:
            self.digest.update(memoryview(buffer)[:n])
            self.done += n
        return n or 0


Problem = tuple[str, str]
"""(code, reason) of a record that cannot be used: ``broken_row`` or ``bad_encoding``."""
Record = tuple[int, list[str] | None, Problem | None]


def _encoding_name(encoding: str) -> str:
    return "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding


class Records:
    """The records of a source after its header, streamed: (physical line, cells, None) per record,
    or (line, None, (code, reason)) for one that cannot be used whole — ``broken_row`` (the csv
    module cannot split it) or ``bad_encoding`` (a byte that is not in the file's encoding; the
    rest of the file is read on). Blank lines are not records.

    Each physical line is read as bytes and decoded alone (UTF-16 files go through a text reader
    instead, which refuses a file not in its encoding throughout). A file still open between UTF-8
    and cp1252 (``source.settled`` false: plain ASCII so far) becomes cp1252 at its first byte that
    is not UTF-8 — everything before it was ASCII, the same in both — and UTF-8 for good at its
    first multi-byte sequence; ``source.encoding`` tells which. ``raw()`` gives the bytes of the
    record last yielded (for the hash of a rejected row); ``source.sha256`` is set once the file is read.
    """

    def __init__(self, source: Source, progress: Callable[[int], None] | None = None) -> None:
        self.source = source
        self.progress = progress
        self._raw: list[bytes | str] = []  # the physical lines of the current record
        self._bad: list[tuple[int, int, int]] = []  # (line, byte, column) of its first undecodable byte

    def raw(self) -> bytes:
        """The bytes of the record last yielded, without its final line break: the same row is the
        same in an export with CRLF and in one with LF."""
        data = b"".join(p if isinstance(p, bytes) else p.encode("utf-8") for p in self._raw)
        return data.rstrip(b"\r\n")

    def header(self) -> list[str]:
        """The first non-blank record of the file, its cells stripped."""
        with inputs.open_binary(self.source.path, inputs.survey_kind()) as fh:
            for row in csv.reader(self._lines(fh), delimiter=self.source.delimiter):
                if any(cell.strip() for cell in row):
                    return [cell.strip() for cell in row]
        return []

    def _lines(self, buffer: io.BufferedReader) -> Iterator[str]:
        if lines_as_bytes(self.source.encoding):
            return self._byte_lines(buffer)
        return self._text_lines(buffer)

    def _byte_lines(self, buffer: io.BufferedReader) -> Iterator[str]:
        source = self.source
        keep = self._raw.append
        limit = LINE_LIMIT
        most = 4 * limit  # bytes: no character takes more than four
        raws = _cr_lines(buffer, most) if source.cr_only else iter(functools.partial(buffer.readline, most), b"")
        encoding = "utf-8" if source.encoding == "utf-8-sig" else source.encoding
        open_question = not source.settled
        first = next(raws, b"")
        if source.encoding == "utf-8-sig" and first.startswith(codecs.BOM_UTF8):
            first = first[len(codecs.BOM_UTF8) :]
        for number, raw in enumerate(itertools.chain((first,) if first else (), raws), 1):
            if len(raw) >= most and not raw.endswith((b"\n", b"\r")):
                raise _too_long(source.name, number)
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                if open_question and raw[: exc.start].isascii():
                    encoding = source.encoding = "cp1252"  # the first byte beyond ASCII is not UTF-8
                    try:
                        line = raw.decode(encoding)
                    except UnicodeDecodeError as again:
                        line = self._undecodable(raw, again, number, encoding)
                else:
                    line = self._undecodable(raw, exc, number, encoding)
                open_question, source.settled = False, True
            else:
                if open_question and not raw.isascii():
                    open_question, source.settled = False, True  # a UTF-8 multi-byte sequence: UTF-8 for good
            if len(raw) >= limit and len(line.rstrip("\r\n")) >= limit:
                raise _too_long(source.name, number)
            keep(raw)
            yield line

    def _undecodable(self, raw: bytes, exc: UnicodeDecodeError, number: int, encoding: str) -> str:
        if not self._bad:
            column = len(raw[: exc.start].decode(encoding, errors="replace")) + 1
            self._bad.append((number, raw[exc.start], column))
        return raw.decode(encoding, errors="replace")

    def _text_lines(self, buffer: io.BufferedReader) -> Iterator[str]:
        source = self.source
        text = io.TextIOWrapper(buffer, encoding=source.encoding, newline="")
        readline = text.readline
        keep = self._raw.append
        number = 0
        while True:
            try:
                line = readline(LINE_LIMIT)
            except UnicodeDecodeError:
                raise Unreadable(
                    _("{path} is not readable as {encoding} throughout").format(path=source.name, encoding=source.encoding),
                    _("nothing of it was imported; give the file's encoding with --encoding"),
                ) from None
            if not line:
                return
            number += 1
            if len(line) >= LINE_LIMIT and line[-1] not in "\r\n":
                raise _too_long(source.name, number)
            keep(line)
            yield line

    def _bad_encoding(self) -> Problem:
        line, byte, column = self._bad[0]
        self._bad.clear()
        return "bad_encoding", _("byte 0x{byte} on line {line}, column {column}, is not {encoding}").format(
            byte=f"{byte:02X}", line=line, column=column, encoding=_encoding_name(self.source.encoding)
        )

    def __iter__(self) -> Iterator[Record]:
        source = self.source
        progress = self.progress
        raw_lines = self._raw
        bad = self._bad
        with inputs.open_raw(source.path, inputs.survey_kind()) as fh:
            hashing = _HashingRaw(fh)  # type: ignore[arg-type]
            reader = csv.reader(self._lines(io.BufferedReader(hashing, BUFFER)), delimiter=source.delimiter, strict=True)
            header_seen = False
            last_done = 0
            last = 0  # the physical line on which the previous record ended
            while True:
                try:
                    for row in reader:
                        start = last + 1
                        last = reader.line_num
                        if not row or (not row[0] and not "".join(row).strip()):
                            raw_lines.clear()
                            continue  # a blank line, or one of delimiters only
                        if not header_seen:
                            header_seen = True
                            raw_lines.clear()
                            bad.clear()
                            continue
                        if progress is not None and hashing.done != last_done:
                            last_done = hashing.done
                            progress(hashing.done)
                        if bad:
                            yield start, None, self._bad_encoding()
                        else:
                            yield start, row, None
                        raw_lines.clear()
                except csv.Error as exc:
                    start, last = last + 1, reader.line_num
                    bad.clear()
                    if header_seen:
                        yield (
                            start,
                            None,
                            ("broken_row", _("the row cannot be split into columns ({problem})").format(problem=exc)),
                        )
                    raw_lines.clear()
                    continue
                break
            source.sha256 = hashing.digest.hexdigest()
            if progress is not None:
                progress(hashing.done)


def records(source: Source, *, progress: Callable[[int], None] | None = None) -> Records:
    """The records of ``source`` after its header (see Records)."""
    return Records(source, progress)
