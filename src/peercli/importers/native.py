"""The native CSV format (and any spreadsheet whose headers say what they hold).

Native columns (also the targets of ``--map``): see ``NATIVE_FIELDS``; extra optional targets:
``timezone`` (IANA name for every meeting in the row), ``open_to_newcomers`` (yes/no) and
``last_verified`` (a date). Only ``name`` and a schedule (``schedule``, or ``days`` + ``time``)
are required. Headers are matched ignoring case, spaces and punctuation, through the synonyms in
``HEADER_SYNONYMS`` ("Group Name", "Day(s)", "Start Time", "Zip", "Conference URL"...); when two
columns claim one field, the closer name wins ("Address" over "Location") and the other is
ignored with a warning. ``mapping`` ("Their Column" -> field, from ``--map``) overrides all of
that; mapping a column to ``ignore`` drops it.

Each row becomes one ``GroupRecord`` or one ``RowError`` (all of the row's problems, joined with
"; "). Line numbers are physical lines, header = 1; a quoted field spanning lines reports the
line the record starts on. Parsed schedules, topics and languages are cached per distinct text,
so a 100,000-row file with repeated values parses in a couple of seconds.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peercli.core.csvcells import restore_cell
from peercli.importers import values as V
from peercli.importers.records import (
    GroupRecord,
    ImportFileError,
    Item,
    ProgressCallback,
    RecordStream,
    RowError,
    auto_source_key,
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

NATIVE_FIELDS = (
    "id", "name", "organization", "description", "topics", "schedule", "days", "time",
    "end_time", "format", "address", "city", "postal_code", "latitude", "longitude",
    "online_url", "languages", "facilitation", "audience", "accessibility", "cost", "phone",
    "email", "website", "notes", "status",
)
EXTRA_FIELDS = ("timezone", "open_to_newcomers", "last_verified")
MAP_TARGETS = NATIVE_FIELDS + EXTRA_FIELDS
IGNORE = "ignore"


def header_key(header: str) -> str:
    """The form headers are compared in: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", header.casefold())


# header key -> (field, priority); lower priority wins when two columns claim one field.
HEADER_SYNONYMS: dict[str, tuple[str, int]] = {}


def _syn(field: str, priority: int, *names: str) -> None:
    for name in names:
        HEADER_SYNONYMS[header_key(name)] = (field, priority)


for _f in MAP_TARGETS:
    _syn(_f, 0, _f)
_syn("id", 1, "Key", "Group ID", "Slug", "UID", "Identifier", "Listing ID", "Record ID", "Ref")
_syn("name", 1, "Group Name", "Meeting Name", "Group Title", "Name of Group", "Program Name",
     "Service Name")
_syn("name", 2, "Meeting", "Group", "Title", "Program", "Service")
_syn("organization", 1, "Organisation", "Org", "Host", "Host Organization", "Sponsor",
     "Provider", "Agency", "Organization Name", "Hosted By", "Run By")
_syn("description", 1, "Details", "About", "Summary", "Group Description", "Info")
_syn("topics", 1, "Topic", "Types", "Category", "Categories", "Focus", "Subjects", "Tags",
     "Issues", "Keywords", "Group Type", "Support Type")
_syn("schedule", 1, "When", "Meets", "Meeting Times", "Meeting Time", "Schedule Text",
     "Frequency", "Meeting Schedule", "Times")
_syn("days", 1, "Day", "Day(s)", "Weekday", "Weekdays", "Meeting Day", "Meeting Days",
     "Day of Week", "Days of Week")
_syn("time", 1, "Start", "Start Time", "Starts", "Begins", "Time Start", "Meeting Start",
     "From")
_syn("end_time", 1, "End", "End Time", "Ends", "Finish", "Finish Time", "Time End", "Until",
     "To")
_syn("format", 1, "Type", "Meeting Type", "Mode", "Attendance", "Attendance Option",
     "Online?", "Online", "Virtual", "Virtual?", "In Person?", "In Person", "Hybrid?",
     "Delivery", "Setting")
