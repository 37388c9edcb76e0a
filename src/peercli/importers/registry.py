"""The importer registry: every listing format peer reads, as data.

An ``ImporterSpec`` names a format (``--format`` name and aliases), says which format-specific
options it takes, and points at two functions in its own module:

- ``sniff(sample: Sample) -> float``: how sure it is (0 = not this format, 1 = certain) that
  the file is in its format, from what ``Sample`` offers (the first bytes decoded as text, the
  first CSV record, the suffix, a folder's or zip's member names);
- ``open(path, options: ImportOptions) -> RecordStream``: the records, streamed.

Detection asks every sniff and takes the most confident (the earlier entry on a tie). The
functions are imported only when used, so ``peer --help`` loads none of them. Adding a format is
one module with those two functions and one entry in ``IMPORTERS`` (plus, for a new option, one
field in ``ImportOptions`` with its flag and a CLI option).
"""

from __future__ import annotations

import csv
import importlib
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, cast

from peercli.importers.records import ImportFileError, ProgressCallback
from peercli.importers.textio import MAX_FILE_BYTES, SAMPLE_BYTES, sniff_encoding

if TYPE_CHECKING:
    from peercli.importers.records import RecordStream


def _flag(name: str) -> dict[str, str]:
    return {"flag": name}


@dataclass(frozen=True)
class ImportOptions:
    """How to read one file. ``source``, ``progress`` and ``max_bytes`` apply to every format;
    a field with a ``flag`` is format-specific: giving it for a format whose spec does not list
    it is refused (``--map applies to ...``)."""

    source: str | None = None  # the directory's name (re-import key); default from the file
    progress: ProgressCallback | None = field(default=None, compare=False)
    max_bytes: int = MAX_FILE_BYTES
    mapping: Mapping[str, str] | None = field(default=None, metadata=_flag("--map"))
    # None: detected from the file's first lines (",", ";", tab or "|"; see textio)
    delimiter: str | None = field(default=None, metadata=_flag("--delimiter"))
    fellowship: str | None = field(default=None, metadata=_flag("--fellowship"))
    formats: Path | None = field(default=None, metadata=_flag("--formats"))  # BMLT GetFormats
    taxonomy: str | None = field(default=None, metadata=_flag("--taxonomy"))  # a code prefix

    def given(self) -> dict[str, str]:
        """The format-specific options set to something other than their default: name -> flag."""
        out: dict[str, str] = {}
        for f in fields(self):
            if "flag" in f.metadata and getattr(self, f.name) not in (f.default, None, {}):
                out[f.name] = f.metadata["flag"]
        return out


class Refusal(ImportFileError):
    """Raised by a sniff that recognises a file which cannot be imported on its own (a BMLT
    GetFormats answer): detection reports it at once instead of trying other formats."""


_JSONP = re.compile(r"^[A-Za-z_$][\w$.]*\s*\(\s*[\[{]")


