"""BMLT (Basic Meeting List Toolbox, used by Narcotics Anonymous and others): a
``GetSearchResults`` JSON answer, with format codes resolved through ``GetFormats``.

Accepted shapes: a top-level array of meetings; ``{"meetings": [...], "formats": [...]}`` (the
``get_used_formats`` answer); either wrapped as JSONP. The formats come from, in order: the
answer itself, a second file (``formats=PATH``: a GetFormats array or ``{"formats": [...]}``),
else the stock English key strings (``STOCK_KEYS``), with one warning saying so.

One ``GroupRecord`` per meeting, keyed by ``id_bigint`` (``root_server_id:id_bigint`` on an
aggregator). Rules (each one documented in docs/groups.md):

- ``weekday_tinyint`` 1 = Sunday ... 7 = Saturday (not Meeting Guide's 0 = Sunday); anything
  else is a row error. ``start_time`` "HH:MM[:SS]"; the end is ``start_time + duration_time``;
  an empty or "00:00:00" duration is read as the server default of one hour (warning); an end
  past midnight is cut to 24:00 (warning).
- ``time_zone`` an IANA name, or "" = the area's local time (no zone stored); an unknown name
  is dropped with a warning.
- ``venue_type`` 1 in person, 2 virtual, 3 hybrid; absent or unknown -> from the VM / HYBR
  formats (and a link or dial-in number). TC (facility temporarily closed) on an in-person
  meeting makes it inactive; a virtual one stays active online.
- Format meanings by ``world_id``: OPEN/CLOSED/BEG -> newcomers; W, M, GL, Y -> audience;
  WCHR -> wheelchair; LANG -> the language (else the meeting's ``lang_enum``); CW -> childcare;
  the rest are kept in the notes by name. A key with no entry in the formats list is kept in
  the notes as written, with one warning per unknown key.
- Place: ``location_text`` (venue) + ``location_street``; ``location_municipality`` (else
  neighbourhood / sub-province) is the city; ``location_postal_code_1``; coordinates "0" or out
  of range are dropped; a virtual meeting's leftover coordinates are not kept.
- ``virtual_meeting_link`` -> online URL; ``phone_meeting_number`` -> dial-in number;
  ``virtual_meeting_additional_info``, ``location_info`` and ``comments`` -> notes.
- ``published`` "0" -> inactive (warning). Every value may be a string or a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peercli.importers import values as V
from peercli.importers.bmlt_formats import (
    _HANDLED,
    ACCESS,
    AUDIENCE,
    STOCK_KEYS,
    WORLD_NAMES,
    Format,
    _formats_from,
    carries_formats,
    formats_url,
    load_formats,
    signs_attendance,
)
from peercli.importers.jsondoc import element_lines, read_document, text_of
from peercli.importers.records import (
    GroupRecord,
    ImportFileError,
    Item,
    ProgressCallback,
    RecordStream,
    RowError,
    auto_source_key,
)
from peercli.importers.textio import file_stem

if TYPE_CHECKING:
    from peercli.importers.registry import ImportOptions, Sample


NAME = "bmlt"
ALIASES = ("bmlt", "getsearchresults", "na-bmlt")

_HHMM = re.compile(r"^\s*(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2}))?\s*$")
DEFAULT_DURATION = 60

__all__ = [
    "ACCESS", "ALIASES", "AUDIENCE", "NAME", "STOCK_KEYS", "WORLD_NAMES", "Format",
    "carries_formats", "formats_url", "load_formats", "open_bmlt", "open_records",
    "signs_attendance", "sniff_bmlt",
]
def _raw(m: Mapping[str, Any]) -> dict[str, str]:
    """A meeting's values as text, for the rejects file (only for a meeting that failed)."""
    return {str(k): "" if v is None else str(v) for k, v in m.items()}


def _minutes(text: str | None) -> int | None:
    if text is None:
        return None
    m = _HHMM.match(text)
    if not m:
        return None
    h, mi, s = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    if mi > 59 or s > 59:
        return None
    return h * 60 + mi


def looks_like_bmlt(head: str) -> bool:
    """A JSON text whose first objects carry BMLT's own keys."""
    if '"weekday_tinyint"' in head or ('"id_bigint"' in head and '"meeting_name"' in head):
        return True
    # an empty answer with its formats: {"meetings": [], "formats": [...]}
    return re.match(r'\s*\{\s*"meetings"\s*:\s*\[\s*\]\s*,\s*"formats"', head) is not None


def looks_like_formats_only(head: str) -> bool:
    return '"key_string"' in head and '"world_id"' in head and not looks_like_bmlt(head)


