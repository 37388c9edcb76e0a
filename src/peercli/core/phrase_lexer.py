"""The one lexer for the days and clock times people write, used by group schedules
(`schedule_text`), free time (`availability_grammar`) and check-in times.

`tokenize` turns a phrase such as "1st & 3rd Thu 6:30-8pm" or "martes y jueves de 6 a 8 de la
tarde" into typed tokens (days, ordinals, clock times, parts of the day, months, durations,
separators, words); the grammars read those tokens. The meaning of single words is in
`phrase_words`; the clock times and the am/pm rules are in `timeparse`. Distinct phrases are
tokenized once (directories repeat the same few hundred)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import lru_cache

from peercli.core.phrase_words import (
    FOREIGN,
    SCHOOL_YEAR,
    Token,
    classify_word,
    days_phrase_value,
    duration_value,
    foreign_token,
    interval_value,
    multiword_part,
    ordinal_value,
)
from peercli.core.timeparse import (
    ALL_DAYS,
    DAY_NAMES,
    ClockTime,
    TimeTextError,
    fold,
    read_clock,
)

__all__ = ["Token", "tokenize"]

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
    |(?P<mdate>\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\d:]))
    |(?P<count>\d+[\s-]*(?:weeks?|sessions?|classes|meetings?|months?|people|members|spots)\b)
    |(?P<season>school[\s-]+years?\b)
    |(?P<part>night[\s-]time\b|lunch\s+(?:hour|break|time)\b|day[\s-]time\b
      |\b[ap]\.\s?m\.(?!\w))
    |(?P<time>
        (?:noon|mid[\s-]?day|midnight|mediodia|medianoche)(?:-?ish)?\b
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
    for fm in FOREIGN.finditer(text):
        _scan(text, folded, pos, fm.start(), tokens)
        tokens.append(foreign_token(fm))
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
        if (kind == "time" and tokens and tokens[-1].kind == "month" and raw.isdigit()
                and 1 <= int(raw) <= 31):
            tokens.append(Token("monthday", raw, m.start(), m.end(), int(raw)))  # "June 30"
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
        minutes = duration_value(low)
        if minutes is None:  # "19 hrs": a time
            return "time", read_clock(raw)
        if minutes <= 0:
            raise TimeTextError(raw, "a meeting lasts at least a minute")
        return kind, minutes
    if kind == "interval":
        return kind, interval_value(low)
    if kind == "ordinal":
        return kind, ordinal_value(low)
    if kind == "days":
        return kind, days_phrase_value(low)
    if kind == "season":
        return kind, SCHOOL_YEAR
    if kind == "part":
        return kind, multiword_part(low)
    return kind, None


def _allday_tokens(raw: str, start: int, end: int) -> list[Token]:
    """"24/7", "open 24 hours": every day, all day, read so with a word to say so."""
    note = f'read "{raw}" as every day, all day (00:00-24:00)'
    midnight = ClockTime(0, 0, None, None, "00:00", True)
    return [Token("days", raw, start, end, (ALL_DAYS, None), note),
            Token("time", raw, start, start, midnight),
            Token("dash", "", start, start),
            Token("time", raw, end, end, ClockTime(24, 0, None, None, "24:00", True))]


def _word_tokens(raw: str, low: str, start: int, end: int, tokens: list[Token]) -> None:
    kind, value = classify_word(raw, low)
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
        clock = tok.value
        if (before.kind == "month" and tok.kind == "time" and isinstance(clock, ClockTime)
                and tok.text.strip().isdigit() and 1 <= int(tok.text) <= 31
                and clock.meridiem is None):  # "Jan. 7", "Sept 5": a day of the month
            out[i] = Token("monthday", tok.text, tok.start, tok.end, int(tok.text))
            continue
        dated = before.kind in ("month", "monthday") or (
            before.kind == "sep" and i >= 2 and out[i - 2].kind == "monthday")  # "June 30, 2027"
        if (dated and tok.kind == "time" and tok.text.strip().isdigit()
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
