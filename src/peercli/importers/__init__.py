"""Importers: turn a listing file (native CSV, Meeting Guide JSON or plugin CSV, HSDS data
packages and JSON, BMLT, iCalendar) into normalized ``GroupRecord``s. Pure: paths in, records out; no SQLite, Typer or Rich.

Public API (stable):

- ``iter_records(path, options=ImportOptions(...), *, format=None) -> RecordStream`` (iterate
  for ``GroupRecord | RowError``; then read ``rows_read``, ``unknown_topics``, ``warnings``,
  ``ignored_columns``); keyword overrides of the options are accepted too
  (``iter_records(path, mapping={...}, fellowship="na")``);
- ``parse_file(...same...) -> ParseResult``;
- ``detect_format(path, *, delimiter=",") -> str`` (a name in ``FORMATS``);
- ``ImportOptions``, ``GroupRecord``, ``RowError``, ``ParseResult``, ``RecordStream``,
  ``ImportFileError``, ``NATIVE_FIELDS``, ``MAP_TARGETS``, ``FORMATS``.

The formats themselves are entries of ``registry.IMPORTERS`` (name, aliases, sniff, open,
options): a new format is a module plus one entry there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from peercli.importers.detect import detect_format, iter_records, parse_file
    from peercli.importers.native import MAP_TARGETS, NATIVE_FIELDS
    from peercli.importers.records import (
        GroupRecord,
        ImportFileError,
        ParseResult,
        RecordStream,
        RowError,
        auto_source_key,
    )
    from peercli.importers.registry import FORMATS, ImportOptions

#: Where each public name lives. They are loaded on first use (PEP 562), so importing one
#: importer module (or ``importers.userfiles`` for the topic vocabulary) does not load them all.
_PUBLIC = {
    "detect_format": "detect", "iter_records": "detect", "parse_file": "detect",
    "MAP_TARGETS": "native", "NATIVE_FIELDS": "native",
    "GroupRecord": "records", "ImportFileError": "records", "ParseResult": "records",
    "RecordStream": "records", "RowError": "records", "auto_source_key": "records",
    "FORMATS": "registry", "ImportOptions": "registry",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'peercli.importers' has no attribute '{name}'")
    from importlib import import_module

    value = getattr(import_module(f"peercli.importers.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "FORMATS",
    "MAP_TARGETS",
    "NATIVE_FIELDS",
    "GroupRecord",
    "ImportFileError",
    "ImportOptions",
    "ParseResult",
    "RecordStream",
    "RowError",
    "auto_source_key",
    "detect_format",
    "iter_records",
    "parse_file",
]
