"""iCalendar recurrence -> a peer ``Meeting``: which RRULEs can be a weekly or monthly meeting
(FREQ, BYDAY, BYSETPOS, COUNT/UNTIL), the event's zone and times, and its exceptions (EXDATE,
moved or cancelled occurrences). The rules are in the ``ics`` module docstring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from peercli.importers.records import RecordStream

DEFAULT_DURATION = 60


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
