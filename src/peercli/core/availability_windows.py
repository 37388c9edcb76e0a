"""Weekly free-time windows: the `Window` type, joining and cutting windows, the canonical echo
(`format_windows`) and the JSON form. The reading of phrases is in `availability_grammar`."""

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
    format_hhmm,
    lookup_weekday,
    parse_hhmm,
)

WHOLE_DAY = (0, END_OF_DAY)


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


def merge_windows(windows: Iterable[Window]) -> list[Window]:
    """Sorted windows with overlapping or touching windows of the same day joined."""
    out: list[Window] = []
    for w in sorted(windows):
        if out and out[-1].day == w.day and w.start <= out[-1].end:
            last = out[-1]
            out[-1] = Window(last.day, last.start, max(last.end, w.end))
        else:
            out.append(w)
    return out


def subtract_windows(windows: Iterable[Window], cut: Iterable[Window]) -> list[Window]:
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
    merged = merge_windows(windows)
    if not merged:
        return "(none)"
    groups: dict[tuple[int, int], list[int]] = {}
    for w in merged:
        groups.setdefault((w.start, w.end), []).append(w.day)
    parts = []
    for (start, end), days in groups.items():
        label = _days_label(days)
        if (start, end) == WHOLE_DAY:
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