class _Converter:
    def __init__(self, stream: RecordStream, formats: list[Format], stock: bool) -> None:
        self.stream = stream
        self.by_id = {f.id: f for f in formats if f.id}
        self.by_key = {f.key: f for f in formats if f.key}
        self.by_key_fold = {f.key.casefold(): f for f in formats if f.key}
        self.stock = stock
        self.unknown_keys: dict[str, list[int]] = {}
        self.topics = V.TopicReader()
        self.topic_slugs, self.topic_unknown = self.topics.normalize(["drug-recovery"])
        self._zones: dict[str, str | None] = {}

    def warn(self, line: int, label: str, message: str) -> None:
        self.stream.warn(line, f"{label}: {message}")

    def resolve(self, m: Mapping[str, Any], line: int) -> list[Format]:
        out: list[Format] = []
        ids = [i.strip() for i in (text_of(m.get("format_shared_id_list")) or "").split(",")
               if i.strip()]
        keys = [k.strip() for k in (text_of(m.get("formats")) or "").split(",") if k.strip()]
        if ids and self.by_id and all(i in self.by_id for i in ids):
            return [self.by_id[i] for i in ids]
        for key in keys:
            f = self.by_key.get(key) or self.by_key_fold.get(key.casefold())
            if f is None and self.stock:
                world = STOCK_KEYS.get(key) or STOCK_KEYS.get(key.upper())
                if world:
                    f = Format(key, WORLD_NAMES.get(world, key), world, "")
            if f is None:
                self.unknown_keys.setdefault(key, []).append(line)
                f = Format(key, key, "", "")
            out.append(f)
        return out

    def zone(self, text: str | None, line: int, label: str) -> str | None:
        if not text:
            return None
        if text not in self._zones:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(text)
                self._zones[text] = text
            except (ZoneInfoNotFoundError, ValueError):
                self._zones[text] = None
        if self._zones[text] is None:
            self.warn(line, label, f"time_zone '{text}' is not an IANA zone; read as local time")
        return self._zones[text]

    def convert(self, index: int, line: int, m: Any, source: str) -> Item:
        """One meeting object -> a GroupRecord, or a RowError naming what is missing."""
        label = f"meeting {index} (line {line})"
        if not isinstance(m, dict):
            return RowError(line, f"{label}: expected a JSON object, found {type(m).__name__}")
        name = text_of(m.get("meeting_name"))
        if not name:
            return RowError(line, f"{label}: missing meeting_name", _raw(m))
        meeting = self._meeting(m, line, label)
        if isinstance(meeting, str):
            return RowError(line, f"{label}: {meeting}", _raw(m))
        formats = self.resolve(m, line)
        worlds = {f.world for f in formats if f.world}
        fmt, status = self._format_and_status(m, worlds, line, label)
        place = self._place(m, fmt, line, label)
        link = text_of(m.get("virtual_meeting_link"))
        mid = text_of(m.get("id_bigint"))
        root = text_of(m.get("root_server_id"))
        key = f"{root}:{mid}" if root and mid else mid
        if not key:
            key = auto_source_key(name, (meeting,), address=place.address, city=place.city,
                                  postal_code=place.postal_code, online_url=link)
        return GroupRecord(
            source=source, source_key=key, name=name,
            organization=text_of(m.get("service_body_name")),
            topics=self.topic_slugs, unknown_topics=self.topic_unknown, meetings=(meeting,),
            format=fmt, address=place.address, city=place.city, postal_code=place.postal_code,
            latitude=place.latitude, longitude=place.longitude, online_url=link,
            online_phone=text_of(m.get("phone_meeting_number")),
            languages=_languages(formats, m), facilitation="mutual-aid",
            audience=tuple(dict.fromkeys(AUDIENCE[w] for w in worlds if w in AUDIENCE)),
            accessibility=tuple(dict.fromkeys(ACCESS[w] for w in worlds if w in ACCESS)),
            open_to_newcomers=_newcomers(worlds),
            phone=text_of(m.get("contact_phone_1")), email=text_of(m.get("contact_email_1"))
            or text_of(m.get("email_contact")), notes=_notes(m, formats), status=status,
            proof_of_attendance=signs_attendance(formats),
        )

    def _meeting(self, m: Mapping[str, Any], line: int, label: str) -> Any:
        """The weekly ``Meeting`` (weekday, start, duration, zone), or why there is none."""
        from peercli.core.schedule import Meeting, ScheduleError
        from peercli.core.timeparse import DAY_CODES

        day_text = text_of(m.get("weekday_tinyint"))
        if day_text is None:
            return "missing weekday_tinyint (1 = Sunday ... 7 = Saturday)"
        try:
            day = int(float(day_text))
        except (ValueError, OverflowError):  # "inf", "1e999"
            day = -1
        if not 1 <= day <= 7:
            return f"weekday_tinyint '{day_text}' is not 1-7 (1 = Sunday)"
        start = _minutes(text_of(m.get("start_time")))
        if start is None or start >= 1440:
            return f"start_time '{text_of(m.get('start_time')) or ''}' is not a time HH:MM:SS"
        end = start + self._duration(m, line, label)
        if end > 1440:
            self.warn(line, label, "the meeting runs past midnight; its end is cut to 24:00")
            end = 1440
        zone = self.zone(text_of(m.get("time_zone")), line, label)
        weekday = (day + 5) % 7  # 1 = Sunday -> 6 (Monday = 0)
        try:
            return Meeting("WEEKLY", 1, (DAY_CODES[weekday],), start, end, zone)
        except ScheduleError as exc:
            return str(exc)

    def _duration(self, m: Mapping[str, Any], line: int, label: str) -> int:
        """Minutes; the server default (an hour) when it is missing, zero or unreadable."""
        dur_text = text_of(m.get("duration_time"))
        duration = _minutes(dur_text)
        if duration is not None and duration != 0:
            return duration
        if dur_text not in (None, "00:00:00", "00:00", "0"):
            self.warn(line, label, f"duration_time '{dur_text}' is not HH:MM:SS; read as 1 hour")
        elif "duration_time" in m:
            self.warn(line, label, "no duration_time; read as the server default of 1 hour")
        return DEFAULT_DURATION

    def _format_and_status(self, m: Mapping[str, Any], worlds: set[str], line: int,
                           label: str) -> tuple[str, str]:
        """(format, status): venue_type when it is 1-3, else the formats and the links; a
        temporarily closed (TC) meeting with a link is online, without one inactive; an
        unpublished one is inactive."""
        link = text_of(m.get("virtual_meeting_link"))
        dial = text_of(m.get("phone_meeting_number"))
        venue = text_of(m.get("venue_type"))
        fmt = _VENUES.get(venue or "")
        if fmt is None:
            if venue is not None:
                self.warn(line, label, f"venue_type '{venue}' is not 1, 2 or 3; read from its "
                          "formats")
            if "HYBR" in worlds:
                fmt = "hybrid"
            elif "VM" in worlds or ((link or dial) and not text_of(m.get("location_street"))):
                fmt = "online"
            else:
                fmt = "in_person"
        status = "active"
        if "TC" in worlds and fmt != "online":
            if link or dial:
                fmt = "online"
            else:
                status = "inactive"
        if text_of(m.get("published")) == "0":
            status = "inactive"
            self.warn(line, label, "published is 0 (unpublished); imported as inactive")
        return fmt, status

    def _place(self, m: Mapping[str, Any], fmt: str, line: int, label: str) -> _Place:
        """Address (venue name and street), city, postal code and, unless the meeting is
        online, coordinates (0,0 and unreadable ones are dropped, the latter with a warning)."""
        venue_name = text_of(m.get("location_text"))
        street = text_of(m.get("location_street"))
        address = street
        if venue_name and (not street or venue_name.casefold() not in street.casefold()):
            address = f"{venue_name}, {street}" if street else venue_name
        city = (text_of(m.get("location_municipality")) or text_of(m.get("location_neighborhood"))
                or text_of(m.get("location_city_subsection"))
                or text_of(m.get("location_sub_province")))
        place = _Place(address, city, text_of(m.get("location_postal_code_1")))
        lat_t, lon_t = text_of(m.get("latitude")), text_of(m.get("longitude"))
        if fmt == "online" or not (lat_t and lon_t):
            return place
        try:
            place.latitude = V.parse_coordinate(lat_t, "latitude")
            place.longitude = V.parse_coordinate(lon_t, "longitude")
        except ValueError as exc:
            place.latitude = place.longitude = None
            self.warn(line, label, f"{exc}; coordinates ignored")
        if place.latitude == 0 and place.longitude == 0:
            place.latitude = place.longitude = None
        return place


