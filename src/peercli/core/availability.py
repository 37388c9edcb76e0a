"""When a consumer is free, as they say it ("Tue evening", "weekdays 17:00-21:00", "weekends").

`parse_availability` turns a phrase into weekly `Window`s (weekday, start minute, end minute);
`format_windows` echoes them back canonically so the specialist can check what was understood.
The parts of the day have fixed, documented hours (`PARTS_OF_DAY`). A day with no time means the
whole day; a time with no day means every day; "anytime" means every day, all day. The grammar
is in `availability_grammar`, the window type and its echo in `availability_windows`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from peercli.core.availability_grammar import AvailabilityGrammar
from peercli.core.availability_windows import (
    AvailabilityError,
    AvailabilityReading,
    Window,
    format_windows,
    merge_windows,
    window_from_dict,
    window_to_dict,
)
from peercli.core.availability_words import EXPECTED, SINGLE_TIME_MINUTES
from peercli.core.phrase_lexer import tokenize
from peercli.core.timeparse import (
    PARTS_OF_DAY,
    TimeTextError,
)

__all__ = ["PARTS_OF_DAY", "SINGLE_TIME_MINUTES", "AvailabilityError", "AvailabilityReading",
           "Window", "format_windows", "parse_availability", "parse_availability_many",
           "read_availability", "read_availability_many", "window_from_dict", "window_to_dict"]


def read_availability(phrase: str) -> AvailabilityReading:
    """Weekly windows and warnings from one phrase (see `parse_availability`)."""
    if not isinstance(phrase, str) or not phrase.strip():
        raise AvailabilityError("", "the phrase is empty; " + EXPECTED)
    return _read_cached(phrase)


@lru_cache(maxsize=4096)
def _read_cached(phrase: str) -> AvailabilityReading:
    try:
        tokens = tokenize(phrase)
    except TimeTextError as exc:
        raise AvailabilityError(exc.fragment, exc.reason, phrase) from None
    grammar = AvailabilityGrammar(phrase, tokens)
    windows = grammar.run()
    if not windows:
        if grammar.cuts:
            raise AvailabilityError(phrase.strip(), "that leaves no free time")
        raise AvailabilityError(phrase.strip(), EXPECTED)
    return AvailabilityReading(tuple(merge_windows(windows)),
                               tuple(dict.fromkeys(grammar.warnings)))


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
        raise AvailabilityError("", "no availability was given; " + EXPECTED)
    return AvailabilityReading(tuple(merge_windows(windows)), tuple(dict.fromkeys(warnings)))


def parse_availability_many(phrases: Iterable[str]) -> list[Window]:
    """Windows from several phrases (each may hold several, separated by ";"), merged and sorted."""
    return list(read_availability_many(phrases).windows)
