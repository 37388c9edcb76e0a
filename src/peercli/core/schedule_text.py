"""Reading a group schedule written by a person ("Tue 7pm; Sat 10:30am", "1st & 3rd Thu 6:30-8",
"Thursday evenings", "lunes y miércoles de 6 a 8 de la tarde", "Summer only – call first").

`read_schedule` gives a `ScheduleReading`: the meetings, the asides kept as notes ("(closed on
holidays)", "– call first"), the warnings for every reading that was a guess by a documented rule
(a bare "7", a day with no time), and whether the schedule is known at all ("call for times",
"by appointment" read as schedule unknown). The tokens come from the shared lexer in
`timeparse`; the am/pm rules are documented there and in docs/schedules.md.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from peercli.core.meeting import (
    DEFAULT_DURATION_MINUTES,
    Meeting,
    ScheduleError,
    ScheduleReading,
    byday_code,
    describe_meeting,
)
from peercli.core.phrase_lexer import Token, tokenize
from peercli.core.phrase_words import days_value
from peercli.core.timeparse import (
    ALL_DAYS,
    END_OF_DAY,
    PART_MERIDIEM,
    PARTS_OF_DAY,
    ClockTime,
    TimeTextError,
    ambiguity_warning,
    day_span,
    format_hhmm,
    month_span,
    resolve_clock,
    resolve_span,
)

EXPECTED = (
    "expected days (Tue, Mon/Wed, weekdays, daily, 1st & 3rd Thu, last Sunday of the month) "
    "and a time (18:30, 6pm, 6-7:30pm)"
)

# Words that carry no meaning in a schedule.
_FILLER = {
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
_EXCLUDE_WORDS = {
    "no", "not", "closed", "except", "excepto", "excluding", "cerrado", "cerrados", "sin",
    "dark", "off", "break", "skip", "skips", "salvo", "menos", "nor", "without",
}
_FROM_WORDS = {
    "resumes", "resume", "resuming", "returns", "return", "restarts", "restart", "starting",
    "starts", "begins", "beginning", "begin", "reopens", "reanuda", "reanudan", "comienza",
    "comienzan", "empieza", "desde", "from", "back", "inicia", "regresa",
}
_UNTIL_WORDS = {"until", "through", "thru", "ends", "ending", "hasta", "till", "til", "to"}
_DAY_EXCEPT = {"except", "excepto", "but", "menos", "salvo", "not", "excluding", "no"}


@dataclass
class _TimeSpec:
    first: Token
    second: Token | None
    fragment: str


@dataclass
class _Clause:
    first: Token | None = None
    last: Token | None = None
    days: list[tuple[int | None, int]] = field(default_factory=list)
    excluded: set[int] = field(default_factory=set)
    daily: bool = False
    interval: tuple[int, str | None] | None = None
    interval_text: str = ""
    month_hint: bool = False
    pending: list[int] = field(default_factory=list)
    current: list[int] = field(default_factory=list)
    ordinal_text: str = ""
    every_nth: str = ""  # "every second Tuesday": US sheets mean the 2nd Tuesday of the month
    times: list[_TimeSpec] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    duration: int | None = None
    days_after_times: bool = False

    @property
    def has_days(self) -> bool:
        return bool(self.days) or self.daily

    @property
    def has_when(self) -> bool:
        return bool(self.times) or bool(self.parts)


@dataclass
class _Season:
    include: set[int] = field(default_factory=set)
    exclude: set[int] = field(default_factory=set)
    starts: int | None = None  # a month
    ends: int | None = None
    start_year: int | None = None
    end_year: int | None = None
    start_date: date | None = None
    end_date: date | None = None


_SCHEDULE_KINDS = ("day", "days", "time", "ordinal", "interval", "part")


class _Grammar:
    def __init__(self, text: str, tokens: list[Token], allow_times: bool = True) -> None:
        self.text = text
        self.tokens = tokens
        self.allow_times = allow_times
        self.i = 0
        self.clauses: list[_Clause] = []
        self.clause = _Clause()
        self.notes: list[str] = []
        self.season = _Season()
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
        self.clause = _Clause()

    def run(self) -> list[_Clause]:
        while (tok := self.peek()) is not None:
            self.step(tok)
        self.close()
        return self.clauses

    def step(self, tok: Token) -> None:
        c = self.clause
        kind = tok.kind
        if kind in ("day", "days", "ordinal") and c.has_days and c.has_when:
            self.close()  # "Mon 10-11 and Thu 18-19": a second meeting
        elif kind == "time" and c.days_after_times and c.has_days:
            self.close()  # "7pm Tue, 10am Sat"
        c = self.clause
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
        if kind == "ordinal":
            self.i += 1
            self.touch(tok)
            if c.current and not c.pending:
                c.current = []
            assert isinstance(tok.value, int)
            c.pending.append(tok.value)
            c.ordinal_text = c.ordinal_text or tok.text
            before = self.peek(-2)  # the word before the ordinal just read
            if before is not None and before.kind == "word" and before.value in ("every", "each"):
                c.every_nth = c.every_nth or f"{before.text} {tok.text}"
        elif kind == "day":
            self.touch(tok)
            self.read_day(tok)
        elif kind == "days":
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
        elif kind == "interval":
            self.i += 1
            self.touch(tok)
            if c.interval is not None and c.interval != tok.value:
                raise self.error(tok.text, "the schedule already says how often")
            c.interval = tok.value  # type: ignore[assignment]
            c.interval_text = tok.text
        elif kind == "time":
            if not self.allow_times:
                raise self.error(tok.text, "expected only days here (the time goes in its own "
                                 "column)")
            self.touch(tok)
            c.times.append(self.read_span())
        elif kind == "part":
            self.i += 1
            self.touch(tok)
            c.parts.append(str(tok.value))
        elif kind == "duration":
            self.i += 1
            c.duration = int(tok.value)  # type: ignore[call-overload]
        elif kind in ("month", "season"):
            self.read_aside(boundary_only=False)
        elif kind == "word":
            self.read_word(tok)
        else:
            self.read_aside(boundary_only=False)

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
        if word in _FILLER:
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

    def read_aside(self, *, boundary_only: bool) -> None:
        """Words the grammar does not know: a note when they stand apart (at the end, after a
        comma or dash, in brackets) or state a season; an error when they sit inside a meeting.
        The note starts at the filler words just before it ("meets on major holidays",
        "starting January 2027")."""
        start = self.i
        while start > 0 and self.tokens[start - 1].kind == "word" and (
            str(self.tokens[start - 1].value) in _FILLER
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
        seasonal = self.read_season(run)
        stopped_inside = self.peek() is not None and self.starts_schedule(self.i, in_aside=True)
        words = [t for t in run if t.kind == "word"]
        if any(str(t.value) in _UNKNOWN_MARKERS for t in words):
            self.markers = True
        if stopped_inside and not seasonal and not bounded:
            bad = next((t for t in run if t.kind in ("word", "junk")), run[0])
            raise self.error(bad.text)
        note = self.text[run[0].start : run[-1].end].strip(" ,-–—:.")
        if note:
            self.notes.append(note)

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
        plain = all(
            t.kind in (*_SCHEDULE_KINDS, "sep", "dash", "duration")
            or (t.kind == "word" and (str(t.value) in _FILLER or str(t.value) in _MONTH_WORDS))
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
        if inner and all(t.kind in ("month", "season", "sep", "dash", "word", "date", "year")
                        for t in inner) and (
            self.read_season(inner)
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

    def read_season(self, run: Sequence[Token]) -> bool:
        """Months and seasons in an aside: "summer only", "May–September", "no meeting in
        August", "resumes in January", "until June 2027". True when one was understood."""
        found = False
        mode = "include"
        k = 0
        while k < len(run):
            t = run[k]
            if t.kind == "word":
                w = str(t.value)
                if w in _EXCLUDE_WORDS:
                    mode = "exclude"
                elif w in _FROM_WORDS:
                    mode = "from"
                elif w in _UNTIL_WORDS:
                    mode = "until"
            elif (
                t.kind == "dash"
                and t.text.strip().lower() in ("until", "till", "hasta", "thru", "through", "to")
                and not (k > 0 and run[k - 1].kind == "month")
            ):
                mode = "until"
            if t.kind == "date":
                assert isinstance(t.value, date)
                if mode == "until":
                    self.season.end_date = t.value
                else:
                    self.season.start_date = t.value
                found = True
            elif t.kind == "season":
                months = set(t.value)  # type: ignore[call-overload]
                self._season_months(months, mode, None)
                found = True
            elif t.kind == "month":
                first = int(t.value)  # type: ignore[call-overload]
                months = {first}
                if k + 2 < len(run) and run[k + 1].kind == "dash" and run[k + 2].kind == "month":
                    months = set(month_span(first, int(run[k + 2].value)))  # type: ignore[call-overload]
                    k += 2
                year = None
                if k + 1 < len(run) and run[k + 1].kind in ("time", "junk", "year"):
                    digits = run[k + 1].text.strip()
                    if digits.isdigit() and len(digits) == 4 and 2000 <= int(digits) <= 2100:
                        year = int(digits)
                        k += 1
                self._season_months(months, mode, year)
                found = True
            k += 1
        return found

    def _season_months(self, months: set[int], mode: str, year: int | None) -> None:
        s = self.season
        if mode == "exclude":
            s.exclude |= months
        elif mode == "from":
            s.starts, s.start_year = min(months), year
        elif mode == "until":
            s.ends, s.end_year = max(months), year
        else:
            s.include |= months

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

    def read_span(self) -> _TimeSpec:
        first = self.tokens[self.i]
        dash, second = self.peek(1), self.peek(2)
        if dash is not None and dash.kind == "dash" and second is not None and second.kind == "time":
            self.i += 3
            self.touch(second)
            return _TimeSpec(first, second, self.text[first.start : second.end])
        if (
            dash is not None and dash.kind == "dash" and second is not None
            and second.kind == "word" and second.value in ("las", "la")
            and self.peek(3) is not None and self.peek(3).kind == "time"  # type: ignore[union-attr]
        ):
            third = self.tokens[self.i + 3]
            self.i += 4
            self.touch(third)
            return _TimeSpec(first, third, self.text[first.start : third.end])
        self.i += 1
        return _TimeSpec(first, None, first.text)


