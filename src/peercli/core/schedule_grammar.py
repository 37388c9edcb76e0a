"""The grammar of a group schedule as listings write it: the walk over the lexer's tokens that
gathers clauses (days, times, ordinals, intervals, parts of the day, durations), asides kept as
notes, seasons, and the "call for times" markers. `schedule_text` turns the clauses into
meetings by the documented rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from peercli.core.meeting import ScheduleError
from peercli.core.phrase_lexer import Token
from peercli.core.phrase_words import days_value
from peercli.core.schedule_seasons import Season, read_season
from peercli.core.timeparse import ALL_DAYS, ClockTime, day_span

EXPECTED = (
    "expected days (Tue, Mon/Wed, weekdays, daily, 1st & 3rd Thu, last Sunday of the month) "
    "and a time (18:30, 6pm, 6-7:30pm)"
)

# Words that carry no meaning in a schedule.
FILLER = {
    "every", "each", "on", "at", "the", "of", "a", "from", "meets", "meet", "meeting", "meetings",
    "in", "week", "weeks", "weekly", "day", "days", "time", "times", "starting", "starts", "start",
    "begins", "@", "only", "solo", "solamente", "los", "las", "el", "la", "de", "del", "cada",
    "todos", "todas", "en", "se", "reune", "reunion", "reuniones", "semanal", "semanalmente",
    "dias", "dia", "hrs", "hr", "approximately", "approx", "about", "around", "aprox",
    "aproximadamente", "sharp", "pm", "am", "est", "cst", "mst", "pst", "et", "ct", "mt", "pt",
    "edt", "cdt", "mdt", "pdt", "local", "group", "groups", "session", "sessions", "is", "are",
    "held", "usually", "generally", "typically", "also", "then", "ish", "por", "y",
    "open", "opens", "once",
    "form",  # a common slip for "from" ("the third Tuesday of each month form 10-11 am")
}
# Words after which a bare number is a time ("at 7"); after any other word it belongs to the
# aside ("Room 204", "Suite 3", "Building 12").
_TIME_INTRO = {
    "at", "from", "starting", "starts", "start", "begins", "around", "about", "approximately",
    "approx", "until", "till", "til", "by", "las", "la", "a", "de", "desde", "hasta", "meets",
    "meet", "on", "and", "y", "or", "then", "to",
}
_MONTH_WORDS = {"month", "months", "monthly", "mes", "meses", "mensual", "mensualmente"}
# A schedule cell that says there is no fixed time ("call for times", "by appointment").
_UNKNOWN_MARKERS = {
    "call", "varies", "vary", "various", "varied", "appointment", "appt", "tbd", "tba", "tbc",
    "contact", "website", "web", "check", "ask", "arranged", "arrangement", "request", "flexible",
    "irregular", "unknown", "n/a", "na", "none", "inquire", "email", "phone", "schedule",
    "llame", "llamar", "cita", "varia", "variable", "consulte", "consultar", "pregunte",
    "ongoing", "ondemand", "demand", "rolling", "see", "visit", "info", "information",
    "announced", "determined", "confirmed", "scheduled", "calendar", "needed", "individual",
}
_DAY_EXCEPT = {"except", "excepto", "but", "menos", "salvo", "not", "excluding", "no",
               "closed", "cerrado"}


@dataclass
class TimeSpec:
    first: Token
    second: Token | None
    fragment: str


@dataclass
class Clause:
    first: Token | None = None
    last: Token | None = None
    days: list[tuple[int | None, int]] = field(default_factory=list)
    excluded: set[int] = field(default_factory=set)
    excluded_nth: set[tuple[int, int]] = field(default_factory=set)  # "except the 1st Wed"
    daily: bool = False
    interval: tuple[int, str | None] | None = None
    interval_text: str = ""
    month_hint: bool = False
    pending: list[int] = field(default_factory=list)
    current: list[int] = field(default_factory=list)
    ordinal_text: str = ""
    every_nth: str = ""  # "every second Tuesday": US sheets mean the 2nd Tuesday of the month
    times: list[TimeSpec] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    duration: int | None = None
    days_after_times: bool = False

    @property
    def has_days(self) -> bool:
        return bool(self.days) or self.daily

    @property
    def has_when(self) -> bool:
        return bool(self.times) or bool(self.parts)



_SCHEDULE_KINDS = ("day", "days", "time", "ordinal", "interval", "part")


class ScheduleGrammar:
    def __init__(self, text: str, tokens: list[Token], allow_times: bool = True) -> None:
        self.text = text
        self.tokens = tokens
        self.allow_times = allow_times
        self.i = 0
        self.clauses: list[Clause] = []
        self.clause = Clause()
        self.notes: list[str] = []
        self.season = Season()
        self.markers = False  # the text says "call for times", "varies"...
        self.seen_schedule = False

    def error(self, fragment: str, reason: str = EXPECTED) -> ScheduleError:
        return ScheduleError(fragment, reason, self.text)

    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.tokens[j] if 0 <= j < len(self.tokens) else None

    def touch(self, tok: Token) -> None:
        if self.clause.first is None:
            self.clause.first = tok
        self.clause.last = tok

    def close(self) -> None:
        if self.clause.first is not None:
            self.clauses.append(self.clause)
        self.clause = Clause()

    def run(self) -> list[Clause]:
        while (tok := self.peek()) is not None:
            self.step(tok)
        self.close()
        return self.clauses

    def step(self, tok: Token) -> None:
        c = self.clause
        kind = tok.kind
        if kind in ("day", "days", "ordinal") and c.has_days and c.has_when and not (
            self.listing_days_after_times()
        ):
            self.close()  # "Mon 10-11 and Thu 18-19": a second meeting
        elif kind == "time" and c.days_after_times and c.has_days:
            self.close()  # "7pm Tue, 10am Sat"
        if kind in ("semi", "stop"):
            self.i += 1
            self.close()
            return
        nxt = self.peek(1)
        if kind == "dash" and nxt is not None and nxt.kind == "month":
            self.read_aside(boundary_only=False)  # "until June 2027"
            return
        if kind in ("sep", "dash", "rparen") or (kind == "junk" and tok.text in ("@", "#", "*")):
            self.i += 1
            return
        if kind == "lparen":
            self.read_paren()
            return
        if kind in _SCHEDULE_KINDS and kind not in ("interval", "ordinal"):
            self.seen_schedule = True  # "twice a month", "every other week" alone: no schedule
        handler = self.handlers.get(kind)
        if handler is not None:
            handler(tok)
        elif kind == "word":
            self.read_word(tok)
        else:
            self.read_aside(boundary_only=False)

    def listing_days_after_times(self) -> bool:
        """"7 PM Mon, Wed, Fri": days listed after the time stay with it."""
        before, prior = self.peek(-1), self.peek(-2)
        return self.clause.days_after_times and before is not None and before.kind == "sep" and (
            prior is not None and prior.kind in ("day", "days"))

    @property
    def handlers(self) -> dict[str, Callable[[Token], None]]:
        return {"ordinal": self.read_ordinal, "day": self.read_day, "days": self.read_days_word,
                "interval": self.read_interval, "time": self.read_time, "part": self.read_part,
                "duration": self.read_duration}

    def read_ordinal(self, tok: Token) -> None:
        c = self.clause
        self.i += 1
        self.touch(tok)
        if c.current and not c.pending:
            c.current = []
        assert isinstance(tok.value, int)
        c.pending.append(tok.value)
        c.ordinal_text = c.ordinal_text or tok.text
        before, nxt = self.peek(-2), self.peek()  # around the ordinal just read
        if before is not None and before.kind == "word" and before.value in ("every", "each") and (
            tok.value in (2, 3) and nxt is not None and nxt.kind == "day"
        ):  # "every second Tuesday"; not "every 1st and 3rd", "every last"
            c.every_nth = c.every_nth or f"{before.text} {tok.text}"

    def read_days_word(self, tok: Token) -> None:
        c = self.clause
        self.i += 1
        self.touch(tok)
        days, part = days_value(tok)
        if days == ALL_DAYS:
            c.daily = True
            c.days_after_times = bool(c.times)
        else:
            self.add_days(sorted(days))
        if part:
            c.parts.append(part)

    def read_interval(self, tok: Token) -> None:
        c = self.clause
        self.i += 1
        self.touch(tok)
        if c.interval is not None and c.interval != tok.value:
            raise self.error(tok.text, "the schedule already says how often")
        c.interval = tok.value  # type: ignore[assignment]
        c.interval_text = tok.text

    def read_time(self, tok: Token) -> None:
        if not self.allow_times:
            raise self.error(tok.text, "expected only days here (the time goes in its own "
                             "column)")
        self.touch(tok)
        self.clause.times.append(self.read_span())

    def read_part(self, tok: Token) -> None:
        self.i += 1
        self.touch(tok)
        self.clause.parts.append(str(tok.value))

    def read_duration(self, tok: Token) -> None:
        self.i += 1
        self.clause.duration = int(tok.value)  # type: ignore[call-overload]

    def read_word(self, tok: Token) -> None:
        c = self.clause
        word = str(tok.value)
        nxt = self.peek(1)
        if word in ("early", "late", "temprano") and nxt is not None and nxt.kind == "part":
            self.i += 1
            return
        if word in _DAY_EXCEPT and nxt is not None and nxt.kind in ("day", "days") and (
            c.has_days
        ):
            self.i += 1
            while (t := self.peek()) is not None and t.kind in ("day", "days", "sep"):
                self.i += 1
                if t.kind == "day":
                    c.excluded.add(int(t.value))  # type: ignore[call-overload]
                elif t.kind == "days":
                    c.excluded.update(t.value[0])  # type: ignore[index]
            return
        if word in _DAY_EXCEPT and c.has_days and self.read_except_nth():
            return
        if word in FILLER:
            self.i += 1
            return
        if word in _MONTH_WORDS:
            self.i += 1
            self.touch(tok)
            c.month_hint = True
            return
        if word == "other" and c.interval is None:
            self.i += 1
            c.interval = (2, None)
            return
        self.read_aside(boundary_only=False)

    def read_except_nth(self) -> bool:
        """"except the first Wednesday (of the month)", "(except 1st Wed)": those weeks are left
        out. Reads from the exception word; False (nothing read) unless ordinals and a day
        follow."""
        j = self.i + 1
        while j < len(self.tokens) and self.tokens[j].kind == "word" and (
            self.tokens[j].value in ("the", "el", "la", "los")
        ):
            j += 1
        nths: list[int] = []
        while j < len(self.tokens) and self.tokens[j].kind in ("ordinal", "sep"):
            if self.tokens[j].kind == "ordinal":
                nths.append(int(self.tokens[j].value))  # type: ignore[call-overload]
            j += 1
        if not nths or j >= len(self.tokens) or self.tokens[j].kind != "day":
            return False
        day = int(self.tokens[j].value)  # type: ignore[call-overload]
        self.clause.excluded_nth.update((n, day) for n in nths)
        j += 1
        while j < len(self.tokens) and self.tokens[j].kind == "word" and (
            self.tokens[j].value in FILLER or self.tokens[j].value in _MONTH_WORDS
        ):
            j += 1  # "of the month"
        self.i = j
        return True

    def restrict_weeks(self, inner: Sequence[Token]) -> bool:
        """"Sat 10am (first Saturday only)", "Thursdays (1st & 3rd)": ordinals in brackets after
        a day say which weeks of the month it meets."""
        c = self.clause
        kinds = {t.kind for t in inner}
        if "ordinal" not in kinds or not kinds <= {"ordinal", "day", "sep", "word"} or not any(
            nth is None for nth, _ in c.days
        ):
            return False
        if any(t.kind == "word" and str(t.value) not in FILLER
               and str(t.value) not in _MONTH_WORDS for t in inner):
            return False
        nths = [int(t.value) for t in inner if t.kind == "ordinal"]  # type: ignore[call-overload]
        named = {int(t.value) for t in inner if t.kind == "day"}  # type: ignore[call-overload]
        days = [(nth, d) for nth, d in c.days if nth is not None or (named and d not in named)]
        days += [(n, d) for nth, d in c.days if nth is None and (not named or d in named)
                 for n in nths]
        c.days = days
        c.month_hint = True
        return True

    def read_aside(self, *, boundary_only: bool) -> None:
        """Words the grammar does not know: a note when they stand apart (at the end, after a
        comma or dash, in brackets) or state a season; an error when they sit inside a meeting.
        The note starts at the filler words just before it ("meets on major holidays",
        "starting January 2027")."""
        start = self.i
        while start > 0 and self.tokens[start - 1].kind == "word" and (
            str(self.tokens[start - 1].value) in FILLER
        ):
            start -= 1
        while (t := self.peek()) is not None and t.kind not in ("semi", "stop", "lparen"):
            if not boundary_only and self.starts_schedule(self.i, in_aside=True) and (
                not self.aside_number(self.i)
            ):
                break
            self.i += 1
        run = self.tokens[start : self.i]
        bounded = bool(run) and run[-1].kind in ("sep", "dash")
        while run and run[-1].kind in ("sep", "dash"):
            run = run[:-1]
        if not run:
            self.i = max(self.i, start + 1)
            return
        seasonal = read_season(run, self.season)
        stopped_inside = self.peek() is not None and self.starts_schedule(self.i, in_aside=True)
        words = [t for t in run if t.kind == "word"]
        if any(str(t.value) in _UNKNOWN_MARKERS for t in words):
            self.markers = True
        label = self.clause.first is None and self.starts_days(self.i)  # "Office hours M-F 8-5"
        if stopped_inside and not seasonal and not bounded and not label:
            bad = next((t for t in run if t.kind in ("word", "junk")), run[0])
            raise self.error(bad.text)
        note = self.text[run[0].start : run[-1].end].strip(" ,-–—:.")
        if note:
            self.notes.append(note)

    def starts_days(self, j: int) -> bool:
        """Token j is a day or days word (an ordinal followed by one counts too)."""
        while j < len(self.tokens) and self.tokens[j].kind == "ordinal":
            j += 1
        return j < len(self.tokens) and self.tokens[j].kind in ("day", "days")

    def aside_number(self, j: int) -> bool:
        """A bare number after an ordinary word is part of the aside ("Room 204")."""
        tok, before = self.tokens[j], self.tokens[j - 1] if j else None
        if tok.kind != "time" or before is None:
            return False
        clock = tok.value
        assert isinstance(clock, ClockTime)
        if clock.meridiem or clock.keyword or not tok.text.strip().isdigit():
            return False
        return (before.kind == "word" and str(before.value) not in _TIME_INTRO) or (
            before.kind == "junk" and before.text == "#")

    def starts_schedule(self, j: int, *, in_aside: bool = False) -> bool:
        """Whether token j begins schedule content (an ordinal only when a day follows:
        "call first" is an aside, "first Monday" is not; inside an aside a part of the day is
        words: "bring a lunch")."""
        tok = self.tokens[j] if j < len(self.tokens) else None
        if tok is None or tok.kind not in _SCHEDULE_KINDS:
            return False
        if in_aside and tok.kind == "part":
            return False
        if tok.kind != "ordinal":
            return True
        k = j + 1
        while k < len(self.tokens) and self.tokens[k].kind in ("ordinal", "sep"):
            k += 1
        return k < len(self.tokens) and self.tokens[k].kind in ("day", "days")

    def read_paren(self) -> None:
        """Bracketed text: schedule content ("(7-8:30pm)", "(1.5 hrs)") is read; anything else
        is an aside kept as a note ("(closed on holidays)")."""
        open_tok = self.tokens[self.i]
        j = self.i + 1
        while j < len(self.tokens) and self.tokens[j].kind != "rparen":
            j += 1
        inner = self.tokens[self.i + 1 : j]
        if inner and self.restrict_weeks(inner):
            self.i = min(j + 1, len(self.tokens))
            return
        if inner and inner[0].kind == "word" and inner[0].value in _DAY_EXCEPT and (
            self.clause.has_days
        ):
            self.i += 1
            if self.read_except_nth() and self.i >= j:
                self.i = min(j + 1, len(self.tokens))
                return
            self.i -= 1
        plain = all(
            t.kind in (*_SCHEDULE_KINDS, "sep", "dash", "duration")
            or (t.kind == "word" and (str(t.value) in FILLER or str(t.value) in _MONTH_WORDS))
            for t in inner
        )
        if inner and plain:
            self.i += 1
            end = j
            while self.i < end:
                tok = self.tokens[self.i]
                self.step(tok)
            self.i = min(j + 1, len(self.tokens))
            return
        if inner and all(t.kind in ("month", "season", "sep", "dash", "word", "date", "year",
                                    "monthday")
                        for t in inner) and (
            read_season(inner, self.season)
        ):
            self.notes.append(self.text[inner[0].start : inner[-1].end].strip())
            self.i = min(j + 1, len(self.tokens))
            return
        if inner:
            words = [t for t in inner if t.kind == "word"]
            if any(str(t.value) in _UNKNOWN_MARKERS for t in words):
                self.markers = True
            self.notes.append(self.text[inner[0].start : inner[-1].end].strip())
        del open_tok
        self.i = min(j + 1, len(self.tokens))

    def add_days(self, days: Iterable[int]) -> None:
        c = self.clause
        if c.pending:
            c.current, c.pending = c.pending, []
        c.days_after_times = bool(c.times)
        for day in days:
            nths: list[int | None] = list(c.current) or [None]
            for nth in nths:
                c.days.append((nth, day))

    def read_day(self, tok: Token) -> None:
        self.touch(tok)
        self.i += 1
        assert isinstance(tok.value, int)
        dash, last = self.peek(), self.peek(1)
        if dash is not None and dash.kind == "dash" and last is not None and last.kind == "day":
            self.i += 2
            self.touch(last)
            assert isinstance(last.value, int)
            self.add_days(day_span(tok.value, last.value))
        else:
            self.add_days([tok.value])

    def read_span(self) -> TimeSpec:
        first = self.tokens[self.i]
        dash, second = self.peek(1), self.peek(2)
        if dash is not None and dash.kind == "dash" and second is not None and second.kind == "time":
            self.i += 3
            self.touch(second)
            return TimeSpec(first, second, self.text[first.start : second.end])
        if (
            dash is not None and dash.kind == "dash" and second is not None
            and second.kind == "word" and second.value in ("las", "la")
            and self.peek(3) is not None and self.peek(3).kind == "time"  # type: ignore[union-attr]
        ):
            third = self.tokens[self.i + 3]
            self.i += 4
            self.touch(third)
            return TimeSpec(first, third, self.text[first.start : third.end])
        self.i += 1
        return TimeSpec(first, None, first.text)


def clause_text(text: str, c: Clause) -> str:
    if c.first is None or c.last is None:
        return text.strip()
    return text[c.first.start : c.last.end]
