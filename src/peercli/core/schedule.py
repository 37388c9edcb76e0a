"""Group meeting schedules: read them however a listing writes them, keep them as RRULE parts.

A `Meeting` holds iCalendar RRULE parts as in Open Referral HSDS 3.0 (freq, interval, byday,
start/end time, timezone, dtstart, until). Constructors read human text ("1st & 3rd Thu
18:30-20:00", "every other Saturday 10am"), the split days/time CSV form, Meeting Guide feeds
(day 0 = Sunday) and HSDS schedule rows. `describe_meeting` writes the human form back (and it
parses to the same Meeting); `next_occurrences` computes dates with python-dateutil's rrule.

A meeting with no end time lasts DEFAULT_DURATION_MINUTES (clipped at midnight). Meetings must
end on the day they start (end <= 24:00). Times are wall-clock times in the meeting's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from peercli.core.timeparse import (
    ALL_DAYS,
    DAY_ABBRS,
    DAY_CODES,
    END_OF_DAY,
    MONTH_ABBRS,
    PARTS_OF_DAY,
    WEEKDAYS,
    WEEKEND,
    PhraseError,
    TimeTextError,
    format_hhmm,
    lookup_weekday,
    parse_hhmm,
    read_clock,
    resolve_time,
)

#: Length of a meeting whose listing gives no end time.
DEFAULT_DURATION_MINUTES = 60
#: Anchor for "every other ..." meetings that carry no dtstart of their own: week and month
#: parity are counted from Monday 1 January 2024, so results never depend on today's date.
EPOCH = date(2024, 1, 1)
FREQS = ("WEEKLY", "MONTHLY", "DAILY")

_BYDAY = re.compile(r"([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)")
_EXPECTED = (
    "expected days (Tue, Mon/Wed, weekdays, daily, 1st & 3rd Thu, last Sunday of the month) "
    "and a time (18:30, 6pm, 6-7:30pm)"
)


class ScheduleError(PhraseError):
    """A schedule that could not be read or is impossible; `fragment` is the part that failed."""

    kind = "schedule"


@dataclass(frozen=True)
class ScheduleReading:
    """What a schedule text says: meetings, notes kept from asides ("closed on holidays"),
    warnings for readings that were a guess by rule, and `known` False when the text gives no
    day at all ("call for times")."""

    meetings: tuple[Meeting, ...]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    known: bool = True


def _split_byday(code: str) -> tuple[int | None, int]:
    """("1TH") -> (1, 3); ("TU") -> (None, 1)."""
    m = _BYDAY.fullmatch(code)
    if not m:
        raise ScheduleError(code, "expected a byday code such as TU, 1TH or -1SU")
    return (int(m[1]) if m[1] else None), DAY_CODES.index(m[2])


def _byday_key(code: str) -> tuple[int, int]:
    nth, day = _split_byday(code)
    if nth is None:
        return day, 0
    return day, nth if nth > 0 else 10 + nth  # 1st..5th, then 2nd to last, last


def byday_code(nth: int | None, day: int) -> str:
    """(1, 3) -> "1TH"; (None, 1) -> "TU"."""
    return f"{nth}{DAY_CODES[day]}" if nth else DAY_CODES[day]


@lru_cache(maxsize=256)
def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(name, "expected an IANA time zone such as America/Chicago") from None


@dataclass(frozen=True)
class Meeting:
    """One recurring meeting in RRULE terms; byday is kept in a canonical order."""

    freq: str
    interval: int = 1
    byday: tuple[str, ...] = ()
    start: int = 0
    end: int = 0
    timezone: str | None = None
    dtstart: date | None = None
    until: date | None = None
    #: The listing gives the day(s) but no time: start/end hold the part of the day's hours
    #: (or the whole day) for matching; JSON shows them as null.
    approximate: bool = False
    part_of_day: str | None = None
    #: Months the meeting runs in (1-12), empty for all year ("summer only" is 6, 7, 8).
    bymonth: tuple[int, ...] = ()
    #: Dates on which the meeting does not take place (iCalendar EXDATE), sorted.
    exdates: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        if self.freq not in FREQS:
            raise ScheduleError(str(self.freq), "expected freq WEEKLY, MONTHLY or DAILY")
        if not isinstance(self.interval, int) or self.interval < 1:
            raise ScheduleError(str(self.interval), "the interval must be a whole number >= 1")
        codes = tuple(sorted({c.upper().lstrip("+") for c in self.byday}, key=_byday_key))
        parts = [_split_byday(c) for c in codes]
        if self.freq == "DAILY" and codes:
            raise ScheduleError(",".join(codes), "a daily meeting has no byday")
        if self.freq != "DAILY" and not codes:
            raise ScheduleError(self.freq, "a weekly or monthly meeting needs byday (e.g. TU, 1SA)")
        if self.freq == "WEEKLY" and any(n is not None for n, _ in parts):
            raise ScheduleError(",".join(codes), "'1st'/'last' days need freq MONTHLY")
        if any(n is not None and not (1 <= abs(n) <= 5) for n, _ in parts):
            raise ScheduleError(",".join(codes), "ordinals run from 1 to 5 (or -1 to -5)")
        if not (0 <= self.start < self.end <= END_OF_DAY):
            raise ScheduleError(
                f"{format_hhmm(self.start)}-{format_hhmm(self.end)}",
                "a meeting must end after it starts, on the same day (by 24:00)",
            )
        if self.timezone is not None:
            _check_timezone(self.timezone)
        if self.dtstart and self.until and self.until < self.dtstart:
            raise ScheduleError(self.until.isoformat(), "until is before dtstart")
        if self.part_of_day is not None and self.part_of_day not in PARTS_OF_DAY:
            raise ScheduleError(self.part_of_day, "expected a part of the day: "
                                + ", ".join(PARTS_OF_DAY))
        months = tuple(sorted(set(self.bymonth)))
        if any(not (1 <= mo <= 12) for mo in months):
            raise ScheduleError(",".join(map(str, months)), "months run from 1 to 12")
        object.__setattr__(self, "byday", codes)
        object.__setattr__(self, "bymonth", () if len(months) == 12 else months)
        if self.exdates:
            object.__setattr__(self, "exdates", tuple(sorted(set(self.exdates))))


# ---------------------------------------------------------------------------------------------
# Reading human text


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


def parse_schedule(
    text: str, *, default_duration: int = DEFAULT_DURATION_MINUTES
) -> list[Meeting]:
    """Meetings described by human text; several may be separated by ";" (or "and" + new day).

    "Tuesdays 6-7:30pm", "1st & 3rd Thu 18:30-20:00", "every other Saturday 10am",
    "last Sunday of the month 2 PM", "daily 7am", "Mon 10:00-11:30; Thu 18:00-19:30".
    A start with no end lasts `default_duration` minutes. Raises ScheduleError quoting the part
    that could not be read, or when the text names no meeting at all. See `read_schedule` for
    the notes and warnings.
    """
    reading = read_schedule(text, default_duration=default_duration)
    if not reading.known:
        raise ScheduleError(text.strip(), "no day or time found; " + _EXPECTED)
    return list(reading.meetings)


def read_schedule(
    text: str, *, default_duration: int = DEFAULT_DURATION_MINUTES, today: date | None = None
) -> ScheduleReading:
    """The full reading of a schedule text (meetings, notes, warnings, known): see
    `schedule_text.read_schedule`. Cached: directories repeat the same phrases."""
    if not isinstance(text, str) or not text.strip():
        raise ScheduleError("", "the schedule is empty; " + _EXPECTED)
    return _read_cached(text, default_duration, today)


@lru_cache(maxsize=8192)
def _read_cached(text: str, default_duration: int, today: date | None) -> ScheduleReading:
    from peercli.core.schedule_text import read_schedule as read

    return read(text, default_duration=default_duration, today=today)


def meetings_from_days_time(
    days: str,
    time: str,
    end_time: str | None = None,
    *,
    default_duration: int = DEFAULT_DURATION_MINUTES,
) -> list[Meeting]:
    """Meetings from the split CSV form: days "Mon/Wed", "1st & 3rd Thu", "Tuesdays";
    time "6:00 PM" (or a range "6-7:30pm"); optional end_time "7:30 PM"."""
    if not isinstance(days, str) or not days.strip():
        raise ScheduleError("", "no day given; expected days such as Mon/Wed or 1st & 3rd Thu")
    if not isinstance(time, str) or not time.strip():
        raise ScheduleError("", "no time given; expected a time such as 18:30 or 6pm")
    return list(read_days_time(days, time, end_time, default_duration=default_duration).meetings)


@lru_cache(maxsize=8192)
def read_days_time(
    days: str,
    time: str,
    end_time: str | None = None,
    *,
    default_duration: int = DEFAULT_DURATION_MINUTES,
    today: date | None = None,
) -> ScheduleReading:
    """The split CSV form read in full (a days cell may hold a whole schedule)."""
    from peercli.core.schedule_text import read_days_time as read

    return read(days, time, end_time, default_duration=default_duration, today=today)


# ---------------------------------------------------------------------------------------------
# Machine formats


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
    parts = [_split_byday(c.lstrip("+")) for c in codes]
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


# ---------------------------------------------------------------------------------------------
# Describing


def _ordinal_label(n: int) -> str:
    if n == -1:
        return "last"
    k = abs(n)
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(k, "th")
    return f"{k}{suffix}" + (" to last" if n < 0 else "")


def _days_label(days: Sequence[int], interval: int) -> str:
    s = frozenset(days)
    if interval == 1 and s == WEEKDAYS:
        return "Weekdays"
    if interval == 1 and s == WEEKEND:
        return "Weekends"
    return "/".join(DAY_ABBRS[d] for d in sorted(s))


def _months_label(months: Sequence[int]) -> str:
    """(6, 7, 8) -> "Jun-Aug"; (1, 3) -> "Jan, Mar"; (11, 12, 1) -> "Nov-Jan"."""
    ms = set(months)
    runs: list[list[int]] = []
    for mo in range(1, 13):
        if mo in ms:
            if runs and runs[-1][-1] == mo - 1:
                runs[-1].append(mo)
            else:
                runs.append([mo])
    if len(runs) > 1 and runs[0][0] == 1 and runs[-1][-1] == 12:
        runs[0] = runs.pop() + runs[0]
    return ", ".join(
        MONTH_ABBRS[r[0] - 1] if len(r) == 1 else f"{MONTH_ABBRS[r[0] - 1]}-{MONTH_ABBRS[r[-1] - 1]}"
        for r in runs
    )


def describe_meeting(m: Meeting) -> str:
    """Human form, e.g. "Tue 18:30-20:00", "1st & 3rd Thu 18:30-20:00", "Every other Sat
    10:00-11:00", "Last Sun of the month 14:00-15:00", "Daily 07:00-08:00", "Thu evening (time
    not listed)", "Tue 19:00-20:00 (Jun-Aug)". Parses back."""
    text = _describe_days_time(m)
    if m.bymonth:
        text += f" ({_months_label(m.bymonth)})"
    if m.dtstart and m.until:
        text += f" (from {m.dtstart.isoformat()} until {m.until.isoformat()})"
    elif m.dtstart:
        text += f" (from {m.dtstart.isoformat()})"
    elif m.until:
        text += f" (until {m.until.isoformat()})"
    return text