_VENUES = {"1": "in_person", "2": "online", "3": "hybrid"}


@dataclass
class _Place:
    address: str | None
    city: str | None
    postal_code: str | None
    latitude: float | None = None
    longitude: float | None = None


def _newcomers(worlds: set[str]) -> bool | None:
    if "OPEN" in worlds or "BEG" in worlds:
        return True
    return False if "CLOSED" in worlds else None


def _languages(formats: list[Format], m: Mapping[str, Any]) -> tuple[str, ...]:
    """The languages of the LANG formats (by key, else name); else of lang_enum."""
    languages: dict[str, None] = {}
    for f in formats:
        if f.world == "LANG":
            for text in (f.key, f.name):
                try:
                    codes, _ = V.parse_languages(text)
                except ValueError:
                    continue
                languages.update(dict.fromkeys(codes))
                break
    if not languages:
        lang = text_of(m.get("lang_enum"))
        if lang:
            try:
                languages.update(dict.fromkeys(V.parse_languages(lang)[0]))
            except ValueError:
                pass
    return tuple(languages)


def _notes(m: Mapping[str, Any], formats: list[Format]) -> str | None:
    """Location info, comments, the virtual meeting's extra info, and the formats that have
    no field of their own ("Formats: Basic Text, Candlelight")."""
    parts = [text_of(m.get("location_info")), text_of(m.get("comments")),
             text_of(m.get("virtual_meeting_additional_info"))]
    other = [f.name or WORLD_NAMES.get(f.world, f.key) for f in formats
             if f.world not in _HANDLED]
    if other:
        parts.append("Formats: " + ", ".join(dict.fromkeys(other)))
    return "\n".join(p for p in parts if p) or None


