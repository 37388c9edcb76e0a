"""When a consumer is free, as they say it ("Tue evening", "weekdays 17:00-21:00", "weekends").

`parse_availability` turns a phrase into weekly `Window`s (weekday, start minute, end minute);
`format_windows` echoes them back canonically so the specialist can check what was understood.
The parts of the day have fixed, documented hours (`PARTS_OF_DAY`). A day with no time means the
whole day; a time with no day means every day; "anytime" means every day, all day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from peercli.core.timeparse import (
    ALL_DAYS,
    DAY_ABBRS,
    DAY_CODES,
    END_OF_DAY,
    WEEKDAYS,
    WEEKEND,
    PhraseError,
    TimeTextError,
    Token,
    day_span,
    format_hhmm,
    lookup_weekday,
    parse_hhmm,
    resolve_end,
    resolve_range,
    resolve_time,
    tokenize,
)

#: Documented hours for the parts of the day (start, end) in minutes since midnight.
PARTS_OF_DAY: dict[str, tuple[int, int]] = {
    "early morning": (6 * 60, 9 * 60),
    "morning": (8 * 60, 12 * 60),
    "lunchtime": (12 * 60, 13 * 60),
    "midday": (12 * 60, 13 * 60),
    "noon": (12 * 60, 13 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "daytime": (9 * 60, 17 * 60),
    "evening": (17 * 60, 21 * 60),
    "night": (19 * 60, 23 * 60),
}
_PART_WORDS: dict[str, tuple[int, int]] = {
    **{k: v for k, v in PARTS_OF_DAY.items() if " " not in k},
    **{k + "s": v for k, v in PARTS_OF_DAY.items() if " " not in k},
    "lunch": PARTS_OF_DAY["lunchtime"],
    "am": PARTS_OF_DAY["morning"],
    "pm": PARTS_OF_DAY["afternoon"],
    "tonight": PARTS_OF_DAY["evening"],
    "nighttime": PARTS_OF_DAY["night"],
    "days": PARTS_OF_DAY["daytime"],
}
_FILLER = {"on", "at", "in", "the", "every", "each", "during", "free", "available", "only", "any",
           "all", "s"}
_WHOLE_DAY = (0, END_OF_DAY)
_EXPECTED = (
    "expected days (Mon, Tuesday, weekdays, weekends), times (9am-noon, 17:00-21:00, after 6pm) "
    "or parts of the day (morning, afternoon, evening)"
)


class AvailabilityError(PhraseError):
    """An availability phrase that could not be read; `fragment` is the part that failed."""

    kind = "availability"


@dataclass(frozen=True, order=True)
class Window:
    """A weekly free-time window: weekday 0 = Monday, start < end <= 1440 minutes."""

    day: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not (0 <= self.day <= 6 and 0 <= self.start < self.end <= END_OF_DAY):
            raise AvailabilityError(
                f"{self.day} {self.start}-{self.end}",
                "a window needs a weekday 0-6 and 0 <= start < end <= 1440 minutes",
            )


def _merge(windows: Iterable[Window]) -> list[Window]:
    """Sorted windows with overlapping or touching windows of the same day joined."""
    out: list[Window] = []
    for w in sorted(windows):
        if out and out[-1].day == w.day and w.start <= out[-1].end:
            last = out[-1]
            out[-1] = Window(last.day, last.start, max(last.end, w.end))
        else:
            out.append(w)
    return out


class _Grammar:
    """Days and time specs in any order: "Tue, Thu 6-9pm", "evenings on weekdays", "weekends"."""

    def __init__(self, phrase: str, tokens: list[Token]) -> None:
        self.phrase = phrase
        self.tokens = tokens
        self.i = 0
        self.windows: list[Window] = []
        self.days: set[int] = set()
        self.times: list[tuple[int, int]] = []
        self.after_sep = False
        self.last_was_part = False  # the previous time spec was "morning", "evening"...

    def error(self, fragment: str, reason: str = _EXPECTED) -> AvailabilityError:
        return AvailabilityError(fragment, reason, self.phrase)

    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def span(self, first: Token, last: Token) -> str:
        return self.phrase[first.start : last.end]

    def flush(self) -> None:
        if not self.days and not self.times:
            return
        for day in sorted(self.days or ALL_DAYS):
            for start, end in self.times or [_WHOLE_DAY]:
                self.windows.append(Window(day, start, end))
        self.days, self.times = set(), []

    def add_days(self, days: Iterable[int], was_sep: bool) -> None:
        # A day after a complete "days + times" group starts a new group ("Tue evening, Thu
        # morning"); so does one after times joined by "and"/"," ("evenings and weekends"), while
        # "evenings on weekdays" and "9-5 Mon-Fri" attach the days to the times before them.
        if self.times and (self.days or was_sep):
            self.flush()
        self.days.update(days)

    def add_time(self, span: tuple[int, int]) -> None:
        self.times.append(span)

    def run(self) -> list[Window]:
        while (tok := self.peek()) is not None:
            self.step(tok)
        self.flush()
        return self.windows

    def step(self, tok: Token) -> None:
        kind = tok.kind
        was_sep, self.after_sep = self.after_sep, False
        if kind != "word":
            self.last_was_part = False
        if kind in ("sep", "semi"):
            self.i += 1
            if kind == "semi":
                self.flush()
            self.after_sep = True
            return
        if kind in ("day", "days"):
            self.add_days(self.read_days(), was_sep)
        elif kind == "time":
            self.add_time(self.read_time())
        elif kind == "dash" and tok.text.lower() in ("until", "till", "til", "to"):
            nxt = self.peek(1)
            if nxt is None or nxt.kind != "time":
                raise self.error(tok.text)
            self.i += 2
            self.add_time(self.until(nxt))
        elif kind == "word":
            self.read_word(tok, was_sep)
        else:
            raise self.error(tok.text, _reason_for(tok))

    def read_days(self) -> list[int]:
        tok = self.tokens[self.i]
        self.i += 1
        if tok.kind == "days":
            assert isinstance(tok.value, frozenset)
            return sorted(tok.value)
        assert isinstance(tok.value, int)
        dash, last = self.peek(), self.peek(1)
        if dash is not None and dash.kind == "dash" and last is not None and last.kind == "day":
            self.i += 2
            assert isinstance(last.value, int)
            return day_span(tok.value, last.value)
        return [tok.value]

    def read_time(self) -> tuple[int, int]:
        first = self.tokens[self.i]
        dash, second = self.peek(1), self.peek(2)
        if dash is not None and dash.kind == "dash" and second is not None and second.kind == "time":
            self.i += 3
            fragment = self.span(first, second)
            try:
                return resolve_range(first.value, second.value, fragment)  # type: ignore[arg-type]
            except TimeTextError as exc:
                raise self.error(exc.fragment, exc.reason) from None
        self.i += 1
        if first.value.keyword == "noon":  # type: ignore[union-attr]
            return PARTS_OF_DAY["noon"]
        raise self.error(
            first.text, "a single time is not a window; give a range such as 18:00-21:00, "
            "or say 'after 6pm' or 'before noon'"
        )

    def after(self, tok: Token) -> tuple[int, int]:
        try:
            start = resolve_time(tok.value)  # type: ignore[arg-type]
        except TimeTextError as exc:
            raise self.error(exc.fragment, exc.reason) from None
        if start >= END_OF_DAY:
            raise self.error(tok.text, "nothing is left of the day after that")
        return start, END_OF_DAY

    def until(self, tok: Token) -> tuple[int, int]:
        end = resolve_end(tok.value.minutes())  # type: ignore[union-attr]
        return 0, end

    def read_word(self, tok: Token, was_sep: bool) -> None:
        last_was_part, self.last_was_part = self.last_was_part, False
        word = str(tok.value)
        nxt = self.peek(1)
        nxt_word = str(nxt.value) if nxt is not None and nxt.kind == "word" else None
        if word in ("anytime", "whenever") or (word == "any" and nxt_word == "time"):
            self.i += 2 if word == "any" else 1
            self.add_time(_WHOLE_DAY)
        elif word == "all" and nxt_word in ("day", "time"):
            self.i += 2
            self.add_time(_WHOLE_DAY)
        elif word == "any" and nxt_word == "day":
            self.i += 2
            self.add_days(ALL_DAYS, was_sep)
        elif word == "early" and nxt_word in ("morning", "mornings"):
            self.i += 2
            self.add_time(PARTS_OF_DAY["early morning"])
        elif word in _PART_WORDS:
            self.i += 1
            self.add_time(_PART_WORDS[word])
            self.last_was_part = True
            return
        elif word in ("after", "from", "before") and nxt is not None and nxt.kind == "time":
            dash = self.peek(2)
            if word == "from" and dash is not None and dash.kind == "dash":
                self.i += 1  # "from 9 to 5": the range follows
                self.after_sep = was_sep
                return
            self.i += 2
            span = self.after(nxt) if word != "before" else self.until(nxt)
            if self.times and last_was_part:
                # "mornings before 11", "evenings after 7pm": narrow the part of the day.
                start, end = self.times.pop()
                span = (max(start, span[0]), min(end, span[1]))
                if span[0] >= span[1]:
                    raise self.error(self.span(tok, nxt), "that leaves no time in that part of the day")
            self.add_time(span)
        elif word in _FILLER:
            self.i += 1
            self.after_sep = was_sep
            self.last_was_part = last_was_part
        else:
            raise self.error(tok.text, _reason_for(tok))


def _reason_for(tok: Token) -> str:
    if tok.kind == "ordinal":
        return "weekly availability has no '1st' or 'last'; " + _EXPECTED
    if tok.kind == "interval":
        return "availability is weekly; " + _EXPECTED
    if tok.kind == "word" and len(tok.text) >= 3 and tok.text.lower().rstrip("s.").endswith("day"):
        return "not a day of the week; expected Mon..Sun, weekdays or weekends"
    return _EXPECTED


def parse_availability(phrase: str) -> list[Window]:
    """Weekly windows described by one phrase, sorted, overlapping windows merged.

    A phrase may list several parts separated by "," / "and" / "or" ("Tue evening, Thu morning").
    Raises AvailabilityError quoting the part it could not read.
    """
    if not phrase or not phrase.strip():
        raise AvailabilityError("", "the phrase is empty; " + _EXPECTED)
    try:
        tokens = tokenize(phrase)
    except TimeTextError as exc:
        raise AvailabilityError(exc.fragment, exc.reason, phrase) from None
    windows = _Grammar(phrase, tokens).run()
    if not windows:
        raise AvailabilityError(phrase.strip(), _EXPECTED)
    return _merge(windows)


def parse_availability_many(phrases: Iterable[str]) -> list[Window]:
    """Windows from several phrases (each may hold several, separated by ";"), merged and sorted."""
    windows: list[Window] = []
    seen_any = False
    for phrase in phrases:
        for part in phrase.split(";"):
            if part.strip():
                seen_any = True
                windows.extend(parse_availability(part))
    if not seen_any:
        raise AvailabilityError("", "no availability was given; " + _EXPECTED)
    return _merge(windows)


def _days_label(days: Sequence[int]) -> str:
    s = frozenset(days)
    if s == ALL_DAYS:
        return "Every day"
    if s == WEEKDAYS:
        return "Weekdays"
    if s == WEEKEND:
        return "Weekends"
    return "/".join(DAY_ABBRS[d] for d in sorted(s))


def format_windows(windows: Sequence[Window]) -> str:
    """Canonical echo: "Mon/Wed 09:00-12:00; Tue 17:00-21:00", "Weekends all day", "Any time".

    Windows are merged and sorted by day then start; days sharing a time range are grouped (in
    order of their first appearance). The result parses back to the same windows.
    """
    merged = _merge(windows)
    if not merged:
        return "(none)"
    groups: dict[tuple[int, int], list[int]] = {}
    for w in merged:
        groups.setdefault((w.start, w.end), []).append(w.day)
    parts = []
    for (start, end), days in groups.items():
        label = _days_label(days)
        if (start, end) == _WHOLE_DAY:
            parts.append("Any time" if label == "Every day" else f"{label} all day")
        else:
            parts.append(f"{label} {format_hhmm(start)}-{format_hhmm(end)}")
    return "; ".join(parts)


def window_to_dict(w: Window) -> dict[str, str]:
    """JSON form: {"day": "TU", "start": "17:00", "end": "21:00"} ("24:00" for the end of day)."""
    return {"day": DAY_CODES[w.day], "start": format_hhmm(w.start), "end": format_hhmm(w.end)}


def window_from_dict(d: Mapping[str, object]) -> Window:
    """Inverse of window_to_dict; the day may also be a name ("Tuesday") or an int 0-6."""
    raw_day, raw_start, raw_end = d.get("day"), d.get("start"), d.get("end")
    if isinstance(raw_day, int) and not isinstance(raw_day, bool) and 0 <= raw_day <= 6:
        day: int | None = raw_day
    else:
        day = lookup_weekday(str(raw_day)) if isinstance(raw_day, str) else None
    if day is None:
        raise AvailabilityError(str(raw_day), "expected a day code MO..SU")
    start = parse_hhmm(raw_start) if isinstance(raw_start, str) else None
    end = parse_hhmm(raw_end) if isinstance(raw_end, str) else None
    if start is None or start >= END_OF_DAY:
        raise AvailabilityError(str(raw_start), "expected a start time HH:MM")
    if end is None or end <= start:
        raise AvailabilityError(str(raw_end), "expected an end time HH:MM after the start")
    return Window(day, start, end)
