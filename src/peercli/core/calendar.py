"""An RFC 5545 (iCalendar) writer for group meetings, small enough to read in one sitting.

One VEVENT per recurring meeting: DTSTART at the next occurrence (so the rule and its first
instance agree), an RRULE (FREQ, INTERVAL, BYDAY such as ``1TH`` or ``-1SU``, WKST, UNTIL),
and a TZID with a matching VTIMEZONE that this module derives from the system's zoneinfo —
phone calendars (iOS, Android/Google, Outlook) all read that form. With no known zone the times
are *floating* (local wherever the phone is), which RFC 5545 also allows.

Text is escaped (``\\ ; , newline``) and every content line is folded at 75 octets without
splitting a UTF-8 character. Lines end in CRLF.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peercli.core.schedule import Meeting

PRODID = "-//peer//peer support groups//EN"
CRLF = "\r\n"
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class MeetingEvent:
    """One recurring meeting to write as a VEVENT.

    ``first_start`` is the first occurrence to show, as a naive wall-clock time in ``tzid``
    (or floating when ``tzid`` is None).
    """

    uid: str
    summary: str
    meeting: Meeting
    first_start: datetime
    tzid: str | None = None
    description: str | None = None
    location: str | None = None
    url: str | None = None


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11); CR dropped, newlines become ``\\n``."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str, limit: int = 75) -> str:
    """Fold one content line into chunks of at most ``limit`` octets (continuations start with a
    space, which counts towards their limit); never splits a multi-byte character."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    budget = limit
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > budget:
            out.append("".join(current))
            current, size, budget = [], 0, limit - 1
        current.append(ch)
        size += n
    out.append("".join(current))
    return (CRLF + " ").join(out)


