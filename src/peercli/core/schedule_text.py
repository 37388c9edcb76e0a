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
from dataclasses import replace
from datetime import date

from peercli.core.meeting import (
    DEFAULT_DURATION_MINUTES,
    Meeting,
    ScheduleError,
    ScheduleReading,
    byday_code,
    describe_meeting,
)
from peercli.core.phrase_lexer import tokenize
from peercli.core.schedule_grammar import (
    EXPECTED,
    FILLER,
    Clause,
    ScheduleGrammar,
    TimeSpec,
    clause_text,
)
from peercli.core.schedule_seasons import Season
from peercli.core.timeparse import (
    ALL_DAYS,
    END_OF_DAY,
    PART_MERIDIEM,
    PARTS_OF_DAY,
    ClockTime,
    TimeTextError,
    ambiguity_warning,
    format_hhmm,
    resolve_clock,
    resolve_span,
)


def _clause_rules(text: str, c: Clause) -> list[tuple[str, int, tuple[str, ...]]]:
    """(freq, interval, byday) for each meeting a clause describes, without times."""
    fragment = clause_text(text, c)
    days = _weeks_of_month(c)
    if c.pending:
        raise ScheduleError(c.ordinal_text, "an ordinal needs a day after it (1st Thu)", text)
    n, unit = c.interval if c.interval is not None else (1, None)
    if unit in (None, "week") and days and all(nth is not None for nth, _ in days):
        n, unit = 1, None  # "every other Thursday (2nd and 4th)": the weeks named say it
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


def _weeks_of_month(c: Clause) -> list[tuple[int | None, int]]:
    """The clause's days with ordinals written after them ("Thursdays, 1st & 3rd") and weeks
    left out ("every Wednesday except the first") turned into weeks of the month."""
    days = list(c.days)
    if c.pending and any(nth is None for nth, _ in days):
        days = [(n, d) for nth, d in days for n in ([nth] if nth is not None else c.pending)]
        c.pending = []
    if c.excluded_nth:
        out: list[tuple[int | None, int]] = []
        for nth, d in days:
            gone = {n for n, day in c.excluded_nth if day == d}
            if nth is None and gone and all(n > 0 for n in gone):
                out += [(n, d) for n in range(1, 6) if n not in gone]
            elif nth is None or (nth, d) not in c.excluded_nth:
                out.append((nth, d))
        days = out
    return days


def _hint(c: Clause) -> str | None:
    for part in c.parts:
        mer = PART_MERIDIEM.get(part)
        if mer:
            return mer
    return None


def _resolve(
    text: str, c: Clause, spec: TimeSpec, default_duration: int, warnings: list[str]
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


def _month_days(d: date) -> int:
    return calendar.monthrange(d.year, d.month)[1]


def _apply_season(
    meetings: list[Meeting], season: Season, today: date | None, warnings: list[str],
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
    if dtstart is not None and season.start_day:
        dtstart = dtstart.replace(day=min(season.start_day, _month_days(dtstart)))
    if until is not None and season.end_day:
        until = until.replace(day=min(season.end_day, _month_days(until)))
    return [
        replace(m, bymonth=bymonth or m.bymonth, dtstart=dtstart or m.dtstart,
                until=until or m.until)
        for m in meetings
    ]


def _merge_split_clauses(clauses: list[Clause]) -> list[Clause]:
    """"Mon, Wed; 7-8pm": days in one clause and the time alone in the next are one meeting."""
    out: list[Clause] = []
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
    grammar = ScheduleGrammar(text, tokens)
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
            warnings.append(f'"{clause_text(text, c)}" says monthly but not which week of the '
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
                raise ScheduleError(clause_text(text, c), "no day given; " + EXPECTED, text)
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
            f'"{clause_text(text, c)}" gives no {label}time: kept as an approximate meeting '
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
            if t.kind in ("word", "junk", *_DAYISH) and str(t.value) not in FILLER:
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
