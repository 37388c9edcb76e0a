"""Reading listing files as text, line by line, in whatever encoding a spreadsheet wrote them.

Encodings: UTF-8, UTF-8 with BOM, UTF-16 with BOM (LE or BE; also without a BOM when the NUL
pattern is unmistakable) and Windows-1252 (what Excel writes for "CSV"). Without a BOM the file
is read as UTF-8 until its first non-ASCII line: if that line is valid UTF-8 the file is UTF-8,
otherwise it is Windows-1252 from then on. A line that does not decode in the chosen encoding is
an ``ImportFileError`` naming the line. Everything streams: memory stays bounded whatever the
file size. Size caps: ``MAX_FILE_BYTES`` for a file, ``MAX_FIELD_CHARS`` for one CSV field.

Every importer opens its file through ``Listing`` (or ``read_listing`` for a whole document), so
the checks (exists, a regular file, under the size cap), the decoding and the wording of their
errors are the same for every format.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self

from peercli.importers.records import ImportFileError

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_FIELD_CHARS = 10_000
SAMPLE_BYTES = 64 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def check_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> int:
    """The file's size; ``ImportFileError`` when it is missing, not a file, or too big."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFileError(f"file not found: {path}") from None
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not path.is_file():
        raise ImportFileError(f"not a file: {path}")
    if size > max_bytes:
        raise ImportFileError(
            f"{path.name} is {size / 1e6:.0f} MB; the limit is {max_bytes / 1e6:.0f} MB "
            "(split the file, or import it in parts)"
        )
    return size


#: Documents people are sent instead of a listing, by their first bytes: what to say.
_IMAGE = "this is an image, not a listing: ask for the spreadsheet and save it as CSV"
_DOCUMENTS = (
    (b"%PDF-", ("this is a PDF document, not a listing peer can read: ask the county for the "
                "spreadsheet, or save the table as CSV")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ("this is an old Excel .xls workbook (or another "
                                          "Office file), not text: open it and save it as CSV")),
    (b"{\\rtf", "this is an RTF (word processor) document, not a listing: save the table as CSV"),
    (b"\x89PNG", _IMAGE),
    (b"\xff\xd8\xff", _IMAGE),
    (b"GIF8", _IMAGE),
)


#: Office documents are zip files: what the member names say they are (first match wins).
_WORD = ("this is a Word document (.docx), not a listing peer can read: copy its table into a "
         "spreadsheet and save that as CSV")
_PPT = ("this is a PowerPoint presentation (.pptx), not a listing: ask for the spreadsheet and "
        "save it as CSV")
_ODT = ("this is an OpenDocument text file (.odt), not a listing peer can read: copy its table "
        "into a spreadsheet and save that as CSV")
_ODS = "this is an OpenDocument spreadsheet (.ods), not text: open it and save it as CSV"
_ZIP_DOCUMENTS = (
    ("word/", _WORD),
    ("xl/", "this is an Excel .xlsx workbook, not text: open it and save it as CSV"),
    ("ppt/", _PPT),
)
_ODF = ((b"application/vnd.oasis.opendocument.text", _ODT),
        (b"application/vnd.oasis.opendocument.spreadsheet", _ODS))


def zip_member_names(head: bytes) -> list[str]:
    """The member names a zip's first bytes show (its local file headers, walked in order;
    a member whose size comes after its data is skipped by finding the next header)."""
    names: list[str] = []
    i = 0
    while 0 <= i and i + 30 <= len(head) and head[i:i + 4] == b"PK\x03\x04":
        flags = int.from_bytes(head[i + 6:i + 8], "little")
        size = int.from_bytes(head[i + 18:i + 22], "little")
        name_len = int.from_bytes(head[i + 26:i + 28], "little")
        extra_len = int.from_bytes(head[i + 28:i + 30], "little")
        names.append(head[i + 30:i + 30 + name_len].decode("utf-8", "replace"))
        start = i + 30 + name_len + extra_len
        i = head.find(b"PK\x03\x04", start) if flags & 0x08 else start + size
    return names