def open_bmlt(
    path: Path,
    *,
    source: str | None = None,
    progress: ProgressCallback | None = None,
    formats: Path | list[Format] | None = None,
    max_bytes: int | None = None,
) -> RecordStream:
    """A ``RecordStream`` over a BMLT GetSearchResults answer (see the module docstring)."""
    from peercli.importers.jsondoc import MAX_JSON_BYTES

    path = Path(path)
    doc, text = read_document(path, max_bytes=max_bytes or MAX_JSON_BYTES)
    meetings: Any
    embedded: list[Format] = []
    if isinstance(doc, dict):
        if "meetings" not in doc:
            if "formats" in doc:
                raise ImportFileError(
                    f"{path.name} holds only BMLT formats (a GetFormats answer), no meetings: "
                    "give it with --formats next to the GetSearchResults file")
            raise ImportFileError(f"{path.name}: expected a BMLT GetSearchResults answer (a list "
                                  "of meetings, or an object with \"meetings\")")
        meetings = doc.get("meetings")
        embedded = _formats_from(doc)
    else:
        meetings = doc
    if not isinstance(meetings, list):
        raise ImportFileError(f"{path.name}: \"meetings\" is not a list")
    if meetings and all(isinstance(x, dict) and "key_string" in x and "meeting_name" not in x
                        for x in meetings[:5]):
        raise ImportFileError(
            f"{path.name} is a BMLT GetFormats answer, not meetings: give it with --formats")
    given: list[Format] = []
    if isinstance(formats, list):
        given = formats
    elif formats is not None:
        given = load_formats(formats)
    all_formats = embedded + given
    lines = _lines(text, meetings) if isinstance(doc, list) else element_lines(
        text, len(meetings), _marker(meetings))
    stream: RecordStream

    def items() -> Iterator[tuple[int, Item]]:
        if not all_formats and meetings:
            stream.warn(1, "no BMLT formats list (GetFormats) was given: format codes were read "
                        "by the stock English key strings (O, C, W, M, GL, WC, VM, HY...)")
        for index, (line, m) in enumerate(zip(lines, meetings, strict=True), 1):
            yield line, conv.convert(index, line, m, stream.source)
        for key, where in conv.unknown_keys.items():
            more = f" and {len(where) - 1} more" if len(where) > 1 else ""
            stream.warn(where[0], f"format code '{key}' (line {where[0]}{more}) is not in the "
                        "formats list; kept in the notes as written")

    stream = RecordStream(NAME, source or f"bmlt:{file_stem(path)}", items(), progress=progress)
    conv = _Converter(stream, all_formats, stock=not all_formats)
    return stream


def _lines(text: str, meetings: list[Any]) -> list[int]:
    """The line where each element of a top-level array starts."""
    from peercli.importers.meetingguide import iter_json_array

    try:
        found = [line for line, _ in iter_json_array(text.lstrip("\ufeff"), "")]
    except ImportFileError:
        found = []
    if len(found) == len(meetings):
        return found
    return element_lines(text, len(meetings), _marker(meetings))


def _marker(meetings: list[Any]) -> str:
    first = meetings[0] if meetings and isinstance(meetings[0], dict) else {}
    for key in ("id_bigint", "meeting_name", "weekday_tinyint"):
        if key in first:
            return key
    return "id_bigint"


# -- registry entry (importers/registry.py) ----------------------------------------------------


def sniff_bmlt(sample: Sample) -> float:
    """A BMLT GetSearchResults answer (JSON or JSONP); a GetFormats answer alone is refused."""
    if sample.is_dir or not sample.looks_like_json:
        return 0.0
    if looks_like_bmlt(sample.text):
        return 0.9
    if looks_like_formats_only(sample.text):
        from peercli.importers.registry import Refusal

        raise Refusal(
            f"{sample.path.name} is a BMLT GetFormats answer (format codes, no meetings): give "
            "it with --formats next to the GetSearchResults file")
    return 0.0


def open_records(path: Path, options: ImportOptions) -> RecordStream:
    from peercli.importers.jsondoc import MAX_JSON_BYTES

    return open_bmlt(path, source=options.source, progress=options.progress,
                     formats=options.formats, max_bytes=min(options.max_bytes, MAX_JSON_BYTES))
