"""Meeting Guide feeds (Code for Recovery JSON spec); the plugin's CSV export is ``tsml``.

One ``GroupRecord`` per meeting entry, keyed by its ``slug`` (else ``id``, else the automatic
name + schedule + place key). Entries of one group on different days are *not* merged: Meeting
Guide names each entry separately (and their types differ), and the slug is the only key that
stays stable across feed exports.

Type codes map to fields, not topics (``TYPE_FIELDS``): W/M/LGBTQ/G/L/BI/T/NB/Y/SEN/POC/N/NDG/P
-> audience; X/XB/ASL/BA/CF/FF -> accessibility; S, EN, FR, POL, RUS... -> languages (an
entry with no language code says nothing about language: ``languages == ()``); O/C (and BE,
newcomer) -> ``open_to_newcomers``; ONL or a ``conference_url`` -> online (hybrid with a usable
street address); TC (location temporarily closed) means the in-person part is not happening: an
online meeting stays online, an in-person-only one is imported as ``inactive``. The TSML
``attendance_option`` field, when present, decides the format. Other codes (Big Book, Speaker...)
are kept as words in ``notes``. DD (dual diagnosis) also adds that topic.

The fellowship gives the topic: ``fellowship="aa"`` -> alcohol-recovery, ``"na"``/``"ca"`` ->
drug-recovery, ``"al-anon"`` -> family-members (topic and audience); by default it is guessed
from the file name ("na-...", "alanon...") and otherwise AA. Facilitation is ``mutual-aid``.

Entries without a day or time ("by appointment") are skipped with a warning, not an error: the
spec allows them, and a refused feed would help nobody. Bad entries (no name, unknown day,
impossible time) are ``RowError``s at "meeting N (line L)", L being the line where the entry
starts in the file.

The codes and fellowships are ``meetingguide_types``; one entry -> one record is
``meetingguide_entry``; this module reads the feed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peercli.importers.meetingguide_entry import (
    EntryConverter,
    _meeting_from_entry,
    _raw,
    split_formatted_address,
)
from peercli.importers.meetingguide_types import (
    ACCESS_CODES,
    AUDIENCE_CODES,
    FELLOWSHIPS,
    LANGUAGE_CODES,
    TOPIC_CODES,
    TYPE_CODES_BY_NAME,
    TYPE_NAMES,
    guess_fellowship,
    normalize_fellowship,
)
from peercli.importers.records import (
    ImportFileError,
    Item,
    ProgressCallback,
    RecordStream,
    RowError,
)
from peercli.importers.textio import file_stem, read_listing

if TYPE_CHECKING:
    from peercli.importers.registry import ImportOptions, Sample

__all__ = [
    "ACCESS_CODES", "AUDIENCE_CODES", "FELLOWSHIPS", "LANGUAGE_CODES", "MAX_JSON_BYTES",
    "TOPIC_CODES", "TYPE_CODES_BY_NAME", "TYPE_NAMES", "EntryConverter", "guess_fellowship",
    "iter_json_array", "normalize_fellowship", "open_meetingguide", "open_meetingguide_records",
    "sniff_meetingguide", "split_formatted_address",
]

MAX_JSON_BYTES = 50 * 1024 * 1024  # a feed is read whole; real feeds are a few MB

# ---- JSON feed ---------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


def iter_json_array(text: str, name: str) -> Iterator[tuple[int, Any]]:
    """(line, element) for each element of a top-level JSON array, without building the whole
    list first; a syntax error is an ``ImportFileError`` naming line and column."""
    from peercli.importers import safejson

    decoder = safejson.decoder()
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if pos >= len(text) or text[pos] != "[":
        if pos < len(text) and text[pos] == "{":
            raise ImportFileError(
                f"{name}: expected a JSON array of meetings ([{{...}}, ...]), found an object"
            )
        _raise_json(text, pos, name, "expected '[' starting a JSON array of meetings")
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    line, counted = 1, 0
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            element, end = safejson.raw_decode(decoder, text, pos)
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                line=exc.lineno,
            ) from None
        except safejson.JsonLimitError as exc:
            raise ImportFileError(f"{name}: the meeting at line {line}: {exc}; refused",
                                  line=line) from None
        yield line, element
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]
        if pos < len(text) and text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if pos < len(text) and text[pos] == "]":
                _raise_json(text, pos, name, "trailing comma before ']'")
            continue
        if pos < len(text) and text[pos] == "]":
            rest = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if rest != len(text):
                _raise_json(text, rest, name, "extra data after the closing ']'")
            return
        _raise_json(text, pos, name, "expected ',' or ']' after a meeting")


def _raise_json(text: str, pos: int, name: str, what: str) -> None:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    raise ImportFileError(f"{name}: invalid JSON at line {line}, column {col}: {what}", line=line)


def open_meetingguide(
    path: Path,
    *,
    source: str | None = None,
    fellowship: str | None = None,
    progress: ProgressCallback | None = None,
    max_bytes: int = MAX_JSON_BYTES,
) -> RecordStream:
    """A ``RecordStream`` over a Meeting Guide JSON feed (a flat array of meetings)."""
    from peercli.core import schedule

    path = Path(path)
    text = read_listing(path, max_bytes=max_bytes)
    stem = file_stem(path)
    fellow = normalize_fellowship(fellowship) if fellowship else guess_fellowship(stem)
    elements = iter_json_array(text, path.name)
    stream: RecordStream

    def items() -> Iterator[tuple[int, Item]]:
        for index, (line, entry) in enumerate(elements, 1):
            label = f"meeting {index} (line {line})"
            if not isinstance(entry, dict):
                yield line, RowError(line, f"{label}: expected a JSON object, found "
                                     f"{type(entry).__name__}")
                continue
            try:
                meetings = _meeting_from_entry(schedule, entry)
            except ValueError as exc:
                yield line, RowError(line, f"{label}: {exc}", _raw(entry))
                continue
            if meetings is None:
                stream.warn(line, f"{label}: no day and time (by appointment?); skipped")
                continue
            yield line, converter.convert(label, line, entry, meetings)

    stream = RecordStream("meetingguide", source or f"meetingguide:{stem}", items(),
                          progress=progress)
    converter = EntryConverter(stream.source, fellow, stream.warn)
    return stream


# -- registry entries (importers/registry.py) ----------------------------------------------------


def sniff_meetingguide(sample: Sample) -> float:
    """Any JSON text: a Meeting Guide feed is a JSON array (the fallback for JSON files)."""
    return 0.5 if not sample.is_dir and sample.looks_like_json else 0.0


def open_meetingguide_records(path: Path, options: ImportOptions) -> RecordStream:
    return open_meetingguide(path, source=options.source, fellowship=options.fellowship,
                             progress=options.progress,
                             max_bytes=min(options.max_bytes, MAX_JSON_BYTES))