class Sample:
    """What a sniff may look at, read once and only when asked for.

    ``text`` (the first 64 KB decoded, BOM and leading blanks removed) raises
    ``ImportFileError`` for a binary file; detection reports that only when no other sniff
    recognises the file.
    """

    def __init__(self, path: Path, *, delimiter: str = ",") -> None:
        self.path = path
        self.delimiter = delimiter
        self.is_dir = path.is_dir()
        self.suffix = path.suffix.lower()

    @cached_property
    def head(self) -> bytes:
        """The first bytes of a file (b"" for a folder)."""
        if self.is_dir:
            return b""
        with open(self.path, "rb") as f:
            return f.read(SAMPLE_BYTES)

    @cached_property
    def text(self) -> str:
        if self.is_dir:
            return ""
        head = self.head
        encoding, bom = sniff_encoding(head)
        body = head[bom:]
        if encoding == "utf-8":
            text = body.decode("utf-8", errors="ignore")
            if "\ufffd" in text or not _valid_utf8_prefix(body):
                text = body.decode("cp1252", errors="replace")
        else:
            text = body.decode(encoding, errors="replace")
        return text.lstrip().lstrip("\ufeff").lstrip()

    @property
    def looks_like_json(self) -> bool:
        """JSON text, or JSONP (``callback([...])``)."""
        return self.text[:1] in ("[", "{") or _JSONP.match(self.text) is not None

    @cached_property
    def first_record(self) -> list[str]:
        """The first CSV record (the header row of a CSV file) with the given delimiter."""
        try:
            return next(csv.reader(self.text.splitlines(), delimiter=self.delimiter), [])
        except csv.Error:
            return []

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Member paths of a zip, or the files of a folder and its subfolders (two levels), as
        POSIX paths relative to it; () for any other file."""
        if self.is_dir:
            found = [p for pattern in ("*", "*/*") for p in self.path.glob(pattern)]
            return tuple(sorted(p.relative_to(self.path).as_posix() for p in found))
        try:
            if not zipfile.is_zipfile(self.path):
                return ()
            with zipfile.ZipFile(self.path) as zf:
                return tuple(zf.namelist())
        except (OSError, zipfile.BadZipFile):
            return ()

    def has_member(self, name: str) -> bool:
        """A member with this file name, at any depth listed in ``names``."""
        return any(PurePosixPath(n).name == name for n in self.names)


def _valid_utf8_prefix(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 3  # a character cut at the sample's end
    return True


Sniff = Callable[[Sample], float]
Opener = Callable[[Path, ImportOptions], "RecordStream"]


@dataclass(frozen=True)
class ImporterSpec:
    name: str  # the --format name, and the stream's ``format``
    label: str  # for messages, plural: "Meeting Guide JSON feeds"
    module: str  # where sniff and open live (imported on first use)
    sniff_name: str
    open_name: str
    aliases: tuple[str, ...] = ()
    options: frozenset[str] = frozenset()  # the format-specific ImportOptions fields it reads

    def _function(self, name: str) -> object:
        return getattr(importlib.import_module(self.module), name)

    def sniff(self, sample: Sample) -> float:
        return cast(Sniff, self._function(self.sniff_name))(sample)

    def open(self, path: Path, options: ImportOptions) -> RecordStream:
        return cast(Opener, self._function(self.open_name))(path, options)


IMPORTERS: tuple[ImporterSpec, ...] = (
    ImporterSpec(
        "native", "native CSV files",
        "peercli.importers.native", "sniff_native", "open_records",
        aliases=("csv",), options=frozenset({"mapping", "delimiter"}),
    ),
    ImporterSpec(
        "tsml-csv", "12 Step Meeting List CSV exports",
        "peercli.importers.tsml", "sniff_tsml", "open_tsml_records",
        aliases=("tsml",), options=frozenset({"delimiter", "fellowship"}),
    ),
    ImporterSpec(
        "meetingguide", "Meeting Guide JSON feeds",
        "peercli.importers.meetingguide", "sniff_meetingguide", "open_meetingguide_records",
        aliases=("meeting-guide", "json", "mg"), options=frozenset({"fellowship"}),
    ),
    ImporterSpec(
        "hsds", "HSDS 3.0 data packages",
        "peercli.importers.hsds", "sniff_hsds", "open_records",
        aliases=("openreferral", "hsds-3", "hsds-3.0"), options=frozenset({"taxonomy"}),
    ),
    ImporterSpec(
        "bmlt", "BMLT search results",
        "peercli.importers.bmlt", "sniff_bmlt", "open_records",
        aliases=("getsearchresults",), options=frozenset({"formats"}),
    ),
    ImporterSpec(
        "ics", "iCalendar files",
        "peercli.importers.ics", "sniff_ics", "open_records",
        aliases=("ical", "icalendar", "ical-ics", "calendar"),
    ),
    ImporterSpec(
        "hsds-json", "HSDS 3.0 JSON documents",
        "peercli.importers.hsds_json", "sniff_hsds_json", "open_records",
        aliases=("hsds-3-json", "openreferral-json"), options=frozenset({"taxonomy"}),
    ),
    ImporterSpec(
        "hsds-1.1", "HSDS 1.1/2.0 data packages",
        "peercli.importers.hsds_tabular", "sniff_hsds_v1", "open_records",
        aliases=("hsds-1", "hsds-2", "hsds-2.0", "hsds-11", "hsds-tabular-1.1"),
        options=frozenset({"taxonomy"}),
    ),
)

FORMATS: tuple[str, ...] = tuple(spec.name for spec in IMPORTERS)


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def spec_for(name: str) -> ImporterSpec:
    """The importer named ``name`` (a format name or an alias, any case, ``_`` for ``-``)."""
    key = _key(name)
    for spec in IMPORTERS:
        if key == spec.name or key in spec.aliases:
            return spec
    raise ImportFileError(f"unknown format '{name}' (expected one of: {', '.join(FORMATS)})")


def normalize_format(name: str) -> str:
    """The format name for ``name`` or one of its aliases."""
    return spec_for(name).name
