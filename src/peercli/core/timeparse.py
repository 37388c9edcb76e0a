"""One lexer and one set of rules for the days and clock times people write.

Used by group schedules (`schedule`), free time (`availability`) and check-in times (`checkins`).
Weekdays are ints 0 = Monday .. 6 = Sunday; times are minutes since midnight (0..1440, 1440 only
as an end, written "24:00"). This module holds the names of days and months, clock times
(`read_clock`) and the am/pm rules (`resolve_clock`, `resolve_span`); the lexer that splits a
phrase into tokens is `phrase_lexer` (word meanings in `phrase_words`). English and Spanish are
read alike; accents and case do not matter.

Times without am/pm (the rules, documented in docs/schedules.md):

1. "noon"/"midday"/"mediodía" is 12:00, "midnight"/"medianoche" is 00:00 (24:00 as an end).
2. A time with am/pm is taken as written; in a range, am/pm on one end applies to the other
   unless that would put the start after the end ("6:30-8pm" 18:30-20:00, "11-1pm" 11:00-13:00).
3. A 24-hour time is taken literally: hours 0 and 13-23, two-digit hours with minutes ("07:00",
   "10:30", "12:15") and four digits ("0730", "1830").
4. A part of the day in the same meeting or window decides ("Tuesday evenings at 8" 20:00,
   "Saturday mornings 9" 09:00, "7 de la tarde" 19:00).
5. 12 is noon; a bare 1-6 is afternoon or evening (13:00-18:59): nobody means 1-6 a.m.
6. A range whose start is 7-11 and whose end is 12 or 1-6 crosses noon ("10-1" 10:00-13:00,
   "9-5" 09:00-17:00, "8-12" 08:00-12:00); otherwise the end is the first reading after the
   start ("6-8" 18:00-20:00).
7. What is left is ambiguous (a bare 7-11 with no other clue): 7 and 8 are read as evening
   (19:00, 20:00), 9, 10 and 11 as morning, and a warning says so and how to write it to be sure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

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
MONTH_ABBRS: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)
ALL_DAYS: frozenset[int] = frozenset(range(7))
WEEKDAYS: frozenset[int] = frozenset(range(5))
WEEKEND: frozenset[int] = frozenset({5, 6})
END_OF_DAY = 1440

#: Documented hours of the parts of the day (start, end), in minutes since midnight, and the
#: am/pm they give to a bare time written beside them.
PARTS_OF_DAY: dict[str, tuple[int, int]] = {
    "early morning": (6 * 60, 9 * 60),
    "morning": (8 * 60, 12 * 60),
    "lunchtime": (12 * 60, 13 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "daytime": (9 * 60, 17 * 60),
    "evening": (17 * 60, 21 * 60),
    "night": (19 * 60, 23 * 60),
}
PART_MERIDIEM: dict[str, str | None] = {
    "early morning": "am", "morning": "am", "lunchtime": None, "afternoon": "pm",
    "daytime": None, "evening": "pm", "night": "pm",
}

# Spellings seen in real listings (folded: lower case, no accents). Two-letter forms are the
# RRULE codes and common abbreviations; "we" only counts when written "WE" (see _day_word).
_DAY_SPELLINGS: tuple[tuple[str, ...], ...] = (
    ("monday", "mon", "mo", "mons", "lunes", "lun", "lundi"),
    ("tuesday", "tue", "tues", "tu", "tuesay", "martes", "mar", "mardi"),
    ("wednesday", "wed", "we", "weds", "wedn", "wednes", "miercoles", "mie", "mier", "mierc",
     "mercredi"),
    ("thursday", "thu", "thur", "thurs", "thr", "th", "jueves", "jue", "juev", "jeudi"),
    ("friday", "fri", "fr", "viernes", "vie", "vier", "vendredi"),
    ("saturday", "sat", "sa", "sabado", "sabados", "sab", "samedi"),
    ("sunday", "sun", "su", "domingo", "domingos", "dom", "dimanche"),
)
DAY_WORDS: dict[str, int] = {
    spelling: day for day, spellings in enumerate(_DAY_SPELLINGS) for spelling in spellings
}
_MONTH_SPELLINGS: tuple[tuple[str, ...], ...] = (
    ("january", "jan", "enero", "ene"),
    ("february", "feb", "febrero"),
    ("march", "marzo"),  # "mar" is martes unless it sits in a range of months
    ("april", "apr", "abril", "abr"),
    ("may", "mayo"),
    ("june", "jun", "junio"),
    ("july", "jul", "julio"),
    ("august", "aug", "agosto", "ago"),
    ("september", "sep", "sept", "septiembre", "setiembre", "set"),
    ("october", "oct", "octubre"),
    ("november", "nov", "noviembre"),
    ("december", "dec", "diciembre", "dic"),
)
MONTH_WORDS: dict[str, int] = {
    spelling: month + 1
    for month, spellings in enumerate(_MONTH_SPELLINGS)
    for spelling in spellings
}
SEASONS: dict[str, tuple[int, ...]] = {
    "summer": (6, 7, 8), "verano": (6, 7, 8),
    "winter": (12, 1, 2), "invierno": (12, 1, 2),
    "spring": (3, 4, 5), "primavera": (3, 4, 5),
    "fall": (9, 10, 11), "autumn": (9, 10, 11), "otono": (9, 10, 11),
}
def fold(text: str) -> str:
    """Lower case without accents, one character for one ("Miércoles" -> "miercoles")."""
    out = []
    for c in text:
        low = c.lower()
        if len(low) != 1:
            low = c
        base = unicodedata.normalize("NFD", low)[0] if not low.isascii() else low
        out.append(base)
    return "".join(out)


class PhraseError(PeerError, ValueError):
    """A phrase a person typed (free time, a schedule) that could not be read: the message quotes
    the part that failed (`fragment`) and the whole phrase, and says what was expected."""

    kind = "text"

    def __init__(self, fragment: str, reason: str, phrase: str | None = None) -> None:
        where = f' in "{phrase.strip()}"' if phrase and phrase.strip() != fragment else ""
        super().__init__(f'Could not read {self.kind} "{fragment}"{where}: {reason}.')
        self.fragment = fragment
        self.reason = reason


class TimeTextError(ValueError):
    """A day or time that could not be read; `fragment` is the text, `reason` what was expected.

    Internal to the parsers, which re-raise it as their own user-facing error type.
    """

    def __init__(self, fragment: str, reason: str) -> None:
        super().__init__(f'"{fragment}": {reason}')
        self.fragment = fragment
        self.reason = reason


def lookup_weekday(word: str) -> int | None:
    """The weekday named by `word` ("Tuesdays", "tue", "Thurs.", "TH", "miércoles"), or None."""
    w = fold(word.strip()).rstrip(".")
    if w.endswith(("'s", "’s")):  # "Tuesday's 7pm"
        w = w[:-2]
    if w in DAY_WORDS:
        return DAY_WORDS[w]
    if len(w) > 3 and w.endswith("s") and w[:-1] in DAY_WORDS:
        return DAY_WORDS[w[:-1]]
    return None


def lookup_month(word: str) -> int | None:
    """The month 1-12 named by `word` ("Sept.", "August", "agosto"), or None."""
    w = fold(word.strip()).rstrip(".")
    if w == "mar":
        return 3
    return MONTH_WORDS.get(w)


def format_hhmm(minutes: int) -> str:
    """Minutes since midnight as "HH:MM" (1440 is "24:00")."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_12h(minutes: int) -> str:
    """Minutes since midnight as people say it: "7pm", "9:30am", "noon", "midnight"."""
    if minutes in (0, END_OF_DAY):
        return "midnight"
    if minutes == 720:
        return "noon"
    hour, minute = divmod(minutes, 60)
    mer = "am" if hour < 12 else "pm"
    h12 = hour % 12 or 12
    return f"{h12}{mer}" if minute == 0 else f"{h12}:{minute:02d}{mer}"


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
    zero_padded: bool = False  # "09:00", "0930", "1830": plainly a 24-hour time

    @property
    def twelve_like(self) -> bool:
        """"10:00", "11:30", "12:15": two digits that read the same on a 12-hour clock, so an
        am/pm written on the other end of a range applies to them too."""
        return (self.meridiem is None and self.keyword is None and 10 <= self.hour <= 12
                and re.fullmatch(r"1[0-2]\s?[:.h]\s?\d{2}", fold(self.text).strip()) is not None)

    @property
    def ambiguous(self) -> bool:
        """True when am/pm is not settled by the time itself (a bare 1-12)."""
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
        mer = self.meridiem or (meridiem if self.ambiguous else None)
        hour = self.hour
        if mer == "am":
            hour = 0 if hour == 12 else hour
        elif mer == "pm":
            hour = 12 if hour == 12 else hour + 12
        return hour * 60 + self.minute