def _clause_text(text: str, c: _Clause) -> str:
    if c.first is None or c.last is None:
        return text.strip()
    return text[c.first.start : c.last.end]


def _clause_rules(text: str, c: _Clause) -> list[tuple[str, int, tuple[str, ...]]]:
    """(freq, interval, byday) for each meeting a clause describes, without times."""
    fragment = _clause_text(text, c)
    if c.pending:
        raise ScheduleError(c.ordinal_text, "an ordinal needs a day after it (1st Thu)", text)
    n, unit = c.interval if c.interval is not None else (1, None)
    days = list(c.days)
    if c.excluded:
        if c.daily:
            days += [(None, d) for d in ALL_DAYS]
        days = [(nth, d) for nth, d in days if d not in c.excluded]
        if not days:
            raise ScheduleError(fragment, "that leaves no day to meet on", text)
    daily = c.daily and not c.excluded
    weekly = sorted({day for nth, day in days if nth is None} | (ALL_DAYS if daily else set()))
    monthly = sorted({(nth, day) for nth, day in days if nth is not None})
    if c.month_hint and not monthly and unit != "month":
        raise ScheduleError(fragment, "say which week of the month, e.g. 1st Tue or last Sun", text)
    rules: list[tuple[str, int, tuple[str, ...]]] = []
    if weekly:
        if unit == "month" or (c.month_hint and unit is None):
            raise ScheduleError(c.interval_text or fragment,
                                "a monthly meeting needs a 1st/last day (1st Tue)", text)
        if set(weekly) == ALL_DAYS:
            if unit == "week" and n > 1:
                raise ScheduleError(c.interval_text, "use 'every other day' or name the days", text)
            rules.append(("DAILY", n, ()))
        else:
            if unit == "day":
                raise ScheduleError(c.interval_text, "'every N days' cannot name weekdays", text)
            rules.append(("WEEKLY", n, tuple(byday_code(None, d) for d in weekly)))
    if monthly:
        if unit in ("week", "day"):
            raise ScheduleError(c.interval_text, "a 1st/last day repeats by months", text)
        rules.append(("MONTHLY", n, tuple(byday_code(nth, d) for nth, d in monthly)))
    return rules


