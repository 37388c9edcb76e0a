"""Check-ins and follow-up, the pure core: units of service, WHO-5, the dates people type, who is due.

Nothing here knows about Typer, SQLite or Rich. Every parser raises ``ValueError`` with a message
that quotes the part it could not read and says what it expects; the CLI adds the flag name.
"Who is due" is a pure function of plain records and a fixed ``today``, so it is tested with a
fixed clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from peercli.core.vocab import CHECKIN_MODES, or_list
from peercli.core.wording import plural

MODE_LABELS: dict[str, str] = {
    "in_person": "in person", "phone": "phone", "video": "video", "text": "text", "group": "group",
}
_MODE_WORDS: dict[str, str] = {
    "in person": "in_person", "in-person": "in_person", "inperson": "in_person",
    "person": "in_person", "face to face": "in_person", "f2f": "in_person", "visit": "in_person",
    "phone": "phone", "call": "phone", "phone call": "phone", "telephone": "phone", "tel": "phone",
    "video": "video", "zoom": "video", "video call": "video", "teams": "video", "facetime": "video",
    "text": "text", "sms": "text", "message": "text", "chat": "text", "texting": "text",
    "group": "group", "group session": "group",
}


MAX_MINUTES = 24 * 60
MAX_NEXT_DAYS = 366
MOOD_WORDS: dict[int, str] = {1: "very low", 2: "low", 3: "okay", 4: "good", 5: "very good"}
WHO5_POOR_BELOW = 13

T = TypeVar("T")
R = TypeVar("R")


# --- units of service --------------------------------------------------------------------------

def units_of_service(minutes: int) -> int:
    """15-minute units of service (HCPCS style, e.g. H0038 peer services) for a contact's minutes.

    Rule: one unit per full 15 minutes, plus one more unit when the minutes left over are 8 or
    more (more than half a unit). So 7 min = 0 units, 8 = 1, 22 = 1, 23 = 2, 30 = 2, 38 = 3.
    """
    if minutes < 0:
        raise ValueError(f"minutes cannot be negative ('{minutes}')")
    full, remainder = divmod(minutes, 15)
    return full + (1 if remainder >= 8 else 0)


def check_minutes(minutes: int) -> int:
    if minutes < 0:
        raise ValueError(f"'{minutes}' is negative: give the length of the contact in minutes, e.g. 25")
    if minutes > MAX_MINUTES:
        raise ValueError(f"'{minutes}' minutes is more than a day: give the contact's length, e.g. 25")
    return minutes


def read_clock_time(text: str) -> tuple[time, str | None]:
    """A time of day by the shared rules (core.timeparse): "14:30", "9:05", "2pm", "2:30 pm",
    "noon", "14", "1830"; and the warning when a bare 7-11 was read by rule."""
    from peercli.core.timeparse import (
        END_OF_DAY,
        TimeTextError,
        ambiguity_warning,
        read_clock,
        resolve_clock,
    )

    try:
        clock = read_clock(text)
        minutes, guessed = resolve_clock(clock)
    except TimeTextError as exc:
        if exc.reason.startswith(("hours must", "minutes must", "with am/pm", "24:00")):
            raise ValueError(f"'{text.strip()}' is not a time of day (00:00-23:59): "
                             f"{exc.reason}") from None
        raise ValueError(f"cannot read the time '{text.strip()}' "
                         "(use HH:MM like 14:30, or 2pm)") from None
    if minutes >= END_OF_DAY:
        raise ValueError(f"'{text.strip()}' is not a time of day (00:00-23:59)")
    warning = ambiguity_warning(clock, minutes) if guessed else None
    return time(minutes // 60, minutes % 60), warning


def parse_clock(text: str) -> time:
    """A time of day: "14:30", "9:05", "2pm", "2:30 pm", "noon", "14", "1830" (shared rules)."""
    return read_clock_time(text)[0]


def read_between(start: str, end: str) -> tuple[time, int, list[str]]:
    """The start time, length in minutes and warnings of a contact given as --start/--end; the
    two are read as one range ("10-11:30", "2-3pm" with am/pm from the end)."""
    from peercli.core.timeparse import (
        TimeTextError,
        ambiguity_warning,
        read_clock,
        resolve_clock,
        resolve_span,
    )

    try:
        a, b = read_clock(start), read_clock(end)
    except TimeTextError as exc:
        raise ValueError(f"cannot read the time '{exc.fragment}': {exc.reason} "
                         "(use HH:MM like 14:30, or 2pm)") from None
    try:
        begin, finish, guessed = resolve_span(a, b, f"{start.strip()}-{end.strip()}")
    except TimeTextError:
        raise ValueError(f"the start '{start}' is not before the end '{end}'") from None
    if begin >= 24 * 60:
        raise ValueError(f"'{start.strip()}' is not a time of day (00:00-23:59)")
    if b.ambiguous and finish - begin > 8 * 60 and finish != resolve_clock(b)[0]:
        # "10:00" to "9:00": an end pushed past its own reading into a very long contact is a
        # slip, not an 11-hour call
        raise ValueError(f"the start '{start}' is not before the end '{end}' (write the end "
                         "with am/pm or as 24-hour time)")
    warnings = [ambiguity_warning(a, begin)] if guessed else []
    return time(begin // 60, begin % 60), finish - begin, warnings


def minutes_between(start: str, end: str) -> tuple[time, int]:
    """The start time and length in minutes of a contact given as --start/--end."""
    begin, length, _ = read_between(start, end)
    return begin, length


# --- mode, mood, WHO-5 -------------------------------------------------------------------------

def parse_mode(text: str) -> str:
    """in_person, phone, video, text or group, from what people say ("call", "zoom", "sms")."""
    key = re.sub(r"\s+", " ", text.strip().lower().replace("_", " "))
    if key in _MODE_WORDS:
        return _MODE_WORDS[key]
    raise ValueError(f"unknown mode '{text}' (use {or_list(CHECKIN_MODES)})")


def check_mood(mood: int) -> int:
    if not 1 <= mood <= 5:
        raise ValueError(f"'{mood}' is not a mood on the 1-5 scale (1 very low .. 5 very good)")
    return mood


@dataclass(frozen=True)
class Who5:
    """WHO-5 Well-Being Index: five items scored 0-5; raw score 0-25; percent = raw x 4."""

    items: tuple[int, ...]

    @property
    def score(self) -> int:
        return sum(self.items)

    @property
    def percent(self) -> int:
        return self.score * 4

    @property
    def poor(self) -> bool:
        """A raw score below 13 suggests poor wellbeing (the instrument's screening cut-off)."""
        return self.score < WHO5_POOR_BELOW


def parse_who5(text: str) -> Who5:
    """Five WHO-5 item scores, 0-5 each, separated by commas or spaces: "3,4,2,5,1"."""
    parts = [p for p in re.split(r"[\s,;/]+", text.strip()) if p]
    if len(parts) != 5:
        raise ValueError(
            f"'{text}' has {plural(len(parts), 'item')}; the WHO-5 has five, each 0-5, e.g. 3,4,2,5,1")
    items = []
    for part in parts:
        if not part.isdigit() or int(part) > 5:
            raise ValueError(f"WHO-5 item '{part}' in '{text}' is not a score from 0 to 5")
        items.append(int(part))
    return Who5(tuple(items))


# --- dates people type -------------------------------------------------------------------------

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}
_SPAN = re.compile(
    r"^(?:in\s+)?(\d+)\s*(d|day|days|w|wk|wks|week|weeks|m|mo|month|months)?$")


