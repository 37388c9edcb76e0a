"""The native CSV format (and any spreadsheet whose headers say what they hold).

Native columns (also the targets of ``--map``): see ``NATIVE_FIELDS``; extra optional targets:
``timezone`` (IANA name for every meeting in the row), ``open_to_newcomers`` (yes/no) and
``last_verified`` (a date). Only ``name`` and a schedule (``schedule``, or ``days`` + ``time``)
are required. Headers are matched ignoring case, spaces and punctuation, through the synonyms in
``HEADER_SYNONYMS`` ("Group Name", "Day(s)", "Start Time", "Zip", "Conference URL"...); when two
columns claim one field, the closer name wins ("Address" over "Location") and the other is
ignored with a warning. ``mapping`` ("Their Column" -> field, from ``--map``) overrides all of
that; mapping a column to ``ignore`` drops it.

The column plan is ``native_columns``; reading one row is ``native_rows.RowBuilder``; this module
opens the file and streams the rows.

Each row becomes one ``GroupRecord`` or one ``RowError`` (all of the row's problems, joined with
"; "). Line numbers are physical lines, header = 1; a quoted field spanning lines reports the
line the record starts on. Parsed schedules, topics and languages are cached per distinct text,
so a 100,000-row file with repeated values parses in a couple of seconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from peercli.importers.native_columns import (
    EXTRA_FIELDS,
    HEADER_SYNONYMS,
    IGNORE,
    MAP_TARGETS,
    NATIVE_FIELDS,
    ColumnPlan,
    header_key,
    plan_columns,
    require_columns,
)
from peercli.importers.native_rows import RowBuilder, ScheduleReader, online_place, parse_date
from peercli.importers.records import (
    Item,
    ProgressCallback,
    RecordStream,
    RowError,
)
from peercli.importers.textio import (
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    CsvRow,
    Listing,
    file_stem,
)

if TYPE_CHECKING:
    from peercli.importers.registry import ImportOptions, Sample

__all__ = [
    "EXTRA_FIELDS", "HEADER_SYNONYMS", "IGNORE", "MAP_TARGETS", "NATIVE_FIELDS", "ColumnPlan",
    "RowBuilder", "ScheduleReader", "header_key", "iter_table_rows", "online_place",
    "open_native", "open_records", "parse_date", "plan_columns", "require_columns",
    "sniff_native",
]


def iter_table_rows(
    rows: Iterator[CsvRow], ncols: int, headers: tuple[str, ...]
) -> Iterator[tuple[int, list[str] | RowError]]:
    """Data rows with the field count checked; blank rows skipped. Extra *empty* trailing
    fields (a spreadsheet's stray commas) are tolerated."""
    for r in rows:
        if r.fields is None:
            yield r.line, RowError(r.line, r.error or "cannot read this record")
            continue
        row = r.fields
        n = len(row)
        if n != ncols:
            if n > ncols and not any(v.strip() for v in row[ncols:]):
                row = row[:ncols]
            elif not any(v.strip() for v in row):
                continue
            else:
                span = f" (a quoted field runs from line {r.line} to {r.end_line})" if (
                    r.end_line > r.line) else ""
                yield r.line, RowError(
                    r.line,
                    f"wrong number of fields: expected {ncols} (one per header column), found "
                    f"{n}{span}; check for an unquoted delimiter or a missing quote",
                    dict(zip(headers, row, strict=False)),
                )
                continue
        if not any(row):
            continue
        yield r.line, row


def open_native(
    path: Path,
    *,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    delimiter: str = ",",
    progress: ProgressCallback | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    max_field: int = MAX_FIELD_CHARS,
    today: date | None = None,
) -> RecordStream:
    """A ``RecordStream`` over a native (or synonym-headed) CSV file. Header problems raise
    ``ImportFileError`` here; rows are read as the stream is iterated."""
    path = Path(path)
    listing = Listing(path, max_bytes=max_bytes)
    fields, rows = listing.csv(delimiter=delimiter, max_field=max_field)
    try:
        fields, rows, title = _skip_title(fields, rows, mapping)
        fields, rows, second = _second_header(fields, rows, mapping)
        plan = plan_columns(fields, mapping)
        require_columns(plan)
    except BaseException:
        listing.close()
        raise
    builder = RowBuilder(source or file_stem(path), plan, today or date.today())
    stream: RecordStream

    def items() -> Iterator[tuple[int, Item]]:
        try:
            for line, row in iter_table_rows(rows, len(plan.headers), plan.headers):
                if isinstance(row, RowError):
                    yield line, row
                else:
                    yield line, builder.build(line, row)
        finally:
            listing.close()

    stream = RecordStream("native", builder.source, items(), progress=progress,
                          ignored_columns=plan.ignored)
    builder.warn = stream.warn
    stream.columns = {plan.headers[i]: f for f, i in sorted(plan.columns.items(),
                                                             key=lambda kv: kv[1])}
    for message in plan.warnings:
        stream.warn(1, message)
    if title is not None:
        header_line, above = title
        lines = "line 1" if above == 1 else f"lines 1-{above}"
        stream.warn(header_line, f"the header row; {lines} above it read as a title and skipped")
    if second is not None:
        stream.warn(second, "read as a second header row (the header's merged cells, split) "
                            "and skipped")
    return stream


def _known_header(text: str) -> bool:
    from peercli.importers.native_columns import HEADER_SYNONYMS

    return header_key(text) in HEADER_SYNONYMS


def _second_header(
    fields: list[str], rows: Iterator[CsvRow], mapping: Mapping[str, str] | None
) -> tuple[list[str], Iterator[CsvRow], int | None]:
    """A header spread over two rows (merged cells: "Location" over "Address" | "Zip"). The row
    right after the header is a second header row when the name and schedule cells are empty,
    no filled cell has a digit, and either a filled cell sits under an empty header cell or
    every filled cell is a known header name. Its cells then name the columns (an empty header
    cell, or a known name replacing the merged one; with --map only empty cells, so the names
    --map uses stay). Returns (header, rows after it, its line or None)."""
    first = next(rows, None)
    if first is None:
        return fields, rows, None
    untouched = fields, itertools.chain([first], rows), None
    sub = first.fields
    if sub is None or len(sub) < len(fields) or any(v.strip() for v in sub[len(fields):]):
        return untouched
    from peercli.importers.records import ImportFileError

    try:
        plan = plan_columns(fields, mapping)
    except ImportFileError:  # the header's own problem is reported by the caller
        return untouched
    key = [plan.columns[f] for f in ("name", "schedule", "days") if f in plan.columns]
    filled = [i for i, v in enumerate(sub[:len(fields)]) if v.strip()]
    if (not filled or any(sub[i].strip() for i in key)
            or any(ch.isdigit() for i in filled for ch in sub[i])
            or not (any(not fields[i].strip() for i in filled)
                    or all(_known_header(sub[i]) for i in filled))):
        return untouched
    named = list(fields)
    for i in filled:
        if not fields[i].strip() or (mapping is None and _known_header(sub[i])):
            named[i] = sub[i].strip()
    return named, rows, first.line


#: How many rows a sheet's title may take above its header row.
TITLE_ROWS_MAX = 10


def _names_a_group(fields: list[str], mapping: Mapping[str, str] | None = None) -> bool:
    """Does this row, as a header, name a group and a schedule (through ``mapping`` too)?"""
    from peercli.importers.records import ImportFileError

    try:
        plan = plan_columns(fields, mapping)
    except ImportFileError:
        return False
    return "name" in plan.columns and bool({"schedule", "days", "time"} & set(plan.columns))


def _title_like(fields: list[str]) -> bool:
    """A title row: at most two cells filled (a heading, a date), or none."""
    return sum(1 for v in fields if v.strip()) <= 2


def _skip_title(
    fields: list[str], rows: Iterator[CsvRow], mapping: Mapping[str, str] | None
) -> tuple[list[str], Iterator[CsvRow], tuple[int, int] | None]:
    """A county sheet often starts with a title ("Alder County Behavioral Health", "Updated
    10/2026") above its header row. When the first row does not name a group and a schedule
    but looks like a title, the header is the first of the next ``TITLE_ROWS_MAX`` rows that
    does, every row before it title-like; returns (header, rows after it, (header line, rows
    above it)), or the input unchanged (title None) when there is no such row."""
    if _names_a_group(fields, mapping) or not _title_like(fields):
        return fields, rows, None
    seen: list[CsvRow] = []
    for r in rows:
        seen.append(r)
        if r.fields is None or len(seen) > TITLE_ROWS_MAX:
            break
        if _names_a_group(r.fields, mapping):
            return r.fields, rows, (r.line, r.line - 1)
        if not _title_like(r.fields):
            break
    return fields, itertools.chain(seen, rows), None


# -- registry entry (importers/registry.py) ------------------------------------------------------


def sniff_native(sample: Sample) -> float:
    """A CSV whose header row names a group and a schedule (natively or through synonyms)."""
    if sample.is_dir or not sample.text or sample.looks_like_json:
        return 0.0
    import csv

    try:
        for i, record in enumerate(csv.reader(sample.text.splitlines(),
                                              delimiter=sample.delimiter)):
            plan = plan_columns(record)
            if "name" in plan.columns and ("schedule" in plan.columns or "days" in plan.columns):
                return 0.8
            if i >= TITLE_ROWS_MAX or not _title_like(record):
                break
    except csv.Error:
        pass
    return 0.0


def open_records(path: Path, options: ImportOptions) -> RecordStream:
    return open_native(path, source=options.source, mapping=options.mapping,
                       delimiter=options.delimiter or ",", progress=options.progress,
                       max_bytes=options.max_bytes)
