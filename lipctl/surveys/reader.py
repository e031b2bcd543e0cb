"""Opening a CSV export: encoding, delimiter, header, and its records with physical line numbers.

``inspect()`` reads only the head of a file (64 KiB) to decide its encoding and delimiter and to
read its header; ``records()`` then streams the whole file through the csv module, one record at
a time, hashing the bytes as they pass (SHA-256 for the import batch) — memory does not grow
with the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
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
AUTO_ENCODINGS = ("utf-8", "cp1252")
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


def inspect(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> Source:
    """Read the head of ``path``: its encoding, delimiter and header (Unreadable when it cannot)."""
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
    if encoding is not None:
        enc = _codec(encoding)
        if enc == "utf-8" and head.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        try:
            text = _decode_head(head, enc, final)
        except UnicodeDecodeError:
            raise Unreadable(
                _("{path} cannot be read as {encoding}").format(path=name, encoding=encoding),
                _("give the file's encoding with --encoding (utf-8, cp1252)"),
            ) from None
    elif head.startswith(codecs.BOM_UTF8):
        enc, text = "utf-8-sig", None
        try:
            text = _decode_head(head, enc, final)
        except UnicodeDecodeError:
            pass
        if text is None:
            raise Unreadable(_("{path} starts like UTF-8 but is not").format(path=name), _("export it again as UTF-8"))
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"  # Excel's "Unicode text"
        try:
            text = _decode_head(head, enc, final)
        except UnicodeDecodeError:
            raise Unreadable(_("{path} starts like UTF-16 but is not").format(path=name), _("export it again as UTF-8")) from None
    else:
        enc, text = "", None
        for candidate in AUTO_ENCODINGS:
            try:
                text = _decode_head(head, candidate, final)
            except UnicodeDecodeError:
                continue
            enc = candidate
            break
        if text is None:
            if b"\x00" in head:  # undecodable and with NULs: binary (a NUL in decodable text rejects its row only)
                raise Unreadable(_("{path} is not a text file").format(path=name), _("export the survey as CSV"))
            raise Unreadable(
                _("{path} is neither UTF-8 nor cp1252 text").format(path=name),
                _("is it a CSV export? Give its encoding with --encoding"),
            )
    if _looks_binary(text):
        raise Unreadable(_("{path} is not a text file").format(path=name), _("export the survey as CSV"))
    delim = delimiter or sniff_delimiter(text)
    header = _header(path, enc, delim)
    if not header:
        raise Unreadable(_("{path} has no header line").format(path=name), _("export the survey with its column headings"))
    return Source(path=path, encoding=enc, delimiter=delim, header=header, size=size, encoding_detected=detected)


def _header(path: Path, encoding: str, delimiter: str) -> list[str]:
    """The first non-blank record of the file, read line by line within LINE_LIMIT."""
    try:
        with inputs.open_text(path, inputs.survey_kind(), encoding=encoding, newline="") as text:
            reader = csv.reader(_lines(text, str(path)), delimiter=delimiter)
            for row in reader:
                if any(cell.strip() for cell in row):
                    return [cell.strip() for cell in row]
    except (csv.Error, UnicodeDecodeError):
        return []
    return []


def _lines(text: io.TextIOBase, name: str) -> Iterator[str]:
    """The physical lines of ``text``; Unreadable for a line longer than LINE_LIMIT characters,
    before it is in memory (a line that never ends must not take the machine)."""
    readline = text.readline
    number = 0
    while True:
        line = readline(LINE_LIMIT)
        if not line:
            return
        number += 1
        if len(line) >= LINE_LIMIT and line[-1] not in "\r\n":
            raise Unreadable(
                _("{path}: line {line} is longer than {limit} characters").format(
                    path=name, line=number, limit=f"{LINE_LIMIT:,}"
                ),
                _("nothing of the file was imported; a survey export has no lines that long — are its columns or quotes broken?"),
            )
        yield line


class _HashingRaw(io.RawIOBase):
    """Passes a file's bytes through, hashing and counting them on the way."""

    def __init__(self, fh: io.BufferedReader) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001
        n = self.fh.readinto(buffer)
        if n:
            self.digest.update(memoryview(buffer)[:n])
            self.done += n
        return n or 0


Record = tuple[int, list[str] | None, str | None]


def records(source: Source, *, encoding: str | None = None, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """(physical line, cells, None) per record after the header, or (line, None, problem) for a record
    the csv module cannot split (broken quoting). Blank lines are not records.

    Raises UnicodeDecodeError when a later part of the file is not in the encoding; the caller
    decides whether to retry with another one. ``source.sha256`` is set once the file is read.
    """
    with inputs.open_raw(source.path, inputs.survey_kind()) as fh:
        raw = _HashingRaw(fh)  # type: ignore[arg-type]
        text = io.TextIOWrapper(io.BufferedReader(raw, BUFFER), encoding=encoding or source.encoding, newline="")
        reader = csv.reader(_lines(text, source.name), delimiter=source.delimiter, strict=True)
        header_seen = False
        last_done = 0
        last = 0  # the physical line on which the previous record ended
        while True:
            try:
                for row in reader:
                    start = last + 1
                    last = reader.line_num
                    if not row or (not row[0] and not "".join(row).strip()):
                        continue  # a blank line, or one of delimiters only
                    if not header_seen:
                        header_seen = True
                        continue
                    if progress is not None and raw.done != last_done:
                        last_done = raw.done
                        progress(raw.done)
                    yield start, row, None
            except csv.Error as exc:
                start, last = last + 1, reader.line_num
                if header_seen:
                    yield start, None, str(exc)
                continue
            break
        source.sha256 = raw.digest.hexdigest()
        if progress is not None:
            progress(raw.done)
