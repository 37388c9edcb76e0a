"""iCalendar (.ics) calendars, e.g. a Google Calendar export of SMART Recovery, Al-Anon or
Recovery Dharma meetings: each recurring VEVENT becomes a meeting in RRULE terms.

Read with the ``icalendar`` library (line folding, escapes, time zones, Windows zone names).
``recurring-ical-events`` is not used: peer keeps the rule itself (``core.schedule.Meeting``) and
computes occurrences with dateutil, so expanding a calendar into instances would be thrown away.

Rules (documented in docs/groups.md; every skip and every rule-based reading is a warning):

- Events sharing a SUMMARY and LOCATION are one group with several meetings (Google writes one
  VEVENT per weekday, or ends a series and continues it under a new UID). The group key is
  ``ics:`` + the normalized summary and location.
- RRULE FREQ=WEEKLY / MONTHLY / DAILY with BYDAY, INTERVAL, UNTIL (COUNT becomes the date of
  the last occurrence). WEEKLY without BYDAY meets on DTSTART's weekday. MONTHLY with BYSETPOS
  and one weekday ("BYDAY=TH;BYSETPOS=1", Outlook's "first Thursday") is read as 1TH; BYSETPOS
  over several weekdays, BYMONTHDAY, YEARLY and hourly rules cannot be kept: skipped, reported.
- TZID from DTSTART (IANA, or a Windows name through icalendar's table); a floating time takes
  the calendar's X-WR-TIMEZONE; UTC stays UTC unless the calendar names a zone (then the
  start, and the weekdays if the date moves, are converted to it).
- EXDATE dates are kept (``Meeting.exdates``) so ``next_meeting`` skips them; an occurrence
  moved or cancelled by a RECURRENCE-ID override is also an exdate (the moved one is reported).
- The end is DTEND or DTSTART + DURATION; missing or not after the start -> one hour (warning);
  past midnight -> cut at 24:00 (warning).
- A series whose UNTIL is before today is dropped (warning); a group left with no meeting is
  skipped. A cancelled series (STATUS:CANCELLED) is skipped.
- One-off events (no RRULE, or COUNT=1) are not groups: each is reported and skipped. All-day
  recurring events have no meeting time: reported and skipped.
- A Zoom / Meet / Teams / Webex / Jitsi / GoTo URL in LOCATION, DESCRIPTION, URL or CONFERENCE
  makes the group online; hybrid when LOCATION also has a street address.
- Topics: vocabulary words found in the summary or the calendar's name (X-WR-CALNAME), which is
  also the organization. Facilitation is not said.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peercli.importers.records import (
    GroupRecord,
    ImportFileError,
    Item,
    ProgressCallback,
    RecordStream,
    RowError,
    normalize_key_text,
)
from peercli.importers.textio import file_stem, read_listing

if TYPE_CHECKING:
    from peercli.importers.registry import ImportOptions, Sample


NAME = "ics"
ALIASES = ("ics", "ical", "icalendar", "calendar")
MAX_ICS_BYTES = 50 * 1024 * 1024
DEFAULT_DURATION = 60

ONLINE_HOSTS = (
    "zoom.us", "zoomgov.com", "meet.google.com", "teams.microsoft.com", "teams.live.com",
    "webex.com", "meet.jit.si", "gotomeet.me", "gotomeeting.com", "goto.com", "whereby.com",
    "bluejeans.com", "skype.com", "discord.gg", "freeconferencecall.com", "meetings.dialpad.com",
    "signal.group", "zoho.com",
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_STREET = re.compile(r"\d+\s+\w+|\b(street|st\.?|avenue|ave\.?|road|rd\.?|church|hall|room|"
                     r"center|centre|library|str\.|straße|strasse|platz)\b", re.IGNORECASE)


def looks_like_ics(head: str) -> bool:
    return head.lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:VCALENDAR")


def online_url_in(*texts: str | None) -> str | None:
    """The first video-call URL (Zoom, Meet, Teams...) in the texts."""
    for text in texts:
        for url in _URL.findall(text or ""):
            host = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).split("/")[0].casefold()
            if any(host == h or host.endswith("." + h) for h in ONLINE_HOSTS):
                return str(url).rstrip(".,;")
    return None


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    if "<" in text and ">" in text:
        text = _TAG.sub(" ", text.replace("<br>", "\n").replace("<br/>", "\n"))
    text = html.unescape(text)
    text = "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
    return text or None


@dataclass
class _Group:
    name: str
    location: str | None
    line: int
    meetings: list[Any] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    uids: list[str] = field(default_factory=list)


def _line_index(text: str) -> dict[str, int]:
    """UID -> line of the first ``BEGIN:VEVENT`` whose UID it is (for messages)."""
    out: dict[str, int] = {}
    begin = 0
    for number, line in enumerate(text.splitlines(), 1):
        upper = line.upper()
        if upper.startswith("BEGIN:VEVENT"):
            begin = number
        elif upper.startswith(("UID:", "UID;")):
            uid = line.split(":", 1)[1].strip()
            out.setdefault(uid, begin or number)
    return out


class _Reader:
    def __init__(self, stream: RecordStream, cal_zone: str | None, today: date) -> None:
        self.stream = stream
        self.cal_zone = cal_zone
        self.today = today

    def warn(self, line: int, message: str) -> None:
        self.stream.warn(line, message)

    def zone_name(self, dt: Any, prop: Any) -> str | None:
        """IANA name of a DTSTART's zone; None for floating (then the calendar's)."""
        if not isinstance(dt, datetime):
            return None
        tz = dt.tzinfo
        if tz is None:
            return self.cal_zone
        key = getattr(tz, "key", None)
        if key:
            return str(key)
        if dt.utcoffset() == timedelta(0) and (getattr(tz, "zone", None) in (None, "UTC")
                                                or tz is UTC):
            return "UTC"
        tzid = prop.params.get("TZID") if prop is not None else None
        if tzid:
            from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

            name = WINDOWS_TO_OLSON.get(str(tzid), str(tzid))
            if _valid_zone(name):
                return name
        return None


def _valid_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _local(dt: datetime, zone: str | None) -> datetime:
    """``dt`` as a naive wall-clock time in ``zone`` (or as written, when it has none)."""
    if dt.tzinfo is None or zone is None:
        return dt.replace(tzinfo=None)
    from zoneinfo import ZoneInfo

    return dt.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _dates_of(prop_values: Any, zone: str | None) -> list[date]:
    out: list[date] = []
    for v in _as_list(prop_values):
        for d in getattr(v, "dts", []):
            dt = d.dt
            if isinstance(dt, datetime):
                out.append(_local(dt, zone).date())
            elif isinstance(dt, date):
                out.append(dt)
    return out


def _shift_byday(codes: list[str], days: int) -> list[str]:
    from peercli.core.timeparse import DAY_CODES

    out = []
    for code in codes:
        m = re.fullmatch(r"([+-]?\d)?([A-Z]{2})", code)
        if not m or m.group(2) not in DAY_CODES:
            out.append(code)
            continue
        day = (DAY_CODES.index(m.group(2)) + days) % 7
        out.append(f"{m.group(1) or ''}{DAY_CODES[day]}")
    return out


@dataclass(frozen=True)
class _Time:
    """When an event starts, in the zone its meetings are kept in."""

    zone: str | None
    local_start: datetime
    shift: int  # days the weekday moves when a UTC start is read in the calendar's zone
    start: int  # minutes after midnight
    end: int


def _meeting_from_event(reader: _Reader, ev: Any, line: int, label: str,
                        overrides: dict[str, list[date]]) -> Any | str | None:
    """A Meeting, a reason string for a skip, or None for a one-off event."""
    from peercli.core.schedule import Meeting, ScheduleError

    rule = _recurrence(ev)
    if rule is None or isinstance(rule, str):
        return rule
    start_prop, rrule, freq = rule
    when = _time_of(reader, ev, start_prop, line, label)
    interval = int((rrule.get("INTERVAL") or [1])[0] or 0)
    if interval < 1:
        reader.warn(line, f"{label}: INTERVAL={interval} is not a positive number; read as 1 "
                    f"(every {'day' if freq == 'DAILY' else freq.lower()[:-2]})")
        interval = 1
    days = _days(reader, rrule, freq, interval, when, line, label)
    if isinstance(days, str):
        return days
    freq, byday = days
    until = None
    if rrule.get("UNTIL"):
        u = rrule["UNTIL"][0]
        until = _local(u, when.zone).date() if isinstance(u, datetime) else u
    elif rrule.get("COUNT"):
        until = _count_until(freq, interval, byday, when.local_start, int(rrule["COUNT"][0]))
    exdates = _dates_of(ev.get("EXDATE"), when.zone)
    exdates.extend(overrides.get(str(ev.get("UID") or ""), []))
    if ev.get("RDATE") is not None:
        reader.warn(line, f"{label}: extra dates (RDATE) are not kept")
    try:
        return Meeting(freq, interval, tuple(byday), when.start, when.end,
                       when.zone if when.zone and _valid_zone(when.zone) else None,
                       when.local_start.date(), until, exdates=tuple(exdates))
    except ScheduleError as exc:
        return str(exc)


def _recurrence(ev: Any) -> tuple[Any, dict[str, Any], str] | str | None:
    """(DTSTART, RRULE parts, FREQ) of a recurring event that can be a meeting; a reason
    string when it cannot; None for a one-off event (no RRULE, or COUNT=1)."""
    start_prop = ev.get("DTSTART")
    if start_prop is None:
        return "no DTSTART"
    rule = ev.get("RRULE")
    if rule is None:
        return None
    rrule = {str(k).upper(): v for k, v in dict(rule).items()}
    if not isinstance(start_prop.dt, datetime):
        return "an all-day event has no meeting time"
    freq = str((rrule.get("FREQ") or [""])[0]).upper()
    count = rrule.get("COUNT")
    if count and int(count[0]) <= 1:
        return None
    if freq not in ("WEEKLY", "MONTHLY", "DAILY"):
        return f"FREQ={freq or '(none)'} cannot be kept as a weekly or monthly meeting"
    for unsupported in ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYHOUR", "BYMINUTE", "BYMONTH"):
        if rrule.get(unsupported):
            return f"{unsupported} cannot be kept as a weekly or monthly meeting"
    return start_prop, rrule, freq


def _time_of(reader: _Reader, ev: Any, start_prop: Any, line: int, label: str) -> _Time:
    """Start and end in the event's zone (a UTC start in the calendar's zone when it names
    one); no end: an hour; past midnight: cut to 24:00 (both warned)."""
    start_dt = start_prop.dt
    zone = orig_zone = reader.zone_name(start_dt, start_prop)
    tzid = start_prop.params.get("TZID")
    if tzid and (start_dt.tzinfo is None or orig_zone is None):
        # an unknown TZID (icalendar then reads the time as floating) or a calendar-defined
        # VTIMEZONE without an IANA name: never a silent guess
        how = (f"the calendar's zone {zone}" if zone else "local time, as written")
        reader.warn(line, f"{label}: TZID '{tzid}' is not a time zone peer can name; times "
                    f"read as {how}")
    if orig_zone == "UTC" and reader.cal_zone and start_dt.tzinfo is not None:
        zone = reader.cal_zone
    local_start = _local(start_dt, zone)
    shift = 0
    if start_dt.tzinfo is not None and zone != orig_zone:
        shift = (local_start.date() - start_dt.replace(tzinfo=None).date()).days
    end_prop = ev.get("DTEND")
    duration = None
    if end_prop is not None and isinstance(end_prop.dt, datetime):
        duration = int((end_prop.dt - start_dt).total_seconds() // 60)
    elif ev.get("DURATION") is not None:
        duration = int(ev.get("DURATION").dt.total_seconds() // 60)
    if duration is None or duration <= 0:
        reader.warn(line, f"{label}: no end after the start; read as {DEFAULT_DURATION} minutes")
        duration = DEFAULT_DURATION
    start_min = local_start.hour * 60 + local_start.minute
    end_min = start_min + duration
    if end_min > 1440:
        reader.warn(line, f"{label}: runs past midnight; its end is cut to 24:00")
        end_min = 1440
    return _Time(zone, local_start, shift, start_min, end_min)


def _days(reader: _Reader, rrule: dict[str, Any], freq: str, interval: int, when: _Time,
          line: int, label: str) -> tuple[str, list[str]] | str:
    """(FREQ, BYDAY) as a meeting keeps them (a monthly rule on plain weekdays every month is
    weekly; BYSETPOS with one weekday becomes "2TH"...), or why they cannot be kept."""
    from peercli.core.timeparse import DAY_CODES

    byday = [str(c).upper() for c in rrule.get("BYDAY") or []]
    setpos = [int(p) for p in rrule.get("BYSETPOS") or []]
    if when.shift:
        byday = _shift_byday(byday, when.shift)
    if freq == "DAILY" and byday:
        freq = "WEEKLY"
    if freq == "WEEKLY" and not byday:
        byday = [DAY_CODES[when.local_start.weekday()]]
    if freq != "MONTHLY":
        return "BYSETPOS on a weekly rule cannot be kept" if setpos else (freq, byday)
    if not byday:
        return "a monthly rule by day of the month cannot be kept (only weekdays, e.g. 1TH)"
    if setpos:
        plain = [c for c in byday if re.fullmatch(r"[A-Z]{2}", c)]
        if len(plain) != 1 or len(byday) != 1:
            return (f"BYSETPOS over several weekdays ({','.join(byday)}) cannot be kept as a "
                    "meeting day")
        byday = [f"{p}{plain[0]}" for p in setpos if 1 <= abs(p) <= 5]
        reader.warn(line, f"{label}: BYSETPOS={','.join(map(str, setpos))} with BYDAY="
                    f"{plain[0]} read as {','.join(byday)}")
        return (freq, byday) if byday else "BYSETPOS out of range"
    if all(re.fullmatch(r"[A-Z]{2}", c) for c in byday) and interval == 1:
        freq = "WEEKLY"
    return freq, byday


def _count_until(freq: str, interval: int, byday: list[str], start: datetime,
                 count: int) -> date | None:
    from dateutil import rrule as du

    wd = {"MO": du.MO, "TU": du.TU, "WE": du.WE, "TH": du.TH, "FR": du.FR, "SA": du.SA,
          "SU": du.SU}
    days = []
    for code in byday:
        m = re.fullmatch(r"([+-]?\d)?([A-Z]{2})", code)
        if m and m.group(2) in wd:
            days.append(wd[m.group(2)](int(m.group(1))) if m.group(1) else wd[m.group(2)])
    f = {"WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY, "DAILY": du.DAILY}[freq]
    occ = list(du.rrule(f, dtstart=start, interval=interval, byweekday=days or None,
                        count=min(count, 5000)))
    return occ[-1].date() if occ else None


def open_ics(
    path: Path,
    *,
    source: str | None = None,
    progress: ProgressCallback | None = None,
    today: date | None = None,
    max_bytes: int = MAX_ICS_BYTES,
) -> RecordStream:
    """A ``RecordStream`` over an iCalendar file (see the module docstring)."""
    import icalendar

    path = Path(path)
    text = read_listing(path, max_bytes=max_bytes)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ImportFileError(f"{path.name}: not a readable iCalendar file ({exc})") from None
    if not calendars:
        raise ImportFileError(f"{path.name}: no VCALENDAR in the file")
    lines = _line_index(text)
    stem = file_stem(path)
    if stem.lower().endswith(".ics"):
        stem = stem[:-4]
    stream: RecordStream

    def items() -> Iterator[tuple[int, Item]]:
        from peercli.importers import values as V

        topic_reader = V.TopicReader()
        bad: list[tuple[int, Item]] = []
        for cal in calendars:
            yield from _calendar_items(cal, stream, lines, today or date.today(), topic_reader,
                                       bad)
        yield from bad

    stream = RecordStream(NAME, source or f"ics:{stem}", items(), progress=progress)
    return stream


def _calendar_items(cal: Any, stream: RecordStream, lines: dict[str, int], today: date,
                    topic_reader: Any, bad: list[tuple[int, Item]]) -> Iterator[tuple[int, Item]]:
    """The groups of one VCALENDAR (events of one name and place make one group); events
    without a name go to ``bad``, to come after every calendar's groups."""
    cal_zone = _text(cal.get("X-WR-TIMEZONE"))
    if cal_zone and not _valid_zone(cal_zone):
        stream.warn(1, f"X-WR-TIMEZONE '{cal_zone}' is not an IANA zone; ignored")
        cal_zone = None
    cal_name = _text(cal.get("X-WR-CALNAME"))
    reader = _Reader(stream, cal_zone, today)
    events = list(cal.walk("VEVENT"))
    overrides = _overrides(reader, events, lines)
    groups: dict[str, _Group] = {}
    for ev in events:
        if ev.get("RECURRENCE-ID") is None:
            error = _add_event(reader, ev, lines, overrides, groups)
            if error is not None:
                bad.append(error)
    for key, g in groups.items():
        yield g.line, _record(g, key, stream.source, cal_name, topic_reader)


