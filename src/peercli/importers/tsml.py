"""The 12 Step Meeting List plugin's CSV export ("6:00 PM", "Monday", type names spelled out).

Each row is turned into a Meeting Guide entry (``TSML_COLUMNS``; type names back to codes) and
read by the same ``EntryConverter`` as the JSON feed, so the two formats give the same records.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peercli.importers.meetingguide_entry import EntryConverter
from peercli.importers.meetingguide_types import (
    TYPE_CODES_BY_NAME,
    guess_fellowship,
    normalize_fellowship,
)
from peercli.importers.native import header_key, iter_table_rows
from peercli.importers.records import Item, ProgressCallback, RecordStream, RowError
from peercli.importers.textio import MAX_FIELD_CHARS, MAX_FILE_BYTES, Listing, file_stem

if TYPE_CHECKING:
    from peercli.importers.registry import ImportOptions, Sample

TSML_COLUMNS = {
    "time": "time", "endtime": "end_time", "day": "day", "name": "name", "location": "location",
    "address": "address", "city": "city", "state": "state", "postalcode": "postal_code",
    "zip": "postal_code", "country": "country", "types": "types", "notes": "notes",
    "locationnotes": "location_notes", "timezone": "timezone", "group": "group",
    "groupnotes": "group_notes", "website": "website", "email": "email", "phone": "phone",
    "conferenceurl": "conference_url", "conferenceurlnotes": "conference_url_notes",
    "slug": "slug", "id": "id", "latitude": "latitude", "longitude": "longitude",
    "attendanceoption": "attendance_option",
    "conferencephone": "conference_phone", "region": "region", "subregion": "sub_region",
}
_TSML_MARKERS = {"types", "location", "slug", "region", "subregion", "locationnotes",
                 "groupnotes", "conferenceurl", "district", "group", "conferencephone"}


def looks_like_tsml(headers: list[str]) -> bool:
    """The plugin's export: Day, Time and Name plus at least two of its own columns."""
    keys = {header_key(h) for h in headers}
    return {"day", "time", "name"} <= keys and len(keys & _TSML_MARKERS) >= 2


def type_codes_from_names(text: str) -> list[str]:
    """"Open, Wheelchair Access" -> ["O", "X"]; unknown names are kept as they are."""
    out = []
    for item in text.split(","):
        item = item.strip()
        if item:
            out.append(TYPE_CODES_BY_NAME.get(item.casefold(), item))
    return out


def open_tsml_csv(
    path: Path,
    *,
    source: str | None = None,
    fellowship: str | None = None,
    delimiter: str = ",",
    progress: ProgressCallback | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    max_field: int = MAX_FIELD_CHARS,
) -> RecordStream:
    """A ``RecordStream`` over the 12 Step Meeting List plugin's CSV ("6:00 PM", "Monday")."""
    from peercli.core import schedule

    path = Path(path)
    listing = Listing(path, max_bytes=max_bytes)
    fields, rows = listing.csv(delimiter=delimiter, max_field=max_field)
    headers = tuple(h.strip().lstrip("\ufeff") for h in fields)
    index = {}
    for i, h in enumerate(headers):
        key = TSML_COLUMNS.get(header_key(h))
        if key and key not in index:
            index[key] = i
    ignored = tuple(h for i, h in enumerate(headers) if i not in index.values() and h)
    stem = file_stem(path)
    fellow = normalize_fellowship(fellowship) if fellowship else guess_fellowship(stem)
    cache: dict[tuple[str, str, str, str], tuple[Any, ...] | str] = {}

    def meetings_for(day: str, time: str, end: str, tz: str) -> tuple[Any, ...] | str:
        key = (day, time, end, tz)
        if key not in cache:
            try:
                found = tuple(schedule.meetings_from_days_time(day, time, end or None))
                if tz:
                    found = tuple(dataclasses.replace(m, timezone=tz) for m in found)
                cache[key] = found
            except ValueError as exc:
                cache[key] = str(exc)
        return cache[key]

    stream: RecordStream

    def items() -> Iterator[tuple[int, Item]]:
        try:
            for line, row in iter_table_rows(rows, len(headers), headers):
                if isinstance(row, RowError):
                    yield line, row
                    continue
                entry: dict[str, Any] = {k: row[i] for k, i in index.items()}
                label = f"line {line}"
                day, time = entry.get("day", "").strip(), entry.get("time", "").strip()
                if not day or not time:
                    stream.warn(line, f"{label}: no day and time (by appointment?); skipped")
                    continue
                meetings = meetings_for(day, time, entry.get("end_time", "").strip(),
                                        entry.get("timezone", "").strip())
                if isinstance(meetings, str):
                    yield line, RowError(line, meetings, dict(zip(headers, row, strict=False)))
                    continue
                entry["types"] = type_codes_from_names(entry.get("types", ""))
                if "city" not in entry and entry.get("address"):
                    entry["formatted_address"] = entry.pop("address")
                item = converter.convert(label, line, entry, meetings)
                if isinstance(item, RowError):
                    item = RowError(line, item.message.removeprefix(f"{label}: "),
                                    dict(zip(headers, row, strict=False)))
                yield line, item
        finally:
            listing.close()

    stream = RecordStream("tsml-csv", source or f"meetingguide:{stem}", items(),
                          progress=progress, ignored_columns=ignored)
    converter = EntryConverter(stream.source, fellow, stream.warn)
    return stream


# -- registry entry (importers/registry.py) ----------------------------------------------------


def sniff_tsml(sample: Sample) -> float:
    """The plugin's CSV export: Day, Time and Name plus at least two of its own columns."""
    if sample.is_dir or not sample.text or sample.looks_like_json:
        return 0.0
    return 0.9 if looks_like_tsml(sample.first_record) else 0.0


def open_tsml_records(path: Path, options: ImportOptions) -> RecordStream:
    return open_tsml_csv(path, source=options.source, fellowship=options.fellowship,
                         delimiter=options.delimiter or ",", progress=options.progress,
                         max_bytes=options.max_bytes)