def _span(number: int, unit: str | None, start: date) -> date:
    from dateutil.relativedelta import relativedelta

    unit = (unit or "d")
    if unit.startswith("w"):
        return start + timedelta(weeks=number)
    if unit.startswith("m"):
        result: date = start + relativedelta(months=number)
        return result
    return start + timedelta(days=number)


def parse_next(text: str, today: date) -> date:
    """The next follow-up date: 7d, 2w, 1m, "in 3 days", tomorrow, today, tuesday, "next tuesday",
    or a date (2026-12-01, "Dec 1 2026"). A weekday means the first one after today.

    A date in the past, or more than a year ahead, is refused.
    """
    raw = re.sub(r"\s+", " ", text.strip().lower())
    result: date | None = None
    if not raw:
        raise ValueError("empty: give 7d, 2w, a date like 2026-12-01, tomorrow or 'next tuesday'")
    if raw == "today":
        result = today
    elif raw == "tomorrow":
        result = today + timedelta(days=1)
    elif match := _SPAN.match(raw):
        result = _span(int(match.group(1)), match.group(2), today)
    else:
        words = raw.removeprefix("next ").removeprefix("on ").rstrip(".")
        if words in _WEEKDAYS:
            ahead = (_WEEKDAYS[words] - today.weekday() - 1) % 7 + 1
            result = today + timedelta(days=ahead)
    if result is None:
        result = _parse_date(text, today)
    if result < today:
        raise ValueError(f"'{text}' is {result.isoformat()}, in the past: the next follow-up must be "
                         "today or later (include the year for next year's dates)")
    if (result - today).days > MAX_NEXT_DAYS:
        raise ValueError(f"'{text}' is {result.isoformat()}, more than a year ahead")
    return result


def _parse_date(text: str, today: date) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    from dateutil import parser

    try:
        parsed = parser.parse(text, default=datetime.combine(today, time()), dayfirst=False)
    except (ValueError, OverflowError):
        raise ValueError(
            f"cannot read the date '{text}' (use 7d, 2w, 1m, 'in 3 days', tomorrow, 'next tuesday' "
            "or a date like 2026-12-01)") from None
    if parsed.time() != time():
        raise ValueError(f"'{text}' has a time of day; give a date like 2026-12-01, or 7d")
    day: date = parsed.date()
    return day


_AGO = re.compile(r"^(\d+)\s*(m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days)\s+ago$")


def parse_at(text: str, now: datetime) -> datetime:
    """When a contact happened: "2026-11-20 14:30", "yesterday 3pm", "today 9:15", "3pm",
    "2 hours ago", "monday 10am" (the most recent one). Never in the future.
    """
    return read_at(text, now)[0]