_TIME_EXPECTED = "expected a time such as 18:30, 6pm or 6:30 PM"
_ATOM = re.compile(
    r"""(?ix)
    (?:(?P<kw>noon|mid[\s-]?day|midnight|mediodia|medianoche)
    |(?:(?P<h>\d{1,2})\s?[:.h]\s?(?P<m>\d+)(?::(?P<s>\d+))?|(?P<hhmm>\d{3,4})|(?P<bare>\d{1,2}))
     (?:\s*(?P<mer>[ap])\.?\s?m\.?|(?P<mer2>[ap])\.?|\s*(?P<hrs>hrs?|horas?|h)\.?)?
     (?:\s*o'?clock)?)
    (?:\s?-?ish)?
    """
)


def read_clock(text: str) -> ClockTime:
    """Read one clock time ("18:30", "6pm", "6:00 PM", "noon", "1830"); TimeTextError if not."""
    t = text.strip()
    m = _ATOM.fullmatch(fold(t))
    if not m:
        raise TimeTextError(t, _TIME_EXPECTED)
    if m["kw"]:
        kw = m["kw"]
        midnight = kw in ("midnight", "medianoche")
        return ClockTime(0 if midnight else 12, 0, None, "midnight" if midnight else "noon", t)
    letter = m["mer"] or m["mer2"]
    mer = letter + "m" if letter else None
    zero_padded = m["hrs"] is not None
    if m["h"] is not None:
        if len(m["m"]) != 2 or (m["s"] is not None and len(m["s"]) != 2):
            raise TimeTextError(t, "minutes need two digits, " + _TIME_EXPECTED)
        hour, minute = int(m["h"]), int(m["m"])
        if m["s"] is not None and int(m["s"]) > 59:
            raise TimeTextError(t, "seconds must be 00-59")
        zero_padded = zero_padded or len(m["h"]) == 2  # "09:00", "10:30", "12:01": HH:MM
    elif m["hhmm"] is not None:
        digits = m["hhmm"]
        hour, minute = int(digits[:-2]), int(digits[-2:])
        zero_padded = zero_padded or digits.startswith("0") or len(digits) == 4
    else:
        hour, minute = int(m["bare"]), 0
        zero_padded = zero_padded or (len(m["bare"]) == 2 and m["bare"].startswith("0"))
    if minute > 59:
        raise TimeTextError(t, "minutes must be 00-59")
    if mer is not None:
        if not 1 <= hour <= 12:
            raise TimeTextError(t, "with am/pm the hour must be 1-12")
    elif hour > 24 or (hour == 24 and minute != 0):
        raise TimeTextError(t, "hours must be 00-23 (24:00 only as an end time)")
    return ClockTime(hour, minute, mer, None, t, zero_padded)


