"""Importers: turn a listing file (native CSV, Meeting Guide JSON or plugin CSV, HSDS data
package) into normalized ``GroupRecord``s. Pure: paths in, records out; no SQLite, Typer or Rich.

Public API (stable):

- ``parse_file(path, *, format=None, source=None, mapping=None, delimiter=",", progress=None,
  fellowship=None) -> ParseResult``
- ``iter_records(...same...) -> RecordStream`` (iterate for ``GroupRecord | RowError``; then
  read ``rows_read``, ``unknown_topics``, ``warnings``, ``ignored_columns``)
- ``detect_format(path, *, delimiter=",") -> "native" | "tsml-csv" | "meetingguide" | "hsds"``
- ``GroupRecord``, ``RowError``, ``ParseResult``, ``RecordStream``, ``ImportFileError``,
  ``NATIVE_FIELDS``, ``MAP_TARGETS``, ``FORMATS``.
"""

from peercli.importers.detect import FORMATS, detect_format, iter_records, parse_file
from peercli.importers.native import MAP_TARGETS, NATIVE_FIELDS
from peercli.importers.records import (
    GroupRecord,
    ImportFileError,
    ParseResult,
    RecordStream,
    RowError,
    auto_source_key,
)

__all__ = [
    "FORMATS",
    "MAP_TARGETS",
    "NATIVE_FIELDS",
    "GroupRecord",
    "ImportFileError",
    "ParseResult",
    "RecordStream",
    "RowError",
    "auto_source_key",
    "detect_format",
    "iter_records",
    "parse_file",
]