def _overrides(reader: _Reader, events: list[Any],
               lines: dict[str, int]) -> dict[str, list[date]]:
    """UID -> the dates a RECURRENCE-ID event cancels or moves (they become exceptions of the
    series; a moved date is not kept, and each is warned)."""
    overrides: dict[str, list[date]] = {}
    for ev in events:
        rid = ev.get("RECURRENCE-ID")
        if rid is None:
            continue
        uid = str(ev.get("UID") or "")
        line = lines.get(uid, 1)
        start = ev.get("DTSTART")
        zone = reader.zone_name(rid.dt, rid) if isinstance(rid.dt, datetime) else None
        day = _local(rid.dt, zone).date() if isinstance(rid.dt, datetime) else rid.dt
        overrides.setdefault(uid, []).append(day)
        summary = _text(ev.get("SUMMARY")) or uid
        if str(ev.get("STATUS") or "").upper() == "CANCELLED":
            reader.warn(line, f"event '{summary}': the occurrence of {day} is cancelled")
        elif start is not None:
            moved = start.dt.date() if isinstance(start.dt, datetime) else start.dt
            reader.warn(line, f"event '{summary}': the occurrence of {day} was moved to "
                        f"{moved}; that one date is not kept as a meeting")
    return overrides


def _broken_text(exc: Exception) -> str:
    """"RRULE could not be read (Expected weekday abbreviation, got: XX)" from icalendar's
    message for a broken property, else the exception's text."""
    text = " ".join(str(exc).split())
    m = re.search(r"broken property '([A-Z-]+)'[^:]*: (.*)$", text)
    if m:
        return f"{m.group(1)} could not be read ({m.group(2)[:120]})"
    return f"could not be read ({text[:160] or type(exc).__name__})"


