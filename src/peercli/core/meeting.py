"""A group's meetings as iCalendar RRULE parts (as in Open Referral HSDS 3.0): the `Meeting` type,
its checks, the reading of a schedule text (`ScheduleReading`), and the human form
(`describe_meeting`, which reads back to the same Meeting).

A meeting with no end time lasts DEFAULT_DURATION_MINUTES (clipped at midnight). Meetings must
end on the day they start (end <= 24:00). Times are wall-clock times in the meeting's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
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
    format_hhmm,
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


def split_byday(code: str) -> tuple[int | None, int]:
    """("1TH") -> (1, 3); ("TU") -> (None, 1)."""
    m = _BYDAY.fullmatch(code)
    if not m:
        raise ScheduleError(code, "expected a byday code such as TU, 1TH or -1SU")
    return (int(m[1]) if m[1] else None), DAY_CODES.index(m[2])


def _byday_key(code: str) -> tuple[int, int]:
    nth, day = split_byday(code)
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
        parts = [split_byday(c) for c in codes]
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
    parts = [split_byday(c) for c in m.byday]
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
    return frozenset(split_byday(c)[1] for c in m.byday)
