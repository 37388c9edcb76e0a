"""One lexer and one set of rules for the days and clock times people write.

Used by group schedules (`schedule`), free time (`availability`) and check-in times (`checkins`).
Weekdays are ints 0 = Monday .. 6 = Sunday; times are minutes since midnight (0..1440, 1440 only
as an end, written "24:00"). `tokenize` turns a phrase such as "1st & 3rd Thu 6:30-8pm" or
"martes y jueves de 6 a 8 de la tarde" into typed tokens (days, ordinals, clock times, parts of
the day, months, durations, separators, words); the grammars in `schedule` and `availability`
read those tokens. English and Spanish are read alike; accents and case do not matter.

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
from datetime import date
from functools import lru_cache

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
_DAY_WORDS: dict[str, int] = {
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
_MONTH_WORDS: dict[str, int] = {
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
_PART_WORDS: dict[str, str] = {
    "morning": "morning", "mornings": "morning", "manana": "morning", "mananas": "morning",
    "madrugada": "early morning",
    "afternoon": "afternoon", "afternoons": "afternoon", "tarde": "afternoon",
    "tardes": "afternoon", "pm": "afternoon",
    "evening": "evening", "evenings": "evening", "eve": "evening", "eves": "evening",
    "tonight": "evening",
    "night": "evening", "nights": "evening", "nite": "evening", "nites": "evening",
    "noche": "evening", "noches": "evening", "nighttime": "night", "overnight": "night",
    "lunchtime": "lunchtime", "lunch": "lunchtime", "aft": "afternoon", "arvo": "afternoon",
    "morn": "morning", "morns": "morning",
    "daytime": "daytime", "daytimes": "daytime",
    "am": "morning",
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
    if w in _DAY_WORDS:
        return _DAY_WORDS[w]
    if len(w) > 3 and w.endswith("s") and w[:-1] in _DAY_WORDS:
        return _DAY_WORDS[w[:-1]]
    return None


def lookup_month(word: str) -> int | None:
    """The month 1-12 named by `word` ("Sept.", "August", "agosto"), or None."""
    w = fold(word.strip()).rstrip(".")
    if w == "mar":
        return 3
    return _MONTH_WORDS.get(w)


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
    (?:(?P<kw>noon|midday|midnight|mediodia|medianoche)
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


# ---------------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True)
class Token:
    """One lexical token; `text` is the original spelling, `start`/`end` its span.

    Kinds: semi (";" or a line break), sep ("," "&" "/" "and" "y"), dash ("-" "to" "a" "through"),
    lparen, rparen, stop (a full stop ending a sentence), phone (a phone number), date (an ISO date), time (ClockTime), duration (minutes),
    ordinal (int, -1 = last), interval ((n, unit)), days ((frozenset, part or None)), day (int),
    part (a PARTS_OF_DAY key), month (1-12), season (tuple of months), word (folded text),
    junk (anything else).
    """

    kind: str
    text: str
    start: int
    end: int
    value: object = None
    #: How a doubtful spelling was read ("Wendesday" as Wednesday): a warning for the grammar.
    note: str | None = None


_TOKEN = re.compile(
    r"""(?x)
    (?P<ws>\s+)
    |(?P<semi>[;\n\r|])
    |(?P<lparen>[(\[{])
    |(?P<rparen>[)\]}])
    |(?P<phone>\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b|\d{3}[.-]\d{4}\b)
    |(?P<date>\d{4}-\d{2}-\d{2})
    |(?P<allday>24\s*/\s*7\b|24\s*(?:hours?|hrs?)(?:\s+a\s+day)?(?:,?\s+7\s+days(?:\s+a\s+week)?)?\b
      |around\s+the\s+clock\b)
    |(?P<duration>
        (?:(?:for|por|durante)\s+(?:about\s+|approx\.?\s+|unas?\s+)?)?
        (?:\d+\s+1/2|\d+(?:[.,]\d+)?|\d*\s?½|an?|one|two|three|half\s+an?|una?|media|dos|tres)
        \s*-?\s*(?:hours?|hrs?|h|horas?|minutes?|mins?|minutos?)\b\.?(?:\s+long)?
        (?:\s+(?:and|y)\s+(?:a\s+)?half|\s+y\s+media)?)
    |(?P<interval>
        every\s+other\s+(?:day|week|month)s?\b
      | every\s+(?:\d+|two|three|four|five|six)\s+(?:day|week|month)s?\b
      | every\s+(?:second|third|2nd|3rd)\s+(?:day|week|month)s?\b
      | every\s+other\b | alternat(?:e|ing)\b | bi-?weekly\b | fortnightly\b | twice\s+a\s+month\b
      | twice\s+monthly\b | semi-?monthly\b | bi-?monthly\b
      | cada\s+(?:dos|2)\s+semanas\b | cada\s+(?:15|quince)\s+dias\b | quincenal(?:mente)?\b
      | semana\s+(?:por\s+medio|de\s+por\s+medio)\b | cada\s+otr[oa]\b)
    |(?P<ordinal>
        (?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth|next)[\s-]+to[\s-]+last\b
      | penultimate\b | \d(?:st|nd|rd|th|er|ro|do|to|[°º])(?!\w)
      | (?:first|second|third|fourth|fifth|last|primer[oa]?|segund[oa]|tercer[oa]?|cuart[oa]
         |quint[oa]|ultim[oa]|penultim[oa])\b)
    |(?P<days>
        every\s*day\b | each\s+day\b | all\s+week\b | (?:7|seven)\s+days(?:\s+a\s+week)?\b
      | daily\b | nightly\b | (?:every|each)\s+(?:night|evening)\b | week\s*days?\b
      | work\s*days?\b(?!\s+shift) | week\s*nights?\b | week\s*ends?\b | weekend\s+days\b
      | wk\s*ends?\b | wknds?\b | wk\s*days?\b | wk\s*nights?\b | during\s+the\s+week\b
      | todos\s+los\s+dias\b | cada\s+dia\b | diari[oa](?:mente)?\b | a\s+diario\b
      | todas\s+las\s+noches\b | entre\s+semana\b | (?:los\s+)?fin(?:es)?\s+de\s+semana\b
      | dias\s+(?:de\s+semana|habiles|laborables)\b)
    |(?P<season>school[\s-]+years?\b)
    |(?P<part>night[\s-]time\b|lunch\s+(?:hour|break|time)\b|day[\s-]time\b
      |\b[ap]\.\s?m\.(?!\w))
    |(?P<time>
        (?:noon|midday|midnight|mediodia|medianoche)(?:-?ish)?\b
      | (?:\d{1,2}\s?[:.h]\s?\d{2}(?::\d{2})?|\d{3,4}|\d{1,2})
        (?:\s*[ap]\.?\s?m\b\.?|[ap]\b\.?|\s*(?:hrs?|horas?)\b\.?)?(?:\s*o'?clock)?(?:-?ish)?
        (?![\w:]))
    |(?P<dash>-+|–|—|~|\bto\b|\bthrough\b|\bthru\b|\buntil\b|\btill?\b|\bhasta\b)
    |(?P<sep>,|&|\+|/|\band\b|\bor\b|\bplus\b|\by\b|\be\b|\bo\b|\bn\b)
    |(?P<stop>[.!?:](?=\s|$))
    |(?P<word>b4(?!\w)|[^\W\d_]+(?:['’][^\W\d_]+)*\.?)
    |(?P<junk>\d\w*|\S)
    """
)

_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "second": 2, "third": 3,
                 "fourth": 4, "fifth": 5, "first": 1, "next": 2, "primer": 1, "primero": 1,
                 "primera": 1, "segundo": 2, "segunda": 2, "tercer": 3, "tercero": 3,
                 "tercera": 3, "cuarto": 4, "cuarta": 4, "quinto": 5, "quinta": 5, "2nd": 2,
                 "3rd": 3}


def _interval_value(t: str) -> tuple[int, str | None]:
    unit_m = re.search(r"(day|week|month|semana|dia)", t)
    unit = {"semana": "week", "dia": "day"}.get(unit_m[1], unit_m[1]) if unit_m else None
    if re.search(r"weekly|fortnight|quincenal|twice|semi|medio|15|quince", t):
        return 2, "week"
    if "bimonthly" in t or "bi-monthly" in t:
        return 2, "month"
    if "other" in t or "otr" in t or t.startswith("alternat"):
        return 2, unit
    n = re.search(r"(?:every|cada)\s+(\d+|[a-z0-9]+)", t)
    assert n is not None  # the token pattern guarantees it
    word = n[1]
    count = int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 2)
    if count < 1:
        raise TimeTextError(t, "the interval must be at least 1")
    return count, unit


def _ordinal_value(text: str) -> int:
    t = text
    if t.startswith("penultim"):
        return -2
    if t in ("last",) or t.startswith("ultim"):
        return -1
    head = re.match(r"(\d+|[a-z]+)", t)
    assert head is not None
    word = head[1]
    n = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    value = -n if t.endswith("last") else n
    if not (1 <= abs(value) <= 5):
        raise TimeTextError(text, "expected an ordinal from 1st to 5th, or last")
    return value


def _days_value(t: str) -> tuple[frozenset[int], str | None]:
    t = re.sub(r"\s+", "", t)
    if t.startswith("wk"):
        t = "week" + t[2:]
    if t.startswith("during"):
        return WEEKDAYS, None
    if "night" in t or "evening" in t or "noches" in t:
        days = WEEKDAYS if t.startswith("week") else ALL_DAYS
        return days, "evening"
    if t.startswith(("weekday", "workday", "entresemana", "dias")):
        return WEEKDAYS, None
    if t.startswith(("weekend", "weeknd", "fin", "losfin")):
        return WEEKEND, None
    return ALL_DAYS, None


_UNITS_HOURS = ("hour", "hr", "h", "hora")


def _duration_value(t: str) -> int | None:
    """Minutes of a duration ("90 minutes", "1.5 hrs", "an hour and a half"); None for "19 hrs",
    which is a 24-hour clock time."""
    m = re.search(r"(\d+\s+1/2|\d+(?:[.,]\d+)?|\d*\s?½|an?|one|two|three|half\s+an?|una?|media|dos"
                  r"|tres)"
                  r"\s*-?\s*(hours?|hrs?|h|horas?|minutes?|mins?|minutos?)", t)
    assert m is not None
    raw = m[1].replace(",", ".").replace(" ", "")
    words = {"a": 1.0, "an": 1.0, "one": 1.0, "un": 1.0, "una": 1.0, "two": 2.0, "dos": 2.0,
             "three": 3.0, "tres": 3.0, "media": 0.5}
    if raw.endswith("1/2"):
        amount = float(raw[:-3]) + 0.5
    elif raw.startswith("half"):
        amount = 0.5
    elif "½" in raw:
        amount = float(raw.replace("½", "") or 0) + 0.5
    elif raw in words:
        amount = words[raw]
    else:
        amount = float(raw)
    if "half" in t[m.end():] or "media" in t[m.end():]:
        amount += 0.5
    hours = m[2].startswith(_UNITS_HOURS)
    if hours and amount > 6 and amount == int(amount) and not t.startswith(("for", "por")):
        return None
    minutes = round(amount * 60) if hours else round(amount)
    return minutes


def _day_word(raw: str, folded: str) -> int | None:
    """A weekday from one word, honouring case where lower case would be an ordinary word."""
    w = folded.rstrip(".")
    if w == "we":
        return 2 if raw.rstrip(".") == "WE" else None
    if w in ("tu", "mo", "fr", "sa", "su", "th") and raw[0].islower() and raw not in ("th",):
        # "tu" (Spanish "your") and friends: lower-case two-letter forms only in lists
        return None if w == "tu" else _DAY_WORDS[w]
    return lookup_weekday(raw)


_LETTER_DAYS = re.compile(r"(?:M|Tu|Th|T|W|R|F|Sa|Su)+")
_LETTER_VALUE = {"M": 0, "T": 1, "Tu": 1, "W": 2, "Th": 3, "R": 3, "F": 4, "Sa": 5, "Su": 6}


def _letter_days(raw: str) -> list[int] | None:
    """Day letters as timetables write them: "M", "MWF", "TTh", "TR", "MTWThF"."""
    word = raw.rstrip(".")
    if not _LETTER_DAYS.fullmatch(word):
        return None
    days = [_LETTER_VALUE[p] for p in re.findall(r"Tu|Th|Sa|Su|M|T|W|R|F", word)]
    if len(days) != len(set(days)):
        return None
    return days


_MERIDIEM_AFTER = {
    ("de", "la", "manana"): "am", ("de", "la", "tarde"): "pm", ("de", "la", "noche"): "pm",
    ("in", "the", "morning"): "am", ("in", "the", "evening"): "pm", ("at", "night"): "pm",
    ("in", "the", "afternoon"): "pm", ("por", "la", "manana"): "am",
    ("por", "la", "tarde"): "pm", ("por", "la", "noche"): "pm", ("en", "la", "noche"): "pm",
    ("en", "la", "tarde"): "pm", ("en", "la", "manana"): "am", ("de", "la", "madrugada"): "am",
}


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens; a malformed clock time raises TimeTextError quoting it.

    Unknown words come out as kind "word" (and stray characters as "junk"): the grammar decides
    whether they are allowed, so that it can quote them whole in its own error. Vietnamese and
    Chinese day names ("Thứ Hai", "星期一") and parts of the day ("buổi tối", "晚上") are read
    first; the rest goes through the main pattern.
    """
    return list(_tokenize_cached(text))


@lru_cache(maxsize=4096)
def _tokenize_cached(text: str) -> tuple[Token, ...]:
    folded = fold(text)
    tokens: list[Token] = []
    pos = 0
    for fm in _FOREIGN.finditer(text):
        _scan(text, folded, pos, fm.start(), tokens)
        tokens.append(_foreign_token(fm))
        pos = fm.end()
    _scan(text, folded, pos, len(text), tokens)
    return tuple(_post_pass(tokens))


def _scan(text: str, folded: str, pos: int, endpos: int, tokens: list[Token]) -> None:
    for m in _TOKEN.finditer(folded, pos, endpos):
        kind = m.lastgroup
        assert kind is not None
        if kind == "ws" or (kind == "junk" and m.group() == "."):
            continue  # "Tues." and "Mon. 6pm": a full stop after an abbreviation is harmless
        raw = text[m.start() : m.end()]
        if kind == "allday":
            tokens.extend(_allday_tokens(raw, m.start(), m.end()))
            continue
        if kind == "word":
            _word_tokens(raw, m.group(), m.start(), m.end(), tokens)
            continue
        kind, value = _token_value(kind, raw, m.group())
        tokens.append(Token(kind, raw, m.start(), m.end(), value))


def _token_value(kind: str, raw: str, low: str) -> tuple[str, object]:
    if kind == "time":
        return kind, read_clock(raw)
    if kind == "date":
        try:
            return kind, date.fromisoformat(raw)
        except ValueError:
            raise TimeTextError(raw, "expected a date such as 2027-01-15") from None
    if kind == "duration":
        minutes = _duration_value(low)
        if minutes is None:  # "19 hrs": a time
            return "time", read_clock(raw)
        if minutes <= 0:
            raise TimeTextError(raw, "a meeting lasts at least a minute")
        return kind, minutes
    if kind == "interval":
        return kind, _interval_value(low)
    if kind == "ordinal":
        return kind, _ordinal_value(low)
    if kind == "days":
        return kind, _days_value(low)
    if kind == "season":
        return kind, SCHOOL_YEAR
    if kind == "part":
        return kind, _multiword_part(low)
    return kind, None


def _multiword_part(low: str) -> str:
    if low.startswith("night"):
        return "night"
    if low.startswith("lunch"):
        return "lunchtime"
    if low.startswith("day"):
        return "daytime"
    return "morning" if low.startswith("a") else "afternoon"


def _allday_tokens(raw: str, start: int, end: int) -> list[Token]:
    """"24/7", "open 24 hours": every day, all day, read so with a word to say so."""
    note = f'read "{raw}" as every day, all day (00:00-24:00)'
    midnight = ClockTime(0, 0, None, None, "00:00", True)
    return [Token("days", raw, start, end, (ALL_DAYS, None), note),
            Token("time", raw, start, start, midnight),
            Token("dash", "", start, start),
            Token("time", raw, end, end, ClockTime(24, 0, None, None, "24:00", True))]


def _word_tokens(raw: str, low: str, start: int, end: int, tokens: list[Token]) -> None:
    kind, value = _classify_word(raw, low)
    if kind == "skip":
        return
    if kind == "letters":
        assert isinstance(value, list)
        for i, day in enumerate(value):
            tokens.append(Token("day", raw, start, end, day))
            if i < len(value) - 1:
                tokens.append(Token("sep", "", end, end))
        return
    note = None
    if kind == "fuzzy":
        assert isinstance(value, int)
        kind, note = "day", f'read "{raw}" as {DAY_NAMES[value]}'
    tokens.append(Token(kind, raw, start, end, value, note))


_FOREIGN = re.compile(
    r"(?i)(?P<vi>th[ứư]\s*(?:hai|ba|t[ưu]|n[ăa]m|s[áa]u|b[ảa]y|[2-7])(?!\w)|ch[ủu]\s*nh[ậa]t)"
    r"|(?P<zh>(?:星期|周|週|礼拜|禮拜)[一二三四五六日天])|(?P<zhend>周末|週末)"
    r"|(?P<part>晚上|早上|上午|下午|中午|buổi\s*(?:sáng|chiều|tối|trưa))"
)
_VI_DAYS = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tu": 2, "4": 2, "nam": 3, "5": 3, "sau": 4,
            "6": 4, "bay": 5, "7": 5}
_ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_FOREIGN_PARTS = {"晚上": "evening", "早上": "morning", "上午": "morning", "下午": "afternoon",
                  "中午": "lunchtime", "sang": "morning", "chieu": "afternoon", "toi": "evening",
                  "trua": "lunchtime"}
#: "school year": September to May.
SCHOOL_YEAR: tuple[int, ...] = (9, 10, 11, 12, 1, 2, 3, 4, 5)


def _foreign_token(m: re.Match[str]) -> Token:
    raw = m.group()
    folded = fold(raw)
    if m["vi"]:
        day = 6 if folded.startswith("chu") else _VI_DAYS[re.sub(r"^thu\s*", "", folded)]
        return Token("day", raw, m.start(), m.end(), day)
    if m["zh"]:
        return Token("day", raw, m.start(), m.end(), _ZH_DAYS[raw[-1]])
    if m["zhend"]:
        return Token("days", raw, m.start(), m.end(), (WEEKEND, None))
    key = raw if raw in _FOREIGN_PARTS else folded.split()[-1]
    return Token("part", raw, m.start(), m.end(), _FOREIGN_PARTS[key])


def _classify_word(raw: str, low: str) -> tuple[str, object]:
    w = low.rstrip(".")
    if w in ("o", "clock"):
        return "skip", None
    if w == "b4":
        return "word", "before"
    day = _day_word(raw, low)
    if day is not None:
        return "day", day
    letters = _letter_days(raw)
    if letters is not None:
        return "letters", letters
    if w in _PART_WORDS:
        return "part", _PART_WORDS[w]
    month = _MONTH_WORDS.get(w)
    if month is not None:
        return "month", month
    if w in SEASONS or (w.endswith("s") and w[:-1] in SEASONS):
        return "season", SEASONS.get(w, SEASONS.get(w[:-1]))
    fuzzy = _near_day_name(w)
    if fuzzy is not None:
        return "fuzzy", fuzzy
    return "word", w


_ENGLISH_DAYS = tuple(name.lower() for name in DAY_NAMES)


def _near_day_name(word: str) -> int | None:
    """An English day name misspelt by one slip ("Wendesday", "thrusday", "tuesdy", "moday"):
    one letter missing, added, changed, or two neighbours swapped. Only words that still look
    like a day name (five letters or more, ending in "day"/"dy", first letter right: "Funday"
    is no day) are tried."""
    w = word[:-1] if word.endswith("s") and len(word) > 6 else word
    if len(w) < 5 or not w.endswith(("day", "dy")):
        return None
    hits = {day for day, name in enumerate(_ENGLISH_DAYS)
            if name[0] == w[0] and _one_slip(w, name)}
    return hits.pop() if len(hits) == 1 else None


def _one_slip(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and (
            a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


_HOUR_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "una": 1, "dos": 2,
               "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
               "diez": 10, "doce": 12}
_BEFORE_HOUR = {"after", "before", "at", "from", "by", "around", "about", "past", "since",
                "starting", "las", "la", "til", "till"}


def _number_words(tokens: list[Token]) -> list[Token]:
    """Hours written as words where a time is expected: "after five", "at seven pm", "from six
    to eight", "a las siete"."""
    out = list(tokens)
    for i, tok in enumerate(out):
        if tok.kind != "word" or tok.value not in _HOUR_WORDS:
            continue
        before = out[i - 1] if i else None
        after = out[i + 1] if i + 1 < len(out) else None
        if (before is not None and (before.kind == "dash" or (
                before.kind == "word" and before.value in _BEFORE_HOUR))) or (
                after is not None and after.kind == "part" and fold(after.text) in ("am", "pm")):
            clock = ClockTime(_HOUR_WORDS[str(tok.value)], 0, None, None, tok.text)
            out[i] = Token("time", tok.text, tok.start, tok.end, clock)
    return out


def _post_pass(tokens: list[Token]) -> list[Token]:
    """Context rules that need neighbours: "12 noon", "7 de la tarde", "de 6 a 8", "Mar-Oct"."""
    tokens = _number_words(tokens)
    out: list[Token] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else None
        if tok.kind == "time" and nxt is not None and nxt.kind == "time":
            a, b = tok.value, nxt.value
            assert isinstance(a, ClockTime) and isinstance(b, ClockTime)
            if b.keyword and a.hour == 12 and a.minute == 0 and a.meridiem is None:
                out.append(Token("time", tok.text + " " + nxt.text, tok.start, nxt.end, b))
                i += 2
                continue
        if tok.kind == "time":
            size = _meridiem_words(tokens[i + 1 : i + 4])
            if size:
                words = tokens[i + 1 : i + 1 + size]
                mer = _MERIDIEM_AFTER[tuple(_plain(t) for t in words)]
                ct = tok.value
                assert isinstance(ct, ClockTime)
                if ct.ambiguous:
                    ct = replace(ct, meridiem=mer)
                out.append(Token("time", tok.text + " " + _span_text(words), tok.start,
                                 words[-1].end, ct))
                i += 1 + size
                continue
        out.append(tok)
        i += 1
    out = [Token("sep", t.text, t.start, t.end)
           if t.kind == "stop" and t.text == ":" and i and out[i - 1].kind in ("day", "days")
           else t for i, t in enumerate(out)]
    return _day_chains(_spanish_dashes(_months_in_ranges(out)))


def _day_chains(tokens: list[Token]) -> list[Token]:
    """Three or more days joined by dashes ("M-W-F") are a list, not a range."""
    out = list(tokens)
    i = 0
    while i < len(out):
        j = i
        while (j + 2 < len(out) and out[j].kind == "day" and out[j + 1].kind == "dash"
               and out[j + 2].kind == "day"):
            j += 2
        if out[i].kind == "day" and j - i >= 4:
            for k in range(i + 1, j, 2):
                out[k] = Token("sep", out[k].text, out[k].start, out[k].end)
        i = max(j, i + 1)
    return out


def _meridiem_words(words: list[Token]) -> int:
    """How many of `words` say am/pm after a time ("de la tarde", "in the evening"), or 0."""
    for size in (3, 2):
        if len(words) >= size and tuple(_plain(t) for t in words[:size]) in _MERIDIEM_AFTER:
            return size
    return 0


def _span_text(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _plain(tok: Token) -> str:
    if tok.kind == "word":
        return str(tok.value)
    return fold(tok.text).rstrip(".")


def _months_in_ranges(tokens: list[Token]) -> list[Token]:
    """"mar" is martes, except beside a month ("Mar-Oct", "Jan through Mar"); four digits
    after a month are its year ("June 2027"), not a clock time."""
    out = list(tokens)
    for i in range(1, len(out)):
        tok, before = out[i], out[i - 1]
        if (before.kind == "month" and tok.kind == "time" and tok.text.strip().isdigit()
                and 1900 <= int(tok.text) <= 2100):
            out[i] = Token("year", tok.text, tok.start, tok.end, int(tok.text))
    for i, tok in enumerate(out):
        if tok.kind == "day" and fold(tok.text).rstrip(".") == "mar":
            near = [out[j] for j in (i - 2, i + 2) if 0 <= j < len(out)]
            if any(t.kind == "month" for t in near):
                out[i] = Token("month", tok.text, tok.start, tok.end, 3)
    return out


def _spanish_dashes(tokens: list[Token]) -> list[Token]:
    """"a"/"al" between two days or two times is a range ("lunes a viernes", "de 6 a 8")."""
    out = list(tokens)
    for i in range(1, len(out) - 1):
        tok = out[i]
        if tok.kind == "word" and tok.value in ("a", "al"):
            before, after = out[i - 1], out[i + 1]
            if before.kind == after.kind and before.kind in ("day", "time", "month"):
                out[i] = Token("dash", tok.text, tok.start, tok.end)
    return out


def days_value(tok: Token) -> tuple[frozenset[int], str | None]:
    """The (days, part of the day) of a "days" token ("weeknights": weekdays, evening)."""
    value = tok.value
    assert isinstance(value, tuple) and len(value) == 2
    days, part = value
    assert isinstance(days, frozenset)
    return days, (str(part) if part else None)


def day_span(first: int, last: int) -> list[int]:
    """Days from `first` to `last` inclusive, wrapping over Sunday ("Fri-Mon")."""
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


def month_span(first: int, last: int) -> list[int]:
    """Months from `first` to `last` inclusive (1-12), wrapping over December ("Sept-May")."""
    return [(first - 1 + i) % 12 + 1 for i in range((last - first) % 12 + 1)]