def _hint(c: _Clause) -> str | None:
    for part in c.parts:
        mer = PART_MERIDIEM.get(part)
        if mer:
            return mer
    return None


def _resolve(
    text: str, c: _Clause, spec: _TimeSpec, default_duration: int, warnings: list[str]
) -> tuple[int, int]:
    hint = _hint(c)
    a = spec.first.value
    assert isinstance(a, ClockTime)
    try:
        if spec.second is not None:
            b = spec.second.value
            assert isinstance(b, ClockTime)
            start, end, guessed = resolve_span(a, b, spec.fragment, hint)
        else:
            start, guessed = resolve_clock(a, hint)
            if start >= END_OF_DAY:
                raise TimeTextError(a.text, "a meeting cannot start at 24:00")
            end = min(start + (c.duration or default_duration), END_OF_DAY)
    except TimeTextError as exc:
        raise ScheduleError(exc.fragment, exc.reason, text) from None
    if guessed:
        warnings.append(ambiguity_warning(a, start, text))
    return start, end


def _relative_month(month: int, today: date, *, end: bool, year: int | None) -> date:
    """The first (or last) day of the next `month` on or after today's month."""
    y = year if year is not None else (today.year if month >= today.month else today.year + 1)
    if end:
        return date(y, month, calendar.monthrange(y, month)[1])
    return date(y, month, 1)