_syn("address", 1, "Street Address", "Street", "Address 1", "Address Line 1",
     "Full Address", "Formatted Address")
_syn("address", 2, "Location", "Venue", "Place", "Where", "Meeting Location")
_syn("city", 1, "Town", "Municipality", "Locality", "City/Town")
_syn("postal_code", 1, "Zip", "Zip Code", "ZIP", "Postcode", "Post Code", "Postal",
     "Postalcode")
_syn("latitude", 1, "Lat")
_syn("longitude", 1, "Lng", "Lon", "Long")
_syn("online_url", 1, "Conference URL", "Zoom link", "Zoom", "Zoom URL", "Meeting Link",
     "Online Link", "Video Link", "Join URL", "Join Link", "Virtual Link", "Online URL",
     "Meeting URL")
_syn("languages", 1, "Language", "Lang", "Languages Spoken", "Spoken Language")
_syn("facilitation", 1, "Led By", "Facilitator", "Facilitated By", "Leadership",
     "Facilitation Type", "Led")
_syn("audience", 1, "For", "Who", "Who Is It For", "Population", "Intended For",
     "Eligibility", "Target Audience")
_syn("accessibility", 1, "Access", "Accessible", "Accessibility Notes", "Access Notes")
_syn("cost", 1, "Fee", "Fees", "Price", "Charge")
_syn("phone", 1, "Phone Number", "Telephone", "Tel", "Contact Phone", "Phone #")
_syn("phone", 2, "Contact")
_syn("email", 1, "E-mail", "Email Address", "Contact Email")
_syn("website", 1, "URL", "Web", "Web Site", "Webpage", "Site", "Homepage", "Link")
_syn("notes", 1, "Note", "Comments", "Remarks", "Additional Info", "Other Info")
_syn("status", 1, "Active?", "State of Group", "Group Status")
_syn("timezone", 1, "Time Zone", "TZ")
_syn("open_to_newcomers", 1, "Newcomers", "Newcomers Welcome", "Open to Newcomers",
     "Open?", "Open/Closed")
_syn("last_verified", 1, "Verified", "Last Verified On", "Date Verified", "Last Checked")


@dataclasses.dataclass(frozen=True)
class ColumnPlan:
    """Which file column feeds which field (column index), and what was left out."""

    headers: tuple[str, ...]
    columns: dict[str, int]
    ignored: tuple[str, ...]
    warnings: tuple[str, ...]


def plan_columns(headers: list[str], mapping: Mapping[str, str] | None = None) -> ColumnPlan:
    """Match headers to fields (synonyms, then ``mapping`` overrides); validates ``mapping``."""
    headers = [h.strip().lstrip("\ufeff") for h in headers]
    shown = ", ".join(f"'{h}'" for h in headers if h) or "(none)"
    forced: dict[int, str] = {}
    for their, field in (mapping or {}).items():
        target = field.strip().lower().replace("-", "_").replace(" ", "_")
        if target not in MAP_TARGETS and target not in (IGNORE, "-"):
            raise ImportFileError(
                f"--map '{their}={field}': unknown field '{field}'; valid fields are: "
                + ", ".join(MAP_TARGETS) + f" (or '{IGNORE}')"
            )
        matches = [i for i, h in enumerate(headers) if h == their.strip()]
        if not matches:
            matches = [i for i, h in enumerate(headers) if header_key(h) == header_key(their)]
        if not matches:
            raise ImportFileError(
                f"--map '{their}={field}': this file has no column '{their}'; "
                f"its columns are: {shown}"
            )
        forced[matches[0]] = IGNORE if target == "-" else target
    best: dict[str, tuple[int, int]] = {}
    for i, h in enumerate(headers):
        if i in forced:
            continue
        hit = HEADER_SYNONYMS.get(header_key(h))
        if hit is None:
            continue
        field, prio = hit
        if field in forced.values():
            continue
        if field not in best or prio < best[field][0]:
            best[field] = (prio, i)
    columns = {field: i for field, (_, i) in best.items()}
    columns.update({field: i for i, field in forced.items() if field != IGNORE})
    used = set(columns.values())
    ignored = tuple(h for i, h in enumerate(headers) if i not in used and h)
    warnings = []
    for i, h in enumerate(headers):
        hit = HEADER_SYNONYMS.get(header_key(h))
        if i not in used and i not in forced and hit and hit[0] in columns:
            warnings.append(
                f"column '{h}' also looks like {hit[0]}; using '{headers[columns[hit[0]]]}' "
                f"(use --map to choose)"
            )
    return ColumnPlan(tuple(headers), columns, ignored, tuple(warnings))