def _zip_document(head: bytes) -> str:
    """What to say about a zip that is not a data package: the Office document it is, if
    its member names (or an OpenDocument mimetype) say so."""
    for mimetype, message in _ODF:
        if mimetype in head[:200]:
            return message
    names = zip_member_names(head)
    for prefix, message in _ZIP_DOCUMENTS:
        if any(n.startswith(prefix) for n in names):
            return message
    return ("this is a zip file, not text: save a spreadsheet as CSV (a zip is read only as an "
            "HSDS data package with datapackage.json)")


def sniff_encoding(head: bytes) -> tuple[str, int]:
    """(encoding, BOM length) from the first bytes. "utf-8" without a BOM means
    "UTF-8 unless a line says otherwise" (see the module docstring). A document that is not
    text (PDF, old Excel, RTF, an image) is refused, saying what it is."""
    for magic, message in _DOCUMENTS:
        if head.startswith(magic):
            raise ImportFileError(message, line=1)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    if b"\x00" in head:
        if head.startswith(b"PK\x03\x04"):
            raise ImportFileError(_zip_document(head))
        sample = head[: len(head) & ~1]
        even = sample[0::2].count(0)
        odd = sample[1::2].count(0)
        half = max(len(sample) // 2, 1)
        if odd > 0.3 * half and even == 0:
            return "utf-16-le", 0
        if even > 0.3 * half and odd == 0:
            return "utf-16-be", 0
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        raise ImportFileError(
            f"line {line} contains NUL bytes: this looks like a binary file, not CSV or JSON text",
            line=line,
        )
    return "utf-8", 0


def _split_units(f: BinaryIO, newline: bytes) -> Iterator[bytes]:
    """Split a two-byte-unit stream (UTF-16) into lines on an aligned newline unit."""
    buf = b""
    while True:
        chunk = f.read(SAMPLE_BYTES)
        if not chunk:
            break
        buf += chunk
        start = 0
        while True:
            i = buf.find(newline, start)
            while i != -1 and i % 2:
                i = buf.find(newline, i + 1)
            if i == -1:
                break
            yield buf[start : i + 2]
            start = i + 2
        buf = buf[start:]
    if buf:
        yield buf


def _split_cr(f: BinaryIO) -> Iterator[bytes]:
    """Lines of a file with old Mac line endings (CR only)."""
    buf = b""
    while True:
        chunk = f.read(SAMPLE_BYTES)
        if not chunk:
            break
        parts = (buf + chunk).split(b"\r")
        buf = parts.pop()
        for part in parts:
            yield part + b"\r"
    if buf:
        yield buf


class DecodedLines:
    """Iterate a binary file as decoded text lines (line endings kept, as csv wants).

    ``encoding`` is the encoding in use: after iteration, the one the file turned out to be.
    """

    def __init__(self, f: BinaryIO, *, name: str = "the file") -> None:
        self._f = f
        self.name = name
        head = f.read(SAMPLE_BYTES)
        self.encoding, bom = sniff_encoding(head)
        self._cr_only = b"\r" in head and b"\n" not in head and self.encoding == "utf-8"
        self._bom = bom > 0
        f.seek(bom)
        self.lines_read = 0

    def __iter__(self) -> Iterator[str]:
        f = self._f
        if self.encoding.startswith("utf-16"):
            nl = b"\n\x00" if self.encoding == "utf-16-le" else b"\x00\n"
            raws: Iterator[bytes] = _split_units(f, nl)
            yield from self._decode_fixed(raws, self.encoding)
            return
        raws = _split_cr(f) if self._cr_only else iter(f)
        if self._bom:
            yield from self._decode_fixed(raws, "utf-8")
            return
        # UTF-8 until the first non-ASCII line decides; then fixed.
        lineno = 0
        for raw in raws:
            lineno += 1
            if raw.isascii():
                self.lines_read = lineno
                yield raw.decode("ascii")
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.encoding = "cp1252"
            else:
                self.lines_read = lineno
                yield text
                yield from self._decode_fixed(raws, "utf-8", lineno)
                return
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise self._undecodable(lineno, raw, exc) from None
            self.lines_read = lineno
            yield text
            yield from self._decode_fixed(raws, "cp1252", lineno)
            return

    def _decode_fixed(self, raws: Iterator[bytes], encoding: str, lineno: int = 0) -> Iterator[str]:
        for raw in raws:
            lineno += 1
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise self._undecodable(lineno, raw, exc) from None
            self.lines_read = lineno
            yield text

    def _undecodable(self, lineno: int, raw: bytes, exc: UnicodeDecodeError) -> ImportFileError:
        bad = raw[exc.start : exc.end].hex(" ")
        label = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}.get(self.encoding, self.encoding)
        hint = (
            "the start of the file is UTF-8; re-save the whole file as UTF-8"
            if self.encoding == "utf-8"
            else "save the file as UTF-8 and try again"
        )
        return ImportFileError(
            f"line {lineno} of {self.name}: bytes {bad} are not valid {label} text ({hint})",
            line=lineno,
        )


