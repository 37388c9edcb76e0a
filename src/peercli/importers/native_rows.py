"""One row of a native (or synonym-headed) CSV file -> a ``GroupRecord`` or a ``RowError``.

``RowBuilder.build`` reads a row in steps, one per concern: the schedule, the place (address,
online link, format), the coordinates, the vocabulary columns, the record. A value that a
vocabulary column cannot read is kept as a note and reported as a warning; a value the record
cannot do without (a name, a schedule, a coordinate, a date) makes the row a ``RowError`` with
all of its problems. Schedules and topics are cached per distinct text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from peercli.core.csvcells import restore_cell
from peercli.importers import values as V
from peercli.importers.native_columns import ColumnPlan
from peercli.importers.records import GroupRecord, Item, RowError, auto_source_key

T = TypeVar("T")


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


_ONLY_ONLINE = re.compile(r"\W*(zoom|online|virtual|teleconference)\W*", re.IGNORECASE)


class _Cells:
    """One row's cells by field, and what reading them collected: the problems that make the
    row an error and the notes kept with the record."""

    def __init__(self, line: int, get: dict[str, str]) -> None:
        self.line = line
        self.get = get
        self.problems: list[str] = []
        self.notes: list[str] = []

    def text(self, field: str) -> str:
        """The cell stripped ("" when the file has no such column)."""
        return self.get.get(field, "").strip()

    def opt(self, field: str) -> str | None:
        """The cell stripped, or None when it is empty or the file has no such column."""
        return self.text(field) or None


@dataclasses.dataclass
class _Vocabulary:
    """What the vocabulary columns said (None: not said, or not readable)."""

    languages: tuple[str, ...] = ()
    signed: bool = False
    facilitation: str | None = None
    status: str | None = None
    newcomers: bool | None = None


@dataclasses.dataclass(frozen=True)
class _Place:
    address: str | None
    online_url: str | None
    format: str | None


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

    def build(self, line: int, row: list[str]) -> Item:
        cells = _Cells(line, {f: restore_cell(row[i]) for f, i in self.plan.columns.items()})
        name = cells.text("name")
        if not name:
            cells.problems.append("missing name")
        meetings = self._meetings(cells)
        place = self._place(cells)
        coordinates = self._coordinates(cells)
        vocabulary = self._vocabulary(cells)
        last_verified = None
        if cells.text("last_verified"):
            try:
                last_verified = parse_date(cells.get["last_verified"])
            except ValueError as exc:
                cells.problems.append(str(exc))
        raw = dict(zip(self.plan.headers, row, strict=False))
        if cells.problems:
            return RowError(line, "; ".join(cells.problems), raw)
        record = self._record(cells, name, meetings, place, coordinates, vocabulary,
                              last_verified)
        # the field rules every group obeys (RecordStream checks them too), here so that the
        # rejects file keeps the row as it was written
        broken = record.problems()
        if broken:
            return RowError(line, "; ".join(p.text() for p in broken), raw)
        return record

    def _soft(self, cells: _Cells, field: str, parse: Callable[[str], T]) -> T | None:
        """``parse`` of the cell; a value it refuses is kept as a note and warned about."""
        value = cells.get[field]
        try:
            return parse(value)
        except ValueError as exc:
            header = self._headers.get(field, field)
            cells.notes.append(f"{header}: {value.strip()}")
            self.warn(cells.line,
                      f"column '{header}' was read as {field}, but {exc}; kept as a note", field)
            return None

    def _meetings(self, cells: _Cells) -> tuple[Any, ...]:
        """The meetings of the schedule column (or days + time); its warnings and notes."""
        reading, error = self.schedules.read(
            cells.text("schedule"), cells.text("days"), cells.text("time"),
            cells.text("end_time"), cells.text("timezone"),
        )
        if error:
            cells.problems.append(error)
        if reading is None:
            return ()
        field = "schedule" if cells.text("schedule") else "days"
        for message in reading.warnings:
            self.warn(cells.line, message, field)
        if reading.notes:
            cells.notes.append("Schedule: " + "; ".join(reading.notes))
        meetings: tuple[Any, ...] = reading.meetings
        return meetings

    def _place(self, cells: _Cells) -> _Place:
        """Address, online link and format. A location that means online ("Zoom", a link) is
        no address: its link becomes the online link and the format "online" unless the
        format column says otherwise."""
        address, online_url = cells.opt("address"), cells.opt("online_url")
        online, link = online_place(address)
        if online:
            if address and address != link and not _ONLY_ONLINE.fullmatch(address):
                cells.notes.append(f"{self._headers.get('address', 'address')}: {address}")
            address = None
            online_url = online_url or link
        fmt = None
        if cells.text("format"):
            header = self._headers.get("format", "format")
            fmt = self._soft(cells, "format", lambda v: V.parse_format(v, header))
        if online and fmt is None:
            fmt = "online"
        return _Place(address, online_url, fmt)

    def _coordinates(self, cells: _Cells) -> tuple[float | None, float | None]:
        found: dict[str, float | None] = {}
        for field in ("latitude", "longitude"):
            if field in cells.get:
                try:
                    found[field] = V.parse_coordinate(cells.get[field], field)
                except ValueError as exc:
                    cells.problems.append(str(exc))
        latitude, longitude = found.get("latitude"), found.get("longitude")
        if (latitude is None) != (longitude is None) and not any(
                "itude" in p for p in cells.problems):
            cells.problems.append("latitude and longitude must be given together")
        return latitude, longitude

    def _vocabulary(self, cells: _Cells) -> _Vocabulary:
        out = _Vocabulary()
        if cells.text("languages"):
            out.languages, out.signed = (self._soft(cells, "languages", V.parse_languages)
                                         or ((), False))
        if cells.text("facilitation"):
            out.facilitation = self._soft(cells, "facilitation", V.parse_facilitation)
        if cells.text("status"):
            out.status = self._soft(cells, "status", V.parse_status)
        if "open_to_newcomers" in cells.get:
            out.newcomers = self._soft(cells, "open_to_newcomers", _yes_no)
        return out

    def _topics(self, cells: _Cells,
                newcomers: bool | None) -> tuple[tuple[str, ...], tuple[str, ...], bool | None]:
        """(topics, unknown topic words, open to newcomers): a newcomers column wins over
        the topics ("Open", "Beginners"), which win over the notes."""
        topics: tuple[str, ...] = ()
        unknown: tuple[str, ...] = ()
        if self.topics is not None and cells.get["topics"].strip():
            topics, unknown, from_types = self.topics.read_with_newcomers(cells.get["topics"])
            if newcomers is None:
                newcomers = from_types
        if newcomers is None:
            newcomers = V.newcomers_from_text(cells.opt("notes"))
        return topics, unknown, newcomers

    def _accessibility(self, cells: _Cells, signed: bool) -> tuple[str, ...]:
        accessibility: tuple[str, ...] = ()
        if cells.text("accessibility"):
            accessibility, complete = V.parse_accessibility(cells.get["accessibility"])
            if not complete:
                cells.notes.append(f"Accessibility: {cells.text('accessibility')}")
        if signed and "asl" not in accessibility:
            accessibility = (*accessibility, "asl")
        return accessibility

    def _record(self, cells: _Cells, name: str, meetings: tuple[Any, ...], place: _Place,
                coordinates: tuple[float | None, float | None], vocabulary: _Vocabulary,
                last_verified: date | None) -> GroupRecord:
        topics, unknown, newcomers = self._topics(cells, vocabulary.newcomers)
        audience: tuple[str, ...] = ()
        if cells.text("audience"):
            audience, _ = V.parse_audience(cells.get["audience"])
        accessibility = self._accessibility(cells, vocabulary.signed)
        notes = cells.opt("notes")
        if cells.notes:
            notes = "\n".join([notes, *cells.notes] if notes else cells.notes)
        phone, email = cells.opt("phone"), cells.opt("email")
        if phone and "@" in phone and not email:
            phone, email = None, phone
        city, postal_code = cells.opt("city"), cells.opt("postal_code")
        key = cells.opt("id") or auto_source_key(
            name, meetings, address=place.address, city=city, postal_code=postal_code,
            online_url=place.online_url,
        )
        return GroupRecord(
            source=self.source,
            source_key=key,
            name=name,
            organization=cells.opt("organization"),
            description=cells.opt("description"),
            topics=topics,
            unknown_topics=unknown,
            meetings=meetings,
            format=place.format or V.infer_format(place.address, place.online_url),
            address=place.address,
            city=city,
            postal_code=postal_code,
            latitude=coordinates[0],
            longitude=coordinates[1],
            online_url=place.online_url,
            languages=vocabulary.languages,
            facilitation=vocabulary.facilitation,
            audience=audience,
            accessibility=accessibility,
            open_to_newcomers=newcomers,
            cost=cells.opt("cost"),
            phone=phone,
            email=email,
            website=cells.opt("website"),
            notes=notes,
            status=vocabulary.status or "active",
            last_verified=last_verified,
        )
