"""Seasons in a schedule's asides: "summer only", "May–September", "no meeting in August",
"resumes in January", "beginning Jan. 7", "until June 30, 2027". `read_season` gathers them
into a `Season`; `schedule_text` places it in the calendar (months, start and end dates)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from peercli.core.phrase_lexer import Token
from peercli.core.timeparse import month_span

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


@dataclass
class Season:
    include: set[int] = field(default_factory=set)
    exclude: set[int] = field(default_factory=set)
    starts: int | None = None  # a month
    ends: int | None = None
    start_year: int | None = None
    end_year: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    start_day: int | None = None  # "beginning Jan. 7": the day of the month
    end_day: int | None = None


def read_season(run: Sequence[Token], season: Season) -> bool:
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
                season.end_date = t.value
            else:
                season.start_date = t.value
            found = True
        elif t.kind == "season":
            months = set(t.value)  # type: ignore[call-overload]
            _season_months(season, months, mode, None)
            found = True
        elif t.kind == "month":
            first = int(t.value)  # type: ignore[call-overload]
            months = {first}
            if k + 2 < len(run) and run[k + 1].kind == "dash" and run[k + 2].kind == "month":
                months = set(month_span(first, int(run[k + 2].value)))  # type: ignore[call-overload]
                k += 2
            day = None
            if k + 1 < len(run) and run[k + 1].kind == "monthday":
                day = int(run[k + 1].value)  # type: ignore[call-overload]
                k += 1
                if k + 1 < len(run) and run[k + 1].kind == "sep":
                    k += 1  # "Jan 7, 2027"
            year = None
            if k + 1 < len(run) and run[k + 1].kind in ("time", "junk", "year"):
                digits = run[k + 1].text.strip()
                if digits.isdigit() and len(digits) == 4 and 2000 <= int(digits) <= 2100:
                    year = int(digits)
                    k += 1
            _season_months(season, months, mode, year)
            if mode == "from":
                season.start_day = day
            elif mode == "until":
                season.end_day = day
            found = True
        k += 1
    return found

def _season_months(season: Season, months: set[int], mode: str, year: int | None) -> None:
    s = season
    if mode == "exclude":
        s.exclude |= months
    elif mode == "from":
        s.starts, s.start_year = min(months), year
    elif mode == "until":
        s.ends, s.end_year = max(months), year
    else:
        s.include |= months