# ---------------------------------------------------------------------------------------------
# The am/pm rules


def _rule_meridiem(ct: ClockTime) -> tuple[str, bool]:
    """am/pm for a bare 1-12 with no other clue, and whether that was a guess (rules 5 and 7)."""
    if ct.hour == 12 or 1 <= ct.hour <= 6:
        return "pm", False
    return ("pm" if ct.hour in (7, 8) else "am"), True


def ambiguity_warning(ct: ClockTime, minutes: int, phrase: str | None = None) -> str:
    """The warning for a bare time read by rule 7."""
    where = f' in "{phrase.strip()}"' if phrase and phrase.strip() != ct.text.strip() else ""
    other = minutes + 720 if minutes < 720 else minutes - 720
    return (
        f'read "{ct.text.strip()}"{where} as {format_hhmm(minutes)} ({format_12h(minutes)}); '
        f"if {format_12h(other)} was meant, write {format_12h(other)} or {format_hhmm(other)}"
    )


def resolve_clock(ct: ClockTime, hint: str | None = None) -> tuple[int, bool]:
    """A single (start) time in minutes and whether it was a guess by rule 7.

    `hint` is "am"/"pm" from a part of the day written beside the time (rule 4)."""
    if ct.hour == 24 and ct.meridiem is None:
        raise TimeTextError(ct.text, "24:00 can only end a range")
    if not ct.ambiguous:
        return ct.minutes(), False
    if hint is not None:
        return ct.minutes(hint), False
    mer, guessed = _rule_meridiem(ct)
    return ct.minutes(mer), guessed


