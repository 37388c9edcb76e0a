"""When a consumer is free, as they say it ("Tue evening", "weekdays 17:00-21:00", "weekends").

`parse_availability` turns a phrase into weekly `Window`s (weekday, start minute, end minute);
`format_windows` echoes them back canonically so the specialist can check what was understood.
The parts of the day have fixed, documented hours (`PARTS_OF_DAY`). A day with no time means the
whole day; a time with no day means every day; "anytime" means every day, all day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from peercli.core.timeparse import (
    ALL_DAYS,
    DAY_ABBRS,
    DAY_CODES,
    END_OF_DAY,
    PART_MERIDIEM,
    PARTS_OF_DAY,
    WEEKDAYS,
    WEEKEND,
    ClockTime,
    PhraseError,
    TimeTextError,
    Token,
    ambiguity_warning,
    day_span,
    days_value,
    format_hhmm,
    lookup_weekday,
    parse_hhmm,
    resolve_clock,
    resolve_end,
    resolve_span,
    tokenize,
)

__all__ = ["PARTS_OF_DAY", "AvailabilityError", "AvailabilityReading", "Window",
           "format_windows", "parse_availability", "parse_availability_many", "read_availability", "read_availability_many",
           "window_from_dict", "window_to_dict"]

_FILLER = {"on", "at", "in", "the", "every", "each", "during", "free", "available", "only", "any",
           "all", "s", "de", "la", "las", "los", "el", "en", "por", "todos", "todas", "i'm",
           "im", "am", "is", "are", "they're", "can", "do", "usually", "mostly", "days", "day",
           "time", "times", "libre", "disponible", "puede", "puedo", "a", "around", "about",
           "generally", "just", "pretty", "much", "most", "well", "fine", "ok", "okay", "good",
           "works", "best", "except", "but", "not", "no", "excepto", "menos", "salvo", "sin",
           "nights", "week", "weeks", "cada", "usualmente", "normalmente", "o", "mas", "more",
           "less", "or", "also", "tambien", "too", "then", "and", "y", "from"}
_WHOLE_DAY = (0, END_OF_DAY)
#: A single time ("Tuesdays at 7", "a las 7") is read as a window this long.
SINGLE_TIME_MINUTES = 120
_EXPECTED = (
    "expected days (Mon, Tuesday, weekdays, weekends), times (9am-noon, 17:00-21:00, after 6pm) "
    "or parts of the day (morning, afternoon, evening)"
)
_AFTER = {"after", "from", "since", "despues", "desde", "starting", "past", "later"}
_BEFORE = {"before", "until", "till", "til", "hasta", "antes", "by", "up"}
_ONWARDS = {"on", "onwards", "onward", "later", "adelante", "plus"}
_AFTER_THINGS = {"work": 17 * 60, "school": 15 * 60, "trabajo": 17 * 60, "escuela": 15 * 60}
_EXCEPT = {"but", "except", "excepto", "menos", "salvo", "excluding", "sin"}
_ANYTIME = {"anytime", "whenever", "anything", "flexible", "siempre", "cualquier", "any"}


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


@dataclass(frozen=True)
class AvailabilityReading:
    """Windows read from a phrase and the warnings for readings that were a guess by rule."""

    windows: tuple[Window, ...]
    warnings: tuple[str, ...] = ()


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


def _subtract(windows: Iterable[Window], cut: Iterable[Window]) -> list[Window]:
    """`windows` less the time in `cut` (same day only)."""
    out = list(windows)
    for c in cut:
        nxt: list[Window] = []
        for w in out:
            if w.day != c.day or c.end <= w.start or c.start >= w.end:
                nxt.append(w)
                continue
            if w.start < c.start:
                nxt.append(Window(w.day, w.start, c.start))
            if c.end < w.end:
                nxt.append(Window(w.day, c.end, w.end))
        out = nxt
    return out


@dataclass
class _Spec:
    """One time spec of a group: kind range/after/before/part/window/at."""

    kind: str
    first: Token
    second: Token | None = None
    part: str | None = None
    span: tuple[int, int] | None = None
    narrows: bool = False  # an after/before right after a part narrows that part
    fragment: str = ""


@dataclass
class _Group:
    days: set[int] = field(default_factory=set)
    specs: list[_Spec] = field(default_factory=list)


class _Grammar:
    """Days and time specs in any order: "Tue, Thu 6-9pm", "evenings on weekdays", "weekends",
    "anytime but Monday", "not before noon", "lunes y miércoles después de las 6"."""

    def __init__(self, phrase: str, tokens: list[Token]) -> None:
        self.phrase = phrase
        self.tokens = tokens
        self.i = 0
        self.windows: list[Window] = []
        self.cuts: list[Window] = []
        self.group = _Group()
        self.excluding = False
        self.after_sep = False
        self.warnings: list[str] = []

    def error(self, fragment: str, reason: str = _EXPECTED) -> AvailabilityError:
        return AvailabilityError(fragment, reason, self.phrase)

    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def flush(self) -> None:
        g = self.group
        if not g.days and not g.specs:
            return
        spans = self.resolve(g)
        target = self.cuts if self.excluding else self.windows
        for day in sorted(g.days or ALL_DAYS):
            for start, end in spans or [_WHOLE_DAY]:
                target.append(Window(day, start, end))
        self.group = _Group()

    def resolve(self, g: _Group) -> list[tuple[int, int]]:
        hint = next((PART_MERIDIEM[s.part] for s in g.specs
                     if s.part and PART_MERIDIEM.get(s.part)), None)
        spans: list[tuple[int, int]] = []
        for spec in g.specs:
            span = self.resolve_spec(spec, hint)
            if spec.narrows and spans:
                start, end = spans.pop()
                span = (max(start, span[0]), min(end, span[1]))
                if span[0] >= span[1]:
                    raise self.error(spec.fragment or spec.first.text,
                                     "that leaves no time in that part of the day")
            spans.append(span)
        return spans

    def resolve_spec(self, spec: _Spec, hint: str | None) -> tuple[int, int]:
        if spec.span is not None:
            return spec.span
        a = spec.first.value
        assert isinstance(a, ClockTime)
        try:
            if spec.kind == "range":
                assert spec.second is not None
                frag = self.phrase[spec.first.start : spec.second.end]
                start, end, guessed = resolve_span(a, spec.second.value,  # type: ignore[arg-type]
                                                   frag, hint)
            elif spec.kind == "before":
                end, guessed = resolve_clock(a, hint) if a.hour != 24 else (END_OF_DAY, False)
                start, end = 0, resolve_end(end)
            else:
                start, guessed = resolve_clock(a, hint)
                if start >= END_OF_DAY:
                    raise TimeTextError(a.text, "nothing is left of the day after that")
                if spec.kind == "at":
                    end = min(start + SINGLE_TIME_MINUTES, END_OF_DAY)
                    self.warnings.append(
                        f'read the single time "{a.text.strip()}" as free from '
                        f"{format_hhmm(start)} to {format_hhmm(end)}; give a range such as "
                        f"{format_hhmm(start)}-{format_hhmm(end)} to be sure"
                    )
                else:
                    end = END_OF_DAY
        except TimeTextError as exc:
            raise self.error(exc.fragment, exc.reason) from None
        if guessed:
            self.warnings.append(ambiguity_warning(a, start if spec.kind != "before" else end,
                                                   self.phrase))
        return start, end

    def add_days(self, days: Iterable[int], was_sep: bool) -> None:
        # A day after a complete "days + times" group starts a new group ("Tue evening, Thu
        # morning"); so does one after times joined by "and"/"," ("evenings and weekends"), while
        # "evenings on weekdays" and "9-5 Mon-Fri" attach the days to the times before them.
        g = self.group
        if g.specs and (g.days or was_sep):
            self.flush()
        self.group.days.update(days)

    def run(self) -> list[Window]:
        while (tok := self.peek()) is not None:
            self.step(tok)
        self.flush()
        if self.excluding and not self.windows:
            self.windows = [Window(d, 0, END_OF_DAY) for d in ALL_DAYS]
        return _subtract(self.windows, self.cuts)

    def step(self, tok: Token) -> None:
        kind = tok.kind
        was_sep, self.after_sep = self.after_sep, False
        if kind == "dash" and self.group.specs and self.group.specs[-1].kind == "part" and (
            (nxt := self.peek(1)) is not None and nxt.kind == "part"
        ):
            kind = "sep"  # "tarde-noche"
        if kind in ("sep", "semi", "stop", "lparen", "rparen") or (
            kind == "junk" and tok.text in ("@", "!", "?", "*")
        ):
            self.i += 1
            if kind in ("semi", "stop"):
                self.flush()
            self.after_sep = True
            return
        if kind in ("day", "days"):
            days, part = self.read_days()
            self.add_days(days, was_sep)
            if part:
                self.group.specs.append(_Spec("part", tok, part=part, span=PARTS_OF_DAY[part]))
        elif kind == "time":
            self.group.specs.append(self.read_time())
        elif kind == "part":
            self.i += 1
            self.group.specs.append(_Spec("part", tok, part=str(tok.value),
                                          span=PARTS_OF_DAY[str(tok.value)]))
        elif kind == "dash" and fold_text(tok) in ("until", "till", "til", "to", "hasta"):
            self.read_bound(tok, "before", 1)
        elif kind == "word":
            self.read_word(tok, was_sep)
        else:
            raise self.error(tok.text, _reason_for(tok))

    def read_days(self) -> tuple[list[int], str | None]:
        tok = self.tokens[self.i]
        self.i += 1
        if tok.kind == "days":
            days, part = days_value(tok)
            return sorted(days), part
        assert isinstance(tok.value, int)
        dash, last = self.peek(), self.peek(1)
        if dash is not None and dash.kind == "dash" and last is not None and last.kind == "day":
            self.i += 2
            assert isinstance(last.value, int)
            return day_span(tok.value, last.value), None
        return [tok.value], None

    def read_time(self) -> _Spec:
        first = self.tokens[self.i]
        dash, second = self.peek(1), self.peek(2)
        if dash is not None and dash.kind in ("dash", "sep") and second is not None and (
            second.kind == "time"
        ) and (dash.kind == "dash" or fold_text(dash) in ("and", "y")):
            self.i += 3
            return _Spec("range", first, second)
        if (dash is not None and (dash.kind == "dash" or fold_text(dash) in ("and", "y"))
                and second is not None
                and second.kind == "word" and second.value in ("las", "la")
                and (third := self.peek(3)) is not None and third.kind == "time"):
            self.i += 4
            return _Spec("range", first, third)
        self.i += 1
        assert isinstance(first.value, ClockTime)
        after = self.peek()
        if after is not None and after.kind == "word" and after.value in _ONWARDS:
            following = self.peek(1)
            if following is None or following.kind not in ("day", "days"):
                self.i += 1
                return _Spec("after", first)
        if first.value.keyword == "noon":
            return _Spec("part", first, part="lunchtime", span=PARTS_OF_DAY["lunchtime"])
        return _Spec("at", first)

    def read_bound(self, tok: Token, kind: str, skip: int) -> None:
        """"after 6", "before noon", "después de las 6", "hasta las 8": the time follows."""
        j = self.i + skip
        while j < len(self.tokens) and self.tokens[j].kind == "word" and (
            self.tokens[j].value in ("de", "las", "la", "the", "about", "around", "at", "a", "del",
                                     "el")
        ):
            j += 1
        nxt = self.tokens[j] if j < len(self.tokens) else None
        if nxt is None or nxt.kind != "time":
            raise self.error(tok.text)
        self.i = j + 1
        prev_part = bool(self.group.specs) and self.group.specs[-1].kind == "part"
        self.group.specs.append(_Spec(kind, nxt, narrows=prev_part,
                                      fragment=self.phrase[tok.start : nxt.end]))

    def read_word(self, tok: Token, was_sep: bool) -> None:
        word = str(tok.value)
        nxt = self.peek(1)
        nxt_word = str(nxt.value) if nxt is not None and nxt.kind in ("word",) else None
        if word == "not" or word == "no":
            # "not before noon" = from noon; "not after 8" = until 8; "not Mondays" = except
            if nxt_word in _AFTER or nxt_word in _BEFORE:
                kind = "before" if nxt_word in _AFTER else "after"
                self.i += 1
                self.read_bound(tok, kind, 1)
                return
            self.start_except()
            self.i += 1
            return
        if word in _EXCEPT:
            self.start_except()
            self.i += 1
            return
        if word == "between" or word == "entre":
            self.i += 1
            return
        if word in ("after", "despues") and nxt_word in _AFTER_THINGS:
            self.i += 2
            start = _AFTER_THINGS[nxt_word]
            self.group.specs.append(_Spec("window", tok, span=(start, END_OF_DAY)))
            return
        if word in ("after", "despues", "desde", "since", "past") or (
            word == "from" and nxt is not None and nxt.kind == "time"
            and not (self.peek(2) is not None and self.peek(2).kind == "dash")  # type: ignore[union-attr]
        ) or (word == "starting" and nxt_word in ("at", "from")):
            self.read_bound(tok, "after", 1)
            return
        if word in ("before", "antes", "by"):
            self.read_bound(tok, "before", 1)
            return
        if word in ("after", "despues") and nxt_word in ("work", "school", "trabajo"):
            pass
        if word in ("anytime", "whenever", "flexible", "siempre") or (
            word in ("any", "cualquier") and nxt_word in ("time", "hora", "moment")
        ) or (word in ("all", "todo") and nxt_word in ("day", "dia", "el")):
            self.i += 1 if word not in ("any", "cualquier", "all", "todo") else 2
            if word == "todo" and nxt_word == "el":
                self.i += 1
            self.group.specs.append(_Spec("window", tok, span=_WHOLE_DAY))
            return
        if word in ("any", "cualquier") and nxt is not None and nxt.kind in ("day", "days"):
            self.i += 1
            return
        if word in ("any", "cualquier") and nxt_word in ("day", "dia"):
            self.i += 2
            self.add_days(ALL_DAYS, was_sep)
            return
        if word in ("early", "late", "temprano", "tarde") and nxt is not None and nxt.kind == "part":
            self.i += 2
            part = str(nxt.value)
            if word in ("early", "temprano") and part == "morning":
                part = "early morning"
            self.group.specs.append(_Spec("part", tok, part=part, span=PARTS_OF_DAY[part]))
            return
        if word == "during" and nxt_word == "the" and (d := self.peek(2)) is not None and (
            d.kind == "word" and d.value in ("day", "daytime")
        ):
            self.i += 3
            self.group.specs.append(_Spec("part", tok, part="daytime",
                                          span=PARTS_OF_DAY["daytime"]))
            return
        if word in _FILLER:
            self.i += 1
            self.after_sep = was_sep
            return
        raise self.error(tok.text, _reason_for(tok))

    def start_except(self) -> None:
        """Everything after "except"/"but"/"not" is taken out of what came before."""
        self.flush()
        if not self.excluding and not self.windows:
            self.windows = [Window(d, 0, END_OF_DAY) for d in ALL_DAYS]
        self.excluding = True


def fold_text(tok: Token) -> str:
    return tok.text.strip().lower()


def _reason_for(tok: Token) -> str:
    if tok.kind == "ordinal":
        return "weekly availability has no '1st' or 'last'; " + _EXPECTED
    if tok.kind == "interval":
        return "availability is weekly; " + _EXPECTED
    if tok.kind == "word" and len(tok.text) >= 3 and tok.text.lower().rstrip("s.").endswith("day"):
        return "not a day of the week; expected Mon..Sun, weekdays or weekends"
    return _EXPECTED


def read_availability(phrase: str) -> AvailabilityReading:
    """Weekly windows and warnings from one phrase (see `parse_availability`)."""
    if not isinstance(phrase, str) or not phrase.strip():
        raise AvailabilityError("", "the phrase is empty; " + _EXPECTED)
    try:
        tokens = tokenize(phrase)
    except TimeTextError as exc:
        raise AvailabilityError(exc.fragment, exc.reason, phrase) from None
    grammar = _Grammar(phrase, tokens)
    windows = grammar.run()
    if not windows:
        if grammar.cuts:
            raise AvailabilityError(phrase.strip(), "that leaves no free time")
        raise AvailabilityError(phrase.strip(), _EXPECTED)
    return AvailabilityReading(tuple(_merge(windows)), tuple(dict.fromkeys(grammar.warnings)))


def parse_availability(phrase: str) -> list[Window]:
    """Weekly windows described by one phrase, sorted, overlapping windows merged.

    A phrase may list several parts separated by "," / "and" / "or" ("Tue evening, Thu morning").
    Raises AvailabilityError quoting the part it could not read.
    """
    return list(read_availability(phrase).windows)


def read_availability_many(phrases: Iterable[str]) -> AvailabilityReading:
    """Windows (merged, sorted) and warnings from several phrases, each possibly holding several
    parts separated by ";"."""
    windows: list[Window] = []
    warnings: list[str] = []
    seen_any = False
    for phrase in phrases:
        for part in phrase.split(";"):
            if part.strip():
                seen_any = True
                reading = read_availability(part)
                windows.extend(reading.windows)
                warnings.extend(reading.warnings)
    if not seen_any:
        raise AvailabilityError("", "no availability was given; " + _EXPECTED)
    return AvailabilityReading(tuple(_merge(windows)), tuple(dict.fromkeys(warnings)))


def parse_availability_many(phrases: Iterable[str]) -> list[Window]:
    """Windows from several phrases (each may hold several, separated by ";"), merged and sorted."""
    return list(read_availability_many(phrases).windows)


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