def _describe_days_time(m: Meeting) -> str:
    times = f"{format_hhmm(m.start)}-{format_hhmm(m.end)}"
    if m.approximate:
        times = f"{m.part_of_day} (time not listed)" if m.part_of_day else "(time not listed)"
    if m.freq == "DAILY":
        if m.interval == 1:
            return f"Daily {times}"
        every = "Every other day" if m.interval == 2 else f"Every {m.interval} days"
        return f"{every} {times}"
    parts = [_split_byday(c) for c in m.byday]
    if m.freq == "WEEKLY" or all(nth is None for nth, _ in parts):
        label = _days_label([d for _, d in parts], m.interval)
        if m.freq == "MONTHLY":  # plain weekdays under MONTHLY (only with interval > 1)
            every = "every other month" if m.interval == 2 else f"every {m.interval} months"
            return f"{label} {every} {times}"  # pragma: no cover - not produced by our parsers
        if m.interval == 1:
            return f"{label} {times}"
        if m.interval == 2:
            return f"Every other {label} {times}"
        return f"Every {m.interval} weeks on {label} {times}"
    by_day: dict[int, list[int]] = {}
    for nth, day in parts:
        by_day.setdefault(day, []).append(nth or 0)
    chunks = [
        " & ".join(_ordinal_label(n) for n in nths) + " " + DAY_ABBRS[day]
        for day, nths in by_day.items()
    ]
    label = " & ".join(chunks)
    label = label[0].upper() + label[1:]
    if m.interval > 1:
        every = "every other month" if m.interval == 2 else f"every {m.interval} months"
        return f"{label} {every} {times}"
    if len(parts) == 1:
        return f"{label} of the month {times}"
    return f"{label} {times}"