def _clock_of(text: str) -> tuple[time, list[str]]:
    """A time of day after a day word ("3pm", "at 3pm", "@ 9:15") and its warnings."""
    clock, warning = read_clock_time(re.sub(r"^(?:at|@)\s*", "", text.strip()))
    return clock, [warning] if warning else []


def read_at(text: str, now: datetime) -> tuple[datetime, list[str]]:
    """`parse_at` and the warnings for a time read by rule ("yesterday 9:15" is 09:15, read by
    the rule for a bare 7-11)."""
    raw = re.sub(r"\s+", " ", text.strip().lower())
    warnings: list[str] = []
    if not raw:
        raise ValueError("empty: give a date and time like '2026-11-20 14:30' or 'yesterday 3pm'")
    result: datetime | None = None
    if raw == "now":
        result = now
    elif match := _AGO.match(raw):
        number, unit = int(match.group(1)), match.group(2)
        delta = (timedelta(days=number) if unit.startswith("d") else
                 timedelta(hours=number) if unit.startswith("h") else timedelta(minutes=number))
        result = now - delta
    else:
        head, _, rest = raw.partition(" ")
        day: date | None = None
        if head == "today":
            day = now.date()
        elif head == "yesterday":
            day = now.date() - timedelta(days=1)
        elif head == "tomorrow":  # read, so the refusal says "in the future"
            day = now.date() + timedelta(days=1)
        elif head.rstrip(",") in _WEEKDAYS:
            back = (now.weekday() - _WEEKDAYS[head.rstrip(",")]) % 7
            day = now.date() - timedelta(days=back)
        if day is not None:
            if rest:
                clock, warnings = _clock_of(rest)
            else:
                clock = now.time() if day == now.date() else time(12)
            result = datetime.combine(day, clock)
        elif _is_clock(raw):
            clock, warnings = _clock_of(raw)
            result = datetime.combine(now.date(), clock)
        else:
            result = _parse_datetime(text, now)
    if result.tzinfo is not None:  # "2026-11-20T10:00:00+05:00": the same moment, local time
        result = result.astimezone().replace(tzinfo=None)
    result = result.replace(microsecond=0)
    if result.year < 1900:
        raise ValueError(f"'{text}' is {result.date().isoformat()}, before 1900: give the "
                         "contact's real date")
    if result > now:
        raise ValueError(f"'{text}' is {result.isoformat(sep=' ', timespec='minutes')}, in the "
                         "future: log a contact after it happens")
    return result, warnings


def _is_clock(raw: str) -> bool:
    """Whether `raw` is a time of day alone ("3pm", "14:30", "noon")."""
    try:
        parse_clock(raw)
    except ValueError:
        return False
    return True


def _parse_datetime(text: str, now: datetime) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        pass
    from dateutil import parser

    try:
        parsed = parser.parse(text, default=now.replace(hour=12, minute=0, second=0))
    except (ValueError, OverflowError):
        raise ValueError(
            f"cannot read the time '{text}' (use '2026-11-20 14:30', 'yesterday 3pm', "
            "'today 9:15' or '2 hours ago')") from None
    moment: datetime = parsed.replace(tzinfo=None)
    return moment


# --- BARC-10 -----------------------------------------------------------------------------------

# The Brief Assessment of Recovery Capital (Vilsaint et al., 2017; free to use): ten statements
# (docs/notes-and-plans.md lists them), each answered 1 (strongly disagree) to 6 (strongly
# agree); the total runs 10-60.
BARC10_ITEMS = 10
BARC10_MIN, BARC10_MAX = 10, 60


@dataclass(frozen=True)
class Barc10:
    """BARC-10 answers: ten items scored 1-6; the total (10-60) is their sum."""

    items: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.items) != BARC10_ITEMS or any(not 1 <= i <= 6 for i in self.items):
            raise ValueError("a BARC-10 has ten items, each scored 1 to 6")

    @property
    def total(self) -> int:
        return sum(self.items)


def parse_barc10(text: str) -> Barc10:
    """Ten BARC-10 item scores, 1-6 each, separated by commas or spaces: "6,5,4,5,6,4,5,6,3,5".

    Ten digits run together ("6545645635") are read one digit per item, since no item can be
    two digits.
    """
    raw = text.strip()
    parts = [p for p in re.split(r"[\s,;/]+", raw) if p]
    one = parts[0] if len(parts) == 1 else ""
    if len(one) == BARC10_ITEMS and one.isascii() and one.isdigit():
        parts = list(parts[0])
    if len(parts) != BARC10_ITEMS:
        raise ValueError(
            f"'{text}' has {plural(len(parts), 'item')}; the BARC-10 has ten, each 1-6, "
            "e.g. 6,5,4,5,6,4,5,6,3,5")
    items = []
    for number, part in enumerate(parts, 1):
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) <= 6:
            raise ValueError(f"BARC-10 item {number} '{part}' in '{text}' is not a score from 1 "
                             "(strongly disagree) to 6 (strongly agree)")
        items.append(int(part))
    return Barc10(tuple(items))
