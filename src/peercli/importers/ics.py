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
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peercli.importers.ics_recurrence import (
    _as_list,
    _local,
    _meeting_from_event,
    _Reader,
    _valid_zone,
)
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
