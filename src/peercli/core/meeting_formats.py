"""Meetings from machine formats and single values: a time ("18:30", "6pm"), a weekday, a Meeting
Guide meeting (day 0 = Sunday), an HSDS 3.0 schedule row, and our own JSON form both ways."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from peercli.core.meeting import (
    DEFAULT_DURATION_MINUTES,
    FREQS,
    Meeting,
    ScheduleError,
    split_byday,
)
from peercli.core.timeparse import (
    DAY_CODES,
    END_OF_DAY,
    PARTS_OF_DAY,
    TimeTextError,
    format_hhmm,
    lookup_weekday,
    parse_hhmm,
    read_clock,
    resolve_time,
)


def parse_time(text: str) -> int:
    """Minutes since midnight: "18:30", "18:30:00", "6pm", "6:00 PM", "noon", "midnight", "1830".

    Bare numbers are 24-hour ("7" is 07:00); "24:00" gives 1440 (an end of day).
    """
    if not isinstance(text, str) or not text.strip():
        raise ScheduleError(str(text or ""), "the time is empty; expected a time such as 18:30")
    strict = parse_hhmm(text)
    if strict is not None:
        return strict
    try:
        return resolve_time(read_clock(text))
    except TimeTextError as exc:
        raise ScheduleError(exc.fragment, exc.reason) from None


def parse_weekday(text: str) -> int:
    """Weekday 0 = Monday from "Monday", "Mon", "Tuesdays", "tue", "Thurs"."""
    day = lookup_weekday(text) if isinstance(text, str) else None
    if day is None:
        raise ScheduleError(str(text).strip(), "expected a day of the week such as Mon or Tuesday")
    return day


def _end_from(start: int, end_text: str | None, start_text: str, duration: int) -> int:
    if end_text is None or not str(end_text).strip() or str(end_text).strip().lower() == "null":
        return min(start + duration, END_OF_DAY)
    end = parse_time(str(end_text))
    if end == 0:
        end = END_OF_DAY
    if end <= start:
        raise ScheduleError(
            f"{start_text}-{end_text}",
            "the end time is not after the start (meetings must end by midnight)",
        )
    return end


def meeting_from_meeting_guide(
    day: int | str | Sequence[int | str],
    time: str,
    end_time: str | None = None,
    *,
    timezone: str | None = None,
    default_duration: int = DEFAULT_DURATION_MINUTES,
) -> Meeting:
    """A Meeting Guide JSON meeting: `day` 0 = Sunday .. 6 = Saturday (or a list), "HH:MM" times."""
    raw_days = list(day) if isinstance(day, list | tuple) else [day]
    if not raw_days:
        raise ScheduleError("[]", "expected a day 0-6 (0 = Sunday)")
    weekdays = []
    for d in raw_days:
        text = str(d).strip()
        if isinstance(d, bool) or not re.fullmatch(r"[0-6]", text):
            raise ScheduleError(text, "expected a Meeting Guide day 0-6 (0 = Sunday)")
        weekdays.append((int(text) + 6) % 7)
    if not isinstance(time, str) or not time.strip():
        raise ScheduleError("", "no time given; expected HH:MM")
    start = parse_time(time)
    if start >= END_OF_DAY:
        raise ScheduleError(time, "a meeting cannot start at 24:00")
    end = _end_from(start, end_time, time, default_duration)
    return Meeting(
        "WEEKLY", 1, tuple(DAY_CODES[d] for d in weekdays), start, end, timezone or None
    )


def _as_date(value: object, what: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text or text.lower() == "null":
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ScheduleError(text, f"expected {what} as a date YYYY-MM-DD") from None


def meeting_from_rrule_parts(
    freq: str,
    interval: int | str | None,
    byday: str | Sequence[str],
    opens_at: str,
    closes_at: str | None,
    *,
    dtstart: date | str | None = None,
    until: date | str | None = None,
    timezone: str | None = None,
    default_duration: int = DEFAULT_DURATION_MINUTES,
) -> Meeting:
    """An HSDS 3.0 schedule row: freq WEEKLY/MONTHLY/DAILY, byday "TU", "1SA" or "MO,WE",
    opens_at/closes_at "18:30" or "18:30:00" (a trailing Z is ignored)."""
    f = str(freq or "").strip().upper()
    if f not in FREQS:
        raise ScheduleError(str(freq), "expected freq WEEKLY, MONTHLY or DAILY")
    if interval is None or str(interval).strip() in ("", "null"):
        n = 1
    elif re.fullmatch(r"\s*\d+\s*", str(interval)) and int(str(interval)) >= 1:
        n = int(str(interval))
    else:
        raise ScheduleError(str(interval), "expected the interval as a whole number >= 1")
    if isinstance(byday, str):
        codes = [c.strip().upper() for c in byday.split(",") if c.strip()]
        codes = [] if codes == ["NULL"] else codes
    else:
        codes = [str(c).strip().upper() for c in byday if str(c).strip()]
    parts = [split_byday(c.lstrip("+")) for c in codes]
    if f == "DAILY" and codes:
        f = "WEEKLY"  # DAILY restricted to some weekdays is those weekdays every week
    if f == "MONTHLY" and parts and all(nth is None for nth, _ in parts) and n == 1:
        f = "WEEKLY"  # every Tuesday of every month is every Tuesday
    if not isinstance(opens_at, str) or not opens_at.strip() or opens_at.strip() == "null":
        raise ScheduleError("", "no opening time (opens_at) given")
    start = parse_time(opens_at)
    if start >= END_OF_DAY:
        raise ScheduleError(opens_at, "a meeting cannot start at 24:00")
    end = _end_from(start, closes_at, opens_at, default_duration)
    tz = timezone.strip() if isinstance(timezone, str) and timezone.strip() not in ("", "null") else None
    return Meeting(
        f, n, tuple(codes), start, end, tz,
        _as_date(dtstart, "dtstart"), _as_date(until, "until"),
    )


def meeting_to_dict(m: Meeting) -> dict[str, object]:
    """JSON form per the contract; timezone, dtstart and until only when set."""
    d: dict[str, object] = {
        "freq": m.freq,
        "interval": m.interval,
        "byday": list(m.byday),
        "start": None if m.approximate else format_hhmm(m.start),
        "end": None if m.approximate else format_hhmm(m.end),
    }
    if m.approximate:
        d["approximate"] = True
        d["part_of_day"] = m.part_of_day
    if m.bymonth:
        d["bymonth"] = list(m.bymonth)
    if m.timezone:
        d["timezone"] = m.timezone
    if m.dtstart:
        d["dtstart"] = m.dtstart.isoformat()
    if m.until:
        d["until"] = m.until.isoformat()
    if m.exdates:
        d["exdates"] = [x.isoformat() for x in m.exdates]
    return d


def meeting_from_dict(d: Mapping[str, object]) -> Meeting:
    """Inverse of meeting_to_dict."""
    start_text, end_text = d.get("start"), d.get("end")
    approximate = d.get("approximate") is True
    part = d.get("part_of_day")
    if approximate:
        hours = PARTS_OF_DAY.get(str(part)) if part else (0, END_OF_DAY)
        if hours is None:
            raise ScheduleError(str(part), "expected a part of the day: " + ", ".join(PARTS_OF_DAY))
        start_text, end_text = format_hhmm(hours[0]), format_hhmm(hours[1])
    if not isinstance(start_text, str) or not isinstance(end_text, str):
        raise ScheduleError(str(start_text), "expected start and end as HH:MM")
    start, end = parse_hhmm(start_text), parse_hhmm(end_text)
    if start is None or end is None:
        raise ScheduleError(f"{start_text}-{end_text}", "expected start and end as HH:MM")
    byday = d.get("byday") or ()
    if isinstance(byday, str):
        byday = [c for c in byday.split(",") if c]
    interval = d.get("interval", 1)
    tz = d.get("timezone")
    raw_ex = d.get("exdates")
    items: list[object] | tuple[object, ...] = raw_ex if isinstance(raw_ex, list | tuple) else ()
    exdates = tuple(x for x in (_as_date(v, "exdates") for v in items) if x is not None)
    return Meeting(
        str(d.get("freq", "")).upper(),
        interval if isinstance(interval, int) else int(str(interval)),
        tuple(str(c) for c in byday) if isinstance(byday, list | tuple) else (),
        start,
        end,
        str(tz) if tz else None,
        _as_date(d.get("dtstart"), "dtstart"),
        _as_date(d.get("until"), "until"),
        approximate,
        str(part) if approximate and part else None,
        tuple(int(str(x)) for x in d.get("bymonth") or ()),  # type: ignore[attr-defined]
        exdates,
    )