def weekdays_of(m: Meeting) -> frozenset[int]:
    """The weekdays (0 = Monday) the meeting can fall on."""
    if m.freq == "DAILY" or not m.byday:
        return ALL_DAYS
    return frozenset(_split_byday(c)[1] for c in m.byday)


# ---------------------------------------------------------------------------------------------
# Occurrences


def _anchor(m: Meeting, after: date) -> date:
    """A dtstart for the rule: the meeting's own, or EPOCH; moved by whole periods (which keeps
    "every other" parity) to shortly before `after`, so the rule need not walk years. Without a
    dtstart of its own the series has no beginning, so the anchor may also move back."""
    from dateutil.relativedelta import relativedelta

    anchor = m.dtstart or EPOCH
    if m.freq == "MONTHLY":
        months = (after.year - anchor.year) * 12 + after.month - anchor.month
        k = months // m.interval - 1
        if m.dtstart is not None:
            k = max(0, k)
        if k == 0:
            return anchor
        shifted_month: date = anchor + relativedelta(months=k * m.interval)
        return shifted_month.replace(day=1)
    period = m.interval * (7 if m.freq == "WEEKLY" else 1)
    k = (after - anchor).days // period - 1
    if m.dtstart is not None:
        k = max(0, k)
    shifted = anchor + timedelta(days=k * period)
    if m.freq == "WEEKLY" and k:
        shifted -= timedelta(days=shifted.weekday())  # whole week, still before `after`
    return shifted