def _add_event(reader: _Reader, ev: Any, lines: dict[str, int],
               overrides: dict[str, list[date]],
               groups: dict[str, _Group]) -> tuple[int, Item] | None:
    """Add a recurring event's meeting to its group (by name and place); a skipped event is
    warned; an event without a name is returned as an error."""
    uid = str(ev.get("UID") or "")
    line = lines.get(uid, 1)
    title = _text(ev.get("SUMMARY"))
    label = f"event '{title or uid or '?'}' (line {line})"
    if not title:
        return line, RowError(line, f"{label}: no SUMMARY (name)")
    if str(ev.get("STATUS") or "").upper() == "CANCELLED":
        reader.warn(line, f"{label}: cancelled (STATUS:CANCELLED); skipped")
        return None
    try:
        result = _meeting_from_event(reader, ev, line, label, overrides)
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        # icalendar keeps a property it cannot parse as "broken" and raises (a ValueError)
        # only when it is read: RRULE:FREQ=WEEKLY;BYDAY=XX, a DTSTART that is not a date...
        reader.warn(line, f"{label}: {_broken_text(exc)}; skipped")
        return None
    skip = _skipped(result, ev, reader.today)
    if skip is not None:
        reader.warn(line, f"{label}: {skip}")
        return None
    location = _plain(ev.get("LOCATION"))
    key = normalize_key_text(title) + "|" + normalize_key_text(_URL.sub("", location or ""))
    group = groups.get(key)
    if group is None:
        group = groups[key] = _Group(title, location, line)
    group.meetings.append(result)
    group.uids.append(uid)
    desc = _plain(ev.get("DESCRIPTION"))
    if desc and desc not in group.descriptions:
        group.descriptions.append(desc)
    for prop in ("URL", "CONFERENCE", "X-GOOGLE-CONFERENCE"):
        for v in _as_list(ev.get(prop)):
            group.urls.append(str(v))
    return None


