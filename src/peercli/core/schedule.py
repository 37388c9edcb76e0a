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

from datetime import date
from functools import lru_cache

from peercli.core.meeting import (
    DEFAULT_DURATION_MINUTES,
    EPOCH,
    FREQS,
    Meeting,
    ScheduleError,
    ScheduleReading,
    byday_code,
    describe_meeting,
    weekdays_of,
)
from peercli.core.meeting_dates import next_meeting, next_occurrences
from peercli.core.meeting_formats import (
    meeting_from_dict,
    meeting_from_meeting_guide,
    meeting_from_rrule_parts,
    meeting_to_dict,
    parse_time,
    parse_weekday,
)

__all__ = [
    "DEFAULT_DURATION_MINUTES", "EPOCH", "FREQS", "Meeting", "ScheduleError", "ScheduleReading",
    "byday_code", "describe_meeting", "meeting_from_dict", "meeting_from_meeting_guide",
    "meeting_from_rrule_parts", "meeting_to_dict", "meetings_from_days_time", "next_meeting",
    "next_occurrences", "parse_schedule", "parse_time", "parse_weekday", "read_days_time",
    "read_schedule", "weekdays_of",
]

_EXPECTED = (
    "expected days (Tue, Mon/Wed, weekdays, daily, 1st & 3rd Thu, last Sunday of the month) "
    "and a time (18:30, 6pm, 6-7:30pm)"
)


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