def _apply_season(
    meetings: list[Meeting], season: _Season, today: date | None, warnings: list[str],
    text: str,
) -> list[Meeting]:
    months: set[int] = set(season.include) or set(range(1, 13))
    months -= season.exclude
    if not months:
        raise ScheduleError(text.strip(), "the months given leave no month to meet in")
    bymonth = tuple(sorted(months)) if len(months) < 12 else ()
    dtstart, until = season.start_date, season.end_date
    if season.starts is not None or season.ends is not None:
        if today is None and (season.start_year is None and season.starts is not None
                              or season.end_year is None and season.ends is not None):
            warnings.append(f'"{text.strip()}" names a month without a year; it is kept as a '
                            "note (give the year, e.g. January 2027, to have it counted)")
        else:
            if season.starts is not None:
                dtstart = _relative_month(season.starts, today or date(season.start_year or 2000,
                                                                        1, 1),
                                          end=False, year=season.start_year)
            if season.ends is not None:
                until = _relative_month(season.ends, dtstart or today or date(2000, 1, 1),
                                        end=True, year=season.end_year)
                if dtstart is not None and until < dtstart:
                    until = _relative_month(season.ends, date(dtstart.year + 1, 1, 1), end=True,
                                            year=None)
    return [
        replace(m, bymonth=bymonth or m.bymonth, dtstart=dtstart or m.dtstart,
                until=until or m.until)
        for m in meetings
    ]


def _merge_split_clauses(clauses: list[_Clause]) -> list[_Clause]:
    """"Mon, Wed; 7-8pm": days in one clause and the time alone in the next are one meeting."""
    out: list[_Clause] = []
    for c in clauses:
        prev = out[-1] if out else None
        if prev is not None and prev.has_days and not prev.has_when and c.has_when and (
            not c.has_days
        ):
            prev.times += c.times
            prev.parts += c.parts
            prev.duration = prev.duration or c.duration
            prev.last = c.last
            continue
        if prev is not None and not c.has_days and not c.has_when and c.duration:
            prev.duration = prev.duration or c.duration
            continue
        out.append(c)
    return out


def read_schedule(
    text: str,
    *,
    default_duration: int = DEFAULT_DURATION_MINUTES,
    today: date | None = None,
    allow_unknown: bool = True,
) -> ScheduleReading:
    """Meetings, notes and warnings from a schedule written by a person.

    A day with a part of the day and no time ("Thursday evenings") is an approximate meeting; a
    day alone is an approximate meeting with no part of the day; text with no day and no time
    ("call for times", "by appointment", "varies") is a schedule unknown (`known` False) when
    `allow_unknown`. `today` places "resumes in January" in the calendar. Raises ScheduleError
    quoting the part that could not be read."""
    if not isinstance(text, str) or not text.strip():
        raise ScheduleError("", "the schedule is empty; " + EXPECTED)
    try:
        tokens = tokenize(text)
    except TimeTextError as exc:
        raise ScheduleError(exc.fragment, exc.reason, text) from None
    grammar = _Grammar(text, tokens)
    clauses = _merge_split_clauses(grammar.run())
    warnings: list[str] = []
    meetings: list[Meeting] = []
    durations = [c.duration for c in clauses if c.duration]
    warnings.extend(t.note for t in tokens if t.note)
    for c in clauses:
        if not c.has_days and not c.has_when and c.interval is None and not c.pending:
            continue  # only a duration or words
        if c.month_hint and c.has_days and not any(nth for nth, _ in c.days) and (
            c.interval is None or c.interval[1] != "month"
        ):
            warnings.append(f'"{_clause_text(text, c)}" says monthly but not which week of the '
                            "month: kept as a note (give it as 1st Sat, last Sun...)")
            grammar.markers = True
            continue
        if c.every_nth and not c.month_hint and c.interval is None:
            warnings.append(
                f'read "{c.every_nth}" in "{text.strip()}" as that week of each month; if '
                'every other week was meant, write "every other" and the day')
        if c.pending and not c.has_days:
            raise ScheduleError(c.ordinal_text, "an ordinal needs a day after it (1st Thu)", text)
        if not c.has_days and not (c.interval is not None and c.interval[1] == "day"):
            if c.times:
                raise ScheduleError(_clause_text(text, c), "no day given; " + EXPECTED, text)
            continue  # "evenings", "mornings": no day, so no meeting (see known below)
        rules = (
            [("DAILY", c.interval[0], ())] if not c.has_days and c.interval else
            _clause_rules(text, c)
        )
        c.duration = c.duration or (durations[0] if durations else None)
        if c.times:
            for spec in c.times:
                start, end = _resolve(text, c, spec, default_duration, warnings)
                meetings.extend(Meeting(f, n, b, start, end) for f, n, b in rules)
            continue
        part = c.parts[0] if c.parts else None
        start, end = PARTS_OF_DAY[part] if part else (0, END_OF_DAY)
        meetings.extend(
            Meeting(f, n, b, start, end, approximate=True, part_of_day=part) for f, n, b in rules
        )
        label = f"{part} " if part else ""
        warnings.append(
            f'"{_clause_text(text, c)}" gives no {label}time: kept as an approximate meeting '
            "(time not listed — call to confirm)"
        )
    notes = tuple(dict.fromkeys(grammar.notes))
    if not meetings:
        if allow_unknown and (grammar.markers or not grammar.seen_schedule or notes):
            why = tuple(dict.fromkeys(warnings)) or (
                f'"{text.strip()}" gives no day or time: the schedule is recorded as unknown',)
            return ScheduleReading((), notes or (text.strip(),), why, known=False)
        raise ScheduleError(text.strip(), "no day or time found; " + EXPECTED)
    meetings = _apply_season(meetings, grammar.season, today, warnings, text)
    return ScheduleReading(tuple(dict.fromkeys(meetings)), notes, tuple(dict.fromkeys(warnings)))