def next_occurrences(
    m: Meeting, after: datetime, count: int = 3, *, local_tz: str | None = None
) -> list[datetime]:
    """The next `count` meeting starts strictly after `after`, as naive datetimes.

    Times are the meeting's wall-clock times. When `local_tz` (an IANA name) is given and the
    meeting has another time zone, `after` is read in `local_tz` and the results converted to it.
    "Every other" meetings without dtstart count their parity from EPOCH (Monday 2024-01-01).
    """
    from dateutil import rrule

    if count <= 0:
        return []
    if after.tzinfo is not None:
        after = after.replace(tzinfo=None)
    zones = None
    if local_tz and m.timezone and local_tz != m.timezone:
        from zoneinfo import ZoneInfo

        zones = ZoneInfo(local_tz), ZoneInfo(m.timezone)
        after = after.replace(tzinfo=zones[0]).astimezone(zones[1]).replace(tzinfo=None)
    freq = {"WEEKLY": rrule.WEEKLY, "MONTHLY": rrule.MONTHLY, "DAILY": rrule.DAILY}[m.freq]
    byweekday = None
    if m.byday:
        wd = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
        byweekday = [wd[day](nth) if nth else wd[day] for nth, day in map(_split_byday, m.byday)]
    dtstart = datetime.combine(_anchor(m, after.date()), time(m.start // 60, m.start % 60))
    until = datetime.combine(m.until, time(23, 59, 59)) if m.until else None
    rule = rrule.rrule(
        freq, dtstart=dtstart, interval=m.interval, byweekday=byweekday, until=until,
        wkst=rrule.MO, bymonth=m.bymonth or None,
    )
    if m.exdates:
        skipped = set(m.exdates)
        results = []
        for occ in rule.xafter(after, inc=False):
            if occ.date() not in skipped:
                results.append(occ)
                if len(results) >= count:
                    break
    else:
        results = list(rule.xafter(after, count=count, inc=False))
    if zones is not None:
        local, own = zones
        results = [r.replace(tzinfo=own).astimezone(local).replace(tzinfo=None) for r in results]
    return results


def next_meeting(
    meetings: Iterable[Meeting], after: datetime, *, local_tz: str | None = None
) -> datetime | None:
    """The soonest start strictly after `after` among `meetings`, or None."""
    firsts = [
        occ[0] for m in meetings if (occ := next_occurrences(m, after, 1, local_tz=local_tz))
    ]
    return min(firsts, default=None)