def require_columns(plan: ColumnPlan) -> None:
    shown = ", ".join(f"'{h}'" for h in plan.headers if h) or "(none)"
    if "name" not in plan.columns:
        raise ImportFileError(
            "no column holds the group name; expected 'name' (or 'Group Name', 'Meeting'...). "
            f"This file's columns are: {shown}. Use --map 'Their Column=name'"
        )
    if not {"schedule", "days", "time"} & set(plan.columns):
        raise ImportFileError(
            "no schedule column; expected 'schedule' (like \"Tuesdays 6-7:30pm\") or 'days' "
            f"and 'time'. This file's columns are: {shown}. Use --map 'Their Column=schedule'"
        )


class ScheduleReader:
    """Schedules from cell text, read once per distinct text (directories repeat a few hundred
    phrases across many thousands of rows)."""

    def __init__(self, today: date | None = None) -> None:
        from peercli.core import schedule

        self._s = schedule
        self._today = today
        self._cache: dict[tuple[str, ...], tuple[Any, str | None]] = {}

    def read(
        self, text: str, days: str, time: str, end_time: str, timezone: str
    ) -> tuple[Any, str | None]:
        """(ScheduleReading, None) or (None, error message)."""
        key = (text, days, time, end_time, timezone)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        result = self._read(*key)
        if len(self._cache) < 50_000:
            self._cache[key] = result
        return result

    def _read(
        self, text: str, days: str, time: str, end_time: str, timezone: str
    ) -> tuple[Any, str | None]:
        s = self._s
        try:
            if text:
                reading = s.read_schedule(text, today=self._today)
            elif days or time or end_time:
                if not days:
                    return None, f"time '{time or end_time}' has no day (fill 'days', like Mon/Wed)"
                reading = s.read_days_time(days, time, end_time or None, today=self._today)
            else:
                reading = s.ScheduleReading(
                    (), (), ("no schedule given: the schedule is recorded as unknown",), False)
            if timezone and reading.meetings:
                reading = dataclasses.replace(reading, meetings=tuple(
                    dataclasses.replace(m, timezone=timezone) for m in reading.meetings))
        except ValueError as exc:
            return None, str(exc)
        return reading, None


_ONLINE_PLACE = re.compile(
    r"^\W*(?:zoom|online|on-?line|virtual|virtually|teleconference|tele-?conference|conference "
    r"call|phone|telephone|call-in|dial-in|webex|google meet|microsoft teams|teams|skype|video|"
    r"video call|remote|internet|web|webinar|livestream|en linea|en línea|virtual\w*)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:zoom\.us|webex\.com)/\S*",
                  re.IGNORECASE)


def online_place(text: str | None) -> tuple[bool, str | None]:
    """Whether a location cell means an online meeting ("Zoom", "Online", "Virtual",
    "Teleconference", a link), and the link when there is one."""
    if not text:
        return False, None
    link = _URL.search(text)
    url = link.group(0).rstrip(".,;)") if link else None
    if url and not url.lower().startswith("http"):
        url = "https://" + url
    return bool(_ONLINE_PLACE.match(text.strip()) or url), url


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y")