def read_days_time(
    days: str,
    time: str,
    end_time: str | None = None,
    *,
    default_duration: int = DEFAULT_DURATION_MINUTES,
    today: date | None = None,
) -> ScheduleReading:
    """The split CSV form: days "Mon/Wed", "1st & 3rd Thu"; time "6:00 PM" or "6-7:30pm";
    optional end_time. A days cell that holds a whole schedule ("Every Monday 7-8:30 PM") is
    read as one when the time cells are empty."""
    days = days.strip() if isinstance(days, str) else ""
    time = time.strip() if isinstance(time, str) else ""
    end = end_time.strip() if isinstance(end_time, str) else ""
    if not time and not end:
        return read_schedule(days, default_duration=default_duration, today=today)
    if not days:
        raise ScheduleError("", "no day given; expected days such as Mon/Wed or 1st & 3rd Thu")
    _check_cell(days, time_cell=False)
    time_text = f"{time} - {end}" if time and end else (time or end)
    _check_cell(time_text, time_cell=True)
    return read_schedule(f"{days} {time_text}", default_duration=default_duration, today=today,
                         allow_unknown=False)


_DAYISH = ("day", "days", "ordinal", "interval")


def _check_cell(text: str, *, time_cell: bool) -> None:
    """A days cell holds days (no time, since the time has its own column); a time cell holds
    one time or range. Raises ScheduleError quoting what does not belong."""
    try:
        tokens = tokenize(text)
    except TimeTextError as exc:
        raise ScheduleError(exc.fragment, exc.reason, text) from None
    if time_cell:
        if not tokens or tokens[0].kind != "time":
            raise ScheduleError(text, "expected a time such as 18:30, 6pm or 6:00 PM")
        for t in tokens:
            if t.kind in ("word", "junk", *_DAYISH) and str(t.value) not in _FILLER:
                raise ScheduleError(t.text, "expected a single time or range", text)
        return
    for t in tokens:
        if t.kind == "time":
            raise ScheduleError(t.text, "expected only days here (the time goes in its own "
                                "column)", text)
    if not any(t.kind in _DAYISH for t in tokens):
        bad = next((t for t in tokens if t.kind in ("word", "junk")), None)
        raise ScheduleError(bad.text if bad else text,
                            "not a day of the week; expected Mon..Sun, weekdays or daily", text)


def describe_reading(reading: ScheduleReading) -> str:
    """A one-line echo of a reading, e.g. "Tue 19:00-20:00; Thu evening (time not listed)"."""
    if not reading.known:
        return "schedule unknown"
    return "; ".join(describe_meeting(m) for m in reading.meetings)


__all__ = [
    "ScheduleReading",
    "describe_reading",
    "format_hhmm",
    "read_days_time",
    "read_schedule",
]