def read_text(f: BinaryIO, *, name: str = "the file") -> str:
    """The whole (size-checked) file as text, with the same decoding rules as ``DecodedLines``."""
    return "".join(DecodedLines(f, name=name))


@dataclass(frozen=True)
class CsvRow:
    """One CSV record: ``line`` is the physical line it starts on (header = 1). Either
    ``fields`` is set, or ``error`` says why the record could not be read."""

    line: int
    fields: list[str] | None
    error: str | None = None
    end_line: int = 0


def iter_csv_rows(
    lines: Iterator[str] | DecodedLines,
    *,
    delimiter: str = ",",
    max_field: int = MAX_FIELD_CHARS,
) -> Iterator[CsvRow]:
    """CSV records (header first) with their line numbers; blank lines are skipped.

    Problems with one record (unterminated quote, text after a closing quote, a field over
    ``max_field`` characters) come back as a ``CsvRow`` with ``error`` set; reading continues
    with the next line.
    """
    if len(delimiter) != 1:
        raise ImportFileError(f"the delimiter must be one character, not '{delimiter}'")
    reader = csv.reader(iter(lines), delimiter=delimiter, strict=True)
    prev = 0
    header: list[str] | None = None
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            start = prev + 1
            prev = reader.line_num
            yield CsvRow(start, None, _csv_message(str(exc), start, prev, delimiter), prev)
            continue
        start = prev + 1
        prev = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip() and header is not None):
            continue
        if header is None:
            header = row
        longest = max(map(len, row))
        if longest > max_field:
            col = next(i for i, v in enumerate(row) if len(v) == longest)
            label = header[col] if col < len(header) and row is not header else f"#{col + 1}"
            yield CsvRow(
                start,
                None,
                f"column '{label}' is {longest:,} characters long; the limit for one field "
                f"is {max_field:,} (an unterminated quote can cause this)",
                prev,
            )
            continue
        yield CsvRow(start, row, None, prev)


def _csv_message(text: str, start: int, end: int, delimiter: str) -> str:
    if "unexpected end of data" in text:
        return (
            f"unterminated quote: a field opened with \" on line {start} is never closed "
            "(close it, or write \"\" for a quote inside a quoted field)"
        )
    if "field larger than field limit" in text:
        return (
            f"a field starting on line {start} is too long (over {csv.field_size_limit():,} "
            "characters): probably an unterminated quote"
        )
    if "expected after" in text:
        shown = "tab" if delimiter == "\t" else delimiter
        return (
            f"text after a closing quote: a quoted field must be followed by '{shown}' or the "
            "end of the line (write \"\" for a quote inside a quoted field)"
        )
    return f"cannot read this CSV record ({text})"


DELIMITERS = ",;\t|"


