"""Shared lexing of weekdays and clock times, used by availability phrases and group schedules.

Weekdays are ints 0 = Monday .. 6 = Sunday; times are minutes since midnight (0..1440, 1440 only as
an end, written "24:00"). `tokenize` turns a phrase such as "1st & 3rd Thu 6:30-8pm" into typed
tokens (days, ordinals, clock times, separators, words) that `availability` and `schedule` parse
with their own small grammars; `resolve_range` applies the am/pm rules people expect
("7-9pm" is 19:00-21:00, "9-5" is 09:00-17:00, "11-1pm" is 11:00-13:00).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from peercli.core.errors import PeerError

DAY_CODES: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_ABBRS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
ALL_DAYS: frozenset[int] = frozenset(range(7))
WEEKDAYS: frozenset[int] = frozenset(range(5))
WEEKEND: frozenset[int] = frozenset({5, 6})
END_OF_DAY = 1440

# Spellings seen in real listings; two-letter forms are the RRULE codes.
_DAY_SPELLINGS: tuple[tuple[str, ...], ...] = (
    ("monday", "mon", "mo"),
    ("tuesday", "tue", "tues", "tu"),
    ("wednesday", "wed", "weds", "we"),
    ("thursday", "thu", "thur", "thurs", "th"),
    ("friday", "fri", "fr"),
    ("saturday", "sat", "sa"),
    ("sunday", "sun", "su"),
)
_DAY_WORDS: dict[str, int] = {
    spelling: day for day, spellings in enumerate(_DAY_SPELLINGS) for spelling in spellings
}


class PhraseError(PeerError, ValueError):
    """A phrase a person typed (free time, a schedule) that could not be read: the message quotes
    the part that failed (`fragment`) and the whole phrase, and says what was expected."""

    kind = "text"

    def __init__(self, fragment: str, reason: str, phrase: str | None = None) -> None:
        where = f' in "{phrase.strip()}"' if phrase and phrase.strip() != fragment else ""
        super().__init__(f'Could not read {self.kind} "{fragment}"{where}: {reason}.')
        self.fragment = fragment


class TimeTextError(ValueError):
    """A day or time that could not be read; `fragment` is the text, `reason` what was expected.

    Internal to the parsers, which re-raise it as their own user-facing error type.
    """

    def __init__(self, fragment: str, reason: str) -> None:
        super().__init__(f'"{fragment}": {reason}')
        self.fragment = fragment
        self.reason = reason


def lookup_weekday(word: str) -> int | None:
    """The weekday named by `word` ("Tuesdays", "tue", "Thurs.", "TH"), or None."""
    w = word.strip().lower().rstrip(".")
    if w in _DAY_WORDS:
        return _DAY_WORDS[w]
    if len(w) > 3 and w.endswith("s") and w[:-1] in _DAY_WORDS:
        return _DAY_WORDS[w[:-1]]
    return None


def format_hhmm(minutes: int) -> str:
    """Minutes since midnight as "HH:MM" (1440 is "24:00")."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


_HHMM = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?")


def parse_hhmm(text: str) -> int | None:
    """Strict machine time "HH:MM" or "HH:MM:SS" (as in HSDS, Meeting Guide, our JSON), or None.

    A trailing "Z" or UTC offset (HSDS examples write "09:00:00Z") is ignored: schedule times are
    wall-clock times in the meeting's own time zone. "24:00" gives 1440.
    """
    t = re.sub(r"(?:[zZ]|[+-]\d{2}:?\d{2})$", "", text.strip())
    m = _HHMM.fullmatch(t)
    if not m:
        return None
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if minute > 59 or second > 59:
        return None
    if hour == 24 and minute == 0 and second == 0:
        return END_OF_DAY
    if hour > 23:
        return None
    return hour * 60 + minute


@dataclass(frozen=True)
class ClockTime:
    """One clock time as written, before am/pm resolution."""

    hour: int
    minute: int
    meridiem: str | None  # "am" | "pm" | None
    keyword: str | None  # "noon" | "midnight" | None
    text: str
    zero_padded: bool = False  # "09:00" is plainly a 24-hour time

    @property
    def ambiguous(self) -> bool:
        """True when am/pm could still be inferred from the other end of a range ("7" in "7-9pm")."""
        return (
            self.meridiem is None
            and self.keyword is None
            and not self.zero_padded
            and 1 <= self.hour <= 12
        )

    def minutes(self, meridiem: str | None = None) -> int:
        """Minutes since midnight, using `meridiem` when the time itself has none."""
        if self.keyword == "noon":
            return 720
        if self.keyword == "midnight":
            return 0
        mer = self.meridiem or meridiem
        hour = self.hour
        if mer == "am":
            hour = 0 if hour == 12 else hour
        elif mer == "pm":
            hour = 12 if hour == 12 else hour + 12
        return hour * 60 + self.minute


