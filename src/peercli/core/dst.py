"""A contact's length when the clocks change during it (daylight saving time).

`--start 01:30 --end 03:30` on the night the clocks go forward is one hour of real time, not
two; on the night they go back it is three. The local time zone is given by the caller (this
module reads no files), and without one the wall-clock difference is the length.

Rules for local times that are not a single moment (both reported as warnings):

- A time that did not happen (the hour skipped when the clocks go forward, e.g. 02:30 in New
  York on the second Sunday of March) is read as a clock that was not yet changed would show
  it: the same time plus the skipped hour (02:30 is read as 03:30). A contact that then has no
  length is refused: give --minutes.
- A time that happened twice (the hour repeated when the clocks go back, e.g. 01:30 on the
  first Sunday of November) is read as the first time, before the clocks went back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo


@dataclass(frozen=True)
class Elapsed:
    """When the contact started (a skipped time moved past the change) and its real length."""

    start: datetime  # naive local wall-clock time
    minutes: int
    warnings: tuple[str, ...] = ()


def _zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


def _as_utc(moment: datetime, zone: tzinfo) -> datetime:
    """The UTC instant of a naive local time, by the rules above (fold=0: the offset in force
    before a change, which reads a skipped time as the unchanged clock and a repeated time as
    its first occurrence)."""
    return moment.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _skipped(moment: datetime, zone: tzinfo) -> datetime | None:
    """The wall-clock time a skipped local time is read as, or None when it happened."""
    back = _as_utc(moment, zone).astimezone(zone).replace(tzinfo=None)
    return back if back != moment else None


def _repeated(moment: datetime, zone: tzinfo) -> bool:
    first = moment.replace(tzinfo=zone, fold=0).utcoffset()
    second = moment.replace(tzinfo=zone, fold=1).utcoffset()
    return first != second and _skipped(moment, zone) is None


def _hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def elapsed(day: date, start: time, wall_minutes: int, zone: tzinfo | None) -> Elapsed:
    """The real length of a contact from `start` on `day` to the wall-clock time
    `wall_minutes` later, in `zone` (None: the wall-clock difference). ValueError when the
    clocks' change leaves the contact no length."""
    begin = datetime.combine(day, start)
    end = begin + timedelta(minutes=wall_minutes)
    if zone is None:
        return Elapsed(begin, wall_minutes)
    try:
        return _elapsed_in(begin, end, wall_minutes, zone)
    except OverflowError:  # the first or last day the calendar has: no change to account for
        return Elapsed(begin, wall_minutes)


def _elapsed_in(begin: datetime, end: datetime, wall_minutes: int, zone: tzinfo) -> Elapsed:
    name = _zone_name(zone)
    warnings: list[str] = []
    shown = begin
    for label, moment in (("start", begin), ("end", end)):
        moved = _skipped(moment, zone)
        if moved is not None:
            warnings.append(
                f"the {label} {_hhmm(moment)} did not happen on {moment.date().isoformat()} in "
                f"{name} (the clocks went forward): read as {_hhmm(moved)}, the time a clock not "
                "yet changed would show")
            if label == "start":
                shown = moved
        elif _repeated(moment, zone):
            warnings.append(
                f"the {label} {_hhmm(moment)} happened twice on {moment.date().isoformat()} in "
                f"{name} (the clocks went back): read as the first time, before the change; "
                "give --minutes if the contact was in the repeated hour")
    minutes = round((_as_utc(end, zone) - _as_utc(begin, zone)).total_seconds() / 60)
    if minutes <= 0:
        raise ValueError(
            f"{_hhmm(begin)} to {_hhmm(end)} on {begin.date().isoformat()} has no length in "
            f"{name} once the clocks' change is counted: give the length with --minutes")
    if minutes != wall_minutes:
        way = "forward" if minutes < wall_minutes else "back"
        warnings.append(
            f"the clocks went {way} during this contact: {_hhmm(begin)}-{_hhmm(end)} is "
            f"{minutes} minutes of real time (not {wall_minutes})")
    return Elapsed(shown, minutes, tuple(warnings))