def parse_date(text: str) -> date:
    value = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise ValueError(f"date '{value}' is not a date (expected YYYY-MM-DD)") from None


def _yes_no(text: str) -> bool | None:
    key = text.strip().casefold()
    if not key:
        return None
    if key in ("yes", "y", "true", "1", "open", "x", "welcome"):
        return True
    if key in ("no", "n", "false", "0", "closed"):
        return False
    found = V.newcomers_from_text(text)
    if found is None:
        raise ValueError(f"open_to_newcomers '{text.strip()}' is not yes or no")
    return found


Warn = Callable[[int, str, str | None], None]


def _no_warn(line: int, message: str, field: str | None = None) -> None:
    return None


class RowBuilder:
    """Turns one row (column -> text via a ``ColumnPlan``) into a GroupRecord or an error.

    A value that a vocabulary column cannot read (a "Facilitator" column holding people's
    names, a "Type" column holding "Closed Discussion") does not sink the row: it is kept as a
    note and reported as a warning naming the column."""

    def __init__(self, source: str, plan: ColumnPlan, today: date | None = None) -> None:
        self.source = source
        self.plan = plan
        self.schedules = ScheduleReader(today)
        self.topics = V.TopicReader() if "topics" in plan.columns else None
        self.warn: Warn = _no_warn
        self._headers = {f: plan.headers[i] for f, i in plan.columns.items()}

    def _soft(self, line: int, field: str, value: str, exc: ValueError,
              notes: list[str]) -> None:
        header = self._headers.get(field, field)
        notes.append(f"{header}: {value.strip()}")
        self.warn(line, f"column '{header}' was read as {field}, but {exc}; kept as a note",
                  field)

    def build(self, line: int, row: list[str]) -> Item:
        cols = self.plan.columns
        get: dict[str, str] = {f: restore_cell(row[i]) for f, i in cols.items()}
        problems: list[str] = []
        extra_notes: list[str] = []

        name = get.get("name", "").strip()
        if not name:
            problems.append("missing name")
        reading, error = self.schedules.read(
            get.get("schedule", "").strip(),
            get.get("days", "").strip(),
            get.get("time", "").strip(),
            get.get("end_time", "").strip(),
            get.get("timezone", "").strip(),
        )
        if error:
            problems.append(error)
        meetings: tuple[Any, ...] = ()
        if reading is not None:
            meetings = reading.meetings
            field = "schedule" if get.get("schedule", "").strip() else "days"
            for message in reading.warnings:
                self.warn(line, message, field)
            if reading.notes:
                extra_notes.append("Schedule: " + "; ".join(reading.notes))

        def opt(field: str) -> str | None:
            value = get.get(field)
            if value is None:
                return None
            value = value.strip()
            return value or None

        address, online_url = opt("address"), opt("online_url")
        online, link = online_place(address)
        if online:
            if address and address != link and not re.fullmatch(
                    r"\W*(zoom|online|virtual|teleconference)\W*", address, re.IGNORECASE):
                extra_notes.append(f"{self._headers.get('address', 'address')}: {address}")
            address = None
            online_url = online_url or link
        notes = opt("notes")
        fmt = None
        if get.get("format", "").strip():
            try:
                fmt = V.parse_format(get["format"], self._headers.get("format", "format"))
            except ValueError as exc:
                self._soft(line, "format", get["format"], exc, extra_notes)
        if online and fmt is None:
            fmt = "hybrid" if opt("address") and not online_place(opt("address"))[0] else "online"
        latitude = longitude = None
        for field in ("latitude", "longitude"):
            if field in get:
                try:
                    value = V.parse_coordinate(get[field], field)
                except ValueError as exc:
                    problems.append(str(exc))
                    continue
                if field == "latitude":
                    latitude = value
                else:
                    longitude = value
        if (latitude is None) != (longitude is None) and not any("itude" in p for p in problems):
            problems.append("latitude and longitude must be given together")
        languages: tuple[str, ...] = ()
        signed = False
        if get.get("languages", "").strip():
            try:
                languages, signed = V.parse_languages(get["languages"])
            except ValueError as exc:
                self._soft(line, "languages", get["languages"], exc, extra_notes)
        facilitation = status = None
        if get.get("facilitation", "").strip():
            try:
                facilitation = V.parse_facilitation(get["facilitation"])
            except ValueError as exc:
                self._soft(line, "facilitation", get["facilitation"], exc, extra_notes)
        if get.get("status", "").strip():
            try:
                status = V.parse_status(get["status"])
            except ValueError as exc:
                self._soft(line, "status", get["status"], exc, extra_notes)
        newcomers: bool | None = None
        if "open_to_newcomers" in get:
            try:
                newcomers = _yes_no(get["open_to_newcomers"])
            except ValueError as exc:
                self._soft(line, "open_to_newcomers", get["open_to_newcomers"], exc,
                           extra_notes)
        last_verified = None
        if get.get("last_verified", "").strip():
            try:
                last_verified = parse_date(get["last_verified"])
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            raw = dict(zip(self.plan.headers, row, strict=False))
            return RowError(line, "; ".join(problems), raw)

        topics: tuple[str, ...] = ()
        unknown: tuple[str, ...] = ()
        if self.topics is not None and get["topics"].strip():
            topics, unknown, from_types = self.topics.read_with_newcomers(get["topics"])
            if newcomers is None:
                newcomers = from_types
        if newcomers is None:
            newcomers = V.newcomers_from_text(notes)
        audience: tuple[str, ...] = ()
        accessibility: tuple[str, ...] = ()
        if get.get("audience", "").strip():
            audience, _ = V.parse_audience(get["audience"])
        if get.get("accessibility", "").strip():
            accessibility, complete = V.parse_accessibility(get["accessibility"])
            if not complete:
                extra_notes.append(f"Accessibility: {get['accessibility'].strip()}")
        if extra_notes:
            notes = "\n".join([notes, *extra_notes] if notes else extra_notes)
        if signed and "asl" not in accessibility:
            accessibility = (*accessibility, "asl")
        phone, email = opt("phone"), opt("email")
        if phone and "@" in phone and not email:
            phone, email = None, phone
        city, postal_code = opt("city"), opt("postal_code")
        key = opt("id") or auto_source_key(
            name, meetings, address=address, city=city, postal_code=postal_code,
            online_url=online_url,
        )
        return GroupRecord(
            source=self.source,
            source_key=key,
            name=name,
            organization=opt("organization"),
            description=opt("description"),
            topics=topics,
            unknown_topics=unknown,
            meetings=meetings,
            format=fmt or V.infer_format(address, online_url),
            address=address,
            city=city,
            postal_code=postal_code,
            latitude=latitude,
            longitude=longitude,
            online_url=online_url,
            languages=languages,
            facilitation=facilitation,
            audience=audience,
            accessibility=accessibility,
            open_to_newcomers=newcomers,
            cost=opt("cost"),
            phone=phone,
            email=email,
            website=opt("website"),
            notes=notes,
            status=status or "active",
            last_verified=last_verified,
        )


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
    return stream


# -- registry entry (importers/registry.py) ------------------------------------------------------


def sniff_native(sample: Sample) -> float:
    """A CSV whose header row names a group and a schedule (natively or through synonyms)."""
    if sample.is_dir or not sample.text or sample.looks_like_json:
        return 0.0
    plan = plan_columns(sample.first_record)
    return 0.8 if "name" in plan.columns and ("schedule" in plan.columns
                                              or "days" in plan.columns) else 0.0


def open_records(path: Path, options: ImportOptions) -> RecordStream:
    return open_native(path, source=options.source, mapping=options.mapping,
                       delimiter=options.delimiter or ",", progress=options.progress,
                       max_bytes=options.max_bytes)