def resolve_time(ct: ClockTime, hint: str | None = None) -> int:
    """A single (start) time in minutes, by the documented rules."""
    return resolve_clock(ct, hint)[0]


def resolve_end(minutes: int) -> int:
    """An end time of midnight means the end of the day."""
    return END_OF_DAY if minutes == 0 else minutes


def _first_after(ct: ClockTime, start: int) -> int:
    """The reading of end time `ct` that comes first after `start`."""
    if not ct.ambiguous:
        return resolve_end(ct.minutes())
    values = sorted({resolve_end(ct.minutes("am")), resolve_end(ct.minutes("pm"))})
    return next((v for v in values if v > start), values[-1])


def resolve_span(
    a: ClockTime, b: ClockTime, fragment: str, hint: str | None = None
) -> tuple[int, int, bool]:
    """Start and end minutes of the range a-b and whether the start was a guess (rule 7).

    Raises TimeTextError(fragment) when the end is not after the start (a zero-length or
    backwards range is never stretched into twelve hours or a whole day)."""
    if a.hour == 24 and a.meridiem is None:
        raise TimeTextError(a.text, "24:00 can only end a range")
    if a.twelve_like and b.meridiem:  # "10:00-11:00 PM": the pm is both ends'
        a = replace(a, zero_padded=False)
    if b.twelve_like and a.meridiem:  # "10:00 PM - 11:00"
        b = replace(b, zero_padded=False)
    guessed = False
    if (a.hour, a.minute, a.meridiem, a.keyword) == (b.hour, b.minute, b.meridiem, b.keyword):
        raise TimeTextError(fragment, "the start and the end are the same time; give the end "
                            "of the meeting or window, e.g. 18:00-20:00")
    if not a.ambiguous:
        start = a.minutes()
    elif b.meridiem is not None and b.keyword is None:
        start = a.minutes(b.meridiem)  # rule 2: "6:30-8pm"
        if start >= resolve_end(b.minutes()):
            start = a.minutes("am" if b.meridiem == "pm" else "pm")  # "11-1pm"
    elif hint is not None:
        start = a.minutes(hint)
    elif 7 <= a.hour <= 11 and (
        b.keyword == "noon" or (b.ambiguous and (b.hour == 12 or b.hour <= 6))
        or (not b.ambiguous and b.meridiem is None and b.keyword is None
            and 720 <= b.minutes() < 1140)
    ):
        start = a.minutes("am")  # rule 6: "10-1", "9-5", "8-12"
    elif b.zero_padded or (b.meridiem is None and b.keyword is None and b.hour >= 13):
        start, guessed = _start_before(a, resolve_end(b.minutes()))
    else:
        start, guessed = resolve_clock(a)
    end = _first_after(b, start)
    if end <= start:
        raise TimeTextError(
            fragment,
            f"the end ({format_hhmm(end)}) is not after the start ({format_hhmm(start)}); "
            "expected a range such as 18:00-20:00 within one day",
        )
    return start, end, guessed


def _start_before(a: ClockTime, end: int) -> tuple[int, bool]:
    """The reading of start `a` before a literal `end`: when only one of am/pm comes before it,
    that one ("9:30-10:15" is 09:30, no guess); otherwise the rules (a guess by rule 7)."""
    fits = [v for v in (a.minutes("am"), a.minutes("pm")) if v < end]
    if len(fits) == 1:
        return fits[0], False
    start, guessed = resolve_clock(a)
    return (start, guessed) if start < end or not fits else (fits[0], False)


def resolve_range(a: ClockTime, b: ClockTime, fragment: str) -> tuple[int, int]:
    """Start and end minutes of the range a-b by the documented rules (no part-of-day hint)."""
    start, end, _ = resolve_span(a, b, fragment)
    return start, end


def day_span(first: int, last: int) -> list[int]:
    """Days from `first` to `last` inclusive, wrapping over Sunday ("Fri-Mon")."""
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


def month_span(first: int, last: int) -> list[int]:
    """Months from `first` to `last` inclusive (1-12), wrapping over December ("Sept-May")."""
    return [(first - 1 + i) % 12 + 1 for i in range((last - first) % 12 + 1)]