def _skipped(result: Any, ev: Any, today: date) -> str | None:
    """Why an event's reading is not a meeting to keep (one-off, unreadable, ended)."""
    if result is None:
        when = ev.get("DTSTART")
        on = f" on {when.dt.isoformat()[:16]}" if when is not None else ""
        return f"a one-off event{on}, not a recurring group; skipped"
    if isinstance(result, str):
        return f"{result}; skipped"
    if result.until is not None and result.until < today:
        return f"the series ended on {result.until}; skipped"
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


_TOPIC_CACHE: dict[str, Any] = {}


def topics_in_text(text: str) -> list[str]:
    """Vocabulary topics named in free text (labels and synonyms of 4+ letters, whole words)."""
    regex = _TOPIC_CACHE.get("re")
    if regex is None:
        from peercli.importers.userfiles import load_vocabulary

        phrases: dict[str, str] = {}
        for t in load_vocabulary().topics:
            for phrase in (t.label, t.slug.replace("-", " "), *t.synonyms):
                p = " ".join(phrase.casefold().split())
                if len(p) >= 4 and "(" not in p:
                    phrases.setdefault(p, t.slug)
        ordered = sorted(phrases, key=len, reverse=True)
        regex = re.compile(r"\b(" + "|".join(re.escape(p) for p in ordered) + r")\b")
        _TOPIC_CACHE["re"] = regex
        _TOPIC_CACHE["map"] = phrases
    found = dict.fromkeys(_TOPIC_CACHE["map"][m] for m in regex.findall(text.casefold()))
    return list(found)