_TIME_EXPECTED = "expected a time such as 18:30, 6pm or 6:30 PM"
_ATOM = re.compile(
    r"""(?ix)
    (?:(?P<kw>noon|midday|midnight)
    |(?:(?P<h>\d{1,2})[:.](?P<m>\d+)(?::(?P<s>\d+))?|(?P<hhmm>\d{3,4})|(?P<bare>\d{1,2}))
     (?:\s*(?P<mer>[ap])(?:\.?\s?m)?\.?)?)
    """
)


def read_clock(text: str) -> ClockTime:
    """Read one clock time ("18:30", "6pm", "6:00 PM", "noon", "1830"); TimeTextError if not."""
    t = text.strip()
    m = _ATOM.fullmatch(t)
    if not m:
        raise TimeTextError(t, _TIME_EXPECTED)
    if m["kw"]:
        kw = m["kw"].lower()
        return ClockTime(12 if kw != "midnight" else 0, 0, None,
                         "midnight" if kw == "midnight" else "noon", t)
    mer = m["mer"].lower() + "m" if m["mer"] else None
    zero_padded = False
    if m["h"] is not None:
        if len(m["m"]) != 2 or (m["s"] is not None and len(m["s"]) != 2):
            raise TimeTextError(t, "minutes need two digits, " + _TIME_EXPECTED)
        hour, minute = int(m["h"]), int(m["m"])
        if m["s"] is not None and int(m["s"]) > 59:
            raise TimeTextError(t, "seconds must be 00-59")
        zero_padded = len(m["h"]) == 2 and m["h"].startswith("0")
    elif m["hhmm"] is not None:
        digits = m["hhmm"]
        hour, minute = int(digits[:-2]), int(digits[-2:])
        zero_padded = digits.startswith("0")
    else:
        hour, minute = int(m["bare"]), 0
        zero_padded = len(m["bare"]) == 2 and m["bare"].startswith("0")
    if minute > 59:
        raise TimeTextError(t, "minutes must be 00-59")
    if mer is not None:
        if not 1 <= hour <= 12:
            raise TimeTextError(t, "with am/pm the hour must be 1-12")
    elif hour > 24 or (hour == 24 and minute != 0):
        raise TimeTextError(t, "hours must be 00-23 (24:00 only as an end time)")
    return ClockTime(hour, minute, mer, None, t, zero_padded)


def resolve_time(ct: ClockTime) -> int:
    """A single (start) time in minutes; bare numbers are 24-hour ("7" is 07:00)."""
    if ct.hour == 24 and ct.meridiem is None:
        raise TimeTextError(ct.text, "24:00 can only end a range")
    return ct.minutes()


def resolve_end(minutes: int) -> int:
    """An end time of midnight means the end of the day."""
    return END_OF_DAY if minutes == 0 else minutes


def resolve_range(a: ClockTime, b: ClockTime, fragment: str) -> tuple[int, int]:
    """Start and end minutes of the range a-b, inferring am/pm the way people write it.

    - am/pm only on the end applies to the start too, unless that puts the start after the end
      ("7-9pm" = 19:00-21:00, "11-1pm" = 11:00-13:00);
    - an end without am/pm that is not after the start is taken as pm ("9-5" = 09:00-17:00,
      "9am-5" = 09:00-17:00), 24-hour ends ("17-21", "09:00-05:00") are taken literally;
    - midnight, 12am, 00:00 or 24:00 as an end mean the end of the day.
    Raises TimeTextError(fragment) when the end is still not after the start.
    """
    if a.hour == 24 and a.meridiem is None:
        raise TimeTextError(a.text, "24:00 can only end a range")
    end = b.minutes()
    if a.ambiguous and b.meridiem is not None:
        start = a.minutes(b.meridiem)
        if start >= resolve_end(end):
            start = a.minutes("am" if b.meridiem == "pm" else "pm")
    else:
        start = a.minutes()
    if b.ambiguous and end <= start and b.hour < 12:
        end += 720
    end = resolve_end(end)
    if end <= start:
        raise TimeTextError(
            fragment,
            f"the end ({format_hhmm(end)}) is not after the start ({format_hhmm(start)}); "
            "expected a range such as 18:00-20:00 within one day",
        )
    return start, end