def sniff_delimiter(sample: str) -> str:
    """The field separator of a CSV sample: ",", ";", tab or "|" (Excel in many European
    locales writes ";", exports from databases often tab).

    ``csv.Sniffer`` (restricted to those four) decides from the first lines; its answer is kept
    only when the header then splits into more than one column and the rows agree with the
    header on the number of fields. Otherwise the separator that splits the header into the
    most columns wins, and "," when none does.
    """
    lines = [ln for ln in sample.splitlines() if ln.strip()][:20]
    if not lines:
        return ","
    if len(sample) >= SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be incomplete
    head = "\n".join(lines)

    def widths(delimiter: str) -> list[int]:
        try:
            return [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            return []

    try:
        found = csv.Sniffer().sniff(head, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found:
        w = widths(found)
        if w and w[0] > 1 and all(n == w[0] for n in w[1:]):
            return found
    best, best_width = ",", 1
    for d in DELIMITERS:
        w = widths(d)
        if w and w[0] > best_width:
            best, best_width = d, w[0]
    return best


class Listing:
    """A listing file opened for reading: checked by ``check_file`` (exists, a regular file,
    under ``max_bytes``), then decoded line by line by ``DecodedLines``.

    ``lines`` streams the text; ``text()`` reads it whole; ``csv()`` reads it as CSV and checks
    the header row. Close it when done (it is a context manager); a stream that reads it
    lazily closes it when the stream ends.
    """

    def __init__(self, path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.path = Path(path)
        self.name = self.path.name
        check_file(self.path, max_bytes=max_bytes)
        self._f = open_binary(self.path)
        try:
            self.lines = DecodedLines(self._f, name=self.name)
        except BaseException:
            self._f.close()
            raise

    def text(self) -> str:
        """The rest of the file as one string."""
        return "".join(self.lines)

    def csv(self, *, delimiter: str = ",",
            max_field: int = MAX_FIELD_CHARS) -> tuple[list[str], Iterator[CsvRow]]:
        """(header fields, the records after the header). An empty file or an unreadable
        header row is an ``ImportFileError`` (and the file is closed)."""
        try:
            rows = iter_csv_rows(self.lines, delimiter=delimiter, max_field=max_field)
            header = next(rows, None)
            if header is None:
                raise ImportFileError(f"{self.name} is empty: expected a header row and groups")
            if header.fields is None:
                raise ImportFileError(f"line {header.line}: {header.error}", line=header.line)
        except BaseException:
            self.close()
            raise
        return header.fields, rows

    def close(self) -> None:
        self._f.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def read_listing(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A whole listing file as text (checked and decoded as ``Listing`` does)."""
    with Listing(path, max_bytes=max_bytes) as listing:
        return listing.text()


def read_csv_table(f: BinaryIO, name: str) -> list[dict[str, Any]]:
    """A CSV table of a data package (HSDS) as rows: lower-case column -> stripped value
    ("null" read as empty), plus ``_line``. An empty file is no rows; an unreadable record is
    an ``ImportFileError`` naming the file and line (a package is read whole or not at all)."""
    rows: list[dict[str, Any]] = []
    csv_rows = iter_csv_rows(DecodedLines(f, name=name))
    header = next(csv_rows, None)
    if header is None:
        return rows
    if header.fields is None:
        raise ImportFileError(f"{name} line {header.line}: {header.error}", line=header.line)
    keys = [h.strip().lstrip("\ufeff").lower() for h in header.fields]
    for r in csv_rows:
        if r.fields is None:
            raise ImportFileError(f"{name} line {r.line}: {r.error}", line=r.line)
        row: dict[str, Any] = {k: _null(v) for k, v in zip(keys, r.fields, strict=False)}
        row["_line"] = r.line
        rows.append(row)
    return rows


def _null(value: str) -> str:
    value = value.strip()
    return "" if value.lower() == "null" else value


def open_binary(path: Path) -> BinaryIO:
    try:
        return open(path, "rb")
    except OSError as exc:
        raise ImportFileError(f"cannot open {path}: {exc.strerror or exc}") from None


def file_stem(path: Path) -> str:
    name = os.path.basename(os.path.normpath(str(path)))
    for suffix in (".csv", ".tsv", ".txt", ".json", ".zip"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name