def _record(g: _Group, key: str, source: str, cal_name: str | None, topic_reader: Any) -> Item:
    description = "\n\n".join(g.descriptions) or None
    url = online_url_in(g.location, *g.urls, description)
    place = _URL.sub("", g.location or "").strip(" ,;-") or None
    if place and place.casefold() in ("online", "zoom", "virtual", "google meet", "teams",
                                      "microsoft teams", "online meeting"):
        place = None
    if url:
        fmt = "hybrid" if place and _STREET.search(place) else "online"
    else:
        fmt = "in_person"
    if fmt == "online":
        place = None
    terms = topics_in_text(" ".join(p for p in (g.name, cal_name) if p))
    topics, unknown = topic_reader.normalize(terms)
    meetings = tuple(dict.fromkeys(g.meetings))
    return GroupRecord(
        source=source, source_key="ics:" + key[:200], name=g.name, organization=cal_name,
        description=description, topics=topics, unknown_topics=unknown, meetings=meetings,
        format=fmt, address=place, online_url=url,
        website=next((u for u in g.urls if u.startswith("http") and u != url), None),
    )


# -- registry entry (importers/registry.py) ----------------------------------------------------


def sniff_ics(sample: Sample) -> float:
    return 0.95 if not sample.is_dir and looks_like_ics(sample.text) else 0.0


def open_records(path: Path, options: ImportOptions) -> RecordStream:
    return open_ics(path, source=options.source, progress=options.progress,
                    max_bytes=min(options.max_bytes, MAX_ICS_BYTES))