@dataclass(frozen=True)
class Token:
    """One lexical token; `text` is the original spelling, `start`/`end` its span."""

    kind: str  # semi sep dash time ordinal interval days day word
    text: str
    start: int
    end: int
    value: object = None


_TOKEN = re.compile(
    r"""(?ix)
    (?P<ws>\s+)
    |(?P<semi>;)
    |(?P<interval>
        every\s+other\s+(?:day|week|month)s?\b
      | every\s+(?:\d+|two|three|four|five|six|second|third|2nd|3rd)\s+(?:day|week|month)s?\b
      | every\s+other\b | alternat(?:e|ing)\b | bi-?weekly\b | fortnightly\b)
    |(?P<ordinal>
        (?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth|next)[\s-]+to[\s-]+last\b
      | penultimate\b | \d+(?:st|nd|rd|th)\b | (?:first|second|third|fourth|fifth|last)\b)
    |(?P<days>
        every\s*day\b | each\s+day\b | all\s+week\b | (?:7|seven)\s+days(?:\s+a\s+week)?\b
      | daily\b | week\s*days?\b | work\s*days?\b | week\s*ends?\b)
    |(?P<time>
        (?:noon|midday|midnight)\b
      | (?:\d{1,2}[:.]\d+(?::\d+)?|\d{3,4}|\d{1,2})(?:\s*[ap](?:\.?\s?m)?\.?)?(?!\w))
    |(?P<dash>-+|–|—|\bto\b|\bthrough\b|\bthru\b|\buntil\b|\btill?\b)
    |(?P<sep>,|&|\+|/|\band\b|\bor\b|\bplus\b)
    |(?P<word>[a-z][a-z']*\.?)
    |(?P<junk>\d\w*|\S)
    """
)

_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "second": 2, "third": 3,
                 "fourth": 4, "fifth": 5, "first": 1, "next": 2}


def _interval_value(text: str) -> tuple[int, str | None]:
    t = text.lower()
    unit_m = re.search(r"(day|week|month)", t)
    unit = unit_m[1] if unit_m else None
    if "weekly" in t or "fortnight" in t:
        return 2, "week"
    if "other" in t or t.startswith("alternat"):
        return 2, unit
    n = re.search(r"every\s+(\d+|[a-z]+)", t)
    assert n is not None  # the token pattern guarantees it
    word = n[1]
    count = int(re.sub(r"\D", "", word)) if word[0].isdigit() else _NUMBER_WORDS[word]
    if count < 1:
        raise TimeTextError(text, "the interval must be at least 1")
    return count, unit


def _ordinal_value(text: str) -> int:
    t = text.lower()
    if t == "penultimate":
        return -2
    if t == "last":
        return -1
    head = re.match(r"(\d+|[a-z]+)", t)
    assert head is not None
    word = head[1]
    n = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    value = -n if t.endswith("last") else n
    if not (1 <= abs(value) <= 5):
        raise TimeTextError(text, "expected an ordinal from 1st to 5th, or last")
    return value


def _days_value(text: str) -> frozenset[int]:
    t = re.sub(r"\s+", "", text.lower())
    if t.startswith(("weekday", "workday")):
        return WEEKDAYS
    if t.startswith("weekend"):
        return WEEKEND
    return ALL_DAYS


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens; a malformed clock time raises TimeTextError quoting it.

    Unknown words come out as kind "word" (and stray characters as "junk"): the grammar decides
    whether they are allowed, so that it can quote them in its own error.
    """
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        assert kind is not None
        raw = m.group()
        if kind == "ws":
            continue
        value: object = None
        if kind == "time":
            value = read_clock(raw)
        elif kind == "interval":
            value = _interval_value(raw)
        elif kind == "ordinal":
            value = _ordinal_value(raw)
        elif kind == "days":
            value = _days_value(raw)
        elif kind == "word":
            if raw == ".":
                continue
            day = lookup_weekday(raw)
            if day is not None:
                kind, value = "day", day
            else:
                value = raw.lower().rstrip(".")
        elif kind == "junk" and raw == ".":
            continue  # "Tues." and "Mon. 6pm": a full stop after an abbreviation is harmless
        tokens.append(Token(kind, raw, m.start(), m.end(), value))
    return tokens


def day_span(first: int, last: int) -> list[int]:
    """Days from `first` to `last` inclusive, wrapping over Sunday ("Fri-Mon")."""
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]