def _stamp(dt: datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%S")


def _utc_stamp(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _dt_prop(name: str, dt: datetime, tzid: str | None) -> str:
    if tzid:
        return f"{name};TZID={tzid}:{_stamp(dt)}"
    return f"{name}:{_stamp(dt)}"


def rrule_value(meeting: Meeting, tzid: str | None) -> str:
    """The RRULE value for a meeting, e.g. ``FREQ=MONTHLY;INTERVAL=1;BYDAY=1TH,3TH;WKST=MO``.

    UNTIL is the end of the meeting's last day: in UTC when the event has a TZID (RFC 5545
    requires that), floating otherwise.
    """
    parts = [f"FREQ={meeting.freq}", f"INTERVAL={meeting.interval}"]
    if meeting.byday:
        parts.append("BYDAY=" + ",".join(meeting.byday))
    if meeting.until is not None:
        last = datetime.combine(meeting.until, datetime.min.time()).replace(hour=23, minute=59,
                                                                             second=59)
        if tzid:
            from zoneinfo import ZoneInfo

            parts.append("UNTIL=" + _utc_stamp(last.replace(tzinfo=ZoneInfo(tzid))))
        else:
            parts.append("UNTIL=" + _stamp(last))
    parts.append("WKST=MO")
    return ";".join(parts)


# ---------------------------------------------------------------------------------------------
# VTIMEZONE from zoneinfo


@dataclass(frozen=True)
class _Transition:
    local: datetime  # wall-clock time of the change, in the offset before it
    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_dst: bool


def _transitions(tzid: str, year_from: int, year_to: int) -> list[_Transition]:
    """UTC-offset changes of a zone in [year_from, year_to], found by a daily scan + bisection."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tzid)

    def offset(t: datetime) -> timedelta:
        return t.astimezone(zone).utcoffset() or timedelta(0)

    found: list[_Transition] = []
    t = datetime(year_from, 1, 1, tzinfo=UTC)
    stop = datetime(year_to + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=12)
    prev = offset(t)
    while t < stop:
        nxt = t + step
        off = offset(nxt)
        if off != prev:
            lo, hi = t, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if offset(mid) == prev:
                    lo = mid
                else:
                    hi = mid
            hi = hi.replace(microsecond=0)
            local = (hi + prev).replace(tzinfo=None)
            after = hi.astimezone(zone)
            found.append(_Transition(local, prev, off, after.tzname() or tzid,
                                     bool(after.dst())))
            prev = off
        t = nxt
    return found


def _offset_text(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def _yearly_byday(day: date) -> str:
    """The BYDAY that names this date within its month: "2SU", or "-1SU" for the last one."""
    code = _DAY_CODES[day.weekday()]
    if (day + timedelta(days=7)).month != day.month:
        return f"-1{code}"
    return f"{(day.day - 1) // 7 + 1}{code}"


def vtimezone_lines(tzid: str, year: int) -> list[str]:
    """A VTIMEZONE for ``tzid`` valid from the year before ``year``.

    A zone that changes offset twice a year by a fixed "nth weekday of month" rule gets one
    STANDARD and one DAYLIGHT observance with a yearly RRULE; any other zone gets its actual
    transitions listed for the next ten years; a zone without changes one fixed observance.
    """
    from zoneinfo import ZoneInfo

    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}"]
    found = _transitions(tzid, year - 1, year + 1)
    by_year: dict[int, list[_Transition]] = {}
    for tr in found:
        by_year.setdefault(tr.local.year, []).append(tr)

    def rule_key(tr: _Transition) -> tuple[object, ...]:
        return (tr.local.month, _yearly_byday(tr.local.date()), tr.local.time(),
                tr.offset_from, tr.offset_to, tr.is_dst)

    regular = (
        len(by_year) == 3
        and all(len(v) == 2 for v in by_year.values())
        and len({tuple(rule_key(t) for t in v) for v in by_year.values()}) == 1
    )
    if regular:
        for tr in by_year[year - 1]:
            kind = "DAYLIGHT" if tr.is_dst else "STANDARD"
            lines += [
                f"BEGIN:{kind}",
                f"DTSTART:{_stamp(tr.local)}",
                f"TZOFFSETFROM:{_offset_text(tr.offset_from)}",
                f"TZOFFSETTO:{_offset_text(tr.offset_to)}",
                f"TZNAME:{tr.name}",
                f"RRULE:FREQ=YEARLY;BYMONTH={tr.local.month};BYDAY={_yearly_byday(tr.local.date())}",
                f"END:{kind}",
            ]
    else:
        listed = _transitions(tzid, year - 1, year + 10) if found else []
        if not listed:
            at = datetime(year - 1, 1, 1, tzinfo=ZoneInfo(tzid))
            off = at.utcoffset() or timedelta(0)
            lines += [
                "BEGIN:STANDARD",
                "DTSTART:19700101T000000",
                f"TZOFFSETFROM:{_offset_text(off)}",
                f"TZOFFSETTO:{_offset_text(off)}",
                f"TZNAME:{at.tzname() or tzid}",
                "END:STANDARD",
            ]
        for tr in listed:
            kind = "DAYLIGHT" if tr.is_dst else "STANDARD"
            lines += [
                f"BEGIN:{kind}",
                f"DTSTART:{_stamp(tr.local)}",
                f"TZOFFSETFROM:{_offset_text(tr.offset_from)}",
                f"TZOFFSETTO:{_offset_text(tr.offset_to)}",
                f"TZNAME:{tr.name}",
                f"END:{kind}",
            ]
    lines.append("END:VTIMEZONE")
    return lines


# ---------------------------------------------------------------------------------------------
# The calendar


def event_lines(event: MeetingEvent, dtstamp: datetime) -> list[str]:
    m = event.meeting
    start = event.first_start
    end = start.replace(hour=0, minute=0, second=0) + timedelta(minutes=m.end)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{_utc_stamp(dtstamp)}",
        _dt_prop("DTSTART", start, event.tzid),
        _dt_prop("DTEND", end, event.tzid),
        f"RRULE:{rrule_value(m, event.tzid)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        # URL is a URI value, not TEXT: no escaping, but it must not carry line breaks.
        lines.append(f"URL:{''.join(event.url.split())}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines += ["TRANSP:OPAQUE", "END:VEVENT"]
    return lines


def build_calendar(
    events: Sequence[MeetingEvent],
    *,
    dtstamp: datetime,
    name: str = "Peer support groups",
    extra_zones: Iterable[str] = (),
) -> str:
    """The whole VCALENDAR as text with CRLF line ends, every line folded.

    ``dtstamp`` must be timezone-aware (it is written in UTC).
    """
    zones = sorted({e.tzid for e in events if e.tzid} | set(extra_zones))
    year = min((e.first_start.year for e in events), default=dtstamp.year)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for tzid in zones:
        lines += vtimezone_lines(tzid, year)
    for event in events:
        lines += event_lines(event, dtstamp)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + CRLF for line in lines)
