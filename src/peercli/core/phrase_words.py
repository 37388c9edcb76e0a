"""The words of the phrase lexer: what one token means. Day and month names (with the
misspellings and the Vietnamese and Chinese names read), parts of the day, ordinals ("1st",
"last"), intervals ("every other"), durations ("90 minutes", "1 1/2 hours"), "days" words
("weekdays", "nightly"). `phrase_lexer` splits text into these tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass

from peercli.core.timeparse import (
    ALL_DAYS,
    DAY_NAMES,
    DAY_WORDS,
    MONTH_WORDS,
    SEASONS,
    WEEKDAYS,
    WEEKEND,
    TimeTextError,
    fold,
    lookup_weekday,
)

PART_WORDS: dict[str, str] = {
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


_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "second": 2, "third": 3,
                 "fourth": 4, "fifth": 5, "first": 1, "next": 2, "primer": 1, "primero": 1,
                 "primera": 1, "segundo": 2, "segunda": 2, "tercer": 3, "tercero": 3,
                 "tercera": 3, "cuarto": 4, "cuarta": 4, "quinto": 5, "quinta": 5, "2nd": 2,
                 "3rd": 3}


def interval_value(t: str) -> tuple[int, str | None]:
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


def ordinal_value(text: str) -> int:
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


def days_phrase_value(t: str) -> tuple[frozenset[int], str | None]:
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


def duration_value(t: str) -> int | None:
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
        return None if w == "tu" else DAY_WORDS[w]
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


def multiword_part(low: str) -> str:
    if low.startswith("night"):
        return "night"
    if low.startswith("lunch"):
        return "lunchtime"
    if low.startswith("day"):
        return "daytime"
    return "morning" if low.startswith("a") else "afternoon"


FOREIGN = re.compile(
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


def foreign_token(m: re.Match[str]) -> Token:
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


def classify_word(raw: str, low: str) -> tuple[str, object]:
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
    if w in PART_WORDS:
        return "part", PART_WORDS[w]
    month = MONTH_WORDS.get(w)
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


def days_value(tok: Token) -> tuple[frozenset[int], str | None]:
    """The (days, part of the day) of a "days" token ("weeknights": weekdays, evening)."""
    value = tok.value
    assert isinstance(value, tuple) and len(value) == 2
    days, part = value
    assert isinstance(days, frozenset)
    return days, (str(part) if part else None)
